"""Offre : catalogue (structures, services, sessions, signalements, modération), recherche, import/export et API."""

MATRICE = {}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}


def etat():
    return []
