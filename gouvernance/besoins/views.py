"""Les pages de pilotage des besoins non couverts et du flux des orientations : des chiffres agrégés, jamais une
personne. Accès : les territoires du pilotage (`gouvernance.permissions.departements_du_pilotage`) ; sans territoire,
404. Un filtre invalide s'affiche en erreur sur la page (400 pour un téléchargement)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gouvernance import permissions
from gouvernance.besoins import besoins, flux
from gouvernance.besoins.forms import FiltresBesoinsForm, FluxForm


def _territoires(user) -> list[str]:
    """Les territoires du pilotage de l'utilisateur (404 s'il n'en a aucun) : les seuls choix des filtres, si bien
    qu'un autre territoire est une erreur du filtre, sans rien révéler."""
    territoires = sorted(permissions.departements_du_pilotage(user))
    if not territoires:
        raise Http404
    return territoires


def _avec_defauts(request, **defauts):
    """Les paramètres de la requête, complétés des valeurs par défaut des champs absents."""
    donnees = request.GET.copy()
    for cle, valeur in defauts.items():
        if not donnees.get(cle):
            donnees[cle] = valeur
    return donnees


def _besoins(request):
    territoires = _territoires(request.user)
    libelles = besoins.libelles_domaines()
    form = FiltresBesoinsForm(
        _avec_defauts(request, territoire=territoires[0]), territoires=territoires, domaines=libelles
    )
    if not form.is_valid():
        return form, None
    territoire = form.cleaned_data["territoire"]
    return form, besoins.calculer(territoire, domaine=form.cleaned_data["domaine"], libelles=libelles)


@require_GET
def besoins_page(request):
    form, resultat = _besoins(request)
    parametres = form.data.urlencode() if resultat is not None else ""
    contexte = {"filtres_form": form, "resultat": resultat, "requete": parametres}
    return render(request, "gouvernance/besoins/besoins.html", contexte, status=200 if resultat is not None else 400)


@require_GET
def besoins_export(request):
    form, resultat = _besoins(request)
    if resultat is None:
        contexte = {"filtres_form": form, "resultat": None, "requete": ""}
        return render(request, "gouvernance/besoins/besoins.html", contexte, status=400)
    reponse = HttpResponse(besoins.en_csv(resultat), content_type="text/csv; charset=utf-8")
    nom = f"besoins-non-couverts-{resultat.departement}{'-' + resultat.domaine if resultat.domaine else ''}.csv"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


def _flux(request):
    territoires = _territoires(request.user)
    donnees = _avec_defauts(request, territoire=territoires[0], mois=str(flux.Mois.precedent()), format=flux.CSV)
    return FluxForm(donnees, territoires=territoires)


@require_GET
def flux_page(request):
    form = _flux(request)
    lignes, parametres = None, ""
    if form.is_valid():
        territoire, mois = form.cleaned_data["territoire"], form.cleaned_data["mois"]
        lignes = flux.lignes_affichees(territoire, mois)
        parametres = form.data.urlencode()
    return _page_flux(request, form, lignes, parametres)


def _page_flux(request, form, lignes, requete):
    contexte = {"flux_form": form, "lignes": lignes, "requete": requete}
    return render(request, "gouvernance/besoins/flux.html", contexte, status=200 if form.is_valid() else 400)


@require_GET
def flux_export(request):
    form = _flux(request)
    if not form.is_valid():
        return _page_flux(request, form, None, "")
    territoire, mois, format_ = (form.cleaned_data[cle] for cle in ("territoire", "mois", "format"))
    type_mime = "application/json" if format_ == flux.JSON else "text/csv; charset=utf-8"
    reponse = HttpResponse(flux.exporter(territoire, mois, format_), content_type=type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="{flux.nom_de_fichier(territoire, mois, format_)}"'
    return reponse
