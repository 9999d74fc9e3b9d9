"""Les dépendances vont dans un seul sens : partenaires ← offre ← parcours ← gouvernance.

`spie` peut être importé par tous et n'importe aucune application au niveau du module.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ORDRE = ["partenaires", "offre", "parcours", "gouvernance"]
RACINE = Path(settings.BASE_DIR)


def imports_de_niveau_module(fichier: Path) -> set[str]:
    arbre = ast.parse(fichier.read_text(encoding="utf-8"))
    modules = set()
    for noeud in arbre.body:
        if isinstance(noeud, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and noeud.module:
            modules.add(noeud.module.split(".")[0])
    return modules


def imports_partout(fichier: Path) -> set[str]:
    modules = set()
    for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and noeud.module:
            modules.add(noeud.module.split(".")[0])
    return modules


@pytest.mark.parametrize("application", ORDRE)
def test_une_application_n_importe_pas_une_application_plus_haute(application):
    interdites = set(ORDRE[ORDRE.index(application) + 1 :])
    fautes = {
        str(fichier.relative_to(RACINE)): imports_partout(fichier) & interdites
        for fichier in (RACINE / application).rglob("*.py")
        if imports_partout(fichier) & interdites
    }
    assert not fautes, f"{application} importe une application plus haute : {fautes}"


def test_spie_n_importe_aucune_application_au_niveau_du_module():
    fautes = {
        str(fichier.relative_to(RACINE)): imports_de_niveau_module(fichier) & set(ORDRE)
        for fichier in (RACINE / "spie").rglob("*.py")
        if fichier.name != "urls.py" and imports_de_niveau_module(fichier) & set(ORDRE)
    }
    assert not fautes, f"spie importe une application : {fautes}"


def test_seule_la_facade_importe_guardian():
    importeurs = {
        str(fichier.relative_to(RACINE))
        for application in ["spie", *ORDRE]
        for fichier in (RACINE / application).rglob("*.py")
        if "migrations" not in fichier.parts and "guardian" in imports_partout(fichier)
    }
    assert importeurs == {"partenaires/permissions.py"}
