"""Les URL du consortium et de la composition des comités (espace de noms « gouvernance », sous /gouvernance/)."""

from django.urls import path

from gouvernance.composition import views

SIEGE = "comites/<uuid:uuid>/sieges/<uuid:siege_uuid>/"
MANDAT = SIEGE + "mandats/<uuid:mandat_uuid>/"

urlpatterns = [
    path("", views.accueil, name="comites"),
    path("consortiums/nouveau/", views.consortium_creer, name="consortium_creer"),
    path("consortiums/<uuid:uuid>/", views.consortium, name="consortium"),
    path("consortiums/<uuid:uuid>/modifier/", views.consortium_modifier, name="consortium_modifier"),
    path(
        "consortiums/<uuid:uuid>/membres/nouveau/",
        views.consortium_membre_ajouter,
        name="consortium_membre_ajouter",
    ),
    path(
        "consortiums/<uuid:uuid>/membres/<int:pk>/retirer/",
        views.consortium_membre_retirer,
        name="consortium_membre_retirer",
    ),
    path("consortiums/<uuid:uuid>/comites/nouveau/", views.comite_creer, name="comite_creer"),
    path("comites/<uuid:uuid>/", views.comite, name="comite"),
    path("comites/<uuid:uuid>/modifier/", views.comite_modifier, name="comite_modifier"),
    path("comites/<uuid:uuid>/sieges/nouveau/", views.siege_ajouter, name="siege_ajouter"),
    path(SIEGE, views.siege_modifier, name="siege_modifier"),
    path(SIEGE + "retirer/", views.siege_retirer, name="siege_retirer"),
    path(SIEGE + "mandats/nouveau/", views.mandat_ajouter, name="mandat_ajouter"),
    path(MANDAT, views.mandat_modifier, name="mandat_modifier"),
    path(MANDAT + "terminer/", views.mandat_terminer, name="mandat_terminer"),
    path("comites/<uuid:uuid>/copresidences/nouvelle/", views.copresidence_ajouter, name="copresidence_ajouter"),
    path(
        "comites/<uuid:uuid>/copresidences/<int:pk>/retirer/",
        views.copresidence_retirer,
        name="copresidence_retirer",
    ),
]
