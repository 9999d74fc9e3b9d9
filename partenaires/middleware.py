import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect

from partenaires import permissions

CLE_SESSION_ORGANISATION = "organisation_courante"
CLE_DERNIERE_ACTIVITE = "derniere_activite"
CLE_DEBUT_SESSION = "debut_session"
PRECISION_ACTIVITE_SECONDES = 60


def noter_connexion(sender, request, user, **kwargs):
    """Reçu à chaque connexion (signal `user_logged_in`, quel que soit le moyen : mot de passe, code, second
    facteur) : la durée maximale de la session part de cet instant."""
    maintenant = int(time.time())
    request.session[CLE_DEBUT_SESSION] = maintenant
    request.session[CLE_DERNIERE_ACTIVITE] = maintenant


class DureeDeSessionMiddleware:
    """Toute session connectée (professionnel, personne accompagnée, administration) prend fin :
    - après `SPIE_SESSION_INACTIVITE_SECONDES` sans requête (30 minutes) ;
    - `SPIE_SESSION_DUREE_MAX_SECONDES` après la connexion (12 heures), même si le compte reste actif.

    Les heures sont gardées dans la session plutôt que dans l'expiration du cookie (qui rendrait le cookie persistant
    après fermeture du navigateur). Une session connectée sans heure de connexion (ouverte avant cette règle) est
    close aussi : sa durée ne peut pas être vérifiée. Le compte est déconnecté puis renvoyé à la page de connexion,
    avec un message qui dit pourquoi."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            motif = self._motif_de_fin(request.session)
            if motif:
                logout(request)
                messages.info(request, motif)
                return self._vers_la_connexion(request)
        return self.get_response(request)

    @staticmethod
    def _motif_de_fin(session) -> str | None:
        """Renvoie le motif de fin de session s'il y en a un ; sinon note l'heure de cette requête, à la minute près
        (la session n'est réécrite qu'une fois par minute au plus, pas à chaque requête)."""
        maintenant = int(time.time())
        debut = session.get(CLE_DEBUT_SESSION)
        precedente = session.get(CLE_DERNIERE_ACTIVITE)
        if precedente is None or maintenant - precedente >= PRECISION_ACTIVITE_SECONDES:
            session[CLE_DERNIERE_ACTIVITE] = maintenant
        duree_max = settings.SPIE_SESSION_DUREE_MAX_SECONDES
        if debut is None or maintenant - debut > duree_max:
            return (
                f"Votre session a pris fin : elle dure au plus {_duree_lisible(duree_max)} après la connexion. "
                "Reconnectez-vous pour continuer."
            )
        inactivite = settings.SPIE_SESSION_INACTIVITE_SECONDES
        if precedente is not None and maintenant - precedente > inactivite:
            return (
                f"Votre session a pris fin après {_duree_lisible(inactivite)} sans activité. "
                "Reconnectez-vous pour continuer."
            )
        return None

    @staticmethod
    def _vers_la_connexion(request):
        if getattr(request, "htmx", False):  # un fragment ne doit pas recevoir la page de connexion
            return HttpResponseClientRedirect(redirect_to_login(request.htmx.current_url_abs_path or "/").url)
        return redirect_to_login(request.get_full_path())


def _duree_lisible(secondes: int) -> str:
    if secondes % 3600 == 0:
        heures = secondes // 3600
        return f"{heures} heure{'s' if heures > 1 else ''}"
    minutes = max(1, secondes // 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


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
      les pages publiques : tout le reste lui répond 404. Sa session est bornée comme toutes les autres
      (`DureeDeSessionMiddleware`) ; le cookie de session reste un cookie de navigateur (fermer le navigateur
      déconnecte aussi, sur un poste partagé).
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
            if chemin == "/":
                return redirect("parcours:espace_accueil")
            if not chemin.startswith(self.CHEMINS_DE_LA_PERSONNE):
                raise Http404("Page introuvable.")
        elif (
            request.user.is_authenticated and chemin.startswith(self.ESPACE) and not chemin.startswith(self.ACTIVATION)
        ):
            raise Http404("Page introuvable.")
        return self.get_response(request)
