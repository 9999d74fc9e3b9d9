"""La façade des permissions : le seul module du projet qui importe django-guardian.

Règles (voir docs/permissions.md) :
- chaque organisation a un groupe Django ; une appartenance active y place l'utilisateur, la
  désactivation l'en retire : l'accès cesse à la requête suivante (rien n'est mis en cache) ;
- partager un objet avec une organisation donne des permissions objet au groupe de l'organisation,
  dans des tables à clé étrangère directe (jamais les tables génériques de guardian) ;
- les fonctions `get_*_for_*` rendent l'objet, ou lèvent 404 si l'utilisateur ne peut pas le voir
  (pas d'oracle d'existence) et 403 s'il le voit mais ne peut pas faire l'action ;
- les listes passent par les fonctions `visible_*`, jamais par un test de permission par ligne.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_group_obj_perms_model

from partenaires.choix import Role

# Bases des tables de permissions objet à clé étrangère directe, pour les autres applications
# (par exemple `parcours` pour le carnet : `class CarnetPermissionGroupe(PermissionObjetGroupeBase)`).
PermissionObjetGroupeBase = GroupObjectPermissionBase
PermissionObjetUtilisateurBase = UserObjectPermissionBase

VOIR_ORGANISATION = "partenaires.view_organisation"


class OrganisationPermissionGroupe(GroupObjectPermissionBase):
    content_object = models.ForeignKey("partenaires.Organisation", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        app_label = "partenaires"
        verbose_name = "permission de groupe sur une organisation"
        verbose_name_plural = "permissions de groupe sur les organisations"


def _modele(nom: str):
    return apps.get_model("partenaires", nom)


def _connecte(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


# --- Rôles (lus à chaque appel dans les appartenances actives : jamais de cache) ----------------


def est_compte_personne(user) -> bool:
    """Le compte de l'espace personnel d'une personne accompagnée : jamais professionnel, jamais membre."""
    return _connecte(user) and user.est_personne


def membres_actifs(user):
    if not _connecte(user) or user.est_personne:
        return _modele("Membre").objects.none()
    return user.membres.actifs().select_related("organisation")


def a_le_role(user, organisation, *roles: str) -> bool:
    return membres_actifs(user).filter(organisation=organisation, role__in=roles).exists()


def departements_pilotes(user) -> set[str]:
    """Les départements dont l'utilisateur est pilote territorial."""
    return set(membres_actifs(user).filter(role=Role.PILOTE).values_list("organisation__departement", flat=True))


def est_professionnel(user) -> bool:
    """Un professionnel a au moins une appartenance active (ou administre la plateforme)."""
    if not _connecte(user) or user.est_personne:
        return False
    return user.is_staff or user.is_superuser or membres_actifs(user).exists()


# --- Prédicats ---------------------------------------------------------------------------------


def can_view_organisation(user, organisation) -> bool:
    if not _connecte(user):
        return False
    if user.is_superuser:  # une organisation n'est pas une donnée personnelle
        return True
    return est_partage_avec(user, organisation, VOIR_ORGANISATION) or organisation.departement in departements_pilotes(
        user
    )


def can_administer_organisation(user, organisation) -> bool:
    """Administrer : inviter, changer les rôles, désactiver, modifier la fiche."""
    if not _connecte(user):
        return False
    if user.is_superuser:
        return True
    return a_le_role(user, organisation, Role.ADMINISTRATEUR)


def can_edit_organisation(user, organisation) -> bool:
    return can_administer_organisation(user, organisation) or (
        _connecte(user) and organisation.departement in departements_pilotes(user)
    )


def can_create_organisation(user, departement: str | None = None) -> bool:
    """Le superutilisateur partout ; un pilote dans son territoire."""
    if not _connecte(user):
        return False
    if user.is_superuser:
        return True
    pilotes = departements_pilotes(user)
    return bool(pilotes) if departement is None else departement in pilotes


# --- Portées (toutes les listes passent par là) -------------------------------------------------


def visible_organisations(user):
    Organisation = _modele("Organisation")
    if not _connecte(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    par_groupe = partages_avec(user, Organisation.objects.all(), VOIR_ORGANISATION)
    return Organisation.objects.filter(
        models.Q(pk__in=par_groupe.values("pk")) | models.Q(departement__in=departements_pilotes(user))
    )


def departements_de_creation(user) -> list[str] | None:
    """Départements où l'utilisateur peut créer une organisation (None : tous)."""
    if _connecte(user) and user.is_superuser:
        return None
    return sorted(departements_pilotes(user))


# --- Accès : l'objet, 404 ou 403 ----------------------------------------------------------------


def get_organisation_for_user(user, uuid):
    organisation = visible_organisations(user).filter(uuid=uuid).first()
    if organisation is None:
        raise Http404("Organisation introuvable.")
    return organisation


def get_organisation_for_admin(user, uuid):
    organisation = get_organisation_for_user(user, uuid)
    if not can_administer_organisation(user, organisation):
        raise PermissionDenied("Seuls les administrateurs de l'organisation peuvent faire cela.")
    return organisation


def get_organisation_for_edit(user, uuid):
    organisation = get_organisation_for_user(user, uuid)
    if not can_edit_organisation(user, organisation):
        raise PermissionDenied("Vous ne pouvez pas modifier cette organisation.")
    return organisation


def require(predicat: bool, message: str) -> None:
    """Pour les services : refuse l'action (403) si le prédicat est faux."""
    if not predicat:
        raise PermissionDenied(message)


# --- Écritures de permissions (appelées par les services, dans leur transaction) ----------------


def initialiser_permissions_organisation(organisation) -> None:
    """Le groupe de l'organisation voit sa propre fiche."""
    assign_perm(VOIR_ORGANISATION, organisation.groupe, organisation)


def synchroniser_groupe(utilisateur, organisation) -> None:
    """Le groupe suit les appartenances actives : dedans si au moins une, dehors sinon."""
    actif = utilisateur.membres.filter(organisation=organisation, is_active=True).exists()
    if actif:
        utilisateur.groups.add(organisation.groupe)
    else:
        utilisateur.groups.remove(organisation.groupe)


# --- Partage d'objets avec des organisations (mécanisme commun aux applications) ---------------


def partager(objet, organisation, *perms: str) -> None:
    """Donne au groupe de l'organisation les permissions objet (tables à clé étrangère directe)."""
    for perm in perms:
        assign_perm(perm, organisation.groupe, objet)


def _permissions(modele, perms) -> list:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    codenames = [perm.split(".")[-1] for perm in perms]
    return list(
        Permission.objects.filter(content_type=ContentType.objects.get_for_model(modele), codename__in=codenames)
    )


def partager_en_masse(objets, organisation, *perms: str) -> None:
    """`partager` pour beaucoup d'objets d'un même modèle en quelques requêtes (imports) ; un partage déjà
    en place est laissé tel quel."""
    modele, lignes = lignes_de_partage(objets, organisation, *perms)
    if lignes:
        modele.objects.bulk_create([modele(**ligne) for ligne in lignes], batch_size=2000, ignore_conflicts=True)


def lignes_de_partage(objets, organisation, *perms: str) -> tuple:
    """La table de permissions objet du modèle et ses lignes ({attribut: valeur}, non enregistrées) qui partagent
    ces objets d'un même modèle avec l'organisation : pour qui les écrit lui-même en masse sur une base neuve (le
    jeu de données de mesure, par `COPY`), sans contrôle des partages déjà en place."""
    objets = list(objets)
    if not objets:
        return None, []
    modele = get_group_obj_perms_model(objets[0])
    return modele, [
        {"group_id": organisation.groupe_id, "permission_id": permission.pk, "content_object_id": objet.pk}
        for permission in _permissions(type(objets[0]), perms)
        for objet in objets
    ]


def partages_de_l_organisation(queryset, organisation, perm: str):
    """Restreint le queryset aux objets partagés avec cette organisation pour cette permission (une requête)."""
    modele = get_group_obj_perms_model(queryset.model)
    partages = modele.objects.filter(group=organisation.groupe_id, permission__codename=perm.split(".")[-1])
    return queryset.filter(pk__in=partages.values("content_object"))


def partages_des_organisations(queryset, organisations, perm: str):
    """Restreint le queryset aux objets partagés, pour cette permission, avec l'une de ces organisations (un
    queryset d'organisations) : une seule sous-requête, quel que soit leur nombre."""
    modele = get_group_obj_perms_model(queryset.model)
    partages = modele.objects.filter(group__in=organisations.values("groupe"), permission__codename=perm.split(".")[-1])
    return queryset.filter(pk__in=partages.values("content_object"))


def retirer_partage(objet, organisation, *perms: str) -> None:
    for perm in perms:
        remove_perm(perm, organisation.groupe, objet)


def retirer_partages_sauf(objet, organisation) -> int:
    """Retire toutes les permissions sur l'objet à toutes les organisations sauf celle-ci (une requête) ; rend le
    nombre de permissions retirées."""
    modele = get_group_obj_perms_model(objet)
    supprimees, _ = modele.objects.filter(content_object=objet).exclude(group=organisation.groupe_id).delete()
    return supprimees


def est_partage_avec(user, objet, perm: str) -> bool:
    """L'objet est-il partagé, pour cette permission, avec une organisation dont l'utilisateur est membre actif ?
    Lu à chaque appel dans les tables de permissions (jamais de cache, jamais de raccourci superutilisateur)."""
    if not _connecte(user):
        return False
    modele = get_group_obj_perms_model(objet)
    return modele.objects.filter(
        content_object=objet,
        permission__codename=perm.split(".")[-1],
        group__organisation__membres__utilisateur=user,
        group__organisation__membres__is_active=True,
        group__organisation__is_active=True,
    ).exists()


def organisations_partageant(objet, perm: str):
    """Les organisations avec lesquelles l'objet est partagé pour cette permission."""
    modele = get_group_obj_perms_model(objet)
    return _modele("Organisation").objects.filter(
        groupe__in=modele.objects.filter(content_object=objet, permission__codename=perm.split(".")[-1]).values("group")
    )


def cles_partagees_avec(user, modele, perm: str):
    """Les clés des objets du modèle partagés, pour cette permission, avec une organisation active de l'utilisateur :
    la sous-requête de `partages_avec`, à passer telle quelle à un `__in` sur une clé étrangère vers le modèle
    (par exemple les intervenants des carnets visibles), sans relire la table du modèle pour chaque clé."""
    table = get_group_obj_perms_model(modele)
    if not _connecte(user):
        return table.objects.none().values("content_object")
    return table.objects.filter(
        permission__codename=perm.split(".")[-1],
        group__organisation__membres__utilisateur=user,
        group__organisation__membres__is_active=True,
        group__organisation__is_active=True,
    ).values("content_object")


def cles_partagees_avec_estimables(user, modele, perm: str):
    """`cles_partagees_avec` pour les longues listes : lit d'abord (une requête) les groupes des organisations
    actives de l'utilisateur et l'identifiant de la permission, que la sous-requête porte ensuite en littéraux.

    Les mêmes lignes ; mais PostgreSQL estime alors le nombre de partages par ses statistiques de la table
    (valeurs les plus fréquentes de `group_id`), au lieu d'une moyenne par groupe inconnu (22 lignes estimées pour
    22 000) : il choisit un plan qui tient pour une organisation qui partage des dizaines de milliers d'objets
    (voir docs/permissions.md). Les appartenances et les partages restent lus à chaque appel."""
    table = get_group_obj_perms_model(modele)
    if not _connecte(user):
        return table.objects.none().values("content_object")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = perm.split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, content_type__model=modele._meta.model_name, codename=codename
    ).values("pk")[:1]
    lignes = list(
        user.membres.actifs()
        .annotate(permission_id=models.Subquery(permission))
        .values_list("organisation__groupe_id", "permission_id")
    )
    groupes = sorted({groupe for groupe, permission_id in lignes if permission_id is not None})
    if not groupes:
        return table.objects.none().values("content_object")
    return table.objects.filter(group_id__in=groupes, permission_id=lignes[0][1]).values("content_object")


def partages_avec(user, queryset, perm: str):
    """Restreint le queryset aux objets partagés avec une organisation active de l'utilisateur (une requête)."""
    if not _connecte(user):
        return queryset.none()
    return queryset.filter(pk__in=cles_partagees_avec(user, queryset.model, perm))
