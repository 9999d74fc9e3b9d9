"""La lettre de convocation en PDF, produite en arrière-plan (voir spie.documents)."""

from django.http import Http404

from parcours import permissions as regles
from parcours.convocations.views import GABARIT_LETTRE, contexte_lettre
from parcours.models import RendezVous
from spie.documents import producteur
from spie.pdf import rendre_pdf


@producteur("parcours.convocation")
def convocation_pdf(demandeur, *, carnet, rendez_vous) -> bytes:
    """Les droits du demandeur (modifier le carnet) sont relus au moment de produire."""
    carnet = regles.get_carnet_for_edit(demandeur, carnet)
    trouve = (
        RendezVous.objects.select_related("carnet__personne", "organisation", "cree_par", "intervenant")
        .filter(carnet=carnet, uuid=rendez_vous)
        .first()
    )
    if trouve is None:
        raise Http404("Rendez-vous introuvable.")
    return rendre_pdf(GABARIT_LETTRE, contexte_lettre(carnet, trouve))
