"""Convocations : convoquer et imprimer la lettre (qui peut modifier le carnet), la page publique de réponse
(tous les acteurs, anonyme compris : le lien signé fait foi)."""

from datetime import UTC, datetime

from parcours.models import RendezVous
from tests.matrice.acteurs import MODIFIER_CARNET, POST_SANS_GET, apres_succes, tous

TOUS_200 = tous(200)
TOUS_400 = tous(400)
# Convoquer et la lettre : qui peut modifier le carnet (intervenants actifs, administrateur qui le partage).
APRES_SUCCES = apres_succes(MODIFIER_CARNET)

RENDEZ_VOUS = lambda c: [c["carnet"].uuid, c["rendez_vous_convocable"].uuid]  # noqa: E731

MATRICE = {
    "parcours:convocation_envoyer": (RENDEZ_VOUS, {"GET": (POST_SANS_GET, None), "POST": (APRES_SUCCES, lambda c: {})}),
    "parcours:convocation_lettre": (RENDEZ_VOUS, {"GET": (MODIFIER_CARNET, None)}),
    # La lettre PDF est demandée (302 vers la page d'attente du document), puis produite par un worker.
    "parcours:convocation_pdf": (RENDEZ_VOUS, {"GET": (APRES_SUCCES, None)}),
    # Le lien d'un rendez-vous auquel la personne a déjà répondu : la page se montre à tous, anonyme compris
    # (rien d'écrit) ; un nouveau POST est refusé (400) sans rien écrire, pour tous. Le POST qui enregistre
    # une réponse (anonyme) est couvert par tests/parcours/test_convocations_reponse.py.
    "parcours:convocation_repondre": (
        lambda c: [c["jeton_deja_repondu"]],
        {"GET": (TOUS_200, None), "POST": (TOUS_400, lambda c: {})},
    ),
}
GET_QUI_ECRIVENT = {"parcours:convocation_pdf"}


def fabriques(contexte):
    def convocable():
        """La personne du carnet reçoit une adresse e-mail : convoquer réussit vraiment."""
        personne = contexte["carnet"].personne
        personne.email = "alex.durand@exemple.fr"
        personne.save(update_fields=["email"])
        return {"rendez_vous_convocable": contexte["rendez_vous"]}

    def deja_repondu():
        from parcours import services
        from parcours.convocations import liens

        rendez_vous = services.prevoir_rendez_vous(
            contexte["carnet"],
            acteur=contexte["cible"].utilisateur,
            intervenant=contexte["cible"].utilisateur,
            date_heure=datetime(2999, 2, 1, 9, tzinfo=UTC),
            objet="Point d'étape",
            lieu="Agence",
        )
        RendezVous.objects.filter(pk=rendez_vous.pk).update(
            reponse=RendezVous.Reponse.CONFIRME, repondu_le=datetime(2998, 12, 1, tzinfo=UTC)
        )
        return {"jeton_deja_repondu": liens.signer(rendez_vous, RendezVous.Reponse.CONFIRME)}

    return {"rendez_vous_convocable": convocable, "jeton_deja_repondu": deja_repondu}


def etat():
    return list(
        RendezVous.objects.order_by("pk").values_list(
            "pk", "convocation_envoyee_le", "reponse", "repondu_le", "relance_envoyee_le", "rappel_envoye_le"
        )
    )
