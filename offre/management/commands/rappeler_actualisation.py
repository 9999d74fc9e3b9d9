"""Le 1er de chaque mois (tâche beat `offre.catalogue.taches.rappeler_actualisation`) : à chaque éditeur, UN
courriel qui liste ses services à actualiser, avec le lien de chaque fiche et le lien de confirmation « toujours à
jour ». Rien à qui n'en a pas. La commande n'écrit rien en base."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from offre.catalogue.rappels import rappels
from spie.liens import lien_absolu
from spie.traces import Commande

logger = logging.getLogger(__name__)


class Command(Commande):
    help = "Envoie à chaque éditeur la liste de ses services à actualiser (rien à qui n'en a pas)."

    def handle(self, *args, **options):
        jour = timezone.localdate()
        envoyes = echecs = 0
        for rappel in rappels(jour):
            contexte = {
                "destinataire": rappel.destinataire,
                "jour": jour,
                "nombre": len(rappel.services),
                "services": [
                    {
                        "service": service,
                        "lien": lien_absolu(reverse("offre:service", args=[service.uuid])),
                        "lien_confirmation": lien_absolu(reverse("offre:service_confirmer", args=[service.uuid])),
                    }
                    for service in rappel.services
                ],
                "lien_structures": lien_absolu(reverse("offre:structures")),
            }
            try:
                send_mail(
                    subject=render_to_string("offre/emails/rappel_actualisation_objet.txt", contexte).strip(),
                    message=render_to_string("offre/emails/rappel_actualisation.txt", contexte),
                    from_email=None,
                    recipient_list=[rappel.destinataire.email],
                )
            except OSError:
                # Un serveur de courriel indisponible pour un destinataire n'empêche pas les suivants.
                logger.exception("Rappel d'actualisation non envoyé à l'utilisateur %s", rappel.destinataire.pk)
                echecs += 1
            else:
                envoyes += 1
        self.stdout.write(f"Rappels d'actualisation envoyés : {envoyes} ; en échec : {echecs}.")
