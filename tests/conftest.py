import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.template.base import Template
from hypothesis import settings as hypothesis_settings

from spie.celery import app as celery_app
from tests.proprietes.compteur import (  # noqa: F401 (crochets du compte des exemples Hypothesis)
    pytest_collection_modifyitems,
    pytest_deselected,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)

# Hypothesis : pas de délai par exemple (la machine de CI est partagée), pas de base d'exemples sur le disque,
# et en CI des exemples tirés de façon reproductible (même graine à chaque passage).
hypothesis_settings.register_profile(
    "spie", deadline=None, database=None, derandomize=os.environ.get("CI", "").lower() == "true"
)
hypothesis_settings.load_profile("spie")

RACINE = Path(settings.BASE_DIR)


def _un_cache_redis_par_processus():
    """Les tests tournent en plusieurs processus (pytest-xdist). Sur Redis, chacun a sa propre base de cache :
    le `cache.clear()` (FLUSHDB) d'un processus n'efface ni les compteurs de l'autre, ni les tâches en file du
    courtier (qui reste sur la base de REDIS_URL)."""
    processus = os.environ.get("PYTEST_XDIST_WORKER", "")
    configuration = settings.CACHES["default"]
    if processus.startswith("gw") and "redis" in configuration["BACKEND"].lower():
        adresse = urlsplit(configuration["LOCATION"])
        configuration["LOCATION"] = adresse._replace(path=f"/{10 + int(processus[2:]) % 6}").geturl()


_un_cache_redis_par_processus()


def _horloge_des_tests():
    """`SPIE_TESTS_HORLOGE=2026-11-24T23:30:00+00:00` fait partir l'horloge de toute la suite de cet instant (elle
    avance ensuite normalement), dès la collecte. Sert à débusquer les tests qui dépendent de l'heure du jour : entre
    23 h et minuit UTC, la date de Paris n'est pas celle d'UTC (deux CI sont tombées dans cette heure-là)."""
    instant = os.environ.get("SPIE_TESTS_HORLOGE")
    if instant:
        import time_machine

        time_machine.travel(instant, tick=True).start()


_horloge_des_tests()


def _gabarit_en_cours() -> str:
    """Chemin du gabarit le plus intérieur en cours de rendu (les inclusions comprises)."""
    cadre = sys._getframe()
    while cadre is not None:
        if cadre.f_code.co_name in ("_render", "instrumented_test_render") and isinstance(
            cadre.f_locals.get("self"), Template
        ):
            return str(cadre.f_locals["self"].origin.name)
        cadre = cadre.f_back
    return ""


def _est_a_nous(chemin: str) -> bool:
    # Les éléments allauth reçoivent par contrat des attributs facultatifs (attrs.href, attrs.id…).
    return (
        chemin.startswith(str(RACINE))
        and "/.venv/" not in chemin
        and "site-packages" not in chemin
        and "/templates/allauth/" not in chemin
    )


@pytest.fixture(autouse=True)
def _fichiers_dans_un_dossier_temporaire(settings, tmp_path):
    """Les fichiers produits (documents générés) vont dans un dossier propre à chaque test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _environnement_de_test(request, settings):
    """Cache vidé (compteurs de limitation), tâches immédiates sauf pour les tests d'intégration Redis,
    hachage de mot de passe rapide, second facteur obligatoire comme en production."""
    cache.clear()
    if request.node.get_closest_marker("e2e") is None:  # le serveur des parcours vérifie avec ses hacheurs
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SPIE_MFA_OBLIGATOIRE = True
    settings.SPIE_DEMONSTRATION = False
    eager = request.node.get_closest_marker("redis") is None
    ancien = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = ancien


class _VariablesInconnues(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.erreurs = []

    def emit(self, record):
        if record.getMessage().startswith("Exception while resolving variable"):
            gabarit = _gabarit_en_cours()
            if _est_a_nous(gabarit):
                self.erreurs.append(f"{record.args[0]} dans {gabarit}")


@pytest.fixture(autouse=True)
def _gabarits_stricts():
    """Une variable inconnue dans un de nos gabarits fait échouer le test."""
    journal = logging.getLogger("django.template")
    gestionnaire = _VariablesInconnues()
    niveau, propagation = journal.level, journal.propagate
    journal.setLevel(logging.DEBUG)
    journal.propagate = False
    journal.addHandler(gestionnaire)
    yield
    journal.removeHandler(gestionnaire)
    journal.setLevel(niveau)
    journal.propagate = propagation
    assert not gestionnaire.erreurs, "Variables inconnues dans nos gabarits :\n" + "\n".join(gestionnaire.erreurs)


@pytest.fixture
def connecter(client):
    """Connecte un utilisateur qui a déjà configuré son second facteur (TOTP)."""
    from tests.outils import activer_totp

    def _connecter(utilisateur, client=client):
        if not utilisateur.est_personne and not utilisateur.authenticator_set.exists():
            activer_totp(utilisateur)
        client.force_login(utilisateur)
        return client

    return _connecter
