"""Exporte le flux mensuel des orientations d'un département (CSV ou JSON, voir docs/flux-orientations.md), pour la
transmission aux comités départemental et national :

    manage.py exporter_flux_orientations --departement 40 --mois 2026-10 --format json --sortie flux.json

Sans --mois : le mois précédent. Sans --sortie : sur la sortie standard."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from gouvernance.besoins import flux
from spie.traces import Commande


class Command(Commande):
    help = "Exporte le flux mensuel des orientations d'un département (CSV ou JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--departement", required=True, help="Code du département (40, 2A, 971…).")
        parser.add_argument("--mois", help="Mois AAAA-MM (par défaut : le mois précédent).")
        parser.add_argument("--format", choices=flux.FORMATS, default=flux.JSON, help="json (par défaut) ou csv.")
        parser.add_argument("--sortie", help="Fichier à écrire (par défaut : la sortie standard).")

    def handle(self, *args, departement, mois, format, sortie, **options):
        try:
            flux.valider_departement(departement)
            mois = flux.Mois.lire(mois) if mois else flux.Mois.precedent()
        except ValidationError as erreur:
            raise CommandError(" ".join(m for messages in erreur.message_dict.values() for m in messages)) from None
        contenu = flux.exporter(departement, mois, format)
        if sortie:
            Path(sortie).write_bytes(contenu)
            self.stdout.write(f"Flux des orientations {departement} {mois} écrit dans {sortie}.")
        else:
            self.stdout.write(contenu.decode("utf-8"), ending="")
