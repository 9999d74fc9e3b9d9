"""Données et gestes communs aux tests des orientations vers un service (date figée : lundi 2 mars 2026, 9 h, à
Paris). Une référente du Département oriente Inès Lalanne ; le Relais Emploi (association partenaire, deux membres)
tient l'« Atelier CV » et sa session ; le Garage solidaire n'a pas de compte : il répond par le lien signé."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from parcours import services as carnet_services
from parcours.orientation_service import services
from partenaires.choix import TypeOrganisation
from tests.factories import OrganisationFactory, membre
from tests.offre import fabriques

PARIS = ZoneInfo("Europe/Paris")
MAINTENANT = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"
VEHICULE = "mobilite--acceder-a-un-vehicule"


@pytest.fixture
def horloge():
    with time_machine.travel(MAINTENANT, tick=False) as machine:
        yield machine


def avancer(horloge, **duree) -> None:
    """Avance l'horloge d'une durée exacte (en UTC : le passage à l'heure d'été, le 29 mars, ne compte pas)."""
    horloge.move_to(datetime.now(tz=UTC) + timedelta(**duree))


@pytest.fixture
def o(db, horloge):
    departement = OrganisationFactory(nom="Département des Landes")
    france_travail = OrganisationFactory(nom="France Travail Dax", type=TypeOrganisation.FRANCE_TRAVAIL)
    referente = membre(departement, prenom="Claire", nom="Duprat", telephone="05 58 12 34 56").utilisateur
    conseiller = membre(france_travail).utilisateur
    carnet = carnet_services.ouvrir_carnet(
        acteur=referente,
        organisation=departement,
        nom="Lalanne",
        prenom="Inès",
        date_naissance=date(1988, 5, 3),
        email="ines.lalanne@exemple.fr",
        telephone="06 12 34 56 78",
        adresse="12 rue des Arènes",
        code_postal="40000",
        commune="Mont-de-Marsan",
        code_commune=fabriques.MONT_DE_MARSAN[0],
    )
    carnet_services.ajouter_intervenant(carnet, acteur=referente, utilisateur=conseiller, organisation=france_travail)
    relais = OrganisationFactory(nom="Relais Emploi", type=TypeOrganisation.ASSOCIATION)
    accueil = membre(relais, prenom="Paul", nom="Lafitte").utilisateur
    structure = fabriques.structure(organisation=relais, nom="Relais Emploi Landes")
    atelier = fabriques.service(structure, nom="Atelier CV", thematiques=[CV], volume_horaire_hebdomadaire=Decimal("6"))
    garage = fabriques.structure(nom="Garage solidaire", courriel="contact@garage-solidaire.fr")
    location = fabriques.service(
        garage,
        nom="Location de voiture à 1 euro",
        thematiques=[VEHICULE],
        courriel="location@garage-solidaire.fr",
        volume_horaire_hebdomadaire=Decimal("4.5"),
    )
    return SimpleNamespace(
        carnet=carnet,
        personne=carnet.personne,
        departement=departement,
        referente=referente,
        conseiller=conseiller,
        collegue_ft=membre(france_travail).utilisateur,
        relais=relais,
        accueil=accueil,
        collegue_relais=membre(relais).utilisateur,
        structure=structure,
        atelier=atelier,
        session=fabriques.session(atelier, intitule="Atelier CV collectif", places=2),
        garage=garage,
        location=location,
        etranger=membre(OrganisationFactory(nom="Autre organisation")).utilisateur,
    )


def orienter(o, service=None, *, acteur=None, **champs):
    service = service or o.atelier
    champs.setdefault("besoin", service.thematiques[0])
    return services.orienter(o.carnet, service, acteur=acteur or o.referente, **champs)


def courriels_a(adresse) -> list:
    return [message for message in mail.outbox if adresse in message.to]


def lien_du_courriel(message) -> str:
    """Le chemin du lien (boîte de réception ou lien signé) d'un courriel."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
