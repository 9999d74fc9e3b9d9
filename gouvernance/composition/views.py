"""Les pages du consortium et de la composition des comités : la liste des comités, le consortium et ses membres,
le comité (sièges, mandats, co-présidences, secrétaire, quorum), et leurs formulaires.

Chaque vue : lire l'entrée, un appel d'accès (`gouvernance.permissions` : 404 quand on ne voit pas, 403 quand on
voit sans pouvoir gérer), un appel de service (`gouvernance.composition.services`), le rendu. Gérer est réservé au
pilote du territoire."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gouvernance import permissions, regles
from gouvernance.choix import MAX_COPRESIDENTS, Qualite
from gouvernance.composition import services
from gouvernance.composition.forms import (
    ComiteForm,
    ConsortiumCreationForm,
    ConsortiumForm,
    CoPresidenceForm,
    FinMandatForm,
    MandatForm,
    MembreConsortiumForm,
    SiegeForm,
)
from gouvernance.deliberation.contexte import contexte_decisions_comite
from gouvernance.models import Comite, Consortium, CoPresidence, Mandat, Seance, Siege
from gouvernance.seances.contexte import contexte_comite
from partenaires import permissions as permissions_partenaires
from spie.forms import reporter_erreurs

FIN_PROCHE_JOURS = 90


def _erreur(request, erreur: ValidationError) -> None:
    messages.error(request, " ".join(erreur.messages))


def _url_comite(comite) -> str:
    return reverse("gouvernance:comite", args=[comite.uuid]) + "#composition"


def _formulaire(request, gabarit="gouvernance/composition/formulaire.html", **contexte):
    """Une page de formulaire : form, titre, bouton, url_annuler ; consortium, comite, siege s'ils s'appliquent."""
    contexte = {"consortium": None, "comite": None, "siege": None, **contexte}
    return render(request, gabarit, contexte)


def _departements_sans_consortium(pilotes: set[str]) -> list[str]:
    """Parmi les départements dont l'utilisateur est pilote, ceux qui n'ont pas encore de consortium."""
    if not pilotes:
        return []
    avec = set(Consortium.objects.filter(departement__in=pilotes).values_list("departement", flat=True))
    return sorted(pilotes - avec)


# --- Accueil ------------------------------------------------------------------------------------


def _roles(comite, user, departements_pilotes) -> list[str]:
    roles = []
    if comite.secretaire_id == user.pk:
        roles.append("Secrétaire")
    if comite.est_copresident:
        roles.append("Co-président (voix prépondérante)" if comite.a_voix_preponderante else "Co-président")
    if comite.siege_organisation:
        roles.append("Siège de votre organisation")
    if comite.consortium.departement in departements_pilotes:
        roles.append("Pilote du territoire")
    return roles


def accueil(request):
    user = request.user
    permissions_partenaires.require(
        permissions_partenaires.est_professionnel(user), "Les comités sont réservés aux professionnels."
    )
    departements_pilotes = permissions_partenaires.departements_pilotes(user)
    organisations = permissions_partenaires.membres_actifs(user).values("organisation")
    copresidences = CoPresidence.objects.filter(comite=OuterRef("pk"), utilisateur=user)
    prochaine = Seance.objects.a_venir().filter(comite=OuterRef("pk")).order_by("date").values("date")[:1]
    comites = list(
        permissions.visible_comites(user)
        .select_related("consortium")
        .annotate(
            est_copresident=Exists(copresidences),
            a_voix_preponderante=Exists(copresidences.filter(voix_preponderante=True)),
            siege_organisation=Exists(Siege.objects.filter(comite=OuterRef("pk"), organisation__in=organisations)),
            prochaine_seance=Subquery(prochaine),
        )
        .order_by("consortium__departement", "-actif", "type", "nom", "pk")
    )
    for comite in comites:
        comite.roles = _roles(comite, user, departements_pilotes)
    contexte = {
        "comites": comites,
        "consortiums": permissions.visible_consortiums(user).order_by("departement"),
        "departements_sans_consortium": _departements_sans_consortium(departements_pilotes),
    }
    return render(request, "gouvernance/accueil.html", contexte)


# --- Consortium ---------------------------------------------------------------------------------


def consortium_creer(request):
    departements = _departements_sans_consortium(permissions_partenaires.departements_pilotes(request.user))
    permissions_partenaires.require(
        bool(departements), "Seul le pilote d'un département qui n'a pas encore de consortium peut en créer un."
    )
    form = ConsortiumCreationForm(request.POST or None, departements=departements)
    if request.method == "POST" and form.is_valid():
        try:
            consortium = services.creer_consortium(acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request, f"Le consortium « {consortium.nom} » est créé. Ajoutez ses membres et ses comités."
            )
            return redirect("gouvernance:consortium", consortium.uuid)
    return _formulaire(
        request,
        form=form,
        titre="Créer le consortium",
        bouton="Créer le consortium",
        url_annuler=reverse("gouvernance:comites"),
    )


def consortium(request, uuid):
    consortium = permissions.get_consortium_for_user(request.user, uuid)
    contexte = {
        "consortium": consortium,
        "membres": consortium.membres.select_related("organisation"),
        "comites": permissions.visible_comites(request.user)
        .filter(consortium=consortium)
        .select_related("secretaire")
        .order_by("-actif", "type", "nom", "pk"),
        "peut_gerer": permissions.can_manage_consortium(request.user, consortium),
    }
    return render(request, "gouvernance/composition/consortium.html", contexte)


def consortium_modifier(request, uuid):
    consortium = permissions.get_consortium_for_manage(request.user, uuid)
    form = ConsortiumForm(request.POST or None, instance=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_consortium(consortium, acteur=request.user, nom=form.cleaned_data["nom"])
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Le consortium est enregistré.")
            return redirect("gouvernance:consortium", consortium.uuid)
    return _formulaire(
        request,
        form=form,
        consortium=consortium,
        titre="Modifier le consortium",
        bouton="Enregistrer",
        url_annuler=reverse("gouvernance:consortium", args=[consortium.uuid]),
    )


def consortium_membre_ajouter(request, uuid):
    consortium = permissions.get_consortium_for_manage(request.user, uuid)
    form = MembreConsortiumForm(request.POST or None, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            membre = services.ajouter_membre(consortium, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"« {membre.organisation} » est membre du consortium : ses membres le voient.")
            return redirect(reverse("gouvernance:consortium", args=[consortium.uuid]) + "#membres")
    return _formulaire(
        request,
        form=form,
        consortium=consortium,
        titre="Ajouter une organisation au consortium",
        bouton="Ajouter",
        url_annuler=reverse("gouvernance:consortium", args=[consortium.uuid]),
    )


@require_POST
def consortium_membre_retirer(request, uuid, pk):
    consortium = permissions.get_consortium_for_manage(request.user, uuid)
    membre = get_object_or_404(consortium.membres.select_related("organisation", "consortium"), pk=pk)
    try:
        services.retirer_membre(membre, acteur=request.user)
    except ValidationError as erreur:
        _erreur(request, erreur)
    else:
        messages.success(request, f"« {membre.organisation} » n'est plus membre du consortium.")
    return redirect(reverse("gouvernance:consortium", args=[consortium.uuid]) + "#membres")


# --- Comités ------------------------------------------------------------------------------------


def comite_creer(request, uuid):
    consortium = permissions.get_consortium_for_manage(request.user, uuid)
    form = ComiteForm(request.POST or None, instance=Comite(consortium=consortium))
    if request.method == "POST" and form.is_valid():
        try:
            comite = services.enregistrer_comite(form.instance, acteur=request.user)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request, f"Le comité « {comite.nom} » est créé. Composez-le : sièges, mandats, co-présidents."
            )
            return redirect("gouvernance:comite", comite.uuid)
    return _formulaire(
        request,
        form=form,
        consortium=consortium,
        titre="Nouveau comité",
        bouton="Créer le comité",
        url_annuler=reverse("gouvernance:consortium", args=[consortium.uuid]),
    )


def _composition(comite) -> tuple[list, dict]:
    """Les sièges du comité avec leurs titulaire et suppléant en cours, et la règle du quorum."""
    jour = timezone.localdate()
    fin_proche = jour + timedelta(days=FIN_PROCHE_JOURS)
    mandats = Mandat.objects.en_cours(jour).order_by("qualite", "date_debut")
    sieges = list(
        comite.sieges.select_related("organisation")
        .prefetch_related(Prefetch("mandats", queryset=mandats, to_attr="mandats_en_cours"))
        .order_by("ordre", "pk")
    )
    for siege in sieges:
        siege.titulaire = next((m for m in siege.mandats_en_cours if m.qualite == Qualite.TITULAIRE), None)
        siege.suppleant = next((m for m in siege.mandats_en_cours if m.qualite == Qualite.SUPPLEANT), None)
        for mandat in siege.mandats_en_cours:
            mandat.fin_proche = mandat.date_fin <= fin_proche
    deliberatifs = sum(1 for siege in sieges if siege.est_deliberatif)
    regle = regles.quorum(membres=deliberatifs, presents=0, representes=0, pourcentage=comite.quorum_pourcentage)
    return sieges, {"membres": deliberatifs, "requis": regle.requis, "pourcentage": comite.quorum_pourcentage}


def comite(request, uuid):
    comite = permissions.get_comite_for_user(request.user, uuid)
    sieges, quorum = _composition(comite)
    copresidences = list(comite.copresidences.select_related("utilisateur", "siege__organisation"))
    peut_gerer = permissions.can_manage_comite(request.user, comite)
    contexte = {
        "comite": comite,
        "consortium": comite.consortium,
        "sieges": sieges,
        "quorum": quorum,
        "copresidences": copresidences,
        "peut_gerer": peut_gerer,
        "peut_ajouter_copresident": peut_gerer and len(copresidences) < MAX_COPRESIDENTS,
        "voit_consortium": permissions.visible_consortiums(request.user).filter(pk=comite.consortium_id).exists(),
        "fin_proche_jours": FIN_PROCHE_JOURS,
    }
    contexte.update(contexte_comite(comite, request.user))
    contexte.update(contexte_decisions_comite(comite, request.user))
    return render(request, "gouvernance/composition/comite.html", contexte)


def comite_modifier(request, uuid):
    comite = permissions.get_comite_for_manage(request.user, uuid)
    form = ComiteForm(request.POST or None, instance=comite)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_comite(form.instance, acteur=request.user)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Le comité est enregistré.")
            return redirect("gouvernance:comite", comite.uuid)
    return _formulaire(
        request,
        form=form,
        consortium=comite.consortium,
        comite=comite,
        titre="Modifier le comité",
        bouton="Enregistrer",
        url_annuler=reverse("gouvernance:comite", args=[comite.uuid]),
    )


# --- Sièges -------------------------------------------------------------------------------------


def _siege(comite, siege_uuid) -> Siege:
    siege = get_object_or_404(comite.sieges.select_related("organisation"), uuid=siege_uuid)
    siege.comite = comite
    return siege


def siege_ajouter(request, uuid):
    comite = permissions.get_comite_for_manage(request.user, uuid)
    form = SiegeForm(request.POST or None, instance=Siege(comite=comite))
    if request.method == "POST" and form.is_valid():
        try:
            siege = services.enregistrer_siege(form.instance, acteur=request.user)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Le siège de « {siege.organisation} » est ajouté : nommez son titulaire.")
            return redirect(_url_comite(comite))
    return _formulaire(
        request,
        form=form,
        consortium=comite.consortium,
        comite=comite,
        titre="Ajouter un siège",
        bouton="Ajouter le siège",
        url_annuler=_url_comite(comite),
    )


def siege_modifier(request, uuid, siege_uuid):
    comite = permissions.get_comite_for_manage(request.user, uuid)
    siege = _siege(comite, siege_uuid)
    form = SiegeForm(request.POST or None, instance=siege)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_siege(form.instance, acteur=request.user)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Le siège est enregistré.")
            return redirect(_url_comite(comite))
    return _formulaire(
        request,
        "gouvernance/composition/siege.html",
        form=form,
        consortium=comite.consortium,
        comite=comite,
        siege=siege,
        mandats=siege.mandats.select_related("utilisateur").order_by("-date_debut", "-qualite"),
        jour=timezone.localdate(),
        titre="Siège et mandats",
        bouton="Enregistrer le siège",
        url_annuler=_url_comite(comite),
    )


@require_POST
def siege_retirer(request, uuid, siege_uuid):
    comite = permissions.get_comite_for_manage(request.user, uuid)
    siege = _siege(comite, siege_uuid)
    try:
        services.retirer_siege(siege, acteur=request.user)
    except ValidationError as erreur:
        _erreur(request, erreur)
        return redirect("gouvernance:siege_modifier", comite.uuid, siege.uuid)
    messages.success(request, f"Le siège de « {siege.organisation} » est retiré du comité.")
    return redirect(_url_comite(comite))


# --- Mandats ------------------------------------------------------------------------------------


def mandat_ajouter(request, uuid, siege_uuid):
    comite = permissions.get_comite_for_manage(request.user, uuid)
    siege = _siege(comite, siege_uuid)
    qualite = request.GET.get("qualite")
    initial = {"qualite": qualite if qualite in Qualite.values else Qualite.TITULAIRE}
    form = MandatForm(request.POST or None, instance=Mandat(siege=siege), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mandat = services.enregistrer_mandat(form.instance, acteur=request.user)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"Mandat enregistré : {mandat.nom_complet}, {mandat.get_qualite_display().lower()} jusqu'au "
                f"{mandat.date_fin:%d/%m/%Y}.",
            )
            return redirect(_url_comite(comite))
    return _formulaire(
        request,
        form=form,
        consortium=comite.consortium,
        comite=comite,
        siege=siege,
        titre="Nommer un titulaire ou un suppléant",
        bouton="Nommer",
        url_annuler=reverse("gouvernance:siege_modifier", args=[comite.uuid, siege.uuid]),
    )


def _mandat(siege, mandat_uuid) -> Mandat:
    mandat = get_object_or_404(siege.mandats.select_related("utilisateur"), uuid=mandat_uuid)
    mandat.siege = siege
    return mandat


def mandat_modifier(request, uuid, siege_uuid, mandat_uuid):
    comite = permissions.get_comite_for_manage(request.user, uuid)
    siege = _siege(comite, siege_uuid)
    mandat = _mandat(siege, mandat_uuid)
    form = MandatForm(request.POST or None, instance=mandat)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_mandat(form.instance, acteur=request.user)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Le mandat est enregistré.")
            return redirect(_url_comite(comite))
    return _formulaire(
        request,
        "gouvernance/composition/mandat.html",
        form=form,
        form_fin=FinMandatForm(initial={"date_fin": timezone.localdate()}),
        consortium=comite.consortium,
        comite=comite,
        siege=siege,
        mandat=mandat,
        titre="Modifier le mandat",
        bouton="Enregistrer",
        url_annuler=reverse("gouvernance:siege_modifier", args=[comite.uuid, siege.uuid]),
    )


@require_POST
def mandat_terminer(request, uuid, siege_uuid, mandat_uuid):
    comite = permissions.get_comite_for_manage(request.user, uuid)
    siege = _siege(comite, siege_uuid)
    mandat = _mandat(siege, mandat_uuid)
    form = FinMandatForm(request.POST)
    retour = reverse("gouvernance:mandat_modifier", args=[comite.uuid, siege.uuid, mandat.uuid])
    if not form.is_valid():
        messages.error(request, "Indiquez la date de fin du mandat.")
        return redirect(retour)
    try:
        services.terminer_mandat(mandat, acteur=request.user, date_fin=form.cleaned_data["date_fin"])
    except ValidationError as erreur:
        _erreur(request, erreur)
        return redirect(retour)
    messages.success(request, f"Le mandat de {mandat.nom_complet} prend fin le {mandat.date_fin:%d/%m/%Y}.")
    return redirect(_url_comite(comite))


# --- Co-présidences -----------------------------------------------------------------------------


def copresidence_ajouter(request, uuid):
    comite = permissions.get_comite_for_manage(request.user, uuid)
    form = CoPresidenceForm(request.POST or None, comite=comite)
    if request.method == "POST" and form.is_valid():
        try:
            copresidence = services.ajouter_copresidence(comite, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"{copresidence.utilisateur} co-préside le comité.")
            return redirect(_url_comite(comite))
    return _formulaire(
        request,
        form=form,
        consortium=comite.consortium,
        comite=comite,
        titre="Ajouter un co-président",
        bouton="Ajouter",
        url_annuler=_url_comite(comite),
    )


@require_POST
def copresidence_retirer(request, uuid, pk):
    comite = permissions.get_comite_for_manage(request.user, uuid)
    copresidence = get_object_or_404(comite.copresidences.select_related("utilisateur"), pk=pk)
    try:
        services.retirer_copresidence(copresidence, acteur=request.user)
    except ValidationError as erreur:
        _erreur(request, erreur)
    else:
        messages.success(request, f"{copresidence.utilisateur} ne co-préside plus le comité.")
    return redirect(_url_comite(comite))
