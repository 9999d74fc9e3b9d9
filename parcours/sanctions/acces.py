"""Qui voit et qui agit sur les manquements, bâti sur `parcours.permissions` et la façade `partenaires.permissions`.

- voir : qui voit le carnet, et le chargé d'orientation du Département du territoire du carnet (les départements
  des organisations qui le suivent) ; les autres : 404 ;
- constater, examiner le motif légitime, envoyer l'avis, enregistrer les observations : qui peut modifier le
  carnet (référent, groupe de suivi, administrateur d'une organisation qui le suit) et ce chargé d'orientation ;
- décider et lever la sanction : ce seul chargé d'orientation, délégataire du président du Département
  (`parcours.delegation`, la même règle que pour les décisions après l'avis d'une équipe pluridisciplinaire).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from parcours import delegation
from parcours import permissions as regles_carnet
from parcours.choix import MODIFIER_CARNET
from parcours.models import Carnet, Manquement
from parcours.orientation.regles import departements_du_carnet
from partenaires import permissions
from partenaires.models import Organisation


def departement_organisations_du_charge(user, carnet):
    """Les Départements du territoire du carnet au nom desquels l'utilisateur décide."""
    return delegation.organisations_delegantes(user, departements_du_carnet(carnet))


def est_charge_du_territoire(user, carnet) -> bool:
    return delegation.est_delegataire(user, departements_du_carnet(carnet))


def peut_voir(user, carnet) -> bool:
    return regles_carnet.can_view_carnet(user, carnet) or est_charge_du_territoire(user, carnet)


def peut_instruire(user, carnet) -> bool:
    """Constater, examiner le motif légitime, envoyer l'avis, enregistrer les observations."""
    return regles_carnet.can_edit_carnet(user, carnet) or est_charge_du_territoire(user, carnet)


def peut_decider(user, carnet) -> bool:
    """Décider et lever : le président du Département, ou son délégataire (le chargé d'orientation)."""
    return est_charge_du_territoire(user, carnet)


def carnets_du_territoire(user):
    """Les carnets suivis (modification) par une organisation des départements où l'utilisateur est délégataire du
    président (une requête)."""
    departements = delegation.departements_delegues(user)
    if not departements:
        return Carnet.objects.none()
    return permissions.partages_des_organisations(
        Carnet.objects.all(), Organisation.objects.filter(departement__in=departements), MODIFIER_CARNET
    )


def get_carnet_pour_voir(user, uuid) -> Carnet:
    carnet = Carnet.objects.select_related("personne").filter(uuid=uuid).first()
    if carnet is None or not peut_voir(user, carnet):
        raise Http404("Carnet introuvable.")
    return carnet


def get_carnet_pour_constater(user, uuid) -> Carnet:
    carnet = get_carnet_pour_voir(user, uuid)
    if not peut_instruire(user, carnet):
        raise PermissionDenied("Seuls les intervenants du carnet et le chargé d'orientation constatent un manquement.")
    return carnet


def get_manquement_pour_voir(user, uuid) -> Manquement:
    manquement = (
        Manquement.objects.select_related(
            "carnet__personne", "constate_par", "organisation", "decideur", "organisation_decideuse", "levee_par"
        )
        .filter(uuid=uuid)
        .first()
    )
    if manquement is None or not peut_voir(user, manquement.carnet):
        raise Http404("Manquement introuvable.")
    return manquement


def get_manquement_pour_instruire(user, uuid) -> Manquement:
    manquement = get_manquement_pour_voir(user, uuid)
    if not peut_instruire(user, manquement.carnet):
        raise PermissionDenied("Seuls les intervenants du carnet et le chargé d'orientation instruisent un manquement.")
    return manquement


def get_manquement_pour_decider(user, uuid) -> Manquement:
    manquement = get_manquement_pour_voir(user, uuid)
    if not peut_decider(user, manquement.carnet):
        raise PermissionDenied("Seul le président du Département, ou son délégataire, décide d'une sanction.")
    return manquement
