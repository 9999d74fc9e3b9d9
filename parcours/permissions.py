"""Règles d'accès au carnet, bâties sur la façade `partenaires.permissions` (jamais sur guardian directement).

- voir : le carnet est partagé avec une organisation dont l'utilisateur est membre actif (sinon 404) ;
- modifier : en plus, être intervenant actif du carnet, ou administrateur d'une organisation qui le partage
  (sinon 403) ;
- aucun raccourci superutilisateur : l'équipe technique ne lit pas les carnets.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from parcours.choix import MODIFIER_CARNET, VOIR_CARNET
from parcours.models import Carnet
from partenaires import permissions
from partenaires.choix import Role


def visible_carnets(user):
    return permissions.partages_avec(user, Carnet.objects.all(), VOIR_CARNET)


def visible_carnets_et_leurs_cles(user):
    """`visible_carnets` pour la liste « Mes carnets », et les clés de ces carnets (pour un `carnet__in`, sans relire
    les carnets) : une requête de plus (les groupes de l'utilisateur, lus une fois pour toute la page) et des
    sous-requêtes que PostgreSQL sait estimer (voir `permissions.cles_partagees_avec_estimables`)."""
    cles = permissions.cles_partagees_avec_estimables(user, Carnet, VOIR_CARNET)
    return Carnet.objects.filter(pk__in=cles), cles


def can_view_carnet(user, carnet) -> bool:
    return permissions.est_partage_avec(user, carnet, VOIR_CARNET)


def est_intervenant_actif(user, carnet, intervenants_actifs=None) -> bool:
    """`intervenants_actifs` : les intervenants actifs du carnet déjà lus dans la même requête (la page du carnet
    les montre) ; sans eux, une requête."""
    if intervenants_actifs is not None:
        return any(intervenant.utilisateur_id == user.pk for intervenant in intervenants_actifs)
    return carnet.intervenants.actifs().filter(utilisateur=user).exists()


def can_edit_carnet(user, carnet, intervenants_actifs=None) -> bool:
    if not permissions.est_partage_avec(user, carnet, MODIFIER_CARNET):
        return False
    if est_intervenant_actif(user, carnet, intervenants_actifs):
        return True
    organisations = permissions.organisations_partageant(carnet, MODIFIER_CARNET)
    return permissions.membres_actifs(user).filter(organisation__in=organisations, role=Role.ADMINISTRATEUR).exists()


def can_view_sensible(user, carnet) -> bool:
    """Santé, RQTH : réservés aux intervenants actifs du carnet, en plus du droit de le voir."""
    return can_view_carnet(user, carnet) and est_intervenant_actif(user, carnet)


def voit_sensible_carnet_visible(user, carnet, intervenants_actifs) -> bool:
    """`can_view_sensible` pour un carnet que `get_carnet_for_user` vient de rendre dans la même requête (le droit
    de le voir est donc déjà vérifié) et dont les intervenants actifs sont déjà lus : aucune requête."""
    return est_intervenant_actif(user, carnet, intervenants_actifs)


def can_edit_diagnostic(user, carnet) -> bool:
    """Mener le diagnostic (le commencer, le compléter, le valider, le partager) : être intervenant actif du
    carnet. Le diagnostic couvre la santé et le handicap : c'est la même condition que pour les voir."""
    return can_edit_carnet(user, carnet) and can_view_sensible(user, carnet)


def get_carnet_for_diagnostic(user, uuid) -> Carnet:
    carnet = get_carnet_for_user(user, uuid)
    if not can_edit_diagnostic(user, carnet):
        raise PermissionDenied("Seuls les intervenants du groupe de suivi mènent le diagnostic.")
    return carnet


def organisation_partage(carnet, organisation) -> bool:
    return permissions.organisations_partageant(carnet, VOIR_CARNET).filter(pk=organisation.pk).exists()


def get_carnet_for_user(user, uuid) -> Carnet:
    carnet = visible_carnets(user).select_related("personne").filter(uuid=uuid).first()
    if carnet is None:
        raise Http404("Carnet introuvable.")
    return carnet


def get_carnet_for_edit(user, uuid) -> Carnet:
    carnet = get_carnet_for_user(user, uuid)
    if not can_edit_carnet(user, carnet):
        raise PermissionDenied(
            "Seuls les intervenants du carnet et les administrateurs des organisations partenaires peuvent le modifier."
        )
    return carnet
