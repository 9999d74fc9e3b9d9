"""L'échange au format data·inclusion v1 : import (pilotes), export (professionnels du territoire) et API publique de
lecture (voir docs/offre-echange.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from offre.echange import depot, ecriture, export, regles
from offre.echange.analyse import analyser_fichiers
from offre.echange.forms import ConfirmationForm, ExportForm, ImportForm, ParametresApiForm
from offre.echange.lecture import OBJETS_MAX
from offre.echange.lecture import TAILLE_MAX as TAILLE_FICHIER_MAX
from spie.forms import reporter_erreurs

ERREURS_PAR_PAGE = 50


def _pluriel(nombre: int, singulier: str, pluriel: str) -> str:
    return f"{nombre} {singulier if nombre < 2 else pluriel}"


def compte_rendu(compte: dict) -> str:
    texte = (
        f"Import terminé : {_pluriel(compte['structures_creees'], 'structure créée', 'structures créées')}, "
        f"{_pluriel(compte['structures_mises_a_jour'], 'mise à jour', 'mises à jour')}, "
        f"{_pluriel(compte['structures_inchangees'], 'inchangée', 'inchangées')} ; "
        f"{_pluriel(compte['services_crees'], 'service créé', 'services créés')}, "
        f"{_pluriel(compte['services_mis_a_jour'], 'mis à jour', 'mis à jour')}, "
        f"{_pluriel(compte['services_inchanges'], 'inchangé', 'inchangés')}."
    )
    if compte["en_erreur"]:
        texte += f" {_pluriel(compte['en_erreur'], 'ligne en erreur laissée', 'lignes en erreur laissées')} de côté."
    return texte


def importer(request):
    """Téléverser puis analyser à blanc (rien n'est écrit) ; l'analyse s'affiche sous le formulaire."""
    departements = regles.departements_d_import(request.user)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fichiers = form.fichiers()
        try:
            analyse = analyser_fichiers(fichiers, departements=departements)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            depot.garder(request.session, fichiers, analyse)
            return redirect("offre:import")
    analyse = depot.reprendre(request.session) if request.method == "GET" else None
    contexte = {
        "form": form,
        "departements": sorted(departements),
        "depot": analyse,
        "taille_max": TAILLE_FICHIER_MAX // 1024 // 1024,
        "objets_max": OBJETS_MAX,
    }
    if analyse:
        contexte["erreurs"] = Paginator(analyse.erreurs, ERREURS_PAR_PAGE).get_page(request.GET.get("page"))
        contexte["confirmation"] = ConfirmationForm(initial={"empreinte": analyse.empreinte})
    return render(request, "offre/echange/import.html", contexte, status=400 if form.errors else 200)


@require_POST
def import_confirmer(request):
    departements = regles.departements_d_import(request.user)
    analyse = depot.reprendre(request.session)
    form = ConfirmationForm(request.POST)
    if analyse is None:
        messages.error(request, "Aucun fichier analysé à confirmer : déposez d'abord le fichier à importer.")
        return redirect("offre:import")
    if not form.is_valid() or form.cleaned_data["empreinte"] != analyse.empreinte:
        messages.error(
            request,
            "Le fichier analysé n'est plus celui de la page que vous avez confirmée (une autre analyse l'a remplacé) : "
            "vérifiez l'analyse ci-dessous avant de confirmer.",
        )
        return redirect("offre:import")
    try:
        resultat = ecriture.importer(
            analyse.fichiers,
            acteur=request.user,
            departements=departements,
            valides_seulement=form.cleaned_data["valides_seulement"],
        )
    except ecriture.ImportRefuse as refus:
        depot.garder(request.session, analyse.fichiers, refus.analyse)  # l'analyse refaite à la confirmation
        messages.error(request, " ".join(refus.messages))
        return redirect("offre:import")
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect("offre:import")
    depot.oublier(request.session)
    messages.success(request, compte_rendu(resultat.compte()))
    return redirect("offre:import")


@require_POST
def import_abandonner(request):
    regles.departements_d_import(request.user)
    depot.oublier(request.session)
    messages.info(request, "Import abandonné : rien n'a été importé.")
    return redirect("offre:import")


@require_GET
def exporter(request):
    """Sans paramètre : le formulaire ; avec : le fichier du catalogue du territoire, à télécharger."""
    departements = regles.get_departements_for_export(request.user, request.GET.get("departement"))
    form = ExportForm(request.GET or None, departements_permis=departements)
    if not form.is_bound or not form.is_valid():
        return render(request, "offre/echange/export.html", {"form": form}, status=400 if form.is_bound else 200)
    departement, format_, type_ = (form.cleaned_data[champ] for champ in ("departement", "format", "type"))
    contenu = export.catalogue(departement, type_)
    if format_ == export.JSON:
        corps, type_mime = export.en_json(contenu, type_), "application/json; charset=utf-8"
    else:
        corps, type_mime = export.en_csv(contenu[type_], type_), "text/csv; charset=utf-8"
    nom = f"offre-{departement}-{type_ or 'catalogue'}-{timezone.localdate():%Y-%m-%d}.{format_}"
    reponse = HttpResponse(corps, content_type=type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


# --- API publique de lecture ---------------------------------------------------------------------------------


def _json(donnees: dict, status: int = 200) -> JsonResponse:
    reponse = JsonResponse(donnees, status=status, json_dumps_params={"ensure_ascii": False})
    reponse["Access-Control-Allow-Origin"] = "*"  # des données publiques, lisibles depuis tout site
    return reponse


def _erreurs(erreurs: dict) -> JsonResponse:
    return _json({"erreurs": {("parametres" if champ == "__all__" else champ): e for champ, e in erreurs.items()}}, 400)


def _api(request, page, *, thematique: bool):
    form = ParametresApiForm(request.GET, thematique=thematique)
    if not form.is_valid():
        return _erreurs({champ: list(messages_) for champ, messages_ in form.errors.items()})
    try:
        return _json(page(**form.cleaned_data))
    except ValidationError as erreur:
        return _erreurs(erreur.message_dict)


@login_not_required
@require_safe
def api_structures(request):
    """`/api/v1/structures` : les structures au format data·inclusion v1 (filtres `departement`, `source`)."""
    return _api(request, export.page_de_structures, thematique=False)


@login_not_required
@require_safe
def api_services(request):
    """`/api/v1/services` : les services publiés et dans les résultats, sans contact (filtres `departement`,
    `thematique` — code ou catégorie —, `source`)."""
    return _api(request, export.page_de_services, thematique=True)
