"""Les filtres de la page des indicateurs : territoire (un département dont l'utilisateur voit les chiffres),
sous-territoire (EPCI du département), organisation (du département), période (des mois civils entiers, de 2000 à
2100), public. Un filtre invalide donne un message en français et aucun chiffre, jamais une erreur serveur."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from gouvernance.indicateurs import calcul
from gouvernance.indicateurs import population as p
from partenaires import referentiels
from partenaires.models import Organisation
from spie.forms import ChampDate

DUREE_MAXIMALE_JOURS = 366 * 3


def choix_territoires(codes) -> list[tuple[str, str]]:
    """Les départements proposés dans les filtres du pilotage (« 40 – Landes »), dans l'ordre des codes."""
    noms = referentiels.departements()
    return [(code, f"{code} – {noms.get(code, code)}") for code in sorted(codes)]


class FiltresIndicateursForm(forms.Form):
    territoire = forms.ChoiceField(label="Territoire")
    sous_territoire = forms.CharField(label="Sous-territoire (EPCI)", required=False)
    organisation = forms.UUIDField(label="Organisation (organisme référent)", required=False)
    debut = ChampDate(label="Du", widget=forms.DateInput(attrs={"type": "date"}), annees=(p.ANNEE_MIN, p.ANNEE_MAX))
    fin = ChampDate(label="Au", widget=forms.DateInput(attrs={"type": "date"}), annees=(p.ANNEE_MIN, p.ANNEE_MAX))
    public = forms.ChoiceField(label="Public", choices=list(p.PUBLICS.items()))

    def __init__(self, donnees, *, departements: list[str]):
        periode = p.dernier_trimestre_complet(timezone.localdate())
        self.valeurs_par_defaut = {
            "territoire": departements[0] if departements else "",
            "sous_territoire": "",
            "organisation": "",
            "debut": periode.debut.isoformat(),
            "fin": periode.fin.isoformat(),
            "public": p.TOUS,
        }
        # Sans filtre (première visite) : les valeurs par défaut ; un filtre absent de l'adresse prend la sienne.
        super().__init__({**self.valeurs_par_defaut, **{cle: valeur for cle, valeur in donnees.items() if valeur}})
        self.fields["territoire"].choices = choix_territoires(departements)

    def clean(self):
        donnees = super().clean()
        territoire, debut, fin = donnees.get("territoire"), donnees.get("debut"), donnees.get("fin")
        # Des mois entiers : une différence d'un jour entre deux périodes isolerait une personne.
        if debut and "debut" not in self.errors and debut.day != 1:
            self.add_error("debut", "La période commence le premier jour d'un mois.")
        if fin and "fin" not in self.errors and (fin + timedelta(days=1)).day != 1:
            self.add_error("fin", "La période finit le dernier jour d'un mois.")
        if debut and fin and not self.errors.keys() & {"debut", "fin"}:
            if debut > fin:
                self.add_error("fin", "La fin de la période ne peut pas précéder son début.")
            elif fin - debut > timedelta(days=DUREE_MAXIMALE_JOURS):
                self.add_error("fin", "La période dure trois ans au plus.")
        epci = donnees.get("sous_territoire")
        if territoire and epci and epci not in dict(p.epci_du_departement(territoire)):
            self.add_error("sous_territoire", "Cet EPCI n'est pas dans le territoire choisi.")
        organisation = donnees.get("organisation")
        if territoire and organisation:
            trouvee = Organisation.objects.filter(uuid=organisation, departement=territoire).first()
            if trouvee is None:
                self.add_error("organisation", "Cette organisation n'est pas dans le territoire choisi.")
            donnees["organisation_trouvee"] = trouvee
        return donnees

    def organisations(self):
        territoire = self.cleaned_data.get("territoire") if self.is_valid() else self.valeurs_par_defaut["territoire"]
        return Organisation.objects.filter(departement=territoire).order_by("nom").values_list("uuid", "nom")

    def filtres(self) -> calcul.Filtres:
        donnees = self.cleaned_data
        organisation = donnees.get("organisation_trouvee")
        return calcul.Filtres(
            departement=donnees["territoire"],
            periode=p.Periode(donnees["debut"], donnees["fin"]),
            epci=donnees.get("sous_territoire") or "",
            organisation_id=organisation.pk if organisation else None,
            public=donnees["public"],
        )
