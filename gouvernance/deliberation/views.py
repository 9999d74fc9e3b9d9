"""Les pages de la tenue d'une séance : présences, quorum (fragment htmx), notes, vote ou consensus, décisions, suivi
des décisions précédentes, revue des fiches action, synthèse, clôture ; et la liste des décisions d'un comité.

Chaque vue : lire l'entrée, un appel d'accès (`gouvernance.permissions` : 404 quand on ne voit pas le comité, 403
quand on le voit sans en être le secrétaire), un appel de service, le rendu. Les actions en simple POST (notes,
synthèse, clôture) reviennent à la page de la séance, avec un message de succès ou l'erreur."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gouvernance import permissions
from gouvernance.choix import ModeDecision, ResultatDeliberation, StatutDecision, StatutSeance, TypePoint
from gouvernance.deliberation import contexte as lectures
from gouvernance.deliberation import services
from gouvernance.deliberation.forms import (
    DecisionForm,
    NotesForm,
    PresencesForm,
    RevueFicheForm,
    SuiviDecisionForm,
    SyntheseForm,
    VoteForm,
)
from gouvernance.models import Decision, FicheAction, Mandat, Point, SuiviDecision, SuiviFiche
from spie.forms import reporter_erreurs
from spie.pagination import paginer

FILTRE_OUVERTES = "ouvertes"


def _url_seance(seance, ancre="tenue") -> str:
    return f"{reverse('gouvernance:seance', args=[seance.uuid])}#{ancre}"


def _point(seance, point_uuid) -> Point:
    point = get_object_or_404(Point.objects.select_related("fiche_action"), seance=seance, uuid=point_uuid)
    point.seance = seance
    return point


def _message_erreur(request, erreur: ValidationError) -> None:
    messages.error(request, " ".join(erreur.messages))


def _tenue_ouverte(seance) -> str:
    """Le message qui explique pourquoi la séance ne se tient pas (vide si elle se tient)."""
    if seance.est_cloturee:
        return services.SEANCE_CLOTUREE
    if seance.statut != StatutSeance.CONVOQUEE:
        return services.SEANCE_NON_CONVOQUEE
    return ""


# --- Présences et quorum ------------------------------------------------------------------------


def _mandats_en_cours(seance) -> dict:
    mandats = Mandat.objects.de_la_seance(seance).order_by("-qualite", "nom", "pk")  # le titulaire d'abord
    par_siege = {}
    for mandat in mandats:
        par_siege.setdefault(mandat.siege_id, []).append(mandat)
    return par_siege


def presences(request, uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    form = PresencesForm(
        request.POST or None,
        sieges_et_presences=services.sieges_et_presences(seance),
        mandats_par_siege=_mandats_en_cours(seance),
    )
    enregistre = False
    if request.method == "POST" and form.is_valid():
        try:
            quorum = services.noter_presences(seance, acteur=request.user, lignes=form.lignes())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            if not request.htmx:
                messages.success(request, f"Présences enregistrées : {services.message_quorum(quorum)}.")
                return redirect(_url_seance(seance, "presences"))
            enregistre = True
    quorum = services.quorum_de(seance)
    contexte = {
        "seance": seance,
        "form": form,
        "enregistre": enregistre,
        "quorum": quorum,
        "message_quorum": services.message_quorum(quorum),
        "empechement": _tenue_ouverte(seance),
        "url_seance": _url_seance(seance, "presences"),
    }
    if request.htmx:
        reponse = render(request, "gouvernance/deliberation/includes/presences_formulaire.html", contexte)
        if enregistre:
            reponse["HX-Trigger"] = "presences-notees"
        return reponse
    return render(request, "gouvernance/deliberation/presences.html", contexte)


@require_GET
def quorum(request, uuid):
    seance = permissions.get_seance_for_user(request.user, uuid)
    quorum = services.quorum_de(seance)
    contexte = {"seance": seance, "quorum": quorum, "message_quorum": services.message_quorum(quorum)}
    return render(request, "gouvernance/deliberation/includes/quorum.html", contexte)


# --- Points -------------------------------------------------------------------------------------


@require_POST
def point_notes(request, uuid, point_uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    point = _point(seance, point_uuid)
    form = NotesForm(request.POST)
    form.is_valid()
    try:
        services.enregistrer_notes(point, acteur=request.user, notes=form.cleaned_data.get("notes", ""))
    except ValidationError as erreur:
        _message_erreur(request, erreur)
    else:
        messages.success(request, f"Notes du point « {point.titre} » enregistrées.")
    return redirect(_url_seance(seance, f"point-{point.uuid}"))


def _message_resultat(point, depouillement=None) -> str:
    if point.mode == ModeDecision.CONSENSUS:
        return f"Point « {point.titre} » adopté par consensus."
    resultat = ResultatDeliberation(point.resultat).label.lower()
    voix = " grâce à la voix prépondérante" if point.voix_preponderante_utilisee else ""
    return (
        f"Point « {point.titre} » : {resultat}{voix} ({depouillement.pour} pour, {depouillement.contre} contre, "
        f"{depouillement.abstention} abstention{'s' if depouillement.abstention > 1 else ''})."
    )


def point_voter(request, uuid, point_uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    point = _point(seance, point_uuid)
    presences = services.sieges_et_presences(seance)
    votes = dict(point.votes.values_list("siege_id", "choix"))
    form = VoteForm(request.POST or None, point=point, sieges_et_presences=presences, votes=votes)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["mode"] == ModeDecision.CONSENSUS:
                services.constater_consensus(point, acteur=request.user)
                depouillement = None
            else:
                depouillement = services.voter(point, acteur=request.user, choix=form.choix())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            point.refresh_from_db()
            messages.success(request, _message_resultat(point, depouillement))
            return redirect(_url_seance(seance, f"point-{point.uuid}"))
    quorum = services.calculer_quorum(seance, presences)
    contexte = {
        "seance": seance,
        "point": point,
        "form": form,
        "quorum": quorum,
        "message_quorum": services.message_quorum(quorum),
        "empechement": _tenue_ouverte(seance) or (point.decisions.exists() and "Ce point a déjà une décision."),
        "deliberation": point.type == TypePoint.DELIBERATION,
        "url_seance": _url_seance(seance, f"point-{point.uuid}"),
    }
    return render(request, "gouvernance/deliberation/vote.html", contexte)


# --- Décisions ----------------------------------------------------------------------------------


def decision_ajouter(request, uuid, point_uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    point = _point(seance, point_uuid)
    form = DecisionForm(request.POST or None, organisations=services.organisations_responsables(seance.comite))
    if request.method == "POST" and form.is_valid():
        try:
            services.ajouter_decision(point, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Décision enregistrée sur le point « {point.titre} ».")
            return redirect(_url_seance(seance, f"point-{point.uuid}"))
    contexte = {
        "seance": seance,
        "point": point,
        "form": form,
        "empechement": _tenue_ouverte(seance)
        or (point.resultat != ResultatDeliberation.ADOPTEE and "Ce point n'est pas adopté : décidez-le d'abord."),
        "url_seance": _url_seance(seance, f"point-{point.uuid}"),
    }
    return render(request, "gouvernance/deliberation/decision_form.html", contexte)


def decision_suivre(request, uuid, decision_uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    decision = get_object_or_404(
        Decision.objects.select_related("organisation_responsable", "seance"), comite=seance.comite, uuid=decision_uuid
    )
    suivi = SuiviDecision.objects.filter(decision=decision, seance=seance).first()
    initial = {"statut": suivi.statut, "commentaire": suivi.commentaire} if suivi else {"statut": decision.statut}
    form = SuiviDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            suivi = services.suivre_decision(seance, acteur=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            statut = StatutDecision(suivi.statut).label.lower()
            messages.success(request, f"Suivi de la décision enregistré : {statut}.")
            return redirect(_url_seance(seance, "suivi-decisions"))
    (decision,) = lectures.annoter_suivis(lectures.avec_suivis(Decision.objects.filter(pk=decision.pk)), seance=seance)
    contexte = {
        "seance": seance,
        "decision": decision,
        "form": form,
        "empechement": _tenue_ouverte(seance),
        "url_seance": _url_seance(seance, "suivi-decisions"),
    }
    return render(request, "gouvernance/deliberation/suivi_decision.html", contexte)


# --- Fiches action ------------------------------------------------------------------------------


def fiche_revoir(request, uuid, fiche_uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    fiche = get_object_or_404(
        FicheAction.objects.select_related("organisation_pilote"),
        consortium_id=seance.comite.consortium_id,
        uuid=fiche_uuid,
    )
    revue = SuiviFiche.objects.filter(fiche=fiche, seance=seance).first()
    source = revue or fiche
    initial = {
        "statut": source.statut,
        "avancement": source.avancement,
        "commentaire": getattr(revue, "commentaire", ""),
    }
    form = RevueFicheForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoir_fiche(seance, acteur=request.user, fiche=fiche, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Revue de la fiche {fiche.numero} enregistrée.")
            return redirect(_url_seance(seance, "fiches-revues"))
    derniere = SuiviFiche.objects.filter(fiche=fiche).exclude(seance=seance).select_related("seance").last()
    contexte = {
        "seance": seance,
        "fiche": fiche,
        "derniere_revue": derniere,
        "form": form,
        "empechement": _tenue_ouverte(seance),
        "url_seance": _url_seance(seance, "fiches-revues"),
    }
    return render(request, "gouvernance/deliberation/revue_fiche.html", contexte)


# --- Synthèse et clôture ------------------------------------------------------------------------


@require_POST
def seance_synthese(request, uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    form = SyntheseForm(request.POST)
    form.is_valid()
    try:
        services.enregistrer_synthese(seance, acteur=request.user, synthese=form.cleaned_data.get("synthese", ""))
    except ValidationError as erreur:
        _message_erreur(request, erreur)
    else:
        messages.success(request, "Synthèse enregistrée.")
    return redirect(_url_seance(seance, "synthese"))


@require_POST
def seance_cloturer(request, uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    try:
        services.cloturer_seance(seance, acteur=request.user)
    except ValidationError as erreur:
        _message_erreur(request, erreur)
        return redirect(_url_seance(seance, "cloture"))
    messages.success(request, "Séance clôturée : elle est figée ; son compte rendu est en cours d'archivage.")
    return redirect(_url_seance(seance, "tenue"))


# --- Décisions d'un comité ----------------------------------------------------------------------


@require_GET
def decisions(request, uuid):
    comite = permissions.get_comite_for_user(request.user, uuid)
    filtre = request.GET.get("statut", "")
    qs = lectures.decisions_du_comite(comite)
    if filtre == FILTRE_OUVERTES:
        qs = qs.ouvertes()
    elif filtre in StatutDecision.values:
        qs = qs.filter(statut=filtre)
    else:
        filtre = ""
    page, requete = paginer(request, lectures.avec_suivis(qs))
    page.object_list = lectures.annoter_suivis(page.object_list)
    contexte = {
        "comite": comite,
        "page": page,
        "requete": requete,
        "filtre": filtre,
        "filtres": [("", "Toutes"), (FILTRE_OUVERTES, "Ouvertes (à faire, en cours)"), *StatutDecision.choices],
    }
    return render(request, "gouvernance/deliberation/decisions.html", contexte)
