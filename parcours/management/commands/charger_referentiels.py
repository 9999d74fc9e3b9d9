from django.core.management.base import BaseCommand
from django.db import transaction

from parcours import referentiels


class Command(BaseCommand):
    help = "Met à jour les référentiels du plan d'action (thèmes, objectifs, actions) depuis parcours/referentiels/."

    @transaction.atomic
    def handle(self, *args, **options):
        comptes = referentiels.charger()
        self.stdout.write(
            self.style.SUCCESS(
                f"Référentiels à jour : {comptes['themes']} thèmes, {comptes['objectifs']} objectifs, "
                f"{comptes['actions']} actions."
            )
        )
