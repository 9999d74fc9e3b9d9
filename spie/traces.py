"""D'où vient une écriture faite sans requête : la commande (manage.py) ou la tâche Celery en cours. Le champ
`origine` de l'historique du carnet prend cette valeur par défaut, y compris pour les lignes créées en lot
(`bulk_create` construit les instances, donc appelle le défaut) : chaque écriture d'une commande ou d'une tâche sur
un dossier dit laquelle l'a faite, en plus de l'acteur, de l'organisation et de la date."""

import contextvars
from contextlib import contextmanager

from django.core.management.base import BaseCommand

_origine = contextvars.ContextVar("spie_origine", default="")


def origine_en_cours() -> str:
    """« commande purger_imports », « tâche parcours.executer_import », ou vide (une requête d'un utilisateur)."""
    return _origine.get()


@contextmanager
def origine(nom: str):
    jeton = _origine.set(nom)
    try:
        yield
    finally:
        _origine.reset(jeton)


class Commande(BaseCommand):
    """La base de toutes nos commandes : elle pose l'origine « commande <nom> » le temps de l'exécution."""

    def execute(self, *args, **options):
        nom = self.__class__.__module__.rsplit(".", 1)[-1]
        with origine(f"commande {nom}"):
            return super().execute(*args, **options)
