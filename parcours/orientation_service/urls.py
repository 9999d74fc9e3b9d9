"""Orientations vers un service : chercher et orienter depuis le carnet, suivre (prescripteur), répondre (boîte de
réception de la structure ou lien signé)."""

from django.urls import path

from parcours.orientation_service import views

CARNET = "carnets/<uuid:uuid>/"

urlpatterns = [
    path(f"{CARNET}offre/", views.chercher, name="carnet_offre"),
    path(f"{CARNET}orientations-service/nouvelle/", views.nouvelle, name="orientation_service_nouvelle"),
    path(
        f"{CARNET}orientations-service/<uuid:orientation_uuid>/statut/",
        views.statut,
        name="orientation_service_statut",
    ),
    path("orientations-recues/", views.recues, name="orientations_recues"),
    path("orientations-recues/<uuid:orientation_uuid>/", views.recue, name="orientation_recue"),
    path("orientations-recues/<uuid:orientation_uuid>/repondre/", views.repondre, name="orientation_recue_repondre"),
    path("orientations-service/reponse/<str:jeton>/", views.lien, name="orientation_lien"),
]
