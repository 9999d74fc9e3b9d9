"""Offre (offre_echange) : import (pilotes territoriaux, chacun pour son territoire), export (tout membre d'une
organisation, pour son département ; pas le superutilisateur, membre de rien) et API publique de lecture.

Le POST d'import analyse à blanc (rien n'est écrit en base : le fichier est gardé dans la session) ; la
confirmation et l'abandon sans analyse en session redirigent sans rien écrire. L'import confirmé est couvert par
tests/offre/test_echange_import.py."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from offre.models import CritereService, Service, Structure, StructurePermissionGroupe
from tests.matrice.acteurs import POST_SANS_GET, connectes, tous

STRUCTURE = {
    "source": "matrice",
    "id": "matrice--relais",
    "nom": "Relais de la matrice",
    "date_maj": "2026-01-15",
    "code_insee": "40192",
    "code_postal": "40000",
}

PILOTES = connectes(403, pilote=200, pilote_autre_territoire=200)
PILOTES_POST = connectes(403, pilote=302, pilote_autre_territoire=302)


def _fichier(contexte):
    contenu = json.dumps({"structures": [STRUCTURE]}).encode()
    return {"structures": SimpleUploadedFile("offre.json", contenu, content_type="application/json")}


MATRICE = {
    "offre:import": (lambda c: [], {"GET": (PILOTES, None), "POST": (PILOTES_POST, _fichier)}),
    "offre:import_confirmer": (
        lambda c: [],
        {"GET": (POST_SANS_GET, None), "POST": (PILOTES_POST, lambda c: {"empreinte": "0" * 64})},
    ),
    "offre:import_abandonner": (lambda c: [], {"GET": (POST_SANS_GET, None), "POST": (PILOTES_POST, lambda c: {})}),
    "offre:export": (
        lambda c: [],
        {"GET": (connectes(200, superutilisateur=403), None), "POST": (POST_SANS_GET, None)},
    ),
    "api:structures": (lambda c: [], {"GET": (tous(200), None), "POST": (tous(405), lambda c: {})}),
    "api:services": (lambda c: [], {"GET": (tous(200), None), "POST": (tous(405), lambda c: {})}),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}


def etat():
    return (
        list(Structure.objects.order_by("pk").values_list("pk", "source", "identifiant", "nom", "date_maj")),
        list(Service.objects.order_by("pk").values_list("pk", "source", "identifiant", "nom", "date_maj")),
        CritereService.objects.count(),
        StructurePermissionGroupe.objects.count(),
    )
