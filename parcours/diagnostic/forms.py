from django import forms
from django.utils import timezone

from parcours.diagnostic.regles import smic_horaire
from parcours.models import Diagnostic, EvaluationDomaine, ProjetProfessionnel
from spie.forms import ModelForm


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SituationForm(ModelForm):
    """1. Situation professionnelle (qui est la personne ?)."""

    permis = forms.MultipleChoiceField(
        label="Permis de conduire",
        choices=list(Diagnostic.PERMIS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    second_professionnel = forms.ChoiceField(
        label="Diagnostic mené avec",
        required=False,
        help_text="Un second professionnel du groupe de suivi, pour un diagnostic conjoint (social et emploi).",
    )

    class Meta:
        model = Diagnostic
        fields = [
            "situation_actuelle", "type_contrat", "situation_depuis", "date_fin_dernier_emploi", "niveau_formation",
            "experience", "competences", "langues", "permis", "projet_non_defini",
        ]  # fmt: skip
        widgets = {
            "situation_depuis": _date(),
            "date_fin_dernier_emploi": _date(),
            "experience": forms.Textarea(attrs={"rows": 3}),
            "competences": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "date_fin_dernier_emploi": "Une activité dans les deux dernières années compte pour l'orientation.",
            "projet_non_defini": "À cocher quand la personne n'a pas encore de métier en vue.",
        }

    def __init__(self, *args, intervenants=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Ce qu'on demande d'abord : qui est la personne (le reste peut attendre une prochaine séance).
        for champ in ("situation_actuelle", "niveau_formation"):
            self.fields[champ].required = True
        self.intervenants = {str(u.uuid): u for u in intervenants}
        self.fields["second_professionnel"].choices = [("", "Personne d'autre")] + [
            (cle, str(u)) for cle, u in self.intervenants.items()
        ]
        second = self.instance.second_professionnel
        if second is not None:
            self.initial.setdefault("second_professionnel", str(second.uuid))

    def clean_second_professionnel(self):
        return self.intervenants.get(self.cleaned_data["second_professionnel"])


class EvaluationForm(ModelForm):
    """3. Un domaine des freins et ressources (de quoi a-t-elle besoin ? de quoi a-t-elle envie ?)."""

    situations = forms.MultipleChoiceField(
        label="Situations observées", required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = EvaluationDomaine
        fields = ["appreciation", "impact", "priorite", "commentaire", "paroles_personne"]
        widgets = {
            "appreciation": forms.RadioSelect,
            "impact": forms.RadioSelect,
            "commentaire": forms.Textarea(attrs={"rows": 2}),
            "paroles_personne": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "impact": "Critère national d'orientation : l'effet de cette difficulté sur la reprise d'un emploi.",
            "paroles_personne": "Ce que la personne dit de sa situation et ce qu'elle souhaite, avec ses mots.",
        }

    def __init__(self, *args, situations=(), **kwargs):
        kwargs.setdefault("prefix", kwargs["instance"].domaine_id)
        super().__init__(*args, **kwargs)
        self.fields["appreciation"].choices = EvaluationDomaine.Appreciation.choices
        self.fields["appreciation"].required = False
        self.fields["impact"].choices = [("", "Non précisé"), *EvaluationDomaine.Impact.choices]
        self.fields["situations"].choices = [
            (s.code, f"{s.libelle} ({s.get_nature_display().lower()})") for s in situations
        ]
        if self.instance.pk and not self.is_bound:
            self.initial["situations"] = [s.code for s in self.instance.situations.all()]

    @property
    def domaine(self):
        return self.instance.domaine

    def valeurs(self) -> dict:
        return dict(self.cleaned_data)


class ProjetForm(ModelForm):
    """2. Un projet professionnel (de quoi a-t-elle envie ?)."""

    appellation = forms.CharField(
        label="Métier (appellation du ROME)",
        widget=forms.HiddenInput,
        error_messages={"required": "Choisissez un métier."},
    )

    class Meta:
        model = ProjetProfessionnel
        fields = ["type_contrat", "temps", "rayon_mobilite_km", "salaire_horaire_minimum"]
        widgets = {"rayon_mobilite_km": forms.NumberInput(attrs={"min": 0, "max": 500})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        smic = smic_horaire(timezone.localdate())
        self.fields["salaire_horaire_minimum"].help_text = f"Au moins le SMIC : {smic} € brut de l'heure."


class ValidationForm(forms.Form):
    parcours_retenu = forms.ChoiceField(
        label="Parcours retenu", choices=Diagnostic.Parcours.choices, widget=forms.RadioSelect
    )
    motif_parcours = forms.CharField(
        label="Motif, si vous écartez le parcours suggéré",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
