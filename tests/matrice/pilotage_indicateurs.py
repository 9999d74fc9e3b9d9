"""pilotage_indicateurs : déclarations de la matrice des URL (à compléter par la partie)."""

MATRICE = {}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}


def etat():
    return []
