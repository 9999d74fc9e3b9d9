from django.apps import AppConfig


class OffreConfig(AppConfig):
    name = "offre"
    verbose_name = "Offre"
    default_auto_field = "django.db.models.BigAutoField"
