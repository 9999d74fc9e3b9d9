"""Courriels de l'orientation, envoyés après la validation de la transaction (tâches qui prennent des id)."""

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from spie.liens import lien_absolu


def destinataires(decision, ancien_referent) -> list[tuple[str, object]]:
    """(rôle, utilisateur) : le nouveau référent, l'ancien, le référent qui a demandé la réorientation ; une
    personne ne reçoit qu'un courriel."""
    demande = decision.demande
    candidats = [
        ("referent", decision.referent),
        ("ancien_referent", ancien_referent),
        ("demandeur", demande.demandeur if demande.motif == demande.Motif.REORIENTATION else None),
    ]
    vus, retenus = set(), []
    for role, utilisateur in candidats:
        if utilisateur is not None and utilisateur.pk not in vus and utilisateur.email:
            vus.add(utilisateur.pk)
            retenus.append((role, utilisateur))
    return retenus


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def prevenir_decision(decision_id: int, ancien_referent_id: int | None = None) -> None:
    """Prévient les personnes concernées par une décision d'orientation (un courriel chacune)."""
    from parcours.models import DecisionOrientation
    from partenaires.models import Utilisateur

    decision = (
        DecisionOrientation.objects.select_related(
            "carnet__personne", "demande__demandeur", "organisme_referent", "referent", "organisation_decideuse"
        )
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return
    ancien = Utilisateur.objects.filter(pk=ancien_referent_id).first() if ancien_referent_id else None
    lien = lien_absolu(reverse("parcours:carnet", args=[decision.carnet.uuid]) + "?onglet=orientation")
    for role, utilisateur in destinataires(decision, ancien):
        contexte = {"decision": decision, "destinataire": utilisateur, "role": role, "lien": lien}
        send_mail(
            subject=render_to_string("parcours/orientation/emails/decision_objet.txt", contexte).strip(),
            message=render_to_string("parcours/orientation/emails/decision.txt", contexte),
            from_email=None,
            recipient_list=[utilisateur.email],
        )
