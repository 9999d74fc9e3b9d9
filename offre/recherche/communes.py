"""Trouver la commune d'une recherche à partir de ce qu'on tape : un code postal, un début de nom (sans accents ni
tirets), le libellé proposé « Nom (code postal) », ou directement le code INSEE (paramètre `commune=40192`).

Le référentiel des communes est lu une fois (`partenaires.referentiels`) ; les index triés de ce module aussi."""

import bisect
import re
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError

from partenaires.referentiels import communes, communes_par_code_postal, departements
from spie.texte import normaliser_recherche

SUGGESTIONS_MAX = 15
SAISIE_MIN = 2  # caractères tapés avant de proposer des communes
AMBIGUES_MONTREES = 5
_AVEC_CODE_POSTAL = re.compile(r"^(?P<nom>.*?)[\s(]*(?P<code_postal>\d{5})\s*\)?$")


@dataclass(frozen=True)
class Commune:
    code_insee: str
    nom: str
    code_postal: str
    code_departement: str

    @property
    def libelle(self) -> str:
        """Ce que montre la liste de suggestions, et que `resoudre` sait relire."""
        return f"{self.nom} ({self.code_postal})" if self.code_postal else self.nom

    @property
    def departement(self) -> str:
        nom = departements().get(self.code_departement, "")
        return f"{nom} ({self.code_departement})" if nom else self.code_departement


def commune(code_insee: str, code_postal: str = "") -> Commune | None:
    """La commune d'un code INSEE ; son libellé porte `code_postal` s'il la dessert, sinon le premier des siens."""
    ligne = communes().get(code_insee)
    if ligne is None:
        return None
    codes_postaux = ligne["codes_postaux"].split()
    if code_postal not in codes_postaux:
        code_postal = min(codes_postaux, default="")
    return Commune(code_insee, ligne["nom"], code_postal, ligne["code_departement"])


def libelle(code_insee: str) -> str:
    """« Nom (code postal) » d'une commune par son code INSEE, relu sans ambiguïté par `resoudre` (vide : inconnue)."""
    trouvee = commune(code_insee) if code_insee else None
    return trouvee.libelle if trouvee else ""


@cache
def _noms() -> tuple[list[str], list[str]]:
    """(noms normalisés triés, codes INSEE dans le même ordre) : un début de nom se cherche par dichotomie."""
    paires = sorted((normaliser_recherche(ligne["nom"]), code) for code, ligne in communes().items())
    return [nom for nom, _ in paires], [code for _, code in paires]


@cache
def _codes_postaux() -> list[str]:
    return sorted(communes_par_code_postal())


def _population(code_insee: str) -> int:
    population = communes()[code_insee]["population"]
    return int(population) if population.isdigit() else 0


def suggerer(saisie: str, limite: int = SUGGESTIONS_MAX) -> list[Commune]:
    """Les communes dont le code postal ou le nom commence par la saisie, les plus peuplées d'abord."""
    saisie = saisie.strip()
    if saisie.isdigit():
        if len(saisie) < SAISIE_MIN:
            return []
        codes = _codes_postaux()
        trouvees = []
        for position in range(bisect.bisect_left(codes, saisie), len(codes)):
            if not codes[position].startswith(saisie):
                break
            trouvees += [(code_insee, codes[position]) for code_insee, _ in communes_par_code_postal()[codes[position]]]
        trouvees.sort(key=lambda paire: (-_population(paire[0]), paire[1]))
        return [commune(code_insee, code_postal) for code_insee, code_postal in trouvees[:limite]]
    prefixe = normaliser_recherche(saisie)
    if len(prefixe) < SAISIE_MIN:
        return []
    noms, codes = _noms()
    trouves = []
    for position in range(bisect.bisect_left(noms, prefixe), len(noms)):
        if not noms[position].startswith(prefixe):
            break
        trouves.append(codes[position])
    # Le nom exact d'abord (« Dax » avant « Daxxx »), puis les plus peuplées.
    trouves.sort(key=lambda code: (normaliser_recherche(communes()[code]["nom"]) != prefixe, -_population(code)))
    return [commune(code) for code in trouves[:limite]]


def code_postal_saisi(saisie: str) -> str:
    """Le code postal d'une saisie (« 40000 », « Mont-de-Marsan (40000) »), ou rien."""
    trouve = _AVEC_CODE_POSTAL.match(" ".join(saisie.split()))
    return trouve["code_postal"] if trouve else ""


def _liste(candidates: list[Commune]) -> str:
    montrees = ", ".join(f"{c.libelle} – {c.departement}" for c in candidates[:AMBIGUES_MONTREES])
    return montrees + ("…" if len(candidates) > AMBIGUES_MONTREES else "")


def resoudre(saisie: str) -> str:
    """Le code INSEE de la commune saisie ; `ValidationError` en français si elle est inconnue ou ambiguë."""
    saisie = " ".join(saisie.split())
    if not saisie:
        return ""
    # Un code INSEE, sauf s'il est aussi un code postal : la personne qui tape « 40100 » cherche Dax (code postal),
    # pas Le Frêche (code INSEE 40100). Les liens de la plateforme passent « Nom (code postal) », sans ambiguïté.
    if saisie.upper() in communes() and saisie not in communes_par_code_postal():
        return saisie.upper()
    trouve = _AVEC_CODE_POSTAL.match(saisie)
    if trouve:
        code_postal, nom = trouve["code_postal"], normaliser_recherche(trouve["nom"])
        desservies = [
            commune(code_insee, code_postal) for code_insee, _ in communes_par_code_postal().get(code_postal, ())
        ]
        if nom:
            desservies = [c for c in desservies if normaliser_recherche(c.nom) == nom]
        if len(desservies) == 1:
            return desservies[0].code_insee
        if len(desservies) > 1:
            raise ValidationError(
                f"Le code postal {code_postal} dessert plusieurs communes ({_liste(desservies)}) : "
                "choisissez-en une dans la liste.",
                code="ambigue",
            )
    else:
        nom = normaliser_recherche(saisie)
        noms, codes = _noms()
        position = bisect.bisect_left(noms, nom)
        homonymes = []
        while position < len(noms) and noms[position] == nom:
            homonymes.append(commune(codes[position]))
            position += 1
        if len(homonymes) == 1:
            return homonymes[0].code_insee
        if len(homonymes) > 1:
            homonymes.sort(key=lambda c: -_population(c.code_insee))
            raise ValidationError(
                f"Plusieurs communes s'appellent « {saisie} » ({_liste(homonymes)}) : précisez le code postal, "
                f"par exemple « {homonymes[0].libelle} ».",
                code="ambigue",
            )
    raise ValidationError(
        f"Commune introuvable : « {saisie} ». Tapez son code postal ou le début de son nom, puis choisissez-la "
        "dans la liste.",
        code="inconnue",
    )
