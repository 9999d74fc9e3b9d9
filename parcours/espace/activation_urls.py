"""L'activation de l'espace personnel : par la personne (publiques, sous /mon-espace/activer/) et par les
professionnels du carnet (sous /carnets/<uuid>/espace-personnel/)."""

from django.urls import path

from parcours.espace import activation_views as views

ESPACE = "carnets/<uuid:uuid>/espace-personnel/"

urlpatterns = [
    path("mon-espace/activer/", views.activer, name="espace_activer"),
    path("mon-espace/activer/<str:jeton>/", views.activer_lien, name="espace_activer_lien"),
    path(ESPACE, views.gerer, name="espace_gerer"),
    path(f"{ESPACE}lien/", views.envoyer_lien, name="espace_envoyer_lien"),
    path(f"{ESPACE}code/", views.remettre_code, name="espace_remettre_code"),
    path(f"{ESPACE}code/feuille/", views.feuille_code, name="espace_feuille_code"),
    path(f"{ESPACE}fermer/", views.fermer, name="espace_fermer"),
]
