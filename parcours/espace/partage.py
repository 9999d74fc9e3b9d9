"""Qui voit le carnet de la personne, et pourquoi ; ses accords de partage, ses demandes d'opposition, et qui a
consulté son carnet.

La règle « pourquoi cette organisation voit-elle mon carnet » (`raisons_du_partage`) :
- le cadre légal de l'accompagnement : l'organisation a un intervenant actif dans le groupe de suivi (« vous
  accompagne »), c'est la file qui a reçu la dernière demande d'orientation (« décide de votre orientation »), le
  dossier lui a été transféré ou vient d'être transféré ailleurs (lecture de 30 jours), ou elle suit le parcours
  (partage en modification, par exemple après un import) ;
- l'accord de la personne (`Consentement`), pour une organisation hors de ce cadre : lecture seule ;
- à défaut, l'accès « sans raison retrouvée » (un reliquat, par exemple d'une ancienne file d'orientation) : montré
  à part, jamais comme prévu par la loi, et la personne est invitée à en parler à son référent.
Retirer un accord retire la lecture, sauf si l'organisation a entre-temps une raison légale de voir le carnet.

Toutes les écritures de permissions passent par la façade `partenaires.permissions`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from parcours import delais, population
from parcours import permissions as regles_carnet
from parcours.choix import MODIFIER_CARNET, VOIR_CARNET
from parcours.espace import partage_taches
from parcours.espace.acces import espace_ouvert_du_carnet
from parcours.models import (
    Carnet,
    Consentement,
    ConsultationCarnet,
    DemandeOpposition,
    EvenementCarnet,
    Intervenant,
    TransfertTerritoire,
)
from parcours.orientation import regles as orientation_regles
from parcours.services import historiser
from partenaires import permissions
from partenaires.choix import Role
from partenaires.models import Membre, Organisation, Utilisateur

# Le délai légal de réponse à une demande d'opposition (RGPD, article 12.3) : un mois, prolongeable de deux mois
# pour une demande complexe (la personne en est alors informée dans le premier mois).
DELAI_REPONSE_OPPOSITION_MOIS = 1
PROLONGATION_OPPOSITION_MOIS = 2
# La longueur maximale du motif d'une demande d'opposition (le formulaire et le service appliquent la même).
MOTIF_OPPOSITION_MAX = 5000
# Les consultations montrées à la personne : celles des 12 derniers mois.
FENETRE_CONSULTATIONS_MOIS = 12

SUIT_LE_PARCOURS = "suit votre parcours : elle peut lire et compléter votre carnet"

# Ce qu'un professionnel a regardé, en français courant (les onglets et pages du journal des consultations).
ONGLETS_EN_CLAIR = {
    "situation": "votre situation",
    "diagnostic": "votre diagnostic",
    "diagnostic_impression": "votre diagnostic (version à imprimer)",
    "diagnostic_pdf": "votre diagnostic (PDF)",
    "orientation": "votre orientation",
    "decision_orientation": "la décision sur votre orientation",
    "plan": "votre plan d'action",
    "offre": "vos orientations vers un service",
    "offre_recherche": "la recherche d'un service pour vous",
    "orientation_service": "une orientation vers un service",
    "orientation_service_dossier": "le dossier d'une orientation vers un service",
    "dossier_orientation": "le dossier d'une orientation vers un service",
    "rendez_vous": "vos rendez-vous",
    "notes": "les notes d'entretien",
    "groupe": "votre groupe de suivi",
    "procedures": "les procédures",
    "manquements": "les manquements et sanctions",
    "manquement": "un manquement",
    "equipe": "votre dossier en équipe pluridisciplinaire",
    "etudes": "votre situation étudiée en comité",
    "historique": "l'historique de votre carnet",
    "impression": "votre carnet (version à imprimer)",
    "espace": "l'état de votre espace personnel",
}
CARNET_EN_CLAIR = "votre carnet"
# Les sections sensibles qu'une consultation a montrées (`ConsultationCarnet.sections_sensibles`), en clair.
SECTIONS_SENSIBLES_EN_CLAIR = {
    "rqth": "votre reconnaissance de travailleur handicapé (RQTH)",
    "sante": "votre santé et votre handicap (diagnostic)",
}
# Le rôle dans son organisation d'un professionnel hors du groupe de suivi, dit à la personne.
ROLES_EN_CLAIR = {Role.PROFESSIONNEL: "Professionnel(le)"}


# --- Pourquoi une organisation voit le carnet ------------------------------------------------------------------


@dataclass
class Partage:
    """Une organisation qui voit le carnet : ce qu'elle peut faire, et pourquoi (en français courant)."""

    organisation: Organisation
    modifie: bool
    raisons: list[str] = field(default_factory=list)  # le cadre légal ; vide : l'accord, ou aucune raison retrouvée
    consentement: Consentement | None = None

    @property
    def cadre_legal(self) -> bool:
        return bool(self.raisons)

    @property
    def sans_raison(self) -> bool:
        """Ni cadre légal ni accord en cours : un accès que rien n'explique plus (à signaler au référent)."""
        return not self.raisons and self.consentement is None

    @property
    def niveau(self) -> str:
        return "peut lire et compléter votre carnet" if self.modifie else "peut lire votre carnet"


def _date_locale(moment) -> date:
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


def _raisons_legales(carnet, modifient: set[int]) -> dict[int, list[str]]:
    """Organisation → ses raisons légales de voir le carnet (quatre requêtes, quel que soit leur nombre)."""
    raisons = defaultdict(list)
    accompagnants = defaultdict(list)
    for intervenant in carnet.intervenants.actifs().select_related("utilisateur").order_by("-role", "date_debut"):
        accompagnants[intervenant.organisation_id].append(
            f"{intervenant.utilisateur.nom_complet or intervenant.utilisateur} "
            f"({intervenant.get_role_display().lower()})"
        )
    for organisation_id, noms in accompagnants.items():
        raisons[organisation_id].append("vous accompagne : " + ", ".join(noms))
    oriente = orientation_regles.organisation_qui_oriente(carnet)
    if oriente is not None:
        raisons[oriente].append("décide de votre orientation (elle reçoit les demandes d'orientation)")
    transferts = TransfertTerritoire.objects.filter(carnet=carnet).prefetch_related("organisations_sortantes")
    for transfert in transferts.order_by("-date_transfert", "-pk"):
        le = f"{_date_locale(transfert.date_transfert):%d/%m/%Y}"
        raisons[transfert.organisation_accueil_id].append(
            f"a reçu votre dossier, transféré le {le} à votre changement de département"
        )
        if transfert.acces_retires_le is None:
            for sortante in transfert.organisations_sortantes.all():
                raisons[sortante.pk].append(
                    f"garde la lecture jusqu'au {transfert.fin_lecture_le:%d/%m/%Y}, car votre dossier a été "
                    f"transféré le {le} vers un autre département"
                )
    for organisation_id in modifient:
        if organisation_id not in accompagnants:
            raisons[organisation_id].append(SUIT_LE_PARCOURS)
    return raisons


def _organisations_qui_modifient(carnet) -> set[int]:
    return set(permissions.organisations_partageant(carnet, MODIFIER_CARNET).values_list("pk", flat=True))


def raisons_du_partage(carnet) -> list[Partage]:
    """Chaque organisation qui voit le carnet, avec ce qu'elle peut faire et pourquoi : le cadre légal d'abord,
    puis les organisations qui le voient seulement par l'accord de la personne, enfin celles dont aucune raison
    n'est retrouvée (nombre de requêtes constant)."""
    lecteurs = list(permissions.organisations_partageant(carnet, VOIR_CARNET).order_by("nom"))
    modifient = _organisations_qui_modifient(carnet)
    raisons = _raisons_legales(carnet, modifient)
    consentements = {
        consentement.organisation_id: consentement
        for consentement in Consentement.objects.en_cours().filter(carnet=carnet)
    }
    partages = []
    for organisation in lecteurs:
        liste = list(raisons.get(organisation.pk, []))
        partages.append(Partage(organisation, organisation.pk in modifient, liste, consentements.get(organisation.pk)))
    return sorted(partages, key=lambda partage: (not partage.cadre_legal, partage.sans_raison))


def raisons_legales(carnet, organisation) -> list[str]:
    """Les raisons légales qu'a cette organisation de voir le carnet (vide : aucune, hors de l'accord)."""
    return _raisons_legales(carnet, _organisations_qui_modifient(carnet)).get(organisation.pk, [])


# --- Le territoire du carnet, les organisations à qui donner son accord ----------------------------------------


def organisations_a_qui_consentir(carnet):
    """Les organisations actives du département du carnet qui ne le voient pas encore."""
    return (
        Organisation.objects.actives()
        .filter(departement=population.territoire_de(carnet))
        .exclude(pk__in=permissions.organisations_partageant(carnet, VOIR_CARNET).values("pk"))
        .order_by("nom")
    )


def consentements_du_carnet(carnet):
    return Consentement.objects.filter(carnet=carnet).select_related("organisation").order_by("-donne_le", "-id")


def get_consentement_en_cours(carnet, organisation_uuid) -> Consentement:
    consentement = (
        Consentement.objects.en_cours()
        .filter(carnet=carnet, organisation__uuid=organisation_uuid)
        .select_related("organisation")
        .first()
    )
    if consentement is None:
        raise Http404("Accord introuvable.")
    return consentement


# --- Écritures de la personne --------------------------------------------------------------------------------


def _verrouiller_pour_la_personne(carnet, acteur) -> Carnet:
    """Seule la personne du carnet, depuis son espace ouvert, agit ici."""
    carnet = Carnet.objects.select_for_update().select_related("personne").get(pk=carnet.pk)
    permissions.require(
        espace_ouvert_du_carnet(carnet, acteur).exists(),
        "Seule la personne accompagnée décide de ses accords de partage.",
    )
    return carnet


@transaction.atomic
def donner_consentement(carnet, *, acteur, organisation) -> Consentement:
    """La personne permet à une organisation hors du cadre légal de lire son carnet (jamais de le modifier)."""
    carnet = _verrouiller_pour_la_personne(carnet, acteur)
    if Consentement.objects.accorde(carnet, organisation):
        raise ValidationError({"organisation": "Vous avez déjà donné votre accord à cette organisation."})
    if regles_carnet.organisation_partage(carnet, organisation):
        raise ValidationError(
            {
                "organisation": "Cette organisation voit déjà votre carnet dans le cadre de votre accompagnement : "
                "votre accord n'est pas nécessaire."
            }
        )
    if not organisation.is_active or organisation.departement != population.territoire_de(carnet):
        raise ValidationError({"organisation": "Choisissez une organisation de votre département."})
    consentement = Consentement.objects.create(carnet=carnet, organisation=organisation, donne_par=acteur)
    permissions.partager(carnet, organisation, VOIR_CARNET)
    historiser(
        carnet,
        EvenementCarnet.Type.CONSENTEMENT_DONNE,
        acteur=acteur,
        nom=organisation.nom,
        resume=f"La personne permet à « {organisation.nom} » de lire son carnet",
    )
    return consentement


@transaction.atomic
def retirer_consentement(consentement, *, acteur) -> list[str]:
    """L'accord prend fin ; l'organisation perd la lecture, sauf si elle a une raison légale de voir le carnet.
    Rend ces raisons (vide : l'accès est retiré)."""
    carnet = _verrouiller_pour_la_personne(consentement.carnet, acteur)
    consentement = Consentement.objects.select_related("organisation").select_for_update().get(pk=consentement.pk)
    if consentement.retire_le is not None:
        raise ValidationError("Vous avez déjà retiré cet accord.")
    organisation = consentement.organisation
    consentement.retire_le, consentement.retire_par = timezone.now(), acteur
    consentement.save(update_fields=["retire_le", "retire_par"])
    raisons = raisons_legales(carnet, organisation)
    if raisons:
        resume = f"La personne retire son accord à « {organisation.nom} », qui garde l'accès : elle {raisons[0]}"
    else:
        permissions.retirer_partage(carnet, organisation, VOIR_CARNET)
        resume = f"La personne retire son accord : « {organisation.nom} » ne voit plus son carnet"
    historiser(carnet, EvenementCarnet.Type.CONSENTEMENT_RETIRE, acteur=acteur, nom=organisation.nom, resume=resume)
    return raisons


# --- Opposition (RGPD, article 21) ---------------------------------------------------------------------------


def echeance_opposition(jour: date) -> date:
    """Un mois calendaire après la demande ; le 31 janvier donne le dernier jour de février."""
    return delais.ajouter_mois(jour, DELAI_REPONSE_OPPOSITION_MOIS)


def organisation_de_l_opposition(carnet) -> Organisation:
    """L'organisation du référent, à défaut celle qui a ouvert le carnet."""
    referent = carnet.intervenants.referents().select_related("organisation").first()
    if referent is not None:
        return referent.organisation
    return Organisation.objects.get(pk=carnet.organisation_creatrice_id)


def oppositions_de_la_personne(carnet):
    return DemandeOpposition.objects.filter(carnet=carnet).select_related("organisation").order_by("-demandee_le")


@transaction.atomic
def demander_opposition(carnet, *, acteur, motif) -> DemandeOpposition:
    """La demande part à l'organisation du référent, qui répond dans le mois ; une seule demande en attente."""
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Écrivez à quoi vous vous opposez, et pourquoi."})
    if len(motif) > MOTIF_OPPOSITION_MAX:
        raise ValidationError(
            {"motif": f"Votre demande est trop longue : {MOTIF_OPPOSITION_MAX} caractères au plus ({len(motif)} ici)."}
        )
    carnet = _verrouiller_pour_la_personne(carnet, acteur)
    if DemandeOpposition.objects.filter(carnet=carnet, statut=DemandeOpposition.Statut.EN_ATTENTE).exists():
        raise ValidationError(
            "Vous avez déjà une demande en attente de réponse : vous pourrez en faire une autre après la réponse."
        )
    organisation = organisation_de_l_opposition(carnet)
    demandee_le = timezone.now()
    demande = DemandeOpposition(
        carnet=carnet,
        organisation=organisation,
        motif=motif,
        demandee_par=acteur,
        demandee_le=demandee_le,
        echeance=echeance_opposition(timezone.localdate(demandee_le)),
    )
    demande.full_clean()
    demande.save()
    historiser(
        carnet,
        EvenementCarnet.Type.OPPOSITION_DEMANDEE,
        acteur=acteur,
        organisation_destinataire=organisation.nom,
        resume=f"La personne s'oppose au traitement de ses données : demande adressée à « {organisation.nom} », "
        f"réponse due au plus tard le {demande.echeance:%d/%m/%Y}",
    )
    transaction.on_commit(lambda: partage_taches.prevenir_opposition.delay(demande.pk))
    return demande


# --- Réponse du professionnel ----------------------------------------------------------------------------------


def peut_repondre(user, demande) -> bool:
    """Un membre actif de l'organisation saisie, qui peut modifier le carnet."""
    return permissions.membres_actifs(user).filter(
        organisation_id=demande.organisation_id
    ).exists() and regles_carnet.can_edit_carnet(user, demande.carnet)


def get_opposition_pour_repondre(user, uuid, opposition_uuid) -> DemandeOpposition:
    """404 si le carnet n'est pas visible (ou la demande d'un autre carnet), 403 si l'on ne peut pas y répondre."""
    carnet = regles_carnet.get_carnet_for_user(user, uuid)
    demande = (
        DemandeOpposition.objects.filter(carnet=carnet, uuid=opposition_uuid)
        .select_related("organisation", "repondu_par")
        .first()
    )
    if demande is None:
        raise Http404("Demande introuvable.")
    demande.carnet = carnet
    permissions.require(
        peut_repondre(user, demande),
        "Seuls les professionnels de l'organisation saisie, qui suivent le carnet, répondent à cette demande.",
    )
    return demande


REPONSES = (DemandeOpposition.Statut.ACCEPTEE, DemandeOpposition.Statut.REFUSEE)


@transaction.atomic
def repondre_opposition(demande, *, acteur, statut, reponse) -> DemandeOpposition:
    demande = DemandeOpposition.objects.select_for_update().select_related("carnet", "organisation").get(pk=demande.pk)
    permissions.require(peut_repondre(acteur, demande), "Vous ne pouvez pas répondre à cette demande.")
    if demande.statut != DemandeOpposition.Statut.EN_ATTENTE:
        raise ValidationError("Cette demande a déjà reçu une réponse.")
    erreurs = {}
    if statut not in REPONSES:
        erreurs["statut"] = "Dites si la demande est acceptée ou refusée."
    reponse = (reponse or "").strip()
    if not reponse:
        erreurs["reponse"] = "Motivez la réponse : la personne la lira."
    if erreurs:
        raise ValidationError(erreurs)
    demande.statut, demande.reponse = statut, reponse
    demande.repondu_le, demande.repondu_par = timezone.now(), acteur
    demande.full_clean()
    demande.save(update_fields=["statut", "reponse", "repondu_le", "repondu_par"])
    historiser(
        demande.carnet,
        EvenementCarnet.Type.OPPOSITION_REPONDUE,
        acteur=acteur,
        organisation=demande.organisation,
        resume=f"Demande d'opposition {demande.get_statut_display().split(' (')[0].lower()} "
        f"par « {demande.organisation.nom} »",
    )
    # La personne est prévenue qu'une réponse l'attend dans son espace (jamais le contenu de la réponse).
    transaction.on_commit(lambda: partage_taches.prevenir_reponse_opposition.delay(demande.pk))
    return demande


def oppositions_du_carnet(carnet, *, lecteur=None) -> list[DemandeOpposition]:
    """Les demandes en attente, la plus ancienne échéance d'abord (pour la page du carnet côté professionnel).
    Chacune porte `lecteur_peut_repondre` : le lien « Lire et répondre » n'est montré qu'à qui peut répondre."""
    demandes = list(
        DemandeOpposition.objects.filter(carnet=carnet, statut=DemandeOpposition.Statut.EN_ATTENTE)
        .select_related("organisation")
        .order_by("echeance", "demandee_le")
    )
    for demande in demandes:  # une seule demande en attente à la fois : pas de requêtes par ligne à craindre
        demande.carnet = carnet
        demande.lecteur_peut_repondre = lecteur is not None and peut_repondre(lecteur, demande)
    return demandes


# --- Qui a consulté le carnet ----------------------------------------------------------------------------------


@dataclass
class LigneConsultation:
    """Les consultations d'un même lecteur, pour une même organisation, un même jour."""

    jour: date
    utilisateur_id: int | None
    lecteur: str
    organisation_id: int | None
    derniere: datetime
    nom: str = ""
    role: str = ""
    organisation: Organisation | None = None
    consulte: list[str] = field(default_factory=list)
    sensibles: list[str] = field(default_factory=list)

    @property
    def sans_compte(self) -> bool:
        return self.utilisateur_id is None


def debut_fenetre_consultations(aujourd_hui: date | None = None) -> datetime:
    jour = delais.ajouter_mois(aujourd_hui or timezone.localdate(), -FENETRE_CONSULTATIONS_MOIS)
    return timezone.make_aware(datetime.combine(jour, time.min))


def consultations_groupees(carnet, *, exclure=None):
    """Le journal des 12 derniers mois, une ligne par lecteur, organisation et jour (à paginer), la plus récente
    d'abord. `exclure` : le compte de la personne elle-même, qui n'est pas un lecteur à lui montrer."""
    journal = ConsultationCarnet.objects.filter(carnet=carnet, date__gte=debut_fenetre_consultations())
    if exclure is not None:
        journal = journal.exclude(utilisateur=exclure)
    return (
        journal.annotate(jour=TruncDate("date", tzinfo=timezone.get_current_timezone()))
        .values("jour", "utilisateur", "lecteur", "organisation")
        .annotate(derniere=Max("date"))
        .order_by("-jour", "-derniere", "utilisateur", "lecteur")
    )


def completer_consultations(carnet, groupes) -> list[LigneConsultation]:
    """Les lignes d'une page : noms, rôles, organisations et ce qui a été regardé (cinq requêtes au plus, quel que
    soit le nombre de lignes)."""
    lignes = [
        LigneConsultation(
            jour=groupe["jour"],
            utilisateur_id=groupe["utilisateur"],
            lecteur=groupe["lecteur"],
            organisation_id=groupe["organisation"],
            derniere=groupe["derniere"],
        )
        for groupe in groupes
    ]
    if not lignes:
        return lignes
    jours = {ligne.jour for ligne in lignes}
    utilisateurs_ids = {ligne.utilisateur_id for ligne in lignes if ligne.utilisateur_id}
    organisations_ids = {ligne.organisation_id for ligne in lignes if ligne.organisation_id}
    onglets = defaultdict(list)
    debut = timezone.make_aware(datetime.combine(min(jours), time.min))
    fin = timezone.make_aware(datetime.combine(max(jours) + timedelta(days=1), time.min))
    regardes = (
        ConsultationCarnet.objects.filter(carnet=carnet, date__gte=debut, date__lt=fin)
        .annotate(jour=TruncDate("date", tzinfo=timezone.get_current_timezone()))
        .values_list("jour", "utilisateur", "lecteur", "organisation", "onglet", "sections_sensibles")
        .order_by("date", "id")
    )
    sensibles = defaultdict(list)
    for jour, utilisateur_id, lecteur, organisation_id, onglet, sections in regardes:
        libelle = ONGLETS_EN_CLAIR.get(onglet, CARNET_EN_CLAIR)
        deja = onglets[(jour, utilisateur_id, lecteur, organisation_id)]
        if libelle not in deja:
            deja.append(libelle)
        vues = sensibles[(jour, utilisateur_id, lecteur, organisation_id)]
        for code in filter(None, sections.split(",")):
            libelle_sensible = SECTIONS_SENSIBLES_EN_CLAIR.get(code, code)
            if libelle_sensible not in vues:
                vues.append(libelle_sensible)
    utilisateurs = Utilisateur.objects.in_bulk(utilisateurs_ids)
    organisations = Organisation.objects.in_bulk(organisations_ids)
    interventions = defaultdict(list)
    for intervention in Intervenant.objects.filter(carnet=carnet, utilisateur_id__in=utilisateurs_ids).order_by(
        "-date_debut", "-id"
    ):
        interventions[intervention.utilisateur_id].append(intervention)
    roles_membres = {}
    for membre in Membre.objects.filter(
        utilisateur_id__in=utilisateurs_ids, organisation_id__in=organisations_ids
    ).order_by("is_active", "date_debut"):  # l'appartenance active, la plus récente, l'emporte
        roles_membres[(membre.utilisateur_id, membre.organisation_id)] = ROLES_EN_CLAIR.get(
            membre.role, Role(membre.role).label
        )
    for ligne in lignes:
        ligne.organisation = organisations.get(ligne.organisation_id)
        ligne.consulte = onglets[(ligne.jour, ligne.utilisateur_id, ligne.lecteur, ligne.organisation_id)]
        ligne.sensibles = sensibles[(ligne.jour, ligne.utilisateur_id, ligne.lecteur, ligne.organisation_id)]
        if ligne.sans_compte:
            ligne.nom = ligne.lecteur
            ligne.role = "Sans compte : a lu votre dossier par le lien reçu par e-mail"
            continue
        utilisateur = utilisateurs.get(ligne.utilisateur_id)
        ligne.nom = (utilisateur.nom_complet or str(utilisateur)) if utilisateur else ""
        ligne.role = _role_ce_jour(interventions.get(ligne.utilisateur_id, []), ligne.jour) or roles_membres.get(
            (ligne.utilisateur_id, ligne.organisation_id), ""
        )
    return lignes


def _role_ce_jour(interventions, jour) -> str:
    """Le rôle dans le groupe de suivi ce jour-là, à défaut le dernier rôle tenu dans ce groupe."""
    for intervention in interventions:
        if intervention.date_debut <= jour and (intervention.date_fin is None or intervention.date_fin >= jour):
            return intervention.get_role_display()
    return interventions[0].get_role_display() if interventions else ""
