"""Qui importe des personnes : les administrateurs et les chargés d'orientation d'une organisation, pour elle.

- la liste et le téléversement valent pour l'organisation courante (sinon 403) ;
- un import n'est visible que des administrateurs et chargés d'orientation actifs de son organisation (sinon 404,
  sans oracle d'existence : le fichier contient des données personnelles) ;
- aucun raccourci superutilisateur.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from parcours.models import ImportPersonnes
from partenaires import permissions
from partenaires.choix import Role

ROLES_IMPORT = (Role.ADMINISTRATEUR, Role.CHARGE_ORIENTATION)


def can_import(user, organisation) -> bool:
    return organisation is not None and permissions.a_le_role(user, organisation, *ROLES_IMPORT)


def organisation_pour_importer(request):
    """L'organisation courante, si l'utilisateur peut y importer des personnes (sinon 403)."""
    membre = request.membre_courant
    organisation = membre.organisation if membre else None
    if not can_import(request.user, organisation):
        raise PermissionDenied("Seuls les administrateurs et les chargés d'orientation importent des personnes.")
    return organisation


def visible_imports(user):
    organisations = permissions.membres_actifs(user).filter(role__in=ROLES_IMPORT).values("organisation")
    return ImportPersonnes.objects.filter(organisation__in=organisations)


def get_import_for_user(user, uuid) -> ImportPersonnes:
    import_personnes = visible_imports(user).select_related("organisation", "demandeur").filter(uuid=uuid).first()
    if import_personnes is None:
        raise Http404("Import introuvable.")
    return import_personnes
