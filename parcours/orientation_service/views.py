"""Orienter une personne vers un service depuis son carnet, et boucler la boucle : la boîte de réception de la
structure, la page publique du lien signé, le suivi par le prescripteur (onglet du carnet)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from offre import regles as offre_regles
from offre.models import SessionService
from offre.recherche import views as recherche_views
from offre.recherche.communes import libelle as libelle_commune
from parcours import permissions as regles_carnet
from parcours import services as carnet_services
from parcours.models import Objectif, OrientationService, TransitionOrientationService
from parcours.orientation_service import besoins, dossier, liens, regles, services
from parcours.orientation_service.forms import OrientationForm, RecherchePourLaPersonne, TransitionForm
from partenaires import permissions
from spie.forms import reporter_erreurs
from spie.pagination import paginer

Statut = OrientationService.Statut
GABARIT_LIEN = "parcours/orientation_service/lien.html"
GABARIT_ORIENTER = "parcours/orientation_service/includes/orienter.html"


def onglet_url(carnet) -> str:
    return f"{reverse('parcours:carnet', args=[carnet.uuid])}?onglet=offre"


def _organisation_courante(request):
    membre = request.membre_courant
    return membre.organisation if membre else None


def _consulter(request, carnet, onglet, organisation=None) -> None:
    carnet_services.enregistrer_consultation(
        carnet,
        utilisateur=request.user,
        organisation=organisation or _organisation_courante(request),
        onglet=onglet,
    )


def _transitions():
    return Prefetch(
        "transitions", queryset=TransitionOrientationService.objects.select_related("acteur").order_by("date", "id")
    )


def _libeller(transitions) -> list:
    """Le libellé du motif de chaque transition (un motif de refus), pour l'historique."""
    motifs = dict(OrientationService.MotifRefus.choices)
    for transition in transitions:
        transition.libelle_motif = motifs.get(transition.motif, transition.motif)
    return list(transitions)


# --- Le carnet : l'onglet « Orientations vers un service » --------------------------------------------------


def contexte_onglet(request, carnet, peut_modifier: bool) -> dict:
    """Les orientations du carnet, leur historique, les boutons du prescripteur, et l'activité prévue (la somme
    des heures des orientations retenues, face à l'objectif du contrat d'engagement en cours)."""
    orientations = list(
        carnet.orientations_service.select_related("service__structure", "session", "prescripteur", "organisation")
        .prefetch_related(_transitions())
        .order_by("-envoyee_le", "-id")
    )
    maintenant = timezone.now()
    for orientation in orientations:
        _libeller(orientation.transitions.all())
        orientation.transitions_prescripteur = (
            [(vers, regles.BOUTONS[vers]) for vers in regles.transitions_possibles(orientation.statut, "prescripteur")]
            if peut_modifier
            else []
        )
        orientation.jours_restants = regles.jours_avant_expiration(orientation, maintenant)
    return {
        "orientations_service": orientations,
        "heures_retenues": regles.heures_retenues(carnet),
        "contrat_en_cours": dossier.contrat_en_cours(carnet),
    }


# --- Chercher un service pour la personne ------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
def chercher(request, uuid):
    """La recherche de l'offre (formulaire et fragment de résultats d'`offre.recherche`), pré-remplie pour la
    personne : sa commune, les besoins de son diagnostic ; chaque résultat porte le bouton « Orienter »."""
    carnet = regles_carnet.get_carnet_for_edit(request.user, uuid)
    personne = carnet.personne
    besoins_du_carnet = besoins.besoins_du_diagnostic(
        carnet, voit_sensible=regles_carnet.can_view_sensible(request.user, carnet)
    )
    formulaire = RecherchePourLaPersonne(
        request.GET, besoins_du_carnet=besoins_du_carnet, defauts={"commune": libelle_commune(personne.code_commune)}
    )
    contexte = recherche_views.contexte_resultats(request, formulaire, gabarit_action=GABARIT_ORIENTER)
    if not request.htmx:  # une consultation par page ouverte, pas une par filtre changé
        _consulter(request, carnet, "offre_recherche")
    contexte |= {
        "carnet": carnet,
        "personne": personne,
        "besoins_du_carnet": besoins_du_carnet,
        "url_orienter": reverse("parcours:orientation_service_nouvelle", args=[carnet.uuid]),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, recherche_views.FRAGMENT, contexte)
    return render(request, "parcours/orientation_service/chercher.html", contexte)


# --- Orienter ----------------------------------------------------------------------------------------------------


def _formulaire(request, carnet, service) -> OrientationForm:
    """Le formulaire d'orientation pré-rempli depuis le carnet : contact, besoin (une thématique du service qui
    répond à un besoin du diagnostic), session demandée (à venir, avec des places), aucun document coché."""
    personne = carnet.personne
    sessions = [
        session for session in SessionService.objects.a_venir().filter(service=service) if not session.est_complete
    ]
    objectifs = (
        Objectif.objects.filter(carnet=carnet, statut=Objectif.Statut.EN_COURS)
        .select_related("axe", "referentiel")
        .order_by("axe__libelle", "date_creation")
    )
    besoins_du_carnet = besoins.besoins_du_diagnostic(
        carnet, voit_sensible=regles_carnet.can_view_sensible(request.user, carnet)
    )
    utiles = {categorie for besoin in besoins_du_carnet for categorie in besoin.categories}
    besoin = next((t for t in service.thematiques if besoins.categorie(t) in utiles), "")
    session = request.GET.get("session", "")
    initial = {
        "courriel": personne.email,
        "telephone": personne.telephone,
        "besoin": besoin or next(iter(service.thematiques), ""),
        "session": session if any(str(s.uuid) == session for s in sessions) else "",
        "documents": [],  # rien ne part sans être coché
    }
    return OrientationForm(
        request.POST or None,
        service=service,
        objectifs=list(objectifs),
        sessions=sessions,
        documents=dossier.documents_disponibles(carnet),
        initial=initial,
    )


def nouvelle(request, uuid):
    """Le formulaire d'orientation (GET `?service=<uuid>[&session=<uuid>]`), pré-rempli depuis le carnet."""
    carnet = regles_carnet.get_carnet_for_edit(request.user, uuid)
    if not request.GET.get("service"):
        messages.info(request, "Choisissez d'abord le service vers lequel orienter la personne.")
        return redirect("parcours:carnet_offre", carnet.uuid)
    try:
        service = offre_regles.get_service_for_user(request.user, request.GET["service"])
    except ValidationError as exc:  # un uuid mal formé
        raise Http404("Service introuvable.") from exc
    form = _formulaire(request, carnet, service)
    if request.method == "POST" and form.is_valid():
        try:
            orientation = services.orienter(carnet, service, acteur=request.user, **form.pour_le_service())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"Orientation vers « {service.nom} » envoyée à {service.structure.nom}. Sans réponse, elle expirera "
                f"le {timezone.localtime(orientation.expire_le):%d/%m/%Y}.",
            )
            return redirect(onglet_url(carnet))
    elif request.method != "POST":
        _consulter(request, carnet, "orientation_service")
    contexte = {
        "carnet": carnet,
        "personne": carnet.personne,
        "service": service,
        "form": form,
        "url_recherche": reverse("parcours:carnet_offre", args=[carnet.uuid]),
    }
    return render(request, "parcours/orientation_service/nouvelle.html", contexte, status=400 if form.errors else 200)


def _changer_statut(request, orientation, *, cote, par_lien=False) -> bool:
    """Lit le formulaire de transition et appelle le service ; le message dit ce qui s'est passé."""
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un statut dans la liste.")
        return False
    try:
        services.changer_statut(
            orientation,
            vers=form.cleaned_data["statut"],
            cote=cote,
            acteur=None if par_lien else request.user,
            par_lien=par_lien,
            motif=form.cleaned_data["motif"],
            commentaire=form.cleaned_data["commentaire"],
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return False
    statut = Statut(form.cleaned_data["statut"]).label.lower()
    messages.success(request, f"Orientation vers « {orientation.service.nom} » : {statut}.")
    return True


@require_POST
def statut(request, uuid, orientation_uuid):
    """Le prescripteur (qui peut modifier le carnet) : entrée effective, fin, abandon."""
    carnet = regles_carnet.get_carnet_for_edit(request.user, uuid)
    orientation = regles.get_orientation_du_carnet(carnet, orientation_uuid)
    _changer_statut(request, orientation, cote=regles.PRESCRIPTEUR)
    return redirect(onglet_url(carnet))


# --- La boîte de réception de la structure ------------------------------------------------------------------------


def _exiger_la_boite(user) -> None:
    if not permissions.membres_actifs(user).exists():
        raise PermissionDenied("Cette page est réservée aux membres des organisations partenaires.")


@require_GET
@vary_on_headers("HX-Request")
def recues(request):
    """Les orientations reçues par les structures de l'utilisateur : sans réponse d'abord, puis les plus anciennes."""
    _exiger_la_boite(request.user)
    filtre = request.GET.get("statut", "")
    orientations = regles.orientations_recues(request.user).select_related("service__structure", "session")
    if filtre in Statut.values:
        orientations = orientations.filter(statut=filtre)
    else:
        filtre = ""
    sans_reponse = Case(
        When(statut__in=OrientationService.STATUTS_SANS_REPONSE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    page, requete = paginer(request, orientations.order_by(sans_reponse, "envoyee_le", "id"))
    maintenant = timezone.now()
    for orientation in page.object_list:
        orientation.jours_restants = regles.jours_avant_expiration(orientation, maintenant)
    contexte = {
        "page": page,
        "requete": requete,
        "filtre": filtre,
        "statuts": Statut.choices,
        "jours_expiration": regles.JOURS_EXPIRATION,
        "tient_une_structure": regles.peut_ouvrir_la_boite(request.user),
    }
    if request.htmx:
        return render(request, "parcours/orientation_service/includes/recues.html", contexte)
    return render(request, "parcours/orientation_service/recues.html", contexte)


def _contexte_reponse(orientation, *, cote) -> dict:
    possibles = regles.transitions_possibles(orientation.statut, cote)
    return {
        "orientation": orientation,
        "transitions": _libeller(orientation.transitions.select_related("acteur").order_by("date", "id")),
        "boutons": [(vers, regles.BOUTONS[vers]) for vers in possibles if vers != Statut.REFUSEE],
        "peut_refuser": Statut.REFUSEE in possibles,
        "motifs": OrientationService.MotifRefus.choices,
        "close": regles.est_close(orientation),
    }


@require_GET
def recue(request, orientation_uuid):
    """Le dossier transmis, l'historique, les réponses possibles. La structure ne voit que le dossier : jamais le
    carnet (sauf s'il est partagé avec elle par ailleurs). La lecture du dossier est journalisée sur le carnet."""
    orientation = regles.get_orientation_recue(request.user, orientation_uuid)
    _consulter(request, orientation.carnet, "orientation_service_dossier", orientation.service.structure.organisation)
    contexte = _contexte_reponse(orientation, cote=regles.STRUCTURE) | {
        "action_reponse": reverse("parcours:orientation_recue_repondre", args=[orientation.uuid]),
        "jours_restants": regles.jours_avant_expiration(orientation) or 0,
    }
    return render(request, "parcours/orientation_service/recue.html", contexte)


@require_POST
def repondre(request, orientation_uuid):
    orientation = regles.get_orientation_recue(request.user, orientation_uuid)
    _changer_statut(request, orientation, cote=regles.STRUCTURE)
    return redirect("parcours:orientation_recue", orientation.uuid)


# --- Le lien signé (sans compte) ----------------------------------------------------------------------------------

LIEN_INVALIDE = (
    "Ce lien ne fonctionne pas. Vérifiez qu'il est complet : copiez tout le lien du courriel, ou cliquez dessus."
)
LIEN_EXPIRE = (
    "Ce lien a expiré : l'orientation n'attend plus de réponse par ce lien. Pour toute question, contactez la "
    "personne qui vous l'a adressée."
)
ORIENTATION_CLOSE = "Cette orientation est close ({statut}) : il n'y a plus rien à répondre."


def _page_lien_en_erreur(request, erreur, statut):
    return render(request, GABARIT_LIEN, {"erreur": erreur, "orientation": None}, status=statut)


@login_not_required
def lien(request, jeton):
    """La structure sans compte répond par le lien signé de son courriel, lisible sur un téléphone. Le GET ne fait que
    journaliser la lecture du dossier ; un lien falsifié (400), expiré ou d'une orientation close (410) ne montre pas
    le dossier et n'écrit rien."""
    try:
        lu = liens.lire(jeton)
    except liens.LienInvalide:
        return _page_lien_en_erreur(request, LIEN_INVALIDE, 400)
    orientation = (
        OrientationService.objects.select_related("service__structure", "session", "prescripteur", "organisation")
        .filter(uuid=lu.orientation)
        .first()
    )
    if orientation is None:
        return _page_lien_en_erreur(request, LIEN_INVALIDE, 400)
    if regles.est_close(orientation):
        statut = orientation.get_statut_display().lower()
        return _page_lien_en_erreur(request, ORIENTATION_CLOSE.format(statut=statut), 410)
    try:
        liens.verifier(orientation)
    except liens.LienExpire:
        return _page_lien_en_erreur(request, LIEN_EXPIRE, 410)
    statut_http = 200
    if request.method == "POST":
        if _changer_statut(request, orientation, cote=regles.STRUCTURE, par_lien=True):
            return redirect(request.path)
        statut_http = 400
        orientation.refresh_from_db()
    else:
        services.journaliser_lecture_par_lien(orientation)
    contexte = _contexte_reponse(orientation, cote=regles.STRUCTURE) | {
        "erreur": "",
        "action_reponse": request.path,
        "jours_restants": max((liens.valide_jusqu_au(orientation) - timezone.now()).days, 0),
        "valable_jusqu_au": liens.valide_jusqu_au(orientation),
    }
    return render(request, GABARIT_LIEN, contexte, status=statut_http)
