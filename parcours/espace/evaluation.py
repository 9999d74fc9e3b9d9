"""L'évaluation de son accompagnement par la personne : après chaque étape close (orientation vers un service
terminée, sortie du parcours), trois questions et un commentaire libre. Les réponses (`Evaluation`) sont enregistrées
sans nom et sans lien avec le carnet ; `EtapeEvaluee` retient seulement que l'étape a reçu un avis (ou que la
personne a préféré ne pas répondre), sans date.

L'avis garde, au jour de la réponse : le mois (jamais le jour), le territoire et l'EPCI de la personne,
l'organisme référent (organisation de son référent en fonction) et ses publics, selon les règles des indicateurs
(`parcours.population`). Aucun lien vers la personne ni son carnet, et aucun événement dans l'historique : le groupe
de suivi ne voit pas les réponses. Ce n'est pas un anonymat absolu : le mois, le territoire, l'organisme et les
publics réunis peuvent, sur un petit effectif, désigner peu de personnes ; c'est pourquoi les chiffres ne sont publiés
qu'à partir de 5 réponses, et les commentaires ne sont lus par les pilotes qu'à partir de 11 réponses sur le
territoire et la période (`gouvernance.indicateurs`)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parcours import population
from parcours.espace.acces import espace_ouvert_du_carnet
from parcours.models import (
    EtapeEvaluee,
    Evaluation,
    Intervenant,
    OrientationService,
    SortieParcours,
    TypeEtape,
)

# Une étape close plus ancienne n'est plus proposée à l'évaluation (le souvenir s'efface, l'avis perd son sens).
FENETRE_EVALUATION = timedelta(days=183)
ORIENTATIONS_CLOSES = (OrientationService.Statut.TERMINEE, OrientationService.Statut.ABANDONNEE)
LONGUEUR_COMMENTAIRE = 2000


@dataclass(frozen=True)
class Etape:
    type_etape: str
    objet_id: int
    libelle: str
    date: date


def etapes_closes(carnet, aujourd_hui: date | None = None) -> list[Etape]:
    """Les étapes closes du carnet dans la fenêtre d'évaluation, la plus récente d'abord (deux requêtes). Une sortie
    datée dans le futur n'est pas encore close ; une sortie rouverte ne l'est plus."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    depuis = aujourd_hui - FENETRE_EVALUATION
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
    sorties = SortieParcours.objects.filter(
        carnet=carnet, date_sortie__gte=depuis, date_sortie__lte=aujourd_hui, rouvert_le__isnull=True
    )
    for sortie in sorties:
        etapes.append(
            Etape(TypeEtape.SORTIE, sortie.pk, f"Sortie du parcours ({sortie.get_motif_display()})", sortie.date_sortie)
        )
    return sorted(etapes, key=lambda etape: etape.date, reverse=True)


def etapes_a_evaluer(carnet, aujourd_hui: date | None = None) -> list[Etape]:
    """Les étapes closes qui n'ont pas encore reçu d'avis (ni de refus de répondre)."""
    faites = set(EtapeEvaluee.objects.filter(carnet=carnet).values_list("type_etape", "objet_id"))
    return [etape for etape in etapes_closes(carnet, aujourd_hui) if (etape.type_etape, etape.objet_id) not in faites]


def etape_a_evaluer(carnet, type_etape: str, objet_id: int) -> Etape | None:
    """L'étape close de ce carnet qui attend encore l'avis de la personne, ou None (pas la sienne, pas close, déjà
    évaluée, trop ancienne)."""
    return next(
        (e for e in etapes_a_evaluer(carnet) if e.type_etape == type_etape and e.objet_id == objet_id),
        None,
    )


def _verifier_acteur(carnet, acteur) -> None:
    """Seule la personne, depuis son espace ouvert, donne son avis sur son accompagnement. La ligne de son espace est
    verrouillée : deux envois simultanés du même avis n'en enregistrent qu'un."""
    espace = espace_ouvert_du_carnet(carnet, acteur).select_for_update(of=("self",)).only("pk").first()
    if espace is None:
        raise ValidationError("Seule la personne accompagnée donne son avis sur son accompagnement.")


def _verifier_reponses(utilite, ecoute, recommanderait, commentaire) -> None:
    erreurs = {}
    for champ, valeur in (("utilite", utilite), ("ecoute", ecoute)):
        if valeur not in Evaluation.Note.values:
            erreurs[champ] = "Choisissez une réponse, de « pas du tout » à « tout à fait »."
    if recommanderait not in Evaluation.Recommandation.values:
        erreurs["recommanderait"] = "Choisissez oui, non ou je ne sais pas."
    if len(commentaire) > LONGUEUR_COMMENTAIRE:
        erreurs["commentaire"] = f"Votre commentaire dépasse {LONGUEUR_COMMENTAIRE} caractères."
    if erreurs:
        raise ValidationError(erreurs)


def donner_avis(
    carnet,
    type_etape: str,
    objet_id: int,
    *,
    acteur,
    utilite: int,
    ecoute: int,
    recommanderait: str,
    commentaire: str = "",
) -> Evaluation:
    """La personne répond aux trois questions : l'étape est marquée évaluée et l'avis est enregistré, sans lien avec
    elle ni son carnet (clé UUID aléatoire, le mois seulement ; une transaction, aucun événement d'historique)."""
    commentaire = (commentaire or "").strip()
    _verifier_reponses(utilite, ecoute, recommanderait, commentaire)
    with transaction.atomic():
        etape = _etape_ouverte(carnet, type_etape, objet_id, acteur=acteur)
        aujourd_hui = timezone.localdate()
        evaluation = Evaluation(
            type_etape=etape.type_etape,
            mois=aujourd_hui.replace(day=1),
            departement=population.territoire_de(carnet),
            code_epci=population.epci_de_la_commune(carnet.personne.code_commune),
            organisation_referente_id=Intervenant.objects.referents()
            .filter(carnet=carnet)
            .values_list("organisation", flat=True)
            .first(),
            publics=sorted(population.publics_de(carnet.personne, aujourd_hui)),
            utilite=utilite,
            ecoute=ecoute,
            recommanderait=recommanderait,
            commentaire=commentaire,
        )
        evaluation.full_clean()
        EtapeEvaluee.objects.create(carnet=carnet, type_etape=etape.type_etape, objet_id=etape.objet_id)
        evaluation.save()
    return evaluation


def ne_pas_repondre(carnet, type_etape: str, objet_id: int, *, acteur) -> EtapeEvaluee:
    """La personne préfère ne pas répondre : on ne le lui redemande pas, et aucun avis n'est enregistré."""
    with transaction.atomic():
        etape = _etape_ouverte(carnet, type_etape, objet_id, acteur=acteur)
        return EtapeEvaluee.objects.create(
            carnet=carnet, type_etape=etape.type_etape, objet_id=etape.objet_id, repondu=False
        )


def _etape_ouverte(carnet, type_etape, objet_id, *, acteur) -> Etape:
    _verifier_acteur(carnet, acteur)
    etape = etape_a_evaluer(carnet, type_etape, objet_id)
    if etape is None:
        raise ValidationError("Cette étape n'attend pas (ou plus) votre avis.")
    return etape
