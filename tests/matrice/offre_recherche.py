"""Offre (offre_recherche) : déclarations de la matrice des URL."""

MATRICE = {}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}


def etat():
    return []
