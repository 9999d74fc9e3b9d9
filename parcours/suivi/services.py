"""Écritures de la continuité du parcours : réexamen suggéré, sortie, suivi dans l'emploi, réouverture, réglage
du territoire. Chaque fonction : une transaction, les droits par la façade, un événement d'historique."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from parcours import delais
from parcours import permissions as regles
from parcours import services as carnet_services
from parcours.models import (
    Carnet,
    EvenementCarnet,
    Intervenant,
    ParametresTerritoire,
    PointSuiviEmploi,
    SortieParcours,
)
from parcours.suivi import point_de_situation
from parcours.suivi import regles as regles_suivi
from parcours.suivi.taches import prevenir_referent_reexamen
from partenaires import permissions
from partenaires import services as partenaires_services
from partenaires.choix import Role, TypeEvenement, TypeOrganisation
from partenaires.models import Organisation, Utilisateur
from partenaires.referentiels import departements

INTERDIT = "Vous ne pouvez pas modifier ce carnet."
Motif = SortieParcours.Motif


def _verrouiller(carnet, acteur) -> Carnet:
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    permissions.require(regles.can_edit_carnet(acteur, carnet), INTERDIT)
    return carnet


def _referent(carnet):
    return carnet.intervenants.actifs().filter(role="referent").select_related("utilisateur", "organisation").first()


# --- Changements de situation ------------------------------------------------------------------


def _details_avis(code: str, phrase: str, automatique: bool) -> dict:
    resume = f"{phrase} (avis automatique de la plateforme)" if automatique else phrase
    return {"code": code, "automatique": automatique, "resume": resume}


def suggerer_reexamen(carnet, *, acteur, code: str, phrase: str, organisation=None, automatique=False):
    """Écrit l'avis « changement de situation à examiner » et prévient le référent par courriel après commit
    (sauf s'il est lui-même l'auteur du changement). Rien n'est fermé : le parcours continue."""
    evenement = carnet_services.historiser(
        carnet,
        EvenementCarnet.Type.REEXAMEN_SUGGERE,
        acteur=acteur,
        organisation=organisation,
        **_details_avis(code, phrase, automatique),
    )
    referent = _referent(carnet)
    if referent is not None and (automatique or referent.utilisateur_id != acteur.pk):
        transaction.on_commit(lambda: prevenir_referent_reexamen.delay(evenement.pk))
    return evenement


def signaler_changement_de_statut(carnet, *, acteur, type_statut: str, avant: str, apres: str) -> None:
    """Appelé par `changer_statut` : un changement qui appelle un réexamen (règles de `suivi.regles`) écrit l'avis."""
    motif = regles_suivi.motif_reexamen(type_statut, avant, apres)
    if motif is not None:
        suggerer_reexamen(carnet, acteur=acteur, code=motif[0], phrase=motif[1])


def signaler_changements_de_statut(changements, *, acteur, organisation, lot: int = 1000) -> list[EvenementCarnet]:
    """`signaler_changement_de_statut` en masse (import de personnes) : `changements` est une liste de
    (carnet, type de statut, avant, après) ; mêmes avis, mêmes courriels après commit, en quelques requêtes."""
    avis = []
    for carnet, type_statut, avant, apres in changements:
        motif = regles_suivi.motif_reexamen(type_statut, avant, apres)
        if motif is not None:
            details = _details_avis(motif[0], motif[1], automatique=False)
            avis.append(
                EvenementCarnet(
                    carnet=carnet,
                    type=EvenementCarnet.Type.REEXAMEN_SUGGERE,
                    acteur=acteur,
                    organisation=organisation,
                    details=details,
                )
            )
    EvenementCarnet.objects.bulk_create(avis, batch_size=lot)
    ids = sorted({evenement.carnet_id for evenement in avis})
    a_prevenir: set[int] = set()
    for debut in range(0, len(ids), lot):
        referents = (
            Intervenant.objects.referents().filter(carnet__in=ids[debut : debut + lot]).exclude(utilisateur=acteur)
        )
        a_prevenir.update(referents.values_list("carnet_id", flat=True))
    evenements = [evenement.pk for evenement in avis if evenement.carnet_id in a_prevenir]
    if evenements:
        transaction.on_commit(lambda: [prevenir_referent_reexamen.delay(pk) for pk in evenements])
    return avis


@transaction.atomic
def signaler_26_ans(*, aujourd_hui) -> int:
    """Chaque nuit : un avis par personne qui a eu 26 ans (dans la fenêtre de rattrapage), jamais deux. L'avis est
    attribué au référent (à défaut à qui a ouvert le carnet) et mentionne la Mission locale quand elle est dans le
    groupe de suivi. Rend le nombre d'avis écrits."""
    premier_jour = aujourd_hui - timedelta(days=regles_suivi.FENETRE_26_ANS_JOURS)
    deja = EvenementCarnet.objects.filter(
        carnet=OuterRef("pk"), type=EvenementCarnet.Type.REEXAMEN_SUGGERE, details__code=regles_suivi.CODE_26_ANS
    )
    mission_locale = Intervenant.objects.actifs().filter(
        carnet=OuterRef("pk"), organisation__type=TypeOrganisation.MISSION_LOCALE
    )
    # 26 ans font 9 496 ou 9 497 jours : une fenêtre un peu large côté base, le jour exact en Python.
    carnets = (
        point_de_situation.avec_referent(Carnet.objects.filter(statut__in=point_de_situation.EN_COURS), "pk")
        .filter(personne__date_naissance__range=(premier_jour - timedelta(days=9498), aujourd_hui - timedelta(9495)))
        .exclude(Exists(deja))
        .annotate(avec_mission_locale=Exists(mission_locale))
        .select_related("personne", "cree_par")
    )
    a_signaler = []
    for carnet in carnets:
        jour = regles_suivi.anniversaire(carnet.personne.date_naissance, regles_suivi.AGE_FIN_PUBLIC_JEUNE)
        if premier_jour <= jour <= aujourd_hui:
            a_signaler.append((carnet, jour))
    utilisateurs = Utilisateur.objects.in_bulk({c.ref_utilisateur for c, _ in a_signaler if c.ref_utilisateur})
    organisations = Organisation.objects.in_bulk({c.ref_organisation for c, _ in a_signaler})
    for carnet, jour in a_signaler:
        suggerer_reexamen(
            carnet,
            acteur=utilisateurs.get(carnet.ref_utilisateur, carnet.cree_par),
            organisation=organisations[carnet.ref_organisation],
            code=regles_suivi.CODE_26_ANS,
            phrase=regles_suivi.phrase_26_ans(jour, mission_locale=carnet.avec_mission_locale),
            automatique=True,
        )
    return len(a_signaler)


# --- Sortie de parcours ------------------------------------------------------------------------


def _valider_sortie(carnet, *, motif, precision, date_sortie, suivi_emploi_mois) -> None:
    erreurs = {}
    if motif not in Motif.values:
        erreurs["motif"] = "Choisissez un motif de sortie dans la liste."
    elif motif == Motif.AUTRE and not precision:
        erreurs["precision"] = "Précisez le motif de sortie « Autre »."
    aujourd_hui = timezone.localdate()
    ouverture = timezone.localdate(carnet.date_creation)
    if date_sortie > aujourd_hui:
        erreurs["date_sortie"] = "La date de sortie ne peut pas être dans le futur."
    elif date_sortie < ouverture:
        erreurs["date_sortie"] = f"La date de sortie ne peut pas précéder l'ouverture du carnet ({ouverture:%d/%m/%Y})."
    if not 0 <= suivi_emploi_mois <= SortieParcours.SUIVI_EMPLOI_MOIS_MAX:
        erreurs["suivi_emploi_mois"] = "Le suivi dans l'emploi dure de 0 à 12 mois."
    elif suivi_emploi_mois and motif in Motif.values and motif not in SortieParcours.MOTIFS_VERS_L_EMPLOI:
        erreurs["suivi_emploi_mois"] = (
            "Le suivi dans l'emploi accompagne une sortie vers l'emploi (emploi durable ou temporaire, création "
            "d'entreprise)."
        )
    if erreurs:
        raise ValidationError(erreurs)


@transaction.atomic
def sortir(carnet, *, acteur, motif, date_sortie, precision="", suivi_emploi_mois=0) -> SortieParcours:
    """Clôt le parcours : motif, date, et au besoin un suivi dans l'emploi de N mois (un point daté par mois).
    Le carnet passe « suivi dans l'emploi » (N > 0) ou « clos » ; son groupe de suivi reste tel quel."""
    carnet = _verrouiller(carnet, acteur)
    if carnet.statut != Carnet.Statut.ACTIF:
        raise ValidationError(
            f"Ce parcours est déjà clos ({carnet.get_statut_display().lower()}) : rouvrez-le d'abord."
        )
    precision = (precision or "").strip()
    _valider_sortie(
        carnet, motif=motif, precision=precision, date_sortie=date_sortie, suivi_emploi_mois=suivi_emploi_mois
    )
    organisation = carnet_services.organisation_de_l_acteur(carnet, acteur)
    sortie = SortieParcours(
        carnet=carnet,
        motif=motif,
        precision=precision,
        date_sortie=date_sortie,
        suivi_emploi_mois=suivi_emploi_mois,
        auteur=acteur,
        organisation=organisation,
    )
    sortie.full_clean()
    sortie.save()
    PointSuiviEmploi.objects.bulk_create(
        PointSuiviEmploi(sortie=sortie, date_prevue=delais.ajouter_mois(date_sortie, mois))
        for mois in range(1, suivi_emploi_mois + 1)
    )
    carnet.statut = Carnet.Statut.SUIVI_EMPLOI if suivi_emploi_mois else Carnet.Statut.CLOS
    carnet.save(update_fields=["statut"])
    resume = f"{sortie.get_motif_display()}, le {date_sortie:%d/%m/%Y}"
    resume += f" ; suivi dans l'emploi de {suivi_emploi_mois} mois" if suivi_emploi_mois else " ; parcours clos"
    carnet_services.historiser(
        carnet, EvenementCarnet.Type.SORTIE, acteur=acteur, organisation=organisation, motif=motif, resume=resume
    )
    return sortie


def sortie_en_cours(carnet) -> SortieParcours | None:
    return carnet.sorties.filter(rouvert_le__isnull=True).first()


def _terminer_suivi(carnet, sortie, *, acteur, resume) -> None:
    carnet.statut = Carnet.Statut.CLOS
    carnet.save(update_fields=["statut"])
    carnet_services.historiser(carnet, EvenementCarnet.Type.FIN_SUIVI_EMPLOI, acteur=acteur, resume=resume)


@transaction.atomic
def enregistrer_point(point, *, acteur, situation, commentaire="", fait_le=None) -> PointSuiviEmploi:
    """Le point daté du suivi dans l'emploi ; le dernier point fait termine le suivi (le carnet est clos)."""
    carnet = _verrouiller(point.sortie.carnet, acteur)
    point = PointSuiviEmploi.objects.select_related("sortie").get(pk=point.pk)
    sortie = point.sortie
    if carnet.statut != Carnet.Statut.SUIVI_EMPLOI or sortie.rouvert_le is not None:
        raise ValidationError("Le suivi dans l'emploi de ce parcours est terminé.")
    if point.fait_le is not None:
        raise ValidationError(f"Le point du {point.date_prevue:%d/%m/%Y} est déjà enregistré.")
    erreurs = {}
    if situation not in PointSuiviEmploi.Situation.values:
        erreurs["situation"] = "Choisissez la situation de la personne dans la liste."
    fait_le = fait_le or timezone.localdate()
    if fait_le > timezone.localdate():
        erreurs["fait_le"] = "Le point ne peut pas être daté dans le futur."
    elif fait_le < sortie.date_sortie:
        erreurs["fait_le"] = f"Le point ne peut pas précéder la sortie du parcours ({sortie.date_sortie:%d/%m/%Y})."
    if erreurs:
        raise ValidationError(erreurs)
    point.fait_le, point.situation, point.commentaire, point.saisi_par = (
        fait_le,
        situation,
        (commentaire or "").strip(),
        acteur,
    )
    point.full_clean()
    point.save(update_fields=["fait_le", "situation", "commentaire", "saisi_par"])
    carnet_services.historiser(
        carnet,
        EvenementCarnet.Type.POINT_SUIVI_EMPLOI,
        acteur=acteur,
        resume=f"Point prévu le {point.date_prevue:%d/%m/%Y}, fait le {fait_le:%d/%m/%Y} : "
        f"{point.get_situation_display().lower()}",
    )
    if not sortie.points_suivi.filter(fait_le__isnull=True).exists():
        _terminer_suivi(carnet, sortie, acteur=acteur, resume="Dernier point fait : le suivi dans l'emploi est terminé")
    return point


@transaction.atomic
def terminer_suivi_emploi(carnet, *, acteur, motif) -> SortieParcours:
    """Met fin au suivi dans l'emploi avant son dernier point : le carnet est clos (les points faits restent)."""
    carnet = _verrouiller(carnet, acteur)
    sortie = sortie_en_cours(carnet)
    if carnet.statut != Carnet.Statut.SUIVI_EMPLOI or sortie is None:
        raise ValidationError("Ce parcours n'a pas de suivi dans l'emploi en cours.")
    if not (motif or "").strip():
        raise ValidationError({"motif": "Indiquez pourquoi le suivi dans l'emploi s'arrête."})
    restants = sortie.points_suivi.filter(fait_le__isnull=True).count()
    _terminer_suivi(
        carnet,
        sortie,
        acteur=acteur,
        resume=f"Suivi dans l'emploi arrêté avant son terme ({restants} point(s) non faits)",
    )
    return sortie


@transaction.atomic
def rouvrir(carnet, *, acteur, motif) -> SortieParcours:
    """Rouvre le parcours : la sortie reste dans l'histoire, datée de sa réouverture ; le carnet redevient actif."""
    carnet = _verrouiller(carnet, acteur)
    sortie = sortie_en_cours(carnet)
    if carnet.statut == Carnet.Statut.ACTIF or sortie is None:
        raise ValidationError("Ce parcours n'est pas clos : il n'y a rien à rouvrir.")
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez pourquoi le parcours reprend."})
    sortie.rouvert_le, sortie.motif_reouverture, sortie.rouvert_par = timezone.localdate(), motif, acteur
    sortie.full_clean()
    sortie.save(update_fields=["rouvert_le", "motif_reouverture", "rouvert_par"])
    carnet.statut = Carnet.Statut.ACTIF
    carnet.save(update_fields=["statut"])
    carnet_services.historiser(
        carnet,
        EvenementCarnet.Type.REOUVERTURE,
        acteur=acteur,
        resume=f"Parcours repris après la sortie du {sortie.date_sortie:%d/%m/%Y} ({sortie.get_motif_display()})",
    )
    return sortie


# --- Réglage du territoire ---------------------------------------------------------------------


@transaction.atomic
def regler_jours_sans_contact(*, acteur, departement: str, jours_sans_contact: int) -> ParametresTerritoire:
    """Le pilote du territoire règle le nombre de jours sans contact avant « perdu de vue » ; tracé dans le journal
    de son organisation de pilotage."""
    pilotage = (
        permissions.membres_actifs(acteur)
        .filter(role=Role.PILOTE, organisation__departement=departement)
        .select_related("organisation")
        .first()
    )
    permissions.require(pilotage is not None, "Seul un pilote du territoire règle ses paramètres.")
    jours = jours_sans_contact
    if not 7 <= jours <= 365:
        raise ValidationError({"jours_sans_contact": "Choisissez un nombre de jours entre 7 et 365."})
    parametres, _ = ParametresTerritoire.objects.select_for_update().get_or_create(departement=departement)
    avant = parametres.jours_sans_contact
    if avant != jours:
        parametres.jours_sans_contact = jours
        parametres.save(update_fields=["jours_sans_contact"])
        nom = departements().get(departement, departement)
        partenaires_services.journaliser(
            pilotage.organisation,
            TypeEvenement.ORGANISATION_MODIFIEE,
            acteur=acteur,
            champs={f"jours sans contact avant « perdu de vue » ({nom})": {"avant": str(avant), "apres": str(jours)}},
        )
    return parametres
