from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

# Les tâches de chaque partie du parcours : importées ici pour que l'autodécouverte de Celery (qui importe
# `parcours.tasks`) les enregistre dans le worker.
from parcours.convocations import taches as _convocations  # noqa: F401
from parcours.espace import partage_taches as _partage  # noqa: F401
from parcours.imports import taches as _imports  # noqa: F401
from parcours.orientation import taches as _orientation  # noqa: F401
from parcours.orientation_service import taches as _orientation_service  # noqa: F401
from parcours.suivi import taches as _suivi  # noqa: F401
from spie.liens import lien_absolu


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def prevenir_referent_demande_acces(evenement_id: int) -> None:
    """Prévient le référent du carnet qu'un professionnel demande à rejoindre le groupe de suivi."""
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
        "lien": lien_absolu(reverse("parcours:carnet", args=[evenement.carnet.uuid]) + "?onglet=groupe"),
    }
    send_mail(
        subject=render_to_string("parcours/emails/demande_acces_objet.txt", contexte).strip(),
        message=render_to_string("parcours/emails/demande_acces.txt", contexte),
        from_email=None,
        recipient_list=[referent.utilisateur.email],
    )


# Travaux planifiés du parcours (beat) : chacun n'est qu'une enveloppe de sa commande de gestion.
def _commande(nom: str, *arguments: str) -> None:
    from django.core.management import call_command

    call_command(nom, *arguments)


@shared_task
def calculer_point_de_situation() -> None:
    """Chaque nuit : le point de situation par référent et par organisation, et les changements de statut."""
    _commande("calculer_point_de_situation")


@shared_task
def envoyer_digest_hebdomadaire() -> None:
    """Chaque lundi matin : le courriel « à traiter » de chaque référent."""
    _commande("envoyer_digest_hebdomadaire")


@shared_task
def envoyer_rappels() -> None:
    """Chaque heure : rappels de rendez-vous (2 jours avant) et relances des convocations sans réponse (3 jours)."""
    _commande("envoyer_rappels")


@shared_task
def retirer_acces_transferts() -> None:
    """Chaque nuit : les organisations du territoire de départ perdent la lecture 30 jours après un transfert."""
    _commande("retirer_acces_transferts")


@shared_task
def purger_consultations() -> None:
    """Chaque nuit : supprime les consultations des carnets de plus de 12 mois (le nombre est écrit au journal)."""
    _commande("purger_consultations", "--executer")


@shared_task
def anonymiser_dossiers() -> None:
    """Chaque nuit : anonymise les carnets sans contact depuis SPIE_CONSERVATION_MOIS mois (sans gel légal)."""
    _commande("anonymiser_dossiers", "--executer", "--par", "tâche de nuit (beat)")
