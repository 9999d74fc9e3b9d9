"""Les URL des études de situations (espace de noms « gouvernance », sous /gouvernance/)."""

from django.urls import path

from gouvernance.etudes import views

urlpatterns = [
    path("carnets/<uuid:uuid>/etudes/", views.etudes_du_carnet, name="etudes_du_carnet"),
    path("carnets/<uuid:uuid>/etudes/soumettre/", views.etude_soumettre, name="etude_soumettre"),
    path("carnets/<uuid:uuid>/etudes/<uuid:etude_uuid>/retirer/", views.etude_retirer, name="etude_retirer"),
    path("comites/<uuid:uuid>/etudes/", views.etudes_du_comite, name="etudes_du_comite"),
    path("etudes/<uuid:uuid>/", views.etude, name="etude"),
    path("etudes/<uuid:uuid>/inscrire/", views.etude_inscrire, name="etude_inscrire"),
    path("etudes/<uuid:uuid>/desinscrire/", views.etude_desinscrire, name="etude_desinscrire"),
    path("etudes/<uuid:uuid>/recommandation/", views.etude_recommandation, name="etude_recommandation"),
]
