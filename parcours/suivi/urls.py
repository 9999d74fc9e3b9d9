"""La continuité du parcours : changements de statut, sortie et suivi dans l'emploi, point de situation."""

from django.urls import path

from parcours.suivi import views

urlpatterns = [
    path("carnets/<uuid:uuid>/sortie/", views.sortie, name="sortie_parcours"),
    path(
        "carnets/<uuid:uuid>/suivi-emploi/points/<uuid:point_uuid>/",
        views.point_suivi_emploi,
        name="point_suivi_emploi",
    ),
    path("carnets/<uuid:uuid>/suivi-emploi/terminer/", views.suivi_emploi_terminer, name="suivi_emploi_terminer"),
    path("carnets/<uuid:uuid>/rouvrir/", views.carnet_rouvrir, name="carnet_rouvrir"),
    path("a-traiter/", views.a_traiter, name="a_traiter"),
    path("point-de-situation/", views.point_de_situation, name="point_de_situation"),
]
