"""Pilotage (indicateurs du territoire) : déclarations de la matrice des URL.

Les chiffres agrégés d'un territoire se voient par ses pilotes et par les secrétaires des comités actifs de son
consortium (`departements_du_pilotage`) ; le pilote d'un autre territoire voit ceux du sien (la page s'ouvre sur son
territoire) ; tous les autres, superutilisateur et co-président compris : 404. Les URL sont sans argument ; le
décor de la gouvernance (comité et secrétaire) est fabriqué avant la mesure."""

from tests.matrice.acteurs import connectes
from tests.matrice.gouvernance_commun import ACTEURS_SUPPLEMENTAIRES  # noqa: F401 - lu par la matrice

VOIR_INDICATEURS = connectes(404, pilote=200, pilote_autre_territoire=200, secretaire_comite=200, copresident=404)


def SANS_ARGUMENT(contexte):  # noqa: N802 - comme les autres arguments d'URL
    contexte["comite"]  # le secrétaire ne voit les chiffres que de son comité actif
    return []


MATRICE = {
    "gouvernance:indicateurs": (SANS_ARGUMENT, {"GET": (VOIR_INDICATEURS, None)}),
    "gouvernance:indicateurs_export": (SANS_ARGUMENT, {"GET": (VOIR_INDICATEURS, None)}),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}


def etat():
    return []
