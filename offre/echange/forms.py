from django import forms
from django.core.exceptions import ValidationError

from offre import referentiels
from offre.echange.export import CSV, JSON, SERVICES, STRUCTURES, TAILLE_MAX, TAILLE_PAR_DEFAUT
from offre.echange.lecture import Fichier
from offre.echange.schema import SERVICE, STRUCTURE
from partenaires.referentiels import departements
from spie.depots import CSV as DEPOT_CSV
from spie.depots import JSON as DEPOT_JSON
from spie.depots import controler_depot


class ImportForm(forms.Form):
    structures = forms.FileField(
        label="Fichier des structures",
        required=False,
        help_text="CSV des structures, ou JSON : un tableau de structures, ou un objet "
        "{« structures » : […], « services » : […]} qui porte aussi les services.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv"}),
    )
    services = forms.FileField(
        label="Fichier des services",
        required=False,
        help_text="CSV des services, ou JSON (un tableau de services).",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv"}),
    )

    def clean(self):
        donnees = super().clean()
        if not donnees.get("structures") and not donnees.get("services") and not self.errors:
            raise ValidationError("Déposez un fichier de structures, de services, ou les deux.")
        return donnees

    def _controler(self, champ):
        fichier = self.cleaned_data.get(champ)
        if fichier:
            controler_depot(fichier, usage="import_offre", types=(DEPOT_CSV, DEPOT_JSON))
        return fichier

    def clean_structures(self):
        return self._controler("structures")

    def clean_services(self):
        return self._controler("services")

    def fichiers(self) -> list[Fichier]:
        natures = {"structures": STRUCTURE, "services": SERVICE}
        return [
            Fichier(nature, self.cleaned_data[champ].name, self.cleaned_data[champ].read())
            for champ, nature in natures.items()
            if self.cleaned_data.get(champ)
        ]


class ConfirmationForm(forms.Form):
    empreinte = forms.CharField(widget=forms.HiddenInput, max_length=64)
    valides_seulement = forms.BooleanField(
        label="N'importer que les lignes valides",
        help_text="Les lignes en erreur sont laissées de côté (un service dont la structure est en erreur aussi).",
        required=False,
    )


class ExportForm(forms.Form):
    departement = forms.ChoiceField(label="Département")
    format = forms.ChoiceField(
        label="Format",
        choices=[(JSON, "JSON (data·inclusion v1)"), (CSV, "CSV (une colonne par champ data·inclusion v1)")],
        widget=forms.RadioSelect,
        initial=JSON,
    )
    type = forms.ChoiceField(
        label="Contenu",
        choices=[("", "Structures et services (JSON seulement)"), (STRUCTURES, "Structures"), (SERVICES, "Services")],
        widget=forms.RadioSelect,
        required=False,
        initial="",
    )

    def __init__(self, *args, departements_permis: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        noms = departements()
        self.fields["departement"].choices = [
            (code, f"{code} – {noms.get(code, code)}") for code in departements_permis
        ]
        self.fields["departement"].initial = departements_permis[0] if departements_permis else None

    def clean(self):
        donnees = super().clean()
        if donnees.get("format") == CSV and not donnees.get("type"):
            self.add_error("type", "Un fichier CSV contient soit les structures, soit les services : choisissez.")
        return donnees


def _nombre(nom: str, maximum: int | None = None) -> forms.IntegerField:
    limite = f" et {maximum} au plus" if maximum else ""
    message = f"« {nom} » est un nombre entier, 1 au moins{limite}."
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=maximum,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class ParametresApiForm(forms.Form):
    """Les paramètres d'une page de l'API : tout paramètre inconnu est une erreur (une faute de frappe ne doit pas
    rendre silencieusement tout le catalogue)."""

    departement = forms.CharField(required=False, max_length=3)
    source = forms.CharField(required=False, max_length=100)
    page = _nombre("page")
    taille = _nombre("taille", TAILLE_MAX)

    def __init__(self, *args, thematique: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if thematique:
            self.fields["thematique"] = forms.CharField(required=False, max_length=150)

    def clean_departement(self):
        code = self.cleaned_data["departement"].strip().upper()
        if code and code not in departements():
            raise ValidationError(f"Département « {code} » inconnu : donnez son code (par exemple 40, 2A ou 971).")
        return code

    def clean_thematique(self):
        code = self.cleaned_data["thematique"].strip()
        if code and code not in referentiels.thematiques() and code not in referentiels.categories():
            raise ValidationError(
                f"Thématique « {code} » inconnue : donnez le code d'une thématique (« mobilite--preparer-un-permis ») "
                "ou d'une catégorie (« mobilite ») de data·inclusion v1."
            )
        return code

    def clean(self):
        donnees = super().clean()
        inconnus = sorted(set(self.data) - set(self.fields))
        if inconnus:
            raise ValidationError(
                f"Paramètre(s) inconnu(s) : {', '.join(inconnus)}. Paramètres admis : {', '.join(self.fields)}."
            )
        donnees["page"] = donnees.get("page") or 1
        donnees["taille"] = donnees.get("taille") or TAILLE_PAR_DEFAUT
        return donnees
