"""Espace personnel, partages : déclarations de la matrice des URL (qui voit mon carnet, accords, opposition,
consultations ; la réponse du professionnel à une demande d'opposition).

Les pages de la personne ne répondent qu'à une personne connectée à son espace : chacune sur son propre carnet
(l'autre personne a le sien, son propre espace) ; tout autre compte reçoit 404 (comptes séparés), un visiteur
anonyme est renvoyé à la connexion. L'accord à retirer est celui de la personne du carnet visé : l'autre personne
n'en a aucun (404). La demande d'opposition est adressée à l'organisation visée (celle du référent) : seuls ses
membres qui modifient le carnet y répondent ; l'accompagnateur et son collègue voient le carnet (403)."""

from parcours.espace import partage
from parcours.models import Consentement, DemandeOpposition
from tests.factories import OrganisationFactory
from tests.matrice.acteurs import VOIR_CARNET, apres_succes, tous

GET_QUI_ECRIVENT = set()

SEULE_LA_PERSONNE = {**tous(404), "anonyme": 302, "personne": 200, "autre_personne": 200}
POST_SEULEMENT_POUR_LA_PERSONNE = {**tous(404), "anonyme": 302, "personne": 405, "autre_personne": 405}
REPONDRE_OPPOSITION = {
    **VOIR_CARNET,
    "accompagnateur": 403,
    "collegue_organisation_partageante": 403,
    "personne": 404,
    "autre_personne": 404,
}


def _organisation_sans_partage(c):
    """« Autre organisation » (département 40) : elle ne voit ni le carnet visé ni celui de l'autre personne."""
    return c["acteurs"]["membre_autre_organisation"].membres.get().organisation


MATRICE = {
    "parcours:espace_partages": (lambda c: [], {"GET": (SEULE_LA_PERSONNE, None)}),
    "parcours:espace_consentement_donner": (
        lambda c: [],
        {
            "GET": (POST_SEULEMENT_POUR_LA_PERSONNE, None),
            "POST": (
                apres_succes(SEULE_LA_PERSONNE),
                lambda c: {"organisation": str(_organisation_sans_partage(c).uuid)},
            ),
        },
    ),
    "parcours:espace_consentement_retirer": (
        lambda c: [c["consentement"].organisation.uuid],
        {
            "GET": (POST_SEULEMENT_POUR_LA_PERSONNE, None),
            "POST": ({**apres_succes(SEULE_LA_PERSONNE), "autre_personne": 404}, lambda c: {}),
        },
    ),
    "parcours:espace_opposition": (
        lambda c: [],
        {
            "GET": (SEULE_LA_PERSONNE, None),
            "POST": (apres_succes(SEULE_LA_PERSONNE), lambda c: {"motif": "Je ne veux plus de relances."}),
        },
    ),
    "parcours:espace_consultations": (lambda c: [], {"GET": (SEULE_LA_PERSONNE, None)}),
    "parcours:espace_opposition_repondre": (
        lambda c: [c["carnet"].uuid, c["opposition"].uuid],
        {
            "GET": (REPONDRE_OPPOSITION, None),
            "POST": (
                apres_succes(REPONDRE_OPPOSITION),
                lambda c: {"statut": "refusee", "reponse": "Le suivi du RSA est une obligation légale."},
            ),
        },
    ),
}


def fabriques(contexte):
    def consentement():
        consentie = OrganisationFactory(nom="Association consentie", departement="40")
        return {
            "consentement": partage.donner_consentement(
                contexte["carnet"], acteur=contexte["acteurs"]["personne"], organisation=consentie
            )
        }

    def opposition():
        return {
            "opposition": partage.demander_opposition(
                contexte["carnet"], acteur=contexte["acteurs"]["personne"], motif="Je m'oppose aux relances."
            )
        }

    return {"consentement": consentement, "opposition": opposition}


def etat():
    return [
        list(Consentement.objects.order_by("pk").values_list("pk", "retire_le")),
        list(DemandeOpposition.objects.order_by("pk").values_list("pk", "statut", "reponse")),
    ]
