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
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
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


def test_le_pdf_du_diagnostic_est_produit_par_un_vrai_worker(worker, client, connecter):
    """La demande écrit une ligne en base ; le worker (autre processus) produit le PDF et le range par l'API de
    stockage ; la page d'attente le propose au téléchargement."""
    from datetime import date

    from django.urls import reverse

    from parcours import referentiels
    from parcours import services as carnet_services
    from spie.models import DocumentGenere
    from tests.parcours.conftest import diagnostic_valide

    # Un test transactionnel vide les tables à la fin : les référentiels chargés par les migrations peuvent
    # avoir disparu après un test précédent du même genre.
    referentiels.charger_tout()
    organisation = OrganisationFactory(nom="Département des Landes")
    referente = membre(organisation, Role.PROFESSIONNEL).utilisateur
    carnet = carnet_services.ouvrir_carnet(
        acteur=referente, organisation=organisation, nom="Castets", prenom="Jade", date_naissance=date(1991, 3, 14)
    )
    diagnostic = diagnostic_valide(carnet, referente)
    connecter(referente)
    reponse = client.get(reverse("parcours:diagnostic_pdf", args=[carnet.uuid, diagnostic.uuid]))
    document = DocumentGenere.objects.get()
    assert reponse.url == reverse("document", args=[document.uuid])
    limite = time.monotonic() + 90
    while time.monotonic() < limite and not document.est_termine:
        time.sleep(0.5)
        document.refresh_from_db()
    assert document.statut == "pret", document.erreur or "le worker n'a pas produit le PDF en 90 s"
    telechargement = client.get(reverse("document_telecharger", args=[document.uuid]))
    contenu = b"".join(telechargement.streaming_content)
    assert contenu.startswith(b"%PDF")
