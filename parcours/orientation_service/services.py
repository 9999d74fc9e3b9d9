"""Écritures des orientations vers un service : orienter depuis le carnet, faire passer une orientation d'un statut
à l'autre (structure, prescripteur, plateforme), relancer et faire expirer chaque matin.

Chaque fonction : une transaction, les droits vérifiés, une ligne au journal des transitions, un événement du
carnet, l'action liée du plan tenue à jour ; les courriels partent après la validation de la transaction
(`parcours.orientation_service.taches`)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from offre import regles as offre_regles
from offre import services as offre_services
from offre.models import Service, SessionService
from parcours import permissions as regles_carnet
from parcours import services as carnet_services
from parcours.models import (
    Action,
    Carnet,
    ConsultationCarnet,
    EvenementCarnet,
    Objectif,
    OrientationService,
    TransitionOrientationService,
)
from parcours.orientation_service import besoins, dossier, regles, taches
from partenaires import permissions
from partenaires.models import Membre

Statut = OrientationService.Statut
INTERDIT = "Vous ne pouvez pas modifier ce carnet."


# --- À qui l'orientation est adressée -------------------------------------------------------------------------


@dataclass(frozen=True)
class Destinataires:
    """Les membres actifs de l'organisation de la structure (ils répondent depuis leur boîte de réception), ou, à
    défaut, l'adresse du service ou de la structure (elle répond par le lien signé)."""

    courriels: tuple[str, ...]
    par_lien: bool


def destinataires(service) -> Destinataires | None:
    structure = service.structure
    if structure.organisation_id:
        membres = (
            Membre.objects.actifs()
            .filter(organisation_id=structure.organisation_id)
            .exclude(utilisateur__email="")
            .filter(utilisateur__is_active=True)
            .order_by("utilisateur__email")
            .values_list("utilisateur__email", flat=True)
        )
        courriels = tuple(dict.fromkeys(membres))
        if courriels:
            return Destinataires(courriels, par_lien=False)
    adresse = service.courriel or structure.courriel
    return Destinataires((adresse,), par_lien=True) if adresse else None


# --- Orienter ---------------------------------------------------------------------------------------------------


def _verifier_session(session, service) -> None:
    if session.service_id != service.pk:
        raise ValidationError({"session": "Cette session n'est pas une session de ce service."})
    if session.annulee:
        raise ValidationError({"session": f"La session « {session.intitule} » est annulée."})
    if session.debut <= timezone.now():
        raise ValidationError({"session": f"La session « {session.intitule} » est passée."})
    if session.est_complete:
        raise ValidationError({"session": f"La session « {session.intitule} » est complète."})


def _objectif_du_plan(carnet, *, acteur, objectif, besoin: str, service) -> Objectif:
    """L'objectif choisi ; sinon, par règle : l'objectif en cours le plus récent de l'axe du besoin (la catégorie de
    la thématique mène à un axe du plan, `besoins.AXE_PAR_CATEGORIE`) ; sinon un objectif créé dans cet axe, au
    libellé de la catégorie."""
    if objectif is not None:
        return objectif
    thematique = besoin or next(iter(service.thematiques), "")
    axe = besoins.axe_du_besoin(thematique)
    existant = (
        Objectif.objects.filter(carnet=carnet, axe_id=axe, statut=Objectif.Statut.EN_COURS)
        .order_by("-date_creation", "-id")
        .first()
    )
    if existant is not None:
        return existant
    libelle = besoins.libelle_thematique(besoins.categorie(thematique)) if thematique else "Orientations vers l'offre"
    return carnet_services.ajouter_objectif(carnet, acteur=acteur, axe=axe, libelle_libre=libelle)


def _evenement(orientation, type_evenement, *, acteur, organisation, resume) -> EvenementCarnet:
    """L'événement du carnet, attribué explicitement (une réponse de la structure vient de son organisation, même
    quand elle n'accompagne pas la personne)."""
    return EvenementCarnet.objects.create(
        carnet_id=orientation.carnet_id,
        type=type_evenement,
        acteur=acteur,
        organisation=organisation,
        details={"resume": resume, "orientation": str(orientation.uuid)},
    )


@transaction.atomic
def orienter(
    carnet,
    service,
    *,
    acteur,
    session=None,
    objectif=None,
    besoin="",
    message="",
    documents=(),
    consentement=True,
    courriel=None,
    telephone=None,
) -> OrientationService:
    """Oriente la personne vers un service (ou une de ses sessions), avec son accord. Le dossier transmis est copié
    au moment de l'envoi ; `courriel` et `telephone` remplacent, pour ce dossier, ceux du carnet."""
    carnet = Carnet.objects.select_for_update().select_related("personne").get(pk=carnet.pk)
    permissions.require(regles_carnet.can_edit_carnet(acteur, carnet), INTERDIT)
    if carnet.statut == Carnet.Statut.CLOS:
        raise ValidationError("Le parcours de cette personne est clos : rouvrez-le avant de l'orienter.")
    service = Service.objects.select_related("structure__organisation").get(pk=service.pk)
    if service.est_suspendu:
        motif = f" ({service.motif_suspension})" if service.motif_suspension else ""
        raise ValidationError(f"Le service « {service.nom} » est suspendu{motif} : on ne peut pas y orienter.")
    if not offre_regles.services_visibles(acteur).filter(pk=service.pk).exists():
        raise ValidationError("Ce service ne vous est pas visible.")
    if not consentement:
        raise ValidationError(
            {
                "consentement": "Recueillez l'accord de la personne avant de l'orienter et de transmettre ses "
                "informations."
            }
        )
    if session is not None:
        session = SessionService.objects.get(pk=session.pk)
        _verifier_session(session, service)
    if besoin and besoin not in service.thematiques:
        raise ValidationError({"besoin": "Choisissez le besoin parmi les thématiques du service."})
    if objectif is not None and (objectif.carnet_id != carnet.pk or objectif.statut != Objectif.Statut.EN_COURS):
        raise ValidationError({"objectif": "Choisissez un objectif en cours du plan d'action de la personne."})
    disponibles = dossier.documents_disponibles(carnet)
    inconnus = [code for code in documents if code not in disponibles]
    if inconnus:
        raise ValidationError({"documents": "Ce document n'existe pas dans le carnet de la personne."})
    deja = (
        OrientationService.objects.filter(carnet=carnet, service=service, statut__in=regles.STATUTS_OUVERTS)
        .order_by("-envoyee_le")
        .first()
    )
    if deja is not None:
        raise ValidationError(
            f"Une orientation vers « {service.nom} » est déjà en cours pour cette personne (envoyée le "
            f"{timezone.localtime(deja.envoyee_le):%d/%m/%Y}, {deja.get_statut_display().lower()})."
        )
    if destinataires(service) is None:
        telephone = service.telephone or service.structure.telephone
        contact = f" : appelez-la au {telephone}" if telephone else ""
        raise ValidationError(
            f"« {service.structure.nom} » n'a ni membre sur la plateforme ni adresse e-mail : l'orientation ne peut "
            f"pas lui être transmise{contact}."
        )

    maintenant = timezone.now()
    organisation = carnet_services.organisation_de_l_acteur(carnet, acteur)
    objectif = _objectif_du_plan(carnet, acteur=acteur, objectif=objectif, besoin=besoin, service=service)
    action = Action(
        objectif=objectif,
        libelle_libre=f"Orientation : {service.nom}"[:250],
        date_debut=timezone.localdate(),
        porteur=service.structure.organisation,
        statut=regles.STATUT_ACTION[Statut.ENVOYEE],
        cree_par=acteur,
    )
    action.full_clean()
    action.save()
    contact = {
        "courriel": carnet.personne.email if courriel is None else courriel.strip(),
        "telephone": carnet.personne.telephone if telephone is None else telephone.strip(),
    }
    orientation = OrientationService(
        carnet=carnet,
        service=service,
        session=session,
        besoin=besoin,
        objectif=objectif,
        action=action,
        statut=Statut.ENVOYEE,
        message=message.strip(),
        dossier=dossier.composer(
            carnet,
            service,
            acteur=acteur,
            organisation=organisation,
            session=session,
            objectif=objectif,
            besoin_libelle=besoins.libelle_thematique(besoin) if besoin else "",
            message=message.strip(),
            documents=[disponibles[code] for code in dict.fromkeys(documents)],
            contact=contact,
        ),
        consentement_le=maintenant,
        prescripteur=acteur,
        organisation=organisation,
        heures_hebdomadaires=service.volume_horaire_hebdomadaire,
        envoyee_le=maintenant,
        expire_le=maintenant + regles.DELAI_EXPIRATION,
    )
    orientation.full_clean()
    orientation.save()
    TransitionOrientationService.objects.create(
        orientation=orientation, de="", vers=Statut.ENVOYEE, acteur=acteur, date=maintenant
    )
    resume = f"{service.nom} ({service.structure.nom})"
    if session is not None:
        resume += f", {session}"
    _evenement(
        orientation,
        EvenementCarnet.Type.ORIENTATION_SERVICE_ENVOYEE,
        acteur=acteur,
        organisation=organisation,
        resume=f"{resume} — envoyée",
    )
    transaction.on_commit(lambda: taches.envoyer_orientation.delay(orientation.pk))
    return orientation


# --- Changer de statut ------------------------------------------------------------------------------------------


def _verrouiller(orientation) -> OrientationService:
    return (
        OrientationService.objects.select_for_update(of=("self",))
        .select_related("carnet", "service__structure__organisation", "session", "action", "prescripteur")
        .get(pk=orientation.pk)
    )


def _verifier_acteur(orientation, *, cote, acteur, par_lien) -> None:
    if cote == regles.STRUCTURE and not par_lien:
        recevant = regles.structures_recevant(acteur).filter(pk=orientation.service.structure_id).exists()
        permissions.require(recevant, "Seuls les membres de la structure répondent à cette orientation.")
    elif cote == regles.PRESCRIPTEUR:
        permissions.require(regles_carnet.can_edit_carnet(acteur, orientation.carnet), INTERDIT)
    elif cote == regles.PLATEFORME and acteur is not None:
        raise ValueError("La plateforme agit seule.")


def _resume(orientation, vers, *, motif, par_lien) -> str:
    resume = f"{orientation.service.nom} — {Statut(vers).label.lower()}"
    if vers == Statut.REFUSEE:
        resume += f" ({OrientationService.MotifRefus(motif).label})"
    if vers == Statut.EXPIREE:
        resume = f"{orientation.service.nom} — expirée (sans réponse en {regles.JOURS_EXPIRATION} jours)"
    if par_lien:
        resume += " par la structure (lien reçu par courriel)"
    return resume


@transaction.atomic
def changer_statut(
    orientation, *, vers, cote, acteur=None, par_lien=False, motif="", commentaire=""
) -> TransitionOrientationService:
    """Fait passer l'orientation à `vers`, du côté `cote` (structure, prescripteur ou plateforme). Une transition
    interdite, un refus sans motif, une session devenue complète : ValidationError, rien d'écrit."""
    orientation = _verrouiller(orientation)
    _verifier_acteur(orientation, cote=cote, acteur=acteur, par_lien=par_lien)
    commentaire = (commentaire or "").strip()
    regles.verifier_transition(orientation, vers, cote=cote, motif=motif, commentaire=commentaire)
    de = orientation.statut
    maintenant = timezone.now()
    if (
        de in OrientationService.STATUTS_SANS_REPONSE
        and cote != regles.PLATEFORME
        and maintenant >= orientation.expire_le
    ):
        raise ValidationError(
            f"Cette orientation a expiré le {timezone.localtime(orientation.expire_le):%d/%m/%Y} sans réponse : "
            "elle ne peut plus changer de statut."
        )
    if orientation.session_id and vers == Statut.ACCEPTEE:
        if orientation.session.debut <= maintenant:
            raise ValidationError(
                f"La session « {orientation.session.intitule} » a déjà eu lieu : refusez l'orientation ou proposez "
                "une autre session à la personne qui oriente."
            )
        offre_services.reserver_place(orientation.session)
    if orientation.session_id and de == Statut.ACCEPTEE and vers == Statut.ABANDONNEE:
        offre_services.liberer_place(orientation.session)
    orientation.statut = vers
    orientation.motif_refus = motif if vers == Statut.REFUSEE else orientation.motif_refus
    champs = ["statut", "motif_refus"]
    if cote == regles.STRUCTURE and vers in (Statut.ACCEPTEE, Statut.REFUSEE) and orientation.repondue_le is None:
        orientation.repondue_le = maintenant  # la réponse qui décide (mettre à l'étude n'en est pas une)
        champs.append("repondue_le")
    orientation.save(update_fields=champs)
    transition = TransitionOrientationService.objects.create(
        orientation=orientation,
        de=de,
        vers=vers,
        acteur=acteur,
        par_lien=par_lien,
        motif=motif if vers == Statut.REFUSEE else "",
        commentaire=commentaire,
        date=maintenant,
    )
    if orientation.action_id:
        Action.objects.filter(pk=orientation.action_id).update(statut=regles.STATUT_ACTION[vers])
    if cote == regles.STRUCTURE:
        organisation = orientation.service.structure.organisation
    elif cote == regles.PRESCRIPTEUR:
        organisation = carnet_services.organisation_de_l_acteur(orientation.carnet, acteur)
    else:
        organisation = orientation.organisation
    _evenement(
        orientation,
        EvenementCarnet.Type.ORIENTATION_SERVICE_STATUT,
        # Sans compte (lien signé) ou la plateforme : l'historique exige un auteur, c'est le prescripteur.
        acteur=acteur or orientation.prescripteur,
        organisation=organisation,
        resume=_resume(orientation, vers, motif=motif, par_lien=par_lien),
    )
    if vers in regles.STATUTS_ANNONCES:
        transaction.on_commit(lambda: taches.prevenir_prescripteur.delay(transition.pk))
    return transition


def journaliser_lecture_par_lien(orientation) -> None:
    """La structure sans compte a ouvert le dossier par le lien de son courriel : la consultation est journalisée
    comme les autres (la personne voit qui a lu), au nom de la structure."""
    structure = orientation.service.structure
    ConsultationCarnet.objects.create(
        carnet_id=orientation.carnet_id,
        utilisateur=None,
        organisation=structure.organisation,
        lecteur=f"{structure.nom} (lien reçu par courriel)",
        onglet="dossier_orientation",
    )


# --- Travaux du matin (commande suivre_orientations_service) --------------------------------------------------


@transaction.atomic
def relancer(*, maintenant=None) -> int:
    """Relance une fois la structure des orientations sans réponse depuis 10 jours (pas encore expirées). La marque
    `relance_envoyee_le` fait partie de la sélection : un second passage ne trouve plus rien."""
    maintenant = maintenant or timezone.now()
    ids = list(
        OrientationService.objects.en_attente_de_reponse()
        .filter(
            envoyee_le__lte=maintenant - regles.DELAI_RELANCE,
            expire_le__gt=maintenant,
            relance_envoyee_le__isnull=True,
        )
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )
    OrientationService.objects.filter(pk__in=ids).update(relance_envoyee_le=maintenant)
    transaction.on_commit(lambda: [taches.relancer_structure.delay(pk) for pk in ids])
    return len(ids)


def expirer(*, maintenant=None) -> int:
    """Fait expirer les orientations sans réponse passé leur date d'expiration (30 jours après l'envoi) : une
    transition chacune (sa propre transaction), comme si la structure avait répondu."""
    maintenant = maintenant or timezone.now()
    a_expirer = OrientationService.objects.en_attente_de_reponse().filter(expire_le__lte=maintenant)
    nombre = 0
    for orientation in a_expirer.only("pk"):
        try:
            changer_statut(orientation, vers=Statut.EXPIREE, cote=regles.PLATEFORME)
        except ValidationError:  # une réponse arrivée entre-temps : elle l'emporte
            continue
        nombre += 1
    return nombre
