import uuid as uuid_module
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from parcours import conservation, delais, liste_carnets, services
from parcours import nir as nir_protege
from parcours import permissions as regles
from parcours.choix import VOIR_CARNET
from parcours.diagnostic import views as diagnostic_views
from parcours.espace import activation as espace_activation
from parcours.espace import partage as espace_partage
from parcours.forms import (
    AccordForm,
    ActionForm,
    ContratForm,
    FiltreHistoriqueForm,
    FinIntervenantForm,
    IntervenantForm,
    NoteForm,
    ObjectifForm,
    PersonneForm,
    RendezVousForm,
    StatutActionForm,
    StatutForm,
    SuiteRendezVousForm,
    choix_actions_par_axe,
)
from parcours.models import (
    Action,
    Carnet,
    ContratEngagement,
    Diagnostic,
    Intervenant,
    Objectif,
    RendezVous,
    Statut,
)
from parcours.orientation import views as orientation_views
from parcours.orientation_service import views as orientation_service_views
from parcours.suivi import views as suivi_views
from partenaires import permissions
from partenaires.models import Utilisateur
from spie.forms import reporter_erreurs
from spie.pagination import paginer_par_cles

ONGLETS = {
    "situation": "Situation",
    "diagnostic": "Diagnostic",
    "orientation": "Orientation",
    "plan": "Plan d'action",
    "offre": "Orientations vers un service",
    "rendez_vous": "Rendez-vous",
    "notes": "Notes d'entretien",
    "groupe": "Groupe de suivi",
    "procedures": "Procédures",
    "historique": "Historique",
}


def _organisation_courante(request):
    if not request.membre_courant:
        raise PermissionDenied("Il faut être membre actif d'une organisation pour accompagner une personne.")
    return request.membre_courant.organisation


PUBLICS = {
    "brsa": "Bénéficiaires du RSA",
    "deld": "Demandeurs d'emploi de longue durée",
    "jeunes": "Jeunes de moins de 26 ans",
    "parents_isoles": "Parents isolés",
}
TRIS = {"nom": ("personne__nom", "personne__prenom", "pk"), "recents": ("-date_creation", "pk")}


def _statut_en_cours(type_statut, *valeurs):
    return Exists(
        Statut.objects.filter(
            personne=OuterRef("personne"), type=type_statut, valeur__in=valeurs, date_fin__isnull=True
        )
    )


def _filtrer_par_public(carnets, public):
    if public == "brsa":
        return carnets.filter(
            _statut_en_cours("droit_rsa", "ouvert_versable", "ouvert_suspendu", "ouvert_versement_suspendu")
        )
    if public == "deld":
        return carnets.filter(_statut_en_cours("deld", "oui"))
    if public == "parents_isoles":
        return carnets.filter(_statut_en_cours("parent_isole", "oui"))
    if public == "jeunes":
        # 26 ans plus tôt, ramené au 28 février un 29 février (`replace(year=…)` y lèverait une erreur).
        il_y_a_26_ans = delais.ajouter_mois(timezone.localdate(), -26 * 12)
        return carnets.filter(personne__date_naissance__gt=il_y_a_26_ans)
    return carnets


FILTRES_DIAGNOSTIC = {
    "sans": "Sans diagnostic validé",
    "a_reexaminer": "Diagnostic à réexaminer",
    "en_cours": "Diagnostic en cours",
}


def _filtrer_par_diagnostic(carnets, filtre):
    if filtre == "sans":
        return carnets.filter(diagnostic_valide_le__isnull=True)
    if filtre == "a_reexaminer":
        limite = timezone.now() - timedelta(days=settings.SPIE_DIAGNOSTIC_VALIDITE_JOURS)
        return carnets.filter(diagnostic_valide_le__lt=limite)
    if filtre == "en_cours":
        return carnets.filter(Exists(Diagnostic.objects.en_cours().filter(carnet=OuterRef("pk"))))
    return carnets


def _colonnes_de_la_liste():
    """Référent actif (prénom, nom, organisation) et date du dernier diagnostic validé : sous-requêtes corrélées."""
    referents = Intervenant.objects.referents().filter(carnet=OuterRef("pk"))
    diagnostics = Diagnostic.objects.valides().filter(carnet=OuterRef("pk")).order_by("-version")
    return {
        "referent_prenom": Subquery(referents.values("utilisateur__prenom")[:1]),
        "referent_nom": Subquery(referents.values("utilisateur__nom")[:1]),
        "referent_organisation": Subquery(referents.values("organisation__nom")[:1]),
        "diagnostic_valide_le": Subquery(diagnostics.values("date_validation")[:1]),
    }


def _carnets_de_la_page(tranche, tri):
    """Les carnets d'une page de la liste, `tranche` étant les clés de la page (triées, OFFSET/LIMIT) : les
    colonnes de la liste ne sont calculées que pour eux, en une requête (la tranche y est une sous-requête)."""
    return (
        Carnet.objects.filter(pk__in=tranche)
        .select_related("personne")
        .annotate(**_colonnes_de_la_liste())
        .order_by(*tri)
    )


def _est_un_uuid(valeur: str) -> bool:
    try:
        uuid_module.UUID(valeur)
    except ValueError:
        return False
    return True


RECHERCHE_NIR = "parcours:recherche_nir"  # l'empreinte du NIR cherché, gardée en session, jamais dans l'URL


def _chercher_un_nir(request, texte):
    """Le NIR cherché ne va jamais dans une URL : son empreinte en session, puis une URL qui ne le contient pas."""
    request.session[RECHERCHE_NIR] = nir_protege.empreinte(texte)
    return redirect(reverse("parcours:mes_carnets") + "?nir=1", permanent=False)


@sensitive_post_parameters("q")
def mes_carnets(request):
    if request.method == "POST":  # le formulaire de recherche par NIR (et la recherche qui ressemble à un NIR)
        texte = request.POST.get("q", "").strip()
        if nir_protege.ressemble_a_un_nir(texte):
            return _chercher_un_nir(request, texte)
        return redirect(reverse("parcours:mes_carnets") + (f"?{urlencode({'q': texte})}" if texte else ""))
    if nir_protege.ressemble_a_un_nir(request.GET.get("q", "")):  # sans JavaScript : on ne le garde pas dans l'URL
        return _chercher_un_nir(request, request.GET["q"])
    visibles, cles_visibles = regles.visible_carnets_et_leurs_cles(request.user)
    visibles = visibles.alias(**_colonnes_de_la_liste())  # pour les seuls filtres
    carnets = visibles  # chaque filtre appliqué rend un nouveau queryset (voir le comptage plus bas)
    cles = ("q", "filtre", "public", "rdv", "statut", "tri", "referent", "diagnostic")
    parametres = {cle: request.GET.get(cle, "").strip() for cle in cles}
    if parametres["referent"] and not _est_un_uuid(parametres["referent"]):
        parametres["referent"] = ""
    recherche = parametres["q"]
    empreinte_cherchee = request.session.get(RECHERCHE_NIR, "") if request.GET.get("nir") == "1" else ""
    if empreinte_cherchee:
        carnets = carnets.filter(personne__nir_empreinte=empreinte_cherchee)
    elif recherche:
        carnets = carnets.filter(
            Q(personne__nom__icontains=recherche)
            | Q(personne__prenom__icontains=recherche)
            | Q(personne__identifiant_departement=recherche)
            | Q(personne__numero_caf_msa=recherche)
            | Q(personne__identifiant_france_travail=recherche)
        )
    if parametres["filtre"] == "mes_accompagnements":
        carnets = carnets.filter(
            Exists(Intervenant.objects.actifs().filter(carnet=OuterRef("pk"), utilisateur=request.user))
        )
    elif parametres["filtre"] == "sans_referent":
        carnets = carnets.filter(referent_nom__isnull=True)
    carnets = _filtrer_par_public(carnets, parametres["public"])
    if parametres["statut"] in Carnet.Statut.values:
        carnets = carnets.filter(statut=parametres["statut"])
    maintenant = timezone.now()
    if parametres["rdv"] == "a_venir":
        carnets = carnets.filter(
            Exists(RendezVous.objects.filter(carnet=OuterRef("pk"), statut="prevu", date_heure__gte=maintenant))
        )
    elif parametres["rdv"].isdigit():
        depuis = maintenant - timedelta(days=int(parametres["rdv"]))
        carnets = carnets.exclude(
            Exists(RendezVous.objects.filter(carnet=OuterRef("pk"), statut="honore", date_heure__gte=depuis))
        )
    if parametres["referent"]:
        carnets = carnets.filter(
            intervenants__utilisateur__uuid=parametres["referent"],
            intervenants__role=Intervenant.Role.REFERENT,
            intervenants__date_fin__isnull=True,
        )
    carnets = _filtrer_par_diagnostic(carnets, parametres["diagnostic"])
    tri = TRIS.get(parametres["tri"], TRIS["nom"])
    page, requete = paginer_par_cles(
        request,
        carnets.order_by(*tri).values("pk"),
        lambda tranche: _carnets_de_la_page(tranche, tri),
        compter=None if carnets is not visibles else lambda: liste_carnets.compter_les_visibles(cles_visibles),
    )
    contexte = {
        "page": page,
        "recherche": recherche,
        "recherche_par_nir": bool(empreinte_cherchee),
        "parametres": parametres,
        "publics": PUBLICS,
        "statuts_carnet": Carnet.Statut.choices,
        "filtres_diagnostic": FILTRES_DIAGNOSTIC,
        "limite_diagnostic": timezone.now() - timedelta(days=settings.SPIE_DIAGNOSTIC_VALIDITE_JOURS),
        "requete": requete,
    }
    if request.htmx:  # la liste seule (pages, filtres) : le formulaire et sa liste de référents restent en place
        return render(request, "parcours/includes/liste_carnets.html", contexte)
    return render(
        request,
        "parcours/mes_carnets.html",
        {**contexte, "referents": liste_carnets.referents_du_filtre(request.user, cles_visibles)},
    )


@sensitive_post_parameters("nir")
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
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Le carnet de {carnet.personne} est ouvert ; vous en êtes le référent.")
            return redirect("parcours:carnet", carnet.uuid)
    return render(request, "parcours/carnet_ouvrir.html", {"form": form, "doublons": doublons})


@require_POST
def demander_acces(request, uuid):
    """Depuis l'écran des doublons : demander au référent d'un carnet qu'on ne voit pas d'être ajouté au groupe."""
    organisation = _organisation_courante(request)
    carnet = get_object_or_404(Carnet, uuid=uuid)
    try:
        services.demander_acces(
            carnet, demandeur=request.user, organisation=organisation, motif=request.POST.get("motif", "")
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect("parcours:carnet_ouvrir")
    messages.success(
        request, "Votre demande est envoyée au référent du carnet, qui pourra vous ajouter au groupe de suivi."
    )
    return redirect("parcours:mes_carnets")


def carnet(request, uuid):
    carnet = regles.get_carnet_for_user(request.user, uuid)
    onglet = request.GET.get("onglet", "situation")
    if onglet not in ONGLETS:
        onglet = "situation"
    membre = request.membre_courant
    intervenants = _intervenants(carnet)
    actifs = [i for i in intervenants if i.est_actif]
    services.enregistrer_consultation(
        carnet,
        utilisateur=request.user,
        organisation=membre.organisation if membre else None,
        onglet=onglet,
        voit_sensible=regles.voit_sensible_carnet_visible(request.user, carnet, actifs),
    )
    return _page_carnet(request, carnet, onglet, intervenants=intervenants)


def _intervenants(carnet) -> list[Intervenant]:
    return list(carnet.intervenants.select_related("utilisateur", "organisation").order_by("-role", "date_debut"))


def _page_carnet(request, carnet, onglet, status=200, intervenants=None, **formulaires):
    """La page du carnet, onglet choisi ; les formulaires liés (avec erreurs) remplacent les formulaires vides.
    `carnet` vient de `regles.get_carnet_for_user` (ou `get_carnet_for_edit`) dans cette requête : le droit de le
    voir est déjà vérifié. `intervenants` : ceux du carnet, s'ils sont déjà lus dans cette requête."""
    if intervenants is None:
        intervenants = _intervenants(carnet)
    actifs = [i for i in intervenants if i.est_actif]
    referent = next((i for i in actifs if i.role == Intervenant.Role.REFERENT), None)
    peut_modifier = regles.can_edit_carnet(request.user, carnet, actifs)
    statuts = carnet.personne.statuts.all()
    if onglet == "situation":  # l'onglet montre tous les statuts, avec qui les a saisis : une seule lecture
        statuts = statuts.select_related("saisi_par")
    statuts = list(statuts)
    prochain = carnet.rendez_vous.filter(statut=RendezVous.Statut.PREVU, date_heure__gte=timezone.now()).first()
    contexte = {
        "carnet": carnet,
        "personne": carnet.personne,
        "onglet": onglet,
        "onglets": ONGLETS,
        "titre_onglet": ONGLETS[onglet],
        "referent": referent,
        "prochain_rendez_vous": prochain,
        "est_referent": referent is not None and referent.utilisateur_id == request.user.pk,
        "peut_modifier": peut_modifier,
        "intervenants_actifs": actifs,
        "anciens_intervenants": [i for i in intervenants if not i.est_actif],
        "form": None,
        "voit_sensible": regles.voit_sensible_carnet_visible(request.user, carnet, actifs),
        "statuts_en_cours": [s for s in statuts if s.date_fin is None],
    }
    contexte.update(orientation_views.contexte_entete(request, carnet))
    contexte.update(suivi_views.contexte_entete(request, carnet))
    if onglet == "situation":
        contexte["statuts"] = statuts
        if peut_modifier:
            contexte["form"] = formulaires.get("form") or StatutForm()
    elif onglet == "diagnostic":
        contexte.update(diagnostic_views.contexte_onglet(request, carnet))
    elif onglet == "orientation":
        contexte.update(orientation_views.contexte_onglet(request, carnet))
    elif onglet == "plan":
        contexte.update(_contexte_plan(carnet, peut_modifier, formulaires))
    elif onglet == "offre":
        contexte.update(orientation_service_views.contexte_onglet(request, carnet, peut_modifier))
    elif onglet == "rendez_vous":
        rendez_vous = list(carnet.rendez_vous.select_related("intervenant", "organisation").order_by("-date_heure"))
        contexte["rendez_vous_a_venir"] = [r for r in rendez_vous if r.date_heure >= timezone.now()][::-1]
        contexte["rendez_vous_passes"] = [r for r in rendez_vous if r.date_heure < timezone.now()]
        contexte["statuts"] = RendezVous.Statut.choices
        if peut_modifier:
            initial = {"intervenant": str(request.user.uuid)}
            contexte["form"] = formulaires.get("form") or RendezVousForm(intervenants=actifs, initial=initial)
    elif onglet == "groupe":
        contexte["etat_espace"] = espace_activation.etat_espace(carnet)
        contexte["oppositions"] = espace_partage.oppositions_du_carnet(carnet, lecteur=request.user)
        contexte["partages"] = espace_partage.raisons_du_partage(carnet)
        contexte["peut_enregistrer_opposition"] = conservation.peut_enregistrer_opposition(request.user, carnet)
        contexte["peut_gerer_gel_legal"] = conservation.peut_gerer_gel_legal(request.user, carnet)
    elif onglet == "notes":
        contexte["notes"] = carnet.notes.visibles_par(request.user).select_related("auteur", "organisation")
        if peut_modifier:
            organisation = request.membre_courant.organisation if request.membre_courant else None
            permises = services.visibilites_permises(carnet, request.user, organisation, actifs)
            contexte["form"] = formulaires.get("form") or NoteForm(permises=permises)
    elif onglet == "procedures":
        contexte["manquements"] = carnet.manquements.order_by("-date_faits", "-id")
        contexte["dossiers_equipe"] = carnet.dossiers_equipe.select_related("seance__equipe").order_by(
            "-seance__date_heure", "-id"
        )
    elif onglet == "historique":
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
    return render(request, "parcours/carnet.html", contexte, status=status)


def carnet_imprimer(request, uuid):
    """Synthèse imprimable du carnet (la base du PDF à venir) ; l'impression est une consultation journalisée."""
    carnet = regles.get_carnet_for_user(request.user, uuid)
    membre = request.membre_courant
    actifs = list(carnet.intervenants.actifs().select_related("utilisateur", "organisation"))
    voit_sensible = regles.voit_sensible_carnet_visible(request.user, carnet, actifs)
    services.enregistrer_consultation(
        carnet,
        utilisateur=request.user,
        organisation=membre.organisation if membre else None,
        onglet="impression",
        voit_sensible=voit_sensible,
    )
    contexte = {
        "carnet": carnet,
        "personne": carnet.personne,
        "voit_sensible": voit_sensible,
        "statuts_en_cours": carnet.personne.statuts.filter(date_fin__isnull=True),
        "intervenants": actifs,
        "rendez_vous": carnet.rendez_vous.select_related("intervenant", "organisation").order_by("-date_heure")[:10],
        "imprime_le": timezone.now(),
        "imprime_par": request.user,
    }
    return render(request, "parcours/carnet_impression.html", contexte)


def _contexte_plan(carnet, peut_modifier, formulaires):
    contrats = list(carnet.contrats.all())
    objectifs = list(
        carnet.objectifs.select_related("axe", "referentiel", "contrat").prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("referentiel", "porteur"))
        )
    )
    axes = {}
    for objectif in objectifs:
        axes.setdefault(objectif.axe.libelle, []).append(objectif)
    contexte = {
        "contrats": contrats,
        "axes": sorted(axes.items()),
        "statuts_action": Action.Statut.choices,
        # Pas de formulaire pour qui lit le carnet sans pouvoir le modifier (le gabarit les teste).
        "form_objectif": None,
        "form_contrat": None,
    }
    if peut_modifier:
        organisations = list(permissions.organisations_partageant(carnet, VOIR_CARNET))
        erreur_action = formulaires.get("form_action")
        actions_par_axe = choix_actions_par_axe()
        for objectif in objectifs:
            lie = (
                erreur_action
                if erreur_action is not None and erreur_action.prefix == f"action-{objectif.uuid}"
                else None
            )
            objectif.form_action = lie or ActionForm(
                objectif=objectif, organisations=organisations, actions_par_axe=actions_par_axe
            )
        contexte["form_objectif"] = formulaires.get("form_objectif") or ObjectifForm(contrats=contrats)
        contexte["form_contrat"] = formulaires.get("form_contrat") or ContratForm()
    return contexte


@require_POST
def objectif_ajouter(request, uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    contrats = list(carnet.contrats.all())
    form = ObjectifForm(request.POST, contrats=contrats)
    if form.is_valid():
        donnees = dict(form.cleaned_data)
        contrat_uuid = donnees.pop("contrat")
        contrat = next((c for c in contrats if str(c.uuid) == contrat_uuid), None)
        try:
            services.ajouter_objectif(carnet, acteur=request.user, contrat=contrat, **donnees)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Objectif ajouté au plan d'action.")
            return redirect(f"{carnet_url(carnet)}?onglet=plan")
    return _page_carnet(request, carnet, "plan", status=400, form_objectif=form)


@require_POST
def action_ajouter(request, uuid, objectif_uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    objectif = get_object_or_404(Objectif.objects.select_related("axe", "carnet"), carnet=carnet, uuid=objectif_uuid)
    organisations = list(permissions.organisations_partageant(carnet, VOIR_CARNET))
    form = ActionForm(request.POST, objectif=objectif, organisations=organisations)
    if form.is_valid():
        donnees = dict(form.cleaned_data)
        porteur_uuid = donnees.pop("porteur")
        porteur = next((o for o in organisations if str(o.uuid) == porteur_uuid), None)
        try:
            services.ajouter_action(objectif, acteur=request.user, porteur=porteur, **donnees)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Action ajoutée.")
            return redirect(f"{carnet_url(carnet)}?onglet=plan")
    return _page_carnet(request, carnet, "plan", status=400, form_action=form)


@require_POST
def action_statut(request, uuid, action_uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    action = get_object_or_404(
        Action.objects.select_related("objectif__carnet", "referentiel"), objectif__carnet=carnet, uuid=action_uuid
    )
    form = StatutActionForm(request.POST)
    if form.is_valid():
        services.changer_statut_action(action, acteur=request.user, statut=form.cleaned_data["statut"])
        messages.success(request, f"« {action.libelle} » : {action.get_statut_display().lower()}.")
    else:
        messages.error(request, "Choisissez un statut dans la liste.")
    return redirect(f"{carnet_url(carnet)}?onglet=plan")


@require_POST
def contrat_ajouter(request, uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    form = ContratForm(request.POST)
    if form.is_valid():
        try:
            services.enregistrer_contrat(carnet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Contrat d'engagement enregistré.")
            return redirect(f"{carnet_url(carnet)}?onglet=plan")
    return _page_carnet(request, carnet, "plan", status=400, form_contrat=form)


@require_POST
def contrat_accord(request, uuid, contrat_uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    contrat = get_object_or_404(ContratEngagement.objects.select_related("carnet"), carnet=carnet, uuid=contrat_uuid)
    form = AccordForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date de l'accord.")
    else:
        try:
            services.enregistrer_accord(contrat, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, "Accord de la personne enregistré.")
    return redirect(f"{carnet_url(carnet)}?onglet=plan")


@require_POST
def rendez_vous_ajouter(request, uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    actifs = list(carnet.intervenants.actifs().select_related("utilisateur", "organisation"))
    form = RendezVousForm(request.POST, intervenants=actifs)
    if form.is_valid():
        donnees = dict(form.cleaned_data)
        choisi = donnees.pop("intervenant")
        avec = next(i.utilisateur for i in actifs if str(i.utilisateur.uuid) == choisi)
        try:
            rendez_vous = services.prevoir_rendez_vous(carnet, acteur=request.user, intervenant=avec, **donnees)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request, f"Rendez-vous prévu le {timezone.localtime(rendez_vous.date_heure):%d/%m/%Y à %H:%M}."
            )
            return redirect(f"{carnet_url(carnet)}?onglet=rendez_vous")
    return _page_carnet(request, carnet, "rendez_vous", status=400, form=form)


@require_POST
def rendez_vous_suite(request, uuid, rendez_vous_uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    rendez_vous = get_object_or_404(RendezVous.objects.select_related("carnet"), carnet=carnet, uuid=rendez_vous_uuid)
    form = SuiteRendezVousForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un statut dans la liste.")
    else:
        try:
            services.mettre_a_jour_rendez_vous(rendez_vous, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request, f"Rendez-vous du {timezone.localtime(rendez_vous.date_heure):%d/%m/%Y} mis à jour."
            )
    return redirect(f"{carnet_url(carnet)}?onglet=rendez_vous")


@require_POST
def statut_changer(request, uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    form = StatutForm(request.POST)
    if form.is_valid():
        try:
            statut = services.changer_statut(carnet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Statut mis à jour : {statut.get_type_display()}.")
            return redirect(f"{carnet_url(carnet)}?onglet=situation")
    return _page_carnet(request, carnet, "situation", status=400, form=form)


@require_POST
def note_ajouter(request, uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    organisation = request.membre_courant.organisation if request.membre_courant else None
    form = NoteForm(request.POST, permises=services.visibilites_permises(carnet, request.user, organisation))
    if form.is_valid():
        try:
            services.ajouter_note(carnet, acteur=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Note enregistrée.")
            return redirect(f"{carnet_url(carnet)}?onglet=notes")
    return _page_carnet(request, carnet, "notes", status=400, form=form)


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
                reporter_erreurs(form, erreur)
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
            reporter_erreurs(form, erreur)
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
