"""Export du catalogue d'un département au format data·inclusion v1 (services publiés et leurs structures,
contacts compris), comme le bouton « Exporter » des professionnels du territoire.

    python manage.py exporter_offre --departement 40 --sortie offre-40.json
    python manage.py exporter_offre --departement 40 --format csv --type services --sortie services-40.csv"""

from pathlib import Path

from django.core.management.base import CommandError

from offre.echange import export
from partenaires.referentiels import departements
from spie.traces import Commande


class Command(Commande):
    help = "Écrit le catalogue d'un département au format data·inclusion v1 (JSON ou CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--departement", required=True)
        parser.add_argument("--format", choices=[export.JSON, export.CSV], default=export.JSON)
        parser.add_argument("--type", choices=[export.STRUCTURES, export.SERVICES], default="")
        parser.add_argument("--sortie", type=Path, help="Fichier à écrire (sinon : la sortie standard).")

    def handle(self, *args, **options):
        departement, format_, type_ = options["departement"], options["format"], options["type"]
        if departement not in departements():
            raise CommandError(f"Département inconnu : {departement}.")
        if format_ == export.CSV and not type_:
            raise CommandError("Un CSV contient soit les structures, soit les services : précisez --type.")
        contenu = export.catalogue(departement, type_)
        corps = export.en_json(contenu, type_) if format_ == export.JSON else export.en_csv(contenu[type_], type_)
        if options["sortie"]:
            options["sortie"].write_bytes(corps)
            nombres = ", ".join(f"{len(objets)} {nature}" for nature, objets in contenu.items())
            self.stdout.write(f"{options['sortie']} : {nombres}.")
        else:
            self.stdout.write(corps.decode("utf-8"), ending="")
