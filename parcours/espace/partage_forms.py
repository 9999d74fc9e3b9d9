"""Les formulaires de l'accord de partage, de la demande d'opposition et de la réponse du professionnel."""

from django import forms

from parcours.models import DemandeOpposition


class ConsentementForm(forms.Form):
    """Le choix d'une organisation parmi celles du département du carnet qui ne le voient pas encore."""

    organisation = forms.ModelChoiceField(
        label="Organisation à qui vous permettez de lire votre carnet",
        queryset=None,
        to_field_name="uuid",
        empty_label="Choisissez une organisation",
        help_text="Elle pourra lire votre carnet, jamais le modifier. Vous pourrez retirer votre accord à tout moment.",
        error_messages={
            "required": "Choisissez une organisation.",
            "invalid_choice": "Choisissez une organisation de la liste.",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class OppositionForm(forms.Form):
    motif = forms.CharField(
        label="À quoi vous opposez-vous, et pourquoi ?",
        help_text="Par exemple : je ne veux plus que telle information soit utilisée, pour telle raison.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Écrivez à quoi vous vous opposez, et pourquoi."},
    )


class ReponseOppositionForm(forms.Form):
    statut = forms.ChoiceField(
        label="Réponse",
        choices=[
            (DemandeOpposition.Statut.ACCEPTEE.value, DemandeOpposition.Statut.ACCEPTEE.label),
            (DemandeOpposition.Statut.REFUSEE.value, DemandeOpposition.Statut.REFUSEE.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Dites si la demande est acceptée ou refusée."},
    )
    reponse = forms.CharField(
        label="Réponse motivée",
        help_text="La personne la lira dans son espace : écrivez simplement, sans sigle.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Motivez la réponse : la personne la lira."},
    )
