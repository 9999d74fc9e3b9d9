"""Où en est l'orientation d'un carnet : l'orientation en cours, la demande ouverte, l'horloge du contrat
d'engagement (un mois après la notification) et la révision d'un parcours social."""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from parcours import delais
from parcours.models import ContratEngagement, DecisionOrientation, DemandeOrientation, Diagnostic


@dataclass(frozen=True)
class HorlogeContrat:
    date_limite: date | None  # None tant que la décision n'est pas notifiée
    contrat: ContratEngagement | None  # le contrat signé depuis la notification
    jours_restants: int | None

    @property
    def en_attente_de_notification(self) -> bool:
        return self.date_limite is None

    @property
    def signe(self) -> bool:
        return self.contrat is not None

    @property
    def en_retard(self) -> bool:
        return not self.signe and self.jours_restants is not None and self.jours_restants < 0

    @property
    def jours_de_retard(self) -> int:
        return -self.jours_restants if self.en_retard else 0


def revision_depuis():
    """Expression (sur une requête de décisions ou d'éléments portant `carnet`) : la date de la dernière décision
    du carnet, tous sens confondus. La révision d'un parcours social court depuis cette date : l'orientation, ou
    le maintien qui l'a suivie après examen (un maintien relance la révision)."""
    decisions = DecisionOrientation.objects.filter(carnet=OuterRef("carnet"))
    return Subquery(decisions.order_by("-date_decision", "-pk").values("date_decision")[:1])


def date_revision(orientation, depuis: date) -> date | None:
    """La révision d'un parcours social : 6 mois après `depuis` (la dernière décision du carnet, `revision_depuis`),
    12 mois avec le motif légal de l'orientation (santé, handicap…), que le maintien garde. La seule règle, pour
    l'en-tête du carnet et pour le point de situation."""
    if orientation is None or orientation.parcours != Diagnostic.Parcours.SOCIAL:
        return None
    return delais.date_revision_sociale(depuis, prolongee=bool(orientation.motif_prolongation))


@dataclass(frozen=True)
class EtatOrientation:
    orientation: DecisionOrientation | None  # la dernière décision qui fixe un parcours
    demande_ouverte: DemandeOrientation | None
    contrat: HorlogeContrat | None
    jours_restants_demande: int | None  # délai légal de la demande ouverte (négatif : en retard)
    aujourd_hui: date
    revision_depuis: date | None = None  # la dernière décision du carnet (orientation ou maintien)

    @property
    def demande_en_retard(self) -> bool:
        return self.jours_restants_demande is not None and self.jours_restants_demande < 0

    @property
    def jours_de_retard_demande(self) -> int:
        return -self.jours_restants_demande if self.demande_en_retard else 0

    @property
    def date_revision(self) -> date | None:
        return date_revision(self.orientation, self.revision_depuis) if self.orientation else None

    @property
    def revision_relancee_par_maintien(self) -> bool:
        return self.date_revision is not None and self.revision_depuis != self.orientation.date_decision

    @property
    def revision_due(self) -> bool:
        revision = self.date_revision
        return revision is not None and revision <= self.aujourd_hui


def horloge_contrat(decision, contrat_signe, aujourd_hui: date) -> HorlogeContrat:
    """`contrat_signe` : le premier contrat signé depuis la notification (`ContratEngagement.objects.signes_depuis`),
    ou None ; une nouvelle orientation relance le mois : un contrat antérieur ne compte plus."""
    limite = decision.date_limite_contrat
    if limite is None:
        return HorlogeContrat(None, None, None)
    return HorlogeContrat(limite, contrat_signe, delais.jours_restants(limite, aujourd_hui))


def etat_du_carnet(carnet, aujourd_hui: date | None = None) -> EtatOrientation:
    """Une requête pour les demandes (et leurs décisions), une de plus pour le contrat d'une orientation
    notifiée."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    demandes = list(
        DemandeOrientation.objects.filter(carnet=carnet).select_related(
            "organisation_orientation", "decision__organisme_referent", "decision__referent"
        )
    )
    demande = next((d for d in demandes if d.statut == DemandeOrientation.Statut.EN_ATTENTE), None)
    toutes = [d.decision for d in demandes if hasattr(d, "decision")]
    decisions = [d for d in toutes if d.sens != DecisionOrientation.Sens.MAINTENIR]
    orientation = max(decisions, key=lambda d: (d.date_decision, d.pk), default=None)
    depuis = max((d.date_decision for d in toutes), default=None)  # la même date que `revision_depuis()`
    contrat = None
    if orientation is not None:
        signe = None
        if orientation.notifiee_le is not None:
            signe = carnet.contrats.signes_depuis(orientation.notifiee_le).order_by("date_debut").first()
        contrat = horloge_contrat(orientation, signe, aujourd_hui)
    restants = demande.jours_restants(aujourd_hui) if demande is not None else None
    return EtatOrientation(orientation, demande, contrat, restants, aujourd_hui, depuis)
