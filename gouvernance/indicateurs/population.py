"""Qui est compté : le territoire d'un carnet, le sous-territoire (EPCI), l'organisation, les publics, les périodes.

Règles (une seule fois, ici ; documentées dans `docs/indicateurs.md`) :
- le **territoire** d'un carnet est le département d'accueil de son dernier transfert de territoire, à défaut le
  département de l'organisation qui l'a ouvert ;
- le **sous-territoire** est l'EPCI de la commune de la personne (code INSEE de sa commune, référentiel des
  communes) ;
- l'**organisation** d'un carnet pour une période est celle de son référent de parcours en fonction le dernier jour
  de la période, à défaut celle de son dernier référent avant ce jour ;
- les **publics** d'une personne un jour donné (`publics_le`, aussi pour le flux des orientations) : BRSA = droit
  au RSA ouvert (versable ou suspendu), DELD, parent isolé, RQTH/BOE = statut « oui » en cours ce jour-là ; jeune =
  moins de 26 ans ce jour-là ; les indicateurs les lisent le dernier jour de la période ;
- la **date de signature** d'un contrat d'engagement (`date_de_signature`, `DATE_DE_SIGNATURE`, aussi pour le flux)
  est la date d'accord de la personne, à défaut la date de début ;
- une période est faite de **mois civils entiers** (du 1er d'un mois au dernier jour d'un mois, années 2000 à 2100) ;
  la **période précédente** compte le même nombre de mois entiers et finit la veille de son premier jour (le
  3e trimestre → le 2e trimestre) ;
- la période par défaut est le dernier trimestre civil complet.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from parcours.delais import ajouter_mois
from parcours.models import Carnet, Statut, TransfertTerritoire
from partenaires import referentiels

TOUS = "tous"
BRSA = "brsa"
DELD = "deld"
JEUNES = "jeunes"
PARENTS_ISOLES = "parents_isoles"
RQTH = "rqth"
PUBLICS = {
    TOUS: "Tous les publics",
    BRSA: "Bénéficiaires du RSA (droit ouvert)",
    DELD: "Demandeurs d'emploi de longue durée",
    JEUNES: "Jeunes de moins de 26 ans",
    PARENTS_ISOLES: "Parents isolés",
    RQTH: "RQTH / BOE",
}
AGE_JEUNE = 26
# Le statut « oui » qui fait entrer dans le public.
STATUT_DU_PUBLIC = {DELD: Statut.Type.DELD, PARENTS_ISOLES: Statut.Type.PARENT_ISOLE, RQTH: Statut.Type.RQTH}
TYPES_STATUT_LUS = (Statut.Type.DROIT_RSA, *STATUT_DU_PUBLIC.values())
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


def territoire_du_carnet():
    """L'expression du territoire d'un carnet (à annoter) : dernier transfert, à défaut l'organisation qui l'a
    ouvert."""
    dernier_transfert = TransfertTerritoire.objects.filter(carnet=OuterRef("pk")).order_by("-date_transfert", "-pk")
    return Coalesce(
        Subquery(dernier_transfert.values("departement_accueil")[:1]), F("organisation_creatrice__departement")
    )


def communes_de_l_epci(code_epci: str) -> list[str]:
    return [code for code, ligne in referentiels.communes().items() if ligne["code_epci"] == code_epci]


def epci_du_departement(departement: str) -> list[tuple[str, str]]:
    """Les EPCI qui ont au moins une commune dans le département : (SIREN, nom), par nom."""
    noms = referentiels.epci()
    codes = {
        ligne["code_epci"] for ligne in referentiels.communes().values() if ligne["code_departement"] == departement
    }
    return sorted(((code, noms.get(code, code)) for code in codes if code), key=lambda paire: paire[1])


def carnets_du_territoire(departement: str, *, epci: str = ""):
    carnets = Carnet.objects.annotate(territoire=territoire_du_carnet()).filter(territoire=departement)
    if epci:
        carnets = carnets.filter(personne__code_commune__in=communes_de_l_epci(epci))
    return carnets


def age_le(date_naissance: date, jour: date) -> int:
    return jour.year - date_naissance.year - ((jour.month, jour.day) < (date_naissance.month, date_naissance.day))


def en_cours_le(debut: date, fin: date | None, jour: date) -> bool:
    """Une période datée (statut, référent, contrat) couvre-t-elle ce jour ? La date de fin est incluse."""
    return debut <= jour and (fin is None or fin >= jour)


def publics_le(statuts, date_naissance: date | None, jour: date) -> set[str]:
    """Les publics d'une personne ce jour-là (sans « tous ») : la seule règle, pour les indicateurs et le flux.
    `statuts` : ses statuts lus, (type, valeur, début, fin)."""
    publics = set()
    if date_naissance is not None and age_le(date_naissance, jour) < AGE_JEUNE:
        publics.add(JEUNES)
    for type_statut, valeur, debut, fin in statuts:
        if not en_cours_le(debut, fin, jour):
            continue
        if type_statut == Statut.Type.DROIT_RSA and valeur.startswith("ouvert"):
            publics.add(BRSA)
        for public, type_public in STATUT_DU_PUBLIC.items():
            if type_statut == type_public and valeur == "oui":
                publics.add(public)
    return publics


def date_de_signature(debut: date, accord: date | None) -> date:
    """La date de signature d'un contrat d'engagement : l'accord de la personne, à défaut le début (comme
    `DATE_DE_SIGNATURE` en base)."""
    return accord or debut
