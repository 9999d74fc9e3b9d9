"""Écritures du consortium et de la composition des comités. Chaque fonction valide tout avant d'écrire, dans une
transaction : une erreur (message en français) ne laisse rien à moitié écrit. Les partages suivent la composition :
les organisations membres voient le consortium, celles qui ont un siège voient le comité."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from gouvernance.choix import (
    MAX_COPRESIDENTS,
    VOIR_COMITE,
    VOIR_CONSORTIUM,
    Qualite,
    RoleConsortium,
    StatutSeance,
    TypeComite,
    Voix,
)
from gouvernance.models import (
    Comite,
    Consortium,
    CoPresidence,
    EnvoiConvocation,
    Mandat,
    MembreConsortium,
    Siege,
)
from gouvernance.seances.services import recalculer_validation
from partenaires import permissions
from partenaires.choix import Role
from partenaires.models import Organisation, Utilisateur

ORGANISATION_DESACTIVEE = "Cette organisation est désactivée : elle ne siège pas."
SIEGE_A_SIEGE = "Ce siège a déjà siégé : il reste dans l'histoire des séances."
THEME_OBLIGATOIRE = "Un comité technique a un thème."
THEME_INTERDIT = "Seul un comité technique a un thème : laissez ce champ vide."
FIN_AVANT_DEBUT = "La fin du mandat suit son début."
QUORUM_MIN, QUORUM_MAX = 1, 100
QUORUM_HORS_BORNES = "Le quorum est compris entre 1 et 100 pour cent."


def _valider(objet, exclude=None) -> None:
    objet.full_clean(exclude=exclude)


# --- Consortium ---------------------------------------------------------------------------------


@transaction.atomic
def creer_consortium(*, acteur, departement: str, nom: str, organisation_pilote) -> Consortium:
    """Le consortium d'un département, avec l'organisation qui le pilote (le Département en général) : une
    organisation active de ce département."""
    if Consortium.objects.filter(departement=departement).exists():
        raise ValidationError({"departement": "Ce département a déjà son consortium."})
    if organisation_pilote.departement != departement:
        raise ValidationError({"organisation_pilote": "L'organisation pilote relève de ce département."})
    if not organisation_pilote.is_active:
        raise ValidationError({"organisation_pilote": "Cette organisation est désactivée."})
    consortium = Consortium(departement=departement, nom=nom, cree_par=acteur)
    _valider(consortium)
    consortium.save()
    ajouter_membre(consortium, acteur=acteur, organisation=organisation_pilote, role=RoleConsortium.PILOTE)
    return consortium


@transaction.atomic
def modifier_consortium(consortium: Consortium, *, acteur, nom: str) -> Consortium:
    consortium.nom = nom
    _valider(consortium)
    consortium.save(update_fields=["nom"])
    return consortium


@transaction.atomic
def ajouter_membre(consortium, *, acteur, organisation, role=RoleConsortium.MEMBRE) -> MembreConsortium:
    if not organisation.is_active:
        raise ValidationError({"organisation": "Cette organisation est désactivée."})
    if consortium.membres.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": "Cette organisation est déjà membre du consortium."})
    membre = MembreConsortium(consortium=consortium, organisation=organisation, role=role)
    _valider(membre)
    membre.save()
    permissions.partager(consortium, organisation, VOIR_CONSORTIUM)
    return membre


@transaction.atomic
def retirer_membre(membre: MembreConsortium, *, acteur) -> None:
    consortium, organisation = membre.consortium, membre.organisation
    if (
        membre.role == RoleConsortium.PILOTE
        and not consortium.membres.filter(role=RoleConsortium.PILOTE).exclude(pk=membre.pk).exists()
    ):
        raise ValidationError("Le consortium garde au moins une organisation pilote.")
    if consortium.fiches.actives().filter(organisation_pilote=organisation).exists():
        raise ValidationError("Cette organisation pilote des fiches action en cours : confiez-les d'abord à une autre.")
    secretaires = consortium.comites.filter(
        secretaire__membres__organisation=organisation,
        secretaire__membres__is_active=True,
        secretaire__membres__role=Role.SECRETAIRE_COMITE,
    )
    if secretaires.exists():
        raise ValidationError(
            "Le secrétaire d'un comité du consortium relève de cette organisation : désignez d'abord un autre "
            "secrétaire."
        )
    membre.delete()
    permissions.retirer_partage(consortium, organisation, VOIR_CONSORTIUM)


# --- Comités ------------------------------------------------------------------------------------


def verifier_theme(type_comite: str, theme: str) -> None:
    """Le thème est obligatoire pour un comité technique, et seulement pour lui."""
    if type_comite == TypeComite.TECHNIQUE and not theme:
        raise ValidationError({"theme": THEME_OBLIGATOIRE})
    if type_comite != TypeComite.TECHNIQUE and theme:
        raise ValidationError({"theme": THEME_INTERDIT})


def secretaires_possibles(consortium):
    """Les comptes qui peuvent être secrétaires des comités du consortium : membres actifs, avec le rôle
    « secrétaire de comité », d'une organisation membre du consortium."""
    return Utilisateur.objects.filter(
        is_active=True,
        membres__is_active=True,
        membres__role=Role.SECRETAIRE_COMITE,
        membres__organisation__is_active=True,
        membres__organisation__consortiums=consortium,
    ).distinct()


def _verifier_secretaire(comite) -> None:
    if comite.secretaire_id and not secretaires_possibles(comite.consortium).filter(pk=comite.secretaire_id).exists():
        raise ValidationError(
            {
                "secretaire": "Le secrétaire est un membre actif, avec le rôle « secrétaire de comité », d'une "
                "organisation membre du consortium."
            }
        )


def verifier_quorum(pourcentage) -> None:
    """Vérifié avant les validateurs du modèle, dont le message (« … 100 %. ») ne supporte pas le formatage."""
    if pourcentage is None or not QUORUM_MIN <= pourcentage <= QUORUM_MAX:
        raise ValidationError({"quorum_pourcentage": QUORUM_HORS_BORNES})


@transaction.atomic
def enregistrer_comite(comite: Comite, *, acteur) -> Comite:
    """Crée ou modifie un comité (type, thème, périodicité, quorum, durée des mandats, secrétaire). Changer de
    secrétaire retire la main à l'ancien : les accès se lisent sur le comité."""
    verifier_theme(comite.type, comite.theme)
    verifier_quorum(comite.quorum_pourcentage)
    _valider(comite)
    _verifier_secretaire(comite)
    comite.save()
    return comite


# --- Sièges -------------------------------------------------------------------------------------


def a_siege(siege: Siege) -> bool:
    """Le siège a-t-il déjà servi à une séance (présence, pouvoir reçu, vote, convocation de ses mandats) ?"""
    return (
        siege.presences.exists()
        or siege.pouvoirs_recus.exists()
        or siege.votes.exists()
        or EnvoiConvocation.objects.filter(mandat__siege=siege).exists()
    )


@transaction.atomic
def enregistrer_siege(siege: Siege, *, acteur) -> Siege:
    """Ajoute ou modifie un siège ; l'organisation qui siège voit le comité. Une organisation désactivée ne siège
    pas ; un siège qui a siégé garde son organisation ; un siège de co-président garde sa voix délibérative."""
    ancien = Siege.objects.filter(pk=siege.pk).values("organisation_id", "voix").first() if siege.pk else None
    if not siege.organisation.is_active:
        raise ValidationError({"organisation": ORGANISATION_DESACTIVEE})
    change_organisation = ancien is not None and ancien["organisation_id"] != siege.organisation_id
    if change_organisation and (a_siege(siege) or siege.mandats.exists()):
        raise ValidationError(
            {"organisation": "Ce siège a déjà des mandats ou a siégé : retirez-le et créez-en un autre."}
        )
    if ancien is not None and ancien["voix"] != siege.voix:
        if siege.voix != Voix.DELIBERATIVE and siege.copresidences.exists():
            raise ValidationError({"voix": "Ce siège porte une co-présidence : il garde sa voix délibérative."})
        if siege.votes.exists():
            raise ValidationError({"voix": "Ce siège a déjà voté : sa voix ne change plus."})
    _valider(siege)
    siege.save()
    permissions.partager(siege.comite, siege.organisation, VOIR_COMITE)
    if change_organisation:
        _retirer_partage_si_plus_de_siege(siege.comite, ancien["organisation_id"])
    return siege


def _retirer_partage_si_plus_de_siege(comite, organisation_id) -> None:
    if not comite.sieges.filter(organisation_id=organisation_id).exists():
        permissions.retirer_partage(comite, Organisation.objects.get(pk=organisation_id), VOIR_COMITE)


@transaction.atomic
def retirer_siege(siege: Siege, *, acteur) -> None:
    """Un siège qui a déjà siégé (présences, pouvoirs, votes, convocations) reste, pour l'histoire des séances ;
    l'organisation qui n'a plus de siège ne voit plus le comité."""
    if a_siege(siege):
        raise ValidationError(SIEGE_A_SIEGE)
    if siege.copresidences.exists():
        raise ValidationError("Ce siège porte une co-présidence : retirez-la d'abord.")
    comite, organisation_id = siege.comite, siege.organisation_id
    siege.delete()
    _retirer_partage_si_plus_de_siege(comite, organisation_id)


# --- Mandats ------------------------------------------------------------------------------------


def fin_par_defaut(comite, debut: date) -> date:
    """Fin d'un mandat : la veille du même jour, `duree_mandat_annees` plus tard (trois ans par défaut)."""
    annee = debut.year + comite.duree_mandat_annees
    try:
        anniversaire = debut.replace(year=annee)
    except ValueError:  # un 29 février : l'anniversaire tombe le 1er mars d'une année non bissextile
        anniversaire = date(annee, 3, 1)
    return anniversaire - timedelta(days=1)


@transaction.atomic
def enregistrer_mandat(mandat: Mandat, *, acteur) -> Mandat:
    """Nomme (ou modifie) un titulaire ou un suppléant ; deux mandats de même qualité ne se chevauchent pas sur un
    siège. Sans fin précisée, le mandat dure la durée du comité."""
    siege = Siege.objects.select_for_update().select_related("comite", "organisation").get(pk=mandat.siege_id)
    if not siege.organisation.is_active:
        raise ValidationError(f"« {siege.organisation} » est désactivée : son siège ne reçoit plus de mandat.")
    if mandat.date_debut and not mandat.date_fin:
        mandat.date_fin = fin_par_defaut(siege.comite, mandat.date_debut)
    if mandat.date_debut and mandat.date_fin and mandat.date_fin < mandat.date_debut:
        raise ValidationError({"date_fin": FIN_AVANT_DEBUT})
    _valider(mandat)
    chevauchement = (
        siege.mandats.filter(qualite=mandat.qualite, date_debut__lte=mandat.date_fin, date_fin__gte=mandat.date_debut)
        .exclude(pk=mandat.pk)
        .first()
    )
    if chevauchement:
        qualite = Qualite(mandat.qualite).label.lower()
        raise ValidationError(
            f"Ce siège a déjà un {qualite} sur cette période : {chevauchement.nom_complet}, du "
            f"{chevauchement.date_debut:%d/%m/%Y} au {chevauchement.date_fin:%d/%m/%Y}."
        )
    if (
        mandat.utilisateur_id
        and not permissions.membres_actifs(mandat.utilisateur).filter(organisation=siege.organisation).exists()
    ):
        raise ValidationError({"utilisateur": f"Ce compte n'est pas membre actif de « {siege.organisation} »."})
    mandat.save()
    return mandat


@transaction.atomic
def terminer_mandat(mandat: Mandat, *, acteur, date_fin: date) -> Mandat:
    """Met fin à un mandat avant son terme (démission, départ)."""
    if date_fin < mandat.date_debut:
        raise ValidationError({"date_fin": FIN_AVANT_DEBUT})
    if date_fin > mandat.date_fin:
        raise ValidationError({"date_fin": "Pour prolonger un mandat, modifiez-le."})
    mandat.date_fin = date_fin
    mandat.save(update_fields=["date_fin"])
    return mandat


# --- Co-présidences -----------------------------------------------------------------------------


@transaction.atomic
def ajouter_copresidence(comite, *, acteur, siege, utilisateur, voix_preponderante=False) -> CoPresidence:
    """Un ou deux co-présidents, chacun sur un siège délibératif et membre actif de son organisation ; un seul a la
    voix prépondérante."""
    comite = Comite.objects.select_for_update().get(pk=comite.pk)
    if siege.comite_id != comite.pk:
        raise ValidationError({"siege": "Ce siège n'appartient pas à ce comité."})
    if not siege.est_deliberatif:
        raise ValidationError({"siege": "Un co-président siège avec voix délibérative."})
    if comite.copresidences.count() >= MAX_COPRESIDENTS:
        raise ValidationError("Un comité a au plus deux co-présidents.")
    if comite.copresidences.filter(utilisateur=utilisateur).exists():
        raise ValidationError({"utilisateur": "Cette personne co-préside déjà ce comité."})
    if not permissions.membres_actifs(utilisateur).filter(organisation=siege.organisation).exists():
        raise ValidationError({"utilisateur": f"Ce compte n'est pas membre actif de « {siege.organisation} »."})
    if voix_preponderante and comite.copresidences.filter(voix_preponderante=True).exists():
        raise ValidationError({"voix_preponderante": "Un autre co-président a déjà la voix prépondérante."})
    copresidence = CoPresidence(
        comite=comite, siege=siege, utilisateur=utilisateur, voix_preponderante=voix_preponderante
    )
    _valider(copresidence)
    copresidence.save()
    _recalculer_validations(comite)
    return copresidence


@transaction.atomic
def retirer_copresidence(copresidence: CoPresidence, *, acteur) -> None:
    """Retire une co-présidence (un nouveau préfet, par exemple) : ses validations passées restent dans l'histoire
    des séances au nom de qui les a données ; elles ne comptent plus pour un ordre du jour encore à valider."""
    comite = copresidence.comite
    copresidence.delete()
    _recalculer_validations(comite)


def _recalculer_validations(comite) -> None:
    """Les séances pas encore convoquées du comité suivent ses co-présidences (voir seances.services)."""
    for seance in comite.seances.filter(statut__in=[StatutSeance.PREPARATION, StatutSeance.ORDRE_DU_JOUR_VALIDE]):
        recalculer_validation(seance)
