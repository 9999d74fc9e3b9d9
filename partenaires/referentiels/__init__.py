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


@cache
def communes() -> dict[str, dict[str, str]]:
    """Code INSEE de la commune → sa ligne (nom, département, région, EPCI, codes postaux, population,
    coordonnées et leur précision), toutes les colonnes de `communes.csv` en texte."""
    with open(DOSSIER / "communes.csv", encoding="utf-8") as fichier:
        return {ligne["code_insee"]: ligne for ligne in csv.DictReader(fichier)}


@cache
def communes_par_code_postal() -> dict[str, tuple[tuple[str, str], ...]]:
    """Code postal → les communes qu'il dessert, en (code INSEE, nom) ; une commune peut avoir plusieurs codes
    postaux et un code postal plusieurs communes."""
    par_code: dict[str, list[tuple[str, str]]] = {}
    for code_insee, ligne in communes().items():
        for code_postal in ligne["codes_postaux"].split():
            par_code.setdefault(code_postal, []).append((code_insee, ligne["nom"]))
    return {code_postal: tuple(liste) for code_postal, liste in par_code.items()}


@cache
def regions() -> dict[str, str]:
    """Code INSEE de la région → nom."""
    with open(DOSSIER / "regions.csv", encoding="utf-8") as fichier:
        return {ligne["code"]: ligne["nom"] for ligne in csv.DictReader(fichier)}


@cache
def epci() -> dict[str, str]:
    """SIREN de l'EPCI (intercommunalité) → nom."""
    with open(DOSSIER / "epci.csv", encoding="utf-8") as fichier:
        return {ligne["code_siren"]: ligne["nom"] for ligne in csv.DictReader(fichier)}


@cache
def departements_par_region() -> dict[str, tuple[str, ...]]:
    """Code de la région → codes de ses départements."""
    with open(DOSSIER / "departements.csv", encoding="utf-8") as fichier:
        par_region: dict[str, list[str]] = {}
        for ligne in csv.DictReader(fichier):
            par_region.setdefault(ligne["code_region"], []).append(ligne["code"])
    return {region: tuple(codes) for region, codes in par_region.items()}


# data·inclusion : toute la France s'écrit « france » ou par le code pays de la France du Code officiel géographique.
FRANCE = ("france", "99100")


def code_zone_existe(code: str) -> bool:
    """Un code de zone d'éligibilité data·inclusion v1 : commune (INSEE, 5), EPCI (SIREN, 9), département (2 ou 3)
    ou la France entière. Pas de code de région (il se confondrait avec un département : « 75 ») : une région
    s'écrit par la liste de ses départements, comme le demande le schéma."""
    return code in FRANCE or code in communes() or code in epci() or code in departements()


def zones_de_la_commune(code_insee: str) -> set[str]:
    """Les codes des zones qui contiennent la commune (elle-même, son EPCI, son département, la France) : un
    service est éligible si sa zone d'éligibilité en contient au moins un."""
    ligne = communes().get(code_insee)
    if not ligne:
        return set()
    return {*FRANCE, code_insee, ligne["code_epci"], ligne["code_departement"]} - {""}


def coordonnees_commune(code_insee: str) -> tuple[float, float] | None:
    """Latitude et longitude du centre de la commune (None si inconnues)."""
    ligne = communes().get(code_insee)
    if not ligne or not ligne["latitude"]:
        return None
    return float(ligne["latitude"]), float(ligne["longitude"])
