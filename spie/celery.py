"""Application Celery : Redis en production, exécution immédiate (eager) sans REDIS_URL."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spie.settings")

app = Celery("spie")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
