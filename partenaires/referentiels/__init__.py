"""Référentiels géographiques livrés avec le projet (voir README.md à côté)."""

import csv
from functools import cache
from pathlib import Path

DOSSIER = Path(__file__).resolve().parent


@cache
def departements() -> dict[str, str]:
    """Code INSEE du département → nom, dans l'ordre officiel."""
    with open(DOSSIER / "departements.csv", encoding="utf-8") as fichier:
        return {ligne["code"]: ligne["nom"] for ligne in csv.DictReader(fichier)}


def choix_departements() -> list[tuple[str, str]]:
    return [(code, f"{code} – {nom}") for code, nom in departements().items()]
