"""Le moteur de recherche de l'offre, sans PostGIS : filtres sur l'index (`CritereService`), boîte englobante sur
les coordonnées indexées, puis distance exacte du grand cercle sur les seuls candidats. Les services à distance sont
rendus à part. Un nombre fixe de requêtes, quel que soit le nombre de résultats."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from offre import geo
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


@dataclass
class Resultat:
    service: Service
    distance_km: float | None = None


@dataclass
class Resultats:
    sur_place: list[Resultat] = field(default_factory=list)
    a_distance: list[Resultat] = field(default_factory=list)
    commune: dict | None = None

    @property
    def nombre(self) -> int:
        return len(self.sur_place) + len(self.a_distance)


def _critere(nature, codes):
    return Exists(CritereService.objects.filter(service=OuterRef("pk"), nature=nature, code__in=codes))


def filtrer(services, criteres: Criteres):
    """Les filtres qui ne dépendent pas de la distance (thématiques, publics, type, frais, texte, zone)."""
    services = services if criteres.inclure_a_actualiser else services.dans_les_resultats()
    if criteres.thematiques:
        categories = [code for code in criteres.thematiques if "--" not in code]
        thematiques = [code for code in criteres.thematiques if "--" in code]
        services = services.filter(
            _critere(CritereService.Nature.CATEGORIE, categories)
            | _critere(CritereService.Nature.THEMATIQUE, thematiques)
        )
    if criteres.publics:
        services = services.filter(_critere(CritereService.Nature.PUBLIC, [*criteres.publics, "tous-publics"]))
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
    a_venir = SessionService.objects.filter(annulee=False, debut__gte=timezone.now()).order_by("debut")
    return services.select_related("structure").prefetch_related(
        Prefetch("sessions", queryset=a_venir, to_attr="sessions_a_venir")
    )


def rechercher(criteres: Criteres, *, services=None) -> Resultats:
    """Les services qui répondent aux critères : en présentiel dans le rayon autour de la commune, du plus proche au
    plus lointain (tous, par nom, sans commune) ; à distance à part, par nom."""
    services = filtrer(services if services is not None else Service.objects.all(), criteres)
    resultats = Resultats(commune=communes().get(criteres.code_commune))
    centre = coordonnees_commune(criteres.code_commune) if criteres.code_commune else None
    sur_place = services.filter(en_presentiel=True)
    if centre is None:
        resultats.sur_place = [Resultat(service) for service in _avec_sessions(sur_place).order_by("nom", "pk")]
    else:
        latitude_min, latitude_max, longitude_min, longitude_max = geo.boite_englobante(*centre, criteres.rayon_km)
        candidats = sur_place.filter(
            latitude__range=(latitude_min, latitude_max), longitude__range=(longitude_min, longitude_max)
        )
        for service in _avec_sessions(candidats):
            distance = geo.distance_km(*centre, service.latitude, service.longitude)
            if distance <= criteres.rayon_km:
                resultats.sur_place.append(Resultat(service, round(distance, 1)))
        resultats.sur_place.sort(key=lambda resultat: (resultat.distance_km, resultat.service.nom, resultat.service.pk))
    deja = {resultat.service.pk for resultat in resultats.sur_place}
    a_distance = _avec_sessions(services.filter(a_distance=True)).order_by("nom", "pk")
    resultats.a_distance = [Resultat(service) for service in a_distance if service.pk not in deja]
    return resultats
