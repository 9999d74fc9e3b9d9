"""Les pages « Mon avis » de la personne : les étapes closes qui attendent son avis, et le questionnaire d'une
étape (répondre, ou dire qu'elle ne souhaite pas répondre). Une étape qui n'est pas la sienne, pas close, ou déjà
évaluée : 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from parcours.espace import evaluation
from parcours.espace.acces import personne_requise
from parcours.espace.evaluation_forms import AvisForm
from parcours.models import TypeEtape
from spie.forms import reporter_erreurs

# Le nom du second bouton du questionnaire.
NE_PAS_REPONDRE = "ne_pas_repondre"


@require_http_methods(["GET"])
@personne_requise
def evaluations(request, carnet):
    return render(
        request, "parcours/espace/evaluation/evaluations.html", {"etapes": evaluation.etapes_a_evaluer(carnet)}
    )


@require_http_methods(["GET", "POST"])
@personne_requise
def evaluer(request, carnet, type_etape, objet_id):
    if type_etape not in TypeEtape.values:
        raise Http404("Page introuvable.")
    etape = evaluation.etape_a_evaluer(carnet, type_etape, objet_id)
    if etape is None:
        raise Http404("Page introuvable.")
    form = AvisForm(request.POST or None)
    if request.method == "POST":
        try:
            if NE_PAS_REPONDRE in request.POST:
                evaluation.ne_pas_repondre(carnet, type_etape, objet_id, acteur=request.user)
                messages.info(request, "C'est noté : nous ne vous poserons plus la question pour cette étape.")
                return redirect("parcours:espace_evaluations")
            if form.is_valid():
                evaluation.donner_avis(carnet, type_etape, objet_id, acteur=request.user, **form.cleaned_data)
                messages.success(request, "Merci, votre avis est enregistré.")
                return redirect("parcours:espace_evaluations")
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
    return render(
        request,
        "parcours/espace/evaluation/evaluer.html",
        {"etape": etape, "form": form, "ne_pas_repondre": NE_PAS_REPONDRE},
    )
