"""Les URL des partages, accords, oppositions et consultations (espace de noms « parcours »)."""

from django.urls import path

from parcours import conservation_views
from parcours.espace import partage_views as views

urlpatterns = [
    path("mon-espace/partages/", views.partages, name="espace_partages"),
    path("mon-espace/partages/accord/", views.consentement_donner, name="espace_consentement_donner"),
    path(
        "mon-espace/partages/<uuid:organisation_uuid>/retirer/",
        views.consentement_retirer,
        name="espace_consentement_retirer",
    ),
    path("mon-espace/opposition/", views.opposition, name="espace_opposition"),
    path(
        "mon-espace/opposition-au-partage/",
        conservation_views.espace_opposition_partage,
        name="espace_opposition_partage",
    ),
    path("mon-espace/consultations/", views.consultations, name="espace_consultations"),
    path(
        "carnets/<uuid:uuid>/oppositions/<uuid:opposition_uuid>/repondre/",
        views.opposition_repondre,
        name="espace_opposition_repondre",
    ),
]
