"""Outils des tests du suivi (tests/parcours/test_suivi_*.py) : une date figée, une équipe, des orientations
créées directement (leurs services sont bâtis par une autre partie)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from parcours import services
from parcours.models import DecisionOrientation, DemandeOrientation, ElementATraiter
from parcours.suivi import point_de_situation
from partenaires.choix import Role, TypeOrganisation
from tests.factories import OrganisationFactory, membre

PARIS = ZoneInfo("Europe/Paris")
OUVERTURE = date(2025, 6, 2)
AUJOURD_HUI = date(2026, 3, 16)


def instant(jour: date, heure: int = 10) -> datetime:
    return datetime.combine(jour, time(heure), PARIS)


@pytest.fixture
def temps(time_machine):
    """Le temps est figé au jour de l'ouverture des carnets ; `temps.move_to(instant(...))` le déplace."""
    time_machine.move_to(instant(OUVERTURE), tick=False)
    return time_machine


@pytest.fixture
def equipe(temps, db):
    departement = OrganisationFactory(nom="Département des Landes", departement="40")
    mission_locale = OrganisationFactory(
        nom="Mission locale des Landes", type=TypeOrganisation.MISSION_LOCALE, departement="40"
    )
    referente = membre(departement, email="claire@exemple.fr", prenom="Claire", nom="Duprat").utilisateur
    conseiller = membre(mission_locale, prenom="Olivier", nom="Dupouy").utilisateur
    carnet = ouvrir(referente, departement, nom="Lalanne", prenom="Inès")
    return {
        "departement": departement,
        "mission_locale": mission_locale,
        "referente": referente,
        "conseiller": conseiller,
        "carnet": carnet,
        "pilote": membre(departement, Role.PILOTE, prenom="Paule", nom="Pilote").utilisateur,
        "charge": membre(departement, Role.CHARGE_ORIENTATION).utilisateur,
    }


def ouvrir(acteur, organisation, *, nom, prenom="Alex", date_naissance=date(1985, 3, 2)):
    return services.ouvrir_carnet(
        acteur=acteur, organisation=organisation, nom=nom, prenom=prenom, date_naissance=date_naissance
    )


def calculer(temps, jour=AUJOURD_HUI):
    temps.move_to(instant(jour, 2), tick=False)
    return point_de_situation.calculer(aujourd_hui=jour)


def regles_de(carnet, elements=None):
    """Les règles relevées pour ce carnet au dernier calcul."""
    if elements is None:
        elements = ElementATraiter.objects.all()
    return sorted(e.regle for e in elements if e.carnet_id == carnet.pk)


def demande(carnet, organisation, acteur, *, date_reception, motif=DemandeOrientation.Motif.ENTREE_RSA, **champs):
    return DemandeOrientation.objects.create(
        carnet=carnet,
        motif=motif,
        organisation_orientation=organisation,
        date_reception=date_reception,
        demandeur=acteur,
        **champs,
    )


def decision(carnet, organisation, acteur, *, date_decision, notifiee_le=None, parcours="emploi", **champs):
    sens = champs.pop("sens", DecisionOrientation.Sens.ORIENTER)
    origine = demande(carnet, organisation, acteur, date_reception=date_decision, statut="decidee")
    orientation = sens != DecisionOrientation.Sens.MAINTENIR
    return DecisionOrientation.objects.create(
        demande=origine,
        carnet=carnet,
        sens=sens,
        parcours=parcours if orientation else "",
        organisme_referent=organisation if orientation else None,
        date_decision=date_decision,
        decideur=acteur,
        organisation_decideuse=organisation,
        notifiee_le=notifiee_le,
        canal_notification="courrier" if notifiee_le else "",
        motif=champs.pop("motif", "" if orientation else "Parcours adapté"),
        **champs,
    )
