"""L'orientation : la file et ses décisions (chargés d'orientation et pilotes de l'organisation qui oriente, ici le
Département « pilotage » ; une demande d'une autre file n'existe pas pour soi), les demandes depuis le carnet (qui
peut le modifier ; la réorientation : le seul référent), le transfert vers un autre territoire."""

from django.utils import timezone

from parcours.models import CarnetPermissionGroupe, DecisionOrientation, DemandeOrientation, TransfertTerritoire
from parcours.orientation import services
from tests.matrice.acteurs import MODIFIER_CARNET, POST_SANS_GET, apres_succes, connectes

CONNECTES = connectes(200)
# Une fois la demande faite, le Département qui oriente lit le carnet sans pouvoir le modifier.
REORIENTER = {
    **MODIFIER_CARNET,
    # Le secrétaire de comité est, comme le pilote, du Département qui a décidé l'orientation : il voit, sans agir.
    **dict.fromkeys(["administrateur", "accompagnateur", "pilote", "charge_orientation", "secretaire_comite"], 403),
}
# La file : tout chargé d'orientation ou pilote l'ouvre (il n'y voit que les demandes de ses organisations).
FILE = connectes(403, pilote=200, charge_orientation=200, pilote_autre_territoire=200)
# Une demande de la file du Département « pilotage » : ses seuls chargés d'orientation et pilotes la voient.
ORIENTER = connectes(404, pilote=200, charge_orientation=200)


def _aujourd_hui():
    return timezone.localdate().isoformat()


def _avec_decision(c):
    c["decision_orientation"]  # la réorientation suppose une orientation décidée
    return [c["carnet"].uuid]


MATRICE = {
    "parcours:orientation_file": (lambda c: [], {"GET": (FILE, None)}),
    "parcours:orientation_decider": (
        lambda c: [c["demande_orientation"].uuid],
        {
            "GET": (ORIENTER, None),
            "POST": (
                apres_succes(ORIENTER),
                lambda c: {
                    "sens": "orienter",
                    "parcours": "socio_professionnel",
                    "organisme_referent": str(c["organisation"].uuid),
                    "date_decision": _aujourd_hui(),
                },
            ),
        },
    ),
    "parcours:orientation_retard": (
        lambda c: [c["demande_orientation"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(ORIENTER),
                lambda c: {f"retard-{c['demande_orientation'].uuid}-cause_retard": "attente_partenaire"},
            ),
        },
    ),
    "parcours:orientation_notifier": (
        lambda c: [c["decision_orientation"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(ORIENTER),
                lambda c: {
                    f"notification-{c['decision_orientation'].uuid}-notifiee_le": _aujourd_hui(),
                    f"notification-{c['decision_orientation'].uuid}-canal_notification": "courrier",
                },
            ),
        },
    ),
    "parcours:orientation_demander": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (MODIFIER_CARNET, None),
            "POST": (
                apres_succes(MODIFIER_CARNET),
                lambda c: {
                    "organisation_orientation": str(c["pilotage"].uuid),
                    "motif": "entree_rsa",
                    "date_reception": _aujourd_hui(),
                },
            ),
        },
    ),
    "parcours:orientation_reorienter": (
        _avec_decision,
        {
            "GET": (REORIENTER, None),
            "POST": (
                apres_succes(REORIENTER),
                lambda c: {"parcours_recommande": "social", "motif_demande": "Problèmes de santé"},
            ),
        },
    ),
    "parcours:orientation_transferer": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (MODIFIER_CARNET, None),
            "POST": (
                apres_succes(MODIFIER_CARNET),
                lambda c: {
                    "departement": c["ailleurs"].departement,
                    "organisation_accueil": str(c["ailleurs"].uuid),
                    "motif": "Déménagement",
                },
            ),
        },
    ),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    def demande():
        return {
            "demande_orientation": services.demander_orientation(
                contexte["carnet"],
                acteur=contexte["cible"].utilisateur,
                organisation_orientation=contexte["pilotage"],
                motif="entree_rsa",
                date_reception=timezone.localdate(),
            )
        }

    def decision():
        charge = contexte["acteurs"]["charge_orientation"]
        return {
            "decision_orientation": services.decider(
                contexte["demande_orientation"],
                acteur=charge,
                sens="orienter",
                parcours="emploi",
                organisme_referent=contexte["organisation"],
                date_decision=timezone.localdate(),
            )
        }

    return {"demande_orientation": demande, "decision_orientation": decision}


def etat():
    return (
        list(DemandeOrientation.objects.order_by("pk").values_list("pk", "statut", "cause_retard")),
        list(DecisionOrientation.objects.order_by("pk").values_list("pk", "notifiee_le")),
        TransfertTerritoire.objects.count(),
        list(CarnetPermissionGroupe.objects.order_by("pk").values_list("pk", "group", "permission")),
    )
