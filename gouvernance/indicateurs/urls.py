"""Les URL des indicateurs du territoire (espace de noms « gouvernance », sous /gouvernance/)."""

from django.urls import path

from gouvernance.indicateurs import views

urlpatterns = [
    path("indicateurs/", views.indicateurs, name="indicateurs"),
    path("indicateurs/export.csv", views.indicateurs_export, name="indicateurs_export"),
]
