"""Les courriels de convocation d'une séance, envoyés par un worker après le commit (enregistrés par
gouvernance/tasks.py).

La tâche prend l'id de la séance et n'envoie que les lignes `EnvoiConvocation` sans `envoye_le`, en marquant chacune
dès son courriel parti : une tâche rejouée (worker tombé, nouvel essai) n'écrit pas deux fois à la même personne.
L'ordre du jour en PDF est joint ; si sa production échoue, l'erreur est journalisée et la tâche retentée ; au
dernier essai, les convocations partent sans la pièce jointe (l'ordre du jour est aussi dans le corps du courriel).
"""

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gouvernance.choix import StatutSeance
from gouvernance.models import EnvoiConvocation, Seance
from spie.liens import lien_absolu

logger = logging.getLogger(__name__)

GABARITS = "gouvernance/seances/emails"
ESSAIS_PDF = 5


def _pdf_ordre_du_jour(seance) -> bytes:
    """L'ordre du jour en PDF, produit par la partie « comptes rendus » (le même gabarit que sa page Imprimer)."""
    from gouvernance.comptes_rendus import documents

    return documents.pdf_ordre_du_jour(seance)


def _nom_fichier(seance) -> str:
    return f"ordre-du-jour-{timezone.localtime(seance.date):%Y-%m-%d}.pdf"


def contexte_convocation(seance, points) -> dict:
    """Ce que dit la convocation à chacun : comité, date, lieu ou visio, ordre du jour, lien vers la séance."""
    return {
        "seance": seance,
        "comite": seance.comite,
        "points": points,
        "secretaire": seance.comite.secretaire,
        "lien": lien_absolu(reverse("gouvernance:seance", args=[seance.uuid])),
    }


def _message(envoi, contexte: dict, pdf: bytes | None, nom_fichier: str) -> EmailMultiAlternatives:
    contexte = contexte | {"mandat": envoi.mandat, "siege": envoi.mandat.siege, "pdf_joint": pdf is not None}
    secretaire = contexte["secretaire"]
    message = EmailMultiAlternatives(
        subject=render_to_string(f"{GABARITS}/convocation_objet.txt", contexte).strip(),
        body=render_to_string(f"{GABARITS}/convocation.txt", contexte),
        to=[envoi.email],
        reply_to=[secretaire.email] if secretaire and secretaire.email else None,
    )
    message.attach_alternative(render_to_string(f"{GABARITS}/convocation.html", contexte), "text/html")
    if pdf is not None:
        message.attach(nom_fichier, pdf, "application/pdf")
    return message


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=ESSAIS_PDF)
def envoyer_convocations(self, seance_id: int) -> int:
    """Écrit à chaque personne convoquée qui n'a pas encore reçu sa convocation ; rend le nombre de courriels
    envoyés par ce passage."""
    seance = (
        Seance.objects.select_related("comite", "comite__consortium", "comite__secretaire")
        .filter(pk=seance_id, statut=StatutSeance.CONVOQUEE)
        .first()
    )
    if seance is None:  # séance disparue, ou clôturée avant le passage du worker : plus rien à envoyer
        return 0
    a_envoyer = list(seance.envois_convocation.filter(envoye_le__isnull=True).values_list("pk", flat=True))
    if not a_envoyer:
        return 0
    points = list(seance.points.select_related("fiche_action").order_by("ordre", "pk"))
    try:
        pdf = _pdf_ordre_du_jour(seance)
    except Exception:
        dernier_essai = self.request.retries >= self.max_retries
        logger.exception(
            "Convocation de la séance %s : l'ordre du jour en PDF n'a pas pu être produit (essai %s sur %s)%s.",
            seance.pk,
            self.request.retries + 1,
            self.max_retries + 1,
            " : les convocations partent sans la pièce jointe" if dernier_essai else ", nouvel essai plus tard",
        )
        if not dernier_essai:
            raise self.retry(countdown=min(60 * 2**self.request.retries, 3600)) from None
        pdf = None
    contexte = contexte_convocation(seance, points)
    nom_fichier = _nom_fichier(seance)
    envoyes = 0
    for pk in a_envoyer:
        with transaction.atomic():
            envoi = (
                EnvoiConvocation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("mandat__siege__organisation")
                .filter(pk=pk, envoye_le__isnull=True)
                .first()
            )
            if envoi is None:  # envoyée entre-temps par un autre passage
                continue
            _message(envoi, contexte, pdf, nom_fichier).send()
            envoi.envoye_le = timezone.now()
            envoi.save(update_fields=["envoye_le"])
            envoyes += 1
    return envoyes
