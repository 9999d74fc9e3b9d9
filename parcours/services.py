"""Écritures sur le carnet : une transaction, un événement dans l'historique, les partages par la façade."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from parcours import nir as nir_protege
from parcours import permissions as regles
from parcours.choix import MODIFIER_CARNET, PERMISSIONS_DU_PARTAGE
from parcours.models import (
    Action,
    ActionReferentiel,
    Carnet,
    Consentement,
    ConsultationCarnet,
    ContratEngagement,
    DecisionOrientation,
    EvaluationDomaine,
    EvenementCarnet,
    Intervenant,
    Note,
    Objectif,
    ObjectifReferentiel,
    Personne,
    RendezVous,
    Statut,
    Theme,
)
from parcours.orientation import regles as orientation_regles
from parcours.tasks import prevenir_referent_demande_acces
from parcours.validators import normaliser_nir
from partenaires import permissions


class DoublonsTrouves(ValidationError):
    """La personne semble déjà avoir un carnet : on propose de l'ouvrir plutôt que d'en créer un second."""

    def __init__(self, personnes):
        self.personnes = list(personnes)
        super().__init__("Une personne correspondante a déjà un carnet de bord.", code="doublon")


@sensitive_variables("nir")
def chercher_doublons(*, nom, prenom, date_naissance, identifiant_departement="", nir=""):
    """Même identifiant au Département, même NIR (par son empreinte), ou mêmes nom, prénom et date de naissance."""
    critere = Q(nom__iexact=nom.strip(), prenom__iexact=prenom.strip(), date_naissance=date_naissance)
    if identifiant_departement:
        critere |= Q(identifiant_departement=identifiant_departement.strip())
    if nir:
        critere |= Q(nir_empreinte=nir_protege.empreinte(nir))
    return Personne.objects.filter(critere).select_related("carnet")


def organisation_de_l_acteur(carnet, acteur):
    """L'organisation pour laquelle l'acteur agit sur ce carnet : celle de son intervention, sinon la première
    de ses organisations qui partage le carnet."""
    intervention = carnet.intervenants.actifs().filter(utilisateur=acteur).select_related("organisation").first()
    if intervention is not None:
        return intervention.organisation
    partageantes = permissions.organisations_partageant(carnet, PERMISSIONS_DU_PARTAGE[0])
    membre = permissions.membres_actifs(acteur).filter(organisation__in=partageantes).first()
    return membre.organisation if membre else None


def historiser(carnet, type_evenement, *, acteur, organisation=None, **details) -> EvenementCarnet:
    """Écrit l'événement : qui, pour quelle organisation (celle de l'acteur), quoi, quand."""
    return EvenementCarnet.objects.create(
        carnet=carnet,
        type=type_evenement,
        acteur=acteur,
        # La personne elle-même (son espace personnel) n'agit pour aucune organisation.
        organisation=organisation or (None if acteur.est_personne else organisation_de_l_acteur(carnet, acteur)),
        details=details,
    )


def _membre_actif(utilisateur, organisation):
    membre = permissions.membres_actifs(utilisateur).filter(organisation=organisation).first()
    if membre is None:
        raise ValidationError(f"{utilisateur} n'est pas membre actif de « {organisation} ».")
    return membre


def partager_pour_accompagner(carnet, organisation, *, acteur) -> None:
    """L'organisation d'un intervenant lit et modifie le carnet (une lecture seule, celle d'une file d'orientation
    par exemple, devient un partage complet)."""
    if not permissions.organisations_partageant(carnet, MODIFIER_CARNET).filter(pk=organisation.pk).exists():
        permissions.partager(carnet, organisation, *PERMISSIONS_DU_PARTAGE)
        historiser(carnet, EvenementCarnet.Type.PARTAGE_AJOUTE, acteur=acteur, nom=organisation.nom)


@sensitive_variables("identite")
def ouvrir_carnet(*, acteur, organisation, ignorer_doublons=False, **identite) -> Carnet:
    """Crée la personne et son carnet ; l'acteur en devient le référent et son organisation le partage.
    La transaction est ouverte dans le corps et non par `@transaction.atomic` : le cadre de ce décorateur garderait
    l'identité (le NIR) hors de portée de `sensitive_variables`, en clair dans un rapport d'erreur."""
    with transaction.atomic():
        _membre_actif(acteur, organisation)
        identite["nir"] = normaliser_nir(identite.get("nir", ""))
        if not ignorer_doublons:
            doublons = chercher_doublons(
                nom=identite["nom"],
                prenom=identite["prenom"],
                date_naissance=identite["date_naissance"],
                identifiant_departement=identite.get("identifiant_departement", ""),
                nir=identite["nir"],
            )
            if doublons.exists():
                raise DoublonsTrouves(doublons)
        personne = Personne(**identite)
        personne.full_clean()
        personne.save()
        carnet = Carnet.objects.create(personne=personne, cree_par=acteur, organisation_creatrice=organisation)
        historiser(carnet, EvenementCarnet.Type.CARNET_OUVERT, acteur=acteur, organisation=organisation)
        _ajouter(carnet, acteur=acteur, utilisateur=acteur, organisation=organisation, role=Intervenant.Role.REFERENT)
        return carnet


def _ajouter(carnet, *, acteur, utilisateur, organisation, role) -> Intervenant:
    _membre_actif(utilisateur, organisation)
    intervenant = Intervenant(carnet=carnet, utilisateur=utilisateur, organisation=organisation, role=role)
    intervenant.full_clean()
    intervenant.save()
    partager_pour_accompagner(carnet, organisation, acteur=acteur)
    historiser(
        carnet,
        EvenementCarnet.Type.INTERVENANT_AJOUTE,
        acteur=acteur,
        intervenant=f"{utilisateur} ({organisation.nom})",
        role=role,
    )
    return intervenant


@transaction.atomic
def ajouter_intervenant(
    carnet, *, acteur, utilisateur, organisation, role=Intervenant.Role.ACCOMPAGNATEUR
) -> Intervenant:
    """Ajoute un professionnel au groupe de suivi ; son organisation reçoit le partage du carnet."""
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    Carnet.objects.select_for_update().get(pk=carnet.pk)
    return _ajouter(carnet, acteur=acteur, utilisateur=utilisateur, organisation=organisation, role=role)


def _terminer(intervenant, *, acteur, motif, date_fin) -> Intervenant:
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez pourquoi cette personne quitte le groupe de suivi."})
    if date_fin < intervenant.date_debut:
        raise ValidationError({"date_fin": "La date de fin ne peut pas précéder la date de début."})
    intervenant.date_fin = date_fin
    intervenant.motif_fin = motif
    intervenant.full_clean()
    intervenant.save(update_fields=["date_fin", "motif_fin"])
    carnet, organisation = intervenant.carnet, intervenant.organisation
    historiser(
        carnet,
        EvenementCarnet.Type.INTERVENANT_TERMINE,
        acteur=acteur,
        intervenant=f"{intervenant.utilisateur} ({organisation.nom})",
        motif=motif,
    )
    if not carnet.intervenants.actifs().filter(organisation=organisation).exists():
        # L'organisation qui oriente le carnet (file de sa dernière demande d'orientation) garde la lecture, comme
        # celle à qui la personne a donné son accord (espace personnel).
        oriente = organisation.pk == orientation_regles.organisation_qui_oriente(carnet)
        accord = Consentement.objects.accorde(carnet, organisation)
        garde = oriente or accord
        permissions.retirer_partage(carnet, organisation, *((MODIFIER_CARNET,) if garde else PERMISSIONS_DU_PARTAGE))
        pourquoi = "elle oriente" if oriente else "accord de la personne"
        nom = f"{organisation.nom} (modification ; la lecture reste : {pourquoi})" if garde else organisation.nom
        historiser(carnet, EvenementCarnet.Type.PARTAGE_RETIRE, acteur=acteur, nom=nom)
    return intervenant


@transaction.atomic
def terminer_intervenant(intervenant, *, acteur, motif, date_fin=None) -> Intervenant:
    """Termine la participation ; le dernier intervenant d'une organisation lui retire le partage."""
    carnet = Carnet.objects.select_for_update().get(pk=intervenant.carnet_id)
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    intervenant = Intervenant.objects.select_related("carnet", "organisation", "utilisateur").get(pk=intervenant.pk)
    if not intervenant.est_actif:
        raise ValidationError("Cette personne a déjà quitté le groupe de suivi.")
    if intervenant.role == Intervenant.Role.REFERENT:
        raise ValidationError("Le carnet garde toujours un référent : nommez d'abord un autre référent.")
    return _terminer(intervenant, acteur=acteur, motif=motif, date_fin=date_fin or timezone.localdate())


@transaction.atomic
def changer_referent(carnet, *, acteur, intervenant) -> Intervenant:
    """L'accompagnateur devient référent ; l'ancien référent reste dans le groupe comme accompagnateur."""
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    intervenant = Intervenant.objects.select_related("utilisateur", "organisation").get(
        pk=intervenant.pk, carnet=carnet
    )
    if not intervenant.est_actif or intervenant.role == Intervenant.Role.REFERENT:
        raise ValidationError("Choisissez un accompagnateur actif du groupe de suivi.")
    ancien = carnet.intervenants.referents().select_related("utilisateur").first()
    aujourd_hui = timezone.localdate()
    if ancien is not None:
        ancien.date_fin, ancien.motif_fin = aujourd_hui, "Changement de référent"
        ancien.save(update_fields=["date_fin", "motif_fin"])
        Intervenant.objects.create(
            carnet=carnet,
            utilisateur=ancien.utilisateur,
            organisation=ancien.organisation,
            role=Intervenant.Role.ACCOMPAGNATEUR,
        )
    intervenant.date_fin, intervenant.motif_fin = aujourd_hui, "Devenu référent"
    intervenant.save(update_fields=["date_fin", "motif_fin"])
    nouveau = Intervenant.objects.create(
        carnet=carnet,
        utilisateur=intervenant.utilisateur,
        organisation=intervenant.organisation,
        role=Intervenant.Role.REFERENT,
    )
    historiser(
        carnet,
        EvenementCarnet.Type.REFERENT_CHANGE,
        acteur=acteur,
        avant=str(ancien.utilisateur) if ancien else "",
        apres=str(intervenant.utilisateur),
    )
    return nouveau


# Les sections sensibles qu'une page peut montrer (codes du journal des consultations).
SECTION_RQTH = "rqth"  # le statut RQTH de la personne
SECTION_SANTE = "sante"  # les domaines santé et handicap du diagnostic
# Les pages qui portent l'en-tête du carnet (ses statuts en cours, RQTH compris) : les onglets et l'impression.
PAGES_AVEC_STATUTS = {
    "situation",
    "diagnostic",
    "orientation",
    "plan",
    "offre",
    "rendez_vous",
    "notes",
    "groupe",
    "procedures",
    "historique",
    "impression",
}
PAGES_DU_DIAGNOSTIC = {"diagnostic", "diagnostic_impression", "diagnostic_pdf"}
# Les pages qui montrent la cotation « santé » des critères d'orientation (domaines santé et handicap) : l'onglet
# « Orientation » (critères de chaque décision) et la page de décision (préremplis depuis le diagnostic validé).
PAGE_DES_DECISIONS = "orientation"
PAGE_DE_DECISION = "decision_orientation"
# La recherche d'un service pour la personne : les besoins de son dernier diagnostic validé, santé comprise.
PAGE_DES_BESOINS = "offre_recherche"
PAGES_AVEC_SECTIONS = PAGES_AVEC_STATUTS | PAGES_DU_DIAGNOSTIC | {PAGE_DE_DECISION, PAGE_DES_BESOINS}


def sections_sensibles_montrees(carnet, *, utilisateur, onglet, diagnostic=None, voit_sensible=None) -> list[str]:
    """La règle, en un seul endroit : les sections sensibles (RQTH, santé et handicap) que cette page montre à ce
    lecteur. Aucune pour qui ne peut pas les voir (elles lui sont masquées). `diagnostic` : la version que la page
    montre ; sans elle, l'onglet « Diagnostic » montre la dernière version validée. `voit_sensible` : le résultat de
    `regles.can_view_sensible` déjà obtenu par la page dans la même requête ; sans lui, il est lu ici."""
    if onglet not in PAGES_AVEC_SECTIONS:  # aucune section sensible : pas de requête
        return []
    if utilisateur is None:
        return []
    if voit_sensible is None:
        voit_sensible = regles.can_view_sensible(utilisateur, carnet)
    if not voit_sensible:
        return []
    sections = []
    if onglet in PAGES_AVEC_STATUTS:
        statuts = Statut.objects.filter(personne_id=carnet.personne_id, type__in=Statut.SENSIBLES)
        if onglet != "situation":  # l'onglet « Situation » montre aussi les statuts passés
            statuts = statuts.filter(date_fin__isnull=True)
        if statuts.exists():
            sections.append(SECTION_RQTH)
    if onglet == PAGE_DES_DECISIONS:
        # Une décision qui a coté la difficulté « santé » (criteres.difficultes.sante, parcours.orientation.criteres).
        decisions = DecisionOrientation.objects.filter(carnet=carnet, criteres__difficultes__has_key="sante")
        if decisions.exists():
            sections.append(SECTION_SANTE)
    if onglet in PAGES_DU_DIAGNOSTIC | {PAGE_DE_DECISION, PAGE_DES_BESOINS}:
        if diagnostic is not None:
            versions = carnet.diagnostics.filter(pk=diagnostic.pk)
        else:
            # La page montre la dernière version validée : une version validée ne change plus, la plus récente
            # suffit.
            derniere = carnet.diagnostics.valides().order_by("-date_validation", "-id").values("pk")[:1]
            versions = carnet.diagnostics.filter(pk__in=derniere)
        evaluations = EvaluationDomaine.objects.filter(diagnostic__in=versions, domaine__sensible=True)
        if onglet == PAGE_DE_DECISION:  # la cotation préremplie : l'impact d'un domaine sensible
            evaluations = evaluations.exclude(impact="")
        elif onglet == PAGE_DES_BESOINS:  # les besoins proposés : un domaine sensible apprécié « besoin »
            evaluations = evaluations.filter(appreciation=EvaluationDomaine.Appreciation.BESOIN)
        if evaluations.exists():
            sections.append(SECTION_SANTE)
    return sections


def enregistrer_consultation(
    carnet, *, utilisateur, organisation, onglet, diagnostic=None, voit_sensible=None
) -> ConsultationCarnet:
    """Une ligne par lecture, qui dit aussi les sections sensibles montrées (`sections_sensibles_montrees`)."""
    sections = sections_sensibles_montrees(
        carnet, utilisateur=utilisateur, onglet=onglet, diagnostic=diagnostic, voit_sensible=voit_sensible
    )
    return ConsultationCarnet.objects.create(
        carnet=carnet,
        utilisateur=utilisateur,
        organisation=organisation,
        onglet=onglet,
        sections_sensibles=",".join(sections),
    )


def enregistrer_consultations(request, carnets_ids, *, onglet: str) -> None:
    """Les pages qui montrent plusieurs personnes à la fois (listes, séance d'une équipe pluridisciplinaire) : une
    ligne par carnet montré, pour l'utilisateur et son organisation courante, en une seule requête."""
    membre = request.membre_courant
    ConsultationCarnet.objects.bulk_create(
        [
            ConsultationCarnet(
                carnet_id=carnet_id,
                utilisateur=request.user,
                organisation_id=membre.organisation_id if membre else None,
                onglet=onglet,
            )
            for carnet_id in dict.fromkeys(carnets_ids)
        ]
    )


def _evenement_rendez_vous(rendez_vous, type_evenement, *, acteur) -> None:
    historiser(
        rendez_vous.carnet,
        type_evenement,
        acteur=acteur,
        avec=f"{rendez_vous.intervenant} ({rendez_vous.organisation.nom})",
        date=timezone.localtime(rendez_vous.date_heure).strftime("%d/%m/%Y %H:%M"),
        objet=rendez_vous.objet,
        statut=rendez_vous.get_statut_display().lower(),
    )


@transaction.atomic
def prevoir_rendez_vous(carnet, *, acteur, intervenant, date_heure, objet, lieu="", a_distance=False) -> RendezVous:
    """Le rendez-vous se prend avec un intervenant actif du groupe de suivi, pour son organisation."""
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    participation = carnet.intervenants.actifs().filter(utilisateur=intervenant).select_related("organisation").first()
    if participation is None:
        raise ValidationError({"intervenant": "Le rendez-vous se prend avec un membre du groupe de suivi."})
    rendez_vous = RendezVous(
        carnet=carnet,
        intervenant=intervenant,
        organisation=participation.organisation,
        date_heure=date_heure,
        objet=objet.strip(),
        lieu=lieu.strip(),
        a_distance=a_distance,
        cree_par=acteur,
    )
    rendez_vous.full_clean()
    rendez_vous.save()
    _evenement_rendez_vous(rendez_vous, EvenementCarnet.Type.RENDEZ_VOUS_PREVU, acteur=acteur)
    return rendez_vous


@transaction.atomic
def mettre_a_jour_rendez_vous(rendez_vous, *, acteur, statut, compte_rendu="") -> RendezVous:
    permissions.require(regles.can_edit_carnet(acteur, rendez_vous.carnet), "Vous ne pouvez pas modifier ce carnet.")
    if statut not in RendezVous.Statut.values:
        raise ValidationError({"statut": "Ce statut n'existe pas."})
    passe = rendez_vous.date_heure <= timezone.now()
    if statut in (RendezVous.Statut.HONORE, RendezVous.Statut.ABSENT) and not passe:
        raise ValidationError({"statut": "Un rendez-vous à venir ne peut pas encore être honoré ni manqué."})
    rendez_vous.statut = statut
    rendez_vous.compte_rendu = compte_rendu.strip()
    rendez_vous.save(update_fields=["statut", "compte_rendu"])
    _evenement_rendez_vous(rendez_vous, EvenementCarnet.Type.RENDEZ_VOUS_MIS_A_JOUR, acteur=acteur)
    return rendez_vous


def visibilites_permises(carnet, acteur, organisation, intervenants_actifs=None) -> list[str]:
    """« Moi seul·e » toujours ; « mon organisation » si elle partage le carnet ; « tout le groupe » aux
    intervenants actifs (`intervenants_actifs` : déjà lus dans la même requête ; sans eux, une requête)."""
    permises = [Note.Visibilite.MOI]
    if organisation is not None and regles.organisation_partage(carnet, organisation):
        permises.append(Note.Visibilite.ORGANISATION)
    if regles.est_intervenant_actif(acteur, carnet, intervenants_actifs):
        permises.append(Note.Visibilite.GROUPE)
    return permises


@transaction.atomic
def ajouter_note(carnet, *, acteur, organisation, texte, visibilite) -> Note:
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    if visibilite not in visibilites_permises(carnet, acteur, organisation):
        raise ValidationError({"visibilite": "Vous ne pouvez pas donner cette visibilité à une note de ce carnet."})
    if not texte.strip():
        raise ValidationError({"texte": "La note est vide."})
    note = Note.objects.create(
        carnet=carnet, auteur=acteur, organisation=organisation, texte=texte.strip(), visibilite=visibilite
    )
    historiser(
        carnet,
        EvenementCarnet.Type.NOTE_AJOUTEE,
        acteur=acteur,
        organisation=organisation,
        visibilite=note.get_visibilite_display().lower(),
    )
    return note


@transaction.atomic
def changer_statut(carnet, *, acteur, type, valeur, date_debut, motif="") -> Statut:
    """Clôt la valeur en cours de ce statut à la nouvelle date et ouvre la nouvelle. Un statut sensible (RQTH)
    apparaît dans l'historique sans sa valeur. Un changement qui appelle un réexamen (entrée ou sortie du RSA…)
    l'écrit aussi et prévient le référent ; le parcours continue."""
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    if type not in Statut.Type.values:
        raise ValidationError({"type": "Ce statut n'existe pas."})
    if valeur not in Statut.valeurs_permises(type):
        raise ValidationError({"valeur": "Cette valeur n'est pas possible pour ce statut."})
    if Statut(type=type).est_sensible and not regles.can_view_sensible(acteur, carnet):
        raise PermissionDenied("Seuls les intervenants du carnet renseignent les données sensibles.")
    personne = Personne.objects.select_for_update().get(pk=carnet.personne_id)
    en_cours = personne.statuts.filter(type=type, date_fin__isnull=True).first()
    if en_cours is not None:
        if date_debut < en_cours.date_debut:
            debut = f"{en_cours.date_debut:%d/%m/%Y}"
            raise ValidationError(
                {"date_debut": f"La nouvelle valeur ne peut pas commencer avant celle en cours ({debut})."}
            )
        en_cours.date_fin = date_debut
        en_cours.save(update_fields=["date_fin"])
    statut = Statut(
        personne=personne, type=type, valeur=valeur, date_debut=date_debut, motif=motif.strip(), saisi_par=acteur
    )
    statut.full_clean()
    statut.save()
    details = {"statut": statut.get_type_display()}
    if not statut.est_sensible:
        details["valeur"] = statut.libelle_valeur
    historiser(carnet, EvenementCarnet.Type.STATUT_CHANGE, acteur=acteur, **details)
    from parcours.suivi.services import signaler_changement_de_statut  # le suivi s'appuie sur ce module

    avant = en_cours.valeur if en_cours is not None else ""
    signaler_changement_de_statut(carnet, acteur=acteur, type_statut=type, avant=avant, apres=valeur)
    return statut


# --- Plan d'action et contrat d'engagement -----------------------------------------------------


def _un_seul(referentiel_code: str, libelle_libre: str, quoi: str) -> None:
    if bool(referentiel_code) == bool(libelle_libre.strip()):
        raise ValidationError(
            {"libelle_libre": f"Choisissez {quoi} du référentiel ou saisissez-le librement, pas les deux."}
        )


@transaction.atomic
def ajouter_objectif(
    carnet, *, acteur, axe, referentiel="", libelle_libre="", contrat=None, suggere_par_diagnostic=False
) -> Objectif:
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    axe_trouve = Theme.objects.filter(code=axe).first()
    if axe_trouve is None or not axe_trouve.est_un_axe:
        raise ValidationError({"axe": "Cet axe de travail n'existe pas dans le référentiel."})
    _un_seul(referentiel, libelle_libre, "un objectif")
    objectif_ref = None
    if referentiel:
        objectif_ref = ObjectifReferentiel.objects.select_related("theme").filter(code=referentiel, actif=True).first()
        if objectif_ref is None:
            raise ValidationError({"referentiel": "Cet objectif n'existe pas dans le référentiel."})
        if objectif_ref.theme.axe != axe_trouve.code:
            raise ValidationError({"referentiel": f"Cet objectif ne relève pas de l'axe « {axe_trouve.libelle} »."})
    if contrat is not None and contrat.carnet_id != carnet.pk:
        raise ValidationError({"contrat": "Ce contrat n'est pas celui de ce carnet."})
    objectif = Objectif(
        carnet=carnet,
        axe=axe_trouve,
        referentiel=objectif_ref,
        libelle_libre=libelle_libre.strip(),
        contrat=contrat,
        cree_par=acteur,
    )
    objectif.full_clean()
    objectif.save()
    libelle = objectif.libelle if objectif_ref else f"{objectif.libelle} (saisie libre)"
    details = {"suggere_par_diagnostic": True} if suggere_par_diagnostic else {}
    historiser(carnet, EvenementCarnet.Type.OBJECTIF_AJOUTE, acteur=acteur, libelle=libelle, **details)
    return objectif


@transaction.atomic
def ajouter_action(
    objectif, *, acteur, date_debut, referentiel="", libelle_libre="", date_echeance=None, porteur=None
) -> Action:
    carnet = objectif.carnet
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    _un_seul(referentiel, libelle_libre, "une action")
    action_ref = None
    if referentiel:
        action_ref = ActionReferentiel.objects.filter(code=referentiel, actif=True).first()
        if action_ref is None:
            raise ValidationError({"referentiel": "Cette action n'existe pas dans le référentiel."})
        if action_ref.theme_id != objectif.axe_id:
            raise ValidationError({"referentiel": f"Cette action ne relève pas de l'axe « {objectif.axe.libelle} »."})
    if porteur is not None and not regles.organisation_partage(carnet, porteur):
        raise ValidationError({"porteur": "L'action est portée par une organisation du groupe de suivi."})
    action = Action(
        objectif=objectif,
        referentiel=action_ref,
        libelle_libre=libelle_libre.strip(),
        date_debut=date_debut,
        date_echeance=date_echeance,
        porteur=porteur,
        cree_par=acteur,
    )
    action.full_clean()
    action.save()
    historiser(carnet, EvenementCarnet.Type.ACTION_AJOUTEE, acteur=acteur, libelle=action.libelle)
    return action


@transaction.atomic
def changer_statut_action(action, *, acteur, statut) -> Action:
    carnet = action.objectif.carnet
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    if statut not in Action.Statut.values:
        raise ValidationError({"statut": "Ce statut n'existe pas."})
    action.statut = statut
    action.save(update_fields=["statut"])
    historiser(
        carnet,
        EvenementCarnet.Type.ACTION_MODIFIEE,
        acteur=acteur,
        libelle=action.libelle,
        statut=action.get_statut_display().lower(),
    )
    return action


@transaction.atomic
def enregistrer_contrat(carnet, *, acteur, **champs) -> ContratEngagement:
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    contrat = ContratEngagement(carnet=carnet, cree_par=acteur, **champs)
    if contrat.heures_hebdomadaires < ContratEngagement.HEURES_LEGALES and not contrat.raison_amenagement:
        raise ValidationError(
            {"raison_amenagement": "Sous 15 heures d'activité par semaine, indiquez la raison de l'aménagement."}
        )
    contrat.full_clean()
    contrat.save()
    historiser(carnet, EvenementCarnet.Type.CONTRAT_ENREGISTRE, acteur=acteur, contrat=str(contrat))
    return contrat


@transaction.atomic
def enregistrer_accord(contrat, *, acteur, date_accord) -> ContratEngagement:
    """L'accord de la personne sur son contrat (recueilli par le professionnel ; l'espace personne viendra)."""
    permissions.require(regles.can_edit_carnet(acteur, contrat.carnet), "Vous ne pouvez pas modifier ce carnet.")
    if date_accord < contrat.date_debut:
        raise ValidationError({"date_accord": "L'accord ne peut pas précéder le début du contrat."})
    contrat.accord_personne_le = date_accord
    contrat.save(update_fields=["accord_personne_le"])
    historiser(contrat.carnet, EvenementCarnet.Type.CONTRAT_ACCEPTE, acteur=acteur, contrat=str(contrat))
    return contrat


@transaction.atomic
def demander_acces(carnet, *, demandeur, organisation, motif) -> EvenementCarnet:
    """Un professionnel qui ne voit pas le carnet (repéré comme doublon) demande à son référent d'être ajouté au
    groupe de suivi. Il ne reçoit aucune donnée du carnet ; le référent est prévenu par e-mail."""
    _membre_actif(demandeur, organisation)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Expliquez en une phrase pourquoi vous accompagnez cette personne."})
    evenement = historiser(
        carnet,
        EvenementCarnet.Type.ACCES_DEMANDE,
        acteur=demandeur,
        organisation=organisation,
        demandeur=f"{demandeur} ({organisation.nom}, {demandeur.email})",
        motif=motif,
    )
    transaction.on_commit(lambda: prevenir_referent_demande_acces.delay(evenement.pk))
    return evenement
