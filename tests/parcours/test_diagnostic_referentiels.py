"""Les référentiels du diagnostic : livrés avec le projet, chargés par code stable, corrigés dans
l'administration sans casser les diagnostics enregistrés."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from parcours import referentiels
from parcours.models import AppellationRome, Domaine, Situation
from tests.factories import UtilisateurFactory
from tests.parcours.conftest import diagnostic_valide

pytestmark = pytest.mark.django_db
SANS_TRANSPORT = "mobilite.aucun_moyen_de_transport_a_disposition"


def test_les_referentiels_du_diagnostic_sont_charges():
    assert Domaine.objects.count() == 12
    assert set(Domaine.objects.filter(sensible=True).values_list("code", flat=True)) == {"sante", "handicap"}
    assert Situation.objects.filter(source="carnet_de_bord").count() == 88
    assert Situation.objects.filter(domaine__in=["handicap", "isolement"]).exists()
    assert AppellationRome.objects.count() == 10876
    assert AppellationRome.objects.values("rome").distinct().count() == 531
    aide_soignant = AppellationRome.objects.get(code="J1501.aide_soignant_aide_soignante_en_geriatrie")
    assert aide_soignant.recherche == "aide soignant aide soignante en geriatrie j1501"


def test_le_chargement_est_idempotent(capsys):
    avant = (Situation.objects.count(), Situation.objectifs_suggeres.through.objects.count())
    call_command("charger_referentiels")
    call_command("charger_referentiels")
    assert "10876 appellations ROME" in capsys.readouterr().out
    assert (Situation.objects.count(), Situation.objectifs_suggeres.through.objects.count()) == avant


def test_une_entree_retiree_du_fichier_est_desactivee_pas_supprimee(monkeypatch, equipe):
    diagnostic = diagnostic_valide(
        equipe["carnet"],
        equipe["referente"],
        mobilite={"appreciation": "besoin", "impact": "fort", "situations": [SANS_TRANSPORT]},
    )
    lire = referentiels.lire
    monkeypatch.setattr(
        referentiels, "lire", lambda nom: [ligne for ligne in lire(nom) if ligne.get("code") != SANS_TRANSPORT]
    )
    referentiels.charger_diagnostic()
    situation = Situation.objects.get(code=SANS_TRANSPORT)
    assert not situation.actif
    # Le diagnostic qui l'a observée la garde, avec son libellé.
    assert list(diagnostic.evaluations.get(domaine="mobilite").situations.all()) == [situation]


def test_un_libelle_corrige_et_une_entree_locale_survivent_au_rechargement(client, connecter):
    superutilisateur = UtilisateurFactory(is_staff=True, is_superuser=True)
    connecter(superutilisateur)
    url = reverse("admin:parcours_situation_change", args=[SANS_TRANSPORT])
    situation = Situation.objects.get(code=SANS_TRANSPORT)
    reponse = client.post(
        url,
        {"libelle": "Sans moyen de transport", "domaine": "mobilite", "nature": "frein", "actif": "on",
         "objectifs_suggeres": list(situation.objectifs_suggeres.values_list("code", flat=True))},
    )  # fmt: skip
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    reponse = client.post(
        reverse("admin:parcours_situation_add"),
        {"code": "mobilite.scooter_prete_par_la_commune", "libelle": "Scooter prêté par la commune",
         "domaine": "mobilite", "nature": "ressource", "actif": "on"},
    )  # fmt: skip
    assert reponse.status_code == 302
    referentiels.charger_diagnostic()
    corrigee = Situation.objects.get(code=SANS_TRANSPORT)
    assert (corrigee.libelle, corrigee.modifie_localement, corrigee.source) == (
        "Sans moyen de transport",
        True,
        "carnet_de_bord",
    )
    locale = Situation.objects.get(code="mobilite.scooter_prete_par_la_commune")
    assert (locale.actif, locale.source) == (True, "locale")


def test_une_entree_du_referentiel_ne_se_supprime_pas(client, connecter):
    connecter(UtilisateurFactory(is_staff=True, is_superuser=True))
    reponse = client.get(reverse("admin:parcours_appellationrome_delete", args=["J1501.aide_soignant_aide_soignante"]))
    assert reponse.status_code == 403


def test_une_entree_desactivee_dans_l_administration_le_reste_apres_rechargement(client, connecter):
    connecter(UtilisateurFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:parcours_appellationrome_change", args=["J1501.aide_soignant_aide_soignante"])
    reponse = client.post(url, {"libelle": "Aide-soignant / Aide-soignante", "rome": "J1501"})  # « actif » décoché
    assert reponse.status_code == 302
    referentiels.charger_diagnostic()
    appellation = AppellationRome.objects.get(code="J1501.aide_soignant_aide_soignante")
    assert (appellation.actif, appellation.modifie_localement) == (False, True)
