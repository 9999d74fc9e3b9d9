"""Les lectures de la tenue d'une séance, pour sa page (partie séances), la page du comité (partie composition) et la
liste des décisions : un nombre de requêtes fixe, quel que soit le nombre de points, de sièges ou de décisions."""

from collections import Counter
from types import SimpleNamespace

from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone

from gouvernance import permissions
from gouvernance.choix import DECISIONS_OUVERTES, ChoixVote, StatutSeance
from gouvernance.deliberation import services
from gouvernance.models import Decision, SuiviDecision, SuiviFiche, Vote


def avec_suivis(decisions):
    """Le queryset des décisions, avec leurs suivis (du plus récent au plus ancien) en une requête de plus."""
    suivis = SuiviDecision.objects.select_related("seance").order_by("-seance__date", "-date")
    return decisions.prefetch_related(Prefetch("suivis", queryset=suivis, to_attr="suivis_recents"))


def annoter_suivis(decisions, *, seance=None) -> list:
    """Chaque décision (suivis préchargés par `avec_suivis`) reçoit `dernier_suivi` (le plus récent ; avec `seance`,
    le plus récent d'une séance antérieure), `suivi_de_la_seance` et `en_retard` (ouverte, échéance passée)."""
    aujourd_hui = timezone.localdate()
    decisions = list(decisions)
    for decision in decisions:
        anterieurs = [s for s in decision.suivis_recents if seance is None or s.seance.date < seance.date]
        decision.dernier_suivi = anterieurs[0] if anterieurs else None
        decision.suivi_de_la_seance = next(
            (s for s in decision.suivis_recents if seance and s.seance_id == seance.pk), None
        )
        decision.en_retard = bool(
            decision.statut in DECISIONS_OUVERTES and decision.echeance and decision.echeance < aujourd_hui
        )
    return decisions


def _decompte(point) -> dict:
    compte = Counter(vote.choix for vote in point.votes.all())
    return {
        "pour": compte[ChoixVote.POUR],
        "contre": compte[ChoixVote.CONTRE],
        "abstention": compte[ChoixVote.ABSTENTION],
    }


def contexte_tenue(seance, user) -> dict:
    """Présences et quorum, points (notes, vote ou consensus, décisions), suivi des décisions précédentes, fiches
    revues, synthèse, clôture : pour une séance convoquée ou clôturée (sinon `tenue` vaut None). Les actions ne sont
    proposées qu'au secrétaire, tant que la séance n'est pas clôturée."""
    if seance.statut not in (StatutSeance.CONVOQUEE, StatutSeance.CLOTUREE):
        return {"tenue": None}
    peut_tenir = not seance.est_cloturee and permissions.can_edit_seances(user, seance.comite)
    presences = services.sieges_et_presences(seance)
    quorum = services.calculer_quorum(seance, presences)
    votes = Vote.objects.select_related("siege__organisation").order_by("siege__ordre", "siege__pk")
    decisions = Decision.objects.select_related("organisation_responsable").order_by("date", "pk")
    points = list(
        seance.points.select_related("fiche_action")
        .prefetch_related(Prefetch("votes", queryset=votes), Prefetch("decisions", queryset=decisions))
        .order_by("ordre", "pk")
    )
    for point in points:
        point.decompte = _decompte(point)
    decisions_suivies = annoter_suivis(
        avec_suivis(
            services.decisions_a_suivre(seance)
            .select_related("organisation_responsable", "seance")
            .order_by("seance__date", "date", "pk")
        ),
        seance=seance,
    )
    revues = list(
        SuiviFiche.objects.filter(seance=seance).select_related("fiche__organisation_pilote").order_by("fiche__numero")
    )
    a_revoir = []
    if peut_tenir:
        fiches_de_l_ordre_du_jour = {point.fiche_action_id for point in points if point.fiche_action_id}
        a_revoir = list(
            seance.comite.consortium.fiches.actives()
            .exclude(pk__in=[revue.fiche_id for revue in revues])
            .select_related("organisation_pilote")
            .order_by("numero")
        )
        for fiche in a_revoir:
            fiche.a_l_ordre_du_jour = fiche.pk in fiches_de_l_ordre_du_jour
        a_revoir.sort(key=lambda fiche: (not fiche.a_l_ordre_du_jour, fiche.numero))
    sans_presence = [siege for siege, presence in presences if presence is None]
    return {
        "tenue": SimpleNamespace(
            seance=seance,
            peut_tenir=peut_tenir,
            presences=presences,
            sans_presence=sans_presence,
            quorum=quorum,
            message_quorum=services.message_quorum(quorum),
            points=points,
            decisions_suivies=decisions_suivies,
            revues=revues,
            a_revoir=a_revoir,
            commencee=seance.date <= timezone.now(),
        )
    }


def decisions_du_comite(comite):
    return (
        Decision.objects.filter(comite=comite)
        .select_related("organisation_responsable", "seance")
        .order_by(F("echeance").asc(nulls_last=True), "date", "pk")
    )


def contexte_decisions_comite(comite, user) -> dict:
    """Les décisions ouvertes du comité (texte, organisation responsable, échéance, retard, séance d'origine, dernier
    suivi), pour la page du comité : deux requêtes."""
    return {
        "decisions_ouvertes_du_comite": annoter_suivis(avec_suivis(decisions_du_comite(comite).ouvertes())),
        "url_decisions_du_comite": reverse("gouvernance:decisions", args=[comite.uuid]),
    }
