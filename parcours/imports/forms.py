from django import forms

from parcours.imports.champs import CHAMPS
from parcours.imports.lecture import TAILLE_MAX
from spie.depots import CSV, XLSX, controler_depot


class TeleversementForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier des personnes",
        help_text=f"CSV (séparé par des points-virgules, des virgules ou des tabulations ; UTF-8 ou Windows-1252) ou "
        f"XLSX (première feuille) ; {TAILLE_MAX // 1024 // 1024} Mo au plus, une ligne d'en-tête.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        controler_depot(fichier, usage="import_personnes", types=(CSV, XLSX))
        return fichier


class CorrespondanceForm(forms.Form):
    """Un choix de colonne du fichier par champ attendu ; les champs obligatoires exigent une colonne."""

    def __init__(self, *args, colonnes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choix = [("", "— Aucune colonne —"), *((c, c) for c in colonnes)]
        for champ in CHAMPS:
            self.fields[champ.code] = forms.ChoiceField(
                label=champ.libelle, choices=choix, required=champ.obligatoire, help_text=champ.aide
            )
        self.fields["nom_modele"] = forms.CharField(
            label="Enregistrer cette correspondance sous le nom",
            help_text="Pour la réutiliser aux prochains imports de votre organisation (un nom existant est remplacé).",
            max_length=100,
            required=False,
        )

    def champs_attendus(self):
        return [self[champ.code] for champ in CHAMPS]

    def correspondance(self) -> dict[str, str]:
        return {champ.code: self.cleaned_data[champ.code] for champ in CHAMPS if self.cleaned_data.get(champ.code)}


class ConfirmationForm(forms.Form):
    valides_seulement = forms.BooleanField(
        label="N'importer que les lignes valides",
        help_text="Les lignes en erreur sont laissées de côté et listées dans le compte rendu.",
        required=False,
    )
