"""L'accès de la personne à son espace : son compte (jamais un compte professionnel), son espace ouvert, son carnet.
Tout autre cas répond 404 (pas d'oracle d'existence)."""

from functools import wraps

from django.http import Http404

from parcours.models import EspacePersonne
from partenaires import permissions


def espace_de(user) -> EspacePersonne | None:
    """L'espace ouvert du compte de la personne (avec sa personne et son carnet), ou None."""
    if not permissions.est_compte_personne(user):
        return None
    return (
        EspacePersonne.objects.select_related("personne__carnet", "compte")
        .filter(compte=user, ferme_le__isnull=True)
        .first()
    )


def espace_ouvert_du_carnet(carnet, acteur):
    """L'espace ouvert de la personne du carnet si `acteur` en est le compte (un queryset, vide sinon) : la seule règle
    de « c'est la personne elle-même qui agit », pour les services de sa parole, de ses accords et de ses avis."""
    return EspacePersonne.objects.filter(
        personne_id=carnet.personne_id, compte=acteur, compte__est_personne=True, ferme_le__isnull=True
    )


def personne_requise(vue):
    """La vue reçoit le carnet de la personne connectée : `vue(request, carnet, *args, **kwargs)`. `request.espace`
    porte son espace."""

    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        espace = espace_de(request.user)
        if espace is None:
            raise Http404("Page introuvable.")
        request.espace = espace
        return vue(request, espace.personne.carnet, *args, **kwargs)

    return enveloppe
