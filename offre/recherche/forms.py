"""Le formulaire de recherche dans l'offre (GET), partagé par la recherche des professionnels, la recherche publique
et la recherche depuis un carnet (`parcours`) :

    formulaire = FormulaireRecherche(request.GET, defauts={"commune": personne.code_commune})
    if formulaire.is_valid():
        resultats = rechercher(formulaire.criteres())

ou, sans formulaire à afficher, `criteres_depuis(request.GET)`."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from offre import fraicheur, referentiels
from offre.recherche import communes
from offre.recherche.moteur import RAYON_PAR_DEFAUT_KM, RAYONS_KM, Criteres

TEXTE_MAX = 200


class Select(forms.Select):
    """Une liste déroulante DSFR rendue en Python, sans un gabarit par option : le même HTML que le rendu du site,
    plusieurs fois plus vite pour les 86 choix des thématiques. Même nom de classe que celle de Django : le gabarit
    des champs du site (`spie/formulaires/champ.html`) la reconnaît comme une liste (`widget_type`)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("class", "fr-select")
        choisies = set(self.format_value(value))
        options = []
        for valeur, libelle in self.choices:
            if isinstance(libelle, list | tuple):
                groupe = format_html_join("", "{}", ((self._option(code, texte, choisies),) for code, texte in libelle))
                options.append(format_html('<optgroup label="{}">{}</optgroup>', valeur, groupe))
            else:
                options.append(self._option(valeur, libelle, choisies))
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), mark_safe("".join(options)))

    @staticmethod
    def _option(valeur, libelle, choisies) -> str:
        choisie = mark_safe(" selected") if str(valeur) in choisies else ""
        return format_html('<option value="{}"{}>{}</option>', valeur, choisie, libelle)


def choix_thematiques() -> list:
    """Les 16 catégories, chacune suivie de ses thématiques (69 en tout), groupées par catégorie."""
    par_categorie: dict[str, list[tuple[str, str]]] = {code: [] for code in referentiels.categories()}
    for code, (libelle, categorie) in referentiels.thematiques().items():
        par_categorie.setdefault(categorie, []).append((code, libelle))
    return [("", "Toutes les thématiques")] + [
        (
            libelle_categorie,
            [(categorie, f"{libelle_categorie} : toute la catégorie"), *par_categorie[categorie]],
        )
        for categorie, libelle_categorie in referentiels.categories().items()
    ]


def _liste_rayons() -> str:
    rayons = [str(rayon) for rayon in RAYONS_KM]
    return f"{', '.join(rayons[:-1])} ou {rayons[-1]} km"


class FormulaireRecherche(forms.Form):
    """Les critères d'une recherche. Toujours lié (GET) : sans paramètre, c'est une recherche sans critère.
    `defauts` pré-remplit les paramètres absents de la requête (commune de la personne, besoin…)."""

    thematique = forms.ChoiceField(label="Besoin (thématique)", required=False, widget=Select)
    public = forms.ChoiceField(label="Public", required=False, widget=Select)
    type = forms.ChoiceField(label="Type de service", required=False, widget=Select)
    frais = forms.ChoiceField(label="Frais", required=False, widget=Select)
    texte = forms.CharField(
        label="Mots-clés",
        required=False,
        max_length=TEXTE_MAX,
        help_text="Nom du service, de la structure, description (les accents ne comptent pas).",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    commune = forms.CharField(
        label="Commune",
        required=False,
        max_length=100,
        help_text="Code postal ou nom, puis choisissez dans la liste.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "communes-suggestions"}),
    )
    rayon = forms.TypedChoiceField(
        label="Rayon",
        coerce=int,
        widget=Select,
        choices=[(rayon, f"{rayon} km") for rayon in RAYONS_KM],
        error_messages={
            "invalid_choice": f"Choisissez un rayon parmi {_liste_rayons()}.",
            "required": f"Choisissez un rayon parmi {_liste_rayons()}.",
        },
    )
    a_actualiser = forms.BooleanField(
        label="Inclure les services à actualiser depuis longtemps",
        required=False,
        help_text=f"Ceux dont la mise à jour a plus de {fraicheur.DELAI_DE_GRACE.days} jours de retard.",
    )

    def __init__(self, data=None, *, defauts=None, **kwargs):
        data = data.copy() if data is not None else {}
        for cle, valeur in {"rayon": str(RAYON_PAR_DEFAUT_KM), **(defauts or {})}.items():
            if cle not in data and valeur:
                data[cle] = valeur
        kwargs.setdefault("auto_id", "recherche-%s")
        super().__init__(data, **kwargs)
        self.fields["thematique"].choices = choix_thematiques()
        self.fields["public"].choices = [("", "Tous les publics")] + [
            choix for choix in referentiels.choix(referentiels.publics()) if choix[0] != referentiels.TOUS_PUBLICS
        ]
        self.fields["type"].choices = [("", "Tous les types")] + referentiels.choix(referentiels.types_de_services())
        self.fields["frais"].choices = [("", "Tous")] + referentiels.choix(referentiels.frais())
        # Les suggestions de communes (htmx) : seule la saisie part, et elles remplissent la liste, pas les résultats.
        self.fields["commune"].widget.attrs.update(
            {
                "hx-get": reverse("offre:communes"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#communes-suggestions",
                "hx-swap": "innerHTML",
                "hx-push-url": "false",
            }
        )
        self.commune_choisie = None

    @property
    def affinee(self) -> bool:
        """Vrai quand un critère secondaire (public, type, frais, fraîcheur) est choisi ou en erreur : le formulaire
        les montre alors dépliés."""
        secondaires = ("public", "type", "frais", "a_actualiser")
        return any(self.data.get(nom) for nom in secondaires) or any(nom in self.errors for nom in secondaires)

    def clean_commune(self):
        code_insee = communes.resoudre(self.cleaned_data["commune"])
        if code_insee:
            self.commune_choisie = communes.commune(
                code_insee, communes.code_postal_saisi(self.cleaned_data["commune"])
            )
            # Le champ montre désormais la commune trouvée (« Mont-de-Marsan (40000) »), même saisie par son code.
            self.data["commune"] = self.commune_choisie.libelle
        return code_insee

    def criteres(self) -> Criteres:
        """Les critères de la recherche (formulaire valide)."""
        if not self.is_valid():
            raise ValueError("Le formulaire de recherche n'est pas valide.")
        donnees = self.cleaned_data
        return Criteres(
            thematiques=(donnees["thematique"],) if donnees["thematique"] else (),
            publics=(donnees["public"],) if donnees["public"] else (),
            types=(donnees["type"],) if donnees["type"] else (),
            frais=donnees["frais"],
            texte=donnees["texte"],
            code_commune=donnees["commune"],
            rayon_km=donnees["rayon"],
            inclure_a_actualiser=donnees["a_actualiser"],
        )

    @property
    def erreurs(self) -> list[str]:
        """Tous les messages d'erreur, à plat (pour le fragment de résultats)."""
        return [message for messages in self.errors.values() for message in messages]


def criteres_depuis(parametres, *, defauts=None) -> Criteres:
    """Les critères lus dans des paramètres de requête ; `ValidationError` (messages en français) s'ils ne valent
    pas."""
    formulaire = FormulaireRecherche(parametres, defauts=defauts)
    if not formulaire.is_valid():
        raise ValidationError(formulaire.erreurs)
    return formulaire.criteres()
