"""Les tests de panne (marqueur `panne`) sont longs et tuent des processus : ils sont sautés sauf si
SPIE_TESTS_PANNE=1 (`make pannes`), si bien que `make test` ne les lance pas."""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SPIE_TESTS_PANNE") == "1":
        return
    sauter = pytest.mark.skip(reason="test de panne : lancé par `make pannes` (SPIE_TESTS_PANNE=1)")
    for item in items:
        if item.get_closest_marker("panne") is not None:
            item.add_marker(sauter)
