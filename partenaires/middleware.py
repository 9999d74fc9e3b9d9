from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from partenaires import permissions

CLE_SESSION_ORGANISATION = "organisation_courante"


def _organisation_courante(request):
    """L'organisation choisie dans l'en-tête, relue à chaque requête parmi les appartenances actives."""
    membres = request.membres_actifs
    if not membres:
        return None
    choisie = request.session.get(CLE_SESSION_ORGANISATION)
    for membre in membres:
        if str(membre.organisation.uuid) == choisie:
            return membre
    return membres[0]


class OrganisationCouranteMiddleware:
    """`request.membre_courant` : l'appartenance active de l'organisation courante (ou None)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membres_actifs = SimpleLazyObject(
            lambda: list(permissions.membres_actifs(request.user).order_by("organisation__nom"))
        )
        request.membre_courant = SimpleLazyObject(lambda: _organisation_courante(request))
        return self.get_response(request)


class SecondFacteurObligatoireMiddleware:
    """Un professionnel sans application d'authentification est envoyé la configurer avant tout le reste."""

    CHEMINS_LIBRES = ("/comptes/", "/static/", "/sante/", "/invitation/", "/api/", "/offre/public/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.SPIE_MFA_OBLIGATOIRE
            and request.user.is_authenticated
            and not request.path.startswith(self.CHEMINS_LIBRES)
            and permissions.est_professionnel(request.user)
            and not _a_un_second_facteur(request.user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")
        return self.get_response(request)


def _a_un_second_facteur(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
