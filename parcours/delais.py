"""Les délais légaux du parcours, en un seul endroit (loi pour le plein emploi, décret 2024-1244).

On compte en jours calendaires depuis la date de départ (jour 0) :
- l'orientation d'un bénéficiaire du RSA est due dans les 6 semaines de la réception, par le Département, de
  l'information d'ouverture du droit (ou du transfert) : le jour 42 est encore dans les temps, le jour 43 est en
  retard ;
- le contrat d'engagement est signé dans le mois qui suit la notification de l'orientation (une nouvelle
  orientation relance ce mois) ;
- un parcours social est revu à 6 mois, à 12 mois quand un motif légal le justifie.
"""

import calendar
from datetime import date, timedelta

DELAI_ORIENTATION_JOURS = 42
REVISION_SOCIALE_MOIS = 6
REVISION_SOCIALE_PROLONGEE_MOIS = 12


def ajouter_mois(jour: date, mois: int) -> date:
    """Le même quantième N mois plus tard, ramené au dernier jour du mois (31 janvier + 1 mois → fin février)."""
    index = jour.month - 1 + mois
    annee, mois_cible = jour.year + index // 12, index % 12 + 1
    return date(annee, mois_cible, min(jour.day, calendar.monthrange(annee, mois_cible)[1]))


def date_limite_orientation(date_reception: date) -> date:
    return date_reception + timedelta(days=DELAI_ORIENTATION_JOURS)


def date_limite_contrat(notifiee_le: date) -> date:
    return ajouter_mois(notifiee_le, 1)


def date_revision_sociale(date_decision: date, *, prolongee: bool) -> date:
    return ajouter_mois(date_decision, REVISION_SOCIALE_PROLONGEE_MOIS if prolongee else REVISION_SOCIALE_MOIS)


def jours_restants(echeance: date, aujourd_hui: date) -> int:
    """Négatif une fois l'échéance dépassée."""
    return (echeance - aujourd_hui).days
