from django.db import transaction

from parcours import referentiels
from spie.traces import Commande


class Command(Commande):
    help = (
        "Met à jour les référentiels du parcours depuis parcours/referentiels/ : plan d'action (thèmes, objectifs, "
        "actions) et diagnostic (domaines, situations, objectifs suggérés, appellations ROME)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        comptes = referentiels.charger_tout()
        self.stdout.write(
            self.style.SUCCESS(
                f"Référentiels à jour : {comptes['themes']} thèmes, {comptes['objectifs']} objectifs, "
                f"{comptes['actions']} actions ; {comptes['domaines']} domaines, {comptes['situations']} situations, "
                f"{comptes['suggestions']} suggestions d'objectifs, {comptes['appellations']} appellations ROME."
            )
        )
