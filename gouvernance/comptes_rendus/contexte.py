"""Les documents d'une séance pour sa page (partie séances) : les boutons adaptés au rôle et au statut."""

from types import SimpleNamespace

from gouvernance import permissions
from gouvernance.choix import StatutSeance


def contexte_documents(seance, user) -> dict:
    """Tous ceux qui voient le comité : l'ordre du jour (imprimer, PDF). Le secrétaire : le projet de compte rendu
    dès la convocation. Après la clôture, tous : le compte rendu archivé (ou, le temps de l'archiver, sa production).
    Une requête au plus (le rôle de secrétaire), quelle que soit la séance."""
    secretaire = permissions.can_edit_seances(user, seance.comite)
    cloturee = seance.statut == StatutSeance.CLOTUREE
    return {
        "documents_seance": SimpleNamespace(
            seance=seance,
            ordre_du_jour_valide=seance.statut != StatutSeance.PREPARATION,
            projet_compte_rendu=secretaire and seance.statut == StatutSeance.CONVOQUEE,
            cloturee=cloturee,
            archive=cloturee and bool(seance.compte_rendu),
        )
    }
