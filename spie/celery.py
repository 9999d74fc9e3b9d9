"""Application Celery : Redis en production, exécution immédiate (eager) sans REDIS_URL.

Courtier injoignable (Redis arrêté) : l'envoi d'une tâche ne lève pas et ne perd pas la demande (`TacheSpie`)."""

import logging
import os

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spie.settings")

logger = logging.getLogger(__name__)

ERREURS_COURTIER = (OperationalError, RedisConnectionError, RedisTimeoutError, OSError)


class TacheSpie(Task):
    """Toutes les tâches du projet. Si le courtier ne prend pas la tâche (Redis arrêté) :
    - une tâche reprise par beat (`reprise_par_beat = True`, ex. `produire_document`, dont la ligne reste « en
      attente » et que `relancer_documents` ré-enfile) : l'échec est journalisé, l'appelant continue ;
    - toute autre tâche (les courriels surtout : le serveur SMTP ne dépend pas de Redis) est exécutée sur place, dans
      le processus qui l'envoie, après journalisation : la requête dure un peu plus, rien n'est perdu en silence. Si
      elle échoue aussi, l'erreur est journalisée avec sa pile."""

    reprise_par_beat = False

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None, **options):
        if self.app.conf.task_always_eager:
            # Sans courtier (tâches immédiates) : une erreur vient de la tâche elle-même, elle remonte telle quelle.
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, **options)
        try:
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, **options)
        except ERREURS_COURTIER as erreur:
            if self.reprise_par_beat:
                logger.error(
                    "Courtier injoignable : tâche %s%s non envoyée, beat la reprendra (%s)",
                    self.name,
                    args or (),
                    erreur,
                )
                return None
            logger.warning("Courtier injoignable : tâche %s exécutée sur place (%s)", self.name, erreur)
            resultat = self.apply(args, kwargs, task_id=task_id, link=link, link_error=link_error)
            if resultat.failed():
                logger.error("Tâche %s exécutée sur place en échec :\n%s", self.name, resultat.traceback)
            return resultat


app = Celery("spie", task_cls=TacheSpie)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Les écritures d'une tâche disent laquelle les a faites (spie.traces) ; eager ou dans un worker.
@task_prerun.connect
def _poser_l_origine(task_id=None, task=None, **_):
    from spie import traces

    _jetons[task_id] = traces._origine.set(f"tâche {task.name}")


@task_postrun.connect
def _retirer_l_origine(task_id=None, **_):
    from spie import traces

    jeton = _jetons.pop(task_id, None)
    if jeton is not None:
        traces._origine.reset(jeton)


_jetons = {}
