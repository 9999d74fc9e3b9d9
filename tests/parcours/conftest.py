from datetime import date

import pytest

from parcours import services
from parcours.diagnostic import services as diagnostic_services
from parcours.models import Domaine
from tests.factories import OrganisationFactory, membre

METIER_AIDE_SOIGNANT = "J1501.aide_soignant_aide_soignante"


@pytest.fixture
def equipe(db):
    """Un carnet ouvert par une référente du Département, avec un conseiller France Travail dans le groupe."""
    departement = OrganisationFactory(nom="Département des Landes")
    france_travail = OrganisationFactory(nom="France Travail Dax", type="france_travail")
    referente = membre(departement).utilisateur
    conseiller = membre(france_travail).utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Lalanne", prenom="Inès", date_naissance=date(1988, 5, 3)
    )
    services.ajouter_intervenant(carnet, acteur=referente, utilisateur=conseiller, organisation=france_travail)
    return {
        "carnet": carnet,
        "departement": departement,
        "france_travail": france_travail,
        "referente": referente,
        "conseiller": conseiller,
        "collegue_ft": membre(france_travail).utilisateur,
    }


def evaluations(**par_domaine):
    """Tous les domaines appréciés « non abordé », sauf ceux donnés : code → valeurs."""
    valeurs = {code: {"appreciation": "non_aborde"} for code in Domaine.objects.values_list("code", flat=True)}
    valeurs.update(par_domaine)
    return valeurs


def remplir(diagnostic, acteur, *, avec_projet=True, **par_domaine):
    """Un diagnostic complet : situation, un projet (ou « non défini »), chaque domaine apprécié."""
    diagnostic_services.enregistrer(
        diagnostic,
        acteur=acteur,
        evaluations=evaluations(**par_domaine),
        situation_actuelle="recherche_emploi",
        niveau_formation="NV5",
        date_fin_dernier_emploi=date(2025, 6, 30),
        projet_non_defini=not avec_projet,
    )
    if avec_projet:
        diagnostic_services.ajouter_projet(diagnostic, acteur=acteur, appellation=METIER_AIDE_SOIGNANT)
    diagnostic.refresh_from_db()
    return diagnostic


def diagnostic_valide(carnet, acteur, **par_domaine):
    diagnostic = diagnostic_services.commencer(carnet, acteur=acteur)
    remplir(diagnostic, acteur, **par_domaine)
    return diagnostic_services.valider(diagnostic, acteur=acteur)
