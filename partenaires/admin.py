from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from partenaires.models import EvenementOrganisation, Invitation, Membre, Organisation, Utilisateur


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "prenom", "nom", "is_active", "is_staff"]
    search_fields = ["email", "prenom", "nom"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["prenom", "nom", "telephone"]}),
        ("Droits techniques", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = []
    list_filter = ["is_active", "is_staff"]


class MembreInline(admin.TabularInline):
    model = Membre
    fk_name = "organisation"
    extra = 0
    fields = ["utilisateur", "role", "is_active", "date_debut", "date_fin", "motif_fin"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "departement", "siret", "is_active"]
    list_filter = ["type", "departement", "is_active"]
    search_fields = ["nom", "siret", "commune"]
    readonly_fields = ["uuid", "groupe", "date_creation", "cree_par"]
    inlines = [MembreInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "date_creation", "date_expiration", "date_acceptation"]
    search_fields = ["email", "organisation__nom"]
    readonly_fields = ["cle_hachee", "membre"]


@admin.register(EvenementOrganisation)
class EvenementOrganisationAdmin(admin.ModelAdmin):
    list_display = ["date", "organisation", "type", "acteur"]
    list_filter = ["type"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
