from django.apps import AppConfig


class PartenairesConfig(AppConfig):
    name = "partenaires"
    verbose_name = "Partenaires"
    default_auto_field = "django.db.models.BigAutoField"
