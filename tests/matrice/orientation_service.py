"""Orientations vers un service : prescrire depuis le carnet, boîte de réception de la structure, lien signé."""

MATRICE = {}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}


def etat():
    return []
