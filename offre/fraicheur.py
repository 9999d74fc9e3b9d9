"""La fraîcheur d'un service : sa fréquence d'actualisation (valeurs de DORA), la date où il devient « à
actualiser », et le délai de grâce au-delà duquel il sort des résultats par défaut. Le seul endroit de ces règles."""

import calendar
from datetime import date, timedelta

from django.db import models


class Frequence(models.TextChoices):
    UN_MOIS = "tous-les-mois", "Tous les mois"
    TROIS_MOIS = "tous-les-3-mois", "Tous les 3 mois"
    SIX_MOIS = "tous-les-6-mois", "Tous les 6 mois"
    DOUZE_MOIS = "tous-les-12-mois", "Tous les 12 mois"
    SEIZE_MOIS = "tous-les-16-mois", "Tous les 16 mois"
    JAMAIS = "jamais", "Jamais (les informations n'évoluent pas)"


MOIS = {
    Frequence.UN_MOIS: 1,
    Frequence.TROIS_MOIS: 3,
    Frequence.SIX_MOIS: 6,
    Frequence.DOUZE_MOIS: 12,
    Frequence.SEIZE_MOIS: 16,
}

# Passé sa date d'actualisation, un service est montré « à actualiser » ; trois mois plus tard, il quitte les
# résultats par défaut (on peut encore le trouver en demandant aussi les services à actualiser).
DELAI_DE_GRACE = timedelta(days=90)


def ajouter_mois(jour: date, mois: int) -> date:
    """Le même jour `mois` mois plus tard (le dernier jour du mois quand ce jour n'existe pas)."""
    total = jour.month - 1 + mois
    annee, numero = jour.year + total // 12, total % 12 + 1
    return date(annee, numero, min(jour.day, calendar.monthrange(annee, numero)[1]))


def a_actualiser_le(date_maj: date, frequence: str) -> date | None:
    """La date à partir de laquelle le service est à actualiser (None : jamais)."""
    if frequence not in MOIS:
        return None
    return ajouter_mois(date_maj, MOIS[frequence])
