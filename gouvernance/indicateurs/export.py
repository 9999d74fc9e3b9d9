"""L'export CSV des indicateurs, pour les tableurs français comme les autres exports du projet : UTF-8 avec BOM,
séparateur « ; », virgule décimale. Les effectifs y sont arrondis à 5 et les chiffres de 1 à 4 personnes
remplacés par « secret » ; une valeur sans population est laissée vide. Une ligne par indicateur et par public,
avec l'instant du calcul des chiffres (ils peuvent venir du cache : `memoire`) et sa définition."""

import csv
import io

from django.utils import timezone

from gouvernance import secret_statistique

COLONNES = [
    "code",
    "indicateur",
    "public",
    "territoire",
    "période",
    "valeur",
    "période précédente",
    "écart",
    "unité",
    "chiffres calculés le",
    "définition",
]


def _cellule(valeur, secret: bool) -> str:
    if secret:
        return secret_statistique.MASQUE
    return "" if valeur is None else str(valeur).replace(".", ",")


def fraicheur(calcules_le) -> str:
    """« 25/11/2026 à 06:00 », à l'heure locale : l'instant du calcul des chiffres (ils peuvent venir du cache)."""
    return f"{timezone.localtime(calcules_le):%d/%m/%Y à %H:%M}"


def en_csv(par_section: dict, *, territoire: str, periode, calcules_le) -> bytes:
    instant = fraicheur(calcules_le)
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(COLONNES)
    for tableaux in par_section.values():
        for tableau in tableaux:
            indicateur = tableau.indicateur
            for ligne in tableau.lignes:
                ecrivain.writerow(
                    [
                        indicateur.code,
                        indicateur.libelle,
                        ligne.libelle_public,
                        territoire,
                        periode.libelle,
                        _cellule(ligne.valeur, ligne.secret),
                        _cellule(ligne.precedente, ligne.secret_precedente),
                        _cellule(ligne.ecart, False),
                        indicateur.unite,
                        instant,
                        indicateur.definition,
                    ]
                )
    return sortie.getvalue().encode("utf-8-sig")
