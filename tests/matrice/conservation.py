"""Gel légal et opposition au partage : déclarations de la matrice des URL.

Le gel légal : seul l'administrateur de l'organisation du référent (l'organisation visée) le pose ou le lève ; ceux
qui voient le carnet sans l'être reçoivent 403, les autres 404. L'opposition enregistrée par un professionnel : les
membres de l'organisation du référent qui modifient le carnet (le référent, l'administrateur) ; l'accompagnateur
d'une autre organisation et son collègue voient le carnet (403). Dans l'espace : la personne, sur son carnet."""

from parcours.models import GelLegal, OppositionPartage
from tests.matrice.acteurs import VOIR_CARNET, apres_succes
from tests.matrice.espace_partage import SEULE_LA_PERSONNE

GET_QUI_ECRIVENT = set()

GEL = {**{acteur: (403 if statut == 200 else statut) for acteur, statut in VOIR_CARNET.items()}, "administrateur": 200}
OPPOSITION = {**VOIR_CARNET, "accompagnateur": 403, "collegue_organisation_partageante": 403}
CARNET = lambda c: [c["carnet"].uuid]  # noqa: E731

MATRICE = {
    "parcours:carnet_gel_legal": (
        CARNET,
        {"GET": (GEL, None), "POST": (apres_succes(GEL), lambda c: {"motif": "Contentieux au tribunal administratif"})},
    ),
    "parcours:carnet_opposition_partage": (
        CARNET,
        {"GET": (OPPOSITION, None), "POST": (apres_succes(OPPOSITION), lambda c: {})},
    ),
    "parcours:espace_opposition_partage": (
        lambda c: [],
        {"GET": (SEULE_LA_PERSONNE, None), "POST": (apres_succes(SEULE_LA_PERSONNE), lambda c: {})},
    ),
}


def fabriques(contexte):
    return {}


def etat():
    return [
        list(GelLegal.objects.order_by("pk").values_list("pk", "leve_le", "motif")),
        list(OppositionPartage.objects.order_by("pk").values_list("pk", "levee_le")),
    ]
