MATRICE = {}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}


def etat():
    return ()
