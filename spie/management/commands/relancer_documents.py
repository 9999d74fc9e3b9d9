from spie import documents
from spie.traces import Commande


class Command(Commande):
    help = (
        "Ré-enfile les documents dont la production s'est perdue : en attente depuis plus de 2 minutes (tâche perdue "
        "avec Redis), ou « en cours » au-delà du délai du PDF et d'une marge (worker mort). La production est "
        "idempotente : relancer un document déjà prêt ne refait rien."
    )

    def handle(self, *args, **options):
        nombre = documents.relancer()
        self.stdout.write(self.style.SUCCESS(f"{nombre} document(s) relancé(s)."))
