"""Convocations aux rendez-vous (courriel, lettre PDF, réponse par lien signé), rappels et relances."""

from django.urls import path

from parcours.convocations import views

RENDEZ_VOUS = "carnets/<uuid:uuid>/rendez-vous/<uuid:rendez_vous_uuid>/"

urlpatterns = [
    path(f"{RENDEZ_VOUS}convoquer/", views.convoquer, name="convocation_envoyer"),
    path(f"{RENDEZ_VOUS}convocation/", views.lettre, name="convocation_lettre"),
    path(f"{RENDEZ_VOUS}convocation/pdf/", views.lettre_pdf, name="convocation_pdf"),
    path("convocations/<str:jeton>/", views.repondre, name="convocation_repondre"),
]
