"""Tâches Celery de la partie comptes_rendus (enregistrées par gouvernance/tasks.py) : l'archivage du compte rendu
d'une séance clôturée, et son balayage planifié (les archivages perdus sont relancés)."""

from celery import shared_task


@shared_task(acks_late=True, reprise_par_beat=True)
def archiver_compte_rendu(seance_id: int) -> None:
    """Produit le compte rendu d'une séance clôturée et le range dans `Seance.compte_rendu` (par l'API de stockage).
    Idempotente : ne refait rien si le compte rendu est déjà archivé. Appelée sur commit à la clôture."""
    from gouvernance.comptes_rendus import archivage

    archivage.archiver(seance_id)


@shared_task
def archiver_comptes_rendus_manquants() -> None:
    """Tâche planifiée (beat) : mince enveloppe de la commande `archiver_comptes_rendus`."""
    from django.core.management import call_command

    call_command("archiver_comptes_rendus")
