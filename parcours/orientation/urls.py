"""L'orientation : file d'attente avec le délai légal, décisions notifiées, réorientations, transferts de territoire."""

from django.urls import path

from parcours.orientation import views

urlpatterns = [
    path("orientation/", views.file, name="orientation_file"),
    path("orientation/demandes/<uuid:demande_uuid>/decider/", views.decider, name="orientation_decider"),
    path("orientation/demandes/<uuid:demande_uuid>/retard/", views.retard, name="orientation_retard"),
    path("orientation/decisions/<uuid:decision_uuid>/notifier/", views.notifier, name="orientation_notifier"),
    path("carnets/<uuid:uuid>/orientation/demander/", views.demander, name="orientation_demander"),
    path("carnets/<uuid:uuid>/orientation/reorienter/", views.reorienter, name="orientation_reorienter"),
    path("carnets/<uuid:uuid>/orientation/transferer/", views.transferer, name="orientation_transferer"),
]
