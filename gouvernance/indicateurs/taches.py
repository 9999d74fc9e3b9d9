"""Tâches Celery de la partie indicateurs (enregistrées par gouvernance/tasks.py) : le précalcul planifié des vues
par défaut (`memoire`)."""

from celery import shared_task


@shared_task(reprise_par_beat=True)
def precalculer_indicateurs() -> None:
    """Tâche planifiée (beat) : mince enveloppe de la commande `precalculer_indicateurs`. Courtier injoignable
    (Redis arrêté, donc le cache aussi) : rien n'est calculé sur place, beat la relance à l'heure suivante."""
    from django.core.management import call_command

    call_command("precalculer_indicateurs")
