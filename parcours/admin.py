"""Administration des référentiels du diagnostic : corriger un libellé, désactiver une entrée, en ajouter une.

Les diagnostics n'enregistrent que des codes : corriger un libellé ne les casse pas, et une entrée n'est jamais
supprimée (désactivée, elle n'est plus proposée mais reste lisible dans les diagnostics qui l'ont). Les
carnets et les diagnostics eux-mêmes ne sont pas dans l'administration technique : pas de raccourci vers les
données personnelles.
"""

from django.contrib import admin

from parcours.models import AppellationRome, Domaine, ParametresTerritoire, Situation, Source


class EntreeReferentielAdmin(admin.ModelAdmin):
    list_display = ["code", "libelle", "actif", "source", "modifie_localement"]
    list_editable = ["libelle", "actif"]
    list_filter = ["actif", "source", "modifie_localement"]
    search_fields = ["code", "libelle"]
    readonly_fields = ["source", "modifie_localement"]

    def has_delete_permission(self, request, obj=None):
        return False

    # Champs qui changent le sens des diagnostics déjà enregistrés : fixés à la création.
    champs_fixes = ["code"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *self.champs_fixes] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = Source.LOCALE
        elif form.changed_data and obj.source != Source.LOCALE:
            obj.modifie_localement = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "objectifs_suggeres" in form.changed_data and form.instance.source != Source.LOCALE:
            type(form.instance).objects.filter(pk=form.instance.pk).update(modifie_localement=True)


@admin.register(Domaine)
class DomaineAdmin(EntreeReferentielAdmin):
    champs_fixes = ["code", "sensible"]
    list_display = ["code", "libelle", "ordre", "sensible", "obligatoire", "code_france_travail", "actif"]
    list_editable = ["libelle", "ordre", "obligatoire", "actif"]


@admin.register(Situation)
class SituationAdmin(EntreeReferentielAdmin):
    champs_fixes = ["code", "domaine", "sensible"]
    list_display = ["code", "libelle", "domaine", "nature", "sensible", "actif", "source", "modifie_localement"]
    list_filter = ["domaine", "nature", *EntreeReferentielAdmin.list_filter]
    filter_horizontal = ["objectifs_suggeres"]


@admin.register(AppellationRome)
class AppellationRomeAdmin(EntreeReferentielAdmin):
    list_display = ["code", "libelle", "rome", "actif", "source", "modifie_localement"]
    search_fields = ["code", "libelle", "rome"]
    list_per_page = 50


@admin.register(ParametresTerritoire)
class ParametresTerritoireAdmin(admin.ModelAdmin):
    """Le seuil « perdu de vue » d'un territoire (les pilotes le règlent aussi depuis le point de situation)."""

    list_display = ["departement", "jours_sans_contact"]
    ordering = ["departement"]
