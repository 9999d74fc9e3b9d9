"""Des sessions connectées comme après une vraie connexion, écrites directement dans le magasin de sessions.

C'est « wrk avec une session connectée » : la connexion elle-même (code reçu par e-mail, puis code TOTP) n'est pas
mesurée, seules les pages le sont. La session porte ce que porte celle d'une connexion réelle : l'utilisateur et son
empreinte (`django.contrib.auth.login`, qui envoie aussi `user_logged_in` : l'heure de connexion que lit
`DureeDeSessionMiddleware`), et le journal des méthodes d'authentification d'allauth, second facteur TOTP compris
(`{"method": "mfa", "type": "totp"}`, comme l'écrit `allauth.mfa` après un code valide)."""

import time
from importlib import import_module

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest


def ouvrir_session(utilisateur) -> str:
    """Ouvre une session connectée pour `utilisateur` et rend sa clé (la valeur du cookie de session)."""
    magasin = import_module(settings.SESSION_ENGINE).SessionStore
    requete = HttpRequest()
    requete.session = magasin()
    login(requete, utilisateur, backend=settings.AUTHENTICATION_BACKENDS[0])
    maintenant = time.time()
    methodes = [{"method": "code", "at": maintenant, "email": utilisateur.email}]
    totp = Authenticator.objects.filter(user=utilisateur, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        methodes.append({"method": "mfa", "at": maintenant, "id": totp.pk, "type": totp.type})
    requete.session[AUTHENTICATION_METHODS_SESSION_KEY] = methodes
    requete.session.save()
    return requete.session.session_key


def fermer_sessions(cles: list[str]) -> None:
    """Supprime les sessions ouvertes pour la mesure."""
    magasin = import_module(settings.SESSION_ENGINE).SessionStore
    for cle in cles:
        magasin(session_key=cle).delete()
