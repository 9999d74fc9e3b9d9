"""La parole de la personne dans son parcours, depuis son espace : ses souhaits et ses besoins, ses commentaires sur
les objectifs de son plan, son avis sur son diagnostic, son accord sur son plan (l'accord de la personne sur son
contrat d'engagement). Chaque écriture laisse un événement dans l'historique du carnet, que le groupe de suivi lit.

Seule la personne du carnet, son espace ouvert, écrit ici (jamais un professionnel : il recueille l'accord par
`parcours.services.enregistrer_accord`, sous sa propre règle)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from parcours.espace.acces import espace_ouvert_du_carnet
from parcours.models import (
    ContratEngagement,
    DecisionOrientation,
    Diagnostic,
    EvenementCarnet,
    ExpressionPersonne,
)
from parcours.services import historiser

TEXTE_MAX = 2000
RESUME_MAX = 120
DIAGNOSTIC_PERIME = "Votre diagnostic a été mis à jour entre-temps : relisez-le avant de donner votre avis."
Type = ExpressionPersonne.Type


def _exiger_la_personne(carnet, acteur) -> None:
    """Seule la personne du carnet, depuis son espace ouvert, parle en son nom."""
    if not espace_ouvert_du_carnet(carnet, acteur).exists():
        raise PermissionDenied("Seule la personne accompagnée s'exprime depuis son espace.")


def _texte_valide(texte, *, obligatoire=True, champ="texte") -> str:
    texte = (texte or "").strip()
    if obligatoire and not texte:
        raise ValidationError({champ: "Écrivez votre message."})
    if len(texte) > TEXTE_MAX:
        raise ValidationError({champ: f"Votre message est trop long : {TEXTE_MAX} caractères au plus."})
    return texte


def _resume(debut: str, texte: str = "") -> str:
    """Une ligne pour l'historique : le début du message, sans retour à la ligne."""
    ligne = " ".join(f"{debut}{texte}".split())
    return Truncator(ligne).chars(RESUME_MAX)


def _historiser(expression, resume: str) -> EvenementCarnet:
    return historiser(
        expression.carnet,
        EvenementCarnet.Type.PERSONNE_EXPRESSION,
        acteur=expression.auteur,
        resume=resume,
        expression=str(expression.uuid),
        quoi=expression.type,
    )


@transaction.atomic
def exprimer(carnet, *, acteur, type, texte) -> ExpressionPersonne:
    """Un souhait ou un besoin de la personne."""
    _exiger_la_personne(carnet, acteur)
    if type not in (Type.SOUHAIT, Type.BESOIN):
        raise ValidationError({"type": "Choisissez : un souhait ou un besoin."})
    texte = _texte_valide(texte)
    expression = ExpressionPersonne.objects.create(carnet=carnet, type=type, texte=texte, auteur=acteur)
    _historiser(expression, _resume(f"{Type(type).label} : ", texte))
    return expression


@transaction.atomic
def commenter_objectif(objectif, *, acteur, texte) -> ExpressionPersonne:
    """Le commentaire de la personne sur un objectif de son plan d'action."""
    carnet = objectif.carnet
    _exiger_la_personne(carnet, acteur)
    texte = _texte_valide(texte)
    expression = ExpressionPersonne.objects.create(
        carnet=carnet, type=Type.COMMENTAIRE_OBJECTIF, objectif=objectif, texte=texte, auteur=acteur
    )
    _historiser(expression, _resume(f"Commentaire sur l'objectif « {objectif.libelle} » : ", texte))
    return expression


@transaction.atomic
def donner_avis_diagnostic(diagnostic, *, acteur, confirme: bool, texte="") -> ExpressionPersonne:
    """La personne confirme le diagnostic partagé avec elle, ou dit ce qui ne lui convient pas (alors, un mot est
    demandé pour que son référent comprenne)."""
    carnet = diagnostic.carnet
    _exiger_la_personne(carnet, acteur)
    if diagnostic.partage_personne_le is None:
        raise ValidationError("Ce diagnostic n'a pas encore été partagé avec vous.")
    if not est_le_dernier_partage(diagnostic):
        raise ValidationError(DIAGNOSTIC_PERIME, code="diagnostic_perime")
    texte = _texte_valide(texte, obligatoire=not confirme)
    expression = ExpressionPersonne.objects.create(
        carnet=carnet,
        type=Type.AVIS_DIAGNOSTIC,
        diagnostic=diagnostic,
        confirme=confirme,
        texte=texte,
        auteur=acteur,
    )
    avis = "confirmé" if confirme else "la personne n'est pas d'accord"
    debut = f"Diagnostic (version {diagnostic.version}) : {avis}"
    _historiser(expression, _resume(f"{debut} – " if texte else debut, texte))
    return expression


def contrat_en_cours(carnet, aujourd_hui=None) -> ContratEngagement | None:
    """Le contrat d'engagement en cours : commencé, pas terminé ; le plus récent s'il y en a plusieurs."""
    jour = aujourd_hui or timezone.localdate()
    return (
        ContratEngagement.objects.filter(carnet=carnet, date_debut__lte=jour)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
        .order_by("-date_debut", "-id")
        .first()
    )


@transaction.atomic
def accepter_plan(carnet, *, acteur) -> ContratEngagement:
    """« Je suis d'accord avec mon plan » : l'accord de la personne sur son contrat en cours, daté d'aujourd'hui.
    Déjà donné, il n'est ni redaté ni répété dans l'historique."""
    _exiger_la_personne(carnet, acteur)
    contrat = contrat_en_cours(carnet)
    if contrat is None:
        raise ValidationError(
            "Vous n'avez pas encore de contrat d'engagement : votre référent vous le proposera lors d'un rendez-vous."
        )
    contrat = ContratEngagement.objects.select_for_update().get(pk=contrat.pk)
    if contrat.accord_personne_le is not None:
        return contrat
    contrat.accord_personne_le = timezone.localdate()
    contrat.save(update_fields=["accord_personne_le"])
    historiser(
        carnet,
        EvenementCarnet.Type.CONTRAT_ACCEPTE,
        acteur=acteur,
        contrat=str(contrat),
        par_la_personne=True,
        resume=f"{contrat} – accord donné par la personne depuis son espace",
    )
    return contrat


def diagnostic_partage(carnet) -> Diagnostic | None:
    """La dernière version du diagnostic partagée avec la personne."""
    return (
        Diagnostic.objects.filter(carnet=carnet, partage_personne_le__isnull=False)
        .select_related("professionnel", "second_professionnel", "organisation")
        .order_by("-version")
        .first()
    )


def est_le_dernier_partage(diagnostic) -> bool:
    """Ce diagnostic partagé est-il encore la dernière version partagée avec la personne ? Elle ne donne son avis que
    sur celle-là (une version plus récente a pu être partagée pendant qu'elle lisait)."""
    return not Diagnostic.objects.filter(
        carnet_id=diagnostic.carnet_id, partage_personne_le__isnull=False, version__gt=diagnostic.version
    ).exists()


def decisions_montrees_a_la_personne(carnet):
    """Les décisions d'orientation que la personne lit, dans son espace comme dans le PDF de son carnet : celles qui
    fixent son parcours (orienter, réorienter, jamais « maintenir ») et qui lui ont été notifiées (elle apprend une
    décision par sa notification), la plus récente d'abord."""
    return (
        DecisionOrientation.objects.filter(carnet=carnet, notifiee_le__isnull=False)
        .orientations()
        .select_related("organisme_referent")
        .order_by("-date_decision", "-pk")
    )
