"""Convocations : l'envoi par courriel, la réponse de la personne par lien signé, les rappels et les relances.

Les courriels partent après le commit (`transaction.on_commit`), par les tâches de `parcours.convocations.taches`.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parcours import permissions as regles
from parcours.convocations import contenu, taches
from parcours.models import EvenementCarnet, RendezVous
from parcours.services import historiser
from partenaires import permissions

DELAI_RAPPEL = timedelta(days=2)
DELAI_RELANCE = timedelta(days=3)


def _quand(date_heure) -> str:
    return timezone.localtime(date_heure).strftime("%d/%m/%Y à %H:%M")


def verifier_convocable(rendez_vous, maintenant=None) -> None:
    """On convoque (et on répond) à un rendez-vous prévu et à venir."""
    if rendez_vous.statut != RendezVous.Statut.PREVU:
        raise ValidationError(f"Ce rendez-vous n'est plus prévu ({rendez_vous.get_statut_display().lower()}).")
    if rendez_vous.date_heure <= (maintenant or timezone.now()):
        raise ValidationError("Ce rendez-vous est passé.")


def _verrouiller(rendez_vous) -> RendezVous:
    return (
        RendezVous.objects.select_for_update(of=("self",))
        .select_related("carnet__personne", "organisation", "cree_par")
        .get(pk=rendez_vous.pk)
    )


@transaction.atomic
def convoquer(rendez_vous, *, acteur) -> RendezVous:
    """Envoie la convocation par courriel (liens « Je viendrai » / « Je ne pourrai pas venir »). Sans adresse
    e-mail, rien n'est écrit : la lettre imprimable reste possible."""
    rendez_vous = _verrouiller(rendez_vous)
    carnet = rendez_vous.carnet
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    verifier_convocable(rendez_vous)
    if rendez_vous.convocation_envoyee_le:
        envoyee = timezone.localtime(rendez_vous.convocation_envoyee_le)
        raise ValidationError(f"La convocation a déjà été envoyée le {envoyee:%d/%m/%Y à %H:%M}.")
    if not carnet.personne.email:
        raise ValidationError(
            f"{carnet.personne} n'a pas d'adresse e-mail : la convocation ne peut pas partir par courriel. "
            "Imprimez la lettre de convocation pour la remettre ou l'envoyer par la poste."
        )
    rendez_vous.convocation_envoyee_le = timezone.now()
    rendez_vous.save(update_fields=["convocation_envoyee_le"])
    historiser(
        carnet,
        EvenementCarnet.Type.CONVOCATION_ENVOYEE,
        acteur=acteur,
        resume=f"Rendez-vous du {_quand(rendez_vous.date_heure)} ({rendez_vous.objet}) : "
        "convocation envoyée par courriel",
    )
    transaction.on_commit(lambda: taches.envoyer_convocation.delay(rendez_vous.pk))
    return rendez_vous


@transaction.atomic
def repondre(rendez_vous, *, reponse) -> RendezVous:
    """La personne répond par le lien signé de sa convocation, une seule fois. Elle n'a pas de compte :
    l'événement est attribué au responsable de la convocation (voir `contenu.responsable`)."""
    rendez_vous = _verrouiller(rendez_vous)
    if reponse not in RendezVous.Reponse.values:
        raise ValidationError("Cette réponse n'existe pas.")
    if rendez_vous.reponse:
        repondu = timezone.localtime(rendez_vous.repondu_le)
        raise ValidationError(
            f"Vous avez déjà répondu le {repondu:%d/%m/%Y à %H:%M} : {rendez_vous.get_reponse_display().lower()}."
        )
    verifier_convocable(rendez_vous)
    rendez_vous.reponse, rendez_vous.repondu_le = reponse, timezone.now()
    rendez_vous.save(update_fields=["reponse", "repondu_le"])
    historiser(
        rendez_vous.carnet,
        EvenementCarnet.Type.CONVOCATION_REPONDUE,
        acteur=contenu.responsable(rendez_vous),
        organisation=rendez_vous.organisation,
        resume=f"Rendez-vous du {_quand(rendez_vous.date_heure)} : {rendez_vous.get_reponse_display().lower()} "
        "par la personne (lien de sa convocation)",
    )
    if reponse == RendezVous.Reponse.EMPECHE:
        transaction.on_commit(lambda: taches.prevenir_empechement.delay(rendez_vous.pk))
    return rendez_vous


# --- Travaux planifiés (commande envoyer_rappels) ---------------------------------------------------------


def a_rappeler(maintenant):
    """Rendez-vous prévus dans les 48 heures, pas encore rappelés, personne joignable par courriel ; ni quand la
    personne a dit ne pas pouvoir venir, ni quand la convocation elle-même est partie dans ces 48 heures."""
    return (
        RendezVous.objects.filter(
            statut=RendezVous.Statut.PREVU,
            date_heure__gt=maintenant,
            date_heure__lte=maintenant + DELAI_RAPPEL,
            rappel_envoye_le__isnull=True,
        )
        .exclude(carnet__personne__email="")
        .exclude(reponse=RendezVous.Reponse.EMPECHE)
        .exclude(convocation_envoyee_le__gte=F("date_heure") - DELAI_RAPPEL)
    )


def a_relancer(maintenant):
    """Convocations sans réponse depuis 3 jours, pas encore relancées, pour un rendez-vous encore à venir et hors
    des 48 heures du rappel (le rappel, qui porte les liens de réponse, en tient lieu)."""
    return RendezVous.objects.filter(
        statut=RendezVous.Statut.PREVU,
        date_heure__gt=maintenant + DELAI_RAPPEL,
        convocation_envoyee_le__lte=maintenant - DELAI_RELANCE,
        reponse="",
        relance_envoyee_le__isnull=True,
    ).exclude(carnet__personne__email="")


# travail → (sélection, marque, type d'événement, résumé, tâche qui écrit à la personne)
TRAVAUX = {
    "rappels": (
        a_rappeler,
        "rappel_envoye_le",
        EvenementCarnet.Type.RAPPEL_RENDEZ_VOUS,
        "rappel envoyé par courriel",
        taches.envoyer_rappel,
    ),
    "relances": (
        a_relancer,
        "relance_envoyee_le",
        EvenementCarnet.Type.CONVOCATION_RELANCEE,
        "convocation relancée par courriel (sans réponse depuis 3 jours)",
        taches.envoyer_relance,
    ),
}


@transaction.atomic
def envoyer(travail: str, *, maintenant=None) -> int:
    """Marque d'un coup les rendez-vous concernés (verrouillés, ceux d'un autre passage en cours sont sautés),
    écrit leurs événements d'un coup, et confie les courriels aux tâches après le commit. Un second passage ne
    trouve plus rien : la marque fait partie de la sélection."""
    selection, champ, type_evenement, quoi, tache = TRAVAUX[travail]
    maintenant = maintenant or timezone.now()
    lignes = list(
        contenu.annoter_responsable(selection(maintenant).select_for_update(skip_locked=True, of=("self",))).values(
            "pk", "carnet_id", "organisation_id", "responsable_id", "date_heure", "objet"
        )
    )
    ids = [ligne["pk"] for ligne in lignes]
    RendezVous.objects.filter(pk__in=ids).update(**{champ: maintenant})
    EvenementCarnet.objects.bulk_create(
        EvenementCarnet(
            carnet_id=ligne["carnet_id"],
            type=type_evenement,
            acteur_id=ligne["responsable_id"],
            organisation_id=ligne["organisation_id"],
            date=maintenant,
            details={"resume": f"Rendez-vous du {_quand(ligne['date_heure'])} ({ligne['objet']}) : {quoi}"},
        )
        for ligne in lignes
    )
    transaction.on_commit(lambda: [tache.delay(pk) for pk in ids])
    return len(ids)
