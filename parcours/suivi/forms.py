from django import forms
from django.utils import timezone

from parcours.models import PointSuiviEmploi, SortieParcours
from partenaires.referentiels import departements
from spie.forms import ChampDate


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SortieForm(forms.Form):
    motif = forms.ChoiceField(
        label="Motif de sortie", choices=[("", "Choisir un motif"), *SortieParcours.Motif.choices]
    )
    precision = forms.CharField(
        label="Précision", max_length=250, required=False, help_text="Obligatoire pour le motif « Autre »."
    )
    date_sortie = ChampDate(label="Date de sortie", initial=timezone.localdate, widget=_date())
    suivi_emploi_mois = forms.TypedChoiceField(
        label="Suivi dans l'emploi",
        coerce=int,
        initial=0,
        choices=[(0, "Pas de suivi : le parcours est clos")]
        + [(mois, f"{mois} mois (un point par mois)") for mois in range(1, SortieParcours.SUIVI_EMPLOI_MOIS_MAX + 1)],
        help_text="Pour une sortie vers l'emploi (emploi durable ou temporaire, création d'entreprise).",
    )


class PointSuiviForm(forms.Form):
    situation = forms.ChoiceField(
        label="Situation de la personne", choices=[("", "Choisir"), *PointSuiviEmploi.Situation.choices]
    )
    fait_le = ChampDate(label="Point fait le", initial=timezone.localdate, widget=_date())
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FinSuiviForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l'arrêt du suivi",
        max_length=250,
        help_text="Par exemple : la personne ne souhaite plus de suivi.",
    )


class ReouvertureForm(forms.Form):
    motif = forms.CharField(
        label="Motif de la réouverture", max_length=250, help_text="Par exemple : fin de contrat, retour au RSA."
    )


class ParametresTerritoireForm(forms.Form):
    departement = forms.ChoiceField(label="Territoire")
    jours_sans_contact = forms.IntegerField(
        label="Jours sans contact avant « perdu de vue »",
        help_text="Entre 7 et 365 jours ; 90 par défaut.",
        widget=forms.NumberInput(attrs={"min": 7, "max": 365}),
    )

    def __init__(self, *args, departements_pilotes, **kwargs):
        super().__init__(*args, **kwargs)
        noms = departements()
        self.fields["departement"].choices = [
            (code, f"{code} – {noms.get(code, code)}") for code in departements_pilotes
        ]
