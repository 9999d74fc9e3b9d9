"""Les sommes du budget : la conférence des financeurs d'un consortium (par financeur, par thème et par financeur),
son export CSV et XLSX, et le budget d'une fiche par année et par financeur.

Les montants sont des `Decimal` additionnés par la base (deux requêtes groupées pour la conférence : par financeur,
puis par thème et par financeur) ; les totaux en sont la somme exacte. Taux d'engagement : engagé / prévu ; taux de
consommation : dépensé / prévu (en %, à un chiffre après la virgule ; sans prévu, pas de taux)."""

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from gouvernance.choix import Financeur, Programme, Theme
from gouvernance.models import LigneBudget

ZERO = Decimal("0.00")
CENTIEME = Decimal("0.01")
DIXIEME = Decimal("0.1")
CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
FORMAT_EUROS = '#,##0.00 "€"'
FORMAT_TAUX = "0.0 %"
LIBELLES_FINANCEURS = {
    Financeur.ETAT: "État",
    Financeur.DEPARTEMENT: "Département",
    Financeur.FSE: "FSE",
    Financeur.REGION: "Région",
    Financeur.AUTRE: "Autres financeurs",
}


def taux(partie: Decimal, tout: Decimal) -> Decimal | None:
    if not tout:
        return None
    return (partie * 100 / tout).quantize(DIXIEME, rounding=ROUND_HALF_UP)


@dataclass
class Montants:
    prevu: Decimal = ZERO
    engage: Decimal = ZERO
    depense: Decimal = ZERO

    def __add__(self, autre: "Montants") -> "Montants":
        return Montants(self.prevu + autre.prevu, self.engage + autre.engage, self.depense + autre.depense)

    @property
    def taux_engagement(self) -> Decimal | None:
        return taux(self.engage, self.prevu)

    @property
    def taux_consommation(self) -> Decimal | None:
        return taux(self.depense, self.prevu)

    @property
    def depense_depasse_engage(self) -> bool:
        return self.depense > self.engage

    @property
    def vide(self) -> bool:
        return not (self.prevu or self.engage or self.depense)


def _sommes(prefixe: str = "", nom: str = "") -> dict:
    """Les sommes (prévu, engagé, dépensé) à annoter ou agréger : zéro quand il n'y a aucune ligne."""

    def somme(champ):
        return Coalesce(
            Sum(f"{prefixe}{champ}"), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
        )

    return {f"{nom}{champ}": somme(champ) for champ in ("prevu", "engage", "depense")}


def _montants(ligne: dict) -> Montants:
    return Montants(*(Decimal(ligne[cle]).quantize(CENTIEME) for cle in ("prevu", "engage", "depense")))


# --- La conférence des financeurs ----------------------------------------------------------------


@dataclass
class LigneFinanceur:
    code: str
    libelle: str
    montants: Montants


@dataclass
class LigneTheme:
    code: str
    libelle: str
    par_financeur: list[LigneFinanceur]  # les cinq financeurs, dans l'ordre (à zéro s'il n'y a rien)
    total: Montants

    @property
    def financeurs_presents(self) -> list[LigneFinanceur]:
        return [ligne for ligne in self.par_financeur if not ligne.montants.vide]


@dataclass
class Conference:
    consortium: object
    annee: int | None
    programme: str
    par_financeur: list[LigneFinanceur]
    total: Montants
    par_theme: list[LigneTheme] = field(default_factory=list)

    @property
    def libelle_filtres(self) -> str:
        annee = f"année {self.annee}" if self.annee else "toutes années"
        programme = Programme(self.programme).label if self.programme else "tous programmes"
        return f"{annee} · {programme}"

    @property
    def nom_de_fichier(self) -> str:
        morceaux = ["conference-financeurs", self.consortium.departement]
        if self.annee:
            morceaux.append(str(self.annee))
        if self.programme:
            morceaux.append(self.programme)
        return "-".join(morceaux)


def lignes_du_consortium(consortium, *, annee: int | None = None, programme: str = ""):
    lignes = LigneBudget.objects.filter(fiche__consortium=consortium)
    if annee:
        lignes = lignes.filter(annee=annee)
    if programme:
        lignes = lignes.filter(fiche__programme=programme)
    return lignes


def annees_du_consortium(consortium) -> list[int]:
    return list(
        LigneBudget.objects.filter(fiche__consortium=consortium)
        .order_by("-annee")
        .values_list("annee", flat=True)
        .distinct()
    )


def conference(consortium, *, annee: int | None = None, programme: str = "") -> Conference:
    """Les sommes de la conférence des financeurs, en deux requêtes : par financeur, par thème et par financeur."""
    lignes = lignes_du_consortium(consortium, annee=annee, programme=programme)
    sommes_financeurs = {
        ligne["financeur"]: _montants(ligne)
        for ligne in lignes.values("financeur").annotate(**_sommes()).order_by("financeur")
    }
    par_financeur = [
        LigneFinanceur(code, LIBELLES_FINANCEURS[code], sommes_financeurs.get(code, Montants()))
        for code in Financeur.values
    ]
    total = sum((ligne.montants for ligne in par_financeur), Montants())
    sommes_themes: dict[str, dict[str, Montants]] = {}
    for ligne in lignes.values("fiche__theme", "financeur").annotate(**_sommes()).order_by("fiche__theme", "financeur"):
        sommes_themes.setdefault(ligne["fiche__theme"], {})[ligne["financeur"]] = _montants(ligne)
    par_theme = []
    for code in Theme.values:
        if code not in sommes_themes:
            continue
        detail = [
            LigneFinanceur(financeur, LIBELLES_FINANCEURS[financeur], sommes_themes[code].get(financeur, Montants()))
            for financeur in Financeur.values
        ]
        par_theme.append(
            LigneTheme(code, Theme(code).label, detail, sum((ligne.montants for ligne in detail), Montants()))
        )
    return Conference(consortium, annee, programme, par_financeur, total, par_theme)


# --- Exports -------------------------------------------------------------------------------------

TOUS_LES_THEMES = "Tous les thèmes"
TOTAL = "Total"
COLONNES = [
    "Thème",
    "Financeur",
    "Prévu (€)",
    "Engagé (€)",
    "Dépensé (€)",
    "Taux d'engagement (%)",
    "Taux de consommation (%)",
]


def lignes_export(conference: Conference) -> list[tuple[str, str, Montants]]:
    """Le tableau exporté, une ligne par (thème, financeur) : d'abord tous thèmes confondus (les cinq financeurs,
    puis le total), puis chaque thème (ses financeurs, puis son total)."""
    lignes = [(TOUS_LES_THEMES, ligne.libelle, ligne.montants) for ligne in conference.par_financeur]
    lignes.append((TOUS_LES_THEMES, TOTAL, conference.total))
    for theme in conference.par_theme:
        lignes.extend((theme.libelle, ligne.libelle, ligne.montants) for ligne in theme.financeurs_presents)
        lignes.append((theme.libelle, TOTAL, theme.total))
    return lignes


def _nombre_fr(valeur: Decimal | None) -> str:
    return "" if valeur is None else str(valeur).replace(".", ",")


def en_csv(conference: Conference) -> bytes:
    """CSV pour les tableurs français : UTF-8 avec BOM, séparateur « ; », virgule décimale, sans séparateur de
    milliers."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(COLONNES)
    for theme, financeur, montants in lignes_export(conference):
        ecrivain.writerow(
            [
                theme,
                financeur,
                _nombre_fr(montants.prevu),
                _nombre_fr(montants.engage),
                _nombre_fr(montants.depense),
                _nombre_fr(montants.taux_engagement),
                _nombre_fr(montants.taux_consommation),
            ]
        )
    return sortie.getvalue().encode("utf-8-sig")


def en_xlsx(conference: Conference) -> bytes:
    """Classeur de deux feuilles (par financeur ; par thème et par financeur) : montants numériques au format €,
    taux au format pourcentage, ligne de total en gras."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    gras = Font(bold=True)
    classeur = Workbook()

    def feuille(titre_feuille, entetes, lignes, largeurs):
        ws = classeur.create_sheet(titre_feuille)
        ws["A1"] = f"Conférence des financeurs — {conference.consortium.nom}"
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = conference.libelle_filtres.capitalize()
        ws.append([])
        ws.append(entetes)
        for cellule in ws[4]:
            cellule.font = gras
        for textes, montants in lignes:
            taux = [None if t is None else t / 100 for t in (montants.taux_engagement, montants.taux_consommation)]
            ws.append([*textes, montants.prevu, montants.engage, montants.depense, *taux])
            rangee = ws.max_row
            premiere = len(textes) + 1
            for colonne in range(premiere, premiere + 3):
                ws.cell(rangee, colonne).number_format = FORMAT_EUROS
            for colonne in range(premiere + 3, premiere + 5):
                ws.cell(rangee, colonne).number_format = FORMAT_TAUX
            if TOTAL in textes:
                for cellule in ws[rangee]:
                    cellule.font = gras
        for index, largeur in enumerate(largeurs):
            ws.column_dimensions[chr(ord("A") + index)].width = largeur
        ws.freeze_panes = "A5"

    montants = ["Prévu", "Engagé", "Dépensé", "Taux d'engagement", "Taux de consommation"]
    feuille(
        "Par financeur",
        ["Financeur", *montants],
        [((ligne.libelle,), ligne.montants) for ligne in conference.par_financeur] + [((TOTAL,), conference.total)],
        [22, 18, 18, 18, 20, 22],
    )
    feuille(
        "Par thème",
        ["Thème", "Financeur", *montants],
        [((theme, financeur), m) for theme, financeur, m in lignes_export(conference) if theme != TOUS_LES_THEMES],
        [28, 22, 18, 18, 18, 20, 22],
    )
    classeur.remove(classeur.active)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


# --- Le budget d'une fiche -----------------------------------------------------------------------


@dataclass
class AnneeBudget:
    annee: int
    lignes: list
    total: Montants


@dataclass
class BudgetFiche:
    annees: list[AnneeBudget]
    par_financeur: list[LigneFinanceur]
    total: Montants


def budget_de_la_fiche(lignes) -> BudgetFiche:
    """Les lignes d'une fiche (déjà lues) groupées par année avec leur sous-total, les totaux par financeur et le
    total général (sommes exactes de `Decimal`)."""
    annees: dict[int, list] = {}
    financeurs: dict[str, Montants] = {}
    for ligne in sorted(
        lignes, key=lambda lg: (lg.annee, Financeur.values.index(lg.financeur), lg.precision_financeur)
    ):
        annees.setdefault(ligne.annee, []).append(ligne)
        montants = Montants(ligne.prevu, ligne.engage, ligne.depense)
        financeurs[ligne.financeur] = financeurs.get(ligne.financeur, Montants()) + montants
    par_annee = [
        AnneeBudget(annee, groupe, sum((Montants(lg.prevu, lg.engage, lg.depense) for lg in groupe), Montants()))
        for annee, groupe in annees.items()
    ]
    par_financeur = [
        LigneFinanceur(code, LIBELLES_FINANCEURS[code], financeurs[code])
        for code in Financeur.values
        if code in financeurs
    ]
    total = sum((ligne.montants for ligne in par_financeur), Montants())
    return BudgetFiche(par_annee, par_financeur, total)


# --- Le plan d'actions ---------------------------------------------------------------------------


def avec_budget(fiches):
    """Les fiches annotées de leur budget (prévu, engagé, dépensé, toutes années et tous financeurs)."""
    return fiches.annotate(**_sommes("budget__", "budget_"))


def totaux_des_fiches(fiches) -> Montants:
    """Le budget total des fiches données, en une requête."""
    return _montants(LigneBudget.objects.filter(fiche__in=fiches.values("pk")).aggregate(**_sommes()))
