"""Les formulaires de l'activation de l'espace personnel : ils lisent la saisie ; le code, l'identifiant et la force
du mot de passe sont vérifiés par `parcours.espace.activation`."""

from django import forms

from parcours.espace.activation import normaliser_code, normaliser_identifiant

AIDE_MOT_DE_PASSE = (
    "Au moins 12 caractères. Une phrase facile à retenir convient, par exemple « le chat dort sur le canapé »."
)


class MotDePasseForm(forms.Form):
    password1 = forms.CharField(
        label="Choisissez votre mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=AIDE_MOT_DE_PASSE,
    )
    password2 = forms.CharField(
        label="Écrivez-le une deuxième fois",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        donnees = super().clean()
        mdp1, mdp2 = donnees.get("password1"), donnees.get("password2")
        if mdp1 and mdp2 and mdp1 != mdp2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        return donnees


class ActivationCodeForm(MotDePasseForm):
    identifiant = forms.CharField(
        label="Votre identifiant",
        max_length=40,
        help_text="Il est écrit sur la feuille remise par votre référent, par exemple « lea.martin4821 ».",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label="Votre code d'activation",
        max_length=30,
        help_text="12 lettres et chiffres, par exemple « ABCD-EFGH-JKMN ». En majuscules ou en minuscules.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )

    field_order = ["identifiant", "code", "password1", "password2"]

    def clean_identifiant(self):
        return normaliser_identifiant(self.cleaned_data["identifiant"])

    def clean_code(self):
        return normaliser_code(self.cleaned_data["code"])
