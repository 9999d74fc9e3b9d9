"""La recherche dans l'offre : pour les professionnels connectés (`offre:recherche`), pour le public sans les
contacts (`offre:recherche_publique`, `offre:service_public`), et l'aide à la saisie de la commune
(`offre:communes`). Lecture seule. Voir docs/offre-recherche.md."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from offre import referentiels, regles
from offre.catalogue import affichage
from offre.models import Service, SessionService
from offre.recherche import communes as recherche_communes
from offre.recherche.forms import FormulaireRecherche
from offre.recherche.moteur import rechercher

PAR_PAGE = 20
FRAGMENT = "offre/includes/recherche_resultats.html"


def contexte_resultats(
    request,
    formulaire: FormulaireRecherche,
    *,
    public: bool = False,
    gabarit_action: str = "",
    parametres_supplementaires: str = "",
    services=None,
    par_page: int = PAR_PAGE,
) -> dict:
    """Lance la recherche du formulaire et rend le contexte complet des fragments `recherche_formulaire.html` et
    `recherche_resultats.html` (la page demandée de résultats, la pagination, les erreurs). Réutilisable par une
    autre vue (recherche depuis un carnet) : `gabarit_action` est inclus dans chaque carte avec `resultat` en
    contexte, `parametres_supplementaires` (chaîne de requête) est gardé dans les liens de pagination."""
    resultats = page = None
    if formulaire.is_valid():
        resultats = rechercher(formulaire.criteres(), services=services)
        page = Paginator(resultats, par_page).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    premiere_page_a_distance = None
    if resultats is not None and resultats.a_distance and page.paginator.num_pages > 1:
        premiere_page_a_distance = len(resultats.sur_place) // par_page + 1
    return {
        "formulaire": formulaire,
        "resultats": resultats,
        "page": page,
        "requete": parametres.urlencode(),
        "premiere_page_a_distance": premiere_page_a_distance,
        "public": public,
        "gabarit_action": gabarit_action,
        "parametres_supplementaires": parametres_supplementaires,
        "url_recherche": request.path,
    }


def _page_ou_fragment(request, gabarit, contexte):
    """La page complète, ou le seul fragment de résultats pour htmx (sauf restauration de l'historique)."""
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, FRAGMENT, contexte)
    return render(request, gabarit, contexte)


@require_GET
@vary_on_headers("HX-Request")
def recherche(request):
    if not regles.peut_consulter_offre(request.user):
        raise PermissionDenied("La recherche dans l'offre est réservée aux membres d'une organisation partenaire.")
    contexte = contexte_resultats(request, FormulaireRecherche(request.GET))
    return _page_ou_fragment(request, "offre/recherche/recherche.html", contexte)


@login_not_required
@require_GET
@vary_on_headers("HX-Request")
def recherche_publique(request):
    contexte = contexte_resultats(request, FormulaireRecherche(request.GET), public=True)
    return _page_ou_fragment(request, "offre/recherche/recherche_publique.html", contexte)


@login_not_required
@require_GET
def service_public(request, uuid):
    """La fiche publique d'un service publié : sans aucun contact (ni courriel, ni téléphone, ni nom)."""
    a_venir = SessionService.objects.a_venir()
    service = get_object_or_404(
        Service.objects.publies()
        .select_related("structure")
        .prefetch_related(Prefetch("sessions", queryset=a_venir, to_attr="sessions_a_venir")),
        uuid=uuid,
    )
    return render(request, "offre/recherche/service_public.html", {"service": service, **_libelles(service)})


@login_not_required
@require_GET
def communes_suggerees(request):
    """Les communes qui commencent par la saisie (code postal ou nom), en `<option>` d'un `<datalist>`."""
    saisie = request.GET.get("commune", "")[: FormulaireRecherche.base_fields["commune"].max_length]
    return render(request, "offre/includes/recherche_communes.html", {"communes": recherche_communes.suggerer(saisie)})


def _libelles(service) -> dict:
    thematiques = referentiels.thematiques()
    return {
        "thematiques": [thematiques[code][0] for code in service.thematiques if code in thematiques],
        "publics": affichage.libelles(service.publics, referentiels.publics()),
        "type": referentiels.types_de_services().get(service.type, ""),
        "frais": referentiels.frais().get(service.frais, ""),
        "modes_mobilisation": affichage.libelles(service.modes_mobilisation, referentiels.modes_mobilisation()),
        "mobilisable_par": affichage.libelles(service.mobilisable_par, referentiels.personnes_mobilisatrices()),
        "zone": affichage.zone(service.zone_eligibilite),
    }
