"""Les formulaires du consortium et de la composition des comités. Les listes proposées suivent les règles (une
organisation active du département, un secrétaire de comité d'une organisation membre, un compte membre actif de
l'organisation du siège) ; les services les vérifient de nouveau."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

import spie.forms as forms_spie
from gouvernance.choix import Qualite, RoleConsortium, Theme, Voix
from gouvernance.composition import services
from gouvernance.models import Comite, Consortium, Mandat, Siege
from partenaires.models import Organisation, Utilisateur
from partenaires.referentiels import departements as referentiel_departements


class ChoixOrganisation(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("empty_label", "Choisissez une organisation")
        super().__init__(queryset=queryset, to_field_name="uuid", **kwargs)


class ChoixCompte(forms.ModelChoiceField):
    """Un compte de la plateforme, présenté par son nom et son e-mail."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("empty_label", "Choisissez un compte")
        super().__init__(queryset=queryset, to_field_name="uuid", **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.nom_complet} ({obj.email})" if obj.nom_complet else obj.email


class ChampDate(forms_spie.ChampDate):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)


def _libelle_departement(code: str) -> str:
    return f"{code} – {referentiel_departements().get(code, code)}"


# --- Consortium ---------------------------------------------------------------------------------


class ConsortiumCreationForm(forms.Form):
    departement = forms.ChoiceField(label="Département")
    nom = forms.CharField(label="Nom du consortium", max_length=200)
    organisation_pilote = ChoixOrganisation(
        Organisation.objects.none(),
        label="Organisation pilote",
        help_text="Le Département en général : ses pilotes gèrent le consortium et ses comités.",
    )

    def __init__(self, *args, departements: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "Choisissez le département")] + [
            (code, _libelle_departement(code)) for code in departements
        ]
        self.fields["organisation_pilote"].queryset = (
            Organisation.objects.actives().filter(departement__in=departements).order_by("nom")
        )

    def clean(self):
        donnees = super().clean()
        organisation, departement = donnees.get("organisation_pilote"), donnees.get("departement")
        if organisation and departement and organisation.departement != departement:
            self.add_error("organisation_pilote", "L'organisation pilote relève de ce département.")
        return donnees


class ConsortiumForm(forms_spie.ModelForm):
    class Meta:
        model = Consortium
        fields = ["nom"]


class MembreConsortiumForm(forms.Form):
    organisation = ChoixOrganisation(Organisation.objects.none(), label="Organisation")
    role = forms.ChoiceField(label="Rôle", choices=RoleConsortium.choices, initial=RoleConsortium.MEMBRE)

    def __init__(self, *args, consortium: Consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.actives()
            .filter(departement=consortium.departement)
            .exclude(pk__in=consortium.membres.values("organisation"))
            .order_by("nom")
        )


# --- Comités ------------------------------------------------------------------------------------


class ComiteForm(forms_spie.ModelForm):
    secretaire = ChoixCompte(
        Utilisateur.objects.none(),
        label="Secrétaire",
        required=False,
        empty_label="Pas encore de secrétaire",
        help_text="Un membre, avec le rôle « secrétaire de comité », d'une organisation membre du consortium : il "
        "prépare et tient les séances.",
    )

    class Meta:
        model = Comite
        fields = [
            "nom",
            "type",
            "theme",
            "periodicite",
            "quorum_pourcentage",
            "duree_mandat_annees",
            "secretaire",
            "actif",
        ]
        labels = {"quorum_pourcentage": "Quorum (%)"}
        help_texts = {
            "theme": "Obligatoire pour un comité technique, et seulement pour lui.",
            "quorum_pourcentage": "Part des membres à voix délibérative présents ou représentés pour délibérer "
            "(50 % par défaut).",
            "duree_mandat_annees": "Fin des mandats par défaut (trois ans).",
            "actif": "Un comité inactif ne se réunit plus ; son histoire reste consultable.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Aucun (comité qui n'est pas technique)"), *Theme.choices]
        self.fields["secretaire"].queryset = services.secretaires_possibles(self.instance.consortium).order_by(
            "nom", "prenom"
        )
        if self.instance.pk is None:
            del self.fields["actif"]

    def clean_quorum_pourcentage(self):
        pourcentage = self.cleaned_data["quorum_pourcentage"]
        if not services.QUORUM_MIN <= pourcentage <= services.QUORUM_MAX:
            raise ValidationError(services.QUORUM_HORS_BORNES)
        return pourcentage

    def clean(self):
        donnees = super().clean()
        if "type" in donnees and "theme" in donnees:
            try:
                services.verifier_theme(donnees["type"], donnees["theme"])
            except ValidationError as erreur:
                self.add_error(None, erreur)
        return donnees


# --- Sièges et mandats --------------------------------------------------------------------------


class SiegeForm(forms_spie.ModelForm):
    organisation = ChoixOrganisation(Organisation.objects.none(), label="Organisation")

    class Meta:
        model = Siege
        fields = ["organisation", "libelle", "voix", "ordre"]
        labels = {"ordre": "Rang dans le tableau"}
        help_texts = {
            "voix": "France Travail, les missions locales et Cap emploi siègent à voix consultative dans les comités "
            "pour l'emploi.",
        }
        widgets = {"voix": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        comite = self.instance.comite
        organisations = Organisation.objects.actives().filter(departement=comite.consortium.departement)
        if self.instance.pk:  # l'organisation actuelle reste proposée, même désactivée (le service tranche)
            organisations = organisations | Organisation.objects.filter(pk=self.instance.organisation_id)
        self.fields["organisation"].queryset = organisations.order_by("nom")
        self.fields["voix"].choices = Voix.choices
        if self.instance.pk is None:
            self.initial.setdefault(
                "ordre", (comite.sieges.order_by("-ordre").values_list("ordre", flat=True).first() or 0) + 1
            )


class MandatForm(forms_spie.ModelForm):
    utilisateur = ChoixCompte(
        Utilisateur.objects.none(),
        label="Compte de la plateforme",
        required=False,
        empty_label="Aucun compte",
        help_text="Facultatif : un membre actif de l'organisation du siège.",
    )
    date_debut = ChampDate(label="Début du mandat")
    date_fin = ChampDate(label="Fin du mandat", required=False)

    class Meta:
        model = Mandat
        fields = ["qualite", "prenom", "nom", "fonction", "email", "utilisateur", "date_debut", "date_fin"]
        widgets = {"qualite": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        siege = self.instance.siege
        self.comite = siege.comite
        self.fields["qualite"].choices = Qualite.choices
        self.fields["utilisateur"].queryset = (
            Utilisateur.objects.filter(
                is_active=True,
                membres__is_active=True,
                membres__organisation=siege.organisation,
                membres__organisation__is_active=True,
            )
            .distinct()
            .order_by("nom", "prenom")
        )
        self.fields["date_fin"].help_text = (
            f"Sans date, le mandat dure {self.comite.duree_mandat_annees} an"
            f"{'s' if self.comite.duree_mandat_annees > 1 else ''}, la durée des mandats du comité."
        )
        if self.instance.pk is None:
            self.initial.setdefault("date_debut", timezone.localdate())

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        if debut and not fin:
            donnees["date_fin"] = services.fin_par_defaut(self.comite, debut)
        elif debut and fin and fin < debut:
            self.add_error("date_fin", services.FIN_AVANT_DEBUT)
        return donnees


class FinMandatForm(forms.Form):
    date_fin = ChampDate(label="Fin anticipée du mandat")


class CoPresidenceForm(forms.Form):
    siege = forms.ModelChoiceField(
        Siege.objects.none(),
        label="Siège",
        to_field_name="uuid",
        empty_label="Choisissez un siège à voix délibérative",
    )
    utilisateur = ChoixCompte(
        Utilisateur.objects.none(),
        label="Co-président",
        help_text="Un membre actif de l'organisation du siège.",
    )
    voix_preponderante = forms.BooleanField(
        label="Voix prépondérante en cas de partage des voix",
        required=False,
        help_text="Le représentant de l'État dans les comités pour l'emploi ; un seul co-président l'a.",
    )

    def __init__(self, *args, comite: Comite, **kwargs):
        super().__init__(*args, **kwargs)
        sieges = comite.sieges.deliberatifs().select_related("organisation")
        self.fields["siege"].queryset = sieges
        self.fields["utilisateur"].queryset = (
            Utilisateur.objects.filter(
                is_active=True,
                membres__is_active=True,
                membres__organisation__is_active=True,
                membres__organisation__in=sieges.values("organisation"),
            )
            .distinct()
            .order_by("nom", "prenom")
        )
