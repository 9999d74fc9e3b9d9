"""L'évaluation de son accompagnement par la personne : après chaque étape close (orientation vers un service
terminée, sortie du parcours), trois questions et un commentaire libre. Les réponses (`Evaluation`) sont anonymes ;
`EtapeEvaluee` retient seulement que l'étape a reçu un avis."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone

from parcours.models import EtapeEvaluee, OrientationService, SortieParcours, TypeEtape

# Une étape close plus ancienne n'est plus proposée à l'évaluation (le souvenir s'efface, l'avis perd son sens).
FENETRE_EVALUATION = timedelta(days=183)
ORIENTATIONS_CLOSES = (OrientationService.Statut.TERMINEE, OrientationService.Statut.ABANDONNEE)


@dataclass(frozen=True)
class Etape:
    type_etape: str
    objet_id: int
    libelle: str
    date: date


def etapes_closes(carnet, aujourd_hui: date | None = None) -> list[Etape]:
    """Les étapes closes du carnet dans la fenêtre d'évaluation, la plus récente d'abord (deux requêtes)."""
    depuis = (aujourd_hui or timezone.localdate()) - FENETRE_EVALUATION
    etapes = []
    orientations = (
        OrientationService.objects.filter(carnet=carnet, statut__in=ORIENTATIONS_CLOSES)
        .annotate(close_le=Max("transitions__date"))
        .select_related("service")
    )
    for orientation in orientations:
        close_le = timezone.localdate(orientation.close_le) if orientation.close_le else None
        if close_le and close_le >= depuis:
            etapes.append(
                Etape(
                    TypeEtape.ORIENTATION_SERVICE,
                    orientation.pk,
                    f"Orientation vers « {orientation.service} »",
                    close_le,
                )
            )
    for sortie in SortieParcours.objects.filter(carnet=carnet, date_sortie__gte=depuis):
        etapes.append(
            Etape(TypeEtape.SORTIE, sortie.pk, f"Sortie du parcours ({sortie.get_motif_display()})", sortie.date_sortie)
        )
    return sorted(etapes, key=lambda etape: etape.date, reverse=True)


def etapes_a_evaluer(carnet, aujourd_hui: date | None = None) -> list[Etape]:
    """Les étapes closes qui n'ont pas encore reçu d'avis (ni de refus de répondre)."""
    faites = set(EtapeEvaluee.objects.filter(carnet=carnet).values_list("type_etape", "objet_id"))
    return [etape for etape in etapes_closes(carnet, aujourd_hui) if (etape.type_etape, etape.objet_id) not in faites]
