"""Anonymise les carnets sans contact depuis SPIE_CONSERVATION_MOIS mois (24), sauf gel légal en cours ou
rendez-vous prévu à venir. Simulation par défaut : combien, et lesquels par identifiant technique (jamais un nom) ;
--executer pour anonymiser. Règles : parcours/conservation.py."""

import logging

from django.conf import settings
from django.utils import timezone

from parcours.conservation import anonymiser_dossiers, limite_conservation
from spie.traces import Commande

journal = logging.getLogger(__name__)


class Command(Commande):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--executer", action="store_true", help="Anonymiser pour de bon (sinon : simulation).")
        parser.add_argument(
            "--par",
            default="manage.py anonymiser_dossiers",
            help="Ce qui lance la commande, écrit dans la trace de chaque anonymisation.",
        )

    def handle(self, *args, executer, par, **options):
        aujourd_hui = timezone.localdate()
        limite = limite_conservation(aujourd_hui)
        ids = anonymiser_dossiers(executer=executer, par=par, aujourd_hui=aujourd_hui)
        liste = ", ".join(str(pk) for pk in ids) or "aucun"
        duree = settings.SPIE_CONSERVATION_MOIS
        if executer:
            journal.info("Conservation : %d carnet(s) anonymisé(s) (identifiants : %s).", len(ids), liste)
            self.stdout.write(
                f"{len(ids)} carnet(s) sans contact depuis le {limite:%d/%m/%Y} ({duree} mois) anonymisé(s). "
                f"Identifiants : {liste}."
            )
        else:
            self.stdout.write(
                f"{len(ids)} carnet(s) sans contact depuis le {limite:%d/%m/%Y} ({duree} mois) à anonymiser. "
                f"Identifiants : {liste}. Simulation : rien n'est modifié, relancez avec --executer."
            )
