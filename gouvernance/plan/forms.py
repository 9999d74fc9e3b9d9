"""Les formulaires du plan d'actions : ils lisent la saisie ; les règles (pilote membre du consortium, partenaires
actifs, montants positifs, une ligne par financeur et par année…) sont vérifiées par `gouvernance.plan.services`."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone

from gouvernance.choix import Financeur, Programme, PublicFiche, StatutFiche, Theme
from partenaires.models import Organisation
from spie.forms import ChampDate


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return ChampDate(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class NombreField(forms.DecimalField):
    """Un nombre saisi (et affiché) à la française : « 356 800 », « 1 250,50 € » ou « 1250.50 »."""

    def to_python(self, value):
        if isinstance(value, str):
            for caractere in (" ", "\xa0", "\u202f", "€"):
                value = value.replace(caractere, "")
            value = value.replace(",", ".")
        return super().to_python(value)


def _nombre(label: str, *, required: bool = False, help_text: str = "") -> NombreField:
    # Pas de minimum ici : le service refuse un montant négatif avec son message.
    return NombreField(
        localize=True,
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


# --- Fiche action --------------------------------------------------------------------------------


class FicheForm(forms.Form):
    titre = forms.CharField(label="Intitulé", max_length=250)
    programme = forms.ChoiceField(label="Programme", choices=Programme.choices, initial=Programme.SPIE)
    theme = forms.ChoiceField(label="Thème", choices=[("", "Choisissez le thème"), *Theme.choices])
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    objectifs = forms.CharField(
        label="Objectifs",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que l'action doit produire, chiffré si possible (ex. : 60 personnes par an).",
    )
    publics = forms.MultipleChoiceField(
        label="Publics", choices=PublicFiche.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    organisation_pilote = forms.ModelChoiceField(
        label="Organisation pilote",
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        empty_label="Choisissez l'organisation pilote",
        help_text="Une organisation membre du consortium ; ses membres actualisent l'avancement et le budget.",
    )
    partenaires = forms.ModelMultipleChoiceField(
        label="Organisations partenaires",
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    date_debut = _date("Début")
    date_fin = _date("Fin", required=False, help_text="Vide : action sans date de fin prévue.")

    def __init__(self, *args, consortium, fiche=None, **kwargs):
        if fiche is not None:
            kwargs.setdefault(
                "initial",
                {
                    "titre": fiche.titre,
                    "programme": fiche.programme,
                    "theme": fiche.theme,
                    "description": fiche.description,
                    "objectifs": fiche.objectifs,
                    "publics": fiche.publics,
                    "organisation_pilote": fiche.organisation_pilote,
                    "partenaires": list(fiche.partenaires.all()),
                    "date_debut": fiche.date_debut,
                    "date_fin": fiche.date_fin,
                },
            )
        super().__init__(*args, **kwargs)
        membres = consortium.membres.values("organisation")
        courant_pilote = Q(pk=fiche.organisation_pilote_id) if fiche else Q(pk__in=[])
        self.fields["organisation_pilote"].queryset = Organisation.objects.filter(
            Q(pk__in=membres) | courant_pilote
        ).order_by("nom")
        courants = Q(pk__in=fiche.partenaires.values("pk")) if fiche else Q(pk__in=[])
        self.fields["partenaires"].queryset = Organisation.objects.filter(
            (Q(is_active=True) & (Q(departement=consortium.departement) | Q(pk__in=membres))) | courants
        ).order_by("nom")

    def champs(self) -> dict:
        return dict(self.cleaned_data)


class AvancementForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", choices=StatutFiche.choices)
    avancement = forms.IntegerField(
        label="Avancement (%)",
        help_text="De 0 à 100.",
        widget=forms.NumberInput(attrs={"min": "0", "max": "100", "step": "1", "inputmode": "numeric"}),
    )


# --- Budget et indicateurs -----------------------------------------------------------------------


class LigneBudgetForm(forms.Form):
    financeur = forms.ChoiceField(label="Financeur", choices=[("", "Choisissez le financeur"), *Financeur.choices])
    precision_financeur = forms.CharField(
        label="Autre financeur : lequel ?",
        max_length=150,
        required=False,
        help_text="Seulement pour « Autre financeur » (par exemple : CAF des Landes, commune de Dax).",
    )
    annee = forms.IntegerField(
        label="Année", widget=forms.NumberInput(attrs={"min": "2000", "max": "2100", "inputmode": "numeric"})
    )
    prevu = _nombre("Prévu (€)", required=True, help_text="En euros, par exemple 356 800 ou 1 250,50.")
    engage = _nombre("Engagé (€)", help_text="Vide : 0.")
    depense = _nombre("Dépensé (€)", help_text="Vide : 0.")

    def __init__(self, *args, ligne=None, **kwargs):
        if ligne is not None:
            kwargs.setdefault(
                "initial",
                {
                    "financeur": ligne.financeur,
                    "precision_financeur": ligne.precision_financeur,
                    "annee": ligne.annee,
                    "prevu": ligne.prevu,
                    "engage": ligne.engage,
                    "depense": ligne.depense,
                },
            )
        else:
            kwargs.setdefault("initial", {"annee": timezone.localdate().year})
        super().__init__(*args, **kwargs)

    def champs(self) -> dict:
        donnees = dict(self.cleaned_data)
        for champ in ("engage", "depense"):
            if donnees[champ] is None:
                donnees[champ] = Decimal(0)
        return donnees


class IndicateurForm(forms.Form):
    libelle = forms.CharField(label="Indicateur", max_length=250, help_text="Par exemple : personnes accompagnées.")
    unite = forms.CharField(label="Unité", max_length=50, required=False, help_text="Ex. : personnes, %, heures.")
    cible = _nombre("Cible")
    valeur = _nombre("Valeur constatée")
    date_mesure = _date("Mesurée le", required=False, help_text="Vide : aujourd'hui, si une valeur est saisie.")

    def __init__(self, *args, indicateur=None, **kwargs):
        if indicateur is not None:
            kwargs.setdefault(
                "initial",
                {
                    "libelle": indicateur.libelle,
                    "unite": indicateur.unite,
                    "cible": indicateur.cible,
                    "valeur": indicateur.valeur,
                    "date_mesure": indicateur.date_mesure,
                },
            )
        super().__init__(*args, **kwargs)


# --- Filtres -------------------------------------------------------------------------------------


class FiltresPlanForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", choices=[("", "Tous les statuts"), *StatutFiche.choices], required=False)
    theme = forms.ChoiceField(label="Thème", choices=[("", "Tous les thèmes"), *Theme.choices], required=False)
    programme = forms.ChoiceField(
        label="Programme", choices=[("", "Tous les programmes"), *Programme.choices], required=False
    )

    def filtres(self) -> dict:
        """Les filtres valides (une valeur inconnue est ignorée)."""
        self.is_valid()
        return {cle: valeur for cle, valeur in self.cleaned_data.items() if valeur}


class FiltresFinanceursForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", coerce=int, empty_value=None, required=False)
    programme = forms.ChoiceField(
        label="Programme", choices=[("", "Tous les programmes"), *Programme.choices], required=False
    )

    def __init__(self, *args, annees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes les années"), *((annee, annee) for annee in annees)]

    def filtres(self) -> dict:
        self.is_valid()
        return {
            "annee": self.cleaned_data.get("annee") or None,
            "programme": self.cleaned_data.get("programme") or "",
        }
