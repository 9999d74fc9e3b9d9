"""Les indicateurs gardés en cache : le calcul d'un grand territoire prend plusieurs secondes (4 s pour 50 000
carnets, docs/BENCHMARKS.md), la page doit répondre en 2 s.

- La **clé** contient tous les filtres (territoire, EPCI, organisation, public), la période et `VERSION` (à changer
  quand une règle de calcul change : les anciens chiffres ne sont plus lus) ; on y garde les mesures brutes
  (`calcul.indicateurs_du_territoire`), avant le secret et l'arrondi : la page, le CSV et le compte rendu les
  publient chacun à leur façon.
- La **durée de vie** est courte (`DUREE_SECONDES`, une heure) ; il n'y a pas d'invalidation à l'écriture (un carnet
  touche des indicateurs de tous les filtres de son territoire) : un chiffre a au plus une heure de retard, et la
  page comme l'export disent quand il a été calculé (`Chiffres.calcules_le`).
- Le **précalcul** (`precalculer`, tâche beat `gouvernance.indicateurs.taches.precalculer_indicateurs`, à l'heure
  pile pendant les heures ouvrées) recalcule la vue par défaut (dernier trimestre complet, tous les publics, sans
  autre filtre) de chaque territoire suivi : le premier pilote du matin la trouve prête.
- Cache absent (Redis arrêté, `spie.cache`) : la page calcule, comme avant.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from gouvernance.indicateurs import calcul
from gouvernance.indicateurs import population as p
from gouvernance.models import Comite
from partenaires.choix import Role
from partenaires.models import Membre

VERSION = 1
# Une heure : plus que l'intervalle du précalcul (à l'heure pile), pour que la vue par défaut reste chaude.
DUREE_SECONDES = 65 * 60


@dataclass(frozen=True)
class Chiffres:
    """Les mesures brutes d'un jeu de filtres et l'instant de leur calcul (affiché : « Chiffres calculés le … »)."""

    mesures: dict
    calcules_le: datetime


def cle(filtres: calcul.Filtres) -> str:
    organisation = "-" if filtres.organisation_id is None else filtres.organisation_id
    return (
        f"indicateurs:v{VERSION}:{filtres.departement}:{filtres.epci or '-'}:{organisation}:{filtres.public}:"
        f"{filtres.periode.debut:%Y%m%d}-{filtres.periode.fin:%Y%m%d}"
    )


def chiffres(filtres: calcul.Filtres) -> Chiffres:
    """Les chiffres de ces filtres : ceux du cache s'il les a, sinon calculés (et gardés)."""
    trouves = cache.get(cle(filtres))
    if isinstance(trouves, Chiffres):
        return trouves
    return calculer(filtres)


def calculer(filtres: calcul.Filtres) -> Chiffres:
    """Calcule les chiffres de ces filtres (le cache n'est pas lu) et les garde `DUREE_SECONDES`."""
    resultat = Chiffres(calcul.indicateurs_du_territoire(filtres), timezone.now())
    cache.set(cle(filtres), resultat, DUREE_SECONDES)
    return resultat


def filtres_par_defaut(departement: str) -> calcul.Filtres:
    """La vue d'un territoire sans filtre (celle de la première visite, `FiltresIndicateursForm`)."""
    return calcul.Filtres(departement, p.dernier_trimestre_complet(timezone.localdate()))


def territoires_suivis() -> set[str]:
    """Les territoires dont quelqu'un voit les chiffres : un pilote actif, ou un consortium dont un comité est actif
    (comme `gouvernance.permissions.departements_du_pilotage`)."""
    pilotes = Membre.objects.actifs().filter(role=Role.PILOTE).values_list("organisation__departement", flat=True)
    comites = Comite.objects.filter(actif=True).values_list("consortium__departement", flat=True)
    return {code for code in (*pilotes, *comites) if code}


def precalculer() -> list[str]:
    """Recalcule la vue par défaut de chaque territoire suivi ; les territoires, dans l'ordre."""
    territoires = sorted(territoires_suivis())
    for departement in territoires:
        calculer(filtres_par_defaut(departement))
    return territoires
