"""Chaque nuit (tâche beat `parcours.tasks.calculer_point_de_situation`) : les avis des 26 ans, puis le point de
situation, qui remplace celui de la veille."""

from django.utils import timezone

from parcours.suivi import point_de_situation, services
from spie.traces import Commande


class Command(Commande):
    help = "Signale les personnes qui ont eu 26 ans et recalcule le point de situation (éléments à traiter)."

    def handle(self, *args, **options):
        aujourd_hui = timezone.localdate()
        avis = services.signaler_26_ans(aujourd_hui=aujourd_hui)
        elements = point_de_situation.calculer(aujourd_hui=aujourd_hui)
        self.stdout.write(
            f"Point de situation du {aujourd_hui:%d/%m/%Y} : {len(elements)} élément(s) à traiter ; "
            f"{avis} avis « 26 ans »."
        )
