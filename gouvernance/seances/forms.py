"""Les formulaires des séances : date et lieu, points de l'ordre du jour. Les règles (date à venir, lieu ou visio,
fiche action du territoire, ordre du jour figé après la convocation) sont vérifiées par les services ; les
formulaires ne font que lire la saisie."""

from django import forms
from django.core.validators import MinValueValidator
from django.db import models

from gouvernance.models import Point, Seance
from spie.forms import ModelForm, champ_de_modele


def champ_de_formulaire(champ_modele, **kwargs):
    """Les liens saisis sans protocole sont compris en « https:// » ; les dates sont bornées (spie.forms)."""
    if isinstance(champ_modele, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return champ_de_modele(champ_modele, **kwargs)


class SeanceForm(ModelForm):
    class Meta:
        model = Seance
        formfield_callback = champ_de_formulaire
        fields = ["date", "lieu", "lien_visio"]
        widgets = {"date": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
        help_texts = {
            "lieu": "Par exemple « Salle du conseil, hôtel du Département, Mont-de-Marsan ».",
            "lien_visio": "Le lien de la réunion en ligne. Indiquez un lieu, un lien, ou les deux.",
        }

    def _post_clean(self):
        # La contrainte « un lieu ou un lien » est vérifiée par le service, avec son message sur le champ « lieu ».
        pass

    def champs(self) -> dict:
        return {champ: self.cleaned_data[champ] for champ in self.Meta.fields}


class PointForm(ModelForm):
    fiche_action = forms.ModelChoiceField(
        label="Fiche action liée",
        queryset=None,
        required=False,
        to_field_name="uuid",
        empty_label="Aucune",
        help_text="Obligatoire pour un point de suivi d'une fiche action.",
        error_messages={"invalid_choice": "Choisissez une fiche action du plan d'actions de ce territoire."},
    )

    class Meta:
        model = Point
        fields = ["titre", "type", "duree_minutes", "description", "fiche_action"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"description": "Ce qui sera présenté, par qui ; repris dans la convocation."}

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiche_action"].queryset = consortium.fiches.order_by("numero")
        self.fields["fiche_action"].label_from_instance = lambda fiche: f"Fiche {fiche.numero} — {fiche.titre}"
        duree = self.fields["duree_minutes"]
        duree.validators.append(MinValueValidator(1, "Une durée est d'au moins une minute."))
        duree.widget.attrs.update({"min": 1, "inputmode": "numeric"})

    def _post_clean(self):
        # Le service valide et enregistre le point (règles de l'ordre du jour, fiche du territoire).
        pass

    def champs(self) -> dict:
        return {champ: self.cleaned_data[champ] for champ in self.Meta.fields}
