"""Offre (catalogue) : déclarations de la matrice des URL.

La structure visée appartient à l'organisation visée (Landes, 40) : ses membres (le professionnel, l'administrateur)
et le pilote du territoire la tiennent à jour ; tout professionnel connecté voit ses services publiés ; un service
suspendu n'est visible que de ses éditeurs et du pilote (404 pour les autres). Le superutilisateur n'a pas de
raccourci : il consulte comme un professionnel, il ne modifie pas."""

from datetime import UTC, date, datetime

from offre.models import Service, SessionService, SignalementService, Structure, StructurePermissionGroupe
from tests.matrice.acteurs import POST_SANS_GET, apres_succes, connectes
from tests.offre import fabriques as fabriques_offre

CONSULTER = connectes(200)
EDITER = connectes(403, professionnel=200, administrateur=200, pilote=200)
MODERER = connectes(403, pilote=200)
# Créer une structure : l'administrateur d'une organisation (pour la sienne), le pilote (hors plateforme ou pour une
# organisation de son territoire). L'administrateur d'une autre organisation et le pilote voisin ouvrent le
# formulaire, mais l'organisation visée ne leur est pas proposée (formulaire réaffiché, rien d'écrit).
# Le secrétaire de comité et le co-président (préfecture) n'éditent pas l'offre : 403.
CREER_STRUCTURE = connectes(
    403,
    administrateur=200,
    membre_autre_organisation=200,
    pilote=200,
    pilote_autre_territoire=200,
    secretaire_comite=403,
    copresident=403,
)
CREER_STRUCTURE_POST = {**CREER_STRUCTURE, "administrateur": 302, "pilote": 302}
# Un service suspendu : introuvable (404) pour qui n'en est pas éditeur ; ses éditeurs le voient sans le reprendre.
REPRENDRE = connectes(404, professionnel=403, administrateur=403, pilote=302)

STRUCTURE = lambda c: [c["structure_catalogue"].uuid]  # noqa: E731
SERVICE = lambda c: [c["service_catalogue"].uuid]  # noqa: E731
SESSION = lambda c: [c["service_catalogue"].uuid, c["session_catalogue"].uuid]  # noqa: E731


def donnees_structure(contexte):
    return {
        "proprietaire": str(contexte["organisation"].uuid),
        "nom": "Garage solidaire du Marsan",
        "siret": "",
        "description": "",
        "adresse": "5 avenue de Villeneuve",
        "complement_adresse": "",
        "code_postal": "40000",
        "code_insee": "",
        "telephone": "",
        "courriel": "garage@exemple.fr",
        "site_web": "",
        "horaires_accueil": "",
        "accessibilite_lieu": "",
    }


def donnees_service(contexte):
    return {
        "nom": "Atelier CV modifié",
        "description": "Deux heures pour écrire son CV avec une conseillère.",
        "thematiques": ["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"],
        "type": "atelier",
        "publics": ["jeunes"],
        "frais": "gratuit",
        "modes_accueil": ["en-presentiel"],
        "adresse": "12 rue Neuve",
        "code_postal": "40100",
        "code_insee": "",
        "zone_eligibilite": "40",
        "frequence_actualisation": "tous-les-6-mois",
    }


def donnees_session(contexte):
    return {"intitule": "Job dating", "debut": "2999-06-10T09:30", "fin": "", "lieu": "", "places": "15"}


MATRICE = {
    "offre:structures": (lambda c: [], {"GET": (CONSULTER, None)}),
    "offre:structure_creer": (
        lambda c: [],
        {"GET": (CREER_STRUCTURE, None), "POST": (CREER_STRUCTURE_POST, donnees_structure)},
    ),
    "offre:structure": (STRUCTURE, {"GET": (CONSULTER, None)}),
    "offre:structure_modifier": (
        STRUCTURE,
        {
            "GET": (EDITER, None),
            "POST": (apres_succes(EDITER), lambda c: {**donnees_structure(c), "nom": "Nom modifié"}),
        },
    ),
    "offre:service_creer": (
        STRUCTURE,
        {"GET": (EDITER, None), "POST": (apres_succes(EDITER), donnees_service)},
    ),
    "offre:service": (SERVICE, {"GET": (CONSULTER, None)}),
    "offre:service_modifier": (
        SERVICE,
        {"GET": (EDITER, None), "POST": (apres_succes(EDITER), donnees_service)},
    ),
    "offre:service_confirmer": (
        SERVICE,
        {"GET": (EDITER, None), "POST": (apres_succes(EDITER), lambda c: {})},
    ),
    "offre:service_signaler": (
        SERVICE,
        {
            "GET": (CONSULTER, None),
            "POST": (
                apres_succes(CONSULTER),
                lambda c: {"motif": "pratique", "commentaire": "Le téléphone ne répond plus."},
            ),
        },
    ),
    "offre:signalement_traiter": (
        lambda c: [c["service_catalogue"].uuid, c["signalement_catalogue"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (apres_succes(EDITER), lambda c: {})},
    ),
    "offre:service_suspendre": (
        SERVICE,
        {
            "GET": (MODERER, None),
            "POST": (apres_succes(MODERER), lambda c: {"motif": "Dispositif arrêté"}),
        },
    ),
    "offre:service_reprendre": (
        lambda c: [c["service_suspendu_catalogue"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (REPRENDRE, lambda c: {})},
    ),
    "offre:session_ajouter": (
        SERVICE,
        {"GET": (EDITER, None), "POST": (apres_succes(EDITER), donnees_session)},
    ),
    "offre:session_modifier": (
        SESSION,
        {"GET": (EDITER, None), "POST": (apres_succes(EDITER), donnees_session)},
    ),
    "offre:session_annuler": (
        SESSION,
        {"GET": (EDITER, None), "POST": (apres_succes(EDITER), lambda c: {})},
    ),
    "offre:moderation": (
        lambda c: [],
        {"GET": (connectes(403, pilote=200, pilote_autre_territoire=200), None)},
    ),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    def catalogue():
        """La structure de l'organisation visée, un service mis à jour il y a longtemps (confirmer le change), une
        session, un signalement à traiter, un service suspendu."""
        structure = fabriques_offre.structure(contexte["organisation"], nom="Structure visée")
        service = fabriques_offre.service(structure, nom="Service visé", date_maj=date(2025, 1, 1))
        return {
            "structure_catalogue": structure,
            "service_catalogue": service,
            "session_catalogue": fabriques_offre.session(service, debut=datetime(2999, 5, 1, 9, tzinfo=UTC)),
            "signalement_catalogue": SignalementService.objects.create(
                service=service, auteur=contexte["cible"].utilisateur, motif="zone", commentaire="Pas sur Dax."
            ),
            "service_suspendu_catalogue": fabriques_offre.service(
                structure, nom="Service suspendu", statut=Service.Statut.SUSPENDU, motif_suspension="Travaux"
            ),
        }

    cles = [
        "structure_catalogue",
        "service_catalogue",
        "session_catalogue",
        "signalement_catalogue",
        "service_suspendu_catalogue",
    ]
    return dict.fromkeys(cles, catalogue)


def etat():
    return (
        list(Structure.objects.order_by("pk").values_list("pk", "nom", "date_maj", "code_insee")),
        StructurePermissionGroupe.objects.count(),
        list(
            Service.objects.order_by("pk").values_list(
                "pk", "nom", "statut", "motif_suspension", "date_maj", "a_actualiser_le"
            )
        ),
        list(SessionService.objects.order_by("pk").values_list("pk", "intitule", "places", "annulee")),
        list(SignalementService.objects.order_by("pk").values_list("pk", "traite_le")),
    )
