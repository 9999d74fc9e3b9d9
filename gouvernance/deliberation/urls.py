from django.urls import path

from gouvernance.deliberation import views

urlpatterns = [
    path("seances/<uuid:uuid>/presences/", views.presences, name="presences"),
    path("seances/<uuid:uuid>/quorum/", views.quorum, name="quorum"),
    path("seances/<uuid:uuid>/points/<uuid:point_uuid>/notes/", views.point_notes, name="point_notes"),
    path("seances/<uuid:uuid>/points/<uuid:point_uuid>/vote/", views.point_voter, name="point_voter"),
    path(
        "seances/<uuid:uuid>/points/<uuid:point_uuid>/decisions/nouvelle/",
        views.decision_ajouter,
        name="decision_ajouter",
    ),
    path("seances/<uuid:uuid>/decisions/<uuid:decision_uuid>/suivi/", views.decision_suivre, name="decision_suivre"),
    path("seances/<uuid:uuid>/fiches/<uuid:fiche_uuid>/revue/", views.fiche_revoir, name="fiche_revoir"),
    path("seances/<uuid:uuid>/synthese/", views.seance_synthese, name="seance_synthese"),
    path("seances/<uuid:uuid>/cloturer/", views.seance_cloturer, name="seance_cloturer"),
    path("comites/<uuid:uuid>/decisions/", views.decisions, name="decisions"),
]
