"""Les tâches du catalogue : le rappel mensuel d'actualisation (beat) et le courriel d'un signalement."""

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from spie.liens import lien_absolu


@shared_task
def rappeler_actualisation() -> None:
    """Le 1er de chaque mois : chaque éditeur reçoit la liste de ses services à actualiser."""
    from django.core.management import call_command

    call_command("rappeler_actualisation")


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def prevenir_signalement(signalement_id: int) -> None:
    """Prévient les éditeurs du service qu'une erreur y est signalée (un courriel chacun, sauf à son auteur ; rien
    s'il est déjà traité)."""
    from offre.catalogue.regles import editeurs
    from offre.models import SignalementService

    signalement = (
        SignalementService.objects.select_related("service__structure", "auteur")
        .filter(pk=signalement_id, traite_le__isnull=True)
        .first()
    )
    if signalement is None:
        return
    service = signalement.service
    lien = lien_absolu(reverse("offre:service", args=[service.uuid]) + "#signalements")
    for destinataire in editeurs([service.structure])[service.structure.pk]:
        if destinataire.pk == signalement.auteur_id:
            continue  # un éditeur qui signale lui-même n'a pas besoin d'en être prévenu
        contexte = {"signalement": signalement, "service": service, "destinataire": destinataire, "lien": lien}
        send_mail(
            subject=render_to_string("offre/catalogue/emails/signalement_objet.txt", contexte).strip(),
            message=render_to_string("offre/catalogue/emails/signalement.txt", contexte),
            from_email=None,
            recipient_list=[destinataire.email],
        )
