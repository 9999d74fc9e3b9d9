from django.urls import path

from partenaires import views

app_name = "partenaires"

urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/nouvelle/", views.organisation_creer, name="organisation_creer"),
    path("organisations/<uuid:uuid>/", views.organisation, name="organisation"),
    path("organisations/<uuid:uuid>/modifier/", views.organisation_modifier, name="organisation_modifier"),
    path("organisations/<uuid:uuid>/membres/", views.membres, name="membres"),
    path("organisations/<uuid:uuid>/membres/inviter/", views.membre_inviter, name="membre_inviter"),
    path("organisations/<uuid:uuid>/membres/<uuid:membre_uuid>/role/", views.membre_role, name="membre_role"),
    path(
        "organisations/<uuid:uuid>/membres/<uuid:membre_uuid>/desactiver/",
        views.membre_desactiver,
        name="membre_desactiver",
    ),
    path(
        "organisations/<uuid:uuid>/invitations/<uuid:invitation_uuid>/annuler/",
        views.invitation_annuler,
        name="invitation_annuler",
    ),
    path("organisation-courante/", views.changer_organisation, name="changer_organisation"),
    path("invitation/<str:cle>/", views.invitation, name="invitation"),
]
