import time

from gouvernance.indicateurs import memoire
from spie.traces import Commande


class Command(Commande):
    help = (
        "Recalcule et met en cache la vue par défaut des indicateurs (dernier trimestre complet, tous les publics, "
        "sans autre filtre) de chaque territoire suivi (un pilote actif ou un comité actif), pour que la page réponde "
        f"sans calcul : tâche beat à l'heure pile, chiffres gardés {memoire.DUREE_SECONDES // 60} minutes."
    )

    def handle(self, *args, **options):
        debut = time.perf_counter()
        territoires = memoire.precalculer()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indicateurs précalculés pour {len(territoires)} territoire(s) "
                f"({', '.join(territoires) or 'aucun'}) en {time.perf_counter() - debut:.1f} s."
            )
        )
