"""Les courriels des orientations vers un service, envoyés par un worker après le commit, et la tâche du matin.
Chaque tâche prend un id et relit l'état : une orientation qui a reçu sa réponse entre-temps n'est plus relancée."""

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from spie.liens import lien_absolu

GABARITS = "parcours/orientation_service/emails"
REESSAIS = {"acks_late": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


def _envoyer(gabarit: str, contexte: dict, destinataires) -> None:
    send_mail(
        subject=render_to_string(f"{GABARITS}/{gabarit}_objet.txt", contexte).strip(),
        message=render_to_string(f"{GABARITS}/{gabarit}.txt", contexte),
        from_email=None,
        recipient_list=list(destinataires),
    )


def _ecrire_a_la_structure(orientation_id: int, genre: str) -> None:
    """La nouvelle orientation, ou sa relance : aux membres de la structure (lien vers leur boîte de réception),
    sinon à l'adresse du service (lien signé vers la page de réponse). Le courriel ne nomme pas la personne."""
    from parcours.models import OrientationService
    from parcours.orientation_service import liens
    from parcours.orientation_service.services import destinataires

    orientation = (
        OrientationService.objects.select_related("service__structure", "session", "prescripteur", "organisation")
        .filter(pk=orientation_id, statut__in=OrientationService.STATUTS_SANS_REPONSE)
        .first()
    )
    if orientation is None:
        return
    envoi = destinataires(orientation.service)
    if envoi is None:
        return
    if envoi.par_lien:
        lien = liens.url_reponse(orientation)
    else:
        lien = lien_absolu(reverse("parcours:orientation_recue", args=[orientation.uuid]))
    contexte = {"orientation": orientation, "genre": genre, "lien": lien, "par_lien": envoi.par_lien}
    _envoyer("structure", contexte, envoi.courriels)


@shared_task(**REESSAIS)
def envoyer_orientation(orientation_id: int) -> None:
    _ecrire_a_la_structure(orientation_id, "nouvelle")


@shared_task(**REESSAIS)
def relancer_structure(orientation_id: int) -> None:
    _ecrire_a_la_structure(orientation_id, "relance")


@shared_task(**REESSAIS)
def prevenir_prescripteur(transition_id: int) -> None:
    """Acceptée, refusée ou expirée : le prescripteur l'apprend par courriel (lien vers l'onglet du carnet)."""
    from parcours.models import TransitionOrientationService
    from parcours.orientation_service.regles import JOURS_EXPIRATION

    transition = (
        TransitionOrientationService.objects.select_related(
            "orientation__service__structure",
            "orientation__session",
            "orientation__prescripteur",
            "orientation__carnet__personne",
        )
        .filter(pk=transition_id)
        .first()
    )
    if transition is None or not transition.orientation.prescripteur.email:
        return
    orientation = transition.orientation
    contexte = {
        "orientation": orientation,
        "transition": transition,
        "jours_expiration": JOURS_EXPIRATION,
        "lien": lien_absolu(reverse("parcours:carnet", args=[orientation.carnet.uuid]) + "?onglet=offre"),
    }
    _envoyer("prescripteur", contexte, [orientation.prescripteur.email])


@shared_task
def suivre_orientations_service() -> None:
    """Chaque matin : relance à 10 jours des orientations vers un service sans réponse, expiration à 30 jours."""
    from django.core.management import call_command

    call_command("suivre_orientations_service")
