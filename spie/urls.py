from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from spie import views

# L'administration technique passe par la connexion d'allauth (second facteur compris).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Plateforme SPIE – administration technique"
admin.site.site_title = "Administration SPIE"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("sante/", views.sante, name="sante"),
    path("documents/<uuid:uuid>/", views.document, name="document"),
    path("documents/<uuid:uuid>/telecharger/", views.document_telecharger, name="document_telecharger"),
    path("comptes/", include("allauth.urls")),
    path("", include("partenaires.urls")),
    path("", include("parcours.urls")),
    path("offre/", include("offre.urls")),
    path("gouvernance/", include("gouvernance.urls")),
    path("api/v1/", include("offre.echange.api_urls")),
    path("admin/", admin.site.urls),
]


def page_plancher() -> list:
    """La page plancher des tests de charge, seulement si `SPIE_PAGE_PLANCHER` (sinon l'URL n'existe pas)."""
    return [path(views.CHEMIN_PLANCHER, views.plancher, name="plancher")] if settings.SPIE_PAGE_PLANCHER else []


urlpatterns += page_plancher()
