from django.apps import AppConfig


class SpieConfig(AppConfig):
    name = "spie"
    verbose_name = "Plateforme SPIE"
