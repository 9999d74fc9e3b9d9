"""Qui importe et qui exporte l'offre (voir docs/offre-echange.md et docs/permissions.md).

Importer : les pilotes territoriaux, pour les départements qu'ils pilotent (403 pour tout autre professionnel).
Exporter (avec les contacts des services) : les pilotes pour leur territoire, et tout membre actif d'une organisation
pour le département de son organisation (403 pour un autre département, et pour qui n'est membre de rien).
L'API de lecture est publique (sans contacts) : elle n'a pas de règle."""

from django.core.exceptions import PermissionDenied

from partenaires import permissions


def departements_d_import(user) -> set[str]:
    departements = permissions.departements_pilotes(user)
    if not departements:
        raise PermissionDenied("Seuls les pilotes territoriaux importent l'offre de leur territoire.")
    return departements


def departements_d_export(user) -> list[str]:
    departements = permissions.departements_pilotes(user) | {
        membre.organisation.departement for membre in permissions.membres_actifs(user)
    }
    return sorted(departements)


def get_departements_for_export(user, demande: str | None) -> list[str]:
    """Les départements que l'utilisateur exporte ; 403 s'il n'en a aucun ou s'il demande un autre département."""
    departements = departements_d_export(user)
    if not departements:
        raise PermissionDenied("L'export de l'offre est réservé aux membres des organisations partenaires.")
    if demande and demande not in departements:
        raise PermissionDenied(
            f"Vous exportez l'offre de votre territoire seulement ({', '.join(departements)}) ; le catalogue des "
            "autres départements se lit par l'API publique, sans les contacts."
        )
    return departements
