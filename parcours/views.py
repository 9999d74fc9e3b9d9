from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parcours import permissions as regles
from parcours import services
from parcours.forms import FiltreHistoriqueForm, FinIntervenantForm, IntervenantForm, PersonneForm
from parcours.models import Intervenant
from partenaires import permissions
from partenaires.models import Utilisateur

ONGLETS = {"situation": "Situation", "groupe": "Groupe de suivi", "historique": "Historique"}


def _erreurs(form, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)


def _organisation_courante(request):
    if not request.membre_courant:
        raise PermissionDenied("Il faut être membre actif d'une organisation pour accompagner une personne.")
    return request.membre_courant.organisation


def mes_carnets(request):
    referents = Intervenant.objects.actifs().filter(carnet=OuterRef("pk"), role=Intervenant.Role.REFERENT)
    carnets = (
        regles.visible_carnets(request.user)
        .select_related("personne")
        .annotate(
            referent_prenom=Subquery(referents.values("utilisateur__prenom")[:1]),
            referent_nom=Subquery(referents.values("utilisateur__nom")[:1]),
            referent_organisation=Subquery(referents.values("organisation__nom")[:1]),
        )
    )
    recherche = request.GET.get("q", "").strip()
    filtre = request.GET.get("filtre", "")
    if recherche:
        carnets = carnets.filter(
            Q(personne__nom__icontains=recherche)
            | Q(personne__prenom__icontains=recherche)
            | Q(personne__identifiant_departement=recherche)
            | Q(personne__numero_caf_msa=recherche)
            | Q(personne__identifiant_france_travail=recherche)
        )
    if filtre == "mes_accompagnements":
        carnets = carnets.filter(intervenants__utilisateur=request.user, intervenants__date_fin__isnull=True).distinct()
    elif filtre == "sans_referent":
        carnets = carnets.filter(referent_nom__isnull=True)
    page = Paginator(carnets.order_by("personne__nom", "personne__prenom", "pk"), 25).get_page(request.GET.get("page"))
    contexte = {"page": page, "recherche": recherche, "filtre": filtre}
    if request.htmx:
        return render(request, "parcours/includes/liste_carnets.html", contexte)
    return render(request, "parcours/mes_carnets.html", contexte)


def carnet_ouvrir(request):
    organisation = _organisation_courante(request)
    form = PersonneForm(request.POST or None)
    doublons = []
    if request.method == "POST" and form.is_valid():
        try:
            carnet = services.ouvrir_carnet(
                acteur=request.user,
                organisation=organisation,
                ignorer_doublons=request.POST.get("confirmer") == "autre_personne",
                **form.cleaned_data,
            )
        except services.DoublonsTrouves as exc:
            doublons = [
                {"personne": p, "accessible": regles.can_view_carnet(request.user, p.carnet)} for p in exc.personnes
            ]
        except ValidationError as erreur:
            _erreurs(form, erreur)
        else:
            messages.success(request, f"Le carnet de {carnet.personne} est ouvert ; vous en êtes le référent.")
            return redirect("parcours:carnet", carnet.uuid)
    return render(request, "parcours/carnet_ouvrir.html", {"form": form, "doublons": doublons})


def carnet(request, uuid):
    carnet = regles.get_carnet_for_user(request.user, uuid)
    onglet = request.GET.get("onglet", "situation")
    if onglet not in ONGLETS:
        onglet = "situation"
    membre = request.membre_courant
    services.enregistrer_consultation(
        carnet, utilisateur=request.user, organisation=membre.organisation if membre else None, onglet=onglet
    )
    intervenants = list(
        carnet.intervenants.select_related("utilisateur", "organisation").order_by("-role", "date_debut")
    )
    referent = next((i for i in intervenants if i.est_actif and i.role == Intervenant.Role.REFERENT), None)
    contexte = {
        "carnet": carnet,
        "personne": carnet.personne,
        "onglet": onglet,
        "onglets": ONGLETS,
        "titre_onglet": ONGLETS[onglet],
        "referent": referent,
        "est_referent": referent is not None and referent.utilisateur_id == request.user.pk,
        "peut_modifier": regles.can_edit_carnet(request.user, carnet),
        "intervenants_actifs": [i for i in intervenants if i.est_actif],
        "anciens_intervenants": [i for i in intervenants if not i.est_actif],
    }
    if onglet == "historique":
        filtre = FiltreHistoriqueForm(request.GET or None)
        evenements = carnet.evenements.select_related("acteur", "organisation")
        if filtre.is_valid():
            if filtre.cleaned_data["type"]:
                evenements = evenements.filter(type=filtre.cleaned_data["type"])
            if filtre.cleaned_data["du"]:
                evenements = evenements.filter(date__date__gte=filtre.cleaned_data["du"])
            if filtre.cleaned_data["au"]:
                evenements = evenements.filter(date__date__lt=filtre.cleaned_data["au"] + timedelta(days=1))
        contexte.update(filtre=filtre, evenements=evenements[:200])
    return render(request, "parcours/carnet.html", contexte)


def intervenant_ajouter(request, uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    email = request.POST.get("email", "").strip()
    professionnel = Utilisateur.objects.filter(email__iexact=email).first() if email else None
    organisations = [m.organisation for m in permissions.membres_actifs(professionnel)] if professionnel else []
    form = IntervenantForm(request.POST or None, organisations=organisations if len(organisations) > 1 else None)
    if request.method == "POST" and form.is_valid():
        if not organisations:
            form.add_error("email", "Aucun professionnel actif de la plateforme n'a cette adresse e-mail.")
        else:
            choisie = form.cleaned_data.get("organisation")
            organisation = next((o for o in organisations if str(o.uuid) == choisie), organisations[0])
            try:
                services.ajouter_intervenant(
                    carnet, acteur=request.user, utilisateur=professionnel, organisation=organisation
                )
            except ValidationError as erreur:
                _erreurs(form, erreur)
            else:
                messages.success(request, f"{professionnel} ({organisation}) rejoint le groupe de suivi.")
                return redirect(f"{carnet_url(carnet)}?onglet=groupe")
    return render(request, "parcours/intervenant_ajouter.html", {"carnet": carnet, "form": form})


def _intervenant(request, uuid, intervenant_uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    intervenant = get_object_or_404(
        Intervenant.objects.select_related("utilisateur", "organisation"), carnet=carnet, uuid=intervenant_uuid
    )
    return carnet, intervenant


def intervenant_terminer(request, uuid, intervenant_uuid):
    carnet, intervenant = _intervenant(request, uuid, intervenant_uuid)
    form = FinIntervenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.terminer_intervenant(intervenant, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            _erreurs(form, erreur)
        else:
            messages.success(request, f"{intervenant.utilisateur} a quitté le groupe de suivi.")
            return redirect(f"{carnet_url(carnet)}?onglet=groupe")
    contexte = {"carnet": carnet, "intervenant": intervenant, "form": form}
    return render(request, "parcours/intervenant_terminer.html", contexte)


@require_POST
def referent_changer(request, uuid, intervenant_uuid):
    carnet, intervenant = _intervenant(request, uuid, intervenant_uuid)
    try:
        services.changer_referent(carnet, acteur=request.user, intervenant=intervenant)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"{intervenant.utilisateur} est maintenant le référent de parcours.")
    return redirect(f"{carnet_url(carnet)}?onglet=groupe")


def carnet_url(carnet) -> str:
    return reverse("parcours:carnet", args=[carnet.uuid])
