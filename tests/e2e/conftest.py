"""Parcours utilisateurs dans un vrai navigateur (Chromium de Debian, piloté par Playwright).

La pile est réelle : gunicorn sur 127.0.0.1 et un worker Celery, sur la base PostgreSQL de test et
Redis ; les e-mails du worker sont écrits dans des fichiers que les tests lisent (liens d'invitation).
Chaque page clé est photographiée dans `artefacts/e2e/` et contrôlée par axe-core (aucune violation
grave ou critique). Lancement : `make e2e`.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from spie.charge.serveur import attendre

# Playwright (API synchrone) fait tourner une boucle asyncio dans le fil principal : l'ORM des tests
# (qui prépare les données, en vrai commit) doit l'accepter.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

RACINE = Path(settings.BASE_DIR)
ARTEFACTS = RACINE / "artefacts" / "e2e"
AXE = RACINE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("SPIE_CHROMIUM", "/usr/bin/chromium")
OPTIONS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=fr-FR",
]
IMPACTS_BLOQUANTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """La base de test est créée pour la session même si aucun test n'a la marque django_db :
    les données sont écrites pour de bon, sans transaction autour du test, pour que le serveur les lise."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        configuration = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        connections.close_all()
        _fermer_les_sessions_restantes()
        teardown_databases(configuration, verbosity=0)


def _fermer_les_sessions_restantes() -> None:
    """Les connexions des processus arrêtés (gunicorn, worker) que PostgreSQL n'a pas encore libérées."""
    import psycopg

    parametres = connection.settings_dict
    with psycopg.connect(
        dbname="postgres", user=parametres["USER"], host=parametres["HOST"], port=parametres["PORT"], autocommit=True
    ) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [parametres["NAME"]],
        )


@pytest.fixture(scope="session")
def boite_mail(tmp_path_factory):
    return tmp_path_factory.mktemp("emails")


@pytest.fixture(scope="session")
def serveur(django_db_setup, django_db_blocker, boite_mail):
    """gunicorn + worker Celery sur la base de test PostgreSQL et Redis, démarrés pour de bon."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.fail("Les parcours navigateur tournent sur PostgreSQL et Redis : définissez DATABASE_URL et REDIS_URL.")
    base = connection.settings_dict
    port = _port_libre()
    file = f"e2e-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{base['USER']}@{base['HOST']}:{base['PORT']}/{base['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(boite_mail),
        "SPIE_MFA_OBLIGATOIRE": "1",
        "SPIE_URL_SITE": f"http://127.0.0.1:{port}",
        "CELERY_TASK_DEFAULT_QUEUE": file,
        "DJANGO_DEBUG": "1",
    }
    journaux = ARTEFACTS / "journaux"
    journaux.mkdir(parents=True, exist_ok=True)
    commandes = {
        "gunicorn": [
            sys.executable,
            "-m",
            "gunicorn",
            "spie.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "-w",
            "2",
        ],
        "celery": [sys.executable, "-m", "celery", "-A", "spie", "worker", "--pool=solo", "-Q", file, "-l", "INFO"],
    }
    with open(journaux / "gunicorn.log", "w") as log_web, open(journaux / "celery.log", "w") as log_worker:
        web = subprocess.Popen(commandes["gunicorn"], cwd=RACINE, env=env, stdout=log_web, stderr=subprocess.STDOUT)
        worker = subprocess.Popen(commandes["celery"], cwd=RACINE, env=env, stdout=log_worker, stderr=subprocess.STDOUT)
        try:
            attendre(f"http://127.0.0.1:{port}/sante/", web)
            yield f"http://127.0.0.1:{port}"
        finally:
            for processus in (web, worker):
                processus.terminate()
            for processus in (web, worker):
                processus.wait(timeout=30)


@pytest.fixture(scope="session")
def navigateur():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        navigateur = playwright.chromium.launch(executable_path=CHROMIUM, args=OPTIONS_CHROMIUM)
        yield navigateur
        navigateur.close()


@pytest.fixture
def base(serveur, django_db_blocker):
    """L'adresse du serveur. Les données que le test crée sont vraiment écrites (le serveur les lit) ;
    elles restent jusqu'à la fin de la session, dans la base de test que pytest-django détruit alors.
    (Vider les tables entre deux tests recréerait les types de contenu sous d'autres identifiants,
    que le serveur garde en cache : chaque test crée donc ses propres données.)"""
    from django.core.cache import cache

    cache.clear()
    with django_db_blocker.unblock():
        yield serveur


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rapport = yield
    setattr(item, f"rapport_{rapport.when}", rapport)
    return rapport


@pytest.fixture
def ouvrir(navigateur, request):
    """Ouvre une page (ordinateur par défaut, téléphone avec mobile=True, sans JavaScript avec js=False)."""
    contextes = []
    violations_csp = []

    def _ouvrir(*, mobile=False, js=True):
        options = {"locale": "fr-FR", "java_script_enabled": js}
        options["viewport"] = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        contexte = navigateur.new_context(**options)
        contextes.append(contexte)
        page = contexte.new_page()
        page.set_default_timeout(15_000)
        page.spie_sans_js = not js
        # Une ressource bloquée par la Content-Security-Policy casse l'affichage ou htmx sans autre signe.
        page.on(
            "console",
            lambda message: (
                violations_csp.append(f"{page.url} : {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield _ouvrir
    rapport = getattr(request.node, "rapport_call", None)
    if rapport is not None and rapport.failed:  # l'état des pages au moment de l'échec, pour comprendre
        dossier = ARTEFACTS / request.node.name
        dossier.mkdir(parents=True, exist_ok=True)
        for numero, contexte in enumerate(contextes, 1):
            for page in contexte.pages:
                page.screenshot(path=str(dossier / f"echec-{numero}.png"), full_page=True)
    for contexte in contextes:
        contexte.close()
    assert not violations_csp, "violations de la Content-Security-Policy :\n" + "\n".join(violations_csp)


@pytest.fixture
def controler(request, navigateur):
    """Photographie la page et la passe à axe-core : aucune violation grave ou critique.

    Une page ouverte sans JavaScript est recopiée telle quelle dans un onglet avec JavaScript, à la
    même origine (feuilles de style comprises), pour qu'axe-core puisse l'analyser."""
    dossier = ARTEFACTS / request.node.name
    dossier.mkdir(parents=True, exist_ok=True)
    compteur = iter(range(1, 100))

    def _controler(page, nom: str) -> None:
        page.wait_for_load_state("networkidle")
        prefixe = f"{next(compteur):02d}-{nom}"
        page.screenshot(path=str(dossier / f"{prefixe}.png"), full_page=True)
        analysee = page
        if getattr(page, "spie_sans_js", False):
            copie = navigateur.new_context(viewport=page.viewport_size)
            analysee = copie.new_page()
            origine = re.match(r"https?://[^/]+", page.url).group(0)
            analysee.goto(f"{origine}/sante/")
            analysee.set_content(page.content())
            request.addfinalizer(copie.close)
        if not analysee.evaluate("() => typeof window.axe !== 'undefined'"):
            # Par evaluate et non add_script_tag : la CSP de la page (script-src 'self' + nonce) bloque un script
            # en ligne ajouté au DOM, pas le code que le navigateur piloté exécute lui-même.
            analysee.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
        resultats = analysee.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        violations = resultats["violations"]
        (dossier / f"{prefixe}.axe.json").write_text(json.dumps(violations, ensure_ascii=False, indent=2))
        bloquantes = [v for v in violations if v["impact"] in IMPACTS_BLOQUANTS]
        assert not bloquantes, f"{nom} ({page.url}) : " + "; ".join(
            f"{v['id']} ({v['impact']}) : {v['help']} – " + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in bloquantes
        )

    return _controler


@pytest.fixture
def dernier_lien(boite_mail):
    """Attend l'e-mail envoyé par le worker à une adresse et rend le premier lien qu'il contient."""

    def _dernier_lien(destinataire: str, secondes: int = 60) -> str:
        limite = time.monotonic() + secondes
        while time.monotonic() < limite:
            for fichier in sorted(boite_mail.iterdir(), key=lambda f: f.stat().st_mtime, reverse=True):
                contenu = fichier.read_text(encoding="utf-8")
                if f"To: {destinataire}" in contenu:
                    return re.search(r"https?://\S+", contenu.split("\n\n", 1)[1]).group(0)
            time.sleep(0.5)
        raise AssertionError(f"aucun e-mail pour {destinataire} en {secondes} s")

    return _dernier_lien
