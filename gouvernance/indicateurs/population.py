"""Qui est compté : le territoire d'un carnet, le sous-territoire (EPCI), l'organisation, les publics, les périodes.

Règles (une seule fois ; documentées dans `docs/indicateurs.md`). Celles des publics, du territoire et de l'EPCI
vivent dans `parcours.population` (l'avis d'une personne, sans lien avec son carnet, les applique au jour de sa
réponse) et sont importées ici :
- le **territoire** d'un carnet est le département d'accueil de son dernier transfert de territoire, à défaut le
  département de l'organisation qui l'a ouvert ;
- le **sous-territoire** est l'EPCI de la commune de la personne (code INSEE de sa commune, référentiel des
  communes) ;
- l'**organisation** d'un carnet pour une période est celle de son référent de parcours en fonction le dernier jour
  de la période, à défaut celle de son dernier référent avant ce jour ;
- les **publics** d'une personne un jour donné (`publics_le`, aussi pour le flux des orientations et les avis
  des personnes) : BRSA = droit au RSA ouvert (versable ou suspendu), DELD, parent isolé, RQTH/BOE =
  statut « oui » en cours ce jour-là ; jeune = moins de 26 ans ce jour-là ; les indicateurs les lisent le dernier
  jour de la période ;
- la **date de signature** d'un contrat d'engagement (`date_de_signature`, `DATE_DE_SIGNATURE`, aussi pour le flux)
  est la date d'accord de la personne, à défaut la date de début ;
- une période est faite de **mois civils entiers** (du 1er d'un mois au dernier jour d'un mois, années 2000 à 2100) ;
  la **période précédente** compte le même nombre de mois entiers et finit la veille de son premier jour (le
  3e trimestre → le 2e trimestre) ;
- la période par défaut est le dernier trimestre civil complet.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models.functions import Coalesce

from parcours.delais import ajouter_mois
from parcours.models import Carnet
from parcours.population import (
    AGE_JEUNE,
    BRSA,
    DELD,
    JEUNES,
    PARENTS_ISOLES,
    RQTH,
    STATUT_DU_PUBLIC,
    TYPES_STATUT_LUS,
    age_le,
    au_territoire,
    communes_de_l_epci,
    en_cours_le,
    publics_le,
)
from partenaires import referentiels

__all__ = [
    "AGE_JEUNE",
    "STATUT_DU_PUBLIC",
    "TYPES_STATUT_LUS",
    "age_le",
    "au_territoire",
    "en_cours_le",
    "publics_le",
]

TOUS = "tous"
PUBLICS = {
    TOUS: "Tous les publics",
    BRSA: "Bénéficiaires du RSA (droit ouvert)",
    DELD: "Demandeurs d'emploi de longue durée",
    JEUNES: "Jeunes de moins de 26 ans",
    PARENTS_ISOLES: "Parents isolés",
    RQTH: "RQTH / BOE",
}
# Les années qu'une période peut couvrir (au-delà, les calculs de dates débordent ; en deçà, rien n'existe).
ANNEE_MIN, ANNEE_MAX = 2000, 2100
# La date de signature d'un contrat d'engagement, à annoter : l'accord de la personne, à défaut le début.
DATE_DE_SIGNATURE = Coalesce("accord_personne_le", "date_debut")


@dataclass(frozen=True)
class Periode:
    debut: date
    fin: date

    @property
    def nombre_de_mois(self) -> int:
        """Les mois civils que touche la période (du 01/07 au 30/09 : 3)."""
        return (self.fin.year - self.debut.year) * 12 + self.fin.month - self.debut.month + 1

    @property
    def precedente(self) -> "Periode":
        """Le même nombre de mois entiers, juste avant (du 01/07 au 30/09 → du 01/04 au 30/06)."""
        return Periode(ajouter_mois(self.debut, -self.nombre_de_mois), self.debut - timedelta(days=1))

    def contient(self, jour: date | None) -> bool:
        return jour is not None and self.debut <= jour <= self.fin

    @property
    def libelle(self) -> str:
        return f"du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"


def dernier_trimestre_complet(aujourd_hui: date) -> Periode:
    """Le dernier trimestre civil fini avant aujourd'hui (le 24/11/2026 : du 01/07/2026 au 30/09/2026)."""
    debut_trimestre = date(aujourd_hui.year, (aujourd_hui.month - 1) // 3 * 3 + 1, 1)
    debut = ajouter_mois(debut_trimestre, -3)
    return Periode(debut, debut_trimestre - timedelta(days=1))


def epci_du_departement(departement: str) -> list[tuple[str, str]]:
    """Les EPCI qui ont au moins une commune dans le département : (SIREN, nom), par nom."""
    noms = referentiels.epci()
    codes = {
        ligne["code_epci"] for ligne in referentiels.communes().values() if ligne["code_departement"] == departement
    }
    return sorted(((code, noms.get(code, code)) for code in codes if code), key=lambda paire: paire[1])


def carnets_du_territoire(departement: str, *, epci: str = ""):
    carnets = Carnet.objects.filter(au_territoire(departement))
    if epci:
        carnets = carnets.filter(personne__code_commune__in=communes_de_l_epci(epci))
    return carnets


def date_de_signature(debut: date, accord: date | None) -> date:
    """La date de signature d'un contrat d'engagement : l'accord de la personne, à défaut le début (comme
    `DATE_DE_SIGNATURE` en base)."""
    return accord or debut
