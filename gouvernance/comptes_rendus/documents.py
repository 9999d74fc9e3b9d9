"""Les documents d'une séance : l'ordre du jour et le compte rendu, en page « Imprimer » et en PDF (le même gabarit,
rendu par `spie.pdf`). Les contextes lisent tout d'un bloc (un nombre de requêtes fixe, quelle que soit la taille de
la séance) ; les producteurs de documents revérifient les droits du demandeur au moment de produire."""

from collections import Counter
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.text import slugify

from gouvernance import permissions
from gouvernance.choix import ChoixVote, ModeDecision, StatutPresence, StatutSeance
from gouvernance.comptes_rendus.contexte import contexte_indicateurs
from gouvernance.deliberation.services import calculer_quorum
from gouvernance.models import CoPresidence, Decision, Point, Presence, Seance, Siege, SuiviDecision, SuiviFiche, Vote
from spie.documents import producteur
from spie.pdf import rendre_pdf

GABARIT_ORDRE_DU_JOUR = "gouvernance/comptes_rendus/ordre_du_jour.html"
GABARIT_COMPTE_RENDU = "gouvernance/comptes_rendus/compte_rendu.html"
PRODUCTEUR_ORDRE_DU_JOUR = "gouvernance.ordre_du_jour"
PRODUCTEUR_COMPTE_RENDU = "gouvernance.compte_rendu"


# --- Accès -------------------------------------------------------------------------------------------------------


def get_seance_for_compte_rendu(user, uuid) -> Seance:
    """Le compte rendu d'une séance : son projet, tant qu'elle n'est pas clôturée, est au secrétaire du comité (403
    pour les autres qui voient le comité) ; après la clôture, à tous ceux qui voient le comité. 404 sinon."""
    seance = permissions.get_seance_for_user(user, uuid)
    if not seance.est_cloturee and not permissions.can_edit_seances(user, seance.comite):
        raise PermissionDenied("Tant que la séance n'est pas clôturée, son compte rendu est réservé au secrétaire.")
    return seance


# --- Contextes ---------------------------------------------------------------------------------------------------


def _seance(seance) -> Seance:
    return Seance.objects.select_related("comite__consortium", "comite__secretaire").get(pk=seance.pk)


def _copresidences(comite) -> list[CoPresidence]:
    return list(comite.copresidences.select_related("siege__organisation", "utilisateur"))


def _entete(seance) -> dict:
    comite = seance.comite
    copresidences = _copresidences(comite)
    return {
        "seance": seance,
        "comite": comite,
        "consortium": comite.consortium,
        "copresidences": copresidences,
        "copresident_preponderant": next((c for c in copresidences if c.voix_preponderante), None),
        "secretaire": comite.secretaire,
        "edite_le": timezone.now(),
        "ecran": False,  # la page « Imprimer » ajoute ses liens de retour ; le PDF n'en a pas
    }


def contexte_ordre_du_jour(seance) -> dict:
    """L'ordre du jour : en-tête, points ordonnés, validations des co-présidents. « Projet » tant qu'il n'est pas
    validé par tous les co-présidents."""
    seance = _seance(seance)
    points = list(seance.points.select_related("fiche_action__organisation_pilote").order_by("ordre", "pk"))
    validations = list(seance.validations.select_related("copresidence__utilisateur").order_by("date"))
    return _entete(seance) | {
        "points": points,
        "validations": validations,
        "projet": seance.statut == StatutSeance.PREPARATION,
        "duree_totale": sum(point.duree_minutes or 0 for point in points),
    }


def _presences(sieges, presences_par_siege) -> list[SimpleNamespace]:
    return [SimpleNamespace(siege=siege, presence=presences_par_siege.get(siege.pk)) for siege in sieges]


def _deliberation(point, presences_par_siege) -> SimpleNamespace:
    """Un point et son issue : le décompte des voix, le détail par siège (la voix d'un siège représenté est portée
    par le siège qui détient son pouvoir), les décisions rattachées."""
    votes = sorted(point.votes.all(), key=lambda vote: (vote.siege.ordre, vote.siege.pk))
    compte = Counter(vote.choix for vote in votes)
    return SimpleNamespace(
        point=point,
        par_vote=point.mode == ModeDecision.VOTE,
        par_consensus=point.mode == ModeDecision.CONSENSUS,
        votes=[
            SimpleNamespace(
                siege=vote.siege,
                choix=vote.get_choix_display(),
                porte_par=_porteur(presences_par_siege.get(vote.siege_id)),
            )
            for vote in votes
        ],
        pour=compte[ChoixVote.POUR],
        contre=compte[ChoixVote.CONTRE],
        abstention=compte[ChoixVote.ABSTENTION],
        exprimes=compte[ChoixVote.POUR] + compte[ChoixVote.CONTRE],
        decisions=list(point.decisions.all()),
    )


def _porteur(presence) -> Siege | None:
    if presence is not None and presence.statut == StatutPresence.REPRESENTE:
        return presence.represente_par
    return None


def contexte_compte_rendu(seance) -> dict:
    """Le compte rendu : en-tête, feuille de présence, quorum, chaque point (présentation, notes, vote ou consensus,
    résultat, décisions), décisions prises, suivi des décisions des séances précédentes, fiches action revues,
    synthèse, indicateurs du territoire. « Projet » tant que la séance n'est pas clôturée. Un nombre de requêtes fixe,
    quelle que soit la séance et la taille du territoire."""
    seance = _seance(seance)
    sieges = list(Siege.objects.filter(comite=seance.comite).select_related("organisation").order_by("ordre", "pk"))
    presences_par_siege = {
        presence.siege_id: presence
        for presence in Presence.objects.filter(seance=seance).select_related("mandat", "represente_par__organisation")
    }
    presences = _presences(sieges, presences_par_siege)
    points = (
        Point.objects.filter(seance=seance)
        .select_related("fiche_action__organisation_pilote")
        .prefetch_related(
            Prefetch("votes", queryset=Vote.objects.select_related("siege__organisation")),
            Prefetch(
                "decisions", queryset=Decision.objects.select_related("organisation_responsable").order_by("date", "pk")
            ),
        )
        .order_by("ordre", "pk")
    )
    decisions = list(
        Decision.objects.filter(seance=seance)
        .select_related("organisation_responsable", "point")
        .order_by("date", "pk")
    )
    suivis_decisions = list(
        SuiviDecision.objects.filter(seance=seance)
        .select_related("decision__organisation_responsable", "decision__seance")
        .order_by("decision__date", "decision__pk")
    )
    fiches_revues = list(
        SuiviFiche.objects.filter(seance=seance)
        .select_related("fiche__organisation_pilote")
        .annotate(
            budget_prevu=Sum("fiche__budget__prevu"),
            budget_engage=Sum("fiche__budget__engage"),
            budget_depense=Sum("fiche__budget__depense"),
        )
        .order_by("fiche__numero", "pk")
    )
    statuts = Counter(ligne.presence.statut if ligne.presence else "" for ligne in presences)
    return (
        _entete(seance)
        | contexte_indicateurs(seance)
        | {
            "projet": not seance.est_cloturee,
            "presences": presences,
            "nombre_presents": statuts[StatutPresence.PRESENT],
            "nombre_representes": statuts[StatutPresence.REPRESENTE],
            "nombre_excuses": statuts[StatutPresence.EXCUSE],
            "nombre_absents": statuts[StatutPresence.ABSENT],
            "nombre_non_notes": statuts[""],
            "quorum": calculer_quorum(seance, [(ligne.siege, ligne.presence) for ligne in presences]),
            "deliberations": [_deliberation(point, presences_par_siege) for point in points],
            "decisions": decisions,
            "suivis_decisions": suivis_decisions,
            "fiches_revues": fiches_revues,
        }
    )


# --- PDF ---------------------------------------------------------------------------------------------------------


def _jour(seance) -> str:
    return f"{timezone.localtime(seance.date):%Y-%m-%d}"


def nom_fichier_ordre_du_jour(seance) -> str:
    return f"ordre-du-jour-{slugify(seance.comite.nom)}-{_jour(seance)}.pdf"


def nom_fichier_compte_rendu(seance) -> str:
    prefixe = "compte-rendu" if seance.est_cloturee else "projet-compte-rendu"
    return f"{prefixe}-{slugify(seance.comite.nom)}-{_jour(seance)}.pdf"


def pdf_ordre_du_jour(seance) -> bytes:
    """L'ordre du jour en PDF (joint à la convocation par la partie séances)."""
    return rendre_pdf(GABARIT_ORDRE_DU_JOUR, contexte_ordre_du_jour(seance))


def pdf_compte_rendu(seance) -> bytes:
    return rendre_pdf(GABARIT_COMPTE_RENDU, contexte_compte_rendu(seance))


@producteur(PRODUCTEUR_ORDRE_DU_JOUR)
def ordre_du_jour_pdf(demandeur, *, seance) -> bytes:
    """Les droits du demandeur (voir le comité) sont relus au moment de produire."""
    return pdf_ordre_du_jour(permissions.get_seance_for_user(demandeur, seance))


@producteur(PRODUCTEUR_COMPTE_RENDU)
def compte_rendu_pdf(demandeur, *, seance) -> bytes:
    """Les droits du demandeur sont relus au moment de produire : le projet reste au secrétaire."""
    return pdf_compte_rendu(get_seance_for_compte_rendu(demandeur, seance))
