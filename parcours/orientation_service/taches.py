from celery import shared_task


@shared_task
def suivre_orientations_service() -> None:
    """Chaque matin : relance à 10 jours des orientations vers un service sans réponse, expiration à 30 jours."""
    from django.core.management import call_command

    call_command("suivre_orientations_service")
