"""Les pages du plan d'actions : liste des fiches du consortium, fiche action, création (directe ou depuis une
décision), modification, avancement, budget, indicateurs, conférence des financeurs et son export.

Chaque vue : lire l'entrée, un appel d'accès (`gouvernance.permissions` : 404 quand on ne voit pas, 403 quand on
voit sans pouvoir agir), un appel de service ou de requête, le rendu."""

import uuid as uuid_module

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from gouvernance import permissions
from gouvernance.choix import PublicFiche
from gouvernance.models import Decision, LigneBudget
from gouvernance.plan import financeurs, services
from gouvernance.plan.forms import (
    AvancementForm,
    FicheForm,
    FiltresFinanceursForm,
    FiltresPlanForm,
    IndicateurForm,
    LigneBudgetForm,
)
from spie.forms import reporter_erreurs
from spie.pagination import paginer

FICHES_PAR_PAGE = 50


def _url_fiche(fiche, ancre: str = "") -> str:
    return reverse("gouvernance:fiche", args=[fiche.uuid]) + (f"#{ancre}" if ancre else "")


def _montant(valeur) -> str:
    return f"{number_format(valeur, 2, force_grouping=True)} €"


def _avertir_si_depasse(request, ligne) -> None:
    if services.depasse_engage(ligne):
        messages.warning(
            request,
            f"Le dépensé ({_montant(ligne.depense)}) dépasse l'engagé ({_montant(ligne.engage)}) pour "
            f"{ligne.precision_financeur or ligne.get_financeur_display()} en {ligne.annee} : vérifiez les montants.",
        )


# --- Plan d'actions ------------------------------------------------------------------------------


@require_GET
def plan(request, uuid):
    consortium = permissions.get_consortium_for_user(request.user, uuid)
    filtres_form = FiltresPlanForm(request.GET)
    fiches = consortium.fiches.filter(**filtres_form.filtres())
    liste = financeurs.avec_budget(fiches).select_related("organisation_pilote").order_by("numero")
    page, requete = paginer(request, liste, par_page=FICHES_PAR_PAGE)
    contexte = {
        "consortium": consortium,
        "filtres_form": filtres_form,
        "filtre_actif": bool(filtres_form.filtres()),
        "page": page,
        "requete": requete,
        "totaux": financeurs.totaux_des_fiches(fiches),
        "peut_editer": permissions.can_edit_plan(request.user, consortium),
    }
    if request.htmx:
        return render(request, "gouvernance/plan/includes/fiches.html", contexte)
    return render(request, "gouvernance/plan/plan.html", contexte)


def _decision_origine(request, consortium):
    """La décision (`?decision=<uuid>`) d'un comité du consortium que l'utilisateur voit ; 404 sinon."""
    valeur = request.GET.get("decision")
    if not valeur:
        return None
    try:
        identifiant = uuid_module.UUID(valeur)
    except ValueError:
        raise Http404("Décision introuvable.") from None
    decision = (
        Decision.objects.filter(
            uuid=identifiant, comite__consortium=consortium, comite__in=permissions.visible_comites(request.user)
        )
        .select_related("comite", "seance", "organisation_responsable")
        .first()
    )
    if decision is None:
        raise Http404("Décision introuvable.")
    return decision


def _initial_depuis(decision, consortium) -> dict:
    premiere_ligne = decision.texte.strip().splitlines()[0] if decision.texte.strip() else ""
    initial = {"titre": Truncator(premiere_ligne).chars(250), "description": decision.texte}
    if consortium.membres.filter(organisation=decision.organisation_responsable_id).exists():
        initial["organisation_pilote"] = decision.organisation_responsable
    return initial


def fiche_creer(request, uuid):
    consortium = permissions.get_consortium_for_plan(request.user, uuid)
    decision = _decision_origine(request, consortium)
    initial = _initial_depuis(decision, consortium) if decision else {}
    form = FicheForm(request.POST or None, consortium=consortium, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fiche = services.creer_fiche(consortium, acteur=request.user, decision_origine=decision, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"La fiche action n° {fiche.numero} « {fiche.titre} » est créée.")
            return redirect(_url_fiche(fiche))
    contexte = {
        "form": form,
        "consortium": consortium,
        "fiche": None,
        "decision": decision,
        "url_annuler": reverse("gouvernance:plan", args=[consortium.uuid]),
    }
    return render(request, "gouvernance/plan/fiche_form.html", contexte)


@require_GET
def fiche(request, uuid):
    fiche = permissions.get_fiche_for_user(request.user, uuid)
    indicateurs = list(fiche.indicateurs.all())
    for indicateur in indicateurs:
        indicateur.atteinte = (
            financeurs.taux(indicateur.valeur, indicateur.cible) if indicateur.valeur is not None else None
        )
    # La décision d'origine et les revues en séance ne se lisent que dans les comités que l'on voit.
    comites = permissions.visible_comites(request.user).values("pk")
    decision = None
    if fiche.decision_origine_id:
        decision = (
            Decision.objects.select_related("comite", "seance")
            .filter(pk=fiche.decision_origine_id, comite__in=comites)
            .first()
        )
    contexte = {
        "fiche": fiche,
        "consortium": fiche.consortium,
        "publics": [PublicFiche(code).label for code in fiche.publics if code in PublicFiche.values],
        "partenaires": list(fiche.partenaires.order_by("nom")),
        "decision": decision,
        "budget": financeurs.budget_de_la_fiche(fiche.budget.all()),
        "indicateurs": indicateurs,
        "suivis": list(
            fiche.suivis.filter(seance__comite__in=comites).select_related("seance__comite").order_by("-date")
        ),
        "peut_editer": permissions.can_edit_plan(request.user, fiche.consortium),
        "peut_actualiser": permissions.can_update_fiche(request.user, fiche),
    }
    return render(request, "gouvernance/plan/fiche.html", contexte)


def fiche_modifier(request, uuid):
    fiche = permissions.get_fiche_for_edit(request.user, uuid)
    form = FicheForm(request.POST or None, consortium=fiche.consortium, fiche=fiche)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_fiche(fiche, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "La fiche action est enregistrée.")
            return redirect(_url_fiche(fiche))
    contexte = {
        "form": form,
        "consortium": fiche.consortium,
        "fiche": fiche,
        "decision": None,
        "url_annuler": _url_fiche(fiche),
    }
    return render(request, "gouvernance/plan/fiche_form.html", contexte)


def fiche_avancement(request, uuid):
    fiche = permissions.get_fiche_for_update(request.user, uuid)
    form = AvancementForm(request.POST or None, initial={"statut": fiche.statut, "avancement": fiche.avancement})
    if request.method == "POST" and form.is_valid():
        try:
            fiche = services.actualiser_avancement(fiche, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request, f"Avancement enregistré : {fiche.get_statut_display().lower()}, {fiche.avancement} %."
            )
            return redirect(_url_fiche(fiche))
    contexte = {
        "form": form,
        "fiche": fiche,
        "titre": "Actualiser l'avancement",
        "bouton": "Enregistrer l'avancement",
        "url_annuler": _url_fiche(fiche),
    }
    return render(request, "gouvernance/plan/fiche_saisie.html", contexte)


# --- Budget --------------------------------------------------------------------------------------


def ligne_budget_ajouter(request, uuid):
    fiche = permissions.get_fiche_for_update(request.user, uuid)
    form = LigneBudgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ligne = services.ajouter_ligne_budget(fiche, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"La ligne de budget {ligne.annee} est ajoutée.")
            _avertir_si_depasse(request, ligne)
            return redirect(_url_fiche(fiche, "budget"))
    contexte = {
        "form": form,
        "fiche": fiche,
        "titre": "Ajouter une ligne de budget",
        "bouton": "Ajouter la ligne",
        "url_annuler": _url_fiche(fiche, "budget"),
    }
    return render(request, "gouvernance/plan/fiche_saisie.html", contexte)


def ligne_budget_modifier(request, uuid, pk):
    fiche = permissions.get_fiche_for_update(request.user, uuid)
    ligne = get_object_or_404(LigneBudget, fiche=fiche, pk=pk)
    form = LigneBudgetForm(request.POST or None, ligne=ligne)
    if request.method == "POST" and form.is_valid():
        try:
            ligne = services.modifier_ligne_budget(ligne, acteur=request.user, **form.champs())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"La ligne de budget {ligne.annee} est enregistrée.")
            _avertir_si_depasse(request, ligne)
            return redirect(_url_fiche(fiche, "budget"))
    contexte = {
        "form": form,
        "fiche": fiche,
        "titre": "Modifier une ligne de budget",
        "bouton": "Enregistrer",
        "url_annuler": _url_fiche(fiche, "budget"),
    }
    return render(request, "gouvernance/plan/fiche_saisie.html", contexte)


@require_POST
def ligne_budget_supprimer(request, uuid, pk):
    fiche = permissions.get_fiche_for_update(request.user, uuid)
    ligne = get_object_or_404(LigneBudget, fiche=fiche, pk=pk)
    services.supprimer_ligne_budget(ligne, acteur=request.user)
    messages.success(
        request, f"La ligne {ligne.precision_financeur or ligne.get_financeur_display()} {ligne.annee} est retirée."
    )
    return redirect(_url_fiche(fiche, "budget"))


# --- Indicateurs ---------------------------------------------------------------------------------


def indicateur_ajouter(request, uuid):
    fiche = permissions.get_fiche_for_update(request.user, uuid)
    form = IndicateurForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicateur = services.ajouter_indicateur(fiche, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"L'indicateur « {indicateur.libelle} » est ajouté.")
            return redirect(_url_fiche(fiche, "indicateurs"))
    contexte = {
        "form": form,
        "fiche": fiche,
        "titre": "Ajouter un indicateur",
        "bouton": "Ajouter l'indicateur",
        "url_annuler": _url_fiche(fiche, "indicateurs"),
    }
    return render(request, "gouvernance/plan/fiche_saisie.html", contexte)


def indicateur_modifier(request, uuid, pk):
    fiche = permissions.get_fiche_for_update(request.user, uuid)
    indicateur = get_object_or_404(fiche.indicateurs, pk=pk)
    form = IndicateurForm(request.POST or None, indicateur=indicateur)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_indicateur(indicateur, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"L'indicateur « {indicateur.libelle} » est enregistré.")
            return redirect(_url_fiche(fiche, "indicateurs"))
    contexte = {
        "form": form,
        "fiche": fiche,
        "titre": "Modifier un indicateur",
        "bouton": "Enregistrer",
        "url_annuler": _url_fiche(fiche, "indicateurs"),
    }
    return render(request, "gouvernance/plan/fiche_saisie.html", contexte)


# --- Conférence des financeurs -------------------------------------------------------------------


def _conference(request, consortium):
    form = FiltresFinanceursForm(request.GET, annees=financeurs.annees_du_consortium(consortium))
    return form, financeurs.conference(consortium, **form.filtres())


@require_GET
def financeurs_page(request, uuid):
    consortium = permissions.get_consortium_for_user(request.user, uuid)
    form, conference = _conference(request, consortium)
    parametres = request.GET.copy()
    parametres.pop("format", None)
    contexte = {
        "consortium": consortium,
        "filtres_form": form,
        "conference": conference,
        "requete": parametres.urlencode(),
    }
    return render(request, "gouvernance/plan/financeurs.html", contexte)


@require_GET
def financeurs_export(request, uuid):
    consortium = permissions.get_consortium_for_user(request.user, uuid)
    format_ = request.GET.get("format", financeurs.CSV)
    if format_ not in financeurs.FORMATS:
        return HttpResponseBadRequest("Format inconnu : choisissez csv ou xlsx.")
    _, conference = _conference(request, consortium)
    if format_ == financeurs.XLSX:
        corps = financeurs.en_xlsx(conference)
        type_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        corps, type_mime = financeurs.en_csv(conference), "text/csv; charset=utf-8"
    reponse = HttpResponse(corps, content_type=type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="{conference.nom_de_fichier}.{format_}"'
    return reponse
