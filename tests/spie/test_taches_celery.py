"""Intégration réelle : un worker Celery démarré pour de bon, sur Redis, envoie l'invitation.

Tourne quand REDIS_URL et PostgreSQL sont configurés (c'est le cas dans .ci/run) ; sur la base
SQLite en mémoire, un worker d'un autre processus ne pourrait pas lire la base de test.
"""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from partenaires import services
from partenaires.choix import Role
from spie.celery import app as celery_app
from tests.factories import OrganisationFactory, membre

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="demande REDIS_URL et DATABASE_URL PostgreSQL (lancé par .ci/run)",
    ),
]


@pytest.fixture
def worker(tmp_path, transactional_db):
    file = f"test-{uuid.uuid4().hex[:8]}"
    base = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{base['USER']}@{base['HOST']}:{base['PORT']}/{base['NAME']}",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    processus = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "spie", "worker", "--pool=solo", "-Q", file, "--loglevel=WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
    )
    ancienne_file = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = file
    yield tmp_path
    celery_app.conf.task_default_queue = ancienne_file
    processus.terminate()
    processus.wait(timeout=30)


def test_l_invitation_est_envoyee_par_un_vrai_worker_apres_le_commit(worker):
    organisation = OrganisationFactory(nom="PLIE du Marsan")
    admin = membre(organisation, Role.ADMINISTRATEUR).utilisateur
    services.inviter_membre(organisation, acteur=admin, email="recrue@exemple.fr", role=Role.PROFESSIONNEL)
    limite = time.monotonic() + 60
    while time.monotonic() < limite and not any(worker.iterdir()):
        time.sleep(0.5)
    fichiers = list(worker.iterdir())
    assert fichiers, "le worker n'a envoyé aucun e-mail en 60 s"
    contenu = fichiers[0].read_text(encoding="utf-8")
    assert "To: recrue@exemple.fr" in contenu and "/invitation/" in contenu
