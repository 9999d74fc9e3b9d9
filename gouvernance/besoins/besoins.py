"""Les besoins non couverts d'un territoire, « à ce jour » (voir docs/besoins-non-couverts.md).

Un besoin : un domaine apprécié « besoin » dans le dernier diagnostic validé d'un carnet actif du territoire (le
territoire d'un carnet : `gouvernance.indicateurs.population.carnets_du_territoire`), situé à la commune de la
personne, rangé dans l'EPCI de cette commune.

Il est **couvert** quand un service actif répond au domaine (une thématique d'une catégorie de
`CATEGORIES_PAR_DOMAINE`) et peut accueillir la personne : le service est dans les résultats par défaut de la
recherche de l'offre (publié, pas au-delà du délai de grâce de sa fraîcheur : `offre.recherche.moteur.filtrer`),
sa zone d'éligibilité contient la commune (`zones_de_la_commune`, comme la recherche), et il est soit en présentiel
à 30 km au plus du centre de la commune (`offre.geo`), soit à distance.

Quatre requêtes quel que soit le nombre de carnets : les libellés des domaines, les besoins, les services candidats,
leurs catégories et zones (et, avant, les accès du pilotage). La couverture est calculée une fois par (commune,
catégorie). Seuls des effectifs sortent d'ici, jamais une personne. Le secret statistique est décidé ici, une fois
pour l'écran et l'export (`_masquer`) : de 1 à 4 personnes, secret secondaire dans chaque répartition publiée avec
son total (les EPCI d'un domaine, les communes d'un EPCI : `secret_statistique.masquer_repartition`), et « dont non
couvert » masqué quand les personnes couvertes (« ayant le besoin » − « non couvert ») seraient 1 à 4."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from gouvernance import secret_statistique
from gouvernance.indicateurs.population import carnets_du_territoire
from offre import geo
from offre.models import CritereService, Service
from offre.recherche.moteur import Criteres, filtrer
from parcours.models import Carnet, Diagnostic, Domaine, EvaluationDomaine
from parcours.orientation_service.besoins import CATEGORIES_PAR_DOMAINE
from partenaires.referentiels import communes, coordonnees_commune, epci, zones_de_la_commune

RAYON_KM = 30
SANS_EPCI = ""
LIBELLE_SANS_EPCI = "Commune hors intercommunalité"


TOTAL = "total"


def publie(effectif: int, masque: bool | None = None):
    """Un effectif pour l'écran : « secret » s'il est masqué (par défaut : de 1 à 4), sinon tel quel."""
    masque = secret_statistique.est_secret(effectif) if masque is None else masque
    return secret_statistique.MASQUE if masque else effectif


def publie_arrondi(effectif: int, masque: bool):
    """Un effectif pour l'export : « secret » s'il est masqué, sinon arrondi à 5."""
    return secret_statistique.MASQUE if masque else secret_statistique.arrondir(effectif)


@dataclass
class Compte:
    """Les personnes ayant le besoin, et celles dont le besoin n'est pas couvert ; masqués ou non (`_masquer`)."""

    avec_besoin: int = 0
    non_couvert: int = 0
    avec_besoin_masque: bool = False
    non_couvert_masque: bool = False

    @property
    def avec_besoin_publie(self):
        return publie(self.avec_besoin, self.avec_besoin_masque)

    @property
    def non_couvert_publie(self):
        return publie(self.non_couvert, self.non_couvert_masque)


@dataclass
class LigneEpci:
    code: str
    nom: str
    compte: Compte


@dataclass
class LigneDomaine:
    """Un domaine : son total sur le territoire et sa ventilation par EPCI (ceux où quelqu'un a le besoin)."""

    code: str
    libelle: str
    total: Compte
    par_epci: list[LigneEpci]


@dataclass
class Effectif:
    libelle: str
    effectif: int
    masque: bool = False

    @property
    def publie(self):
        return publie(self.effectif, self.masque)


@dataclass
class CarteEpci:
    """Un EPCI de la liste « carte » : les personnes ayant au moins un besoin non couvert, ses communes concernées et
    les domaines non couverts (chacun avec son effectif)."""

    code: str
    nom: str
    personnes: int
    communes: list[Effectif]
    domaines: list[Effectif]
    personnes_masque: bool = False

    @property
    def personnes_publie(self):
        return publie(self.personnes, self.personnes_masque)


@dataclass
class BesoinsTerritoire:
    departement: str
    domaine: str  # le filtre (vide : tous)
    par_domaine: list[LigneDomaine] = field(default_factory=list)
    carte: list[CarteEpci] = field(default_factory=list)
    sans_commune: int = 0  # personnes ayant un besoin sans commune connue : ni situées ni comptées dans les EPCI

    @property
    def sans_commune_publie(self):
        return publie(self.sans_commune)


def libelles_domaines() -> dict[str, str]:
    """Les domaines auxquels l'offre répond (ceux de `CATEGORIES_PAR_DOMAINE`), dans l'ordre du diagnostic."""
    return dict(
        Domaine.objects.filter(code__in=CATEGORIES_PAR_DOMAINE).order_by("ordre", "code").values_list("code", "libelle")
    )


def _besoins(departement: str, domaines: list[str]) -> list[tuple[int, str, str]]:
    """(carnet, domaine, commune) : les besoins du dernier diagnostic validé des carnets actifs du territoire."""
    dernier_valide = (
        Diagnostic.objects.valides().filter(carnet=OuterRef("diagnostic__carnet")).order_by("-version").values("pk")[:1]
    )
    carnets = carnets_du_territoire(departement).filter(statut=Carnet.Statut.ACTIF)
    return list(
        EvaluationDomaine.objects.filter(
            appreciation=EvaluationDomaine.Appreciation.BESOIN,
            domaine_id__in=domaines,
            diagnostic__carnet__in=carnets.values("pk"),
            diagnostic=Subquery(dernier_valide),
        )
        .order_by()
        .values_list("diagnostic__carnet_id", "domaine_id", "diagnostic__carnet__personne__code_commune")
    )


@dataclass
class _Service:
    en_presentiel: bool
    a_distance: bool
    latitude: float | None
    longitude: float | None
    zones: set[str] = field(default_factory=set)


def _a_portee(codes_communes: set[str]) -> Q:
    """Les services à distance, et ceux en présentiel dans la boîte qui contient les disques de 30 km autour des
    communes (la distance exacte est vérifiée ensuite)."""
    boites = [geo.boite_englobante(*centre, RAYON_KM) for centre in map(coordonnees_commune, codes_communes) if centre]
    portee = Q(a_distance=True)
    if boites:
        portee |= Q(
            en_presentiel=True,
            latitude__range=(min(b[0] for b in boites), max(b[1] for b in boites)),
            longitude__range=(min(b[2] for b in boites), max(b[3] for b in boites)),
        )
    return portee


class Couverture:
    """Les services actifs candidats (deux requêtes), puis la couverture d'une commune pour une catégorie, calculée
    une seule fois par (commune, catégorie)."""

    def __init__(self, categories: set[str], codes_communes: set[str]):
        self._cache: dict[tuple[str, str], bool] = {}
        self._par_categorie: dict[str, list[_Service]] = defaultdict(list)
        if not categories or not codes_communes:
            return
        services = filtrer(Service.objects.all(), Criteres(thematiques=tuple(sorted(categories)))).order_by()
        services = services.filter(_a_portee(codes_communes))
        criteres = CritereService.objects.filter(
            service__in=services.values("pk"),
            nature__in=(CritereService.Nature.CATEGORIE, CritereService.Nature.ZONE),
        ).values_list("service_id", "nature", "code")
        services = {
            pk: _Service(en_presentiel, a_distance, latitude, longitude)
            for pk, en_presentiel, a_distance, latitude, longitude in services.values_list(
                "pk", "en_presentiel", "a_distance", "latitude", "longitude"
            )
        }
        for service_id, nature, code in criteres:
            if nature == CritereService.Nature.ZONE:
                services[service_id].zones.add(code)
            elif code in categories:
                self._par_categorie[code].append(services[service_id])

    def couvre(self, code_commune: str, categorie: str) -> bool:
        cle = (code_commune, categorie)
        if cle not in self._cache:
            self._cache[cle] = self._calculer(code_commune, categorie)
        return self._cache[cle]

    def _calculer(self, code_commune: str, categorie: str) -> bool:
        zones = zones_de_la_commune(code_commune)
        centre = coordonnees_commune(code_commune)
        for service in self._par_categorie.get(categorie, ()):
            if not service.zones & zones:
                continue
            if service.a_distance:
                return True
            if (
                service.en_presentiel
                and centre is not None
                and service.latitude is not None
                and service.longitude is not None
                and geo.distance_km(*centre, service.latitude, service.longitude) <= RAYON_KM
            ):
                return True
        return False

    def couvre_le_domaine(self, code_commune: str, domaine: str) -> bool:
        return any(self.couvre(code_commune, categorie) for categorie in CATEGORIES_PAR_DOMAINE[domaine])


def _nom_epci(code: str) -> str:
    return epci().get(code, code) if code else LIBELLE_SANS_EPCI


def calculer(departement: str, *, domaine: str = "", libelles: dict[str, str] | None = None) -> BesoinsTerritoire:
    """Les besoins non couverts du territoire (un domaine, ou tous)."""
    libelles = libelles if libelles is not None else libelles_domaines()
    domaines = [domaine] if domaine else list(libelles)
    resultat = BesoinsTerritoire(departement=departement, domaine=domaine)
    besoins = _besoins(departement, domaines)
    referentiel = communes()
    situes = [(carnet, code, commune) for carnet, code, commune in besoins if commune in referentiel]
    resultat.sans_commune = len({carnet for carnet, _, commune in besoins if commune not in referentiel})
    categories = {categorie for _, code, _ in situes for categorie in CATEGORIES_PAR_DOMAINE[code]}
    couverture = Couverture(categories, {commune for _, _, commune in situes})

    # domaine → EPCI → (carnets avec le besoin, carnets non couverts) ; EPCI → commune / domaine → carnets non couverts
    avec: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    sans: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    communes_non_couvertes: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for carnet, code, commune in situes:
        code_epci = referentiel[commune]["code_epci"] or SANS_EPCI
        avec[code][code_epci].add(carnet)
        if not couverture.couvre_le_domaine(commune, code):
            sans[code][code_epci].add(carnet)
            communes_non_couvertes[code_epci][commune].add(carnet)

    for code in domaines:
        if code not in avec:
            continue
        par_epci = [
            LigneEpci(code_epci, _nom_epci(code_epci), Compte(len(carnets), len(sans[code][code_epci])))
            for code_epci, carnets in avec[code].items()
        ]
        par_epci.sort(key=lambda ligne: (ligne.nom.casefold(), ligne.code))
        total = Compte(
            len(set().union(*avec[code].values())),
            len(set().union(*sans[code].values())) if sans[code] else 0,
        )
        ligne_domaine = LigneDomaine(code, libelles.get(code, code), total, par_epci)
        _masquer(ligne_domaine)
        resultat.par_domaine.append(ligne_domaine)
    # Les domaines d'une carte reprennent le « dont non couvert » du tableau (même chiffre, même secret).
    non_couvert_masque = {
        (ligne.code, ligne_epci.code): ligne_epci.compte.non_couvert_masque
        for ligne in resultat.par_domaine
        for ligne_epci in ligne.par_epci
    }

    for code_epci, par_commune in communes_non_couvertes.items():
        domaines_epci = [
            Effectif(libelles.get(code, code), len(sans[code][code_epci]), non_couvert_masque[(code, code_epci)])
            for code in domaines
            if sans[code][code_epci]
        ]
        communes_epci = [
            Effectif(referentiel[commune]["nom"], len(carnets)) for commune, carnets in par_commune.items()
        ]
        carte = CarteEpci(
            code_epci,
            _nom_epci(code_epci),
            len(set().union(*par_commune.values())),
            communes_epci,
            sorted(domaines_epci, key=lambda e: _tri_par_effectif_publie(e.effectif, e.masque, e.libelle)),
        )
        _masquer_carte(carte)
        carte.communes.sort(key=lambda e: _tri_par_effectif_publie(e.effectif, e.masque, e.libelle))
        resultat.carte.append(carte)
    resultat.carte.sort(key=lambda c: _tri_par_effectif_publie(c.personnes, c.personnes_masque, c.nom))
    return resultat


def _masquer(ligne: LigneDomaine) -> None:
    """Le secret d'un domaine : ses EPCI et son total sont liés par une addition (colonne par colonne) ; et les
    personnes couvertes (« ayant le besoin » − « dont non couvert ») de 1 à 4 font masquer « dont non couvert »
    quand « ayant le besoin » est publié."""
    comptes = {rang: ligne_epci.compte for rang, ligne_epci in enumerate(ligne.par_epci)} | {TOTAL: ligne.total}
    avec = secret_statistique.masquer_repartition({cle: compte.avec_besoin for cle, compte in comptes.items()})
    couverts_secrets = {
        cle
        for cle, compte in comptes.items()
        if cle not in avec and secret_statistique.est_secret(compte.avec_besoin - compte.non_couvert)
    }
    sans = secret_statistique.masquer_repartition(
        {cle: compte.non_couvert for cle, compte in comptes.items()}, deja_masques=couverts_secrets
    )
    for cle, compte in comptes.items():
        compte.avec_besoin_masque, compte.non_couvert_masque = cle in avec, cle in sans


def _masquer_carte(carte: CarteEpci) -> None:
    """Le secret d'une carte : ses communes et son total de personnes sont liés par une addition."""
    masques = secret_statistique.masquer_repartition(
        {rang: commune.effectif for rang, commune in enumerate(carte.communes)} | {TOTAL: carte.personnes}
    )
    for rang, commune in enumerate(carte.communes):
        commune.masque = rang in masques
    carte.personnes_masque = TOTAL in masques


def _tri_par_effectif_publie(effectif: int, masque: bool, nom: str):
    """Du plus grand effectif au plus petit, puis par nom ; les effectifs masqués sont rangés ensemble, à la fin,
    par nom (leur ordre ne doit rien révéler)."""
    return (-(0 if masque else effectif), nom.casefold())


COLONNES_CSV = [
    "departement",
    "code_epci",
    "epci",
    "code_domaine",
    "domaine",
    "personnes_avec_besoin",
    "personnes_besoin_non_couvert",
]


def lignes_csv(resultat: BesoinsTerritoire):
    """Les lignes de l'export : une par domaine et EPCI, effectifs arrondis à 5, « secret » comme à l'écran."""
    for ligne in resultat.par_domaine:
        for ligne_epci in ligne.par_epci:
            compte = ligne_epci.compte
            yield [
                resultat.departement,
                ligne_epci.code,
                ligne_epci.nom,
                ligne.code,
                ligne.libelle,
                publie_arrondi(compte.avec_besoin, compte.avec_besoin_masque),
                publie_arrondi(compte.non_couvert, compte.non_couvert_masque),
            ]


def en_csv(resultat: BesoinsTerritoire) -> bytes:
    """CSV pour les tableurs français : UTF-8 avec BOM, séparateur « ; »."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(COLONNES_CSV)
    ecrivain.writerows(lignes_csv(resultat))
    return sortie.getvalue().encode("utf-8-sig")
