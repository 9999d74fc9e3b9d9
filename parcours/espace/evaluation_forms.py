"""Le questionnaire d'avis de la personne sur une étape close : trois questions (groupes de boutons radio, chacun
dans un fieldset avec sa légende) et un commentaire libre facultatif."""

from django import forms

from parcours.espace.evaluation import LONGUEUR_COMMENTAIRE
from parcours.models import Evaluation


class AvisForm(forms.Form):
    utilite = forms.TypedChoiceField(
        label="Cette étape vous a-t-elle été utile ?",
        choices=Evaluation.Note.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une réponse."},
    )
    ecoute = forms.TypedChoiceField(
        label="Vous êtes-vous senti(e) écouté(e) ?",
        choices=Evaluation.Note.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une réponse."},
    )
    recommanderait = forms.ChoiceField(
        label="Recommanderiez-vous cet accompagnement à un proche ?",
        choices=Evaluation.Recommandation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une réponse."},
    )
    commentaire = forms.CharField(
        label="Voulez-vous ajouter quelque chose ?",
        help_text=(
            "Votre commentaire pourra être lu, sans votre nom, par les pilotes du territoire : n'y écrivez rien qui "
            f"permette de vous reconnaître. {LONGUEUR_COMMENTAIRE} caractères au plus."
        ),
        required=False,
        max_length=LONGUEUR_COMMENTAIRE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
