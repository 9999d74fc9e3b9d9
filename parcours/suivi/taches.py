"""Courriels de la continuité du parcours (tâches Celery : elles prennent des id et sont idempotentes)."""

from celery import shared_task
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from spie.liens import lien_absolu

DUREE_MEMOIRE_ENVOI = 2 * 24 * 3600


def _envoyer_une_fois(cle: str, *, gabarit: str, contexte: dict, destinataire: str) -> bool:
    """Envoie le courriel sauf s'il est déjà parti (relance d'une tâche, commande lancée deux fois le même jour)."""
    if not cache.add(cle, True, DUREE_MEMOIRE_ENVOI):
        return False
    try:
        send_mail(
            subject=render_to_string(f"parcours/suivi/emails/{gabarit}_objet.txt", contexte).strip(),
            message=render_to_string(f"parcours/suivi/emails/{gabarit}.txt", contexte),
            from_email=None,
            recipient_list=[destinataire],
        )
    except Exception:
        cache.delete(cle)
        raise
    return True


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def prevenir_referent_reexamen(evenement_id: int) -> None:
    """Prévient le référent qu'un changement de situation appelle un réexamen du parcours."""
    from parcours.models import EvenementCarnet, Intervenant

    evenement = EvenementCarnet.objects.select_related("carnet__personne").filter(pk=evenement_id).first()
    if evenement is None:
        return
    referent = Intervenant.objects.referents().filter(carnet=evenement.carnet).select_related("utilisateur").first()
    if referent is None:
        return
    contexte = {
        "evenement": evenement,
        "referent": referent.utilisateur,
        "lien": lien_absolu(reverse("parcours:carnet", args=[evenement.carnet.uuid])),
    }
    _envoyer_une_fois(
        f"suivi:reexamen:{evenement.pk}", gabarit="reexamen", contexte=contexte, destinataire=referent.utilisateur.email
    )


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def envoyer_digest(referent_id: int) -> None:
    """Le courriel hebdomadaire « à traiter » d'un référent : ses éléments du dernier calcul, comptés par règle.
    Rien s'il n'en a pas ; un seul envoi par jour."""
    from parcours.suivi.point_de_situation import totaux_du_referent
    from partenaires.models import Utilisateur

    referent = Utilisateur.objects.filter(pk=referent_id, is_active=True).first()
    if referent is None:
        return
    date_calcul, totaux = totaux_du_referent(referent)
    if not totaux:
        return
    contexte = {
        "referent": referent,
        "date_calcul": date_calcul,
        "totaux": totaux,
        "total": sum(nombre for _, nombre in totaux),
        "lien": lien_absolu(reverse("parcours:a_traiter")),
    }
    _envoyer_une_fois(
        f"suivi:digest:{referent.pk}:{timezone.localdate():%Y-%m-%d}",
        gabarit="digest",
        contexte=contexte,
        destinataire=referent.email,
    )
