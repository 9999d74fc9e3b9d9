"""Les formulaires du catalogue. Les valeurs des listes data·inclusion, la zone d'éligibilité, « tous publics »
exclusif et la règle « une adresse ou à distance » sont vérifiés par `offre.validation` (les mêmes règles que
l'import)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from offre import referentiels, validation
from offre.fraicheur import Frequence
from offre.models import Service, SessionService, SignalementService, Structure
from partenaires.referentiels import communes_par_code_postal
from spie.forms import ModelForm

HORS_PLATEFORME = "hors-plateforme"


def champ_de_formulaire(champ_modele, **kwargs):
    """Les liens saisis sans protocole sont compris en « https:// »."""
    if isinstance(champ_modele, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return champ_modele.formfield(**kwargs)


def _cases(referentiel: dict) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=referentiels.choix(referentiel), required=False, widget=forms.CheckboxSelectMultiple
    )


class CommuneMixin:
    """Code postal saisi, commune choisie parmi celles qu'il dessert (déduite s'il n'en dessert qu'une) : le
    formulaire rend `code_postal`, `code_insee` et `commune` (le nom)."""

    def _preparer_commune(self):
        champ = forms.ChoiceField(
            label="Commune",
            required=False,
            help_text="Déduite du code postal ; à choisir quand il dessert plusieurs communes.",
        )
        code_postal = (self.data.get(self.add_prefix("code_postal")) if self.is_bound else None) or getattr(
            self.instance, "code_postal", ""
        )
        champ.choices = choix_communes(code_postal)
        self.fields["code_insee"] = champ
        self.fields["code_postal"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})

    def _nettoyer_commune(self, donnees, obligatoire: bool) -> None:
        code_postal, code_insee = donnees.get("code_postal", ""), donnees.get("code_insee", "")
        if obligatoire and not code_postal and "code_postal" not in self.errors:
            self.add_error("code_postal", "Indiquez le code postal du lieu d'accueil.")
            return
        try:
            donnees["code_postal"], donnees["code_insee"], donnees["commune"] = validation.valider_commune(
                code_postal, code_insee
            )
        except ValidationError as erreur:
            champ = "code_insee" if erreur.code in ("commune", "commune_ambigue") else "code_postal"
            self.add_error(champ, erreur)
            return
        self.instance.commune = donnees["commune"]


def choix_communes(code_postal: str) -> list[tuple[str, str]]:
    desservies = communes_par_code_postal().get((code_postal or "").strip(), ())
    if len(desservies) == 1:
        return list(desservies)
    vide = "Choisissez la commune" if desservies else "Saisissez d'abord le code postal"
    return [("", vide), *desservies]


# --- Structure -----------------------------------------------------------------------------------


class ControlesDuServiceMixin:
    """Les contrôles des valeurs data·inclusion d'un service (`offre/validation.py`), communs au formulaire du
    catalogue et à celui de l'administration technique."""

    def clean_thematiques(self):
        return validation.valider_thematiques(self.cleaned_data["thematiques"])

    def clean_type(self):
        return validation.valider_type(self.cleaned_data["type"])

    def clean_publics(self):
        return validation.valider_publics(self.cleaned_data["publics"])

    def clean_frais(self):
        return validation.valider_frais(self.cleaned_data["frais"])

    def clean_zone_eligibilite(self):
        return validation.valider_zone(self.cleaned_data["zone_eligibilite"])

    def clean_modes_mobilisation(self):
        return validation.valider_modes_mobilisation(self.cleaned_data["modes_mobilisation"])

    def clean_mobilisable_par(self):
        return validation.valider_mobilisable_par(self.cleaned_data["mobilisable_par"])


class StructureForm(CommuneMixin, ModelForm):
    reseaux_porteurs = _cases(referentiels.reseaux_porteurs())
    siret = forms.CharField(
        label="SIRET",
        required=False,
        max_length=20,  # les espaces saisis sont retirés : 14 chiffres restent
        help_text="14 chiffres.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Structure
        formfield_callback = champ_de_formulaire
        fields = [
            "nom",
            "siret",
            "description",
            "reseaux_porteurs",
            "adresse",
            "complement_adresse",
            "code_postal",
            "code_insee",
            "telephone",
            "courriel",
            "site_web",
            "horaires_accueil",
            "accessibilite_lieu",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "horaires_accueil": "Au format OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-17:00 ».",
            "accessibilite_lieu": "Le lien de la fiche de la structure sur acceslibre.beta.gouv.fr.",
        }

    def __init__(self, *args, organisations=None, hors_plateforme: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reseaux_porteurs"].label = "Réseaux porteurs"
        self._preparer_commune()
        self.creation = organisations is not None
        if self.creation:
            choix = [(str(organisation.uuid), organisation.nom) for organisation in organisations]
            if hors_plateforme:
                choix.append((HORS_PLATEFORME, "Une structure hors plateforme (association, entreprise…)"))
            self.fields["proprietaire"] = forms.ChoiceField(
                label="Structure de",
                choices=[("", "Choisissez"), *choix],
                help_text="L'organisation partenaire dont les membres tiendront la structure à jour"
                + (
                    " ; une structure hors plateforme est tenue par le pilote et reçoit les orientations par courriel."
                    if hors_plateforme
                    else "."
                ),
            )
            self.organisations = {str(organisation.uuid): organisation for organisation in organisations}
            self.order_fields(["proprietaire"])

    def clean_siret(self):
        return validation.valider_siret(self.cleaned_data["siret"])

    def clean_reseaux_porteurs(self):
        return validation.valider_reseaux_porteurs(self.cleaned_data["reseaux_porteurs"])

    def clean(self):
        donnees = super().clean()
        self._nettoyer_commune(donnees, obligatoire=False)
        if self.creation and donnees.get("proprietaire") == HORS_PLATEFORME and not donnees.get("courriel"):
            self.add_error(
                "courriel", "Une structure hors plateforme reçoit les orientations par courriel : indiquez-le."
            )
        return donnees

    def organisation(self):
        """L'organisation choisie à la création (None : structure hors plateforme)."""
        return self.organisations.get(self.cleaned_data["proprietaire"])

    def champs(self) -> dict:
        return {champ: self.cleaned_data[champ] for champ in [*self.Meta.fields, "commune"]}


# --- Service -------------------------------------------------------------------------------------


class ServiceForm(ControlesDuServiceMixin, CommuneMixin, ModelForm):
    thematiques = forms.MultipleChoiceField(
        label="Thématiques",
        choices=referentiels.choix(referentiels.thematiques()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une thématique : c'est par elles que les référents cherchent."},
    )
    type = forms.ChoiceField(
        label="Type de service", choices=[("", "Non précisé"), *referentiels.choix(referentiels.types_de_services())]
    )
    publics = forms.MultipleChoiceField(
        label="Publics",
        choices=referentiels.choix(referentiels.publics()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="« Tous publics » ne se combine pas avec les autres. Rien de coché : tous publics.",
    )
    frais = forms.ChoiceField(
        label="Frais",
        choices=[("", "Non précisé"), *referentiels.choix(referentiels.frais())],
        widget=forms.RadioSelect,
        required=False,
    )
    modes_accueil = forms.MultipleChoiceField(
        label="Modes d'accueil",
        choices=referentiels.choix(referentiels.modes_accueil()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="En présentiel : l'adresse, le code postal et la commune sont demandés.",
    )
    zone_eligibilite = forms.CharField(
        label="Zone d'éligibilité",
        required=False,
        help_text="Codes officiels séparés par des virgules ou des espaces : commune (code INSEE, ex. 40192), "
        "intercommunalité (SIREN, 9 chiffres), département (40), région (R et son code : R75 pour la "
        "Nouvelle-Aquitaine, remplacée par ses départements) ou « france ». Vide : sans restriction.",
    )
    modes_mobilisation = forms.MultipleChoiceField(
        label="Modes de mobilisation",
        choices=referentiels.choix(referentiels.modes_mobilisation()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mobilisable_par = forms.MultipleChoiceField(
        label="Mobilisable par",
        choices=referentiels.choix(referentiels.personnes_mobilisatrices()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    frequence_actualisation = forms.ChoiceField(
        label="Fréquence d'actualisation",
        choices=Frequence.choices,
        initial=Frequence.SIX_MOIS,
        help_text="Passé ce délai sans mise à jour, le service est montré « à actualiser » et vous recevez un rappel.",
    )

    class Meta:
        model = Service
        formfield_callback = champ_de_formulaire
        fields = [
            "nom",
            "description",
            "thematiques",
            "type",
            "publics",
            "publics_precisions",
            "frais",
            "frais_precisions",
            "adresse",
            "complement_adresse",
            "code_postal",
            "code_insee",
            "zone_eligibilite",
            "modes_mobilisation",
            "mobilisable_par",
            "mobilisation_precisions",
            "lien_mobilisation",
            "conditions_acces",
            "justificatifs",
            "contact_nom_prenom",
            "courriel",
            "telephone",
            "horaires_accueil",
            "volume_horaire_hebdomadaire",
            "nombre_semaines",
            "capacite",
            "frequence_actualisation",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "publics_precisions": forms.Textarea(attrs={"rows": 2}),
            "frais_precisions": forms.Textarea(attrs={"rows": 2}),
            "mobilisation_precisions": forms.Textarea(attrs={"rows": 2}),
            "conditions_acces": forms.Textarea(attrs={"rows": 3}),
            "justificatifs": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "description": "Idéalement entre 200 et 2 000 caractères, en phrases courtes.",
            "horaires_accueil": "Au format OpenStreetMap, par exemple « Mo-Fr 09:00-12:00 ».",
            "volume_horaire_hebdomadaire": "Heures par semaine pour la personne (compte dans ses 15 heures "
            "d'activité).",
            "capacite": "Nombre de places, si le service en a un nombre limité.",
        }

    # Les sections du formulaire (dans le gabarit) : (titre, champs).
    SECTIONS = [
        ("Présentation", ["nom", "description", "type"]),
        ("Publics et frais", ["publics", "publics_precisions", "frais", "frais_precisions"]),
        (
            "Accueil",
            ["modes_accueil", "adresse", "complement_adresse", "code_postal", "code_insee", "horaires_accueil"],
        ),
        ("Zone d'éligibilité", ["zone_eligibilite"]),
        (
            "Mobilisation",
            [
                "modes_mobilisation",
                "mobilisable_par",
                "mobilisation_precisions",
                "lien_mobilisation",
                "conditions_acces",
                "justificatifs",
            ],
        ),
        ("Contact", ["contact_nom_prenom", "courriel", "telephone"]),
        (
            "Durée, capacité et actualisation",
            ["volume_horaire_hebdomadaire", "nombre_semaines", "capacite", "frequence_actualisation"],
        ),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].required = False
        self._preparer_commune()
        for nom, minimum in (("nombre_semaines", 1), ("volume_horaire_hebdomadaire", 0)):
            self.fields[nom].validators.append(MinValueValidator(minimum))
            self.fields[nom].widget.attrs["min"] = minimum
        if not self.is_bound:
            instance = self.instance
            self.initial["zone_eligibilite"] = ", ".join(instance.zone_eligibilite or [])
            self.initial["modes_accueil"] = [
                code
                for code, actif in (
                    (validation.EN_PRESENTIEL, instance.en_presentiel),
                    (validation.A_DISTANCE, instance.a_distance),
                )
                if actif
            ]

    def sections(self):
        return [(titre, [self[champ] for champ in champs]) for titre, champs in self.SECTIONS]

    def thematiques_par_categorie(self):
        """Les cases des thématiques groupées par leurs 16 catégories : [(code, libellé, cases, une cochée)]."""
        thematiques, categories = referentiels.thematiques(), referentiels.categories()
        groupes: dict[str, list] = {code: [] for code in categories}
        for case in self["thematiques"]:
            groupes[thematiques[case.data["value"]][1]].append(case)
        return [
            (code, categories[code], cases, any(case.data["selected"] for case in cases))
            for code, cases in groupes.items()
            if cases
        ]

    def clean_zone_eligibilite(self):
        return validation.valider_zone(validation.lire_codes(self.cleaned_data["zone_eligibilite"]))

    def clean(self):
        donnees = super().clean()
        if "modes_accueil" in self.errors:
            return donnees
        en_presentiel, a_distance = validation.valider_modes_accueil(donnees.get("modes_accueil"))
        donnees["en_presentiel"], donnees["a_distance"] = en_presentiel, a_distance
        self.instance.en_presentiel, self.instance.a_distance = en_presentiel, a_distance
        try:
            validation.valider_accueil(en_presentiel, a_distance, donnees.get("adresse", ""))
        except ValidationError as erreur:
            self.add_error("adresse" if erreur.code == "adresse_manquante" else "modes_accueil", erreur)
        self._nettoyer_commune(donnees, obligatoire=en_presentiel)
        return donnees

    def champs(self) -> dict:
        noms = [*self.Meta.fields, "commune", "en_presentiel", "a_distance"]
        return {champ: self.cleaned_data[champ] for champ in noms}


# --- Sessions, signalements, modération ----------------------------------------------------------


class SessionForm(ModelForm):
    class Meta:
        model = SessionService
        fields = ["intitule", "debut", "fin", "lieu", "places"]
        widgets = {
            "debut": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "fin": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        help_texts = {
            "intitule": "Par exemple « Job dating restauration » ou « Information collective ».",
            "lieu": "Vide : à l'adresse du service.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["places"].validators.append(MinValueValidator(1))
        self.fields["places"].widget.attrs["min"] = 1

    def clean_places(self):
        places = self.cleaned_data["places"]
        prises = self.instance.places_prises if self.instance.pk else 0
        if places < prises:
            raise ValidationError(f"{prises} places sont déjà prises : indiquez au moins ce nombre.")
        return places

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin de la session ne peut pas précéder son début.")
        return donnees

    def champs(self) -> dict:
        return {champ: self.cleaned_data[champ] for champ in self.Meta.fields}


class SignalementForm(forms.Form):
    motif = forms.ChoiceField(
        label="Ce qui ne va pas", choices=SignalementService.Motif.choices, widget=forms.RadioSelect
    )
    commentaire = forms.CharField(
        label="Précisez",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce qui est inexact et, si vous la connaissez, l'information juste.",
        error_messages={"required": "Précisez l'erreur : le commentaire est obligatoire."},
    )

    def clean_commentaire(self):
        commentaire = self.cleaned_data["commentaire"].strip()
        if not commentaire:
            raise ValidationError("Précisez l'erreur : le commentaire est obligatoire.")
        return commentaire


class SuspensionForm(forms.Form):
    motif = forms.CharField(
        label="Motif de la suspension",
        max_length=250,
        help_text="Visible des éditeurs du service, par exemple « Dispositif arrêté fin juin ».",
        error_messages={"required": "Indiquez le motif de la suspension."},
    )
