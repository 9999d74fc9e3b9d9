"""Les URL de la recherche dans l'offre (espace de noms « offre », monté sous /offre/)."""

from django.urls import path

from offre.recherche import views

urlpatterns = [
    path("recherche/", views.recherche, name="recherche"),
    path("public/", views.recherche_publique, name="recherche_publique"),
    path("public/services/<uuid:uuid>/", views.service_public, name="service_public"),
    path("communes/", views.communes_suggerees, name="communes"),
]
