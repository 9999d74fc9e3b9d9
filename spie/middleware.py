"""Intergiciels transverses de la plateforme."""

from django.utils.cache import add_never_cache_headers


class PasDeCacheSiConnecteMiddleware:
    """Une réponse faite à un utilisateur connecté n'est gardée par aucun cache, ni partagé (proxy) ni navigateur.

    `Cache-Control: no-store, private` : une page de carnet ne doit pas rester sur le disque d'un poste partagé
    (point d'accueil, médiathèque), ni revenir par le bouton « Précédent » après la déconnexion. Les fichiers
    statiques, servis par WhiteNoise plus haut dans la pile, gardent leur cache long.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connecte_avant = request.user.is_authenticated
        response = self.get_response(request)
        # Connecté avant ou après la vue : la page de connexion réussie et celle de déconnexion comptent aussi.
        if connecte_avant or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
