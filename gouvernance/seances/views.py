"""Les pages des séances : créer et modifier une séance, composer l'ordre du jour, le valider (co-présidents),
envoyer la convocation (secrétaire), et la page de la séance.

Chaque vue : lire l'entrée, un appel d'accès (`gouvernance.permissions` : 404 quand on ne voit pas le comité, 403
quand on le voit sans pouvoir agir), un appel de service, le rendu. Une action refusée par un service (ordre du jour
non validé, date passée, point déjà en tête…) réaffiche la page de la séance avec le message (200), sans rien
écrire ; une action réussie redirige vers la page de la séance avec un message (302).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gouvernance import permissions
from gouvernance.choix import StatutSeance
from gouvernance.seances import services
from gouvernance.seances.contexte import contexte_seance
from gouvernance.seances.forms import PointForm, SeanceForm
from spie.forms import reporter_erreurs


def _url_seance(seance, ancre: str = "") -> str:
    return reverse("gouvernance:seance", args=[seance.uuid]) + (f"#{ancre}" if ancre else "")


def _page_seance(request, seance, *, erreur: ValidationError | None = None, zone: str = ""):
    """La page de la séance ; après une action refusée, avec son message près de l'action concernée."""
    contexte = contexte_seance(seance, request.user)
    if erreur is not None:
        contexte["erreur"] = {"zone": zone, "messages": erreur.messages}
    return render(request, "gouvernance/seances/seance.html", contexte)


def _si_figee(request, seance, quoi: str):
    """Une séance convoquée ou clôturée ne se prépare plus : retour à sa page, avec la raison."""
    if seance.ordre_du_jour_modifiable:
        return None
    raison = "La séance est clôturée" if seance.est_cloturee else "La convocation est partie"
    messages.error(request, f"{raison} : {quoi}.")
    return redirect(_url_seance(seance))


def _point(seance, point_uuid):
    return get_object_or_404(seance.points.select_related("fiche_action"), uuid=point_uuid)


# --- Séance -------------------------------------------------------------------------------------


def seance_creer(request, uuid):
    comite = permissions.get_comite_for_secretaire(request.user, uuid)
    form = SeanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seance = services.creer_seance(comite, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "La séance est prévue. Composez maintenant son ordre du jour.")
            return redirect(_url_seance(seance))
    contexte = {
        "form": form,
        "comite": comite,
        "seance": None,
        "url_annuler": reverse("gouvernance:comite", args=[comite.uuid]),
    }
    return render(request, "gouvernance/seances/seance_form.html", contexte)


def seance(request, uuid):
    seance = permissions.get_seance_for_user(request.user, uuid)
    return _page_seance(request, seance)


def seance_modifier(request, uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    if figee := _si_figee(request, seance, "la date et le lieu de la séance ne se modifient plus"):
        return figee
    form = SeanceForm(request.POST or None, instance=seance)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_seance(seance, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "La séance est enregistrée.")
            return redirect(_url_seance(seance))
    contexte = {"form": form, "comite": seance.comite, "seance": seance, "url_annuler": _url_seance(seance)}
    return render(request, "gouvernance/seances/seance_form.html", contexte)


# --- Ordre du jour ------------------------------------------------------------------------------


def point_ajouter(request, uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    if figee := _si_figee(request, seance, "l'ordre du jour est figé"):
        return figee
    form = PointForm(request.POST or None, consortium=seance.comite.consortium)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.ajouter_point(seance, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Le point « {point.titre} » est ajouté à l'ordre du jour.")
            return redirect(_url_seance(seance, "ordre-du-jour"))
    contexte = {"form": form, "seance": seance, "point": None, "url_annuler": _url_seance(seance, "ordre-du-jour")}
    return render(request, "gouvernance/seances/point_form.html", contexte)


def point_modifier(request, uuid, point_uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    point = _point(seance, point_uuid)
    if figee := _si_figee(request, seance, "l'ordre du jour est figé"):
        return figee
    form = PointForm(request.POST or None, instance=point, consortium=seance.comite.consortium)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_point(point, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Le point « {point.titre} » est enregistré.")
            return redirect(_url_seance(seance, "ordre-du-jour"))
    contexte = {"form": form, "seance": seance, "point": point, "url_annuler": _url_seance(seance, "ordre-du-jour")}
    return render(request, "gouvernance/seances/point_form.html", contexte)


@require_POST
def point_supprimer(request, uuid, point_uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    point = _point(seance, point_uuid)
    try:
        services.supprimer_point(point, acteur=request.user)
    except ValidationError as erreur:
        return _page_seance(request, seance, erreur=erreur, zone="ordre-du-jour")
    messages.success(request, f"Le point « {point.titre} » est retiré de l'ordre du jour.")
    return redirect(_url_seance(seance, "ordre-du-jour"))


@require_POST
def point_deplacer(request, uuid, point_uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    point = _point(seance, point_uuid)
    try:
        point = services.deplacer_point(point, acteur=request.user, sens=request.POST.get("sens", ""))
    except ValidationError as erreur:
        return _page_seance(request, seance, erreur=erreur, zone="ordre-du-jour")
    messages.success(request, f"Le point « {point.titre} » est maintenant le point {point.ordre}.")
    return redirect(_url_seance(seance, "ordre-du-jour"))


# --- Validation et convocation ------------------------------------------------------------------


@require_POST
def ordre_du_jour_valider(request, uuid):
    seance, copresidence = permissions.get_seance_for_copresident(request.user, uuid)
    try:
        validation = services.valider_ordre_du_jour(seance, acteur=request.user, copresidence=copresidence)
    except ValidationError as erreur:
        return _page_seance(request, seance, erreur=erreur, zone="validations")
    if validation.seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE:
        messages.success(
            request, "Vous avez validé l'ordre du jour : il est validé ; le secrétaire peut envoyer la convocation."
        )
    else:
        messages.success(request, "Vous avez validé l'ordre du jour ; il attend la validation de l'autre co-président.")
    return redirect(_url_seance(seance, "validations"))


@require_POST
def convocation_envoyer(request, uuid):
    seance = permissions.get_seance_for_secretaire(request.user, uuid)
    try:
        nombre = services.envoyer_convocation(seance, acteur=request.user)
    except ValidationError as erreur:
        return _page_seance(request, seance, erreur=erreur, zone="convocation")
    messages.success(
        request,
        f"La convocation part à {nombre} personne{'s' if nombre > 1 else ''}, avec l'ordre du jour en PDF.",
    )
    return redirect(_url_seance(seance, "convocation"))
