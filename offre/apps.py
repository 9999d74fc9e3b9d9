from django.apps import AppConfig


class OffreConfig(AppConfig):
    name = "offre"
    verbose_name = "Offre"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from offre.demo import charger_offre_demo
        from partenaires.signals import demo_chargee

        demo_chargee.connect(charger_offre_demo, dispatch_uid="offre-demo")
