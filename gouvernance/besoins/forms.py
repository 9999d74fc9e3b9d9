"""Les filtres des pages de pilotage des besoins et du flux : le territoire parmi ceux que l'utilisateur voit, le
domaine du diagnostic, le mois et le format du flux."""

from django import forms
from django.core.exceptions import ValidationError

from gouvernance.besoins import flux
from gouvernance.indicateurs.forms import choix_territoires


class FiltresBesoinsForm(forms.Form):
    territoire = forms.ChoiceField(label="Territoire")
    domaine = forms.ChoiceField(label="Domaine du diagnostic", required=False)

    def __init__(self, *args, territoires, domaines: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = choix_territoires(territoires)
        self.fields["domaine"].choices = [("", "Tous les domaines"), *domaines.items()]


class FluxForm(forms.Form):
    territoire = forms.ChoiceField(label="Territoire")
    mois = forms.CharField(
        label="Mois",
        help_text="Format attendu : AAAA-MM (par exemple 2026-10).",
        widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}),
    )
    format = forms.ChoiceField(label="Format", choices=[(flux.CSV, "CSV (tableur)"), (flux.JSON, "JSON")])

    def __init__(self, *args, territoires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = choix_territoires(territoires)

    def clean_mois(self):
        try:
            return flux.Mois.lire(self.cleaned_data["mois"])
        except ValidationError as erreur:
            raise ValidationError(erreur.message_dict["mois"]) from None
