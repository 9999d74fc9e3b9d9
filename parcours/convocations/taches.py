"""Les courriels des convocations, envoyés par un worker après le commit. Chaque tâche prend l'id du rendez-vous et
relit son état : un rendez-vous annulé ou passé entre-temps ne reçoit plus rien."""

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from parcours.convocations import contenu, liens
from parcours.models import RendezVous
from spie.liens import lien_absolu

GABARITS = "parcours/convocations/emails"
REESSAIS = {"acks_late": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


def _rendez_vous(rendez_vous_id: int) -> RendezVous | None:
    from parcours.convocations.services import verifier_convocable

    rendez_vous = (
        RendezVous.objects.select_related("carnet__personne", "organisation", "cree_par", "intervenant")
        .filter(pk=rendez_vous_id)
        .first()
    )
    if rendez_vous is None:
        return None
    try:
        verifier_convocable(rendez_vous)
    except ValidationError:
        return None
    return rendez_vous


def _envoyer(gabarit: str, contexte: dict, destinataires: list[str]) -> None:
    send_mail(
        subject=render_to_string(f"{GABARITS}/{gabarit}_objet.txt", contexte).strip(),
        message=render_to_string(f"{GABARITS}/{gabarit}.txt", contexte),
        from_email=None,
        recipient_list=destinataires,
    )


def _ecrire_a_la_personne(rendez_vous_id: int, genre: str) -> None:
    """Convocation, rappel ou relance : le même courriel, avec les liens de réponse tant que la personne n'a pas
    répondu."""
    rendez_vous = _rendez_vous(rendez_vous_id)
    if rendez_vous is None or not rendez_vous.carnet.personne.email:
        return
    contexte = contenu.contexte(rendez_vous) | {"genre": genre, "lien_oui": "", "lien_non": ""}
    if not rendez_vous.reponse:
        contexte["lien_oui"] = liens.url_reponse(rendez_vous, RendezVous.Reponse.CONFIRME)
        contexte["lien_non"] = liens.url_reponse(rendez_vous, RendezVous.Reponse.EMPECHE)
    _envoyer("personne", contexte, [rendez_vous.carnet.personne.email])


@shared_task(**REESSAIS)
def envoyer_convocation(rendez_vous_id: int) -> None:
    _ecrire_a_la_personne(rendez_vous_id, "convocation")


@shared_task(**REESSAIS)
def envoyer_rappel(rendez_vous_id: int) -> None:
    _ecrire_a_la_personne(rendez_vous_id, "rappel")


@shared_task(**REESSAIS)
def envoyer_relance(rendez_vous_id: int) -> None:
    _ecrire_a_la_personne(rendez_vous_id, "relance")


@shared_task(**REESSAIS)
def prevenir_empechement(rendez_vous_id: int) -> None:
    """La personne ne pourra pas venir : le responsable de la convocation et le professionnel du rendez-vous
    sont prévenus, pour proposer une autre date."""
    rendez_vous = _rendez_vous(rendez_vous_id)
    if rendez_vous is None or rendez_vous.reponse != RendezVous.Reponse.EMPECHE:
        return
    contexte = contenu.contexte(rendez_vous) | {
        "lien": lien_absolu(reverse("parcours:carnet", args=[rendez_vous.carnet.uuid]) + "?onglet=rendez_vous")
    }
    destinataires = list(dict.fromkeys([contexte["contact"].email, rendez_vous.intervenant.email]))
    _envoyer("empechement", contexte, destinataires)
