"""Les URL des manquements et des sanctions (espace de noms « parcours »)."""

from django.urls import path

from parcours.sanctions import views

MANQUEMENT = "manquements/<uuid:uuid>/"

urlpatterns = [
    path("carnets/<uuid:uuid>/manquements/", views.liste, name="manquements"),
    path("carnets/<uuid:uuid>/manquements/constater/", views.constater, name="manquement_constater"),
    path("manquements/a-decider/", views.a_decider, name="manquements_a_decider"),
    path(MANQUEMENT, views.manquement, name="manquement"),
    path(f"{MANQUEMENT}motif-legitime/", views.motif, name="manquement_motif"),
    path(f"{MANQUEMENT}avis/", views.avis, name="manquement_avis"),
    path(f"{MANQUEMENT}observations/", views.observations, name="manquement_observations"),
    path(f"{MANQUEMENT}decider/", views.decider, name="manquement_decider"),
    path(f"{MANQUEMENT}lever/", views.lever, name="manquement_lever"),
]
