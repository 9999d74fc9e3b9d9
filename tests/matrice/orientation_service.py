"""Orientations vers un service : chercher et orienter depuis le carnet (qui peut le modifier), la boîte de réception
de la structure (membres actifs de l'organisation qui la tient : ici l'« Autre organisation », dont
`membre_autre_organisation` est administrateur), le lien signé (tous, anonyme compris : le lien fait foi).

L'orientation de la matrice part du carnet visé vers un service de la structure de l'« Autre organisation ». La
structure ne voit pas le carnet (404 sur le carnet, voir tests/matrice/acteurs.py) mais reçoit le dossier."""

from parcours.models import OrientationService, TransitionOrientationService
from partenaires.models import Membre
from tests.matrice.acteurs import MODIFIER_CARNET, POST_SANS_GET, apres_succes, connectes, tous
from tests.offre import fabriques as fabriques_offre

CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"
GET_SEULEMENT = POST_SANS_GET  # un POST sur une page qui ne fait que se lire : 405
# La boîte de réception : les membres de l'organisation qui tient la structure destinataire.
# Tout membre actif ouvre la boîte (vide s'il ne tient aucune structure) ; le superutilisateur sans appartenance, non.
BOITE = connectes(200, superutilisateur=403)
# Une orientation adressée à l'organisation de « membre_autre_organisation » : ni le Département du secrétaire de
# comité ni la préfecture du co-président ne la voient.
DOSSIER = connectes(404, membre_autre_organisation=200, secretaire_comite=404, copresident=404)
REPONDRE = connectes(404, membre_autre_organisation=302, secretaire_comite=404, copresident=404)

CARNET = lambda c: [c["carnet"].uuid]  # noqa: E731


def boite(contexte) -> list:
    """La boîte n'a pas d'argument ; la structure de l'« Autre organisation » et son orientation doivent exister."""
    assert contexte["orientation_vers_service"]
    return []


MATRICE = {
    "parcours:carnet_offre": (CARNET, {"GET": (MODIFIER_CARNET, None), "POST": (GET_SEULEMENT, lambda c: {})}),
    # Sans service choisi (la matrice n'envoie pas de paramètre) : retour à la recherche, rien d'écrit. Le
    # formulaire rempli est couvert par tests/parcours/test_orientation_service_orienter.py.
    "parcours:orientation_service_nouvelle": (
        CARNET,
        {"GET": (apres_succes(MODIFIER_CARNET), None), "POST": (apres_succes(MODIFIER_CARNET), lambda c: {})},
    ),
    "parcours:orientation_service_statut": (
        lambda c: [c["carnet"].uuid, c["orientation_vers_service"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (apres_succes(MODIFIER_CARNET), lambda c: {"statut": "abandonnee", "commentaire": "Renonce"}),
        },
    ),
    "parcours:orientations_recues": (
        boite,
        {"GET": (BOITE, None), "POST": (GET_SEULEMENT, lambda c: {})},
    ),
    "parcours:orientation_recue": (
        lambda c: [c["orientation_vers_service"].uuid],
        {"GET": (DOSSIER, None), "POST": (GET_SEULEMENT, lambda c: {})},
    ),
    "parcours:orientation_recue_repondre": (
        lambda c: [c["orientation_vers_service"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (REPONDRE, lambda c: {"statut": "a_l_etude"})},
    ),
    # Le lien d'une orientation déjà mise à l'étude : la page se montre à tous (rien d'écrit) ; répondre de nouveau
    # « à l'étude » est refusé (400, « Vous avez déjà répondu ») sans rien écrire, pour tous. Les réponses qui
    # écrivent sont couvertes par tests/parcours/test_orientation_service_lien.py.
    "parcours:orientation_lien": (
        lambda c: [c["jeton_orientation_a_l_etude"]],
        {"GET": (tous(200), None), "POST": (tous(400), lambda c: {"statut": "a_l_etude"})},
    ),
}
# Le GET du lien signé journalise la lecture du dossier (ConsultationCarnet), comme toute consultation.
GET_QUI_ECRIVENT = {"parcours:orientation_lien"}


def fabriques(contexte):
    def orientation():
        from parcours.orientation_service import services

        autre = Membre.objects.get(utilisateur=contexte["acteurs"]["membre_autre_organisation"]).organisation
        structure = fabriques_offre.structure(autre, nom="Structure de l'autre organisation")
        service = fabriques_offre.service(structure, nom="Atelier CV", thematiques=[CV])
        orientation = services.orienter(contexte["carnet"], service, acteur=contexte["cible"].utilisateur, besoin=CV)
        return {"orientation_vers_service": orientation}

    def a_l_etude():
        from parcours.orientation_service import liens, services

        orientation = contexte["orientation_vers_service"]
        services.changer_statut(orientation, vers="a_l_etude", cote="structure", par_lien=True)
        return {"jeton_orientation_a_l_etude": liens.signer(orientation)}

    return {"orientation_vers_service": orientation, "jeton_orientation_a_l_etude": a_l_etude}


def etat():
    return (
        list(
            OrientationService.objects.order_by("pk").values_list(
                "pk", "statut", "motif_refus", "repondue_le", "relance_envoyee_le"
            )
        ),
        TransitionOrientationService.objects.count(),
    )
