"""Le territoire d'un carnet a deux écritures : l'expression à annoter (`territoire_du_carnet`, le territoire lu
carnet par carnet) et le filtre (`au_territoire`, que les indicateurs appliquent à tout un département). Elles
doivent désigner les mêmes carnets, transferts compris."""

from datetime import date

import pytest

from parcours.models import Carnet
from parcours.population import au_territoire, territoire_de, territoire_du_carnet
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques_indicateurs as f

pytestmark = pytest.mark.django_db

DEPARTEMENTS = ("40", "64", "33")


@pytest.fixture
def carnets():
    landes = OrganisationFactory(departement="40")
    pyrenees = OrganisationFactory(departement="64", commune="Pau", code_postal="64000")
    gironde = OrganisationFactory(departement="33", commune="Bordeaux", code_postal="33000")
    acteur = membre(landes).utilisateur

    def ouvert(organisation):
        return f.carnet(organisation, acteur, ouvert_le=date(2026, 1, 1), referent=False)

    sans_transfert = ouvert(landes)
    arrive = ouvert(pyrenees)
    f.transfert(arrive, landes, acteur, de="64", vers="40", le=date(2026, 3, 1), decide=True)
    parti = ouvert(landes)
    f.transfert(parti, pyrenees, acteur, de="40", vers="64", le=date(2026, 3, 1), decide=True)
    parti_puis_revenu = ouvert(landes)
    f.transfert(parti_puis_revenu, pyrenees, acteur, de="40", vers="64", le=date(2026, 3, 1), decide=True)
    f.transfert(parti_puis_revenu, landes, acteur, de="64", vers="40", le=date(2026, 5, 1), decide=True)
    deux_le_meme_jour = ouvert(gironde)  # même date : le dernier créé l'emporte (clé), vers la Gironde
    f.transfert(deux_le_meme_jour, landes, acteur, de="33", vers="40", le=date(2026, 4, 1), decide=True)
    f.transfert(deux_le_meme_jour, gironde, acteur, de="40", vers="33", le=date(2026, 4, 1), decide=True)
    return {
        "sans transfert": (sans_transfert, "40"),
        "arrivé": (arrive, "40"),
        "parti": (parti, "64"),
        "parti puis revenu": (parti_puis_revenu, "40"),
        "deux transferts le même jour": (deux_le_meme_jour, "33"),
    }


def test_le_territoire_de_chaque_carnet(carnets):
    for nom, (carnet, attendu) in carnets.items():
        assert territoire_de(carnet) == attendu, nom


@pytest.mark.parametrize("departement", DEPARTEMENTS)
def test_le_filtre_et_l_expression_designent_les_memes_carnets(carnets, departement):
    par_expression = set(
        Carnet.objects.annotate(territoire=territoire_du_carnet())
        .filter(territoire=departement)
        .values_list("pk", flat=True)
    )
    par_filtre = set(Carnet.objects.filter(au_territoire(departement)).values_list("pk", flat=True))
    attendus = {carnet.pk for carnet, territoire in carnets.values() if territoire == departement}
    assert par_filtre == par_expression == attendus
