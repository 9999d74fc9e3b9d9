"""Les services des manquements : constat, examen du motif légitime, avis, observations, décision, levée.

Chaque service vérifie le droit d'agir (`acces`), puis toutes les règles (`regles`) avant d'écrire, en une
transaction ; il écrit un événement du carnet dont le résumé est rédigé pour la personne (elle voit son historique
dans son espace) et ne dit rien des faits ni des observations."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from parcours.models import Carnet, DossierEquipe, EvenementCarnet, Manquement
from parcours.orientation.regles import departements_du_carnet
from parcours.sanctions import acces, regles, taches
from parcours.services import historiser, organisation_de_l_acteur
from partenaires import permissions

Type = EvenementCarnet.Type


def _organisation_qui_agit(carnet, acteur):
    """L'organisation de l'acteur sur ce carnet, sinon (chargé d'orientation) son Département du territoire."""
    return organisation_de_l_acteur(carnet, acteur) or acces.departement_organisations_du_charge(acteur, carnet).first()


def _historiser(manquement, type_evenement, *, acteur, organisation, resume: str, **details) -> EvenementCarnet:
    return historiser(
        manquement.carnet,
        type_evenement,
        acteur=acteur,
        organisation=organisation,
        manquement=str(manquement.uuid),
        resume=resume,
        **details,
    )


def _le(jour: date) -> str:
    return f"{jour:%d/%m/%Y}"


def _verrouiller(manquement) -> Manquement:
    """Relit le manquement sous verrou : deux décisions simultanées ne passent pas toutes les deux."""
    return Manquement.objects.select_for_update().select_related("carnet__personne").get(pk=manquement.pk)


@transaction.atomic
def constater(carnet, *, acteur, type: str, faits: str, date_faits: date) -> Manquement:
    permissions.require(acces.peut_instruire(acteur, carnet), "Vous ne pouvez pas constater de manquement ici.")
    regles.verifier_constat(date_faits=date_faits, faits=faits, aujourd_hui=timezone.localdate())
    organisation = _organisation_qui_agit(carnet, acteur)
    manquement = Manquement.objects.create(
        carnet=carnet,
        type=type,
        faits=faits.strip(),
        date_faits=date_faits,
        constate_par=acteur,
        organisation=organisation,
    )
    _historiser(
        manquement,
        Type.MANQUEMENT_CONSTATE,
        acteur=acteur,
        organisation=organisation,
        resume=f"{manquement.get_type_display()} (faits du {_le(date_faits)})",
    )
    return manquement


@transaction.atomic
def examiner_motif(manquement, *, acteur, motif_legitime: bool, precision: str, examine_le: date) -> Manquement:
    permissions.require(acces.peut_instruire(acteur, manquement.carnet), "Vous ne pouvez pas instruire ce manquement.")
    manquement = _verrouiller(manquement)
    regles.verifier_examen_motif(
        manquement, examine_le=examine_le, precision=precision, aujourd_hui=timezone.localdate()
    )
    manquement.motif_legitime = motif_legitime
    manquement.motif_legitime_precision = precision.strip()
    manquement.motif_legitime_examine_le = examine_le
    if motif_legitime:
        manquement.statut = Manquement.Statut.MOTIF_LEGITIME
    manquement.save(update_fields=["motif_legitime", "motif_legitime_precision", "motif_legitime_examine_le", "statut"])
    if motif_legitime:
        resume = "motif légitime reconnu : la procédure est close, sans sanction"
    else:
        resume = "aucun motif légitime retenu : un avis de manquement va être adressé à la personne"
    _historiser(
        manquement,
        Type.MANQUEMENT_MOTIF_LEGITIME,
        acteur=acteur,
        organisation=_organisation_qui_agit(manquement.carnet, acteur),
        resume=resume,
    )
    return manquement


@transaction.atomic
def envoyer_avis(manquement, *, acteur, avis_envoye_le: date, canal: str) -> Manquement:
    permissions.require(acces.peut_instruire(acteur, manquement.carnet), "Vous ne pouvez pas instruire ce manquement.")
    manquement = _verrouiller(manquement)
    regles.verifier_avis(
        manquement,
        avis_envoye_le=avis_envoye_le,
        canal=canal,
        email=manquement.carnet.personne.email,
        aujourd_hui=timezone.localdate(),
    )
    jours = regles.jours_observations(departements_du_carnet(manquement.carnet))
    manquement.avis_envoye_le = avis_envoye_le
    manquement.canal_avis = canal
    manquement.fin_observations = regles.fin_observations(avis_envoye_le, jours)
    manquement.statut = Manquement.Statut.AVIS_ENVOYE
    manquement.save(update_fields=["avis_envoye_le", "canal_avis", "fin_observations", "statut"])
    evenement = _historiser(
        manquement,
        Type.MANQUEMENT_AVIS_ENVOYE,
        acteur=acteur,
        organisation=_organisation_qui_agit(manquement.carnet, acteur),
        resume=f"le {_le(avis_envoye_le)} ({manquement.get_canal_avis_display().lower()}) : observations possibles "
        f"jusqu'au {_le(manquement.fin_observations)} inclus",
    )
    if canal == Manquement.Canal.COURRIEL:
        transaction.on_commit(lambda: taches.envoyer_avis.delay(evenement.pk))
    return manquement


@transaction.atomic
def enregistrer_observations(manquement, *, acteur, observations: str, recues_le: date) -> Manquement:
    permissions.require(acces.peut_instruire(acteur, manquement.carnet), "Vous ne pouvez pas instruire ce manquement.")
    manquement = _verrouiller(manquement)
    regles.verifier_observations(manquement, texte=observations, recues_le=recues_le, aujourd_hui=timezone.localdate())
    manquement.observations = observations.strip()
    manquement.observations_recues_le = recues_le
    manquement.save(update_fields=["observations", "observations_recues_le"])
    _historiser(
        manquement,
        Type.MANQUEMENT_OBSERVATIONS,
        acteur=acteur,
        organisation=_organisation_qui_agit(manquement.carnet, acteur),
        resume=f"reçues le {_le(recues_le)}",
    )
    return manquement


def _decision_en_clair(manquement) -> str:
    if manquement.decision == Manquement.Decision.SUSPENSION:
        return f"suspension du RSA de {manquement.taux_suspension} % pendant {manquement.duree_mois} mois"
    if manquement.decision == Manquement.Decision.RADIATION:
        return "radiation de la liste des bénéficiaires du RSA"
    return "pas de sanction"


def libelle_decision(manquement) -> str:
    """La décision en quelques mots neutres, sans son motif : ce que lit l'équipe pluridisciplinaire."""
    return capfirst(_decision_en_clair(manquement))


def resume_decision(manquement) -> str:
    accord = "décidé" if manquement.decision == Manquement.Decision.SANS_SANCTION else "décidée"
    return f"{_decision_en_clair(manquement)} ({accord} le {_le(manquement.decide_le)})"


@transaction.atomic
def decider(
    manquement,
    *,
    acteur,
    decision: str,
    decide_le: date,
    motif: str,
    taux: int | None = None,
    duree: int | None = None,
    personnes_foyer: int | None = None,
) -> Manquement:
    """La décision du président du Département (ou de son délégataire), écrite aussi sur les dossiers de l'équipe
    pluridisciplinaire qui ont rendu leur avis sur ce manquement (la décision en clair, jamais son motif).

    Le carnet est verrouillé d'abord : deux décisions simultanées sur deux manquements du même carnet se suivent,
    et la seconde voit la première pour dire si le manquement est répété."""
    permissions.require(
        acces.peut_decider(acteur, manquement.carnet),
        "Seul le président du Département, ou son délégataire, décide d'une sanction.",
    )
    Carnet.objects.select_for_update().only("pk").get(pk=manquement.carnet_id)
    manquement = _verrouiller(manquement)
    dossiers = list(regles.avis_de_l_equipe(manquement).select_for_update())
    recidive = regles.est_recidive(manquement)
    regles.verifier_decision(
        manquement,
        decision=decision,
        decide_le=decide_le,
        motif=motif,
        taux=taux,
        duree=duree,
        personnes_foyer=personnes_foyer,
        recidive=recidive,
        avis_equipe=bool(dossiers),
        aujourd_hui=timezone.localdate(),
    )
    suspension = decision == Manquement.Decision.SUSPENSION
    organisation = acces.departement_organisations_du_charge(acteur, manquement.carnet).first()
    manquement.decision = decision
    manquement.decide_le = decide_le
    manquement.motif_decision = motif.strip()
    manquement.taux_suspension = taux if suspension else None
    manquement.duree_mois = duree if suspension else None
    manquement.personnes_foyer = personnes_foyer if suspension else None
    manquement.recidive = recidive
    manquement.decideur = acteur
    manquement.organisation_decideuse = organisation
    manquement.statut = Manquement.Statut.DECIDE
    manquement.save()
    decision_equipe = (
        DossierEquipe.Decision.SANCTION
        if decision in regles.DECISIONS_SANCTION
        else DossierEquipe.Decision.SANS_SANCTION
    )
    for dossier in dossiers:
        dossier.decision = decision_equipe
        dossier.motif_decision = libelle_decision(manquement)
        dossier.decide_le = decide_le
        dossier.decideur = acteur
        dossier.save(update_fields=["decision", "motif_decision", "decide_le", "decideur"])
    _historiser(
        manquement, Type.SANCTION_DECIDEE, acteur=acteur, organisation=organisation, resume=resume_decision(manquement)
    )
    return manquement


@transaction.atomic
def lever(manquement, *, acteur, levee_le: date, motif: str) -> Manquement:
    permissions.require(
        acces.peut_decider(acteur, manquement.carnet),
        "Seul le président du Département, ou son délégataire, lève une sanction.",
    )
    manquement = _verrouiller(manquement)
    regles.verifier_levee(manquement, levee_le=levee_le, motif=motif, aujourd_hui=timezone.localdate())
    manquement.levee_le = levee_le
    manquement.motif_levee = motif.strip()
    manquement.levee_par = acteur
    manquement.save(update_fields=["levee_le", "motif_levee", "levee_par"])
    _historiser(
        manquement,
        Type.SANCTION_LEVEE,
        acteur=acteur,
        organisation=acces.departement_organisations_du_charge(acteur, manquement.carnet).first(),
        resume=f"le {_le(levee_le)} : la personne s'est conformée à ses obligations",
    )
    return manquement
