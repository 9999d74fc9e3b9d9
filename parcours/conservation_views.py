"""Les pages du gel légal (administrateur de l'organisation du référent) et de l'opposition au partage (la
personne dans son espace ; l'organisation de son référent, à sa demande). Règles : parcours/conservation.py."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from parcours import conservation, services
from parcours.espace.acces import personne_requise
from parcours.forms import GelLegalForm
from parcours.models import GelLegal, OppositionPartage
from spie.forms import reporter_erreurs


def _journaliser(request, carnet, onglet: str) -> None:
    membre = request.membre_courant
    services.enregistrer_consultation(
        carnet, utilisateur=request.user, organisation=membre.organisation if membre else None, onglet=onglet
    )


def gel_legal(request, uuid):
    carnet = conservation.get_carnet_pour_gel(request.user, uuid)
    en_cours = GelLegal.objects.actifs().filter(carnet=carnet).select_related("pose_par", "organisation").first()
    form = GelLegalForm(request.POST or None, levee=en_cours is not None)
    if request.method == "POST" and form.is_valid():
        try:
            if en_cours is None:
                conservation.poser_gel_legal(carnet, acteur=request.user, motif=form.cleaned_data["motif"])
            else:
                conservation.lever_gel_legal(carnet, acteur=request.user, motif=form.cleaned_data["motif"])
        except ValidationError as erreur:
            if hasattr(erreur, "error_dict") and "motif_levee" in erreur.error_dict:
                erreur = ValidationError({"motif": erreur.error_dict["motif_levee"]})
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Le gel légal est levé." if en_cours else "Le gel légal est posé.")
            return redirect("parcours:carnet_gel_legal", uuid=carnet.uuid)
    if request.method == "GET":
        _journaliser(request, carnet, "conservation")
    contexte = {
        "carnet": carnet,
        "en_cours": en_cours,
        "historique": GelLegal.objects.filter(carnet=carnet, leve_le__isnull=False).select_related(
            "pose_par", "leve_par"
        ),
        "anonymise": hasattr(carnet, "anonymisation"),
        "duree_mois": settings.SPIE_CONSERVATION_MOIS,
        "form": form,
    }
    return render(request, "parcours/conservation/gel_legal.html", contexte, status=400 if form.errors else 200)


def _opposition(request, carnet, *, retour: str, gabarit: str, contexte: dict):
    en_cours = conservation.opposition_active(carnet)
    erreur = None
    if request.method == "POST":
        try:
            if en_cours is None:
                effet = conservation.enregistrer_opposition(carnet, acteur=request.user)
                messages.success(
                    request,
                    f"Opposition enregistrée : seule « {effet.opposition.organisation.nom} » voit désormais le carnet.",
                )
            else:
                conservation.lever_opposition(carnet, acteur=request.user)
                messages.success(request, "Opposition levée : le carnet peut de nouveau être partagé.")
        except ValidationError as refus:
            erreur = " ".join(refus.messages)
        else:
            return redirect(retour)
    contexte = {
        **contexte,
        "carnet": carnet,
        "en_cours": en_cours,
        "organisation": conservation.organisation_du_referent(carnet),
        "historique": OppositionPartage.objects.filter(carnet=carnet, levee_le__isnull=False),
        "erreur": erreur,
    }
    return render(request, gabarit, contexte, status=400 if erreur else 200)


def opposition_partage(request, uuid):
    """L'organisation du référent enregistre (ou lève) l'opposition à la demande de la personne."""
    carnet = conservation.get_carnet_pour_opposition(request.user, uuid)
    if request.method == "GET":
        _journaliser(request, carnet, "conservation")
    retour = reverse("parcours:carnet_opposition_partage", args=[carnet.uuid])
    return _opposition(
        request, carnet, retour=retour, gabarit="parcours/conservation/opposition_partage.html", contexte={}
    )


@personne_requise
def espace_opposition_partage(request, carnet):
    """La personne s'oppose au partage de son carnet, ou lève son opposition, depuis son espace."""
    retour = reverse("parcours:espace_opposition_partage")
    return _opposition(
        request, carnet, retour=retour, gabarit="parcours/espace/partage/opposition_partage.html", contexte={}
    )
