"""Données et gestes communs aux tests des convocations (date figée : lundi 2 mars 2026, 9 h, à Paris)."""

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from parcours import services
from tests.factories import OrganisationFactory, membre

PARIS = ZoneInfo("Europe/Paris")
MAINTENANT = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
RENDEZ_VOUS_LE = datetime(2026, 3, 10, 14, 30, tzinfo=PARIS)  # mardi 10 mars 2026, 14 h 30
EMAIL_PERSONNE = "ines.lalanne@exemple.fr"
TELEPHONE_REFERENTE = "05 58 12 34 56"


@pytest.fixture
def horloge():
    with time_machine.travel(MAINTENANT, tick=False) as machine:
        yield machine


@pytest.fixture
def equipe_convocation(db, horloge):
    """Une référente du Département (avec son téléphone), un conseiller France Travail dans le groupe, une collègue
    France Travail hors du groupe, un membre d'une autre organisation ; la personne a une adresse e-mail ; un
    rendez-vous prévu avec la référente."""
    departement = OrganisationFactory(nom="Département des Landes", commune="Mont-de-Marsan")
    france_travail = OrganisationFactory(nom="France Travail Dax", type="france_travail")
    referente = membre(departement, prenom="Claire", nom="Duprat", telephone=TELEPHONE_REFERENTE).utilisateur
    conseiller = membre(france_travail).utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente,
        organisation=departement,
        nom="Lalanne",
        prenom="Inès",
        date_naissance=date(1988, 5, 3),
        email=EMAIL_PERSONNE,
        adresse="12 rue des Arènes",
        code_postal="40100",
        commune="Dax",
    )
    services.ajouter_intervenant(carnet, acteur=referente, utilisateur=conseiller, organisation=france_travail)
    rendez_vous = prevoir(carnet, referente, RENDEZ_VOUS_LE)
    return SimpleNamespace(
        carnet=carnet,
        personne=carnet.personne,
        referente=referente,
        conseiller=conseiller,
        collegue=membre(france_travail).utilisateur,
        etranger=membre(OrganisationFactory(nom="Autre organisation")).utilisateur,
        rendez_vous=rendez_vous,
    )


def prevoir(carnet, acteur, date_heure, **champs):
    champs = {"objet": "Premier entretien", "lieu": "Maison départementale, 5 rue Gambetta, Dax", **champs}
    return services.prevoir_rendez_vous(carnet, acteur=acteur, intervenant=acteur, date_heure=date_heure, **champs)


def liens_du_courriel(message) -> dict[str, str]:
    """Les liens de réponse d'un courriel : chemin après « Je viendrai » et « Je ne pourrai pas venir »."""
    trouves = re.findall(r"(Je viendrai|Je ne pourrai pas venir) :\n(https?://\S+)", message.body)
    return {libelle: re.sub(r"^https?://[^/]+", "", url) for libelle, url in trouves}


def courriels_a(adresse):
    return [m for m in mail.outbox if adresse in m.to]


def avancer(horloge, **delai):
    horloge.move_to(MAINTENANT + timedelta(**delai))
