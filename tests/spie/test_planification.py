"""Chaque travail planifié (beat) désigne une tâche que le worker connaît au démarrage : une tâche définie dans
un module que rien n'importe ne serait jamais exécutée, sans aucune erreur visible côté web."""

import os
import subprocess
import sys

from django.conf import settings

LISTER = "from spie.celery import app; app.loader.import_default_modules(); print('\\n'.join(sorted(app.tasks)))"


def test_chaque_tache_planifiee_est_connue_du_worker():
    environnement = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    sortie = subprocess.run(
        [sys.executable, "-c", LISTER], cwd=settings.BASE_DIR, env=environnement, capture_output=True, text=True
    )
    assert sortie.returncode == 0, sortie.stderr
    connues = set(sortie.stdout.split())
    inconnues = {nom: e["task"] for nom, e in settings.CELERY_BEAT_SCHEDULE.items() if e["task"] not in connues}
    assert not inconnues, f"tâches planifiées inconnues du worker : {inconnues}"
    assert "parcours.imports.taches.executer_import" in connues  # les tâches des sous-paquets aussi
