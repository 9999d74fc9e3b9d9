"""Le carnet de la personne et sa parole, dans son espace (« /mon-espace/ »)."""

from django.urls import path

from parcours.espace import carnet_views

urlpatterns = [
    path("mon-espace/", carnet_views.accueil, name="espace_accueil"),
    path("mon-espace/plan/", carnet_views.plan, name="espace_plan"),
    path("mon-espace/plan/accord/", carnet_views.accord, name="espace_accord"),
    path(
        "mon-espace/plan/<uuid:objectif_uuid>/commenter/",
        carnet_views.objectif_commenter,
        name="espace_objectif_commenter",
    ),
    path("mon-espace/rendez-vous/", carnet_views.rendez_vous, name="espace_rendez_vous"),
    path("mon-espace/diagnostic/", carnet_views.diagnostic, name="espace_diagnostic"),
    path("mon-espace/diagnostic/avis/", carnet_views.diagnostic_avis, name="espace_diagnostic_avis"),
    path("mon-espace/mes-souhaits/", carnet_views.exprimer, name="espace_exprimer"),
]
