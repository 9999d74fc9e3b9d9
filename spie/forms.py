from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.renderers import TemplatesSetting


class RenduDsfr(TemplatesSetting):
    """Rendu des formulaires au système de design de l'État (DSFR), pour tous les formulaires du site."""

    form_template_name = "spie/formulaires/formulaire.html"
    field_template_name = "spie/formulaires/champ.html"


def reporter_erreurs(form, erreur) -> None:
    """Reporte la ValidationError d'un service sur le formulaire : sur le champ concerné, sinon en erreur générale."""
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)


# Les dates saisies : une seule règle pour tout le site. Hors de ces années, une date est une faute de frappe, et
# les calculs qui suivent (conversion en UTC, échéances, fins de mandat) sortiraient du calendrier de Python (erreur
# serveur). Un champ peut resserrer les bornes (les indicateurs : 2000 à 2100), jamais les élargir.
ANNEE_MIN, ANNEE_MAX = 1900, 2999


class ValiderAnnee:
    def __init__(self, annee_min: int = ANNEE_MIN, annee_max: int = ANNEE_MAX):
        self.annee_min, self.annee_max = max(annee_min, ANNEE_MIN), min(annee_max, ANNEE_MAX)

    def __call__(self, valeur) -> None:
        if valeur is not None and not self.annee_min <= valeur.year <= self.annee_max:
            raise ValidationError(
                f"Choisissez une date entre {self.annee_min} et {self.annee_max}.", code="annee_hors_bornes"
            )


class _Borne:
    def __init__(self, *args, annees: tuple[int, int] = (ANNEE_MIN, ANNEE_MAX), **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.append(ValiderAnnee(*annees))


class ChampDate(_Borne, forms.DateField):
    """Une date saisie, entre 1900 et 2999 (ou des bornes plus étroites : `annees=(2000, 2100)`)."""


class ChampDateHeure(_Borne, forms.DateTimeField):
    """Une date et heure saisie, entre 1900 et 2999."""


def champ_de_modele(champ, **arguments):
    """`formfield_callback` des formulaires de modèle : les dates du modèle deviennent nos champs bornés."""
    if isinstance(champ, models.DateTimeField):
        arguments.setdefault("form_class", ChampDateHeure)
    elif isinstance(champ, models.DateField):
        arguments.setdefault("form_class", ChampDate)
    return champ.formfield(**arguments)


class _MetaclasseModelForm(forms.models.ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = champ_de_modele
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_MetaclasseModelForm):
    """Base des formulaires de modèle du projet : leurs dates sont des ChampDate et des ChampDateHeure bornés."""
