"""Purge le journal des consultations des carnets : les consultations de plus de SPIE_CONSULTATIONS_DUREE_MOIS mois
(12). Simulation par défaut (le nombre de lignes qui seraient supprimées, par mois) ; --executer pour supprimer."""

import logging

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from parcours.models.carnet import limite_conservation_consultations, purger_consultations
from spie.traces import Commande

journal = logging.getLogger(__name__)
DUREE_MINIMALE_MOIS = 12  # le déclencheur PostgreSQL (migration parcours 0013) refuse d'effacer plus récent


class Command(Commande):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--executer", action="store_true", help="Supprimer pour de bon (sinon : simulation).")

    def handle(self, *args, executer, **options):
        duree = settings.SPIE_CONSULTATIONS_DUREE_MOIS
        if duree < DUREE_MINIMALE_MOIS:
            raise CommandError(
                f"SPIE_CONSULTATIONS_DUREE_MOIS vaut {duree} : le journal des consultations se garde au moins "
                f"{DUREE_MINIMALE_MOIS} mois (la personne le lit sur 12 mois, la base refuse d'effacer plus récent)."
            )
        maintenant = timezone.now()
        limite = limite_conservation_consultations(maintenant)
        par_mois = purger_consultations(executer=executer, maintenant=maintenant)
        total = sum(nombre for _, nombre in par_mois)
        for mois, nombre in par_mois:
            self.stdout.write(f"  {mois:%Y-%m} : {nombre}")
        if executer:
            journal.info(
                "Purge du journal des consultations : %d consultation(s) de plus de %d mois supprimée(s).",
                total,
                duree,
            )
            self.stdout.write(
                f"{total} consultation(s) de plus de {duree} mois supprimée(s) (antérieures au "
                f"{limite:%d/%m/%Y %H:%M} UTC)."
            )
        else:
            self.stdout.write(
                f"{total} consultation(s) de plus de {duree} mois à supprimer (antérieures au "
                f"{limite:%d/%m/%Y %H:%M} UTC). Simulation : rien n'est supprimé, relancez avec --executer."
            )
