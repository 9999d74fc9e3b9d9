from celery import shared_task


@shared_task(acks_late=True, reprise_par_beat=True)
def produire_document(document_id: int) -> None:
    """Produit un document demandé (voir spie.documents) ; idempotente, relancée sans risque."""
    from spie import documents

    documents.produire(document_id)


@shared_task
def purger_documents() -> None:
    """Tâche planifiée (beat) : mince enveloppe de la commande `purger_documents`."""
    from django.core.management import call_command

    call_command("purger_documents", "--wet-run")


@shared_task
def relancer_documents() -> None:
    """Tâche planifiée (beat, toutes les 5 minutes) : mince enveloppe de la commande `relancer_documents`."""
    from django.core.management import call_command

    call_command("relancer_documents")
