"""Chaque lundi (tâche beat `parcours.tasks.envoyer_digest_hebdomadaire`) : le courriel « à traiter » de chaque
référent qui a des éléments au dernier point de situation (un seul envoi par référent et par jour)."""

from parcours.models import ElementATraiter
from parcours.suivi.taches import envoyer_digest
from spie.traces import Commande


class Command(Commande):
    help = "Envoie à chaque référent le résumé de ses éléments à traiter (rien à qui n'en a pas)."

    def handle(self, *args, **options):
        referents = (
            ElementATraiter.objects.filter(referent__isnull=False, referent__is_active=True)
            .values_list("referent", flat=True)
            .distinct()
            .order_by("referent")
        )
        nombre = 0
        for referent_id in referents:
            envoyer_digest.delay(referent_id)
            nombre += 1
        self.stdout.write(f"Résumé hebdomadaire demandé pour {nombre} référent(s).")
