"""Le délégataire du président du Département, en un seul endroit : qui décide, pour le président, d'une sanction
(`parcours.sanctions`) ou d'une réorientation après l'avis d'une équipe pluridisciplinaire (`parcours.equipes`).

C'est un membre actif, chargé d'orientation, d'une organisation de type Département du département concerné. Le
pilote n'en est pas : il pilote le territoire, il ne décide pas des dossiers individuels."""

from partenaires import permissions
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Organisation


def _charges_d_un_departement(user):
    return permissions.membres_actifs(user).filter(
        role=Role.CHARGE_ORIENTATION, organisation__type=TypeOrganisation.DEPARTEMENT
    )


def departements_delegues(user) -> set[str]:
    """Les départements où l'utilisateur est délégataire du président."""
    return set(_charges_d_un_departement(user).values_list("organisation__departement", flat=True))


def organisations_delegantes(user, departements):
    """Les Départements (organisations), parmi ces départements, au nom desquels l'utilisateur décide."""
    return Organisation.objects.filter(
        membres__in=_charges_d_un_departement(user), departement__in=departements
    ).order_by("nom", "id")


def est_delegataire(user, departements) -> bool:
    """L'utilisateur décide-t-il, pour le président, dans l'un de ces départements ?"""
    return _charges_d_un_departement(user).filter(organisation__departement__in=departements).exists()
