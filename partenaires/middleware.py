import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from partenaires import permissions

CLE_SESSION_ORGANISATION = "organisation_courante"
CLE_DERNIERE_ACTIVITE = "derniere_activite"


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


class ComptesSeparesMiddleware:
    """Les comptes des personnes accompagnées et ceux des professionnels ne se mélangent jamais.

    - Une personne connectée n'atteint que son espace (`/mon-espace/`), ses documents, la gestion de son compte et
      les pages publiques : tout le reste lui répond 404. Après 30 minutes sans activité, elle est déconnectée ; le
      cookie de session reste un cookie de navigateur (fermer le navigateur déconnecte aussi, sur un poste partagé).
    - Un professionnel (ou tout autre compte) n'entre pas dans l'espace d'une personne : 404, sauf les pages
      d'activation, publiques.
    """

    ESPACE = "/mon-espace/"
    ACTIVATION = "/mon-espace/activer/"
    CHEMINS_DE_LA_PERSONNE = ("/mon-espace/", "/documents/", "/comptes/", "/static/", "/sante/", "/offre/public/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chemin = request.path
        if permissions.est_compte_personne(request.user):
            if self._inactive_trop_longtemps(request):
                logout(request)
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
            if chemin == "/":
                return redirect("parcours:espace_accueil")
            if not chemin.startswith(self.CHEMINS_DE_LA_PERSONNE):
                raise Http404("Page introuvable.")
        elif (
            request.user.is_authenticated and chemin.startswith(self.ESPACE) and not chemin.startswith(self.ACTIVATION)
        ):
            raise Http404("Page introuvable.")
        return self.get_response(request)

    @staticmethod
    def _inactive_trop_longtemps(request) -> bool:
        """Note l'heure de cette requête ; vrai si la précédente date de plus de 30 minutes. L'heure est gardée dans
        la session plutôt qu'une expiration de cookie (qui rendrait le cookie persistant après fermeture)."""
        maintenant = int(time.time())
        precedente = request.session.get(CLE_DERNIERE_ACTIVITE)
        request.session[CLE_DERNIERE_ACTIVITE] = maintenant
        return precedente is not None and maintenant - precedente > settings.SPIE_SESSION_PERSONNE_SECONDES
