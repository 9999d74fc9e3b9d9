"""Sortie de parcours et suivi dans l'emploi (qui peut modifier le carnet), tableau « À traiter » (tout
professionnel connecté : il n'y voit que les siens), point de situation (les pilotes, pour leurs territoires)."""

from django.utils import timezone

from parcours.models import Carnet, ParametresTerritoire, PointSuiviEmploi, SortieParcours
from tests.matrice.acteurs import MODIFIER_CARNET, POST_SANS_GET, apres_succes, connectes

CONNECTES_200 = connectes(200)
APRES_SUCCES = apres_succes(MODIFIER_CARNET)
# Le point de situation : les pilotes (chacun pour son territoire) ; pas de raccourci superutilisateur.
PILOTES = connectes(403, pilote=200, pilote_autre_territoire=200)
# Régler le territoire 40 : son pilote seul ; le pilote du 64 ne se le voit pas proposer (formulaire refusé).
REGLER_40 = {**PILOTES, "pilote": 302, "pilote_autre_territoire": 400}

EN_SUIVI = lambda c: [c["carnet_en_suivi"].uuid]  # noqa: E731


def _aujourd_hui():
    return timezone.localdate().isoformat()


MATRICE = {
    "parcours:sortie_parcours": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (MODIFIER_CARNET, None),
            "POST": (
                APRES_SUCCES,
                lambda c: {"motif": "emploi_durable", "date_sortie": _aujourd_hui(), "suivi_emploi_mois": "3"},
            ),
        },
    ),
    "parcours:point_suivi_emploi": (
        lambda c: [c["carnet_en_suivi"].uuid, c["point_suivi"].uuid],
        {
            "GET": (MODIFIER_CARNET, None),
            "POST": (APRES_SUCCES, lambda c: {"situation": "en_emploi", "fait_le": _aujourd_hui()}),
        },
    ),
    "parcours:suivi_emploi_terminer": (
        EN_SUIVI,
        {"GET": (POST_SANS_GET, None), "POST": (APRES_SUCCES, lambda c: {"fin-motif": "Plus de suivi souhaité"})},
    ),
    "parcours:carnet_rouvrir": (
        EN_SUIVI,
        {"GET": (MODIFIER_CARNET, None), "POST": (APRES_SUCCES, lambda c: {"motif": "Fin de contrat"})},
    ),
    "parcours:a_traiter": (lambda c: [], {"GET": (CONNECTES_200, None)}),
    "parcours:point_de_situation": (
        lambda c: [],
        {
            "GET": (PILOTES, None),
            "POST": (REGLER_40, lambda c: {"departement": "40", "jours_sans_contact": "120"}),
        },
    ),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    def en_suivi():
        """Le carnet du contexte sort du parcours vers l'emploi, avec deux mois de suivi dans l'emploi."""
        from parcours.suivi import services

        sortie = services.sortir(
            contexte["carnet"],
            acteur=contexte["cible"].utilisateur,
            motif="emploi_durable",
            date_sortie=timezone.localdate(),
            suivi_emploi_mois=2,
        )
        return {"carnet_en_suivi": contexte["carnet"], "point_suivi": sortie.points_suivi.first()}

    return {"carnet_en_suivi": en_suivi, "point_suivi": en_suivi}


def etat():
    return (
        list(Carnet.objects.order_by("pk").values_list("pk", "statut")),
        list(SortieParcours.objects.order_by("pk").values_list("pk", "rouvert_le")),
        list(PointSuiviEmploi.objects.order_by("pk").values_list("pk", "fait_le")),
        list(ParametresTerritoire.objects.order_by("pk").values_list("departement", "jours_sans_contact")),
    )
