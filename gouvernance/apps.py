from django.apps import AppConfig


class GouvernanceConfig(AppConfig):
    name = "gouvernance"
    verbose_name = "Gouvernance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gouvernance.comptes_rendus import documents  # noqa: F401 - déclare les producteurs de documents
        from gouvernance.demo import charger_gouvernance_demo
        from gouvernance.etudes import signaux  # noqa: F401 - une étude quitte l'ordre du jour avec son point
        from partenaires.signals import demo_chargee

        demo_chargee.connect(charger_gouvernance_demo, dispatch_uid="gouvernance-demo")
