"""Fabriques de l'offre pour les tests : elles passent par les services (index et partage comme en vrai)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from offre import services
from offre.models import Service, SessionService, Structure

_numeros = itertools.count(1)

# Quelques communes des Landes (code INSEE, nom, code postal) : Mont-de-Marsan, Dax, Saint-Sever.
MONT_DE_MARSAN = ("40192", "Mont-de-Marsan", "40000")
DAX = ("40088", "Dax", "40100")
SAINT_SEVER = ("40282", "Saint-Sever", "40500")


def structure(organisation=None, commune=MONT_DE_MARSAN, **champs) -> Structure:
    numero = next(_numeros)
    code_insee, nom_commune, code_postal = commune
    valeurs = {
        "source": "spie",
        "identifiant": f"structure-{numero}",
        "nom": f"Structure {numero}",
        "adresse": "1 place de la Mairie",
        "code_postal": code_postal,
        "commune": nom_commune,
        "code_insee": code_insee,
        "organisation": organisation,
        **champs,
    }
    return services.enregistrer_structure(Structure(**valeurs))


def service(structure_=None, commune=MONT_DE_MARSAN, **champs) -> Service:
    numero = next(_numeros)
    structure_ = structure_ or structure()
    code_insee, nom_commune, code_postal = commune
    valeurs = {
        "structure": structure_,
        "source": structure_.source,
        "identifiant": f"service-{numero}",
        "nom": f"Service {numero}",
        "description": "Un accompagnement de proximité pour avancer vers l'emploi.",
        "type": "accompagnement",
        "thematiques": ["mobilite--preparer-un-permis"],
        "publics": ["tous-publics"],
        "frais": "gratuit",
        "en_presentiel": True,
        "adresse": "2 rue du Centre",
        "code_postal": code_postal,
        "commune": nom_commune,
        "code_insee": code_insee,
        "courriel": f"service{numero}@exemple.fr",
        "telephone": "0558000000",
        **champs,
    }
    return services.enregistrer_service(Service(**valeurs))


def session(service_, **champs) -> SessionService:
    valeurs = {
        "service": service_,
        "intitule": "Information collective",
        "debut": timezone.now() + timedelta(days=14),
        "places": 10,
        **champs,
    }
    return SessionService.objects.create(**valeurs)
