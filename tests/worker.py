"""Des workers Celery réels pour les tests d'intégration : chacun est un autre processus, qui lit une file Redis propre
au test et la base de test PostgreSQL (sur la base SQLite en mémoire, un autre processus ne lirait rien).

Un seul endroit pour les démarrer, les arrêter ou les tuer : voir `WorkersCelery`. Chaque worker a son propre groupe
de processus (parent prefork, enfants, et leurs sous-processus de rendu PDF) : on le tue d'un coup, et on vérifie
qu'il n'en reste rien."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from spie.celery import app as celery_app

EXIGE_REDIS_ET_POSTGRESQL = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="demande REDIS_URL et DATABASE_URL PostgreSQL (lancé par .ci/run)",
    ),
]


def groupe_vivant(pid: int) -> bool:
    """Reste-t-il un processus dans le groupe de ce worker (le parent, un enfant du pool, un rendu PDF) ?"""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # un processus du groupe existe, qui ne nous appartient plus
        return True
    return True


class WorkersCelery:
    """Démarre des workers sur une file à ce test ; les tâches envoyées par le test y vont tant que le bloc `with`
    dure. À la sortie, chaque worker encore vivant est arrêté (SIGTERM, puis SIGKILL sur son groupe après 30 s)."""

    def __init__(self, dossier, **environnement):
        self.file = f"test-{uuid.uuid4().hex[:8]}"
        base = connection.settings_dict
        self.environnement = {
            **os.environ,
            "DATABASE_URL": f"postgres://{base['USER']}@{base['HOST']}:{base['PORT']}/{base['NAME']}",
            "DJANGO_MEDIA_ROOT": str(dossier / "media"),  # le MEDIA_ROOT du test (tests/conftest.py)
            **environnement,
        }
        self.processus: list[subprocess.Popen] = []
        self._ancienne_file = None

    def __enter__(self):
        self._ancienne_file = celery_app.conf.task_default_queue
        celery_app.conf.task_default_queue = self.file
        return self

    def __exit__(self, *exc):
        celery_app.conf.task_default_queue = self._ancienne_file
        for worker in self.processus:
            self.arreter(worker)
        self.oublier_non_acquittes()

    def demarrer(self, *, pool: str = "solo", concurrence: int = 1) -> subprocess.Popen:
        commande = [sys.executable, "-m", "celery", "-A", "spie", "worker", f"--pool={pool}", "-Q", self.file]
        if pool == "prefork":
            commande.append(f"--concurrency={concurrence}")
        worker = subprocess.Popen(
            [*commande, "--loglevel=WARNING"],
            cwd=settings.BASE_DIR,
            env=self.environnement,
            start_new_session=True,  # son propre groupe de processus : tuer le groupe tue ses enfants
        )
        self.processus.append(worker)
        return worker

    def tuer(self, worker: subprocess.Popen) -> None:
        """SIGKILL au groupe entier, comme un OOM-killer ou un `docker kill` : ni arrêt propre, ni acquittement."""
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.wait(timeout=30)
        limite = time.monotonic() + 10
        while groupe_vivant(worker.pid) and time.monotonic() < limite:
            time.sleep(0.1)

    def arreter(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        if groupe_vivant(worker.pid):
            self.tuer(worker)

    def vivants(self) -> list[int]:
        """Les groupes de workers de ce test où un processus vit encore."""
        return [worker.pid for worker in self.processus if groupe_vivant(worker.pid)]

    # Le courtier Redis (kombu) : une tâche livrée mais pas acquittée (acks_late) attend dans le hachage `unacked`,
    # et ne revient dans la file qu'après `visibility_timeout` (une heure par défaut).

    def _non_acquittes(self, canal) -> list[str]:
        client = canal.client
        return [
            etiquette.decode() if isinstance(etiquette, bytes) else etiquette
            for etiquette, contenu in client.hgetall(canal.unacked_key).items()
            if json.loads(contenu)[2] == self.file
        ]

    def non_acquittes(self) -> int:
        with celery_app.connection_for_write() as connexion:
            return len(self._non_acquittes(connexion.default_channel))

    def en_file(self) -> int:
        with celery_app.connection_for_write() as connexion:
            return connexion.default_channel.client.llen(self.file)

    def redelivrer_non_acquittes(self) -> int:
        """Remet dans la file les tâches livrées à un worker mort, comme le fait kombu une fois `visibility_timeout`
        écoulé (même méthode) ; rend leur nombre."""
        with celery_app.connection_for_write() as connexion:
            canal = connexion.default_channel
            etiquettes = self._non_acquittes(canal)
            for etiquette in etiquettes:
                canal.qos.restore_by_tag(etiquette, canal.client)
            return len(etiquettes)

    def oublier_non_acquittes(self) -> None:
        """Retire du courtier ce que ce test y a laissé (sa file, ses liaisons, ses tâches non acquittées)."""
        with celery_app.connection_for_write() as connexion:
            canal = connexion.default_channel
            for etiquette in self._non_acquittes(canal):
                canal.client.zrem(canal.unacked_index_key, etiquette)
                canal.client.hdel(canal.unacked_key, etiquette)
            canal.client.delete(self.file, f"_kombu.binding.{self.file}", f"_kombu.binding_permanent.{self.file}")
