"""Import d'un fichier data·inclusion v1 (JSON ou CSV) dans l'offre d'un ou plusieurs départements, par
l'exploitant : mêmes règles et même écriture que la page d'import des pilotes (voir docs/offre-echange.md).

Sans `--wet-run`, la commande analyse à blanc et n'écrit rien (convention des commandes qui réécrivent des données).

    python manage.py importer_offre --departement 40 --structures structures.csv --services services.csv
    python manage.py importer_offre --departement 40 --structures offre.json --wet-run"""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from offre.echange import ecriture
from offre.echange.analyse import analyser_fichiers
from offre.echange.lecture import Fichier
from offre.echange.schema import SERVICE, STRUCTURE
from partenaires.referentiels import departements
from spie.traces import Commande


class Command(Commande):
    help = "Importe des structures et services data·inclusion v1 (analyse à blanc sans --wet-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--departement",
            action="append",
            required=True,
            help="Département du territoire (répétable) : les objets d'ailleurs sont en erreur.",
        )
        parser.add_argument("--structures", type=Path, help="Fichier JSON ou CSV des structures (ou JSON complet).")
        parser.add_argument("--services", type=Path, help="Fichier JSON ou CSV des services.")
        parser.add_argument(
            "--valides-seulement", action="store_true", help="N'importer que les lignes valides (sinon tout ou rien)."
        )
        parser.add_argument("--wet-run", action="store_true", help="Écrire pour de bon (sinon : analyse à blanc).")

    def handle(self, *args, **options):
        territoire = set(options["departement"])
        inconnus = territoire - set(departements())
        if inconnus:
            raise CommandError(f"Département(s) inconnu(s) : {', '.join(sorted(inconnus))}.")
        fichiers = [
            Fichier(nature, chemin.name, chemin.read_bytes())
            for nature, chemin in ((STRUCTURE, options["structures"]), (SERVICE, options["services"]))
            if chemin is not None
        ]
        debut = time.perf_counter()
        try:
            if options["wet_run"]:
                analyse = ecriture.importer(
                    fichiers, acteur=None, departements=territoire, valides_seulement=options["valides_seulement"]
                )
            else:
                analyse = analyser_fichiers(fichiers, departements=territoire)
        except ecriture.ImportRefuse as refus:
            self._rapporter(refus.analyse)
            raise CommandError(" ".join(refus.messages)) from refus
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from erreur
        duree = time.perf_counter() - debut
        self._rapporter(analyse)
        verbe = "importé" if options["wet_run"] else "analysé à blanc (rien d'écrit ; --wet-run pour importer)"
        self.stdout.write(f"{analyse.compte()['lignes']} objets, {verbe} en {duree:.2f} s.")

    def _rapporter(self, analyse):
        for avertissement in analyse.avertissements:
            self.stdout.write(self.style.WARNING(avertissement))
        for erreur in analyse.erreurs:
            self.stderr.write(erreur)
        compte = analyse.compte()
        self.stdout.write(
            f"Structures : {compte['structures_creees']} à créer, {compte['structures_mises_a_jour']} à mettre à "
            f"jour ; services : {compte['services_crees']} à créer, {compte['services_mis_a_jour']} à mettre à "
            f"jour ; {compte['en_erreur']} en erreur."
        )
