"""Les tâches de l'offre : importées ici pour que l'autodécouverte de Celery les enregistre dans le worker."""

from offre.catalogue import taches as _catalogue  # noqa: F401
