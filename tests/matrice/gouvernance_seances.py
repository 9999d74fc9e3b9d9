"""Gouvernance (seances) : déclarations de la matrice des URL (décor et attendus communs : gouvernance_commun).

La séance en préparation du décor (`seance_preparation`, un point : `point_preparation`) : le secrétaire la prépare,
le co-président (unique) valide son ordre du jour (302, elle passe à « ordre du jour validé »). Envoyer la
convocation de cette séance dont l'ordre du jour n'est pas validé est refusé : la page de la séance est réaffichée
avec le message (200), la base ne change pas (vérifié par la matrice, comme pour tout refus).
"""

from datetime import timedelta

from django.utils import timezone

from tests.gouvernance import fabriques as fabriques_gouvernance
from tests.matrice.acteurs import POST_SANS_GET, apres_succes
from tests.matrice.gouvernance_commun import (
    ACTEURS_SUPPLEMENTAIRES,  # noqa: F401 - lu par la matrice
    COPRESIDENT,
    SECRETAIRE,
    VOIR_COMITE,
)

SANS_GET = {**POST_SANS_GET, "secretaire_comite": 405, "copresident": 405}


def _dans_un_mois() -> str:
    return f"{timezone.localtime() + timedelta(days=30):%Y-%m-%dT%H:%M}"


def donnees_seance(contexte):
    return {"date": _dans_un_mois(), "lieu": "Hôtel du Département, Mont-de-Marsan", "lien_visio": ""}


def donnees_point(contexte):
    return {
        "titre": "Point d'étape du garage solidaire",
        "type": "suivi_fiche",
        "duree_minutes": "20",
        "description": "Présenté par la structure porteuse.",
        "fiche_action": str(contexte["fiche"].uuid),
    }


MATRICE = {
    "gouvernance:seance_creer": (
        lambda c: [c["comite"].uuid],
        {"GET": (SECRETAIRE, None), "POST": (apres_succes(SECRETAIRE), donnees_seance)},
    ),
    "gouvernance:seance": (lambda c: [c["seance_preparation"].uuid], {"GET": (VOIR_COMITE, None)}),
    "gouvernance:seance_modifier": (
        lambda c: [c["seance_preparation"].uuid],
        {"GET": (SECRETAIRE, None), "POST": (apres_succes(SECRETAIRE), donnees_seance)},
    ),
    "gouvernance:point_ajouter": (
        lambda c: [c["seance_preparation"].uuid],
        {"GET": (SECRETAIRE, None), "POST": (apres_succes(SECRETAIRE), donnees_point)},
    ),
    "gouvernance:point_modifier": (
        lambda c: [c["seance_preparation"].uuid, c["point_preparation"].uuid],
        {"GET": (SECRETAIRE, None), "POST": (apres_succes(SECRETAIRE), donnees_point)},
    ),
    "gouvernance:point_supprimer": (
        lambda c: [c["seance_preparation"].uuid, c["point_preparation"].uuid],
        {"GET": (SANS_GET, None), "POST": (apres_succes(SECRETAIRE), None)},
    ),
    # Le second point de la séance remonte en tête.
    "gouvernance:point_deplacer": (
        lambda c: [c["seance_preparation"].uuid, c["point_preparation_suivant"].uuid],
        {"GET": (SANS_GET, None), "POST": (apres_succes(SECRETAIRE), lambda c: {"sens": "haut"})},
    ),
    "gouvernance:ordre_du_jour_valider": (
        lambda c: [c["seance_preparation"].uuid],
        {"GET": (SANS_GET, None), "POST": (apres_succes(COPRESIDENT), None)},
    ),
    # Ordre du jour non validé : refus, page réaffichée avec le message (200), rien d'écrit.
    "gouvernance:convocation_envoyer": (
        lambda c: [c["seance_preparation"].uuid],
        {"GET": (SANS_GET, None), "POST": (SECRETAIRE, None)},
    ),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    def point_suivant():
        return {
            "point_preparation_suivant": fabriques_gouvernance.point(
                contexte["seance_preparation"], "Questions diverses", duree_minutes=10
            )
        }

    return {"point_preparation_suivant": point_suivant}


def etat():
    return ()  # les tables de la gouvernance sont relevées par gouvernance_commun.etat()
