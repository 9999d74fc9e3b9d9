from django.urls import path

from parcours import conservation_views, views
from parcours.convocations import urls as convocations
from parcours.diagnostic import views as diagnostic
from parcours.equipes import urls as equipes
from parcours.espace import urls as espace
from parcours.imports import urls as imports
from parcours.orientation import urls as orientation
from parcours.orientation_service import urls as orientation_service
from parcours.sanctions import urls as sanctions
from parcours.suivi import urls as suivi

DIAGNOSTIC = "carnets/<uuid:uuid>/diagnostics/<uuid:diagnostic_uuid>/"

app_name = "parcours"

urlpatterns = [
    path("carnets/", views.mes_carnets, name="mes_carnets"),
    path("carnets/ouvrir/", views.carnet_ouvrir, name="carnet_ouvrir"),
    path("carnets/<uuid:uuid>/", views.carnet, name="carnet"),
    path("carnets/<uuid:uuid>/imprimer/", views.carnet_imprimer, name="carnet_imprimer"),
    path("carnets/<uuid:uuid>/demander-acces/", views.demander_acces, name="demander_acces"),
    path("carnets/<uuid:uuid>/gel-legal/", conservation_views.gel_legal, name="carnet_gel_legal"),
    path(
        "carnets/<uuid:uuid>/opposition-au-partage/",
        conservation_views.opposition_partage,
        name="carnet_opposition_partage",
    ),
    path("carnets/<uuid:uuid>/rendez-vous/ajouter/", views.rendez_vous_ajouter, name="rendez_vous_ajouter"),
    path(
        "carnets/<uuid:uuid>/rendez-vous/<uuid:rendez_vous_uuid>/suite/",
        views.rendez_vous_suite,
        name="rendez_vous_suite",
    ),
    path("carnets/<uuid:uuid>/notes/ajouter/", views.note_ajouter, name="note_ajouter"),
    path("carnets/<uuid:uuid>/statuts/", views.statut_changer, name="statut_changer"),
    path("carnets/<uuid:uuid>/objectifs/", views.objectif_ajouter, name="objectif_ajouter"),
    path("carnets/<uuid:uuid>/objectifs/<uuid:objectif_uuid>/actions/", views.action_ajouter, name="action_ajouter"),
    path("carnets/<uuid:uuid>/actions/<uuid:action_uuid>/statut/", views.action_statut, name="action_statut"),
    path("carnets/<uuid:uuid>/contrats/", views.contrat_ajouter, name="contrat_ajouter"),
    path("carnets/<uuid:uuid>/contrats/<uuid:contrat_uuid>/accord/", views.contrat_accord, name="contrat_accord"),
    path("carnets/<uuid:uuid>/intervenants/ajouter/", views.intervenant_ajouter, name="intervenant_ajouter"),
    path(
        "carnets/<uuid:uuid>/intervenants/<uuid:intervenant_uuid>/terminer/",
        views.intervenant_terminer,
        name="intervenant_terminer",
    ),
    path(
        "carnets/<uuid:uuid>/intervenants/<uuid:intervenant_uuid>/referent/",
        views.referent_changer,
        name="referent_changer",
    ),
    path("carnets/<uuid:uuid>/diagnostics/commencer/", diagnostic.commencer, name="diagnostic_commencer"),
    path(DIAGNOSTIC, diagnostic.version, name="diagnostic"),
    path(f"{DIAGNOSTIC}modifier/", diagnostic.modifier, name="diagnostic_modifier"),
    path(f"{DIAGNOSTIC}valider/", diagnostic.valider, name="diagnostic_valider"),
    path(f"{DIAGNOSTIC}partager/", diagnostic.partager, name="diagnostic_partager"),
    path(f"{DIAGNOSTIC}objectifs/", diagnostic.objectif_accepter, name="diagnostic_objectif_accepter"),
    path(f"{DIAGNOSTIC}imprimer/", diagnostic.imprimer, name="diagnostic_imprimer"),
    path(f"{DIAGNOSTIC}pdf/", diagnostic.pdf, name="diagnostic_pdf"),
    path("referentiels/metiers/", diagnostic.rome, name="rome"),
]

# Chaque partie du parcours déclare ses URL dans son paquet (même espace de noms « parcours »).
urlpatterns += (
    orientation.urlpatterns
    + suivi.urlpatterns
    + convocations.urlpatterns
    + imports.urlpatterns
    + orientation_service.urlpatterns
    + sanctions.urlpatterns
    + equipes.urlpatterns
    + espace.urlpatterns
)
