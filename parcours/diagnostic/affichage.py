"""Ce qu'un lecteur voit d'un diagnostic : la seule porte entre le diagnostic et les gabarits (page, impression,
PDF). Pour qui ne peut pas voir les données sensibles, un domaine sensible (santé, handicap), une situation
sensible (la santé d'un enfant, une santé incompatible avec la conduite…), une situation actuelle de santé
(longue maladie, invalidité), le décompte des difficultés (il compte aussi la santé) et le motif d'un parcours
écarté n'y entrent pas : le gabarit reçoit « information réservée », jamais le contenu."""

from dataclasses import dataclass, field

from django.utils import timezone

from parcours.diagnostic.comparaison import INFORMATION_RESERVEE, charger_contenu, comparer
from parcours.diagnostic.regles import Suggestion, criteres, suggerer_parcours
from parcours.models import Diagnostic

SITUATION_RESERVEE = "une situation réservée aux intervenants"


@dataclass
class DomaineAffiche:
    libelle: str
    reserve: bool
    appreciation: str = ""
    appreciation_code: str = ""
    impact: str = ""
    priorite: str = ""
    situations: list[str] = field(default_factory=list)
    commentaire: str = ""
    paroles_personne: str = ""


@dataclass
class DiagnosticAffiche:
    diagnostic: Diagnostic
    situation_actuelle: str
    situation_reservee: bool
    domaines: list[DomaineAffiche]
    projets: list
    suggestion: Suggestion
    raisons: list[str]
    motif_parcours: str
    changements: list | None


def afficher(
    diagnostic: Diagnostic, *, voit_sensible: bool, avec_comparaison: bool = False, pour_la_personne: bool = False
) -> DiagnosticAffiche:
    """`pour_la_personne` : le document remis à la personne, sans les commentaires des professionnels."""
    charger_contenu(diagnostic, diagnostic.precedent if avec_comparaison else None)
    situation_reservee = diagnostic.situation_sensible and not voit_sensible
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
                situations=[
                    SITUATION_RESERVEE if s.sensible and not voit_sensible else s.libelle
                    for s in evaluation.situations.all()
                ],
                commentaire="" if pour_la_personne else evaluation.commentaire,
                paroles_personne=evaluation.paroles_personne,
            )
        )
    # Les raisons du barème, au jour de la validation pour une version validée (son contenu ne change plus).
    jour = timezone.localdate(diagnostic.date_validation) if diagnostic.est_valide else timezone.localdate()
    suggestion = suggerer_parcours(criteres(diagnostic, aujourd_hui=jour))
    difficultes = suggestion.difficultes if voit_sensible else f"niveau des difficultés : {INFORMATION_RESERVEE}"
    changements = None
    if avec_comparaison and diagnostic.precedent_id:
        changements = comparer(diagnostic.precedent, diagnostic, voit_sensible=voit_sensible)
    return DiagnosticAffiche(
        diagnostic=diagnostic,
        situation_actuelle=INFORMATION_RESERVEE
        if situation_reservee
        else (diagnostic.get_situation_actuelle_display() or "non renseignée"),
        situation_reservee=situation_reservee,
        domaines=domaines,
        projets=list(diagnostic.projets.all()),
        suggestion=suggestion,
        raisons=[*suggestion.raisons, difficultes],
        motif_parcours=diagnostic.motif_parcours
        if voit_sensible or not diagnostic.motif_parcours
        else INFORMATION_RESERVEE,
        changements=changements,
    )
