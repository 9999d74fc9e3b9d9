"""Redis arrêté (cache et courtier) : le cache répond « absent » au lieu de lever, et l'envoi d'une tâche ne lève pas
ni ne perd la demande (courriel exécuté sur place ; document laissé « en attente » pour beat). La panne réelle, sous
charge, est jouée par `tests/pannes/test_redis_arrete.py` (`make pannes`)."""

import logging
import socket
from datetime import timedelta

import pytest
from celery import Task
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from partenaires import services as partenaires_services
from partenaires.choix import Role
from spie import cache as spie_cache
from spie import documents
from spie.celery import TacheSpie
from spie.celery import app as celery_app
from spie.models import DocumentGenere
from spie.tasks import produire_document
from tests.factories import OrganisationFactory, UtilisateurFactory, membre


@documents.producteur("tests.courtier_absent")
def _document(demandeur, *, texte):
    return texte.encode()


@pytest.fixture
def cache_sans_redis():
    with socket.socket() as prise:  # un port où rien n'écoute
        prise.bind(("127.0.0.1", 0))
        port = prise.getsockname()[1]
    spie_cache.CacheRedisTolerant._dernier_journal = 0.0
    return spie_cache.CacheRedisTolerant(
        f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def test_le_cache_sans_redis_repond_absent_et_le_journalise_une_fois(cache_sans_redis, caplog):
    with caplog.at_level(logging.ERROR, logger="spie.cache"):
        cache_sans_redis.set("cle", "valeur", 30)
        assert cache_sans_redis.get("cle", "défaut") == "défaut"
        assert cache_sans_redis.add("cle", "valeur") is False
        assert cache_sans_redis.get_many(["cle"]) == {}
        assert cache_sans_redis.has_key("cle") is False
        assert cache_sans_redis.delete("cle") is False
        assert cache_sans_redis.get_or_set("cle", "calculée") == "calculée"
        with pytest.raises(ValueError):  # comme une clé absente : les compteurs d'allauth repartent de zéro
            cache_sans_redis.incr("compteur")
    messages = [r.getMessage() for r in caplog.records if r.name == "spie.cache"]
    assert len(messages) == 1 and messages[0].startswith("Cache Redis injoignable (set)")


def test_les_reglages_prennent_le_cache_tolerant_avec_redis(settings):
    if settings.REDIS_URL:
        assert settings.CACHES["default"]["BACKEND"] == "spie.cache.CacheRedisTolerant"
    assert issubclass(produire_document.__class__, TacheSpie), "les tâches du projet n'héritent pas de TacheSpie"


def test_sans_courtier_l_erreur_d_une_tache_remonte_telle_quelle(settings):
    """Tâches immédiates (sans REDIS_URL) : une erreur de la tâche (ici OSError, comme une erreur SMTP) n'est pas
    prise pour une panne du courtier : elle remonte, la tâche n'est pas rejouée sur place."""
    appels = []

    @celery_app.task(name="tests.redis_absent.echoue")
    def echoue():
        appels.append(1)
        raise OSError("SMTP injoignable")

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with pytest.raises(OSError, match="SMTP injoignable"):
            echoue.delay()
    finally:
        celery_app.conf.task_always_eager = eager
    assert appels == [1]


@pytest.fixture
def courtier_injoignable(monkeypatch):
    def refuser(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuser)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False  # un courtier, comme en production
    yield
    celery_app.conf.task_always_eager = eager


def test_un_courriel_envoye_courtier_injoignable_part_sur_place(
    db, courtier_injoignable, django_capture_on_commit_callbacks, caplog
):
    organisation = OrganisationFactory(nom="PLIE du Marsan")
    admin = membre(organisation, Role.ADMINISTRATEUR).utilisateur
    with caplog.at_level(logging.WARNING, logger="spie.celery"):
        with django_capture_on_commit_callbacks(execute=True):
            partenaires_services.inviter_membre(
                organisation, acteur=admin, email="recrue@exemple.fr", role=Role.PROFESSIONNEL
            )
    assert [message.to for message in mail.outbox] == [["recrue@exemple.fr"]]
    assert any("exécutée sur place" in r.getMessage() for r in caplog.records)


def test_un_document_demande_courtier_injoignable_reste_en_attente_pour_beat(
    db, courtier_injoignable, django_capture_on_commit_callbacks, caplog
):
    demandeur = UtilisateurFactory()
    with caplog.at_level(logging.ERROR, logger="spie.celery"):
        with django_capture_on_commit_callbacks(execute=True):
            document = documents.demander(
                "tests.courtier_absent", demandeur=demandeur, titre="Essai", nom_fichier="essai.txt", texte="x"
            )
    document.refresh_from_db()
    assert document.statut == DocumentGenere.Statut.EN_ATTENTE
    assert any(
        "tâche spie.tasks.produire_document" in r.getMessage() and "beat la reprendra" in r.getMessage()
        for r in caplog.records
    )
    plus_tard = timezone.now() + documents.ATTENTE_MAX + timedelta(seconds=1)
    assert list(documents.a_relancer(plus_tard)) == [document], "beat ne la reprendrait pas"
