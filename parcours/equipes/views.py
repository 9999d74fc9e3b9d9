"""Les pages des équipes pluridisciplinaires : liste des équipes de mes territoires, équipe (membres, séances),
création et modification, membres, séances et leurs dossiers (nom, motif et résumé, jamais le carnet), avis de
l'équipe, décision du président ; et, depuis le carnet, l'inscription d'un dossier.

Chaque vue : lire l'entrée, un appel d'accès (`parcours.equipes.regles` : 404 quand on ne voit pas, 403 quand on
voit sans pouvoir agir), un appel de service ou de requête, le rendu."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from parcours import permissions as regles_carnet
from parcours import services as carnet_services
from parcours.equipes import regles, services
from parcours.equipes.forms import (
    AvisForm,
    DecisionForm,
    EquipeForm,
    FinMembreForm,
    InscriptionForm,
    MembreForm,
    SeanceForm,
)
from parcours.models import DossierEquipe, Manquement
from spie.forms import reporter_erreurs
from spie.pagination import paginer

EQUIPES_PAR_PAGE = 25
SEANCES_PAR_PAGE = 20
ONGLET = "equipe"  # le journal des consultations


def _url_equipe(equipe) -> str:
    return reverse("parcours:equipe", args=[equipe.uuid])


def _url_seance(seance) -> str:
    return reverse("parcours:equipe_seance", args=[seance.uuid])


def _formulaire(request, gabarit, contexte):
    return render(request, gabarit, contexte, status=400 if contexte["form"].errors else 200)


# --- Les équipes ---------------------------------------------------------------------------------------------------


@require_GET
def equipes(request):
    liste = (
        regles.equipes_visibles(request.user)
        .select_related("organisation")
        .annotate(nombre_membres=Count("membres", filter=regles.en_fonction(prefixe="membres__")))
        .order_by("departement", "nom", "id")
    )
    page, requete = paginer(request, liste, par_page=EQUIPES_PAR_PAGE)
    contexte = {"page": page, "requete": requete, "peut_creer": regles.peut_creer_equipe(request.user)}
    return render(request, "parcours/equipes/equipes.html", contexte)


def equipe_creer(request):
    organisations = list(regles.organisations_porteuses(request.user))
    if not organisations:
        raise PermissionDenied(
            "Seuls les pilotes et les chargés d'orientation ou administrateurs d'un "
            "Département créent une équipe pluridisciplinaire."
        )
    form = EquipeForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            equipe = services.creer_equipe(acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"L'équipe pluridisciplinaire « {equipe.nom} » est créée : ajoutez ses membres.")
            return redirect(_url_equipe(equipe))
    contexte = {"form": form, "equipe": None, "url_annuler": reverse("parcours:equipes")}
    return _formulaire(request, "parcours/equipes/equipe_form.html", contexte)


@require_GET
def equipe(request, uuid):
    equipe = regles.get_equipe_for_user(request.user, uuid)
    gestionnaire = regles.est_gestionnaire(request.user, equipe)
    # un membre ne voit que les séances tenues pendant son mandat
    seances = equipe.seances if gestionnaire else regles.seances_visibles(request.user).filter(equipe=equipe)
    seances = seances.annotate(
        nombre_dossiers=Count("dossiers"), sans_avis=Count("dossiers", filter=Q(dossiers__avis=""))
    ).order_by("-date_heure", "-id")
    page, requete = paginer(request, seances, par_page=SEANCES_PAR_PAGE)
    membres = equipe.membres.order_by(F("date_fin").asc(nulls_first=True), "qualite", "nom_complet", "id")
    if not gestionnaire:  # un membre voit ses collègues en fonction, pas l'histoire de l'équipe
        membres = membres.filter(pk__in=regles.membres_en_fonction().values("pk"))
    contexte = {
        "equipe": equipe,
        "membres": list(membres),
        "en_fonction": set(regles.membres_en_fonction().filter(equipe=equipe).values_list("pk", flat=True)),
        "page": page,
        "requete": requete,
        "gestionnaire": gestionnaire,
    }
    return render(request, "parcours/equipes/equipe.html", contexte)


def equipe_modifier(request, uuid):
    equipe = regles.get_equipe_for_gestion(request.user, uuid)
    form = EquipeForm(request.POST or None, equipe=equipe)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_equipe(equipe, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "L'équipe est enregistrée.")
            return redirect(_url_equipe(equipe))
    contexte = {"form": form, "equipe": equipe, "url_annuler": _url_equipe(equipe)}
    return _formulaire(request, "parcours/equipes/equipe_form.html", contexte)


# --- Les membres ---------------------------------------------------------------------------------------------------


def membre_ajouter(request, uuid):
    equipe = regles.get_equipe_for_gestion(request.user, uuid)
    form = MembreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membre = services.ajouter_membre(equipe, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"{membre.nom_complet} est membre de l'équipe.")
            return redirect(_url_equipe(equipe))
    contexte = {"form": form, "equipe": equipe, "titre": "Ajouter un membre", "bouton": "Ajouter le membre"}
    return _formulaire(request, "parcours/equipes/equipe_saisie.html", contexte)


def membre_terminer(request, uuid, membre_uuid):
    equipe = regles.get_equipe_for_gestion(request.user, uuid)
    membre = get_object_or_404(equipe.membres, uuid=membre_uuid)
    form = FinMembreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.terminer_membre(membre, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request, f"Le mandat de {membre.nom_complet} prend fin le {form.cleaned_data['date_fin']:%d/%m/%Y}."
            )
            return redirect(_url_equipe(equipe))
    contexte = {
        "form": form,
        "equipe": equipe,
        "titre": f"Fin du mandat de {membre.nom_complet}",
        "bouton": "Enregistrer la fin",
    }
    return _formulaire(request, "parcours/equipes/equipe_saisie.html", contexte)


# --- Les séances et leurs dossiers ---------------------------------------------------------------------------------


def seance_creer(request, uuid):
    equipe = regles.get_equipe_for_gestion(request.user, uuid)
    form = SeanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seance = services.creer_seance(equipe, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "La séance est programmée : les référents peuvent y inscrire leurs dossiers.")
            return redirect(_url_seance(seance))
    contexte = {"form": form, "equipe": equipe, "titre": "Programmer une séance", "bouton": "Programmer la séance"}
    return _formulaire(request, "parcours/equipes/equipe_saisie.html", contexte)


# Un dossier de manquement sans avis dont le manquement est décidé : plus d'avis à rendre (`services.rendre_avis`).
_MANQUEMENT_DECIDE = ExpressionWrapper(Q(manquement__statut=Manquement.Statut.DECIDE), output_field=BooleanField())


@require_GET
def seance(request, uuid):
    """Les dossiers de la séance : nom de la personne, motif, résumé partagé, avis et décision ; jamais le carnet.
    Chaque personne montrée est notée dans le journal des consultations de son carnet."""
    seance = regles.get_seance_for_user(request.user, uuid)
    equipe = seance.equipe
    dossiers = list(
        seance.dossiers.select_related("carnet__personne", "manquement")
        .annotate(manquement_decide=_MANQUEMENT_DECIDE)
        .order_by("date_inscription", "id")
    )
    carnet_services.enregistrer_consultations(request, [dossier.carnet_id for dossier in dossiers], onglet=ONGLET)
    contexte = {
        "seance": seance,
        "equipe": equipe,
        "dossiers": dossiers,
        "gestionnaire": regles.est_gestionnaire(request.user, equipe),
        "decideur": regles.peut_decider(request.user, equipe),
        "commencee": seance.date_heure <= timezone.now(),
    }
    return render(request, "parcours/equipes/seance.html", contexte)


def _consulter(request, dossier) -> None:
    """La page d'un dossier montre la personne : sa lecture (GET) est notée dans le journal des consultations."""
    if request.method == "GET":
        membre = request.membre_courant
        carnet_services.enregistrer_consultation(
            dossier.carnet,
            utilisateur=request.user,
            organisation=membre.organisation if membre else None,
            onglet=ONGLET,
        )


def avis(request, uuid):
    dossier = regles.get_dossier_for_avis(request.user, uuid)
    _consulter(request, dossier)
    initial = {"avis": dossier.avis, "motif_avis": dossier.motif_avis} if dossier.avis else None
    form = AvisForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rendre_avis(dossier, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"L'avis de l'équipe est enregistré pour {dossier.carnet.personne}.")
            return redirect(_url_seance(dossier.seance))
    contexte = {"form": form, "dossier": dossier, "titre": "Avis de l'équipe", "bouton": "Enregistrer l'avis"}
    return _formulaire(request, "parcours/equipes/dossier_saisie.html", contexte)


def decision(request, uuid):
    dossier = regles.get_dossier_for_decision(request.user, uuid)
    _consulter(request, dossier)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.decider(dossier, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"Décision enregistrée pour {dossier.carnet.personne} : {dossier.get_decision_display().lower()}. "
                "Enregistrez maintenant la décision d'orientation dans la file d'orientation.",
            )
            return redirect(_url_seance(dossier.seance))
    contexte = {"form": form, "dossier": dossier, "titre": "Décision du président", "bouton": "Enregistrer la décision"}
    return _formulaire(request, "parcours/equipes/dossier_saisie.html", contexte)


# --- Depuis le carnet ----------------------------------------------------------------------------------------------


def inscrire(request, uuid):
    carnet = regles_carnet.get_carnet_for_edit(request.user, uuid)
    seances = list(regles.seances_ouvertes_pour(carnet))
    form = InscriptionForm(
        request.POST or None,
        seances=seances,
        demandes=list(services.demandes_reorientation(carnet)),
        manquements=list(services.manquements_a_presenter(carnet)),
        initial={"motif": DossierEquipe.Motif.REORIENTATION},
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.inscrire_dossier(carnet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"Le dossier est inscrit à la séance de l'équipe « {dossier.seance.equipe.nom} » : elle n'en verra "
                "que le résumé.",
            )
            return redirect(f"{reverse('parcours:carnet', args=[carnet.uuid])}?onglet=historique")
    contexte = {"form": form, "carnet": carnet, "personne": carnet.personne, "seances": seances}
    return _formulaire(request, "parcours/equipes/inscrire.html", contexte)
