"""Le compte des exemples Hypothesis joués par `tests/proprietes`, affiché en fin de session et exigé : au moins
`MINIMUM` quand toute la suite `tests/proprietes` tourne (sinon la session échoue). Avec pytest-xdist, chaque
processus rend son compte au processus principal, qui additionne.

Les crochets sont importés par `tests/conftest.py` (chargé aussi par le processus principal de xdist)."""

from pathlib import Path

import pytest

MINIMUM = 10_000
DOSSIER = Path(__file__).parent
_etat = {"exemples": 0, "par_test": {}, "complet": False, "deselectionnes": False, "total": None}


def compter(nom: str = "") -> None:
    """Appelé au début de chaque exemple d'un test de propriété."""
    _etat["exemples"] += 1
    if nom:
        _etat["par_test"][nom] = _etat["par_test"].get(nom, 0) + 1


def _est_a_nous(item) -> bool:
    return Path(str(item.path)).parent == DOSSIER


def pytest_deselected(items):
    if any(_est_a_nous(item) for item in items):
        _etat["deselectionnes"] = True


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    fichiers = {Path(str(item.path)).name for item in items if _est_a_nous(item)}
    tous = {chemin.name for chemin in DOSSIER.glob("test_*.py")}
    _etat["complet"] = bool(fichiers) and fichiers == tous


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if hasattr(config, "workeroutput"):  # processus de xdist : rendre le compte au principal
        config.workeroutput["proprietes"] = {
            "exemples": _etat["exemples"],
            "complet": _etat["complet"] and not _etat["deselectionnes"],
        }
        return
    if getattr(config, "_proprietes_processus", None):
        comptes = config._proprietes_processus
        _etat["exemples"] = sum(c["exemples"] for c in comptes)
        _etat["complet"] = all(c["complet"] for c in comptes)
    else:
        _etat["complet"] = _etat["complet"] and not _etat["deselectionnes"]
    if not _etat["exemples"]:
        return
    _etat["total"] = _etat["exemples"]
    if _etat["complet"] and _etat["exemples"] < MINIMUM and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_testnodedown(node, error):
    compte = getattr(node, "workeroutput", {}).get("proprietes")
    if compte is not None:
        node.config._proprietes_processus = [*getattr(node.config, "_proprietes_processus", []), compte]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    total = _etat["total"]
    if total is None:
        return
    terminalreporter.section("Exemples Hypothesis (tests/proprietes)")
    for nom, nombre in sorted(_etat["par_test"].items()):
        terminalreporter.write_line(f"  {nom} : {nombre}")
    terminalreporter.write_line(f"Exemples joués : {total} (minimum exigé sur toute la suite : {MINIMUM})")
    if _etat["complet"] and total < MINIMUM:
        terminalreporter.write_line(
            f"ÉCHEC : {total} exemples, moins que les {MINIMUM} exigés quand toute la suite tests/proprietes tourne.",
            red=True,
        )
