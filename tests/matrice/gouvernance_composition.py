"""Gouvernance (composition) : déclarations de la matrice des URL (décor et attendus communs : gouvernance_commun).

La liste des comités est ouverte à tout professionnel connecté (chacun y voit les siens, ou « aucun comité ») ;
créer un consortium : le pilote d'un département qui n'en a pas (le pilote voisin ouvre le formulaire, mais le
département 40 ne lui est pas proposé : formulaire réaffiché, rien d'écrit) ; voir le consortium ou le comité :
`VOIR_CONSORTIUM`, `VOIR_COMITE` ; les gérer (membres, comités, sièges, mandats, co-présidences) : le pilote du
territoire (`PILOTE`, `PILOTE_COMITE`)."""

from django.utils import timezone

from tests.matrice.acteurs import apres_succes, connectes
from tests.matrice.gouvernance_commun import (  # noqa: F401 - ACTEURS_SUPPLEMENTAIRES est lu par la matrice
    ACTEURS_SUPPLEMENTAIRES,
    PILOTE,
    PILOTE_COMITE,
    VOIR_COMITE,
    VOIR_CONSORTIUM,
)


def _tous_connectes(statut, **exceptions):
    """`connectes`, avec les deux acteurs supplémentaires de la gouvernance (le secrétaire, le co-président)."""
    return connectes(statut, secretaire_comite=statut, copresident=statut, **exceptions)


CONNECTES = _tous_connectes(200)
CREER_CONSORTIUM = _tous_connectes(403, pilote=200, pilote_autre_territoire=200)
SANS_GET = _tous_connectes(405)

CONSORTIUM = lambda c: [c["consortium"].uuid]  # noqa: E731
COMITE = lambda c: [c["comite"].uuid]  # noqa: E731
SIEGE = lambda c: [c["comite"].uuid, c["siege_vise"].uuid]  # noqa: E731
MANDAT = lambda c: [c["comite"].uuid, c["siege_etat"].uuid, c["mandat"].uuid]  # noqa: E731


def _avec_decor(c):
    """La liste des comités, parcourue avec le décor en place (un consortium, un comité, ses séances)."""
    c["comite"]
    return []


def _membre_prefecture(c):
    """La préfecture : membre simple, qui ne pilote aucune fiche action (son retrait aboutit)."""
    return [c["consortium"].uuid, c["consortium"].membres.get(organisation=c["prefecture"]).pk]


def donnees_consortium(c):
    return {"departement": "40", "nom": "Consortium SPIE des Landes", "organisation_pilote": str(c["pilotage"].uuid)}


def donnees_comite(c, **surcharges):
    return {
        "nom": "Comité technique mobilité",
        "type": "technique",
        "theme": "mobilite",
        "periodicite": "trimestrielle",
        "quorum_pourcentage": "50",
        "duree_mandat_annees": "3",
        "secretaire": str(c["secretaire_comite"].uuid),
        **surcharges,
    }


def donnees_mandat(c, **surcharges):
    return {
        "qualite": "suppleant",
        "prenom": "Camille",
        "nom": "Suppléante",
        "fonction": "Directrice adjointe",
        "email": "camille.suppleante@exemple.fr",
        "utilisateur": "",
        "date_debut": timezone.localdate().isoformat(),
        "date_fin": "",
        **surcharges,
    }


MATRICE = {
    "gouvernance:comites": (_avec_decor, {"GET": (CONNECTES, None)}),
    "gouvernance:consortium_creer": (
        lambda c: [],
        {
            "GET": (CREER_CONSORTIUM, None),
            "POST": ({**CREER_CONSORTIUM, "pilote": 302}, donnees_consortium),
        },
    ),
    "gouvernance:consortium": (CONSORTIUM, {"GET": (VOIR_CONSORTIUM, None)}),
    "gouvernance:consortium_modifier": (
        CONSORTIUM,
        {"GET": (PILOTE, None), "POST": (apres_succes(PILOTE), lambda c: {"nom": "Consortium des Landes"})},
    ),
    "gouvernance:consortium_membre_ajouter": (
        CONSORTIUM,
        {
            "GET": (PILOTE, None),
            "POST": (apres_succes(PILOTE), lambda c: {"organisation": str(c["deuxieme"].uuid), "role": "membre"}),
        },
    ),
    "gouvernance:consortium_membre_retirer": (
        _membre_prefecture,
        {"GET": (SANS_GET, None), "POST": (apres_succes(PILOTE), lambda c: {})},
    ),
    "gouvernance:comite_creer": (
        CONSORTIUM,
        {"GET": (PILOTE, None), "POST": (apres_succes(PILOTE), donnees_comite)},
    ),
    "gouvernance:comite": (COMITE, {"GET": (VOIR_COMITE, None)}),
    "gouvernance:comite_modifier": (
        COMITE,
        {
            "GET": (PILOTE_COMITE, None),
            "POST": (
                apres_succes(PILOTE_COMITE),
                lambda c: donnees_comite(
                    c, nom="Comité départemental pour l'emploi des Landes", type="strategique", theme="", actif="on"
                ),
            ),
        },
    ),
    "gouvernance:siege_ajouter": (
        COMITE,
        {
            "GET": (PILOTE_COMITE, None),
            "POST": (
                apres_succes(PILOTE_COMITE),
                lambda c: {
                    "organisation": str(c["organisation"].uuid),
                    "libelle": "Insertion par l'activité économique",
                    "voix": "consultative",
                    "ordre": "5",
                },
            ),
        },
    ),
    "gouvernance:siege_modifier": (
        SIEGE,
        {
            "GET": (PILOTE_COMITE, None),
            "POST": (
                apres_succes(PILOTE_COMITE),
                lambda c: {
                    "organisation": str(c["organisation"].uuid),
                    "libelle": "Accompagnement",
                    "voix": "deliberative",
                    "ordre": "3",
                },
            ),
        },
    ),
    # Le siège consultatif n'a jamais siégé : son retrait aboutit.
    "gouvernance:siege_retirer": (
        lambda c: [c["comite"].uuid, c["siege_consultatif"].uuid],
        {"GET": (SANS_GET, None), "POST": (apres_succes(PILOTE_COMITE), lambda c: {})},
    ),
    "gouvernance:mandat_ajouter": (
        SIEGE,
        {"GET": (PILOTE_COMITE, None), "POST": (apres_succes(PILOTE_COMITE), donnees_mandat)},
    ),
    "gouvernance:mandat_modifier": (
        MANDAT,
        {
            "GET": (PILOTE_COMITE, None),
            "POST": (
                apres_succes(PILOTE_COMITE),
                lambda c: donnees_mandat(
                    c,
                    qualite="titulaire",
                    prenom="Pierre",
                    nom="Préfet",
                    fonction="Préfet des Landes",
                    email="prefet@exemple.fr",
                    utilisateur=str(c["copresident"].uuid),
                    date_debut=c["mandat"].date_debut.isoformat(),
                ),
            ),
        },
    ),
    "gouvernance:mandat_terminer": (
        MANDAT,
        {
            "GET": (SANS_GET, None),
            "POST": (apres_succes(PILOTE_COMITE), lambda c: {"date_fin": timezone.localdate().isoformat()}),
        },
    ),
    "gouvernance:copresidence_ajouter": (
        COMITE,
        {
            "GET": (PILOTE_COMITE, None),
            "POST": (
                apres_succes(PILOTE_COMITE),
                lambda c: {"siege": str(c["siege_vise"].uuid), "utilisateur": str(c["cible"].utilisateur.uuid)},
            ),
        },
    ),
    "gouvernance:copresidence_retirer": (
        lambda c: [c["comite"].uuid, c["copresidence"].pk],
        {"GET": (SANS_GET, None), "POST": (apres_succes(PILOTE_COMITE), lambda c: {})},
    ),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}


def etat():
    """Tout ce que la composition écrit est déjà dans l'état commun (`gouvernance_commun.etat`)."""
    return ()
