"""Administration des référentiels du diagnostic : corriger un libellé, désactiver une entrée, en ajouter une.

Les diagnostics n'enregistrent que des codes : corriger un libellé ne les casse pas, et une entrée n'est jamais
supprimée (désactivée, elle n'est plus proposée mais reste lisible dans les diagnostics qui l'ont). Les
carnets et les diagnostics eux-mêmes ne sont pas dans l'administration technique : pas de raccourci vers les
données personnelles.
"""

from django.contrib import admin

from parcours.models import AppellationRome, Domaine, Situation, Source


class EntreeReferentielAdmin(admin.ModelAdmin):
    list_display = ["code", "libelle", "actif", "source", "libelle_modifie"]
    list_editable = ["libelle", "actif"]
    list_filter = ["actif", "source", "libelle_modifie"]
    search_fields = ["code", "libelle"]
    readonly_fields = ["source", "libelle_modifie"]

    def get_readonly_fields(self, request, obj=None):
        # Le code est la clé stable enregistrée dans les diagnostics : on le choisit à la création, une fois.
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = Source.LOCALE
        elif "libelle" in form.changed_data and obj.source != Source.LOCALE:
            obj.libelle_modifie = True
        super().save_model(request, obj, form, change)


@admin.register(Domaine)
class DomaineAdmin(EntreeReferentielAdmin):
    list_display = ["code", "libelle", "ordre", "sensible", "obligatoire", "code_france_travail", "actif"]
    list_editable = ["libelle", "ordre", "obligatoire", "actif"]


@admin.register(Situation)
class SituationAdmin(EntreeReferentielAdmin):
    list_display = ["code", "libelle", "domaine", "nature", "actif", "source", "libelle_modifie"]
    list_filter = ["domaine", "nature", *EntreeReferentielAdmin.list_filter]
    filter_horizontal = ["objectifs_suggeres"]


@admin.register(AppellationRome)
class AppellationRomeAdmin(EntreeReferentielAdmin):
    list_display = ["code", "libelle", "rome", "actif", "source", "libelle_modifie"]
    search_fields = ["code", "libelle", "rome"]
    list_per_page = 50
