"""L'import et l'export data·inclusion v1 de l'offre (espace de noms « offre »)."""

from django.urls import path

from offre.echange import views

urlpatterns = [
    path("import/", views.importer, name="import"),
    path("import/confirmer/", views.import_confirmer, name="import_confirmer"),
    path("import/abandonner/", views.import_abandonner, name="import_abandonner"),
    path("export/", views.exporter, name="export"),
]
