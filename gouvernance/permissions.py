"""Règles d'accès de la gouvernance, bâties sur la façade `partenaires.permissions` (jamais sur guardian).

- consortium et plan d'actions : vus par les organisations membres du consortium (partage objet) et par les
  pilotes du département ; le pilote gère le consortium, ses comités et leur composition ; le plan d'actions est
  tenu par le pilote et les secrétaires des comités du consortium ; l'organisation pilote d'une fiche en
  actualise l'avancement, le budget et les indicateurs ;
- comité : vu par les organisations qui y ont un siège (partage objet), son secrétaire, ses co-présidents et les
  pilotes du département ; le secrétaire tient les séances ; les co-présidents valident l'ordre du jour ;
- personne d'autre ne voit rien (404), pas même le superutilisateur ; un objet vu mais une action interdite : 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from gouvernance.choix import VOIR_COMITE, VOIR_CONSORTIUM
from gouvernance.models import Comite, Consortium, CoPresidence, FicheAction, Seance
from partenaires import permissions
from partenaires.choix import Role


def _connecte(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _organisations_actives(user, *roles):
    membres = permissions.membres_actifs(user)
    return (membres.filter(role__in=roles) if roles else membres).values("organisation")


def comites_du_secretaire(user):
    """Les comités dont l'utilisateur est le secrétaire en fonction : désigné, et toujours secrétaire de comité
    (appartenance active) dans une organisation membre du consortium. Parti, il perd la main et la vue."""
    if not _connecte(user):
        return Comite.objects.none()
    return Comite.objects.filter(
        secretaire=user,
        consortium__membres__organisation__in=_organisations_actives(user, Role.SECRETAIRE_COMITE),
    ).distinct()


def copresidences_actives(user):
    """Les co-présidences de l'utilisateur tant qu'il reste membre actif de l'organisation de leur siège."""
    if not _connecte(user):
        return CoPresidence.objects.none()
    return CoPresidence.objects.filter(utilisateur=user, siege__organisation__in=_organisations_actives(user))


# --- Consortium et plan d'actions ---------------------------------------------------------------


def visible_consortiums(user):
    if not _connecte(user):
        return Consortium.objects.none()
    partages = permissions.partages_avec(user, Consortium.objects.all(), VOIR_CONSORTIUM)
    return Consortium.objects.filter(
        Q(pk__in=partages.values("pk"))
        | Q(departement__in=permissions.departements_pilotes(user))
        | Q(pk__in=comites_du_secretaire(user).filter(actif=True).values("consortium"))
    )


def est_pilote(user, consortium) -> bool:
    return _connecte(user) and consortium.departement in permissions.departements_pilotes(user)


def can_manage_consortium(user, consortium) -> bool:
    """Membres du consortium, comités et leur composition : le pilote du territoire."""
    return est_pilote(user, consortium)


def can_edit_plan(user, consortium) -> bool:
    """Créer et modifier les fiches action : le pilote et les secrétaires des comités du consortium."""
    if est_pilote(user, consortium):
        return True
    return comites_du_secretaire(user).filter(consortium=consortium, actif=True).exists()


def can_update_fiche(user, fiche) -> bool:
    """Avancement, budget et indicateurs : en plus, les membres de l'organisation pilote de la fiche."""
    if can_edit_plan(user, fiche.consortium):
        return True
    return permissions.membres_actifs(user).filter(organisation_id=fiche.organisation_pilote_id).exists()


def get_consortium_for_user(user, uuid) -> Consortium:
    consortium = visible_consortiums(user).filter(uuid=uuid).first()
    if consortium is None:
        raise Http404("Consortium introuvable.")
    return consortium


def get_consortium_for_manage(user, uuid) -> Consortium:
    consortium = get_consortium_for_user(user, uuid)
    if not can_manage_consortium(user, consortium):
        raise PermissionDenied("Seul le pilote du territoire gère le consortium.")
    return consortium


def get_consortium_for_plan(user, uuid) -> Consortium:
    consortium = get_consortium_for_user(user, uuid)
    if not can_edit_plan(user, consortium):
        raise PermissionDenied("Le plan d'actions est tenu par le pilote et les secrétaires des comités.")
    return consortium


def visible_fiches(user):
    return FicheAction.objects.filter(consortium__in=visible_consortiums(user).values("pk"))


def get_fiche_for_user(user, uuid) -> FicheAction:
    fiche = visible_fiches(user).select_related("consortium", "organisation_pilote").filter(uuid=uuid).first()
    if fiche is None:
        raise Http404("Fiche action introuvable.")
    return fiche


def get_fiche_for_edit(user, uuid) -> FicheAction:
    fiche = get_fiche_for_user(user, uuid)
    if not can_edit_plan(user, fiche.consortium):
        raise PermissionDenied("Le plan d'actions est tenu par le pilote et les secrétaires des comités.")
    return fiche


def get_fiche_for_update(user, uuid) -> FicheAction:
    fiche = get_fiche_for_user(user, uuid)
    if not can_update_fiche(user, fiche):
        raise PermissionDenied("Seuls l'organisation pilote de la fiche, le pilote et les secrétaires l'actualisent.")
    return fiche


# --- Comités et séances -------------------------------------------------------------------------


def visible_comites(user):
    if not _connecte(user):
        return Comite.objects.none()
    partages = permissions.partages_avec(user, Comite.objects.all(), VOIR_COMITE)
    return Comite.objects.filter(
        Q(pk__in=partages.values("pk"))
        | Q(consortium__departement__in=permissions.departements_pilotes(user))
        | Q(pk__in=comites_du_secretaire(user).values("pk"))
        | Q(pk__in=copresidences_actives(user).values("comite"))
    )


def can_manage_comite(user, comite) -> bool:
    return can_manage_consortium(user, comite.consortium)


def can_edit_seances(user, comite) -> bool:
    """Le secrétaire désigné du comité, tant qu'il garde le rôle de secrétaire de comité (voir
    `comites_du_secretaire`)."""
    if not _connecte(user) or comite.secretaire_id != user.pk:
        return False
    return comites_du_secretaire(user).filter(pk=comite.pk).exists()


def copresidence_de(user, comite) -> CoPresidence | None:
    return copresidences_actives(user).filter(comite=comite).first()


def get_comite_for_user(user, uuid) -> Comite:
    comite = visible_comites(user).select_related("consortium", "secretaire").filter(uuid=uuid).first()
    if comite is None:
        raise Http404("Comité introuvable.")
    return comite


def get_comite_for_manage(user, uuid) -> Comite:
    comite = get_comite_for_user(user, uuid)
    if not can_manage_comite(user, comite):
        raise PermissionDenied("Seul le pilote du territoire gère la composition du comité.")
    return comite


def get_comite_for_secretaire(user, uuid) -> Comite:
    comite = get_comite_for_user(user, uuid)
    if not can_edit_seances(user, comite):
        raise PermissionDenied("Seul le secrétaire du comité prépare et tient ses séances.")
    return comite


def get_seance_for_user(user, uuid) -> Seance:
    seance = (
        Seance.objects.filter(comite__in=visible_comites(user).values("pk"), uuid=uuid)
        .select_related("comite", "comite__consortium", "comite__secretaire")
        .first()
    )
    if seance is None:
        raise Http404("Séance introuvable.")
    return seance


def get_seance_for_secretaire(user, uuid) -> Seance:
    seance = get_seance_for_user(user, uuid)
    if not can_edit_seances(user, seance.comite):
        raise PermissionDenied("Seul le secrétaire du comité prépare et tient ses séances.")
    return seance


def get_seance_for_copresident(user, uuid) -> tuple[Seance, CoPresidence]:
    seance = get_seance_for_user(user, uuid)
    copresidence = copresidence_de(user, seance.comite)
    if copresidence is None:
        raise PermissionDenied("Seuls les co-présidents du comité valident l'ordre du jour.")
    return seance, copresidence


# --- Pilotage (indicateurs, besoins non couverts, flux des orientations) ------------------------------------


def departements_du_pilotage(user) -> set[str]:
    """Les territoires dont l'utilisateur voit les chiffres agrégés (jamais une personne) : ceux où il est pilote,
    et ceux des consortiums dont il est secrétaire d'un comité actif."""
    if not _connecte(user):
        return set()
    secretaire = comites_du_secretaire(user).filter(actif=True).values_list("consortium__departement", flat=True)
    return set(permissions.departements_pilotes(user)) | set(secretaire)


def require_pilotage(user, departement: str) -> None:
    """404 pour un territoire dont l'utilisateur ne voit pas les chiffres."""
    if departement not in departements_du_pilotage(user):
        raise Http404
