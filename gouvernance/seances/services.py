"""Les séances d'un comité, de leur création à la convocation : date et lieu, ordre du jour (points ordonnés),
validation par les co-présidents, envoi de la convocation.

Chaque fonction verrouille la séance, valide tout avant d'écrire, dans une transaction : une erreur (message en
français) ne laisse rien à moitié écrit. L'ordre du jour se modifie en préparation et une fois validé ; toute
modification efface les validations et remet la séance en préparation ; après la convocation il est figé, et une
séance clôturée ne change plus. Les courriels de convocation partent après le commit
(`gouvernance.seances.taches.envoyer_convocations`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gouvernance.choix import StatutSeance, TypePoint
from gouvernance.models import EnvoiConvocation, Mandat, Point, Seance, ValidationOrdreDuJour
from gouvernance.seances import taches

SEANCE_CLOTUREE = "La séance est clôturée : elle est figée."
DATE_PASSEE = "Une séance se prévoit à une date à venir."
CONVOCATION_DATE_PASSEE = "Une convocation ne peut pas être envoyée pour une date passée."
LIEU_OU_VISIO = "Indiquez un lieu, un lien de visioconférence, ou les deux."
FICHE_AUTRE_TERRITOIRE = "Cette fiche action relève d'un autre territoire."
FICHE_OBLIGATOIRE = "Un point de suivi d'une fiche action désigne cette fiche."
SANS_COPRESIDENT = (
    "Ce comité n'a pas de co-président : personne ne peut valider l'ordre du jour. "
    "Le pilote du territoire désigne les co-présidents sur la page du comité."
)
SENS = ("haut", "bas")


def _quand(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}"


def _verrouiller(seance) -> Seance:
    """Relit la séance sous verrou : deux demandes simultanées passent l'une après l'autre, sur l'état à jour."""
    return (
        Seance.objects.select_for_update(of=("self",)).select_related("comite", "comite__consortium").get(pk=seance.pk)
    )


def _verifier_non_cloturee(seance) -> None:
    if seance.est_cloturee:
        raise ValidationError(SEANCE_CLOTUREE)


def _verifier_ordre_du_jour_modifiable(seance) -> None:
    _verifier_non_cloturee(seance)
    if not seance.ordre_du_jour_modifiable:
        raise ValidationError(
            f"La convocation est partie le {_quand(seance.convocation_envoyee_le)} : l'ordre du jour est figé."
        )


def _verifier_date_et_lieu(*, date, lieu: str, lien_visio: str) -> None:
    erreurs = {}
    if date is None:
        erreurs["date"] = "Indiquez la date et l'heure de la séance."
    elif date <= timezone.now():
        erreurs["date"] = DATE_PASSEE
    if not (lieu or "").strip() and not (lien_visio or "").strip():
        erreurs["lieu"] = LIEU_OU_VISIO
    if erreurs:
        raise ValidationError(erreurs)


def _ordre_du_jour_modifie(seance) -> None:
    """Toute modification de l'ordre du jour efface les validations des co-présidents : ils revalident."""
    seance.validations.all().delete()
    if seance.statut != StatutSeance.PREPARATION:
        seance.statut = StatutSeance.PREPARATION
        seance.save(update_fields=["statut"])


# --- Séance -------------------------------------------------------------------------------------


@transaction.atomic
def creer_seance(comite, *, acteur, date, lieu: str = "", lien_visio: str = "") -> Seance:
    """Prévoit une séance du comité, à une date à venir, dans un lieu et/ou en visioconférence."""
    if not comite.actif:
        raise ValidationError("Ce comité n'est plus actif : il ne tient plus de séance.")
    _verifier_date_et_lieu(date=date, lieu=lieu, lien_visio=lien_visio)
    seance = Seance(comite=comite, date=date, lieu=lieu.strip(), lien_visio=lien_visio.strip(), cree_par=acteur)
    seance.full_clean()
    seance.save()
    return seance


@transaction.atomic
def modifier_seance(seance, *, acteur, date, lieu: str = "", lien_visio: str = "") -> Seance:
    """Change la date, le lieu ou la visioconférence tant que la convocation n'est pas partie. L'ordre du jour
    n'est pas touché : ses validations restent."""
    seance = _verrouiller(seance)
    _verifier_non_cloturee(seance)
    if not seance.ordre_du_jour_modifiable:
        raise ValidationError(
            f"La convocation est partie le {_quand(seance.convocation_envoyee_le)} : la séance ne se modifie plus."
        )
    _verifier_date_et_lieu(date=date, lieu=lieu, lien_visio=lien_visio)
    seance.date, seance.lieu, seance.lien_visio = date, lieu.strip(), lien_visio.strip()
    seance.full_clean()
    seance.save(update_fields=["date", "lieu", "lien_visio"])
    return seance


# --- Ordre du jour ------------------------------------------------------------------------------


def _verifier_point(seance, *, titre: str, type: str, fiche_action) -> None:
    erreurs = {}
    if not (titre or "").strip():
        erreurs["titre"] = "Donnez un intitulé au point."
    if type not in TypePoint.values:
        erreurs["type"] = "Ce type de point n'existe pas."
    if fiche_action is not None and fiche_action.consortium_id != seance.comite.consortium_id:
        erreurs["fiche_action"] = FICHE_AUTRE_TERRITOIRE
    elif fiche_action is None and type == TypePoint.SUIVI_FICHE:
        erreurs["fiche_action"] = FICHE_OBLIGATOIRE
    if erreurs:
        raise ValidationError(erreurs)


@transaction.atomic
def ajouter_point(
    seance,
    *,
    acteur,
    titre: str,
    type: str = TypePoint.INFORMATION,
    description: str = "",
    duree_minutes: int | None = None,
    fiche_action=None,
) -> Point:
    """Ajoute un point à la fin de l'ordre du jour."""
    seance = _verrouiller(seance)
    _verifier_ordre_du_jour_modifiable(seance)
    _verifier_point(seance, titre=titre, type=type, fiche_action=fiche_action)
    dernier = seance.points.order_by("-ordre").values_list("ordre", flat=True).first() or 0
    point = Point(
        seance=seance,
        ordre=dernier + 1,
        titre=titre.strip(),
        type=type,
        description=description,
        duree_minutes=duree_minutes,
        fiche_action=fiche_action,
    )
    point.full_clean()
    point.save()
    _ordre_du_jour_modifie(seance)
    return point


@transaction.atomic
def modifier_point(
    point,
    *,
    acteur,
    titre: str,
    type: str,
    description: str = "",
    duree_minutes: int | None = None,
    fiche_action=None,
) -> Point:
    seance = _verrouiller(point.seance)
    _verifier_ordre_du_jour_modifiable(seance)
    _verifier_point(seance, titre=titre, type=type, fiche_action=fiche_action)
    point.seance = seance
    point.titre, point.type, point.description = titre.strip(), type, description
    point.duree_minutes, point.fiche_action = duree_minutes, fiche_action
    point.full_clean()
    point.save(update_fields=["titre", "type", "description", "duree_minutes", "fiche_action"])
    _ordre_du_jour_modifie(seance)
    return point


def _renumeroter(points: list[Point]) -> None:
    """Numérote les points 1, 2, 3… dans l'ordre de la liste (sans trou), en n'écrivant que ceux qui changent."""
    changes = []
    for numero, point in enumerate(points, start=1):
        if point.ordre != numero:
            point.ordre = numero
            changes.append(point)
    Point.objects.bulk_update(changes, ["ordre"])


@transaction.atomic
def supprimer_point(point, *, acteur) -> None:
    """Retire un point ; les suivants remontent d'un rang."""
    seance = _verrouiller(point.seance)
    _verifier_ordre_du_jour_modifiable(seance)
    if point.decisions.exists():
        raise ValidationError("Ce point porte des décisions : il ne peut pas être retiré.")
    point.delete()
    _renumeroter(list(seance.points.order_by("ordre", "pk")))
    _ordre_du_jour_modifie(seance)


@transaction.atomic
def deplacer_point(point, *, acteur, sens: str) -> Point:
    """Monte (`haut`) ou descend (`bas`) un point d'un rang dans l'ordre du jour."""
    if sens not in SENS:
        raise ValidationError("Indiquez le sens du déplacement : vers le haut ou vers le bas.")
    seance = _verrouiller(point.seance)
    _verifier_ordre_du_jour_modifiable(seance)
    points = list(seance.points.order_by("ordre", "pk"))
    rang = next(i for i, p in enumerate(points) if p.pk == point.pk)
    voisin = rang - 1 if sens == "haut" else rang + 1
    if voisin < 0:
        raise ValidationError("Ce point ouvre déjà l'ordre du jour.")
    if voisin >= len(points):
        raise ValidationError("Ce point clôt déjà l'ordre du jour.")
    points[rang], points[voisin] = points[voisin], points[rang]
    _renumeroter(points)
    _ordre_du_jour_modifie(seance)
    point.ordre = voisin + 1
    return point


# --- Validation par les co-présidents -----------------------------------------------------------


@transaction.atomic
def valider_ordre_du_jour(seance, *, acteur, copresidence) -> ValidationOrdreDuJour:
    """Un co-président valide l'ordre du jour (une fois) ; quand tous l'ont validé, la séance passe à « ordre du
    jour validé » et la convocation peut partir."""
    seance = _verrouiller(seance)
    _verifier_non_cloturee(seance)
    if copresidence.comite_id != seance.comite_id:
        raise ValidationError("Vous ne co-présidez pas ce comité.")
    if seance.statut == StatutSeance.CONVOQUEE:
        raise ValidationError("La convocation est partie : l'ordre du jour est déjà validé et figé.")
    deja = seance.validations.filter(copresidence=copresidence).first()
    if deja:
        raise ValidationError(f"Vous avez déjà validé cet ordre du jour le {_quand(deja.date)}.")
    if not seance.points.exists():
        raise ValidationError("L'ordre du jour n'a aucun point : il ne peut pas être validé.")
    validation = ValidationOrdreDuJour(seance=seance, copresidence=copresidence, utilisateur=acteur)
    validation.save()
    recalculer_validation(seance)
    return validation


def ordre_du_jour_valide(seance) -> bool:
    """La règle : chacun des co-présidents actuels (un ou deux) a validé l'ordre du jour."""
    attendues = set(seance.comite.copresidences.values_list("pk", flat=True))
    faites = set(seance.validations.values_list("copresidence_id", flat=True))
    return bool(attendues) and attendues <= faites


def recalculer_validation(seance) -> None:
    """Le statut d'une séance pas encore convoquée suit la règle : appelé après une validation, et quand les
    co-présidences du comité changent (un co-président ajouté doit valider ; un retiré ne compte plus)."""
    if seance.statut not in (StatutSeance.PREPARATION, StatutSeance.ORDRE_DU_JOUR_VALIDE):
        return
    statut = StatutSeance.ORDRE_DU_JOUR_VALIDE if ordre_du_jour_valide(seance) else StatutSeance.PREPARATION
    if statut != seance.statut:
        seance.statut = statut
        seance.save(update_fields=["statut"])


# --- Convocation --------------------------------------------------------------------------------


def mandats_a_convoquer(seance):
    """Les titulaires et suppléants en cours de mandat à la date de la séance, sur les sièges du comité."""
    return Mandat.objects.de_la_seance(seance).order_by("siege__ordre", "siege_id", "qualite", "pk")


def _verifier_ordre_du_jour_valide(seance) -> None:
    if ordre_du_jour_valide(seance):
        return
    copresidents = seance.comite.copresidences.count()
    if not copresidents:
        raise ValidationError(SANS_COPRESIDENT)
    validations = seance.validations.filter(copresidence__isnull=False).count()
    raise ValidationError(
        "L'ordre du jour doit d'abord être validé par les co-présidents "
        f"({validations} validation{'s' if validations > 1 else ''} sur {copresidents})."
    )


@transaction.atomic
def envoyer_convocation(seance, *, acteur) -> int:
    """Convoque les titulaires et suppléants en cours de mandat : la séance passe à « convoquée », une ligne
    `EnvoiConvocation` par personne, puis, après le commit, une tâche leur écrit (ordre du jour en PDF joint).
    Rend le nombre de personnes convoquées."""
    seance = _verrouiller(seance)
    _verifier_non_cloturee(seance)
    if seance.statut == StatutSeance.CONVOQUEE:
        raise ValidationError(f"La convocation a déjà été envoyée le {_quand(seance.convocation_envoyee_le)}.")
    _verifier_ordre_du_jour_valide(seance)
    maintenant = timezone.now()
    if seance.date <= maintenant:
        raise ValidationError(CONVOCATION_DATE_PASSEE)
    mandats = list(mandats_a_convoquer(seance).only("pk", "email"))
    if not mandats:
        raise ValidationError(
            "Personne n'est à convoquer : aucun titulaire ni suppléant n'est en cours de mandat à la date de la "
            "séance. Le pilote du territoire nomme les membres des sièges sur la page du comité."
        )
    seance.statut, seance.convocation_envoyee_le = StatutSeance.CONVOQUEE, maintenant
    seance.save(update_fields=["statut", "convocation_envoyee_le"])
    EnvoiConvocation.objects.bulk_create(
        EnvoiConvocation(seance=seance, mandat=mandat, email=mandat.email) for mandat in mandats
    )
    transaction.on_commit(lambda: taches.envoyer_convocations.delay(seance.pk))
    return len(mandats)
