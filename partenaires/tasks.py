from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from spie.liens import lien_absolu


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_invitation(invitation_id: int, cle: str) -> None:
    """Envoie le lien d'invitation (idempotent : rien si l'invitation n'est plus en attente)."""
    from partenaires.models import Invitation

    invitation = (
        Invitation.objects.en_attente().select_related("organisation", "invite_par").filter(pk=invitation_id).first()
    )
    if invitation is None:
        return
    contexte = {
        "invitation": invitation,
        "lien": lien_absolu(reverse("partenaires:invitation", kwargs={"cle": cle})),
    }
    send_mail(
        subject=render_to_string("partenaires/emails/invitation_objet.txt", contexte).strip(),
        message=render_to_string("partenaires/emails/invitation.txt", contexte),
        from_email=None,
        recipient_list=[invitation.email],
    )
