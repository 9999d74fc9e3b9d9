"""Les commandes d'exploitation : `exporter_offre` écrit le catalogue d'un département, `importer_offre` l'analyse à
blanc sans `--wet-run` et ne l'écrit qu'avec."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from offre.models import Service, Structure
from tests.offre import fabriques

pytestmark = pytest.mark.django_db


def test_exporter_puis_importer_un_departement(tmp_path):
    service = fabriques.service(nom="Atelier vélo")
    sortie = tmp_path / "offre-40.json"
    call_command("exporter_offre", "--departement", "40", "--sortie", str(sortie), stdout=StringIO())
    contenu = json.loads(sortie.read_text(encoding="utf-8"))
    assert [objet["nom"] for objet in contenu["services"]] == ["Atelier vélo"]
    service.delete()
    Structure.objects.all().delete()

    sortie_analyse = StringIO()
    call_command("importer_offre", "--departement", "40", "--structures", str(sortie), stdout=sortie_analyse)
    assert "services : 1 à créer" in sortie_analyse.getvalue()
    assert "rien d'écrit" in sortie_analyse.getvalue()
    assert not Service.objects.exists()

    call_command("importer_offre", "--departement", "40", "--structures", str(sortie), "--wet-run", stdout=StringIO())
    assert Service.objects.get().nom == "Atelier vélo"


def test_un_import_en_erreur_echoue_sans_rien_ecrire(tmp_path):
    fichier = tmp_path / "services.json"
    fichier.write_text(json.dumps([{"source": "dora", "id": "x"}]), encoding="utf-8")
    erreurs = StringIO()
    with pytest.raises(CommandError, match="1 ligne\\(s\\) en erreur"):
        call_command("importer_offre", "--departement", "40", "--services", str(fichier), "--wet-run", stderr=erreurs)
    assert "Service n° 1 (id x) : le champ « structure_id » est obligatoire" in erreurs.getvalue()
    assert not Service.objects.exists()


def test_un_csv_s_exporte_par_type():
    fabriques.service(nom="Garage solidaire")
    sortie = StringIO()
    call_command("exporter_offre", "--departement", "40", "--format", "csv", "--type", "services", stdout=sortie)
    assert sortie.getvalue().startswith("\ufeffsource,id,structure_id,")
    with pytest.raises(CommandError, match="précisez --type"):
        call_command("exporter_offre", "--departement", "40", "--format", "csv", stdout=StringIO())
