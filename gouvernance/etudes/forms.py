"""Les formulaires des études de situations. Les règles (consentement, texte sans nom ni prénom, comité du
territoire, séance en préparation, séance commencée) sont vérifiées par les services ; les formulaires lisent la
saisie."""

from django import forms
from django.utils import timezone

from gouvernance.models import EtudeSituation
from spie.forms import ChampDate


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SoumissionForm(forms.Form):
    comite = forms.ModelChoiceField(
        label="Comité technique",
        queryset=None,
        to_field_name="uuid",
        empty_label="Choisissez un comité",
        error_messages={"invalid_choice": "Choisissez un comité technique actif du territoire du carnet."},
    )
    consentement = forms.ChoiceField(
        label="Consentement de la personne",
        choices=EtudeSituation.Consentement.choices,
        widget=forms.RadioSelect,
        help_text="Sans l'accord de la personne, sa situation ne peut pas être présentée au comité.",
        error_messages={"required": "Sans le consentement de la personne, sa situation ne peut pas être soumise."},
    )
    consentement_le = ChampDate(label="Accord recueilli le", widget=_date())
    situation = forms.CharField(
        label="Situation présentée",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Sans nom ni prénom : le comité ne connaît la personne que par ses initiales et un numéro.",
    )
    question = forms.CharField(
        label="Question posée au comité",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Reprise telle quelle dans l'ordre du jour de la séance, sans nom ni prénom.",
    )

    def __init__(self, *args, comites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comite"].queryset = comites
        self.fields["comite"].label_from_instance = lambda comite: (
            f"{comite.nom} ({comite.get_theme_display().lower()})" if comite.theme else comite.nom
        )
        self.fields["consentement_le"].widget.attrs["max"] = f"{timezone.localdate():%Y-%m-%d}"


class InscriptionForm(forms.Form):
    seance = forms.ModelChoiceField(
        label="Séance",
        queryset=None,
        to_field_name="uuid",
        empty_label="Choisissez une séance",
        help_text="Les séances du comité dont l'ordre du jour se prépare encore (la convocation n'est pas partie).",
        error_messages={"invalid_choice": "Choisissez une séance du comité dont l'ordre du jour se prépare encore."},
    )

    def __init__(self, *args, seances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seance"].queryset = seances
        self.fields["seance"].label_from_instance = lambda seance: (
            f"Séance du {timezone.localtime(seance.date):%d/%m/%Y à %H:%M} ({seance.get_statut_display().lower()})"
        )


class RecommandationForm(forms.Form):
    recommandation = forms.CharField(
        label="Recommandation du comité",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Elle est écrite dans l'historique du carnet de la personne : son référent la lira.",
    )
    recommandee_le = ChampDate(label="Rendue le", widget=_date())
