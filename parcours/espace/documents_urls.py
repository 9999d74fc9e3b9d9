"""Les documents de la personne (PDF de son carnet, export de ses données) et son avis sur les étapes closes de son
accompagnement."""

from django.urls import path

from parcours.espace import documents_views, evaluation_views

urlpatterns = [
    path("mon-espace/documents/", documents_views.mes_documents, name="espace_documents"),
    path("mon-espace/documents/carnet-pdf/", documents_views.carnet_pdf, name="espace_pdf"),
    path("mon-espace/documents/mes-donnees/", documents_views.mes_donnees, name="espace_export"),
    path("mon-espace/mon-avis/", evaluation_views.evaluations, name="espace_evaluations"),
    path(
        "mon-espace/mon-avis/<str:type_etape>/<int:objet_id>/",
        evaluation_views.evaluer,
        name="espace_evaluer",
    ),
]
