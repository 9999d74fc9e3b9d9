"""Écritures de l'orientation : demander, expliquer un retard, décider (orienter, réorienter, maintenir), notifier,
transférer vers un autre territoire et, 30 jours après, retirer l'accès du territoire de départ.

Chaque fonction : une transaction, les droits par la façade, un événement d'historique ; les courriels partent
après la validation de la transaction."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from parcours import permissions as regles_carnet
from parcours import services as carnet_services
from parcours.choix import MODIFIER_CARNET, PERMISSIONS_DU_PARTAGE, VOIR_CARNET
from parcours.models import (
    Carnet,
    Consentement,
    DecisionOrientation,
    DemandeOrientation,
    Diagnostic,
    EvenementCarnet,
    Intervenant,
    TransfertTerritoire,
)
from parcours.orientation import criteres as criteres_orientation
from parcours.orientation import regles
from parcours.orientation.taches import prevenir_decision
from partenaires import permissions

INTERDIT = "Vous ne pouvez pas modifier ce carnet."
Motif = DemandeOrientation.Motif
Sens = DecisionOrientation.Sens
Devenir = DecisionOrientation.DevenirAncienReferent
Parcours = Diagnostic.Parcours
MOTIFS_DEMANDES_PAR_LE_SUIVI = (Motif.ENTREE_RSA, Motif.PREMIERE_ORIENTATION)


def _verrouiller(carnet, acteur) -> Carnet:
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    permissions.require(regles_carnet.can_edit_carnet(acteur, carnet), INTERDIT)
    return carnet


def _pas_dans_le_futur(jour, champ: str, quoi: str) -> None:
    if jour is not None and jour > timezone.localdate():
        raise ValidationError({champ: f"{quoi} ne peut pas être dans le futur."})


def _partager_en_lecture(carnet, organisation, *, acteur) -> None:
    """La file d'orientation voit le carnet (lecture seule : elle décide par le service d'orientation). Appelé pour
    toute demande adressée à une file (`_creer_demande`)."""
    if not regles_carnet.organisation_partage(carnet, organisation):
        permissions.partager(carnet, organisation, VOIR_CARNET)
        carnet_services.historiser(
            carnet, EvenementCarnet.Type.PARTAGE_AJOUTE, acteur=acteur, nom=f"{organisation.nom} (lecture)"
        )


def _creer_demande(carnet, *, acteur, partager_en_lecture=True, **champs) -> DemandeOrientation:
    """La demande, puis le partage en lecture avec sa file : la demande existe quand le partage est écrit, c'est elle
    qui le fait relever du cadre légal (`conservation.partage_du_cadre_legal`, sous une opposition au partage)."""
    demande = DemandeOrientation(
        carnet=carnet,
        demandeur=acteur,
        organisation_demandeuse=carnet_services.organisation_de_l_acteur(carnet, acteur),
        **champs,
    )
    demande.full_clean()  # dont « une seule demande ouverte par carnet », avec son message
    demande.save()
    if partager_en_lecture:
        _partager_en_lecture(carnet, demande.organisation_orientation, acteur=acteur)
    return demande


@transaction.atomic
def demander_orientation(carnet, *, acteur, organisation_orientation, motif, date_reception) -> DemandeOrientation:
    """Met la personne dans la file de l'organisation qui oriente, qui reçoit la lecture du carnet."""
    carnet = _verrouiller(carnet, acteur)
    if motif not in MOTIFS_DEMANDES_PAR_LE_SUIVI:
        raise ValidationError({"motif": "Choisissez une nouvelle entrée au RSA ou une première orientation."})
    _pas_dans_le_futur(date_reception, "date_reception", "La date de réception de l'information")
    qui_orientent = regles.organisations_qui_orientent(dans=regles.departements_du_carnet(carnet))
    if not qui_orientent.filter(pk=organisation_orientation.pk).exists():
        raise ValidationError(
            {"organisation_orientation": "Choisissez le Département ou une organisation qui oriente, du territoire."}
        )
    demande = _creer_demande(
        carnet,
        acteur=acteur,
        motif=motif,
        organisation_orientation=organisation_orientation,
        date_reception=date_reception,
    )
    resume = f"{demande.get_motif_display()}, file de {organisation_orientation.nom}"
    if demande.date_limite:
        resume += f", à décider au plus tard le {demande.date_limite:%d/%m/%Y}"
    carnet_services.historiser(carnet, EvenementCarnet.Type.ORIENTATION_DEMANDEE, acteur=acteur, resume=resume)
    return demande


def orientation_en_cours(carnet) -> DecisionOrientation | None:
    return (
        DecisionOrientation.objects.orientations()
        .filter(carnet=carnet)
        .select_related("organisme_referent", "referent", "demande__organisation_orientation")
        .first()
    )


@transaction.atomic
def demander_reorientation(carnet, *, acteur, parcours_recommande, motif_demande) -> DemandeOrientation:
    """Le référent demande à revoir l'orientation ; la demande va à la file qui a décidé l'orientation en cours."""
    carnet = _verrouiller(carnet, acteur)
    permissions.require(regles.est_referent(acteur, carnet), "Seul le référent de parcours demande une réorientation.")
    orientation = orientation_en_cours(carnet)
    if orientation is None:
        raise ValidationError("La personne n'a pas encore d'orientation : demandez d'abord une orientation.")
    if DemandeOrientation.objects.en_attente().filter(carnet=carnet).exists():
        raise ValidationError(
            "Une demande d'orientation est déjà ouverte pour cette personne : attendez sa décision avant d'en "
            "demander une autre."
        )
    if parcours_recommande not in Parcours.values:
        raise ValidationError({"parcours_recommande": "Choisissez le parcours recommandé."})
    if not (motif_demande or "").strip():
        raise ValidationError({"motif_demande": "Expliquez pourquoi l'orientation est à revoir."})
    demande = _creer_demande(
        carnet,
        acteur=acteur,
        motif=Motif.REORIENTATION,
        organisation_orientation=orientation.demande.organisation_orientation,
        date_reception=timezone.localdate(),
        parcours_recommande=parcours_recommande,
        motif_demande=(motif_demande or "").strip(),
    )
    carnet_services.historiser(
        carnet,
        EvenementCarnet.Type.REORIENTATION_DEMANDEE,
        acteur=acteur,
        resume=f"Parcours recommandé : {demande.get_parcours_recommande_display()}, "
        f"file de {demande.organisation_orientation.nom}",
    )
    return demande


def _verrouiller_demande(demande, acteur) -> DemandeOrientation:
    demande = (
        DemandeOrientation.objects.select_for_update()
        .select_related("carnet__personne", "organisation_orientation")
        .get(pk=demande.pk)
    )
    permissions.require(regles.peut_orienter(acteur, demande), "Vous ne traitez pas la file de cette demande.")
    if demande.statut != DemandeOrientation.Statut.EN_ATTENTE:
        raise ValidationError("Cette demande est déjà décidée.")
    return demande


@transaction.atomic
def expliquer_retard(demande, *, acteur, cause_retard, precision_retard="") -> DemandeOrientation:
    demande = _verrouiller_demande(demande, acteur)
    if cause_retard not in DemandeOrientation.CauseRetard.values:
        raise ValidationError({"cause_retard": "Choisissez la cause du retard dans la liste."})
    demande.cause_retard = cause_retard
    demande.precision_retard = (precision_retard or "").strip()
    demande.full_clean()
    demande.save(update_fields=["cause_retard", "precision_retard"])
    carnet_services.historiser(
        demande.carnet,
        EvenementCarnet.Type.RETARD_ORIENTATION_EXPLIQUE,
        acteur=acteur,
        organisation=demande.organisation_orientation,
        resume=demande.get_cause_retard_display(),
    )
    return demande


def _sens_permis(demande) -> set[str]:
    if demande.motif == Motif.REORIENTATION:
        return {Sens.REORIENTER, Sens.MAINTENIR}
    return {Sens.ORIENTER}


def _valider_notification(notifiee_le, canal, date_decision) -> None:
    if bool(notifiee_le) != bool(canal):
        champ = "canal_notification" if notifiee_le else "notifiee_le"
        raise ValidationError({champ: "Une décision notifiée indique la date et le canal de la notification."})
    _pas_dans_le_futur(notifiee_le, "notifiee_le", "La date de notification")
    if notifiee_le and date_decision and notifiee_le < date_decision:
        raise ValidationError({"notifiee_le": "La notification ne peut pas précéder la décision."})


def _libelle_orientation(decision) -> str:
    if decision is None:
        return "aucune orientation"
    referent = f", {decision.referent}" if decision.referent_id else ""
    return f"{decision.get_parcours_display()} ({decision.organisme_referent.nom}{referent})"


def _changer_de_referent(carnet, *, acteur, organisme, referent, devenir, motif_fin):
    """L'ancien référent reste accompagnateur ou sort ; le nouveau est posé (s'il est désigné). Rend l'ancien."""
    ancien = carnet.intervenants.referents().select_related("utilisateur", "organisation", "carnet").first()
    if ancien is not None and referent is not None and ancien.utilisateur_id == referent.pk:
        if ancien.organisation_id == organisme.pk:
            return None  # le référent ne change pas
    garde = referent is None and ancien is not None and ancien.organisation_id == organisme.pk
    if ancien is not None and not garde:
        if devenir not in Devenir.values:
            raise ValidationError(
                {"devenir_ancien_referent": "Dites si l'ancien référent reste dans le groupe de suivi ou en sort."}
            )
        if devenir == Devenir.ACCOMPAGNATEUR:
            ancien.date_fin, ancien.motif_fin = timezone.localdate(), motif_fin
            ancien.save(update_fields=["date_fin", "motif_fin"])
            carnet_services._ajouter(
                carnet,
                acteur=acteur,
                utilisateur=ancien.utilisateur,
                organisation=ancien.organisation,
                role=Intervenant.Role.ACCOMPAGNATEUR,
            )
        else:
            carnet_services._terminer(ancien, acteur=acteur, motif=motif_fin, date_fin=timezone.localdate())
    carnet_services.partager_pour_accompagner(carnet, organisme, acteur=acteur)
    if referent is not None:
        deja = carnet.intervenants.actifs().filter(utilisateur=referent).select_related("utilisateur").first()
        if deja is not None:  # un accompagnateur du groupe devient référent
            deja.date_fin, deja.motif_fin = timezone.localdate(), "Devenu référent"
            deja.save(update_fields=["date_fin", "motif_fin"])
        carnet_services._ajouter(
            carnet, acteur=acteur, utilisateur=referent, organisation=organisme, role=Intervenant.Role.REFERENT
        )
    return None if garde else ancien


@transaction.atomic
def decider(
    demande,
    *,
    acteur,
    sens,
    date_decision,
    parcours="",
    organisme_referent=None,
    referent=None,
    devenir_ancien_referent="",
    criteres=None,
    motif="",
    notifiee_le=None,
    canal_notification="",
    motif_prolongation="",
) -> DecisionOrientation:
    """Orienter, réorienter ou maintenir. Une orientation partage le carnet avec l'organisme référent, règle le
    sort de l'ancien référent, pose le nouveau ; l'historique garde l'avant et l'après ; les personnes concernées
    reçoivent un courriel après la validation."""
    demande = _verrouiller_demande(demande, acteur)
    carnet = Carnet.objects.select_for_update().get(pk=demande.carnet_id)
    if sens not in _sens_permis(demande):
        raise ValidationError({"sens": "Cette décision n'est pas possible pour cette demande."})
    _pas_dans_le_futur(date_decision, "date_decision", "La date de décision")
    if date_decision < demande.date_reception:
        raise ValidationError({"date_decision": "La décision ne peut pas précéder la réception de l'information."})
    _valider_notification(notifiee_le, canal_notification, date_decision)
    motif = (motif or "").strip()
    if sens == Sens.MAINTENIR:
        if not motif:
            raise ValidationError({"motif": "Indiquez le motif du maintien : il est renvoyé au référent."})
        parcours, organisme_referent, referent, devenir_ancien_referent, motif_prolongation = "", None, None, "", ""
    else:
        if parcours not in Parcours.values:
            raise ValidationError({"parcours": "Choisissez le parcours."})
        territoire = demande.organisation_orientation.departement
        if (
            organisme_referent is None
            or not organisme_referent.is_active
            or organisme_referent.departement != territoire
        ):
            raise ValidationError({"organisme_referent": "Choisissez un organisme référent actif du territoire."})
        if referent is not None and not permissions.membres_actifs(referent).filter(organisation=organisme_referent):
            raise ValidationError({"referent": f"{referent} n'est pas membre actif de « {organisme_referent.nom} »."})
        if motif_prolongation and parcours != Parcours.SOCIAL:
            raise ValidationError({"motif_prolongation": "Seul un parcours social se revoit à 12 mois."})
    precedente = orientation_en_cours(carnet)
    decision = DecisionOrientation(
        demande=demande,
        carnet=carnet,
        sens=sens,
        parcours=parcours,
        organisme_referent=organisme_referent,
        referent=referent,
        devenir_ancien_referent=devenir_ancien_referent,
        criteres=criteres_orientation.valider(criteres or {}),
        motif=motif,
        date_decision=date_decision,
        decideur=acteur,
        organisation_decideuse=demande.organisation_orientation,
        notifiee_le=notifiee_le,
        canal_notification=canal_notification,
        motif_prolongation=motif_prolongation,
    )
    decision.full_clean()
    decision.save()
    demande.statut = DemandeOrientation.Statut.DECIDEE
    demande.save(update_fields=["statut"])
    ancien = None
    organisation = demande.organisation_orientation
    if sens == Sens.MAINTENIR:
        resume = f"{_libelle_orientation(precedente)} maintenue"
        carnet_services.historiser(
            carnet, EvenementCarnet.Type.ORIENTATION_MAINTENUE, acteur=acteur, organisation=organisation, resume=resume
        )
    else:
        ancien = _changer_de_referent(
            carnet,
            acteur=acteur,
            organisme=organisme_referent,
            referent=referent,
            devenir=devenir_ancien_referent,
            motif_fin=f"{decision.get_sens_display()} vers {organisme_referent.nom}",
        )
        if ancien is None and decision.devenir_ancien_referent:
            decision.devenir_ancien_referent = ""
            decision.save(update_fields=["devenir_ancien_referent"])
        carnet_services.historiser(
            carnet,
            EvenementCarnet.Type.ORIENTATION_DECIDEE,
            acteur=acteur,
            organisation=organisation,
            resume=f"{decision.get_sens_display()} : {_libelle_orientation(precedente)} → "
            f"{_libelle_orientation(decision)}",
            avant=_libelle_orientation(precedente),
            apres=_libelle_orientation(decision),
        )
    if notifiee_le:
        _historiser_notification(decision, acteur)
    ancien_id = ancien.utilisateur_id if ancien is not None else None
    transaction.on_commit(lambda: prevenir_decision.delay(decision.pk, ancien_id))
    return decision


def _historiser_notification(decision, acteur) -> None:
    resume = f"Le {decision.notifiee_le:%d/%m/%Y}, {decision.get_canal_notification_display().lower()}"
    if decision.date_limite_contrat:
        resume += f" ; contrat d'engagement à signer au plus tard le {decision.date_limite_contrat:%d/%m/%Y}"
    carnet_services.historiser(
        decision.carnet,
        EvenementCarnet.Type.ORIENTATION_NOTIFIEE,
        acteur=acteur,
        organisation=decision.organisation_decideuse,
        resume=resume,
    )


@transaction.atomic
def notifier(decision, *, acteur, notifiee_le, canal_notification) -> DecisionOrientation:
    """Enregistre la notification faite à la personne : l'horloge du contrat d'engagement démarre."""
    decision = (
        DecisionOrientation.objects.select_for_update()
        .select_related("carnet", "demande__organisation_orientation", "organisation_decideuse")
        .get(pk=decision.pk)
    )
    permissions.require(
        regles.peut_orienter(acteur, decision.demande), "Vous ne traitez pas la file de cette décision."
    )
    if decision.notifiee_le is not None:
        raise ValidationError(f"Cette décision est déjà notifiée (le {decision.notifiee_le:%d/%m/%Y}).")
    if not notifiee_le or not canal_notification:
        _valider_notification(notifiee_le, canal_notification, decision.date_decision)
        raise ValidationError({"notifiee_le": "Indiquez la date et le canal de la notification."})
    _valider_notification(notifiee_le, canal_notification, decision.date_decision)
    decision.notifiee_le, decision.canal_notification = notifiee_le, canal_notification
    decision.full_clean()
    decision.save(update_fields=["notifiee_le", "canal_notification"])
    _historiser_notification(decision, acteur)
    return decision


# --- Transfert vers un autre territoire ----------------------------------------------------------------------


@transaction.atomic
def transferer(carnet, *, acteur, organisation_accueil, motif) -> TransfertTerritoire:
    """La personne déménage : la demande arrive dans la file de l'organisation d'accueil (information reçue
    aujourd'hui), qui reçoit le carnet ; le territoire de départ perd la modification tout de suite et garde
    la lecture 30 jours."""
    carnet = _verrouiller(carnet, acteur)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif du transfert (par exemple : déménagement)."})
    organisation = carnet_services.organisation_de_l_acteur(carnet, acteur)
    depart = organisation.departement
    if organisation_accueil.departement == depart:
        raise ValidationError(
            {"organisation_accueil": "Choisissez une organisation d'un autre département que le vôtre."}
        )
    if not regles.organisations_qui_orientent(hors=[depart]).filter(pk=organisation_accueil.pk).exists():
        raise ValidationError(
            {"organisation_accueil": "Choisissez le Département d'accueil ou une organisation qui oriente."}
        )
    if DemandeOrientation.objects.en_attente().filter(carnet=carnet).exists():
        raise ValidationError(
            "Une demande d'orientation est ouverte pour cette personne : elle doit être décidée avant le transfert."
        )
    # Toutes les organisations du territoire de départ qui lisent le carnet (dont le Département qui l'a orienté,
    # en lecture seule) ; une organisation du département d'accueil qui le partageait déjà n'en est pas.
    sortantes = list(
        permissions.organisations_partageant(carnet, VOIR_CARNET).exclude(departement=organisation_accueil.departement)
    )
    aujourd_hui = timezone.localdate()
    demande = _creer_demande(
        carnet,
        acteur=acteur,
        partager_en_lecture=False,  # un seul partage, complet, juste après
        motif=Motif.TRANSFERT,
        organisation_orientation=organisation_accueil,
        date_reception=aujourd_hui,
        motif_demande=motif,
    )
    # Après la demande : le partage avec l'organisation d'accueil relève ainsi du cadre légal (transfert au
    # Département d'accueil), même sous une opposition au partage.
    carnet_services.partager_pour_accompagner(carnet, organisation_accueil, acteur=acteur)
    transfert = TransfertTerritoire.objects.create(
        carnet=carnet,
        departement_origine=depart,
        departement_accueil=organisation_accueil.departement,
        organisation_accueil=organisation_accueil,
        demande=demande,
        motif=motif,
        acteur=acteur,
        fin_lecture_le=aujourd_hui + timedelta(days=TransfertTerritoire.DUREE_LECTURE_JOURS),
    )
    transfert.organisations_sortantes.set(sortantes)
    for sortante in sortantes:
        permissions.retirer_partage(carnet, sortante, MODIFIER_CARNET)
    carnet_services.historiser(
        carnet,
        EvenementCarnet.Type.TRANSFERT_TERRITOIRE,
        acteur=acteur,
        organisation=organisation,
        resume=f"Vers le {organisation_accueil.get_departement_display()} ({organisation_accueil.nom}) ; "
        f"le territoire de départ garde la lecture jusqu'au {transfert.fin_lecture_le:%d/%m/%Y}",
    )
    return transfert


@transaction.atomic
def retirer_acces(transfert, *, aujourd_hui=None) -> bool:
    """Après la lecture de 30 jours : les organisations de départ perdent le partage, leurs intervenants sortent
    du groupe, même gardés comme accompagnateurs par la décision du territoire d'accueil (l'organisme référent est
    toujours de ce territoire). Sans effet une seconde fois, ni avant l'échéance. Rend vrai si quelque chose a été
    retiré."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    transfert = TransfertTerritoire.objects.select_for_update().select_related("carnet", "acteur").get(pk=transfert.pk)
    if transfert.acces_retires_le is not None or transfert.fin_lecture_le >= aujourd_hui:
        return False
    carnet, acteur = transfert.carnet, transfert.acteur
    retirees = []
    for organisation in transfert.organisations_sortantes.all():
        for intervenant in (
            carnet.intervenants.actifs()
            .filter(organisation=organisation)
            .select_related("utilisateur", "organisation", "carnet")
        ):
            carnet_services._terminer(
                intervenant, acteur=acteur, motif="Transfert vers un autre territoire", date_fin=aujourd_hui
            )
        if regles_carnet.organisation_partage(carnet, organisation):
            # Une organisation à qui la personne a donné son accord (espace personnel) garde la lecture.
            accord = Consentement.objects.accorde(carnet, organisation)
            permissions.retirer_partage(
                carnet, organisation, *((MODIFIER_CARNET,) if accord else PERMISSIONS_DU_PARTAGE)
            )
            carnet_services.historiser(
                carnet,
                EvenementCarnet.Type.PARTAGE_RETIRE,
                acteur=acteur,
                organisation=organisation,
                nom=f"{organisation.nom} (modification ; la lecture reste : accord de la personne)"
                if accord
                else organisation.nom,
            )
        retirees.append(organisation.nom)
    transfert.acces_retires_le = timezone.now()
    transfert.save(update_fields=["acces_retires_le"])
    carnet_services.historiser(
        carnet,
        EvenementCarnet.Type.ACCES_TRANSFERT_RETIRE,
        acteur=acteur,
        organisation=transfert.organisation_accueil,
        resume=(f"Fin de la lecture pour : {', '.join(retirees)}" if retirees else "Aucun accès à retirer")
        + f" (transfert du {timezone.localtime(transfert.date_transfert):%d/%m/%Y})",
    )
    return bool(retirees)


def transferts_a_echeance(aujourd_hui=None):
    aujourd_hui = aujourd_hui or timezone.localdate()
    return TransfertTerritoire.objects.filter(acces_retires_le__isnull=True, fin_lecture_le__lt=aujourd_hui)
