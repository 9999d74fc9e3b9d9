from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

PAR_PAGE = 25


def paginer(request, queryset, par_page: int = PAR_PAGE):
    """La page demandée, et les paramètres de la requête sans `page` (pour les liens de pagination)."""
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return Paginator(queryset, par_page).get_page(request.GET.get("page")), parametres.urlencode()


class PaginateurParCles(Paginator):
    """Pagine les clés, puis charge les seuls objets de la page.

    `cles` : le queryset filtré et trié, sans annotation coûteuse ; le comptage et l'`OFFSET`/`LIMIT` portent sur
    lui seul. `charger(tranche)` reçoit la tranche de la page (un queryset de clés découpé, à passer à `pk__in`)
    et rend les objets de la page, annotés et triés : la base n'évalue leurs sous-requêtes que pour eux, et non
    pour chaque ligne sautée par l'`OFFSET`. Une seule requête pour la page (la tranche est une sous-requête).
    `compter` (facultatif) : rend le nombre de clés par une requête moins chère que `cles.count()`, mais qui
    compte les mêmes lignes (à l'appelant de le garantir).
    """

    def __init__(self, cles, charger, par_page: int, compter=None):
        super().__init__(cles, par_page)
        self.charger = charger
        self.compter = compter

    @cached_property
    def count(self):
        return self.compter() if self.compter is not None else super().count

    def page(self, number):
        """Une page de la seconde moitié se lit à rebours (tri inversé, `OFFSET` compté depuis la fin) : la dernière
        page coûte comme la première (PostgreSQL peut alors parcourir un index de tri à rebours et s'arrêter après
        quelques lignes) ; `charger` retrie les objets de la page dans l'ordre de la liste."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom > self.count - top and self.object_list.ordered:
            tranche = self.object_list.reverse()[self.count - top : self.count - bottom]
        else:
            tranche = self.object_list[bottom:top]
        return self._get_page(tranche, number, self)

    def _get_page(self, tranche, number, paginator):
        return Page(self.charger(tranche), number, paginator)


def paginer_par_cles(request, cles, charger, par_page: int = 25, compter=None):
    """Comme `paginer`, pour un `PaginateurParCles` (voir plus haut)."""
    parametres = request.GET.copy()
    parametres.pop("page", None)
    paginateur = PaginateurParCles(cles, charger, par_page, compter)
    return paginateur.get_page(request.GET.get("page")), parametres.urlencode()
