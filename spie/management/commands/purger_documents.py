from spie import documents
from spie.models import DocumentGenere
from spie.traces import Commande


class Command(Commande):
    help = "Supprime les documents générés expirés (PDF…) et leurs fichiers. Simulation sans --wet-run."

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Supprime pour de bon.")

    def handle(self, *args, **options):
        if not options["wet_run"]:
            nombre = DocumentGenere.objects.expires().count()
            self.stdout.write(
                f"Simulation : {nombre} document(s) expiré(s) seraient supprimés (--wet-run pour le faire)."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"{documents.purger()} document(s) expiré(s) supprimé(s)."))
