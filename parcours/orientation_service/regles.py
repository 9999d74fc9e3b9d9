"""Les orientations vers un service : la machine à états (quelles transitions, qui les fait), les délais, et qui
voit quoi. Le seul endroit de ces règles (voir docs/orientations-service.md).

Trois côtés agissent sur une orientation :
- la **structure** qui reçoit : les membres actifs de l'organisation propriétaire de la structure (boîte de
  réception), ou quiconque tient le lien signé reçu par courriel quand la structure n'a pas de compte ;
- le **prescripteur** : qui peut modifier le carnet de la personne ;
- la **plateforme** : la tâche du matin, qui fait expirer les orientations restées sans réponse.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from offre.models import MODIFIER_STRUCTURE, Structure
from parcours.models import OrientationService
from partenaires import permissions

Statut = OrientationService.Statut

STRUCTURE = "structure"
PRESCRIPTEUR = "prescripteur"
PLATEFORME = "plateforme"

JOURS_RELANCE = 10  # sans réponse depuis 10 jours : une relance à la structure, un élément du point de situation
JOURS_EXPIRATION = 30  # sans réponse depuis 30 jours : l'orientation expire (et le lien signé avec elle)
DELAI_RELANCE = timedelta(days=JOURS_RELANCE)
DELAI_EXPIRATION = timedelta(days=JOURS_EXPIRATION)

# (de, vers) → les côtés qui peuvent faire la transition.
TRANSITIONS = {
    (Statut.ENVOYEE, Statut.A_L_ETUDE): {STRUCTURE},
    (Statut.ENVOYEE, Statut.ACCEPTEE): {STRUCTURE},
    (Statut.ENVOYEE, Statut.REFUSEE): {STRUCTURE},
    (Statut.ENVOYEE, Statut.EXPIREE): {PLATEFORME},
    (Statut.ENVOYEE, Statut.ABANDONNEE): {PRESCRIPTEUR},
    (Statut.A_L_ETUDE, Statut.ACCEPTEE): {STRUCTURE},
    (Statut.A_L_ETUDE, Statut.REFUSEE): {STRUCTURE},
    (Statut.A_L_ETUDE, Statut.EXPIREE): {PLATEFORME},
    (Statut.A_L_ETUDE, Statut.ABANDONNEE): {PRESCRIPTEUR},
    (Statut.ACCEPTEE, Statut.ENTREE): {STRUCTURE, PRESCRIPTEUR},
    (Statut.ACCEPTEE, Statut.ABANDONNEE): {STRUCTURE, PRESCRIPTEUR},
    (Statut.ENTREE, Statut.TERMINEE): {STRUCTURE, PRESCRIPTEUR},
    (Statut.ENTREE, Statut.ABANDONNEE): {STRUCTURE, PRESCRIPTEUR},
}

# Ce que dit le bouton de chaque transition.
BOUTONS = {
    Statut.A_L_ETUDE: "Mettre à l'étude",
    Statut.ACCEPTEE: "Accepter",
    Statut.REFUSEE: "Refuser",
    Statut.ENTREE: "Confirmer l'entrée",
    Statut.TERMINEE: "Indiquer la fin",
    Statut.ABANDONNEE: "Indiquer l'abandon",
}

# Statut d'une orientation → statut de l'action du plan qui lui est liée.
STATUT_ACTION = {
    Statut.ENVOYEE: "en_projet",
    Statut.A_L_ETUDE: "en_projet",
    Statut.ACCEPTEE: "en_projet",
    Statut.ENTREE: "en_cours",
    Statut.TERMINEE: "realisee",
    Statut.REFUSEE: "abandonnee",
    Statut.EXPIREE: "abandonnee",
    Statut.ABANDONNEE: "abandonnee",
}

# Les statuts qui laissent l'orientation ouverte (une seule orientation ouverte par carnet et par service).
STATUTS_OUVERTS = (Statut.ENVOYEE, Statut.A_L_ETUDE, Statut.ACCEPTEE, Statut.ENTREE)
# Les réponses qu'on annonce au prescripteur par courriel.
STATUTS_ANNONCES = (Statut.ACCEPTEE, Statut.REFUSEE, Statut.EXPIREE)


def est_close(orientation) -> bool:
    return orientation.statut in OrientationService.STATUTS_FINAUX


def transitions_possibles(statut: str, cote: str) -> list[str]:
    """Les statuts vers lesquels ce côté peut faire passer une orientation de ce statut, dans l'ordre du cycle."""
    return [vers for vers in Statut.values if cote in TRANSITIONS.get((statut, vers), ())]


def verifier_transition(orientation, vers: str, *, cote: str, motif: str = "", commentaire: str = "") -> None:
    """Refuse (ValidationError en français) une transition que ce côté ne peut pas faire, ou une réponse
    incomplète (un refus porte son motif ; le motif « autre » se précise en commentaire)."""
    if vers not in Statut.values:
        raise ValidationError({"statut": "Ce statut n'existe pas."})
    libelle = Statut(vers).label.lower()
    if orientation.statut == vers:
        derniere = orientation.transitions.filter(vers=vers).order_by("-date", "-id").first()
        date = f" depuis le {timezone.localtime(derniere.date):%d/%m/%Y}" if derniere else ""
        raise ValidationError(f"Vous avez déjà répondu : l'orientation est {libelle}{date}.")
    if cote not in TRANSITIONS.get((orientation.statut, vers), ()):
        actuel = orientation.get_statut_display().lower()
        if est_close(orientation):
            raise ValidationError(f"Cette orientation est close ({actuel}) : elle ne change plus de statut.")
        raise ValidationError(f"Une orientation {actuel} ne peut pas passer à « {libelle} » de votre côté.")
    if vers == Statut.REFUSEE:
        if motif not in OrientationService.MotifRefus.values:
            raise ValidationError({"motif": "Choisissez le motif du refus dans la liste."})
        if motif == OrientationService.MotifRefus.AUTRE and not commentaire.strip():
            raise ValidationError({"commentaire": "Précisez le motif « Autre » dans le commentaire."})
    elif motif:
        raise ValidationError({"motif": "Un motif ne s'indique que pour un refus."})


# --- Qui voit quoi ----------------------------------------------------------------------------------------


def structures_recevant(user):
    """Les structures dont l'utilisateur reçoit les orientations : celles partagées en modification avec une
    organisation dont il est membre actif. Le pilote qui modère le catalogue de son territoire ne reçoit pas pour
    autant les dossiers des personnes orientées (données personnelles)."""
    return permissions.partages_avec(user, Structure.objects.all(), MODIFIER_STRUCTURE)


def jours_avant_expiration(orientation, maintenant=None) -> int | None:
    """Les jours pleins qui restent pour répondre (0 le dernier) ; None si l'orientation n'attend plus de réponse."""
    if orientation.statut not in OrientationService.STATUTS_SANS_REPONSE:
        return None
    return max((orientation.expire_le - (maintenant or timezone.now())).days, 0)


def peut_ouvrir_la_boite(user) -> bool:
    """La boîte « Orientations reçues » (et son entrée dans le menu) : membre d'une organisation qui tient une
    structure."""
    return structures_recevant(user).exists()


def orientations_recues(user):
    return OrientationService.objects.filter(service__structure__in=structures_recevant(user).values("pk"))


def get_orientation_recue(user, uuid) -> OrientationService:
    """Une orientation reçue par une structure de l'utilisateur, ou 404 (pas d'oracle d'existence)."""
    orientation = (
        orientations_recues(user)
        .select_related("service__structure__organisation", "session", "prescripteur", "organisation")
        .filter(uuid=uuid)
        .first()
    )
    if orientation is None:
        raise Http404("Orientation introuvable.")
    return orientation


def get_orientation_du_carnet(carnet, uuid) -> OrientationService:
    """Une orientation du carnet (l'accès au carnet est vérifié avant), ou 404."""
    orientation = (
        OrientationService.objects.select_related("carnet__personne", "service__structure", "session", "action")
        .filter(carnet=carnet, uuid=uuid)
        .first()
    )
    if orientation is None:
        raise Http404("Orientation introuvable.")
    return orientation


# --- L'activité prévue (RSA : 15 heures par semaine) -----------------------------------------------------------


def heures_retenues(carnet) -> Decimal:
    """La somme des heures hebdomadaires des orientations retenues (acceptées ou commencées) du carnet : la seule
    fonction qui la calcule (en-tête du carnet, onglet, tests)."""
    total = OrientationService.objects.retenues().filter(carnet=carnet).aggregate(total=Sum("heures_hebdomadaires"))
    return total["total"] or Decimal(0)
