"""Les adresses absolues des courriels (le site public est `SPIE_URL_SITE`)."""

from django.conf import settings


def lien_absolu(chemin: str) -> str:
    return settings.SPIE_URL_SITE.rstrip("/") + chemin
