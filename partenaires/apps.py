from django.apps import AppConfig


class PartenairesConfig(AppConfig):
    name = "partenaires"
    verbose_name = "Partenaires"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from partenaires.middleware import noter_connexion

        user_logged_in.connect(noter_connexion, dispatch_uid="partenaires.noter_connexion")
