"""Gouvernance (composition) : déclarations de la matrice des URL (décor et attendus communs : gouvernance_commun)."""

from tests.matrice.gouvernance_commun import ACTEURS_SUPPLEMENTAIRES  # noqa: F401 - lu par la matrice

MATRICE = {}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}


def etat():
    return ()
