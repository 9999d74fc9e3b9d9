from django import forms
from django.db.models import F
from django.utils import timezone

from parcours.models import (
    Action,
    ActionReferentiel,
    ContratEngagement,
    EvenementCarnet,
    Note,
    ObjectifReferentiel,
    Personne,
    RendezVous,
    Statut,
    Theme,
)
from parcours.validators import normaliser_nir, valider_nir
from spie.forms import ChampDate, ChampDateHeure, ModelForm


class SaisieSansRappel(forms.TextInput):
    """Un champ qui ne réécrit jamais sa valeur dans la page (le NIR ne revient pas dans un formulaire renvoyé)."""

    def format_value(self, value):
        return None


class PersonneForm(ModelForm):
    nir = forms.CharField(
        label="Numéro de sécurité sociale (NIR)",
        required=False,
        max_length=30,
        validators=[valider_nir],
        widget=SaisieSansRappel(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=(
            "Facultatif : 13 caractères et la clé de 2 chiffres. Gardé chiffré, jamais réaffiché : "
            "saisissez-le de nouveau si le formulaire vous revient."
        ),
    )

    class Meta:
        model = Personne
        fields = [
            "nom", "prenom", "date_naissance", "lieu_naissance", "email", "telephone", "adresse", "code_postal",
            "commune", "code_commune", "identifiant_departement", "numero_caf_msa", "identifiant_france_travail",
        ]  # fmt: skip
        widgets = {"date_naissance": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_nir(self):
        return normaliser_nir(self.cleaned_data["nir"])

    def clean_date_naissance(self):
        date_naissance = self.cleaned_data["date_naissance"]
        if date_naissance > timezone.localdate():
            raise forms.ValidationError("La date de naissance ne peut pas être dans le futur.")
        return date_naissance


class IntervenantForm(forms.Form):
    email = forms.EmailField(
        label="E-mail professionnel de l'intervenant",
        help_text="Un professionnel inscrit sur la plateforme, de n'importe quelle organisation partenaire.",
    )
    organisation = forms.ChoiceField(label="Pour quelle organisation ?", required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["organisation"].choices = [(str(o.uuid), o.nom) for o in organisations]
            self.fields["organisation"].required = True
        else:
            del self.fields["organisation"]


class FinIntervenantForm(forms.Form):
    motif = forms.CharField(label="Motif", max_length=250, help_text="Par exemple : fin de la mesure, relais pris.")
    date_fin = ChampDate(
        label="Date de fin",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class FiltreHistoriqueForm(forms.Form):
    type = forms.ChoiceField(
        label="Type d'événement", required=False, choices=[("", "Tous"), *EvenementCarnet.Type.choices]
    )
    du = ChampDate(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = ChampDate(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        donnees = super().clean()
        if donnees.get("du") and donnees.get("au") and donnees["du"] > donnees["au"]:
            raise forms.ValidationError("La date de début de la période doit précéder sa date de fin.")
        return donnees


class RendezVousForm(forms.Form):
    date_heure = ChampDateHeure(
        label="Date et heure", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    intervenant = forms.ChoiceField(label="Avec")
    objet = forms.CharField(label="Objet", max_length=250)
    a_distance = forms.BooleanField(label="À distance (téléphone, visio)", required=False)
    lieu = forms.CharField(label="Lieu", max_length=250, required=False, help_text="Obligatoire sauf à distance.")

    def __init__(self, *args, intervenants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervenant"].choices = [
            (str(i.utilisateur.uuid), f"{i.utilisateur} ({i.organisation})") for i in intervenants
        ]


class SuiteRendezVousForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", choices=RendezVous.Statut.choices)
    compte_rendu = forms.CharField(label="Suite donnée", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    texte = forms.CharField(label="Note d'entretien", widget=forms.Textarea(attrs={"rows": 4}))
    visibilite = forms.ChoiceField(label="Visible par", widget=forms.RadioSelect)

    def __init__(self, *args, permises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibilite"].choices = [(v, Note.Visibilite(v).label) for v in permises]
        self.fields["visibilite"].initial = permises[-1]


class StatutForm(forms.Form):
    type = forms.ChoiceField(label="Statut", choices=Statut.Type.choices)
    valeur = forms.ChoiceField(
        label="Valeur",
        choices=[
            ("Droit au RSA", list(Statut.VALEURS_RSA.items())),
            ("Autres statuts", list(Statut.VALEURS_OUI_NON.items())),
        ],
    )
    date_debut = ChampDate(
        label="Depuis le", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    motif = forms.CharField(label="Motif (suspension, clôture…)", max_length=250, required=False)


def _date(**attrs):
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


class ObjectifForm(forms.Form):
    axe = forms.ChoiceField(label="Axe de travail")
    referentiel = forms.ChoiceField(label="Objectif du référentiel", required=False)
    libelle_libre = forms.CharField(
        label="Ou objectif en saisie libre",
        max_length=250,
        required=False,
        help_text="Seulement s'il n'est pas au référentiel.",
    )
    contrat = forms.ChoiceField(label="Rattaché au contrat", required=False)

    def __init__(self, *args, contrats=(), **kwargs):
        super().__init__(*args, **kwargs)
        axes = Theme.objects.filter(code=F("axe")).order_by("libelle")
        self.fields["axe"].choices = [(t.code, t.libelle) for t in axes]
        groupes = {}
        for objectif in ObjectifReferentiel.objects.filter(actif=True).select_related("theme"):
            groupes.setdefault(objectif.theme.libelle, []).append((objectif.code, objectif.libelle))
        self.fields["referentiel"].choices = [("", "—")] + sorted(groupes.items())
        self.fields["contrat"].choices = [("", "Aucun")] + [(str(c.uuid), str(c)) for c in contrats]


class ActionForm(forms.Form):
    referentiel = forms.ChoiceField(label="Action du référentiel", required=False)
    libelle_libre = forms.CharField(label="Ou action en saisie libre", max_length=250, required=False)
    date_debut = ChampDate(label="Début", initial=timezone.localdate, widget=_date())
    date_echeance = ChampDate(label="Échéance", required=False, widget=_date())
    porteur = forms.ChoiceField(label="Portée par", required=False)

    def __init__(self, *args, objectif, organisations, actions_par_axe=None, **kwargs):
        kwargs.setdefault("prefix", f"action-{objectif.uuid}")
        super().__init__(*args, **kwargs)
        if actions_par_axe is None:
            actions_par_axe = choix_actions_par_axe()
        self.fields["referentiel"].choices = [("", "—")] + actions_par_axe.get(objectif.axe_id, [])
        self.fields["porteur"].choices = [("", "Non précisé")] + [(str(o.uuid), o.nom) for o in organisations]

    def clean(self):
        donnees = super().clean()
        if (
            donnees.get("date_debut")
            and donnees.get("date_echeance")
            and donnees["date_echeance"] < donnees["date_debut"]
        ):
            self.add_error("date_echeance", "L'échéance ne peut pas précéder le début de l'action.")
        return donnees


def choix_actions_par_axe() -> dict[str, list[tuple[str, str]]]:
    """Les actions du référentiel, par axe, en une requête (pour tous les formulaires d'une page)."""
    par_axe = {}
    for code, axe, libelle in ActionReferentiel.objects.filter(actif=True).values_list("code", "theme_id", "libelle"):
        par_axe.setdefault(axe, []).append((code, libelle))
    return par_axe


class StatutActionForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", choices=Action.Statut.choices)


class ContratForm(ModelForm):
    class Meta:
        model = ContratEngagement
        fields = [
            "type", "date_debut", "date_fin", "signataires", "heures_hebdomadaires", "raison_amenagement",
            "motif_amenagement",
        ]  # fmt: skip
        widgets = {"date_debut": _date(), "date_fin": _date()}
        help_texts = {
            "heures_hebdomadaires": "15 heures au moins, sauf aménagement motivé (loi pour le plein emploi).",
            "raison_amenagement": "Obligatoire sous 15 heures, avec le motif.",
        }


class AccordForm(forms.Form):
    date_accord = ChampDate(label="Accord donné le", initial=timezone.localdate, widget=_date())


class GelLegalForm(forms.Form):
    """Poser un gel légal (motif), ou le lever (motif de la levée) : un seul champ, selon l'état du carnet."""

    motif = forms.CharField(
        label="Motif",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : contentieux au tribunal administratif, réquisition judiciaire. Sans donnée de santé.",
        error_messages={"required": "Écrivez le motif.", "max_length": "2 000 caractères au plus."},
    )

    def __init__(self, *args, levee=False, **kwargs):
        super().__init__(*args, **kwargs)
        if levee:  # lever le gel : le motif de la levée, pas celui du gel
            self.fields["motif"].label = "Motif de la levée"
            self.fields[
                "motif"
            ].help_text = "Par exemple : jugement rendu, enquête close, demande de l'autorité retirée."
