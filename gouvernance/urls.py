from gouvernance.besoins import urls as besoins
from gouvernance.composition import urls as composition
from gouvernance.comptes_rendus import urls as comptes_rendus
from gouvernance.deliberation import urls as deliberation
from gouvernance.etudes import urls as etudes
from gouvernance.indicateurs import urls as indicateurs
from gouvernance.plan import urls as plan
from gouvernance.seances import urls as seances

app_name = "gouvernance"

urlpatterns = [
    *composition.urlpatterns,
    *seances.urlpatterns,
    *deliberation.urlpatterns,
    *plan.urlpatterns,
    *comptes_rendus.urlpatterns,
    *etudes.urlpatterns,
    *indicateurs.urlpatterns,
    *besoins.urlpatterns,
]
