"""Les documents que produit le parcours en arrière-plan (voir spie.documents)."""

from parcours import permissions as regles
from parcours.diagnostic.views import GABARIT_IMPRESSION, contexte_impression
from parcours.models import Diagnostic
from spie.documents import producteur
from spie.pdf import rendre_pdf


@producteur("parcours.diagnostic")
def diagnostic_pdf(demandeur, *, carnet, diagnostic, pour_la_personne=False) -> bytes:
    """Le PDF d'une version du diagnostic ; les droits du demandeur sont relus au moment de produire."""
    carnet = regles.get_carnet_for_user(demandeur, carnet)
    version = Diagnostic.objects.select_related("professionnel", "second_professionnel", "organisation").get(
        carnet=carnet, uuid=diagnostic
    )
    contexte = contexte_impression(demandeur, carnet, version, pour_la_personne=pour_la_personne)
    return rendre_pdf(GABARIT_IMPRESSION, contexte)
