"""Le contrôle du compte des exemples : la session échoue sous le minimum quand toute la suite a tourné, et
seulement alors (les crochets de `compteur.py`, appelés ici sur une session factice et un état à part)."""

from types import SimpleNamespace

import pytest

from tests.proprietes import compteur


def _session():
    return SimpleNamespace(config=SimpleNamespace(), exitstatus=pytest.ExitCode.OK)


@pytest.mark.parametrize(
    ("exemples", "complet", "deselectionnes", "attendu"),
    [
        (compteur.MINIMUM - 1, True, False, pytest.ExitCode.TESTS_FAILED),
        (compteur.MINIMUM, True, False, pytest.ExitCode.OK),
        (compteur.MINIMUM - 1, True, True, pytest.ExitCode.OK),  # `-k` : une partie seulement
        (compteur.MINIMUM - 1, False, False, pytest.ExitCode.OK),  # un seul fichier
    ],
)
def test_la_session_echoue_sous_le_minimum_quand_toute_la_suite_tourne(
    monkeypatch, exemples, complet, deselectionnes, attendu
):
    etat = {"exemples": exemples, "par_test": {}, "complet": complet, "deselectionnes": deselectionnes, "total": None}
    monkeypatch.setattr(compteur, "_etat", etat)
    session = _session()
    compteur.pytest_sessionfinish(session, session.exitstatus)
    assert session.exitstatus == attendu
    assert etat["total"] == exemples


def test_avec_xdist_le_principal_additionne_les_comptes_des_processus(monkeypatch):
    etat = {"exemples": 0, "par_test": {}, "complet": False, "deselectionnes": False, "total": None}
    monkeypatch.setattr(compteur, "_etat", etat)
    session = _session()
    for compte in ({"exemples": 6_000, "complet": True}, {"exemples": 3_999, "complet": True}):
        compteur.pytest_testnodedown(SimpleNamespace(config=session.config, workeroutput={"proprietes": compte}), None)
    compteur.pytest_sessionfinish(session, session.exitstatus)
    assert etat["total"] == 9_999
    assert session.exitstatus == pytest.ExitCode.TESTS_FAILED
