# Les tâches de chaque partie de la gouvernance : importées ici pour que l'autodécouverte de Celery (qui importe
# `gouvernance.tasks`) les enregistre dans le worker.
from gouvernance.comptes_rendus import taches as _comptes_rendus  # noqa: F401
from gouvernance.indicateurs import taches as _indicateurs  # noqa: F401
from gouvernance.seances import taches as _seances  # noqa: F401
