from django.apps import AppConfig


class ParcoursConfig(AppConfig):
    name = "parcours"
    verbose_name = "Parcours"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import pre_save

        from parcours import documents  # noqa: F401 - déclare les producteurs de documents
        from parcours.conservation import refuser_partage_si_opposition
        from parcours.convocations import documents as convocations  # noqa: F401
        from parcours.demo import charger_carnets_demo
        from parcours.espace import (
            activation,  # noqa: F401 - l'avis de réinitialisation montré à la connexion
            exports,  # noqa: F401 - le PDF du carnet et l'export des données de la personne
        )
        from parcours.models import CarnetPermissionGroupe
        from partenaires.signals import demo_chargee

        pre_save.connect(
            refuser_partage_si_opposition, sender=CarnetPermissionGroupe, dispatch_uid="parcours-opposition"
        )

        demo_chargee.connect(charger_carnets_demo, dispatch_uid="parcours-demo")
