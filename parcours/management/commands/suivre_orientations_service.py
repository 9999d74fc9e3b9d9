"""Chaque matin (Celery beat : `parcours.orientation_service.taches.suivre_orientations_service`) : relance à 10 jours
des orientations vers un service sans réponse (une seule), expiration à 30 jours. Idempotente : la relance est
marquée, l'expiration change le statut ; un second passage ne trouve plus rien."""

from django.core.management.base import BaseCommand

from parcours.orientation_service import services


class Command(BaseCommand):
    help = "Relance les structures des orientations sans réponse depuis 10 jours et fait expirer celles de 30 jours."

    def handle(self, *args, **options):
        expirees = services.expirer()
        relancees = services.relancer()
        self.stdout.write(f"{relancees} orientation(s) relancée(s), {expirees} orientation(s) expirée(s).")
