"""Administration technique de l'offre (staff) : consulter et corriger une structure, un service, une session ou
un signalement. Les enregistrements passent par les services de l'offre (géographie, index de recherche, partage
avec l'organisation) et les listes de valeurs sont vérifiées comme dans le catalogue (`offre.validation`). Les
utilisateurs tiennent l'offre à jour depuis le catalogue, pas d'ici."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.core.exceptions import ValidationError
from django.db import models

from offre import services, validation
from offre.catalogue.forms import ControlesDuServiceMixin
from offre.models import CritereService, Service, SessionService, SignalementService, Structure

# Les liens saisis sans protocole sont compris en « https:// ».
LIENS = {models.URLField: {"widget": AdminURLFieldWidget, "assume_scheme": "https"}}


class StructureAdminForm(forms.ModelForm):
    """Les champs viennent de l'administration (`StructureAdmin`) ; s'y ajoutent les contrôles du catalogue."""

    def clean_reseaux_porteurs(self):
        return validation.valider_reseaux_porteurs(self.cleaned_data["reseaux_porteurs"])

    def clean_siret(self):
        return validation.valider_siret(self.cleaned_data["siret"])


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    form = StructureAdminForm
    formfield_overrides = LIENS
    list_display = ["nom", "commune", "departement", "organisation", "source", "date_maj"]
    list_filter = ["departement", "source"]
    search_fields = ["nom", "siret", "commune", "identifiant"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["uuid", "cree_le"]

    def save_model(self, request, obj, form, change):
        services.enregistrer_structure(obj)

    def has_delete_permission(self, request, obj=None):
        return False  # ses services et les orientations la référencent


class SessionInline(admin.TabularInline):
    model = SessionService
    extra = 0
    fields = ["intitule", "debut", "fin", "lieu", "places", "places_prises", "annulee"]
    readonly_fields = ["places_prises"]

    def has_delete_permission(self, request, obj=None):
        return False  # une session se termine ou s'annule ; les orientations la référencent


class ServiceAdminForm(ControlesDuServiceMixin, forms.ModelForm):
    """Les champs viennent de l'administration (`ServiceAdmin`) ; s'y ajoutent les contrôles du catalogue."""

    def clean(self):
        donnees = super().clean()
        try:
            validation.valider_accueil(
                donnees.get("en_presentiel", False), donnees.get("a_distance", False), donnees.get("adresse", "")
            )
        except ValidationError as erreur:
            self.add_error(None, erreur)
        return donnees


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    formfield_overrides = LIENS
    list_display = ["nom", "structure", "departement", "statut", "date_maj", "a_actualiser_le", "source"]
    list_filter = ["statut", "departement", "source", "frequence_actualisation"]
    search_fields = ["nom", "identifiant", "structure__nom", "commune"]
    autocomplete_fields = ["structure"]
    readonly_fields = ["uuid", "a_actualiser_le", "cree_le"]
    inlines = [SessionInline]

    def save_model(self, request, obj, form, change):
        services.enregistrer_service(obj)

    def has_delete_permission(self, request, obj=None):
        return False  # un service se suspend ; les orientations le référencent


@admin.register(SignalementService)
class SignalementServiceAdmin(admin.ModelAdmin):
    list_display = ["service", "motif", "date", "auteur", "traite_le"]
    list_filter = ["motif"]
    search_fields = ["service__nom", "commentaire"]
    readonly_fields = ["uuid", "service", "auteur", "motif", "commentaire", "date", "traite_le", "traite_par"]

    def has_add_permission(self, request):
        return False


@admin.register(CritereService)
class CritereServiceAdmin(admin.ModelAdmin):
    """L'index de recherche, en lecture : il est réécrit à chaque enregistrement du service."""

    list_display = ["service", "nature", "code"]
    list_filter = ["nature"]
    search_fields = ["code", "service__nom"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
