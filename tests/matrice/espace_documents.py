"""Documents et avis de la personne dans son espace : déclarations de la matrice des URL.

Le décor : une orientation vers un service du carnet visé, terminée hier (une étape close qui attend l'avis de la
personne du carnet).

- Ces pages sont celles de la personne connectée : chacune voit les siennes (la personne du carnet comme l'autre
  personne, chacune avec son propre carnet) ; un visiteur anonyme est renvoyé à la connexion (302) ; tout compte
  professionnel reçoit 404 (`ComptesSeparesMiddleware`).
- Les deux téléchargements sont des POST (la demande d'un document) : 302 vers la page du document ; un GET : 405.
- L'étape close est celle du carnet visé : l'autre personne reçoit 404 (pas d'oracle d'existence).
"""

from datetime import timedelta

from django.utils import timezone

from parcours.models import EtapeEvaluee, Evaluation, OrientationService, TransitionOrientationService
from tests.matrice.acteurs import connectes
from tests.offre import fabriques as offre

GET_QUI_ECRIVENT = set()

# Les professionnels : 404 sous /mon-espace/ ; l'anonyme : la connexion.
PROFESSIONNELS_404 = connectes(404)
PAGE_DE_LA_PERSONNE = {**PROFESSIONNELS_404, "personne": 200, "autre_personne": 200}
DEMANDE_DE_DOCUMENT = {**PROFESSIONNELS_404, "personne": 302, "autre_personne": 302}
GET_SUR_UN_POST = {**PROFESSIONNELS_404, "personne": 405, "autre_personne": 405}
ETAPE_DE_LA_PERSONNE = {**PROFESSIONNELS_404, "personne": 200, "autre_personne": 404}
AVIS_DE_LA_PERSONNE = {**PROFESSIONNELS_404, "personne": 302, "autre_personne": 404}

REPONSES = {"utilite": "4", "ecoute": "3", "recommanderait": "oui", "commentaire": "Merci."}


def _etape(c):
    orientation = c["orientation_close"]
    return ["orientation_service", orientation.pk]


MATRICE = {
    "parcours:espace_documents": (lambda c: [], {"GET": (PAGE_DE_LA_PERSONNE, None)}),
    "parcours:espace_pdf": (
        lambda c: [],
        {"GET": (GET_SUR_UN_POST, None), "POST": (DEMANDE_DE_DOCUMENT, lambda c: {})},
    ),
    "parcours:espace_export": (
        lambda c: [],
        {"GET": (GET_SUR_UN_POST, None), "POST": (DEMANDE_DE_DOCUMENT, lambda c: {})},
    ),
    "parcours:espace_evaluations": (lambda c: [], {"GET": (PAGE_DE_LA_PERSONNE, None)}),
    "parcours:espace_evaluer": (
        _etape,
        {"GET": (ETAPE_DE_LA_PERSONNE, None), "POST": (AVIS_DE_LA_PERSONNE, lambda c: REPONSES)},
    ),
}


def fabriques(contexte):
    def orientation_close():
        hier = timezone.now() - timedelta(days=1)
        orientation = OrientationService.objects.create(
            carnet=contexte["carnet"],
            service=offre.service(),
            statut=OrientationService.Statut.TERMINEE,
            consentement_le=hier - timedelta(days=30),
            prescripteur=contexte["acteurs"]["professionnel"],
            organisation=contexte["organisation"],
            envoyee_le=hier - timedelta(days=30),
            expire_le=hier,
        )
        TransitionOrientationService.objects.create(
            orientation=orientation,
            de="entree",
            vers="terminee",
            acteur=contexte["acteurs"]["professionnel"],
            date=hier,
        )
        return {"orientation_close": orientation}

    return {"orientation_close": orientation_close}


def etat():
    return [
        list(EtapeEvaluee.objects.order_by("pk").values_list("pk", "type_etape", "objet_id", "repondu")),
        Evaluation.objects.count(),
    ]
