"""Sanctions : déclarations de la matrice des URL.

Les manquements se voient comme le carnet (VOIR_CARNET) et par le chargé d'orientation du Département du
territoire (ici celui du Département « pilotage », dans le 40) ; ils s'instruisent (constat, motif légitime, avis,
observations) par qui peut modifier le carnet et par ce chargé d'orientation ; seul ce dernier, délégataire du
président du Département, décide et lève la sanction. La liste « à décider » est celle des chargés d'orientation
d'un Département."""

from datetime import timedelta

from django.utils import timezone

from parcours.models import Manquement
from tests.matrice.acteurs import MODIFIER_CARNET, POST_SANS_GET, VOIR_CARNET, apres_succes, connectes
from tests.parcours.sanctions_fabriques import manquement, manquement_avis_envoye

VOIR = {**VOIR_CARNET, "charge_orientation": 200}
INSTRUIRE = {**MODIFIER_CARNET, "charge_orientation": 200}
DECIDER = {acteur: (403 if statut == 200 else statut) for acteur, statut in VOIR.items()} | {"charge_orientation": 200}
A_DECIDER = connectes(403, charge_orientation=200)

CARNET = lambda c: [c["carnet"].uuid]  # noqa: E731


def _jour(decalage=0):
    return (timezone.localdate() + timedelta(days=decalage)).isoformat()


def _de(cle):
    return lambda c: [c[cle].uuid]


MATRICE = {
    "parcours:manquements": (CARNET, {"GET": (VOIR, None)}),
    "parcours:manquement_constater": (
        CARNET,
        {
            "GET": (INSTRUIRE, None),
            "POST": (
                apres_succes(INSTRUIRE),
                lambda c: {"type": "refus_controle", "faits": "A refusé le contrôle.", "date_faits": _jour()},
            ),
        },
    ),
    "parcours:manquements_a_decider": (lambda c: [], {"GET": (A_DECIDER, None)}),
    "parcours:manquement": (_de("manquement"), {"GET": (VOIR, None)}),
    "parcours:manquement_motif": (
        _de("manquement"),
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(INSTRUIRE),
                lambda c: {"motif_legitime": "non", "precision": "Aucun justificatif.", "examine_le": _jour()},
            ),
        },
    ),
    "parcours:manquement_avis": (
        _de("manquement_examine"),
        {
            "GET": (POST_SANS_GET, None),
            "POST": (apres_succes(INSTRUIRE), lambda c: {"avis_envoye_le": _jour(), "canal": "courrier"}),
        },
    ),
    "parcours:manquement_observations": (
        _de("manquement_a_decider"),
        {
            "GET": (POST_SANS_GET, None),
            "POST": (apres_succes(INSTRUIRE), lambda c: {"observations": "Je conteste.", "recues_le": _jour()}),
        },
    ),
    "parcours:manquement_decider": (
        _de("manquement_a_decider"),
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(DECIDER),
                lambda c: {"decision": "sans_sanction", "motif": "Situation régularisée.", "decide_le": _jour()},
            ),
        },
    ),
    "parcours:manquement_lever": (
        _de("manquement_sanctionne"),
        {
            "GET": (POST_SANS_GET, None),
            "POST": (apres_succes(DECIDER), lambda c: {"levee_le": _jour(), "motif": "Contrat signé."}),
        },
    ),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    def professionnel():
        return contexte["cible"].utilisateur

    def constate():
        return {"manquement": manquement(contexte["carnet"], professionnel(), date_faits=timezone.localdate())}

    def examine():
        return {
            "manquement_examine": manquement(
                contexte["carnet"],
                professionnel(),
                date_faits=timezone.localdate(),
                motif_legitime=False,
                motif_legitime_examine_le=timezone.localdate(),
            )
        }

    def a_decider():
        return {
            "manquement_a_decider": manquement_avis_envoye(
                contexte["carnet"],
                professionnel(),
                date_faits=timezone.localdate() - timedelta(days=30),
                avis_envoye_le=timezone.localdate() - timedelta(days=20),
            )
        }

    def sanctionne():
        hier = timezone.localdate() - timedelta(days=1)
        return {
            "manquement_sanctionne": manquement_avis_envoye(
                contexte["carnet"],
                professionnel(),
                date_faits=hier - timedelta(days=30),
                avis_envoye_le=hier - timedelta(days=20),
                statut=Manquement.Statut.DECIDE,
                decision=Manquement.Decision.SUSPENSION,
                decide_le=hier,
                taux_suspension=50,
                duree_mois=1,
                personnes_foyer=1,
                motif_decision="Aucune observation.",
            )
        }

    return {
        "manquement": constate,
        "manquement_examine": examine,
        "manquement_a_decider": a_decider,
        "manquement_sanctionne": sanctionne,
    }


def etat():
    return list(
        Manquement.objects.order_by("pk").values_list(
            "pk", "statut", "motif_legitime", "avis_envoye_le", "observations", "decision", "levee_le"
        )
    )
