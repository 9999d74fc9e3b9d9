"""Les URL des séances (espace de noms « gouvernance », sous /gouvernance/)."""

from django.urls import path

from gouvernance.seances import views

urlpatterns = [
    path("comites/<uuid:uuid>/seances/nouvelle/", views.seance_creer, name="seance_creer"),
    path("seances/<uuid:uuid>/", views.seance, name="seance"),
    path("seances/<uuid:uuid>/modifier/", views.seance_modifier, name="seance_modifier"),
    path("seances/<uuid:uuid>/points/nouveau/", views.point_ajouter, name="point_ajouter"),
    path("seances/<uuid:uuid>/points/<uuid:point_uuid>/", views.point_modifier, name="point_modifier"),
    path("seances/<uuid:uuid>/points/<uuid:point_uuid>/supprimer/", views.point_supprimer, name="point_supprimer"),
    path("seances/<uuid:uuid>/points/<uuid:point_uuid>/deplacer/", views.point_deplacer, name="point_deplacer"),
    path("seances/<uuid:uuid>/ordre-du-jour/valider/", views.ordre_du_jour_valider, name="ordre_du_jour_valider"),
    path("seances/<uuid:uuid>/convocation/", views.convocation_envoyer, name="convocation_envoyer"),
]
