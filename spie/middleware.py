"""Intergiciels transverses de la plateforme."""

from django.http import HttpResponseBadRequest
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


class RefusCaractereNulMiddleware:
    """Un caractère nul (U+0000) dans un paramètre d'URL ou un champ de formulaire est refusé (400), pour toute la
    plateforme. Aucune saisie légitime n'en contient ; PostgreSQL refuse de le comparer (une recherche faite avec lui
    donnait une erreur serveur, par exemple l'e-mail de « Ajouter un intervenant », lu avant le formulaire).

    Placé après la protection CSRF, qui a déjà lu le corps des POST. Seule exception : un envoi de fichiers
    (multipart) vers une vue exemptée de CSRF, qui pose elle-même ses limites de taille avant de lire le corps (import
    de personnes) ; le lire ici les rendrait sans effet. Ses champs passent par un formulaire, qui refuse le
    caractère nul.
    """

    MESSAGE = "Requête refusée : un champ contient un caractère nul, qu'aucune saisie ne peut contenir."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        donnees = [request.GET]
        if request.method == "POST" and (
            request.content_type == "application/x-www-form-urlencoded" or not getattr(view_func, "csrf_exempt", False)
        ):
            donnees.append(request.POST)
        for dictionnaire in donnees:
            for cle, valeurs in dictionnaire.lists():
                if "\x00" in cle or any("\x00" in valeur for valeur in valeurs):
                    return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")
        return None
