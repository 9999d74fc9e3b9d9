"""Les équipes pluridisciplinaires : équipes, membres, séances, dossiers (avis puis décision), inscription depuis le
carnet (espace de noms « parcours »)."""

from django.urls import path

from parcours.equipes import views

urlpatterns = [
    path("equipes/", views.equipes, name="equipes"),
    path("equipes/nouvelle/", views.equipe_creer, name="equipe_creer"),
    path("equipes/<uuid:uuid>/", views.equipe, name="equipe"),
    path("equipes/<uuid:uuid>/modifier/", views.equipe_modifier, name="equipe_modifier"),
    path("equipes/<uuid:uuid>/membres/ajouter/", views.membre_ajouter, name="equipe_membre_ajouter"),
    path(
        "equipes/<uuid:uuid>/membres/<uuid:membre_uuid>/terminer/", views.membre_terminer, name="equipe_membre_terminer"
    ),
    path("equipes/<uuid:uuid>/seances/nouvelle/", views.seance_creer, name="equipe_seance_creer"),
    path("equipes/seances/<uuid:uuid>/", views.seance, name="equipe_seance"),
    path("equipes/dossiers/<uuid:uuid>/avis/", views.avis, name="equipe_avis"),
    path("equipes/dossiers/<uuid:uuid>/decision/", views.decision, name="equipe_decision"),
    path("carnets/<uuid:uuid>/equipe/inscrire/", views.inscrire, name="equipe_inscrire"),
]
