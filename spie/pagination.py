from django.core.paginator import Paginator

PAR_PAGE = 25


def paginer(request, queryset, par_page: int = PAR_PAGE):
    """La page demandée, et les paramètres de la requête sans `page` (pour les liens de pagination)."""
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return Paginator(queryset, par_page).get_page(request.GET.get("page")), parametres.urlencode()
