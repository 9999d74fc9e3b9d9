"""Les formulaires des manquements : ils lisent la saisie ; toutes les règles (dates, bornes de la sanction, avis de
l'équipe…) sont vérifiées par `parcours.sanctions.regles`, appelé par les services."""

from django import forms
from django.utils import timezone

from parcours.models import Manquement
from parcours.sanctions.regles import JOURS_SAISIE_AVIS
from spie.forms import ChampDate


def _date(label: str, *, help_text: str = "") -> forms.DateField:
    return ChampDate(
        label=label,
        help_text=help_text,
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _texte(label: str, *, help_text: str = "", lignes: int = 4) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, widget=forms.Textarea(attrs={"rows": lignes}))


def _entier(label: str, *, help_text: str = "") -> forms.IntegerField:
    # Pas de bornes ici : le service refuse une valeur hors bornes avec le message de la règle.
    return forms.IntegerField(label=label, required=False, help_text=help_text)


class ConstatForm(forms.Form):
    type = forms.ChoiceField(label="Nature du manquement", choices=[("", "Choisissez"), *Manquement.Type.choices])
    faits = _texte("Faits constatés", help_text="Ce qui s'est passé, de façon factuelle : la personne les lira.")
    date_faits = _date("Date des faits")


class MotifForm(forms.Form):
    CHOIX = [("oui", "Oui : un motif légitime explique le manquement"), ("non", "Non : aucun motif légitime")]

    motif_legitime = forms.ChoiceField(
        label="Un motif légitime est-il établi ?", choices=CHOIX, widget=forms.RadioSelect
    )
    precision = _texte(
        "Ce qui a été examiné", help_text="Santé, garde d'enfant, force majeure, difficultés de transport…", lignes=3
    )
    examine_le = _date("Examiné le")

    def pour_le_service(self) -> dict:
        donnees = self.cleaned_data
        return {
            "motif_legitime": donnees["motif_legitime"] == "oui",
            "precision": donnees["precision"],
            "examine_le": donnees["examine_le"],
        }


class AvisForm(forms.Form):
    avis_envoye_le = _date(
        "Avis envoyé le",
        help_text="Par courriel : aujourd'hui (il part à l'enregistrement). Par courrier ou en main propre : "
        f"enregistrez l'envoi au plus tard {JOURS_SAISIE_AVIS} jours après.",
    )
    canal = forms.ChoiceField(
        label="Canal",
        choices=Manquement.Canal.choices,
        widget=forms.RadioSelect,
        help_text="Par courriel, l'avis part à l'adresse de la personne avec la date limite de ses observations.",
    )


class ObservationsForm(forms.Form):
    observations = _texte("Observations de la personne")
    recues_le = _date("Reçues le")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=Manquement.Decision.choices, widget=forms.RadioSelect)
    taux = _entier(
        "Taux de suspension (%)",
        help_text="Pour une suspension : de 30 à 100 % (50 % au plus si le foyer compte plus d'une personne).",
    )
    duree = _entier(
        "Durée de la suspension (mois)",
        help_text="Pour une suspension : 1 à 2 mois, jusqu'à 4 mois si le manquement est répété.",
    )
    personnes_foyer = _entier("Personnes au foyer", help_text="Pour une suspension.")
    motif = _texte("Motif de la décision")
    decide_le = _date("Décidé le")


class LeveeForm(forms.Form):
    levee_le = _date("Levée le")
    motif = _texte("Motif de la levée", help_text="En quoi la personne s'est conformée à ses obligations.", lignes=3)
