"""Les formulaires de la parole de la personne : des mots simples, des champs toujours étiquetés."""

from django import forms

from parcours.espace.parole import TEXTE_MAX
from parcours.models import ExpressionPersonne

AIDE_LECTEURS = "Votre référent et votre groupe de suivi liront votre message."


class ExpressionForm(forms.Form):
    type = forms.ChoiceField(
        label="Vous voulez nous dire",
        choices=[
            (ExpressionPersonne.Type.SOUHAIT, "Un souhait : ce que j'aimerais faire"),
            (ExpressionPersonne.Type.BESOIN, "Un besoin : ce dont j'ai besoin pour avancer"),
        ],
        initial=ExpressionPersonne.Type.SOUHAIT,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez : un souhait ou un besoin.",
            "invalid_choice": "Choisissez : un souhait ou un besoin.",
        },
    )
    texte = forms.CharField(
        label="Votre message",
        help_text=f"{AIDE_LECTEURS} {TEXTE_MAX} caractères au plus.",
        max_length=TEXTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Écrivez votre message.",
            "max_length": f"Votre message est trop long : {TEXTE_MAX} caractères au plus.",
        },
    )


class CommentaireObjectifForm(forms.Form):
    texte = forms.CharField(
        label="Votre commentaire",
        help_text=AIDE_LECTEURS,
        max_length=TEXTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Écrivez votre commentaire.",
            "max_length": f"Votre commentaire est trop long : {TEXTE_MAX} caractères au plus.",
        },
    )

    def __init__(self, *args, objectif=None, **kwargs):
        super().__init__(*args, **kwargs)
        if objectif is not None:
            # Un champ par objectif sur la page du plan : chaque étiquette dit de quel objectif il s'agit.
            self.fields["texte"].label = f"Votre commentaire sur « {objectif.libelle} »"


class AvisDiagnosticForm(forms.Form):
    diagnostic = forms.UUIDField(widget=forms.HiddenInput)
    avis = forms.ChoiceField(
        label="Ce diagnostic vous ressemble-t-il ?",
        choices=[("confirme", "Je confirme : c'est bien ma situation"), ("desaccord", "Je ne suis pas d'accord")],
        widget=forms.RadioSelect,
        error_messages={"required": "Dites si vous confirmez ce diagnostic ou non."},
    )
    texte = forms.CharField(
        label="Votre commentaire",
        help_text=f"Obligatoire si vous n'êtes pas d'accord : dites ce qui ne vous convient pas. {AIDE_LECTEURS}",
        required=False,
        max_length=TEXTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Votre commentaire est trop long : {TEXTE_MAX} caractères au plus."},
    )

    def __init__(self, *args, diagnostic=None, **kwargs):
        super().__init__(*args, **kwargs)
        if diagnostic is not None:
            self.fields["diagnostic"].initial = diagnostic.uuid

    def clean(self):
        donnees = super().clean()
        if donnees.get("avis") == "desaccord" and not (donnees.get("texte") or "").strip():
            self.add_error("texte", "Dites ce qui ne vous convient pas, pour que votre référent le comprenne.")
        return donnees
