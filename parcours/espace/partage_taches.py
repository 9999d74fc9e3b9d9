"""Courriels des demandes d'opposition, envoyés après la validation de la transaction (tâches qui prennent des id)."""

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from spie.liens import lien_absolu


def destinataires_opposition(demande) -> list[str]:
    """Le référent du carnet s'il est de l'organisation saisie ; à défaut l'adresse de contact de l'organisation ;
    à défaut ses administrateurs."""
    from parcours.models import Intervenant
    from partenaires.models import Membre

    referent = (
        Intervenant.objects.referents()
        .filter(carnet_id=demande.carnet_id, organisation_id=demande.organisation_id)
        .select_related("utilisateur")
        .first()
    )
    if referent is not None and referent.utilisateur.email:
        return [referent.utilisateur.email]
    if demande.organisation.email_contact:
        return [demande.organisation.email_contact]
    return list(
        Membre.objects.administrateurs()
        .filter(organisation_id=demande.organisation_id, utilisateur__email__isnull=False)
        .values_list("utilisateur__email", flat=True)
    )


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def prevenir_opposition(demande_id: int) -> None:
    """Prévient l'organisation saisie qu'une personne s'oppose au traitement de ses données (délai d'un mois)."""
    from parcours.models import DemandeOpposition

    demande = DemandeOpposition.objects.select_related("carnet__personne", "organisation").filter(pk=demande_id).first()
    if demande is None or demande.statut != DemandeOpposition.Statut.EN_ATTENTE:
        return
    destinataires = destinataires_opposition(demande)
    if not destinataires:
        return
    contexte = {
        "demande": demande,
        "personne": demande.carnet.personne,
        "lien": lien_absolu(reverse("parcours:espace_opposition_repondre", args=[demande.carnet.uuid, demande.uuid])),
    }
    send_mail(
        subject=render_to_string("parcours/emails/opposition_objet.txt", contexte).strip(),
        message=render_to_string("parcours/emails/opposition_demandee.txt", contexte),
        from_email=None,
        recipient_list=destinataires,
    )
