"""Qui peut faire quoi dans le catalogue, en plus des règles communes de l'offre (`offre.regles`) : créer une
structure, modérer, savoir qui tient une structure à jour (les éditeurs, destinataires des rappels et des
signalements). Tout passe par la façade des permissions (`partenaires.permissions`).

Le territoire d'une structure et de ses services est le département de la structure : c'est son pilote qui la
modère, que le service soit accueilli dans ce département ou non."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from offre import regles
from offre.models import MODIFIER_STRUCTURE, Service, SessionService, SignalementService, Structure
from partenaires import permissions
from partenaires.choix import Role
from partenaires.models import Membre, Organisation


def organisations_publiables(user):
    """Les organisations actives pour lesquelles l'utilisateur crée une structure : celles qu'il administre, et
    pour un pilote toutes celles de son territoire (une requête)."""
    administrees = permissions.membres_actifs(user).filter(role=Role.ADMINISTRATEUR).values("organisation")
    return Organisation.objects.actives().filter(
        Q(pk__in=administrees) | Q(departement__in=permissions.departements_pilotes(user))
    )


def peut_creer_structure(user) -> bool:
    """L'administrateur d'une organisation (pour elle) ; le pilote (hors plateforme, ou pour une organisation de son
    territoire)."""
    return (
        bool(permissions.departements_pilotes(user))
        or permissions.membres_actifs(user).filter(role=Role.ADMINISTRATEUR).exists()
    )


def peut_moderer_service(user, service) -> bool:
    return regles.peut_moderer(user, service.structure.departement)


def exiger_consultation(user) -> None:
    """Les pages du catalogue sont celles des professionnels (un compte sans appartenance active : 403)."""
    if not regles.peut_consulter_offre(user):
        raise PermissionDenied("Le catalogue de l'offre est réservé aux professionnels des organisations partenaires.")


def exiger_pilote(user) -> set[str]:
    """Les départements que l'utilisateur pilote (403 s'il n'en pilote aucun)."""
    departements = permissions.departements_pilotes(user)
    if not departements:
        raise PermissionDenied("La modération de l'offre est réservée aux pilotes territoriaux.")
    return departements


def get_service_for_moderation(user, uuid):
    """Le service à suspendre ou reprendre : 404 s'il n'est pas visible, 403 sans être pilote de son territoire."""
    service = regles.get_service_for_user(user, uuid)
    if not peut_moderer_service(user, service):
        raise PermissionDenied("Seul le pilote du territoire de la structure suspend ou reprend un service.")
    return service


def get_session_for_edit(user, uuid, session_uuid):
    service = regles.get_service_for_edit(user, uuid)
    session = SessionService.objects.filter(service=service, uuid=session_uuid).first()
    if session is None:
        raise Http404("Session introuvable.")
    session.service = service
    return session


def get_signalement_for_edit(user, uuid, signalement_uuid):
    service = regles.get_service_for_edit(user, uuid)
    signalement = SignalementService.objects.filter(service=service, uuid=signalement_uuid).first()
    if signalement is None:
        raise Http404("Signalement introuvable.")
    signalement.service = service
    return signalement


def services_moderes(user):
    """Les services des structures des territoires que l'utilisateur pilote."""
    return Service.objects.filter(structure__departement__in=permissions.departements_pilotes(user))


def editeurs(structures) -> dict[int, list]:
    """Pour chaque structure (par son id), les utilisateurs actifs qui la tiennent à jour : les membres actifs des
    organisations avec lesquelles elle est partagée en modification ; pour une structure hors plateforme (sans
    organisation), les pilotes de son département. Une requête par structure, plus une pour les membres."""
    structures = list(structures)
    organisations_par_structure = {
        structure.pk: set(
            permissions.organisations_partageant(structure, MODIFIER_STRUCTURE).values_list("pk", flat=True)
        )
        for structure in structures
        if structure.organisation_id
    }
    departements = {structure.departement for structure in structures if not structure.organisation_id}
    toutes = set().union(*organisations_par_structure.values())
    membres = (
        Membre.objects.actifs()
        .filter(utilisateur__is_active=True)
        .filter(Q(organisation__in=toutes) | Q(role=Role.PILOTE, organisation__departement__in=departements - {""}))
        .select_related("utilisateur", "organisation")
        .order_by("utilisateur__pk")
    )
    par_organisation, pilotes_par_departement = {}, {}
    for membre in membres:
        if membre.organisation_id in toutes:
            par_organisation.setdefault(membre.organisation_id, []).append(membre.utilisateur)
        if membre.role == Role.PILOTE:
            pilotes_par_departement.setdefault(membre.organisation.departement, []).append(membre.utilisateur)
    resultat = {}
    for structure in structures:
        if structure.organisation_id:
            candidats = [u for pk in organisations_par_structure[structure.pk] for u in par_organisation.get(pk, [])]
        else:
            candidats = pilotes_par_departement.get(structure.departement, [])
        uniques = {utilisateur.pk: utilisateur for utilisateur in candidats if utilisateur.email}
        resultat[structure.pk] = sorted(uniques.values(), key=lambda utilisateur: utilisateur.pk)
    return resultat


def get_structure_for_user(user, uuid):
    """La fiche d'une structure, pour tout professionnel (l'offre n'est pas une donnée personnelle) ; 404 si elle
    n'existe pas."""
    exiger_consultation(user)
    structure = Structure.objects.select_related("organisation").filter(uuid=uuid).first()
    if structure is None:
        raise Http404("Structure introuvable.")
    return structure


def get_service_for_user(user, uuid):
    """La fiche d'un service : 403 pour un compte sans appartenance, 404 s'il n'est pas visible (suspendu)."""
    exiger_consultation(user)
    return regles.get_service_for_user(user, uuid)
