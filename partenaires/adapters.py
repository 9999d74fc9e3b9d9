from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from partenaires import permissions


class AdaptateurCompte(DefaultAccountAdapter):
    """On n'entre sur la plateforme que par invitation d'une organisation (ou par l'activation de son espace
    personnel, pour une personne accompagnée)."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        """Une personne accompagnée arrive dans son espace (connexion par mot de passe ou par code reçu par e-mail),
        sauf si la page demandée (`next`) l'y mène déjà : allauth ne l'appelle que sans `next` valable."""
        if permissions.est_compte_personne(request.user):
            return reverse("parcours:espace_accueil")
        return super().get_login_redirect_url(request)
