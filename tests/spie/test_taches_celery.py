"""Intégration réelle : un worker Celery démarré pour de bon, sur Redis, envoie l'invitation.

Tourne quand REDIS_URL et PostgreSQL sont configurés (c'est le cas dans .ci/run) ; sur la base
SQLite en mémoire, un worker d'un autre processus ne pourrait pas lire la base de test.
"""

import time

import pytest

from partenaires import services
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.worker import EXIGE_REDIS_ET_POSTGRESQL, WorkersCelery

pytestmark = EXIGE_REDIS_ET_POSTGRESQL


@pytest.fixture
def worker(tmp_path, transactional_db):
    environnement = {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    with WorkersCelery(tmp_path, **environnement) as workers:
        workers.demarrer()
        yield tmp_path


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
