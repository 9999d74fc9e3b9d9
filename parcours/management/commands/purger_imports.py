"""Supprime les fichiers des imports de personnes terminés, échoués ou abandonnés, et abandonne les imports laissés
en plan (téléversés ou analysés, jamais confirmés) depuis plus de N jours. À blanc sans --wet-run."""

from datetime import timedelta

from django.utils import timezone

from parcours.imports import services
from spie.traces import Commande


class Command(Commande):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--jours", type=int, default=7, help="Délai avant d'abandonner un import en plan (7).")
        parser.add_argument("--wet-run", action="store_true", help="Supprimer pour de bon.")

    def handle(self, *args, jours, wet_run, **options):
        concernes = services.purger(avant=timezone.now() - timedelta(days=jours), appliquer=wet_run)
        verbe = "purgés" if wet_run else "à purger (à blanc, relancez avec --wet-run)"
        self.stdout.write(f"{len(concernes)} import(s) {verbe}.")
