"""Règles du diagnostic : le barème national d'orientation et les objectifs suggérés.

Le barème suit les critères de l'arrêté du 21 novembre 2024 (voir docs/diagnostic.md) :
1. activité professionnelle actuelle ou dans les deux dernières années ?
2. capacité à se projeter dans un emploi (un projet défini) et niveau de qualification ;
3. niveau d'impact des difficultés (fort / moyen / sans impact) sur la recherche d'emploi.
La suggestion montre ses raisons ; le professionnel la confirme ou l'écarte par un motif écrit.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from parcours.models import Diagnostic, EvaluationDomaine, Objectif, ObjectifReferentiel

Parcours = Diagnostic.Parcours
DEUX_ANS = timedelta(days=730)


@dataclass(frozen=True)
class Criteres:
    """Ce que le barème lit d'un diagnostic."""

    activite_recente: bool
    se_projette: bool
    qualifie: bool
    impacts_forts: int = 0
    impacts_moyens: int = 0


@dataclass
class Suggestion:
    parcours: str
    raisons: list[str] = field(default_factory=list)
    # À part : elle compte aussi les domaines sensibles, et se masque pour qui ne peut pas les voir.
    difficultes: str = ""

    @property
    def libelle(self) -> str:
        return Parcours(self.parcours).label


def smic_horaire(jour: date) -> Decimal:
    """Le SMIC horaire brut en vigueur à cette date : un projet professionnel ne vise jamais moins."""
    en_vigueur = [montant for debut, montant in sorted(settings.SPIE_SMIC_HORAIRE_BRUT.items()) if debut <= str(jour)]
    return Decimal(en_vigueur[-1])


def criteres(diagnostic, *, aujourd_hui: date) -> Criteres:
    evaluations = list(diagnostic.evaluations.all())
    projets = list(diagnostic.projets.all())
    fin = diagnostic.date_fin_dernier_emploi
    return Criteres(
        activite_recente=diagnostic.situation_actuelle in Diagnostic.SITUATIONS_EN_ACTIVITE
        or (fin is not None and aujourd_hui - fin <= DEUX_ANS),
        se_projette=bool(projets) and not diagnostic.projet_non_defini,
        qualifie=diagnostic.niveau_formation in Diagnostic.NIVEAUX_QUALIFIES,
        impacts_forts=sum(e.impact == EvaluationDomaine.Impact.FORT for e in evaluations),
        impacts_moyens=sum(e.impact == EvaluationDomaine.Impact.MOYEN for e in evaluations),
    )


def _nombre(n: int, nom: str) -> str:
    return f"{'aucune' if n == 0 else n} {nom}{'s' if n > 1 else ''}"


def _difficultes(c: Criteres) -> str:
    if not c.impacts_forts and not c.impacts_moyens:
        return "aucune difficulté n'a d'impact sur la recherche d'emploi"
    return f"{_nombre(c.impacts_forts, 'difficulté')} à impact fort, {c.impacts_moyens or 'aucune'} à impact moyen"


def suggerer_parcours(c: Criteres) -> Suggestion:
    """Le barème : chaque branche est un cas de tests/parcours/test_diagnostic_regles.py."""
    difficultes = _difficultes(c)
    if c.activite_recente:
        activite = "activité professionnelle actuelle ou dans les deux dernières années"
        if c.se_projette or c.qualifie:
            atout = "se projette dans un métier" if c.se_projette else "qualifiée (CAP ou plus)"
            if c.impacts_forts == 0:
                return Suggestion(Parcours.EMPLOI, [activite, atout], difficultes)
            return Suggestion(Parcours.SOCIO_PROFESSIONNEL, [activite, atout], difficultes)
        sans_projet = "pas encore de projet professionnel défini ni de qualification"
        if c.impacts_forts == 0 and c.impacts_moyens <= 1:
            return Suggestion(Parcours.EMPLOI, [activite, sans_projet], difficultes)
        return Suggestion(Parcours.SOCIO_PROFESSIONNEL, [activite, sans_projet], difficultes)
    inactivite = "pas d'activité professionnelle depuis plus de deux ans"
    if c.impacts_forts >= 2:
        return Suggestion(Parcours.SOCIAL, [inactivite], difficultes)
    if c.impacts_forts == 1:
        if c.se_projette:
            return Suggestion(Parcours.SOCIO_PROFESSIONNEL, [inactivite, "se projette dans un métier"], difficultes)
        return Suggestion(Parcours.SOCIAL, [inactivite, "pas de projet professionnel défini"], difficultes)
    if c.se_projette and c.qualifie and c.impacts_moyens == 0:
        return Suggestion(Parcours.EMPLOI, [inactivite, "se projette dans un métier et qualifiée"], difficultes)
    return Suggestion(Parcours.SOCIO_PROFESSIONNEL, [inactivite], difficultes)


def objectifs_suggeres(diagnostic) -> list[ObjectifReferentiel]:
    """Les objectifs du référentiel liés aux freins observés dans les domaines en besoin, sans ceux que le plan
    d'action du carnet porte déjà (hors abandonnés), dans l'ordre des domaines."""
    deja = set(
        Objectif.objects.filter(carnet_id=diagnostic.carnet_id, referentiel__isnull=False)
        .exclude(statut=Objectif.Statut.ABANDONNE)
        .values_list("referentiel_id", flat=True)
    )
    suggeres = (
        ObjectifReferentiel.objects.filter(
            actif=True,
            situations__nature="frein",
            situations__in=EvaluationDomaine.situations.through.objects.filter(
                evaluationdomaine__diagnostic=diagnostic,
                evaluationdomaine__appreciation=EvaluationDomaine.Appreciation.BESOIN,
            ).values("situation"),
        )
        .exclude(code__in=deja)
        .select_related("theme")
        .distinct()
        .order_by("theme__axe", "libelle")
    )
    return list(suggeres)
