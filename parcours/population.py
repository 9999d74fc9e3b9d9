"""Les règles de population que partagent le parcours et le pilotage (une seule fois, ici) : les publics d'une
personne un jour donné, le territoire d'un carnet et son sous-territoire (EPCI).

Le pilotage (`gouvernance.indicateurs.population`) les importe d'ici : l'avis anonyme d'une personne
(`parcours.espace.evaluation`) garde ses publics et son territoire au jour de la réponse, avec les mêmes règles que
celles qui filtrent les indicateurs. Documentées dans `docs/indicateurs.md`.

- les **publics** d'une personne un jour donné (`publics_le`) : BRSA = droit au RSA ouvert (versable ou suspendu),
  DELD, parent isolé, RQTH/BOE = statut « oui » en cours ce jour-là ; jeune = moins de 26 ans ce jour-là ;
- le **territoire** d'un carnet est le département d'accueil de son dernier transfert de territoire, à défaut le
  département de l'organisation qui l'a ouvert ;
- le **sous-territoire** est l'EPCI de la commune de la personne (code INSEE de sa commune, référentiel des
  communes).
"""

from datetime import date

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from parcours.models import Carnet, Statut, TransfertTerritoire
from partenaires import referentiels

BRSA = "brsa"
DELD = "deld"
JEUNES = "jeunes"
PARENTS_ISOLES = "parents_isoles"
RQTH = "rqth"
AGE_JEUNE = 26
# Le statut « oui » qui fait entrer dans le public.
STATUT_DU_PUBLIC = {DELD: Statut.Type.DELD, PARENTS_ISOLES: Statut.Type.PARENT_ISOLE, RQTH: Statut.Type.RQTH}
TYPES_STATUT_LUS = (Statut.Type.DROIT_RSA, *STATUT_DU_PUBLIC.values())


def age_le(date_naissance: date, jour: date) -> int:
    return jour.year - date_naissance.year - ((jour.month, jour.day) < (date_naissance.month, date_naissance.day))


def en_cours_le(debut: date, fin: date | None, jour: date) -> bool:
    """Une période datée (statut, référent, contrat) couvre-t-elle ce jour ? La date de fin est incluse."""
    return debut <= jour and (fin is None or fin >= jour)


def publics_le(statuts, date_naissance: date | None, jour: date) -> set[str]:
    """Les publics d'une personne ce jour-là (sans « tous ») : la seule règle, pour les indicateurs, le flux et les
    avis anonymes. `statuts` : ses statuts lus, (type, valeur, début, fin)."""
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


def publics_de(personne, jour: date) -> set[str]:
    """Les publics d'une personne ce jour-là, lus en base (une requête)."""
    statuts = Statut.objects.filter(personne=personne, type__in=TYPES_STATUT_LUS).values_list(
        "type", "valeur", "date_debut", "date_fin"
    )
    return publics_le(statuts, personne.date_naissance, jour)


def territoire_du_carnet():
    """L'expression du territoire d'un carnet (à annoter) : dernier transfert, à défaut l'organisation qui l'a
    ouvert."""
    dernier_transfert = TransfertTerritoire.objects.filter(carnet=OuterRef("pk")).order_by("-date_transfert", "-pk")
    return Coalesce(
        Subquery(dernier_transfert.values("departement_accueil")[:1]), F("organisation_creatrice__departement")
    )


def au_territoire(departement: str) -> Q:
    """Le filtre « le territoire du carnet est ce département » : la règle de `territoire_du_carnet`, écrite pour que
    PostgreSQL la lise sans une sous-requête par carnet (deux sous-requêtes non corrélées, hachées une fois) : le
    dernier transfert du carnet (par date, puis par clé, comme `territoire_du_carnet`) arrive dans ce département,
    ou le carnet n'a aucun transfert et l'organisation qui l'a ouvert est de ce département. Les indicateurs filtrent
    ainsi 50 000 carnets parmi 200 000 en ~50 ms au lieu de ~270 ms, à chacune de leurs douze requêtes
    (docs/BENCHMARKS.md). Un test vérifie que les deux écritures désignent les mêmes carnets."""
    plus_recent = TransfertTerritoire.objects.filter(carnet=OuterRef("carnet")).filter(
        Q(date_transfert__gt=OuterRef("date_transfert"))
        | Q(date_transfert=OuterRef("date_transfert"), pk__gt=OuterRef("pk"))
    )
    derniers_vers = TransfertTerritoire.objects.filter(departement_accueil=departement).exclude(Exists(plus_recent))
    sans_transfert = ~Q(pk__in=TransfertTerritoire.objects.values("carnet"))
    return Q(pk__in=derniers_vers.values("carnet")) | (
        Q(organisation_creatrice__departement=departement) & sans_transfert
    )


def territoire_de(carnet) -> str:
    """Le territoire (département) d'un carnet aujourd'hui (une requête)."""
    return (
        Carnet.objects.annotate(territoire=territoire_du_carnet())
        .filter(pk=carnet.pk)
        .values_list("territoire", flat=True)
        .first()
        or ""
    )


def epci_de_la_commune(code_commune: str) -> str:
    """L'EPCI (SIREN) d'une commune (code INSEE), ou "" si elle est inconnue du référentiel."""
    if not code_commune:
        return ""
    return (referentiels.communes().get(code_commune) or {}).get("code_epci", "") or ""


def communes_de_l_epci(code_epci: str) -> list[str]:
    return [code for code, ligne in referentiels.communes().items() if ligne["code_epci"] == code_epci]
