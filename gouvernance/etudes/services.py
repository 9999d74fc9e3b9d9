"""Les études de situations : soumission par le référent (consentement de la personne recueilli, texte sans rien
qui l'identifie : voir `identite`), inscription à l'ordre du jour d'une séance du comité technique, recommandation
qui revient dans le carnet, retrait par le côté qui l'a soumise.

Chaque fonction vérifie que l'acteur en a le droit (comme les vues : ceux qui modifient le carnet côté carnet, le
secrétaire côté comité ; sinon `PermissionDenied`), verrouille ce qu'elle change, valide tout avant d'écrire, dans
une transaction : une erreur (message en français) ne laisse rien à moitié écrit. L'ordre du jour passe par les
services des séances (qui effacent les validations des co-présidents). Le comité ne connaît la personne que par son
pseudonyme (« Situation A. D. n° 3 »).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator

from gouvernance import permissions as permissions_gouvernance
from gouvernance.choix import TypeComite, TypePoint
from gouvernance.etudes import (
    identite,
    regles,
    signaux,  # noqa: F401 - un point supprimé rend son étude « soumise »
)
from gouvernance.models import Comite, EtudeSituation
from gouvernance.seances import services as seances
from parcours import permissions as permissions_carnet
from parcours.models import EvenementCarnet
from parcours.orientation.regles import departements_du_carnet
from parcours.services import historiser, organisation_de_l_acteur
from partenaires import permissions

Statut = EtudeSituation.Statut
EVENEMENT_RETRAIT = EvenementCarnet.Type.ETUDE_SITUATION_RETIREE
LONGUEUR_RESUME = 300
NOM_DANS_LE_TEXTE = identite.message([identite.NOM_ET_PRENOM])
CARNET_INTERDIT = "Vous ne pouvez pas modifier ce carnet."


def titre_du_point(etude) -> str:
    return f"Étude de situation — {etude.pseudonyme}"


def initiales(prenom: str, nom: str) -> str:
    """« A. D. » : la première lettre du prénom et du nom, en majuscules."""
    return " ".join(f"{mot.strip()[:1].upper()}." for mot in (prenom, nom) if mot.strip())


def _resume(texte: str) -> str:
    return Truncator(" ".join(texte.split())).chars(LONGUEUR_RESUME)


def _verrouiller(etude) -> EtudeSituation:
    return (
        EtudeSituation.objects.select_for_update(of=("self",))
        .select_related("comite", "carnet", "point__seance")
        .get(pk=etude.pk)
    )


def _exiger_le_secretaire(etude, acteur) -> None:
    permissions.require(permissions_gouvernance.can_edit_seances(acteur, etude.comite), regles.SECRETAIRE_SEUL)


def remettre_soumises(etudes) -> int:
    """Les études inscrites dont le point quitte l'ordre du jour redeviennent « soumises »."""
    return etudes.filter(statut=Statut.INSCRITE).update(statut=Statut.SOUMISE, point=None)


# --- Soumettre (côté carnet) -------------------------------------------------------------------------------------


def _verifier_soumission(carnet, *, comite, consentement, consentement_le, situation, question) -> None:
    erreurs = {}
    if comite is None:
        erreurs["comite"] = "Choisissez le comité technique."
    elif comite.type != TypeComite.TECHNIQUE or not comite.actif:
        erreurs["comite"] = "Une situation s'étudie en comité technique actif."
    elif comite.consortium.departement not in departements_du_carnet(carnet):
        erreurs["comite"] = "Ce comité technique relève d'un autre territoire que celui du carnet."
    if consentement not in EtudeSituation.Consentement.values:
        erreurs["consentement"] = "Sans le consentement de la personne, sa situation ne peut pas être soumise."
    if consentement_le is None:
        erreurs["consentement_le"] = "Indiquez la date à laquelle la personne a donné son accord."
    elif consentement_le > timezone.localdate():
        erreurs["consentement_le"] = "Le consentement ne peut pas être daté dans le futur."
    for champ, texte in (("situation", situation), ("question", question)):
        if not (texte or "").strip():
            erreurs[champ] = "Ce champ est obligatoire."
        elif donnees := identite.donnees_identifiantes(texte, carnet.personne):
            erreurs[champ] = identite.message(donnees)
    if erreurs:
        raise ValidationError(erreurs)


@transaction.atomic
def soumettre_etude(
    carnet, *, acteur, comite, consentement: str, consentement_le, situation: str, question: str
) -> EtudeSituation:
    """Soumet la situation au comité technique : numéro suivant du comité (sous verrou du comité), initiales de la
    personne, événement dans le carnet. Réservé à ceux qui modifient le carnet."""
    permissions.require(permissions_carnet.can_edit_carnet(acteur, carnet), CARNET_INTERDIT)
    _verifier_soumission(
        carnet,
        comite=comite,
        consentement=consentement,
        consentement_le=consentement_le,
        situation=situation,
        question=question,
    )
    organisation = organisation_de_l_acteur(carnet, acteur)
    if organisation is None:
        raise ValidationError("Vous n'agissez pour aucune organisation qui suit ce carnet.")
    comite = Comite.objects.select_for_update().get(pk=comite.pk)
    dernier = comite.etudes.aggregate(dernier=Max("numero"))["dernier"] or 0
    personne = carnet.personne
    etude = EtudeSituation(
        comite=comite,
        numero=dernier + 1,
        initiales=initiales(personne.prenom, personne.nom),
        carnet=carnet,
        situation=situation.strip(),
        question=question.strip(),
        consentement=consentement,
        consentement_le=consentement_le,
        soumise_par=acteur,
        organisation=organisation,
    )
    etude.full_clean()
    etude.save()
    historiser(
        carnet,
        EvenementCarnet.Type.ETUDE_SITUATION_SOUMISE,
        acteur=acteur,
        organisation=organisation,
        resume=(
            f"Situation soumise au comité « {comite.nom} » ({etude.pseudonyme}), "
            f"consentement {'écrit' if consentement == EtudeSituation.Consentement.ECRIT else 'oral'} "
            f"du {consentement_le:%d/%m/%Y}"
        ),
        etude=str(etude.uuid),
    )
    return etude


@transaction.atomic
def retirer_etude(etude, *, acteur) -> EtudeSituation:
    """La personne retire son consentement : l'étude est retirée avant la recommandation. Inscrite à un ordre du jour
    encore modifiable, elle en sort (les co-présidents revalident) ; après la convocation, l'ordre du jour est figé :
    le point reste sous pseudonyme, et le comité n'étudie plus la situation. Réservé à ceux qui modifient le
    carnet."""
    permissions.require(permissions_carnet.can_edit_carnet(acteur, etude.carnet), CARNET_INTERDIT)
    etude = _verrouiller(etude)
    if etude.statut == Statut.RETIREE:
        raise ValidationError("Cette étude est déjà retirée.")
    if etude.statut == Statut.RECOMMANDEE:
        raise ValidationError("Le comité a rendu sa recommandation : l'étude ne peut plus être retirée.")
    if etude.point is not None and etude.point.seance.ordre_du_jour_modifiable:
        seances.supprimer_point(etude.point, acteur=acteur)
        etude.point = None
    etude.statut = Statut.RETIREE
    etude.save(update_fields=["statut", "point"])
    historiser(
        etude.carnet,
        EVENEMENT_RETRAIT,
        acteur=acteur,
        resume=f"Étude retirée du comité « {etude.comite.nom} » ({etude.pseudonyme}) : consentement retiré",
        etude=str(etude.uuid),
    )
    return etude


# --- Ordre du jour et recommandation (côté comité) ---------------------------------------------------------------


@transaction.atomic
def inscrire_etude(etude, *, acteur, seance):
    """Inscrit une étude soumise à l'ordre du jour d'une séance du comité encore en préparation : un point
    « Étude de situation — Situation A. D. n° 3 », présenté par la question posée. Réservé au secrétaire."""
    _exiger_le_secretaire(etude, acteur)
    etude = _verrouiller(etude)
    if etude.statut != Statut.SOUMISE:
        raise ValidationError(
            f"Seule une étude soumise s'inscrit à l'ordre du jour (celle-ci : {etude.get_statut_display().lower()})."
        )
    if seance is None or seance.comite_id != etude.comite_id:
        raise ValidationError({"seance": "Choisissez une séance de ce comité."})
    point = seances.ajouter_point(
        seance, acteur=acteur, titre=titre_du_point(etude), type=TypePoint.INFORMATION, description=etude.question
    )
    etude.point, etude.statut = point, Statut.INSCRITE
    etude.save(update_fields=["point", "statut"])
    return etude


@transaction.atomic
def desinscrire_etude(etude, *, acteur) -> EtudeSituation:
    """Retire l'étude de l'ordre du jour (tant qu'il est modifiable) : elle redevient « soumise ». Réservé au
    secrétaire."""
    _exiger_le_secretaire(etude, acteur)
    etude = _verrouiller(etude)
    if etude.statut != Statut.INSCRITE or etude.point is None:
        raise ValidationError("Cette étude n'est inscrite à aucun ordre du jour.")
    seances.supprimer_point(etude.point, acteur=acteur)
    etude.refresh_from_db(fields=["statut", "point"])
    return etude


@transaction.atomic
def recommander(etude, *, acteur, recommandation: str, recommandee_le) -> EtudeSituation:
    """La recommandation du comité, une fois la séance commencée, une seule fois ; elle revient dans le carnet.
    Réservée au secrétaire."""
    _exiger_le_secretaire(etude, acteur)
    etude = _verrouiller(etude)
    if etude.statut == Statut.RECOMMANDEE:
        raise ValidationError(f"La recommandation a déjà été rendue le {etude.recommandee_le:%d/%m/%Y}.")
    if etude.statut != Statut.INSCRITE or etude.point is None:
        raise ValidationError("Le comité recommande sur une étude inscrite à l'ordre du jour d'une de ses séances.")
    seance = etude.point.seance
    if seance.date > timezone.now():
        raise ValidationError(
            f"La séance n'a pas commencé (le {timezone.localtime(seance.date):%d/%m/%Y à %H:%M}) : "
            "la recommandation se saisit ensuite."
        )
    erreurs = {}
    if not (recommandation or "").strip():
        erreurs["recommandation"] = "Écrivez la recommandation du comité."
    if recommandee_le is None:
        erreurs["recommandee_le"] = "Indiquez la date de la recommandation."
    elif recommandee_le > timezone.localdate():
        erreurs["recommandee_le"] = "La recommandation ne peut pas être datée dans le futur."
    elif recommandee_le < timezone.localdate(seance.date):
        erreurs["recommandee_le"] = "La recommandation ne peut pas précéder la séance qui l'a rendue."
    if erreurs:
        raise ValidationError(erreurs)
    etude.recommandation, etude.recommandee_le = recommandation.strip(), recommandee_le
    etude.recommandation_saisie_par, etude.statut = acteur, Statut.RECOMMANDEE
    etude.save(update_fields=["recommandation", "recommandee_le", "recommandation_saisie_par", "statut"])
    historiser(
        etude.carnet,
        EvenementCarnet.Type.ETUDE_SITUATION_RECOMMANDATION,
        acteur=acteur,
        resume=(
            f"Recommandation du comité « {etude.comite.nom} » ({etude.pseudonyme}) : {_resume(etude.recommandation)}"
        ),
        recommandation=etude.recommandation,
        etude=str(etude.uuid),
    )
    return etude
