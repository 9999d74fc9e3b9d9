"""Les pages des indicateurs du territoire : la page (tableaux, graphiques, définitions) et son export CSV.

Réservées à ceux qui voient les chiffres d'un territoire (`gouvernance.permissions.departements_du_pilotage` :
pilotes et secrétaires des comités) ; les autres : 404. Des agrégats seulement, jamais une personne."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gouvernance import permissions
from gouvernance.indicateurs import calcul, export, memoire, tableaux
from gouvernance.indicateurs import definitions as d
from gouvernance.indicateurs import population as p
from gouvernance.indicateurs.forms import FiltresIndicateursForm
from partenaires import referentiels


def _formulaire(request) -> FiltresIndicateursForm:
    departements = sorted(permissions.departements_du_pilotage(request.user))
    if not departements:
        raise Http404
    return FiltresIndicateursForm(request.GET, departements=departements)


@require_GET
def indicateurs(request):
    form = _formulaire(request)
    contexte = {
        "form": form,
        "par_section": None,
        "calcules_le": None,
        "duree_cache_minutes": memoire.DUREE_SECONDES // 60,
        "filtres": None,
        "territoire": "",
        "epci": [],
        "organisations": [],
        "requete": request.GET.urlencode(),
        "commentaires": None,
        "seuil_commentaires": d.SEUIL_COMMENTAIRES,
        "commentaires_max": d.COMMENTAIRES_MAX,
    }
    territoire = form.data.get("territoire", "")
    if territoire in dict(form.fields["territoire"].choices):
        contexte["epci"] = p.epci_du_departement(territoire)
        contexte["organisations"] = form.organisations()
    if form.is_valid():
        filtres = form.filtres()
        contexte["filtres"] = filtres
        contexte["territoire"] = f"{filtres.departement} – {referentiels.departements().get(filtres.departement, '')}"
        publication = tableaux.publier(filtres, arrondi=False)
        contexte["par_section"] = publication.par_section
        contexte["calcules_le"] = publication.calcules_le
        # Les commentaires libres des avis : sur cette page seulement (ni CSV, ni compte rendu), territoire et période.
        contexte["commentaires"] = calcul.commentaires_avis(filtres.departement, filtres.periode)
    return render(request, "gouvernance/indicateurs/indicateurs.html", contexte)


@require_GET
def indicateurs_export(request):
    form = _formulaire(request)
    if not form.is_valid():
        erreurs = " ".join(str(message) for messages in form.errors.values() for message in messages)
        return HttpResponseBadRequest(f"Filtres invalides : {erreurs}", content_type="text/plain; charset=utf-8")
    filtres = form.filtres()
    publication = tableaux.publier(filtres, arrondi=True)
    corps = export.en_csv(
        publication.par_section,
        territoire=filtres.departement,
        periode=filtres.periode,
        calcules_le=publication.calcules_le,
    )
    reponse = HttpResponse(corps, content_type="text/csv; charset=utf-8")
    nom = f"indicateurs-{filtres.departement}-{filtres.periode.debut:%Y%m%d}-{filtres.periode.fin:%Y%m%d}.csv"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse
