from django import forms
from django.contrib.auth.password_validation import validate_password

from partenaires.choix import Role
from partenaires.models import Organisation, Utilisateur
from partenaires.referentiels import choix_departements
from spie.forms import ModelForm


class OrganisationForm(ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "nom",
            "type",
            "siret",
            "adresse",
            "code_postal",
            "commune",
            "departement",
            "sous_territoire",
            "email_contact",
            "telephone",
        ]
        widgets = {"siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}

    def __init__(self, *args, departements: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if departements is not None:
            self.fields["departement"].choices = [
                (code, libelle) for code, libelle in choix_departements() if code in departements
            ]

    def clean_siret(self):
        return self.cleaned_data["siret"].replace(" ", "")

    def clean_code_postal(self):
        code = self.cleaned_data["code_postal"].strip()
        if len(code) != 5 or not code.isdigit():
            raise forms.ValidationError("Le code postal comporte 5 chiffres.")
        return code


class CreationOrganisationForm(OrganisationForm):
    email_administrateur = forms.EmailField(
        label="E-mail du premier administrateur",
        help_text="Cette personne recevra une invitation pour activer son compte et gérer les membres.",
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail professionnelle")
    role = forms.ChoiceField(label="Rôle", choices=Role.choices, initial=Role.PROFESSIONNEL)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)


class DesactivationForm(forms.Form):
    motif = forms.CharField(
        label="Motif de la désactivation",
        max_length=250,
        help_text="Par exemple : départ de la structure, changement de poste, fin de contrat.",
    )


class AcceptationForm(forms.Form):
    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 12 caractères, pas uniquement des chiffres, pas un mot de passe courant.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        donnees = super().clean()
        mdp1, mdp2 = donnees.get("password1"), donnees.get("password2")
        if mdp1 and mdp2 and mdp1 != mdp2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif mdp1:
            futur = Utilisateur(email=self.email, prenom=donnees.get("prenom", ""), nom=donnees.get("nom", ""))
            try:
                validate_password(mdp1, user=futur)
            except forms.ValidationError as erreur:
                self.add_error("password1", erreur)
        return donnees
