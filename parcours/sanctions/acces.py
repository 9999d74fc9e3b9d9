"""Qui voit et qui agit sur les manquements, bâti sur `parcours.permissions` et la façade `partenaires.permissions`.

- voir : qui voit le carnet, et le chargé d'orientation du Département du territoire du carnet (les départements
  des organisations qui le suivent) ; les autres : 404 ;
- constater, examiner le motif légitime, envoyer l'avis, enregistrer les observations : qui peut modifier le
  carnet (référent, groupe de suivi, administrateur d'une organisation qui le suit) et ce chargé d'orientation ;
- décider et lever la sanction : ce seul chargé d'orientation, délégataire du président du Département.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from parcours import permissions as regles_carnet
from parcours.choix import MODIFIER_CARNET
from parcours.models import Carnet, Manquement
from parcours.orientation.regles import departements_du_carnet
from partenaires import permissions
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Organisation


def departements_du_charge(user) -> set[str]:
    """Les départements où l'utilisateur est chargé d'orientation (membre actif) d'un Département."""
    return set(
        permissions.membres_actifs(user)
        .filter(role=Role.CHARGE_ORIENTATION, organisation__type=TypeOrganisation.DEPARTEMENT)
        .values_list("organisation__departement", flat=True)
    )


def departement_organisations_du_charge(user, carnet):
    """Les Départements du territoire du carnet dont l'utilisateur est chargé d'orientation."""
    return Organisation.objects.filter(
        membres__in=permissions.membres_actifs(user).filter(role=Role.CHARGE_ORIENTATION),
        type=TypeOrganisation.DEPARTEMENT,
        departement__in=departements_du_carnet(carnet),
    ).order_by("nom", "id")


def est_charge_du_territoire(user, carnet) -> bool:
    return departement_organisations_du_charge(user, carnet).exists()


def peut_voir(user, carnet) -> bool:
    return regles_carnet.can_view_carnet(user, carnet) or est_charge_du_territoire(user, carnet)


def peut_instruire(user, carnet) -> bool:
    """Constater, examiner le motif légitime, envoyer l'avis, enregistrer les observations."""
    return regles_carnet.can_edit_carnet(user, carnet) or est_charge_du_territoire(user, carnet)


def peut_decider(user, carnet) -> bool:
    """Décider et lever : le président du Département, ou son délégataire (le chargé d'orientation)."""
    return est_charge_du_territoire(user, carnet)


def carnets_du_territoire(user):
    """Les carnets suivis (modification) par une organisation des départements où l'utilisateur est chargé
    d'orientation d'un Département."""
    departements = departements_du_charge(user)
    if not departements:
        return Carnet.objects.none()
    critere = Q(pk__in=[])
    for organisation in Organisation.objects.filter(departement__in=departements).only("groupe"):
        critere |= Q(
            pk__in=permissions.partages_de_l_organisation(Carnet.objects.all(), organisation, MODIFIER_CARNET).values(
                "pk"
            )
        )
    return Carnet.objects.filter(critere)


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
