"""L'API de lecture au format data·inclusion v1 (espace de noms « api »), montée sous /api/v1/."""

from django.urls import path

from offre.echange import views

app_name = "api"

urlpatterns = [
    path("structures", views.api_structures, name="structures"),
    path("services", views.api_services, name="services"),
]
