"""Intégration réelle : un worker Celery démarré pour de bon, sur Redis, produit le compte rendu demandé, reprend une
demande dont la tâche s'est perdue après `relancer`, et archive le compte rendu d'une séance clôturée.

Tourne quand REDIS_URL et PostgreSQL sont configurés (c'est le cas dans .ci/run) ; sur la base SQLite en mémoire, un
worker d'un autre processus ne pourrait pas lire la base de test."""

import io
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from gouvernance.choix import StatutSeance
from gouvernance.models import Seance
from spie import documents
from spie.models import DocumentGenere
from tests.gouvernance.test_comptes_rendus_decor import seance_tenue
from tests.worker import EXIGE_REDIS_ET_POSTGRESQL, WorkersCelery

pytestmark = EXIGE_REDIS_ET_POSTGRESQL


@pytest.fixture
def demarrer_worker(tmp_path, transactional_db):
    """Les tâches de ce test vont dans une file à lui ; le worker qui la lit démarre quand le test le demande (une
    demande faite avant attend donc dans Redis)."""
    with WorkersCelery(tmp_path) as workers:
        yield workers.demarrer


def attendre(condition, secondes=90):
    limite = time.monotonic() + secondes
    while time.monotonic() < limite and not condition():
        time.sleep(0.5)
    return condition()


def texte(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_le_compte_rendu_demande_est_produit_par_un_vrai_worker(demarrer_worker, client, connecter):
    decor = seance_tenue()
    connecter(decor.equipe.secretaire)
    reponse = client.get(reverse("gouvernance:compte_rendu_pdf", args=[decor.seance.uuid]))
    document = DocumentGenere.objects.get()
    assert reponse.url == reverse("document", args=[document.uuid])
    assert document.statut == "en_attente"  # la tâche attend dans Redis : aucun worker ne tourne encore
    attente = client.get(reponse.url).content.decode()
    assert "En attente" in attente and 'hx-trigger="every 1s"' in attente
    demarrer_worker()

    def termine():
        document.refresh_from_db()
        return document.est_termine

    assert attendre(termine), "le worker n'a pas produit le compte rendu en 90 s"
    assert document.statut == "pret", document.erreur
    page = client.get(reponse.url).content.decode()
    assert "Le document est prêt." in page and reverse("document_telecharger", args=[document.uuid]) in page
    telechargement = client.get(reverse("document_telecharger", args=[document.uuid]))
    contenu = texte(b"".join(telechargement.streaming_content))
    assert "Projet de compte rendu de la séance du" in contenu and "Quorum atteint." in contenu
    assert "Partage des voix : la voix prépondérante de Pierre Préfet" in contenu


def test_une_demande_dont_la_tache_s_est_perdue_est_produite_apres_relancer(demarrer_worker):
    """La ligne est en base, mais sa tâche n'a jamais atteint Redis (créée sans `delay`) : le balayage la
    ré-enfile et le worker la produit."""
    decor = seance_tenue()
    document = DocumentGenere.objects.create(
        demandeur=decor.equipe.prefet,
        producteur="gouvernance.ordre_du_jour",
        parametres={"seance": str(decor.seance.uuid)},
        titre="Ordre du jour",
        nom_fichier="ordre-du-jour.pdf",
        date_demande=timezone.now() - timedelta(minutes=3),
        expire_le=timezone.now() + timedelta(hours=24),
    )
    demarrer_worker()
    time.sleep(2)
    document.refresh_from_db()
    assert document.statut == "en_attente"  # personne ne l'a produite
    assert documents.relancer() == 1

    def termine():
        document.refresh_from_db()
        return document.est_termine

    assert attendre(termine), "le worker n'a pas produit le document relancé en 90 s"
    assert document.statut == "pret", document.erreur
    with document.fichier.open("rb") as fichier:
        assert "Ordre du jour de la séance du" in texte(fichier.read())


def test_le_compte_rendu_d_une_seance_cloturee_est_archive_par_un_vrai_worker(demarrer_worker, client, connecter):
    from gouvernance.comptes_rendus.taches import archiver_compte_rendu

    decor = seance_tenue()
    Seance.objects.filter(pk=decor.seance.pk).update(statut=StatutSeance.CLOTUREE, cloturee_le=timezone.now())
    demarrer_worker()
    archiver_compte_rendu.delay(decor.seance.pk)
    assert attendre(lambda: bool(Seance.objects.get(pk=decor.seance.pk).compte_rendu)), "pas d'archive en 90 s"
    connecter(decor.equipe.professionnel_caf)
    reponse = client.get(reverse("gouvernance:compte_rendu_telecharger", args=[decor.seance.uuid]))
    contenu = texte(b"".join(reponse.streaming_content))
    assert "Compte rendu de la séance du" in contenu and "PROJET" not in contenu
