"""Les URL du plan d'actions (espace de noms « gouvernance », sous /gouvernance/)."""

from django.urls import path

from gouvernance.plan import views

urlpatterns = [
    path("consortiums/<uuid:uuid>/plan/", views.plan, name="plan"),
    path("consortiums/<uuid:uuid>/plan/nouvelle/", views.fiche_creer, name="fiche_creer"),
    path("consortiums/<uuid:uuid>/financeurs/", views.financeurs_page, name="financeurs"),
    path("consortiums/<uuid:uuid>/financeurs/export/", views.financeurs_export, name="financeurs_export"),
    path("fiches/<uuid:uuid>/", views.fiche, name="fiche"),
    path("fiches/<uuid:uuid>/modifier/", views.fiche_modifier, name="fiche_modifier"),
    path("fiches/<uuid:uuid>/avancement/", views.fiche_avancement, name="fiche_avancement"),
    path("fiches/<uuid:uuid>/budget/nouveau/", views.ligne_budget_ajouter, name="ligne_budget_ajouter"),
    path("fiches/<uuid:uuid>/budget/<int:pk>/", views.ligne_budget_modifier, name="ligne_budget_modifier"),
    path(
        "fiches/<uuid:uuid>/budget/<int:pk>/supprimer/",
        views.ligne_budget_supprimer,
        name="ligne_budget_supprimer",
    ),
    path("fiches/<uuid:uuid>/indicateurs/nouveau/", views.indicateur_ajouter, name="indicateur_ajouter"),
    path("fiches/<uuid:uuid>/indicateurs/<int:pk>/", views.indicateur_modifier, name="indicateur_modifier"),
]
