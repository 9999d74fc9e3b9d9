"""Import de personnes depuis un fichier CSV ou XLSX : correspondance des colonnes, aperçu, import confirmé."""

from django.urls import path

from parcours.imports import views

IMPORT = "imports/<uuid:uuid>/"

urlpatterns = [
    path("imports/", views.liste, name="imports"),
    path("imports/televerser/", views.televerser, name="import_televerser"),
    path("imports/modele.csv", views.modele, name="import_modele"),
    path(IMPORT, views.detail, name="import"),
    path(f"{IMPORT}correspondance/", views.correspondance, name="import_correspondance"),
    path(f"{IMPORT}confirmer/", views.confirmer, name="import_confirmer"),
    path(f"{IMPORT}abandonner/", views.abandonner, name="import_abandonner"),
    path(f"{IMPORT}compte-rendu.csv", views.rapport, name="import_rapport"),
]
