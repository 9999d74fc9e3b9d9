"""Les URL du catalogue (espace de noms « offre », sous /offre/)."""

from django.urls import path

from offre.catalogue import views

urlpatterns = [
    path("structures/", views.structures, name="structures"),
    path("structures/creer/", views.structure_creer, name="structure_creer"),
    path("structures/<uuid:uuid>/", views.structure, name="structure"),
    path("structures/<uuid:uuid>/modifier/", views.structure_modifier, name="structure_modifier"),
    path("structures/<uuid:uuid>/services/creer/", views.service_creer, name="service_creer"),
    path("services/<uuid:uuid>/", views.service, name="service"),
    path("services/<uuid:uuid>/modifier/", views.service_modifier, name="service_modifier"),
    path("services/<uuid:uuid>/confirmer/", views.service_confirmer, name="service_confirmer"),
    path("services/<uuid:uuid>/signaler/", views.service_signaler, name="service_signaler"),
    path(
        "services/<uuid:uuid>/signalements/<uuid:signalement_uuid>/traiter/",
        views.signalement_traiter,
        name="signalement_traiter",
    ),
    path("services/<uuid:uuid>/suspendre/", views.service_suspendre, name="service_suspendre"),
    path("services/<uuid:uuid>/reprendre/", views.service_reprendre, name="service_reprendre"),
    path("services/<uuid:uuid>/sessions/ajouter/", views.session_ajouter, name="session_ajouter"),
    path(
        "services/<uuid:uuid>/sessions/<uuid:session_uuid>/modifier/",
        views.session_modifier,
        name="session_modifier",
    ),
    path(
        "services/<uuid:uuid>/sessions/<uuid:session_uuid>/annuler/",
        views.session_annuler,
        name="session_annuler",
    ),
    path("moderation/", views.moderation, name="moderation"),
]
