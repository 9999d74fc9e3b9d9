"""Qui oriente, qui voit la file d'orientation : des règles bâties sur la façade `partenaires.permissions`.

- la file d'une organisation est ouverte à ses membres actifs chargés d'orientation ou pilotes ;
- une demande qu'on ne peut pas traiter n'existe pas pour soi (404, pas d'oracle d'existence), ni celle d'un carnet
  qu'on ne lit pas (toute demande partage le carnet en lecture avec sa file : défense en profondeur) ;
- une organisation oriente si elle est un Département, ou si elle compte un chargé d'orientation actif ;
  on choisit une organisation du territoire du carnet (le département des organisations qui le suivent).
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from parcours import permissions as regles_carnet
from parcours.choix import MODIFIER_CARNET
from parcours.models import DecisionOrientation, DemandeOrientation, Intervenant
from partenaires import permissions
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Membre, Organisation

ROLES_ORIENTATION = (Role.CHARGE_ORIENTATION, Role.PILOTE)


def organisations_de_la_file(user):
    """Les organisations dont l'utilisateur traite la file (chargé d'orientation ou pilote, membre actif)."""
    return permissions.membres_actifs(user).filter(role__in=ROLES_ORIENTATION).values("organisation")


def peut_ouvrir_la_file(user) -> bool:
    return permissions.membres_actifs(user).filter(role__in=ROLES_ORIENTATION).exists()


def demandes_visibles(user):
    """Les demandes de ses files, dont on voit le carnet (jamais les données d'un carnet qu'on ne lit pas)."""
    return DemandeOrientation.objects.filter(
        organisation_orientation__in=organisations_de_la_file(user), carnet__in=regles_carnet.visible_carnets(user)
    )


def peut_orienter(user, demande) -> bool:
    return permissions.a_le_role(
        user, demande.organisation_orientation, *ROLES_ORIENTATION
    ) and regles_carnet.can_view_carnet(user, demande.carnet)


def organisation_qui_oriente(carnet) -> int | None:
    """L'organisation dont la file a reçu la dernière demande d'orientation du carnet (ouverte ou décidée) : elle
    garde la lecture du carnet quand son dernier intervenant sort (`parcours.services._terminer`)."""
    derniere = DemandeOrientation.objects.filter(carnet=carnet).order_by("-date_demande", "-id").first()
    return derniere.organisation_orientation_id if derniere else None


def get_demande_pour_orienter(user, uuid) -> DemandeOrientation:
    demande = (
        demandes_visibles(user)
        .select_related("carnet__personne", "organisation_orientation", "demandeur", "organisation_demandeuse")
        .filter(uuid=uuid)
        .first()
    )
    if demande is None:
        raise Http404("Demande d'orientation introuvable.")
    return demande


def get_decision_pour_notifier(user, uuid) -> DecisionOrientation:
    """La notification se fait par la file qui a décidé : mêmes personnes que la décision."""
    decision = (
        DecisionOrientation.objects.filter(demande__in=demandes_visibles(user), uuid=uuid)
        .select_related("carnet__personne", "demande__organisation_orientation")
        .first()
    )
    if decision is None:
        raise Http404("Décision d'orientation introuvable.")
    return decision


def departements_du_carnet(carnet) -> set[str]:
    """Le territoire du carnet : les départements des organisations qui le suivent (modification)."""
    return set(permissions.organisations_partageant(carnet, MODIFIER_CARNET).values_list("departement", flat=True))


def organisations_qui_orientent(*, dans=None, hors=None):
    """Le Département, ou une organisation qui a un chargé d'orientation actif ; dans (ou hors de) ces
    départements."""
    charges = Membre.objects.actifs().filter(organisation=OuterRef("pk"), role=Role.CHARGE_ORIENTATION)
    organisations = Organisation.objects.actives().filter(Q(type=TypeOrganisation.DEPARTEMENT) | Exists(charges))
    if dans is not None:
        organisations = organisations.filter(departement__in=dans)
    if hors is not None:
        organisations = organisations.exclude(departement__in=hors)
    return organisations.order_by("departement", "nom")


def est_referent(user, carnet) -> bool:
    return carnet.intervenants.actifs().filter(utilisateur=user, role=Intervenant.Role.REFERENT).exists()
