"""Les documents d'une séance pour sa page (partie séances) : les boutons adaptés au rôle et au statut ; la section
« Indicateurs du territoire » du compte rendu (partie indicateurs)."""

from types import SimpleNamespace

from django.utils import timezone

from gouvernance import permissions
from gouvernance.choix import StatutSeance
from gouvernance.indicateurs import calcul, population, tableaux


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


def contexte_indicateurs(seance) -> dict:
    """La section « Indicateurs du territoire » du compte rendu : le département du consortium, le dernier trimestre
    complet avant la date de la séance, chaque indicateur tous publics confondus (le détail par public est sur la page
    des indicateurs) avec la période précédente, chiffres de 1 à 4
    personnes masqués et effectifs arrondis à 5 (document de comité). Douze requêtes de données, quelle que soit la
    taille du territoire, plus une pour les avis anonymes des personnes. La séance est lue avec son comité et son
    consortium."""
    departement = seance.comite.consortium.departement
    periode = population.dernier_trimestre_complet(timezone.localtime(seance.date).date())
    return {
        "indicateurs_territoire": SimpleNamespace(
            departement=departement,
            periode=periode,
            par_section=tableaux.tableaux(
                calcul.indicateurs_du_territoire(calcul.Filtres(departement, periode)),
                [population.TOUS],
                arrondi=True,
            ),
        )
    }
