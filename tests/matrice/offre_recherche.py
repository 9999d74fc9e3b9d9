"""Offre (offre_recherche) : déclarations de la matrice des URL.

La recherche des professionnels est ouverte à tout membre actif d'une organisation (et au superutilisateur) :
l'offre n'est pas une donnée personnelle. La recherche publique, la fiche publique d'un service publié et l'aide à
la saisie des communes sont publiques (anonyme compris). Tout est en lecture seule : un POST reçoit 405 et
n'écrit rien."""

from offre.models import CritereService, Service
from tests.matrice.acteurs import connectes, tous
from tests.offre import fabriques as offre

LECTURE_SEULE = {"POST": (connectes(405), lambda c: {})}
PUBLIC_LECTURE_SEULE = {"POST": (tous(405), lambda c: {})}

MATRICE = {
    "offre:recherche": (
        lambda c: [],
        {"GET": (connectes(200), None), **LECTURE_SEULE},
    ),
    "offre:recherche_publique": (lambda c: [], {"GET": (tous(200), None), **PUBLIC_LECTURE_SEULE}),
    "offre:service_public": (
        lambda c: [c["service_recherche"].uuid],
        {"GET": (tous(200), None), **PUBLIC_LECTURE_SEULE},
    ),
    "offre:communes": (lambda c: [], {"GET": (tous(200), None), **PUBLIC_LECTURE_SEULE}),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    def service_recherche():
        """Un service publié de la structure de l'organisation visée, avec ses contacts."""
        structure = offre.structure(organisation=contexte["organisation"])
        return {"service_recherche": offre.service(structure, contact_nom_prenom="Josiane Lartigau")}

    return {"service_recherche": service_recherche}


def etat():
    """Les pages de la recherche n'écrivent rien : le catalogue (tests/matrice/offre_catalogue.py) suit les
    services ; ici, le nombre de services et de critères indexés suffit à voir une écriture inattendue."""
    return [Service.objects.count(), CritereService.objects.count()]
