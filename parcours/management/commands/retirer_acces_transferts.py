"""Chaque nuit (tâche beat `parcours.tasks.retirer_acces_transferts`) : 30 jours après un transfert vers un autre
territoire, les organisations du territoire de départ perdent la lecture du carnet et leurs intervenants sortent du
groupe de suivi. Idempotent : un transfert traité ne l'est plus jamais ; `--simulation` liste sans rien écrire."""

from parcours.orientation import services
from spie.traces import Commande


class Command(Commande):
    help = "Retire l'accès du territoire de départ aux carnets transférés depuis plus de 30 jours."

    def add_arguments(self, parser):
        parser.add_argument("--simulation", action="store_true", help="Lister les transferts sans rien retirer.")

    def handle(self, *args, simulation=False, **options):
        transferts = list(services.transferts_a_echeance().select_related("carnet"))
        if simulation:
            for transfert in transferts:
                self.stdout.write(
                    f"À retirer : transfert {transfert.uuid} (lecture jusqu'au {transfert.fin_lecture_le})"
                )
            self.stdout.write(f"{len(transferts)} transfert(s) à traiter (simulation : rien n'est écrit).")
            return
        retires = sum(services.retirer_acces(transfert) for transfert in transferts)
        self.stdout.write(f"{len(transferts)} transfert(s) traité(s), accès retiré pour {retires} carnet(s).")
