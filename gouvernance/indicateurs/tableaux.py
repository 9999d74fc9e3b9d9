"""Les tableaux publiés des indicateurs (page, CSV, compte rendu) : une ligne par public, la valeur de la période,
celle de la période précédente et l'écart, après le secret statistique (et l'arrondi à 5 des effectifs pour les
exports et les documents des comités). Un écart n'est donné que si les deux valeurs sont publiées."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import number_format

from gouvernance import secret_statistique
from gouvernance.indicateurs import calcul, graphiques, memoire
from gouvernance.indicateurs import definitions as d
from gouvernance.indicateurs import population as p

SANS_DONNEE = "–"


@dataclass(frozen=True)
class Ligne:
    public: str
    libelle_public: str
    valeur: float | int | None  # publiée : None si secrète ou sans population
    precedente: float | int | None
    secret: bool
    secret_precedente: bool
    unite: str

    @property
    def texte(self) -> str:
        return formater(self.valeur, secret=self.secret, unite=self.unite)

    @property
    def texte_precedente(self) -> str:
        return formater(self.precedente, secret=self.secret_precedente, unite=self.unite)

    @property
    def texte_ecart(self) -> str:
        return formater_ecart(self.ecart, self.unite)

    @property
    def ecart(self):
        if self.valeur is None or self.precedente is None:
            return None
        return round(self.valeur - self.precedente, 1)


@dataclass(frozen=True)
class Tableau:
    indicateur: d.Indicateur
    lignes: list[Ligne]

    @property
    def graphique(self) -> str:
        """Le graphique SVG ; rien si aucune valeur n'est publiée (tout secret ou sans personne) : le tableau suffit."""
        if all(ligne.valeur is None and ligne.precedente is None for ligne in self.lignes):
            return ""
        return graphiques.barres(self)


def formater(valeur, *, secret: bool = False, unite: str = "") -> str:
    if secret:
        return secret_statistique.MASQUE
    if valeur is None:
        return SANS_DONNEE
    texte = number_format(valeur, 0 if isinstance(valeur, int) else 1)
    return f"{texte} %" if unite == "%" else texte


def formater_ecart(valeur, unite: str) -> str:
    if valeur is None:
        return SANS_DONNEE
    signe = "+" if valeur > 0 else ""
    texte = number_format(valeur, 0 if isinstance(valeur, int) else 1)
    return f"{signe}{texte} point{'s' if abs(valeur) >= 2 else ''}" if unite == "%" else f"{signe}{texte}"


def tableaux(mesures: dict, publics: list[str], *, arrondi: bool) -> dict[str, list[Tableau]]:
    """Section → tableaux de ses indicateurs, dans l'ordre des définitions."""
    par_section = {section: [] for section in d.SECTIONS}
    secondaires = calcul.secrets_secondaires(mesures)

    def publiee(code, public, cle, nature):
        """(valeur publiée, secrète ?) : le secret de la mesure, ou le secret secondaire de sa répartition."""
        mesure = mesures[(code, public, cle)]
        secrete = mesure.secrete or (code, public, cle) in secondaires
        return (None if secrete else mesure.publiee(nature, arrondi=arrondi)), secrete

    for code, indicateur in d.INDICATEURS.items():
        lignes = []
        for public in publics:
            valeur, secrete = publiee(code, public, "periode", indicateur.nature)
            precedente, precedente_secrete = publiee(code, public, "precedente", indicateur.nature)
            lignes.append(
                Ligne(public, p.PUBLICS[public], valeur, precedente, secrete, precedente_secrete, indicateur.unite)
            )
        par_section[indicateur.section].append(Tableau(indicateur, lignes))
    return par_section


def calculer_tableaux(filtres: calcul.Filtres, *, arrondi: bool) -> dict[str, list[Tableau]]:
    """Section → tableaux publiés pour ces filtres : le public filtré, ou chaque public sans filtre de public."""
    publics = list(p.PUBLICS) if filtres.public == p.TOUS else [filtres.public]
    return tableaux(calcul.indicateurs_du_territoire(filtres), publics, arrondi=arrondi)


@dataclass(frozen=True)
class Publication:
    """Les tableaux publiés d'un jeu de filtres et l'instant du calcul de leurs chiffres (la fraîcheur affichée)."""

    par_section: dict[str, list[Tableau]]
    calcules_le: datetime


def publier(filtres: calcul.Filtres, *, arrondi: bool) -> Publication:
    """Comme `calculer_tableaux`, à partir des chiffres en cache s'il les a (`memoire`) : la page et l'export."""
    chiffres = memoire.chiffres(filtres)
    publics = list(p.PUBLICS) if filtres.public == p.TOUS else [filtres.public]
    return Publication(tableaux(chiffres.mesures, publics, arrondi=arrondi), chiffres.calcules_le)
