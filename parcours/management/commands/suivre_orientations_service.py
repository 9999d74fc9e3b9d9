"""Chaque matin (Celery beat : `parcours.orientation_service.taches.suivre_orientations_service`) : relance à 10 jours
des orientations vers un service sans réponse (une seule), expiration à 30 jours. Idempotente : la relance est
marquée, l'expiration change le statut ; un second passage ne trouve plus rien."""

from parcours.orientation_service import services
from spie.traces import Commande


class Command(Commande):
    help = "Relance les structures des orientations sans réponse depuis 10 jours et fait expirer celles de 30 jours."

    def handle(self, *args, **options):
        expirees = services.expirer()
        relancees = services.relancer()
        self.stdout.write(f"{relancees} orientation(s) relancée(s), {expirees} orientation(s) expirée(s).")
