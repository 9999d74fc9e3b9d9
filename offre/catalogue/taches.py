from celery import shared_task


@shared_task
def rappeler_actualisation() -> None:
    """Le 1er de chaque mois : chaque éditeur reçoit la liste de ses services à actualiser."""
    from django.core.management import call_command

    call_command("rappeler_actualisation")
