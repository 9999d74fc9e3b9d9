"""Les URL du pilotage des besoins non couverts et du flux des orientations (espace de noms « gouvernance »)."""

from django.urls import path

from gouvernance.besoins import views

urlpatterns = [
    path("pilotage/besoins-non-couverts/", views.besoins_page, name="besoins_non_couverts"),
    path("pilotage/besoins-non-couverts/export/", views.besoins_export, name="besoins_non_couverts_export"),
    path("pilotage/flux-orientations/", views.flux_page, name="flux_orientations"),
    path("pilotage/flux-orientations/export/", views.flux_export, name="flux_orientations_export"),
]
