from gouvernance.composition import urls as composition
from gouvernance.comptes_rendus import urls as comptes_rendus
from gouvernance.deliberation import urls as deliberation
from gouvernance.plan import urls as plan
from gouvernance.seances import urls as seances

app_name = "gouvernance"

urlpatterns = [
    *composition.urlpatterns,
    *seances.urlpatterns,
    *deliberation.urlpatterns,
    *plan.urlpatterns,
    *comptes_rendus.urlpatterns,
]
