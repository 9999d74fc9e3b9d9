"""Qui peut faire quoi sur l'offre (voir docs/permissions.md, section « Offre »).

L'offre n'est pas une donnée personnelle : tout professionnel connecté voit les services publiés (le public, sans
les contacts). Les membres actifs de l'organisation propriétaire d'une structure modifient ses services (permission
objet donnée par la façade) ; le pilote territorial du département de la structure modère (suspend, traite les
signalements, crée les structures hors plateforme)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from offre.models import MODIFIER_STRUCTURE, Service, Structure
from partenaires import permissions
from partenaires.choix import Role


def peut_consulter_offre(user) -> bool:
    return permissions.est_professionnel(user)


def peut_moderer(user, departement: str) -> bool:
    return bool(departement) and departement in permissions.departements_pilotes(user)


def peut_modifier_structure(user, structure) -> bool:
    return peut_moderer(user, structure.departement) or permissions.est_partage_avec(
        user, structure, MODIFIER_STRUCTURE
    )


def peut_publier_pour(user, organisation) -> bool:
    """Créer la structure d'une organisation partenaire : son administrateur, ou le pilote de son département."""
    return permissions.a_le_role(user, organisation, Role.ADMINISTRATEUR) or peut_moderer(
        user, organisation.departement
    )


def structures_modifiables(user):
    """Les structures que l'utilisateur modifie (une requête, pour les listes)."""
    if not permissions.est_professionnel(user):
        return Structure.objects.none()
    partagees = permissions.partages_avec(user, Structure.objects.all(), MODIFIER_STRUCTURE)
    return Structure.objects.filter(
        Q(pk__in=partagees.values("pk")) | Q(departement__in=permissions.departements_pilotes(user))
    )


def services_visibles(user):
    """Les services qu'on peut ouvrir : publiés, plus les suspendus de ses structures (ou de son territoire)."""
    return Service.objects.filter(
        Q(statut=Service.Statut.PUBLIE) | Q(structure__in=structures_modifiables(user).values("pk"))
    )


def get_service_for_user(user, uuid):
    """Le service, ou 404 s'il n'existe pas ou est suspendu pour cet utilisateur (pas d'oracle d'existence)."""
    service = services_visibles(user).select_related("structure").filter(uuid=uuid).first()
    if service is None:
        raise Http404("Service introuvable.")
    return service


def get_service_for_edit(user, uuid):
    """Le service à modifier : 404 s'il n'est pas visible, 403 s'il l'est sans être modifiable."""
    service = get_service_for_user(user, uuid)
    if not peut_modifier_structure(user, service.structure):
        raise PermissionDenied("Seuls les membres de la structure et le pilote du territoire modifient ce service.")
    return service


def get_structure_for_edit(user, uuid):
    """La structure à modifier : 404 si elle n'existe pas, 403 si l'utilisateur ne peut pas la modifier."""
    structure = Structure.objects.select_related("organisation").filter(uuid=uuid).first()
    if structure is None:
        raise Http404("Structure introuvable.")
    if not peut_modifier_structure(user, structure):
        raise PermissionDenied("Seuls les membres de la structure et le pilote du territoire la modifient.")
    return structure
