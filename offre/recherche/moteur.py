"""Le moteur de recherche de l'offre, sans PostGIS : filtres sur l'index (`CritereService`), boîte englobante sur
les coordonnées indexées, puis distance exacte du grand cercle sur les seuls candidats. Les services à distance sont
rendus à part. Un nombre fixe de requêtes, quel que soit le nombre de résultats :

1. les candidats en présentiel (identifiant, nom, coordonnées) dans la boîte englobante, filtres compris ;
2. les services à distance (identifiant) ;
3. et 4. les services d'une page de résultats, avec leur structure, puis leurs sessions à venir (seulement quand
   on lit une page : `resultats[debut:fin]`, ce que fait le `Paginator` de Django, ou `resultat.service`).

Voir docs/offre-recherche.md."""

import operator
import unicodedata
from dataclasses import dataclass
from functools import reduce

from django.db.models import Exists, OuterRef, Prefetch

from offre import geo, referentiels
from offre.models import CritereService, Service, SessionService
from partenaires.referentiels import communes, coordonnees_commune, zones_de_la_commune
from spie.texte import normaliser_recherche

RAYON_PAR_DEFAUT_KM = 20
RAYONS_KM = (5, 10, 20, 30, 50, 100)


@dataclass(frozen=True)
class Criteres:
    thematiques: tuple[str, ...] = ()  # codes de thématiques (« mobilite--preparer-un-permis ») ou de catégories
    publics: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    frais: str = ""
    texte: str = ""
    code_commune: str = ""
    rayon_km: int = RAYON_PAR_DEFAUT_KM
    inclure_a_actualiser: bool = False


class Resultat:
    """Un service trouvé : sa distance au centre de la commune (None à distance ou sans commune) et sa section
    (`a_distance`). Le service lui-même n'est chargé qu'avec sa page (`service`)."""

    def __init__(self, service_id: int, distance_km: float | None = None, *, a_distance=False, lot=None):
        self.service_id = service_id
        self.distance_km = distance_km
        self.a_distance = a_distance
        self._service = None
        self._lot = lot

    def __repr__(self):
        return f"<Resultat service={self.service_id} distance={self.distance_km} a_distance={self.a_distance}>"

    @property
    def service(self) -> Service | None:
        """Lu hors d'une page (`resultats.sur_place[0].service`) : toute la section est chargée d'un coup."""
        if self._service is None and self._lot is not None:
            self._lot.charger(self._lot.a_distance if self.a_distance else self._lot.sur_place)
        return self._service

    @property
    def prochaine_session(self) -> SessionService | None:
        sessions = self.sessions_a_venir
        return sessions[0] if sessions else None

    @property
    def sessions_a_venir(self) -> list[SessionService]:
        return getattr(self.service, "sessions_a_venir", [])

    @property
    def autres_sessions(self) -> int:
        return max(len(self.sessions_a_venir) - 1, 0)

    @property
    def libelles_thematiques(self) -> list[str]:
        thematiques = referentiels.thematiques()
        return [thematiques[code][0] for code in self.service.thematiques if code in thematiques]

    @property
    def libelle_frais(self) -> str:
        return referentiels.frais().get(self.service.frais, "")

    @property
    def libelle_type(self) -> str:
        return referentiels.types_de_services().get(self.service.type, "")


class PageDeResultats(list):
    """Les résultats d'une page, dans l'ordre ; `sur_place` et `a_distance` les rangent par section."""

    @property
    def sur_place(self) -> list[Resultat]:
        return [resultat for resultat in self if not resultat.a_distance]

    @property
    def a_distance(self) -> list[Resultat]:
        return [resultat for resultat in self if resultat.a_distance]


class Resultats:
    """Les résultats d'une recherche : en présentiel (par distance, ou par nom sans commune), puis à distance (par
    nom). Se pagine comme une liste (`Paginator(resultats, 20)`) : seule la page lue charge ses services."""

    def __init__(self, sur_place=(), a_distance=(), *, commune=None, centre=None, rayon_km=RAYON_PAR_DEFAUT_KM):
        self.sur_place: list[Resultat] = list(sur_place)
        self.a_distance: list[Resultat] = list(a_distance)
        self.commune: dict | None = commune  # la ligne du référentiel des communes
        self.centre: tuple[float, float] | None = centre
        self.rayon_km = rayon_km
        for resultat in self.sur_place + self.a_distance:
            resultat._lot = self

    @property
    def nombre(self) -> int:
        return len(self.sur_place) + len(self.a_distance)

    @property
    def par_distance(self) -> bool:
        """Vrai quand les services en présentiel sont triés par distance autour d'une commune connue."""
        return self.centre is not None

    def __len__(self):
        return self.nombre

    def __bool__(self):
        return self.nombre > 0

    def __getitem__(self, index):
        tous = self.sur_place + self.a_distance
        if isinstance(index, slice):
            return self.charger(tous[index])
        resultat = tous[index]
        self.charger([resultat])
        return resultat

    def __iter__(self):
        return iter(self.charger(self.sur_place + self.a_distance))

    def charger(self, resultats) -> PageDeResultats:
        """Charge les services des résultats donnés (deux requêtes : services et structures, sessions à venir) ;
        rend ceux dont le service existe encore."""
        a_charger = {resultat.service_id for resultat in resultats if resultat._service is None}
        if a_charger:
            services = _avec_sessions(Service.objects.filter(pk__in=a_charger).order_by()).in_bulk()
            for resultat in resultats:
                if resultat.service_id in services:
                    resultat._service = services[resultat.service_id]
        return PageDeResultats(resultat for resultat in resultats if resultat._service is not None)


def _critere(nature, codes):
    return Exists(CritereService.objects.filter(service=OuterRef("pk"), nature=nature, code__in=codes))


def filtrer(services, criteres: Criteres):
    """Les filtres qui ne dépendent pas de la distance (statut, fraîcheur, thématiques, publics, type, frais,
    texte, zone d'éligibilité). Un service suspendu n'en sort jamais."""
    services = services.publies() if criteres.inclure_a_actualiser else services.dans_les_resultats()
    if criteres.thematiques:
        # Une catégorie ou un besoin précis ; un seul EXISTS quand on ne cherche que l'un des deux (PostgreSQL en
        # fait une semi-jointure, ce qu'il ne sait pas faire d'un « EXISTS … OR EXISTS … »).
        categories = [code for code in criteres.thematiques if "--" not in code]
        thematiques = [code for code in criteres.thematiques if "--" in code]
        conditions = [
            _critere(nature, codes)
            for nature, codes in (
                (CritereService.Nature.CATEGORIE, categories),
                (CritereService.Nature.THEMATIQUE, thematiques),
            )
            if codes
        ]
        services = services.filter(reduce(operator.or_, conditions))
    if criteres.publics:
        services = services.filter(
            _critere(CritereService.Nature.PUBLIC, [*criteres.publics, referentiels.TOUS_PUBLICS])
        )
    if criteres.types:
        services = services.filter(type__in=criteres.types)
    if criteres.frais:
        services = services.filter(frais=criteres.frais)
    for mot in normaliser_recherche(criteres.texte).split():
        services = services.filter(texte_recherche__contains=mot)
    if criteres.code_commune:
        services = services.filter(
            _critere(CritereService.Nature.ZONE, sorted(zones_de_la_commune(criteres.code_commune)))
        )
    return services


def _avec_sessions(services):
    a_venir = SessionService.objects.a_venir()
    return services.select_related("structure").prefetch_related(
        Prefetch("sessions", queryset=a_venir, to_attr="sessions_a_venir")
    )


def _cle_nom(nom: str) -> str:
    """La clé de tri d'un nom : sans accents ni majuscules (le même ordre sur SQLite et PostgreSQL, quelle que soit
    la collation de la base ; calculée en C, pour des milliers de noms par recherche)."""
    return unicodedata.normalize("NFKD", nom.casefold()).encode("ascii", "ignore").decode("ascii")


def _par_nom(lignes) -> list[int]:
    """Les identifiants, triés par nom."""
    return [pk for _, pk in sorted((_cle_nom(nom), pk) for pk, nom in lignes)]


def rechercher(criteres: Criteres, *, services=None) -> Resultats:
    """Les services qui répondent aux critères : en présentiel dans le rayon autour de la commune, du plus proche au
    plus lointain (tous, par nom, sans commune ou pour une commune sans coordonnées) ; à distance à part, par nom,
    sans ceux déjà listés en présentiel. `services` restreint la recherche (un queryset de `Service`)."""
    services = filtrer(services if services is not None else Service.objects.all(), criteres)
    commune = communes().get(criteres.code_commune) if criteres.code_commune else None
    centre = coordonnees_commune(criteres.code_commune) if commune else None
    services = services.order_by()  # triés ici, en Python (distance, puis nom sans accents)
    presentiel = services.filter(en_presentiel=True)
    if centre is None:
        sur_place = [Resultat(pk) for pk in _par_nom(presentiel.values_list("pk", "nom"))]
    else:
        latitude_min, latitude_max, longitude_min, longitude_max = geo.boite_englobante(*centre, criteres.rayon_km)
        candidats = presentiel.filter(
            latitude__range=(latitude_min, latitude_max), longitude__range=(longitude_min, longitude_max)
        ).values_list("pk", "nom", "latitude", "longitude")
        proches = []
        for pk, nom, latitude, longitude in candidats:
            distance = geo.distance_km(*centre, latitude, longitude)
            if distance <= criteres.rayon_km:  # la boîte contient le disque ; ses coins n'en sont pas
                proches.append((distance, _cle_nom(nom), pk))
        sur_place = [Resultat(pk, distance) for distance, _, pk in sorted(proches)]
    deja = {resultat.service_id for resultat in sur_place}
    a_distance = [
        Resultat(pk, a_distance=True)
        for pk in _par_nom(services.filter(a_distance=True).values_list("pk", "nom"))
        if pk not in deja
    ]
    return Resultats(sur_place, a_distance, commune=commune, centre=centre, rayon_km=criteres.rayon_km)
