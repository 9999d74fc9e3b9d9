"""Gouvernance (comptes rendus) : déclarations de la matrice des URL (décor commun : gouvernance_commun).

L'ordre du jour : ceux qui voient le comité. Le projet de compte rendu (séance non clôturée) : le secrétaire (403 pour
les autres qui voient le comité). Le compte rendu archivé d'une séance clôturée : ceux qui voient le comité (l'accès
au compte rendu d'une séance clôturée par les pages « Imprimer » et « PDF » est couvert par
tests/gouvernance/test_comptes_rendus_acces.py). Les URL « PDF » sont des GET qui écrivent : la demande du document,
puis la redirection (302) vers sa page d'attente."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from gouvernance.choix import StatutSeance
from tests.gouvernance import fabriques as fabriques_gouvernance
from tests.matrice.acteurs import apres_succes
from tests.matrice.gouvernance_commun import (
    ACTEURS_SUPPLEMENTAIRES,  # noqa: F401 - lu par la matrice
    SECRETAIRE,
    VOIR_COMITE,
)
from tests.texte_pdf import pdf_de_test

PREPARATION = lambda c: [c["seance_preparation"].uuid]  # noqa: E731
CONVOQUEE = lambda c: [c["seance_convoquee"].uuid]  # noqa: E731

MATRICE = {
    "gouvernance:ordre_du_jour_imprimer": (PREPARATION, {"GET": (VOIR_COMITE, None)}),
    "gouvernance:ordre_du_jour_pdf": (PREPARATION, {"GET": (apres_succes(VOIR_COMITE), None)}),
    "gouvernance:compte_rendu_imprimer": (CONVOQUEE, {"GET": (SECRETAIRE, None)}),
    "gouvernance:compte_rendu_pdf": (CONVOQUEE, {"GET": (apres_succes(SECRETAIRE), None)}),
    "gouvernance:compte_rendu_telecharger": (lambda c: [c["seance_archivee"].uuid], {"GET": (VOIR_COMITE, None)}),
}
GET_QUI_ECRIVENT = {"gouvernance:ordre_du_jour_pdf", "gouvernance:compte_rendu_pdf"}


def fabriques(contexte):
    def archivee():
        """Une séance clôturée il y a un an, dont le compte rendu est archivé."""
        seance = fabriques_gouvernance.seance(
            contexte["comite"],
            cree_par=contexte["secretaire_comite"],
            statut=StatutSeance.CLOTUREE,
            dans_jours=-365,
            cloturee_le=timezone.now() - timedelta(days=364),
        )
        seance.compte_rendu.save("compte-rendu.pdf", ContentFile(pdf_de_test("Compte rendu archivé")))
        return {"seance_archivee": seance}

    return {"seance_archivee": archivee}


def etat():
    return ()
