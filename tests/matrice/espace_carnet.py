"""Le carnet de la personne et sa parole, dans son espace (« /mon-espace/ ») : déclarations de la matrice des URL.

Seule une personne connectée à son espace y entre : tout compte professionnel reçoit 404 (les comptes sont
séparés), le visiteur anonyme est renvoyé à la connexion. La personne du carnet lit ses pages et y écrit ; l'autre
personne lit les siennes (son propre carnet), et l'objectif ou le diagnostic de la première lui répond 404."""

from parcours.diagnostic import services as diagnostic_services
from parcours.models import ExpressionPersonne
from tests.matrice.acteurs import connectes

GET_QUI_ECRIVENT = set()

PAGE = connectes(404, personne=200, autre_personne=200)
ECRIRE = connectes(404, personne=302, autre_personne=302)
# L'objet visé (objectif, diagnostic) est celui de la personne du carnet : l'autre personne ne le trouve pas.
ECRIRE_SUR_L_OBJET = connectes(404, personne=302, autre_personne=404)
AUCUN_GET = connectes(404, personne=405, autre_personne=405)


def _diagnostic_partage(c):
    c["diagnostic_partage"]  # fabriqué avant l'état de la base pris par la matrice
    return []


MATRICE = {
    "parcours:espace_accueil": (lambda c: [], {"GET": (PAGE, None)}),
    "parcours:espace_plan": (lambda c: [], {"GET": (PAGE, None)}),
    "parcours:espace_objectif_commenter": (
        lambda c: [c["objectif"].uuid],
        {
            "GET": (AUCUN_GET, None),
            "POST": (
                ECRIRE_SUR_L_OBJET,
                lambda c: {f"commentaire-{c['objectif'].uuid}-texte": "Je préfère commencer par le code."},
            ),
        },
    ),
    # Sans contrat en cours (l'autre personne), la réponse le dit et n'écrit rien.
    "parcours:espace_accord": (lambda c: [], {"GET": (AUCUN_GET, None), "POST": (ECRIRE, lambda c: {})}),
    "parcours:espace_rendez_vous": (lambda c: [], {"GET": (PAGE, None)}),
    "parcours:espace_diagnostic": (_diagnostic_partage, {"GET": (PAGE, None)}),
    "parcours:espace_diagnostic_avis": (
        _diagnostic_partage,
        {
            "GET": (AUCUN_GET, None),
            "POST": (
                ECRIRE_SUR_L_OBJET,
                lambda c: {"diagnostic": str(c["diagnostic_partage"].uuid), "avis": "confirme"},
            ),
        },
    ),
    "parcours:espace_exprimer": (
        lambda c: [],
        {"GET": (PAGE, None), "POST": (ECRIRE, lambda c: {"type": "souhait", "texte": "Travailler au grand air"})},
    ),
}


def fabriques(contexte):
    def diagnostic_partage():
        diagnostic = diagnostic_services.partager_avec_la_personne(
            contexte["diagnostic"], acteur=contexte["acteurs"]["professionnel"]
        )
        return {"diagnostic_partage": diagnostic}

    return {"diagnostic_partage": diagnostic_partage}


def etat():
    return list(ExpressionPersonne.objects.order_by("pk").values_list("pk", "type", "texte", "confirme"))
