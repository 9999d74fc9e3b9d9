from django.urls import path

from gouvernance.comptes_rendus import views

SEANCE = "seances/<uuid:uuid>/"

urlpatterns = [
    path(f"{SEANCE}ordre-du-jour/imprimer/", views.ordre_du_jour_imprimer, name="ordre_du_jour_imprimer"),
    path(f"{SEANCE}ordre-du-jour/pdf/", views.ordre_du_jour_pdf, name="ordre_du_jour_pdf"),
    path(f"{SEANCE}compte-rendu/imprimer/", views.compte_rendu_imprimer, name="compte_rendu_imprimer"),
    path(f"{SEANCE}compte-rendu/pdf/", views.compte_rendu_pdf, name="compte_rendu_pdf"),
    path(f"{SEANCE}compte-rendu/", views.compte_rendu_telecharger, name="compte_rendu_telecharger"),
]
