"""Ce qu'un lecteur voit d'un diagnostic : la seule porte entre le diagnostic et les gabarits (page, impression,
PDF). Un domaine sensible (santé, handicap) ou une situation de santé n'y entre pas pour qui ne peut pas les
voir : le gabarit reçoit « information réservée », jamais le contenu."""

from dataclasses import dataclass, field

from django.utils import timezone

from parcours.diagnostic.comparaison import INFORMATION_RESERVEE, charger_contenu, comparer
from parcours.diagnostic.regles import Suggestion, criteres, suggerer_parcours
from parcours.models import Diagnostic

SITUATIONS_DE_SANTE = {Diagnostic.SituationTravail.MALADIE, Diagnostic.SituationTravail.INVALIDITE}


@dataclass
class DomaineAffiche:
    libelle: str
    reserve: bool
    appreciation: str = ""
    appreciation_code: str = ""
    impact: str = ""
    priorite: str = ""
    situations: list = field(default_factory=list)
    commentaire: str = ""
    paroles_personne: str = ""


@dataclass
class DiagnosticAffiche:
    diagnostic: Diagnostic
    situation_actuelle: str
    domaines: list[DomaineAffiche]
    projets: list
    suggestion: Suggestion
    changements: list | None


def afficher(
    diagnostic: Diagnostic, *, voit_sensible: bool, avec_comparaison: bool = False, pour_la_personne: bool = False
) -> DiagnosticAffiche:
    """`pour_la_personne` : le document remis à la personne, sans les commentaires des professionnels."""
    situation = diagnostic.get_situation_actuelle_display() or "non renseignée"
    if diagnostic.situation_actuelle in SITUATIONS_DE_SANTE and not voit_sensible:
        situation = INFORMATION_RESERVEE
    charger_contenu(diagnostic, diagnostic.precedent if avec_comparaison else None)
    domaines = []
    for evaluation in diagnostic.evaluations.all():
        domaine = evaluation.domaine
        if domaine.sensible and not voit_sensible:
            domaines.append(DomaineAffiche(domaine.libelle, reserve=True))
            continue
        domaines.append(
            DomaineAffiche(
                domaine.libelle,
                reserve=False,
                appreciation=evaluation.get_appreciation_display() or "à apprécier",
                appreciation_code=evaluation.appreciation,
                impact=evaluation.get_impact_display(),
                priorite=evaluation.get_priorite_display(),
                situations=list(evaluation.situations.all()),
                commentaire="" if pour_la_personne else evaluation.commentaire,
                paroles_personne=evaluation.paroles_personne,
            )
        )
    # Les raisons du barème, au jour de la validation pour une version validée (son contenu ne change plus).
    jour = timezone.localdate(diagnostic.date_validation) if diagnostic.est_valide else timezone.localdate()
    suggestion = suggerer_parcours(criteres(diagnostic, aujourd_hui=jour))
    changements = None
    if avec_comparaison and diagnostic.precedent_id:
        changements = comparer(diagnostic.precedent, diagnostic, voit_sensible=voit_sensible)
    return DiagnosticAffiche(
        diagnostic=diagnostic,
        situation_actuelle=situation,
        domaines=domaines,
        projets=list(diagnostic.projets.all()),
        suggestion=suggestion,
        changements=changements,
    )
