"""Pilotage (besoins non couverts, flux des orientations) : déclarations de la matrice des URL.

Des chiffres agrégés, vus par les territoires du pilotage (`gouvernance.permissions.departements_du_pilotage`) : le
pilote du 40, le secrétaire du comité du consortium des Landes, et le pilote d'un autre territoire (pour le sien,
le territoire par défaut). Les autres n'ont aucun territoire : 404 (pas même le superutilisateur)."""

from tests.matrice.acteurs import connectes
from tests.matrice.gouvernance_commun import (  # noqa: F401 - ACTEURS_SUPPLEMENTAIRES est lu par la matrice
    ACTEURS_SUPPLEMENTAIRES,
)

# Le secrétaire ne voit le pilotage que par son comité : le décor de la gouvernance le fabrique.
SANS_ARGUMENT = lambda c: [] if c["comite"] else []  # noqa: E731
PILOTAGE = connectes(404, pilote=200, pilote_autre_territoire=200, secretaire_comite=200, copresident=404)

MATRICE = {
    "gouvernance:besoins_non_couverts": (SANS_ARGUMENT, {"GET": (PILOTAGE, None)}),
    "gouvernance:besoins_non_couverts_export": (SANS_ARGUMENT, {"GET": (PILOTAGE, None)}),
    "gouvernance:flux_orientations": (SANS_ARGUMENT, {"GET": (PILOTAGE, None)}),
    "gouvernance:flux_orientations_export": (SANS_ARGUMENT, {"GET": (PILOTAGE, None)}),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}  # le décor vient de la gouvernance (gouvernance_commun) ; des chiffres, aucun objet propre


def etat():
    return []
