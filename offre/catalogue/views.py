"""Les pages du catalogue : structures, services, sessions, fraîcheur, signalements, modération.

Chaque vue : lire l'entrée, un appel d'accès (`offre.regles`, `offre.catalogue.regles`), un appel de service
(`offre.catalogue.services`) ou de queryset, le rendu. 404 quand on ne voit pas, 403 quand on voit sans pouvoir agir."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from offre import referentiels, regles
from offre.catalogue import affichage, services
from offre.catalogue import regles as regles_catalogue
from offre.catalogue.forms import (
    ServiceForm,
    SessionForm,
    SignalementForm,
    StructureForm,
    SuspensionForm,
    choix_communes,
)
from offre.fraicheur import DELAI_DE_GRACE
from offre.models import Service, SessionService, SignalementService
from partenaires import permissions
from partenaires.choix import Role
from spie.forms import reporter_erreurs
from spie.pagination import paginer

FILTRES_MODERATION = {
    "a_actualiser": "À actualiser",
    "signales": "Signalés",
    "suspendus": "Suspendus",
}


def _choix_commune(request, form):
    """Le fragment htmx du choix de la commune, quand le code postal change."""
    champ = form["code_insee"]
    champ.field.choices = choix_communes(request.GET.get("code_postal", ""))
    return render(request, "offre/includes/catalogue_choix_commune.html", {"champ": champ})


def _fiche_url(service) -> str:
    return reverse("offre:service", args=[service.uuid])


# --- Structures ----------------------------------------------------------------------------------


def structures(request):
    regles_catalogue.exiger_consultation(request.user)
    jour = timezone.localdate()
    recherche = request.GET.get("q", "").strip()
    qs = (
        regles.structures_modifiables(request.user)
        .select_related("organisation")
        .annotate(
            nb_services=Count("services", distinct=True),
            nb_a_actualiser=Count(
                "services",
                filter=Q(services__statut=Service.Statut.PUBLIE, services__a_actualiser_le__lt=jour),
                distinct=True,
            ),
            nb_suspendus=Count("services", filter=Q(services__statut=Service.Statut.SUSPENDU), distinct=True),
            nb_signalements=Count(
                "services__signalements", filter=Q(services__signalements__traite_le__isnull=True), distinct=True
            ),
        )
        .order_by("nom", "pk")
    )
    if recherche:
        qs = qs.filter(Q(nom__icontains=recherche) | Q(commune__icontains=recherche))
    page, requete = paginer(request, qs)
    contexte = {
        "page": page,
        "requete": requete,
        "recherche": recherche,
        "peut_creer": regles_catalogue.peut_creer_structure(request.user),
        "pilote": any(membre.role == Role.PILOTE for membre in request.membres_actifs),
    }
    if request.htmx:
        return render(request, "offre/includes/catalogue_structures.html", contexte)
    return render(request, "offre/catalogue/structures.html", contexte)


def structure_creer(request):
    regles_catalogue.exiger_consultation(request.user)
    permissions.require(
        regles_catalogue.peut_creer_structure(request.user),
        "La création d'une structure est réservée aux administrateurs des organisations et aux pilotes.",
    )
    organisations = list(regles_catalogue.organisations_publiables(request.user).order_by("nom"))
    hors_plateforme = bool(permissions.departements_pilotes(request.user))
    courante = request.membre_courant.organisation if request.membre_courant else None
    initial = {"proprietaire": str(courante.uuid)} if courante in organisations else {}
    form = StructureForm(
        request.POST or None, organisations=organisations, hors_plateforme=hors_plateforme, initial=initial
    )
    if request.htmx and "code_postal" in request.GET:
        return _choix_commune(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            structure = services.creer_structure(acteur=request.user, organisation=form.organisation(), **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"La structure « {structure.nom} » est créée. Ajoutez-lui ses services.")
            return redirect("offre:structure", structure.uuid)
    contexte = {"form": form, "creation": True, "url_annuler": reverse("offre:structures")}
    return render(request, "offre/catalogue/structure_form.html", contexte)


def structure(request, uuid):
    structure = regles_catalogue.get_structure_for_user(request.user, uuid)
    peut_modifier = regles.peut_modifier_structure(request.user, structure)
    sessions = SessionService.objects.a_venir()
    liste = (
        regles.services_visibles(request.user)
        .filter(structure=structure)
        .prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="sessions_a_venir"))
        .order_by("nom", "pk")
    )
    contexte = {
        "structure": structure,
        "services": liste,
        "peut_modifier": peut_modifier,
        "reseaux": affichage.libelles(structure.reseaux_porteurs, referentiels.reseaux_porteurs()),
    }
    return render(request, "offre/catalogue/structure.html", contexte)


def structure_modifier(request, uuid):
    structure = regles.get_structure_for_edit(request.user, uuid)
    form = StructureForm(request.POST or None, instance=structure)
    if request.htmx and "code_postal" in request.GET:
        return _choix_commune(request, form)
    if request.method == "POST" and form.is_valid():
        structure.refresh_from_db()
        try:
            services.modifier_structure(structure, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "La fiche de la structure est enregistrée.")
            return redirect("offre:structure", structure.uuid)
    contexte = {
        "form": form,
        "creation": False,
        "structure": structure,
        "url_annuler": reverse("offre:structure", args=[structure.uuid]),
    }
    return render(request, "offre/catalogue/structure_form.html", contexte)


# --- Services ------------------------------------------------------------------------------------


def service_creer(request, uuid):
    structure = regles.get_structure_for_edit(request.user, uuid)
    form = ServiceForm(
        request.POST or None,
        instance=Service(structure=structure),
        initial={
            "adresse": structure.adresse,
            "complement_adresse": structure.complement_adresse,
            "code_postal": structure.code_postal,
            "code_insee": structure.code_insee,
            "courriel": structure.courriel,
            "telephone": structure.telephone,
            "horaires_accueil": structure.horaires_accueil,
            "modes_accueil": ["en-presentiel"],
        },
    )
    if request.htmx and "code_postal" in request.GET:
        return _choix_commune(request, form)
    if not request.POST and structure.code_postal:
        form.fields["code_insee"].choices = choix_communes(structure.code_postal)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.creer_service(structure, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Le service « {service.nom} » est publié.")
            return redirect("offre:service", service.uuid)
    contexte = {
        "form": form,
        "structure": structure,
        "creation": True,
        "url_annuler": reverse("offre:structure", args=[structure.uuid]),
    }
    return render(request, "offre/catalogue/service_form.html", contexte)


def service(request, uuid):
    service = regles_catalogue.get_service_for_user(request.user, uuid)
    peut_modifier = regles.peut_modifier_structure(request.user, service.structure)
    peut_moderer = regles_catalogue.peut_moderer_service(request.user, service)
    sessions = service.sessions.filter(debut__gte=timezone.now())
    if not peut_modifier:
        sessions = sessions.filter(annulee=False)
    contexte = {
        "service": service,
        "structure": service.structure,
        "peut_modifier": peut_modifier,
        "peut_moderer": peut_moderer,
        "sessions": sessions.order_by("debut"),
        "signalements": service.signalements.select_related("auteur", "traite_par").order_by("traite_le", "-date")
        if peut_modifier
        else [],
        "thematiques": affichage.thematiques_par_categorie(service.thematiques),
        "type": referentiels.types_de_services().get(service.type, ""),
        "publics": affichage.libelles(service.publics, referentiels.publics()) or ["Tous publics"],
        "frais": referentiels.frais().get(service.frais, ""),
        "modes_mobilisation": affichage.libelles(service.modes_mobilisation, referentiels.modes_mobilisation()),
        "mobilisable_par": affichage.libelles(service.mobilisable_par, referentiels.personnes_mobilisatrices()),
        "zone": affichage.zone(service.zone_eligibilite),
        "sort_des_resultats_le": service.a_actualiser_le + DELAI_DE_GRACE if service.a_actualiser_le else None,
        "form_suspension": SuspensionForm() if peut_moderer and not service.est_suspendu else None,
    }
    return render(request, "offre/catalogue/service.html", contexte)


def service_modifier(request, uuid):
    service = regles.get_service_for_edit(request.user, uuid)
    form = ServiceForm(request.POST or None, instance=service)
    if request.htmx and "code_postal" in request.GET:
        return _choix_commune(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_service(service, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Le service est enregistré ; il est à jour d'aujourd'hui.")
            return redirect("offre:service", service.uuid)
    contexte = {
        "form": form,
        "structure": service.structure,
        "service": service,
        "creation": False,
        "url_annuler": _fiche_url(service),
    }
    return render(request, "offre/catalogue/service_form.html", contexte)


def service_confirmer(request, uuid):
    """« Toujours à jour » : la page de confirmation (lien du courriel de rappel), et le clic (POST)."""
    service = regles.get_service_for_edit(request.user, uuid)
    if request.method == "POST":
        services.confirmer_service(service, acteur=request.user)
        messages.success(request, "Merci : le service est confirmé à jour d'aujourd'hui.")
        return redirect("offre:service", service.uuid)
    return render(request, "offre/catalogue/service_confirmer.html", {"service": service})


# --- Sessions ------------------------------------------------------------------------------------


def session_ajouter(request, uuid):
    service = regles.get_service_for_edit(request.user, uuid)
    form = SessionForm(request.POST or None, instance=SessionService(service=service))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.ajouter_session(service, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"La session « {session.intitule} » est ajoutée.")
            return redirect(_fiche_url(service) + "#sessions")
    contexte = {"form": form, "service": service, "session": None, "url_annuler": _fiche_url(service)}
    return render(request, "offre/catalogue/session_form.html", contexte)


def session_modifier(request, uuid, session_uuid):
    session = regles_catalogue.get_session_for_edit(request.user, uuid, session_uuid)
    service = session.service
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_session(session, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "La session est enregistrée.")
            return redirect(_fiche_url(service) + "#sessions")
    contexte = {"form": form, "service": service, "session": session, "url_annuler": _fiche_url(service)}
    return render(request, "offre/catalogue/session_form.html", contexte)


def session_annuler(request, uuid, session_uuid):
    session = regles_catalogue.get_session_for_edit(request.user, uuid, session_uuid)
    if request.method == "POST":
        try:
            services.annuler_session(session, acteur=request.user)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, f"La session « {session.intitule} » est annulée.")
        return redirect(_fiche_url(session.service) + "#sessions")
    return render(request, "offre/catalogue/session_annuler.html", {"session": session, "service": session.service})


# --- Signalements --------------------------------------------------------------------------------


def service_signaler(request, uuid):
    service = regles_catalogue.get_service_for_user(request.user, uuid)
    form = SignalementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.signaler(service, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Merci : l'erreur est signalée aux personnes qui tiennent ce service à jour.")
            return redirect("offre:service", service.uuid)
    return render(request, "offre/catalogue/service_signaler.html", {"form": form, "service": service})


@require_POST
def signalement_traiter(request, uuid, signalement_uuid):
    signalement = regles_catalogue.get_signalement_for_edit(request.user, uuid, signalement_uuid)
    try:
        services.traiter_signalement(signalement, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Le signalement est marqué comme traité.")
    return redirect(_fiche_url(signalement.service) + "#signalements")


# --- Modération ----------------------------------------------------------------------------------


def moderation(request):
    departements = regles_catalogue.exiger_pilote(request.user)
    jour = timezone.localdate()
    signale = Exists(SignalementService.objects.filter(service=OuterRef("pk"), traite_le__isnull=True))
    a_actualiser = Q(statut=Service.Statut.PUBLIE, a_actualiser_le__lt=jour)
    suspendu = Q(statut=Service.Statut.SUSPENDU)
    tous = regles_catalogue.services_moderes(request.user).annotate(signale=signale)
    conditions = {"a_actualiser": a_actualiser, "signales": Q(signale=True), "suspendus": suspendu}
    compteurs = tous.aggregate(
        **{cle: Count("pk", filter=condition) for cle, condition in conditions.items()},
    )
    filtre = request.GET.get("filtre", "")
    condition = conditions.get(filtre, a_actualiser | Q(signale=True) | suspendu)
    qs = (
        tous.filter(condition)
        .select_related("structure")
        .annotate(nb_signalements=Count("signalements", filter=Q(signalements__traite_le__isnull=True), distinct=True))
        .order_by("a_actualiser_le", "nom", "pk")
    )
    page, requete = paginer(request, qs)
    contexte = {
        "page": page,
        "requete": requete,
        "filtre": filtre if filtre in conditions else "",
        "filtres": [(cle, libelle, compteurs[cle]) for cle, libelle in FILTRES_MODERATION.items()],
        "departements": sorted(departements),
    }
    return render(request, "offre/catalogue/moderation.html", contexte)


def service_suspendre(request, uuid):
    service = regles_catalogue.get_service_for_moderation(request.user, uuid)
    form = SuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suspendre_service(service, acteur=request.user, motif=form.cleaned_data["motif"])
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Le service « {service.nom} » est suspendu : il n'apparaît plus aux référents.")
            return redirect("offre:service", service.uuid)
    return render(request, "offre/catalogue/service_suspendre.html", {"form": form, "service": service})


@require_POST
def service_reprendre(request, uuid):
    service = regles_catalogue.get_service_for_moderation(request.user, uuid)
    try:
        services.reprendre_service(service, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"Le service « {service.nom} » est de nouveau publié.")
    return redirect("offre:service", service.uuid)
