"""Les pages des études de situations.

Côté carnet : la liste des études du carnet (ceux qui le voient ; chaque lecture s'inscrit au journal des
consultations du carnet, onglet « etudes »), la soumission et le retrait (ceux qui le
modifient). Côté comité : la liste des études du comité et la page d'une étude, sous pseudonyme, sans lien vers le
carnet (ceux qui voient le comité) ; l'inscription à l'ordre du jour et la recommandation (son secrétaire).

Chaque vue : un appel d'accès (404 quand on ne voit pas, 403 quand on voit sans pouvoir agir), un formulaire, un
appel de service, une redirection avec un message.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gouvernance import permissions
from gouvernance.choix import StatutSeance
from gouvernance.etudes import regles, services
from gouvernance.etudes.forms import InscriptionForm, RecommandationForm, SoumissionForm
from gouvernance.models import EtudeSituation
from parcours import permissions as permissions_carnet
from parcours import services as carnet_services
from spie.forms import reporter_erreurs
from spie.pagination import paginer

Statut = EtudeSituation.Statut
ONGLET = "etudes"  # au journal des consultations du carnet


def _url_etudes_du_carnet(carnet) -> str:
    return reverse("gouvernance:etudes_du_carnet", args=[carnet.uuid])


def _url_etude(etude) -> str:
    return reverse("gouvernance:etude", args=[etude.uuid])


# --- Côté carnet -------------------------------------------------------------------------------------------------


def etudes_du_carnet(request, uuid):
    carnet = permissions_carnet.get_carnet_for_user(request.user, uuid)
    membre = request.membre_courant
    carnet_services.enregistrer_consultation(
        carnet, utilisateur=request.user, organisation=membre.organisation if membre else None, onglet=ONGLET
    )
    etudes = carnet.etudes_situation.select_related("comite", "organisation").order_by("-date_soumission", "-pk")
    page, requete = paginer(request, etudes)
    contexte = {
        "carnet": carnet,
        "page": page,
        "requete": requete,
        "peut_modifier": permissions_carnet.can_edit_carnet(request.user, carnet),
        "retirables": (Statut.SOUMISE, Statut.INSCRITE),
    }
    return render(request, "gouvernance/etudes/etudes_du_carnet.html", contexte)


def etude_soumettre(request, uuid):
    carnet = permissions_carnet.get_carnet_for_edit(request.user, uuid)
    comites = regles.comites_pour_soumettre(carnet).order_by("nom")
    form = SoumissionForm(request.POST or None, comites=comites)
    if request.method == "POST" and form.is_valid():
        try:
            etude = services.soumettre_etude(carnet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"La situation est soumise au comité « {etude.comite.nom} » sous le nom « {etude.pseudonyme} ».",
            )
            return redirect(_url_etudes_du_carnet(carnet))
    contexte = {"carnet": carnet, "form": form, "comites_disponibles": comites.exists()}
    return render(request, "gouvernance/etudes/soumettre.html", contexte)


@require_POST
def etude_retirer(request, uuid, etude_uuid):
    carnet = permissions_carnet.get_carnet_for_edit(request.user, uuid)
    etude = regles.get_etude_du_carnet(carnet, etude_uuid)
    try:
        services.retirer_etude(etude, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"L'étude « {etude.pseudonyme} » est retirée : le comité ne l'étudiera pas.")
    return redirect(_url_etudes_du_carnet(carnet))


# --- Côté comité -------------------------------------------------------------------------------------------------


def etudes_du_comite(request, uuid):
    comite = permissions.get_comite_for_user(request.user, uuid)
    etudes = comite.etudes.select_related("organisation", "point__seance").order_by("-numero")
    page, requete = paginer(request, etudes)
    return render(
        request, "gouvernance/etudes/etudes_du_comite.html", {"comite": comite, "page": page, "requete": requete}
    )


def etude(request, uuid):
    etude = regles.get_etude_for_user(request.user, uuid)
    contexte = {
        "etude": etude,
        "comite": etude.comite,
        "peut_tenir": permissions.can_edit_seances(request.user, etude.comite),
        "Statut": Statut,
    }
    return render(request, "gouvernance/etudes/etude.html", contexte)


def _si_pas(request, etude, statut, quoi: str):
    """Une action qui ne vaut que pour un statut : sinon, retour à la page de l'étude avec la raison."""
    if etude.statut == statut:
        return None
    messages.error(request, f"L'étude est « {etude.get_statut_display().lower()} » : {quoi}.")
    return redirect(_url_etude(etude))


def etude_inscrire(request, uuid):
    etude = regles.get_etude_for_secretaire(request.user, uuid)
    if refus := _si_pas(request, etude, Statut.SOUMISE, "seule une étude soumise s'inscrit à l'ordre du jour"):
        return refus
    seances = etude.comite.seances.filter(
        statut__in=(StatutSeance.PREPARATION, StatutSeance.ORDRE_DU_JOUR_VALIDE)
    ).order_by("date")
    form = InscriptionForm(request.POST or None, seances=seances)
    if request.method == "POST" and form.is_valid():
        try:
            services.inscrire_etude(etude, acteur=request.user, seance=form.cleaned_data["seance"])
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"« {services.titre_du_point(etude)} » est inscrite à l'ordre du jour.")
            return redirect(_url_etude(etude))
    return render(request, "gouvernance/etudes/inscrire.html", {"etude": etude, "comite": etude.comite, "form": form})


@require_POST
def etude_desinscrire(request, uuid):
    etude = regles.get_etude_for_secretaire(request.user, uuid)
    try:
        services.desinscrire_etude(etude, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request, "L'étude est retirée de l'ordre du jour : elle peut être inscrite à une autre séance."
        )
    return redirect(_url_etude(etude))


def etude_recommandation(request, uuid):
    etude = regles.get_etude_for_secretaire(request.user, uuid)
    if refus := _si_pas(request, etude, Statut.INSCRITE, "le comité recommande sur une étude inscrite"):
        return refus
    form = RecommandationForm(request.POST or None, initial={"recommandee_le": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.recommander(etude, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "La recommandation est enregistrée : elle est écrite dans le carnet.")
            return redirect(_url_etude(etude))
    contexte = {"etude": etude, "comite": etude.comite, "form": form}
    return render(request, "gouvernance/etudes/recommandation.html", contexte)
