"""Application Celery : Redis en production, exécution immédiate (eager) sans REDIS_URL."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spie.settings")

app = Celery("spie")
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
