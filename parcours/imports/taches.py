"""Tâches de l'import de personnes : elles prennent l'id de l'import, sont idempotentes (l'état en base dit ce qui
reste à faire) et acquittées tard (un worker perdu les fait rejouer)."""

from celery import shared_task


@shared_task(acks_late=True)
def analyser_import(import_id: int) -> None:
    from parcours.imports import services

    services.analyser(import_id)


@shared_task(acks_late=True)
def executer_import(import_id: int) -> None:
    from parcours.imports import services

    services.executer(import_id)


@shared_task
def purger_imports() -> None:
    """Tâche planifiée (beat, chaque nuit) : mince enveloppe de la commande `purger_imports`."""
    from django.core.management import call_command

    call_command("purger_imports", "--wet-run")
