"""Gouvernance (délibération) : déclarations de la matrice des URL (décor et attendus communs : gouvernance_commun).

La séance convoquée du décor (`seance_convoquee`, commencée depuis une heure, un point de délibération :
`point_deliberation`) est tenue par le secrétaire ; les autres qui voient le comité lisent le quorum et les décisions
(403 sur les actions). Pour qu'un POST autorisé réussisse (302), certaines URL demandent au décor, avant l'état de
référence, les présences notées (`presences_convoquee` : les trois sièges délibératifs présents, le consultatif
absent — quorum atteint, chaque présence notée) ou un point déjà adopté par consensus (`point_adopte`). La décision
à suivre (`decision`) vient de la séance clôturée précédente et reste ouverte.
"""

from gouvernance.choix import ModeDecision, StatutDecision, StatutFiche, StatutPresence, TypePoint
from gouvernance.deliberation import services
from gouvernance.deliberation.services import LignePresence
from gouvernance.models import Presence, SuiviDecision
from tests.gouvernance import fabriques as fabriques_gouvernance
from tests.matrice.acteurs import POST_SANS_GET, apres_succes
from tests.matrice.gouvernance_commun import (
    ACTEURS_SUPPLEMENTAIRES,  # noqa: F401 - lu par la matrice
    SECRETAIRE,
    VOIR_COMITE,
)

SANS_GET = {**POST_SANS_GET, "secretaire_comite": 405, "copresident": 405}


def _siege_departement(contexte):
    return contexte["comite"].sieges.get(organisation=contexte["pilotage"])


def fabriques(contexte):
    def presences():
        seance = contexte["seance_convoquee"]
        departement = _siege_departement(contexte)
        lignes = [
            LignePresence(siege=contexte["siege_etat"], statut=StatutPresence.PRESENT, mandat=contexte["mandat"]),
            LignePresence(siege=departement, statut=StatutPresence.PRESENT, mandat=departement.mandats.get()),
            LignePresence(
                siege=contexte["siege_vise"],
                statut=StatutPresence.PRESENT,
                mandat=contexte["siege_vise"].mandats.get(),
            ),
            LignePresence(siege=contexte["siege_consultatif"], statut=StatutPresence.ABSENT),
        ]
        services.noter_presences(seance, acteur=contexte["secretaire_comite"], lignes=lignes)
        return {"presences_convoquee": True}

    def point_adopte():
        contexte["presences_convoquee"]
        point = fabriques_gouvernance.point(
            contexte["seance_convoquee"], "Convention avec l'auto-école sociale", type=TypePoint.DELIBERATION
        )
        services.constater_consensus(point, acteur=contexte["secretaire_comite"])
        return {"point_adopte": point}

    return {"presences_convoquee": presences, "point_adopte": point_adopte}


def _seance(contexte):
    return [contexte["seance_convoquee"].uuid]


def _seance_tenue(contexte):
    contexte["presences_convoquee"]
    return [contexte["seance_convoquee"].uuid]


def _point(contexte):
    return [contexte["seance_convoquee"].uuid, contexte["point_deliberation"].uuid]


def _point_avec_quorum(contexte):
    contexte["presences_convoquee"]
    return _point(contexte)


def donnees_presences(contexte):
    departement = _siege_departement(contexte)
    donnees = {}
    for siege, statut, mandat in (
        (contexte["siege_etat"], StatutPresence.PRESENT, contexte["mandat_suppleant"]),
        (departement, StatutPresence.PRESENT, departement.mandats.get()),
        (contexte["siege_vise"], StatutPresence.REPRESENTE, None),
        (contexte["siege_consultatif"], StatutPresence.EXCUSE, None),
    ):
        donnees[f"siege-{siege.uuid}-statut"] = statut
        donnees[f"siege-{siege.uuid}-mandat"] = str(mandat.uuid) if mandat else ""
        if siege.est_deliberatif:
            donnees[f"siege-{siege.uuid}-pouvoir"] = ""
    donnees[f"siege-{contexte['siege_vise'].uuid}-pouvoir"] = str(departement.uuid)
    return donnees


def donnees_vote(contexte):
    return {
        "mode": ModeDecision.VOTE,
        f"siege-{contexte['siege_etat'].uuid}-vote": "pour",
        f"siege-{contexte['siege_vise'].uuid}-vote": "contre",
    }


MATRICE = {
    "gouvernance:presences": (
        _seance,
        {"GET": (SECRETAIRE, None), "POST": (apres_succes(SECRETAIRE), donnees_presences)},
    ),
    "gouvernance:quorum": (_seance_tenue, {"GET": (VOIR_COMITE, None)}),
    "gouvernance:point_notes": (
        _point,
        {
            "GET": (SANS_GET, None),
            "POST": (apres_succes(SECRETAIRE), lambda c: {"notes": "Le Département propose un local."}),
        },
    ),
    "gouvernance:point_voter": (
        _point_avec_quorum,
        {"GET": (SECRETAIRE, None), "POST": (apres_succes(SECRETAIRE), donnees_vote)},
    ),
    "gouvernance:decision_ajouter": (
        lambda c: [c["seance_convoquee"].uuid, c["point_adopte"].uuid],
        {
            "GET": (SECRETAIRE, None),
            "POST": (
                apres_succes(SECRETAIRE),
                lambda c: {
                    "texte": "Signer la convention avant l'été",
                    "organisation_responsable": str(c["organisation"].pk),
                    "echeance": "2999-06-30",
                },
            ),
        },
    ),
    "gouvernance:decision_suivre": (
        lambda c: [c["seance_convoquee"].uuid, c["decision"].uuid],
        {
            "GET": (SECRETAIRE, None),
            "POST": (
                apres_succes(SECRETAIRE),
                lambda c: {"statut": StatutDecision.EN_COURS, "commentaire": "Groupe de travail réuni deux fois"},
            ),
        },
    ),
    "gouvernance:fiche_revoir": (
        lambda c: [c["seance_convoquee"].uuid, c["fiche"].uuid],
        {
            "GET": (SECRETAIRE, None),
            "POST": (
                apres_succes(SECRETAIRE),
                lambda c: {"statut": StatutFiche.EN_COURS, "avancement": "40", "commentaire": "Locaux trouvés"},
            ),
        },
    ),
    "gouvernance:seance_synthese": (
        _seance,
        {"GET": (SANS_GET, None), "POST": (apres_succes(SECRETAIRE), lambda c: {"synthese": "Séance constructive."})},
    ),
    "gouvernance:seance_cloturer": (
        _seance_tenue,
        {"GET": (SANS_GET, None), "POST": (apres_succes(SECRETAIRE), lambda c: {})},
    ),
    "gouvernance:decisions": (lambda c: [c["comite"].uuid], {"GET": (VOIR_COMITE, None)}),
}
GET_QUI_ECRIVENT = set()


def etat():
    return (
        list(Presence.objects.order_by("pk").values_list("pk", "siege_id", "mandat_id")),
        list(SuiviDecision.objects.order_by("pk").values_list("pk", "statut", "commentaire")),
    )
