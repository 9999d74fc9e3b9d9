"""Gouvernance (études de situations) : déclarations de la matrice des URL (décor et attendus communs :
gouvernance_commun).

Le décor ajoute au consortium des Landes un comité technique « mobilité » composé comme le comité départemental
(mêmes sièges, même co-président, même secrétaire) : il est vu par les mêmes acteurs (VOIR_COMITE) et tenu par le
secrétaire (SECRETAIRE). Trois études du carnet du décor y sont soumises par le professionnel (référent) : une
soumise (inscrite puis retirée par les POST), une inscrite à une séance en préparation (désinscrite), une inscrite à
une séance commencée (recommandée). Côté carnet, les attendus sont ceux du carnet (VOIR_CARNET, MODIFIER_CARNET) ;
le secrétaire et le co-président ne voient pas le carnet (404).
"""

from datetime import timedelta

from django.utils import timezone

from gouvernance.choix import Theme, TypeComite
from gouvernance.composition import services as composition
from gouvernance.etudes import services
from gouvernance.models import EtudeSituation
from tests.gouvernance import fabriques as fabriques_gouvernance
from tests.matrice.acteurs import MODIFIER_CARNET, POST_SANS_GET, VOIR_CARNET, apres_succes
from tests.matrice.gouvernance_commun import (
    ACTEURS_SUPPLEMENTAIRES,  # noqa: F401 - lu par la matrice
    SECRETAIRE,
    VOIR_COMITE,
)

HORS_CARNET = {"secretaire_comite": 404, "copresident": 404}
VOIR_LE_CARNET = {**VOIR_CARNET, **HORS_CARNET}
MODIFIER_LE_CARNET = {**MODIFIER_CARNET, **HORS_CARNET}
SANS_GET = {**POST_SANS_GET, "secretaire_comite": 405, "copresident": 405}


def CARNET(contexte):  # noqa: N802 - comme les autres arguments d'URL
    """Le carnet du décor, ses études fabriquées avant la mesure de la base (le POST désigne le comité technique)."""
    contexte["comite_technique"]
    return [contexte["carnet"].uuid]


SOUMISE = lambda c: [c["etude_soumise"].uuid]  # noqa: E731


def donnees_soumission(contexte):
    return {
        "comite": str(contexte["comite_technique"].uuid),
        "consentement": "ecrit",
        "consentement_le": f"{timezone.localdate():%Y-%m-%d}",
        "situation": "Sans permis, à 25 km du premier emploi proposé.",
        "question": "Quel financement pour le permis B ?",
    }


MATRICE = {
    "gouvernance:etudes_du_carnet": (CARNET, {"GET": (VOIR_LE_CARNET, None)}),
    "gouvernance:etude_soumettre": (
        CARNET,
        {"GET": (MODIFIER_LE_CARNET, None), "POST": (apres_succes(MODIFIER_LE_CARNET), donnees_soumission)},
    ),
    "gouvernance:etude_retirer": (
        lambda c: [c["carnet"].uuid, c["etude_soumise"].uuid],
        {"GET": (SANS_GET, None), "POST": (apres_succes(MODIFIER_LE_CARNET), lambda c: {})},
    ),
    "gouvernance:etudes_du_comite": (lambda c: [c["comite_technique"].uuid], {"GET": (VOIR_COMITE, None)}),
    "gouvernance:etude": (SOUMISE, {"GET": (VOIR_COMITE, None)}),
    "gouvernance:etude_inscrire": (
        SOUMISE,
        {
            "GET": (SECRETAIRE, None),
            "POST": (apres_succes(SECRETAIRE), lambda c: {"seance": str(c["seance_technique"].uuid)}),
        },
    ),
    "gouvernance:etude_desinscrire": (
        lambda c: [c["etude_inscrite"].uuid],
        {"GET": (SANS_GET, None), "POST": (apres_succes(SECRETAIRE), lambda c: {})},
    ),
    "gouvernance:etude_recommandation": (
        lambda c: [c["etude_a_recommander"].uuid],
        {
            "GET": (SECRETAIRE, None),
            "POST": (
                apres_succes(SECRETAIRE),
                lambda c: {
                    "recommandation": "Mobiliser l'aide au permis du Département.",
                    "recommandee_le": f"{timezone.localdate():%Y-%m-%d}",
                },
            ),
        },
    ),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    def etudes():
        pilote, secretaire = contexte["acteurs"]["pilote"], contexte["secretaire_comite"]
        referent = contexte["acteurs"]["professionnel"]
        technique = fabriques_gouvernance.comite(
            contexte["consortium"],
            nom="Comité technique mobilité",
            type=TypeComite.TECHNIQUE,
            theme=Theme.MOBILITE,
            secretaire=secretaire,
        )
        siege_etat = fabriques_gouvernance.siege(technique, contexte["prefecture"], ordre=1)
        fabriques_gouvernance.siege(technique, contexte["pilotage"], ordre=2)
        fabriques_gouvernance.siege(technique, contexte["organisation"], ordre=3)
        fabriques_gouvernance.siege(technique, contexte["deuxieme"], voix="consultative", ordre=4)
        composition.ajouter_copresidence(
            technique, acteur=pilote, siege=siege_etat, utilisateur=contexte["copresident"], voix_preponderante=True
        )
        preparation = fabriques_gouvernance.seance(technique, cree_par=secretaire)
        commencee = fabriques_gouvernance.seance_commencee(technique, cree_par=secretaire)

        def soumettre():
            return services.soumettre_etude(
                contexte["carnet"],
                acteur=referent,
                comite=technique,
                consentement="oral",
                consentement_le=timezone.localdate() - timedelta(days=1),
                situation="Sans permis, loin des emplois proposés.",
                question="Quel financement pour le permis B ?",
            )

        soumise = soumettre()
        inscrite = services.inscrire_etude(soumettre(), acteur=secretaire, seance=preparation)
        a_recommander = soumettre()
        point = fabriques_gouvernance.point(commencee, services.titre_du_point(a_recommander))
        EtudeSituation.objects.filter(pk=a_recommander.pk).update(point=point, statut=EtudeSituation.Statut.INSCRITE)
        return {
            "comite_technique": technique,
            "seance_technique": preparation,
            "etude_soumise": soumise,
            "etude_inscrite": inscrite,
            "etude_a_recommander": a_recommander,
        }

    cles = ["comite_technique", "seance_technique", "etude_soumise", "etude_inscrite", "etude_a_recommander"]
    return dict.fromkeys(cles, etudes)


def etat():
    return (
        list(
            EtudeSituation.objects.order_by("pk").values_list(
                "pk", "numero", "statut", "point_id", "recommandation", "recommandee_le", "situation"
            )
        ),
    )
