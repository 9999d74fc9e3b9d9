"""Le courriel de l'avis de manquement, envoyé par un worker après le commit.

La tâche prend l'événement « avis envoyé » du carnet et note dans ses détails le moment de l'envoi, sous verrou :
rejouée (reprise du worker, double livraison), elle n'écrit pas deux fois à la personne."""

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from parcours.models import EvenementCarnet, Manquement

GABARITS = "parcours/sanctions/emails"
REESSAIS = {"acks_late": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**REESSAIS)
def envoyer_avis(evenement_id: int) -> None:
    with transaction.atomic():
        evenement = (
            EvenementCarnet.objects.select_for_update()
            .filter(pk=evenement_id, type=EvenementCarnet.Type.MANQUEMENT_AVIS_ENVOYE)
            .first()
        )
        if evenement is None or evenement.details.get("courriel_envoye_le"):
            return
        manquement = (
            Manquement.objects.select_related("carnet__personne", "organisation")
            .filter(uuid=evenement.details.get("manquement"), canal_avis=Manquement.Canal.COURRIEL)
            .first()
        )
        if manquement is None or not manquement.carnet.personne.email:
            return
        organisation = evenement.organisation or manquement.organisation
        contexte = {"manquement": manquement, "personne": manquement.carnet.personne, "organisation": organisation}
        send_mail(
            subject=render_to_string(f"{GABARITS}/avis_objet.txt", contexte).strip(),
            message=render_to_string(f"{GABARITS}/avis.txt", contexte),
            from_email=None,
            recipient_list=[manquement.carnet.personne.email],
        )
        evenement.details = {**evenement.details, "courriel_envoye_le": timezone.now().isoformat()}
        evenement.save(update_fields=["details"])
