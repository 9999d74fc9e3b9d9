from django.conf import settings


def plateforme(request):
    return {
        "SPIE_DEMONSTRATION": settings.SPIE_DEMONSTRATION,
        "NOM_PLATEFORME": "Plateforme SPIE",
    }
