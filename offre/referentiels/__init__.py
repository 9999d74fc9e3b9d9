"""Les listes de valeurs de data·inclusion v1, livrées avec le projet (voir README.md à côté) : lues une fois,
clés stables (jamais le libellé)."""

import csv
import json
from functools import cache
from pathlib import Path

DOSSIER = Path(__file__).resolve().parent / "data_inclusion"

# Le public qui répond à tous les autres, exclusif dans data·inclusion v1.
TOUS_PUBLICS = "tous-publics"


def _valeurs(nom: str) -> dict[str, str]:
    with open(DOSSIER / "extra" / f"{nom}.json", encoding="utf-8") as fichier:
        return {entree["value"]: entree["label"] for entree in json.load(fichier)}


@cache
def thematiques() -> dict[str, tuple[str, str]]:
    """Code de la thématique → (libellé, code de sa catégorie) : les 69 besoins en 16 catégories."""
    with open(DOSSIER / "thematiques-flat.csv", encoding="utf-8") as fichier:
        return {
            ligne["thematique"]: (ligne["thematique_label"], ligne["categorie"]) for ligne in csv.DictReader(fichier)
        }


@cache
def categories() -> dict[str, str]:
    """Code de la catégorie de thématiques → libellé (16 catégories)."""
    with open(DOSSIER / "thematiques-categories.csv", encoding="utf-8") as fichier:
        return {ligne["value"]: ligne["label"] for ligne in csv.DictReader(fichier)}


@cache
def types_de_services() -> dict[str, str]:
    return _valeurs("types-de-services")


@cache
def frais() -> dict[str, str]:
    return _valeurs("frais")


@cache
def publics() -> dict[str, str]:
    return _valeurs("publics")


@cache
def modes_accueil() -> dict[str, str]:
    return _valeurs("modes-accueil")


@cache
def modes_mobilisation() -> dict[str, str]:
    return _valeurs("modes-mobilisation")


@cache
def personnes_mobilisatrices() -> dict[str, str]:
    return _valeurs("personnes-mobilisatrices")


@cache
def reseaux_porteurs() -> dict[str, str]:
    return _valeurs("reseaux-porteurs")


@cache
def schema(nom: str) -> dict:
    """Le schéma JSON data·inclusion v1 d'une structure (`structure`) ou d'un service (`service`)."""
    with open(DOSSIER / f"{nom}.json", encoding="utf-8") as fichier:
        return json.load(fichier)


def choix(valeurs: dict) -> list[tuple[str, str]]:
    return [(code, libelle if isinstance(libelle, str) else libelle[0]) for code, libelle in valeurs.items()]
