from allauth.account.adapter import DefaultAccountAdapter


class AdaptateurCompte(DefaultAccountAdapter):
    """On n'entre sur la plateforme que par invitation d'une organisation."""

    def is_open_for_signup(self, request):
        return False
