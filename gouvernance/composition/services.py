"""Écritures du consortium et de la composition des comités. Chaque fonction valide tout avant d'écrire, dans une
transaction : une erreur (message en français) ne laisse rien à moitié écrit. Les partages suivent la composition :
les organisations membres voient le consortium, celles qui ont un siège voient le comité."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from gouvernance.choix import MAX_COPRESIDENTS, VOIR_COMITE, VOIR_CONSORTIUM, Qualite, RoleConsortium
from gouvernance.models import Comite, Consortium, CoPresidence, Mandat, MembreConsortium, Siege
from gouvernance.permissions import est_secretaire_de_comite
from partenaires import permissions
from partenaires.models import Organisation


def _valider(objet, exclude=None) -> None:
    objet.full_clean(exclude=exclude)


# --- Consortium ---------------------------------------------------------------------------------


@transaction.atomic
def creer_consortium(*, acteur, departement: str, nom: str, organisation_pilote) -> Consortium:
    """Le consortium d'un département, avec l'organisation qui le pilote (le Département en général)."""
    if Consortium.objects.filter(departement=departement).exists():
        raise ValidationError({"departement": "Ce département a déjà son consortium."})
    consortium = Consortium(departement=departement, nom=nom, cree_par=acteur)
    _valider(consortium)
    consortium.save()
    ajouter_membre(consortium, acteur=acteur, organisation=organisation_pilote, role=RoleConsortium.PILOTE)
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
    if membre.role == RoleConsortium.PILOTE and not consortium.membres.filter(role=RoleConsortium.PILOTE).exclude(
        pk=membre.pk
    ):
        raise ValidationError("Le consortium garde au moins une organisation pilote.")
    if consortium.fiches.actives().filter(organisation_pilote=organisation).exists():
        raise ValidationError("Cette organisation pilote des fiches action en cours : confiez-les d'abord à une autre.")
    membre.delete()
    permissions.retirer_partage(consortium, organisation, VOIR_CONSORTIUM)


# --- Comités ------------------------------------------------------------------------------------


def _verifier_secretaire(comite) -> None:
    if comite.secretaire and not est_secretaire_de_comite(comite.secretaire):
        raise ValidationError({"secretaire": "Le secrétaire doit avoir le rôle « secrétaire de comité »."})


@transaction.atomic
def enregistrer_comite(comite: Comite, *, acteur) -> Comite:
    """Crée ou modifie un comité (type, thème, périodicité, quorum, durée des mandats, secrétaire)."""
    _valider(comite)
    _verifier_secretaire(comite)
    comite.save()
    return comite


# --- Sièges -------------------------------------------------------------------------------------


@transaction.atomic
def enregistrer_siege(siege: Siege, *, acteur) -> Siege:
    """Ajoute ou modifie un siège ; l'organisation qui siège voit le comité."""
    ancien = Siege.objects.filter(pk=siege.pk).values_list("organisation_id", flat=True).first()
    _valider(siege)
    if not siege.organisation.is_active:
        raise ValidationError({"organisation": "Cette organisation est désactivée."})
    if ancien and ancien != siege.organisation_id and siege.presences.exists():
        raise ValidationError({"organisation": "Ce siège a déjà siégé : retirez-le et créez-en un autre."})
    siege.save()
    permissions.partager(siege.comite, siege.organisation, VOIR_COMITE)
    if ancien and ancien != siege.organisation_id:
        _retirer_partage_si_plus_de_siege(siege.comite, ancien)
    return siege


def _retirer_partage_si_plus_de_siege(comite, organisation_id) -> None:
    if not comite.sieges.filter(organisation_id=organisation_id).exists():
        permissions.retirer_partage(comite, Organisation.objects.get(pk=organisation_id), VOIR_COMITE)


@transaction.atomic
def retirer_siege(siege: Siege, *, acteur) -> None:
    """Un siège qui a déjà siégé (présences, votes) reste, pour l'histoire des séances."""
    if siege.presences.exists() or siege.votes.exists():
        raise ValidationError("Ce siège a déjà siégé : il reste dans l'histoire des séances.")
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
    except ValueError:  # 29 février
        anniversaire = debut.replace(year=annee, day=28)
    return anniversaire - timedelta(days=1)


@transaction.atomic
def enregistrer_mandat(mandat: Mandat, *, acteur) -> Mandat:
    """Nomme (ou modifie) un titulaire ou un suppléant ; deux mandats de même qualité ne se chevauchent pas sur un
    siège. Sans fin précisée, le mandat dure la durée du comité."""
    siege = Siege.objects.select_for_update().select_related("comite").get(pk=mandat.siege_id)
    if mandat.date_debut and not mandat.date_fin:
        mandat.date_fin = fin_par_defaut(siege.comite, mandat.date_debut)
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
    if mandat.utilisateur and not permissions.membres_actifs(mandat.utilisateur).filter(
        organisation=siege.organisation
    ):
        raise ValidationError({"utilisateur": f"Ce compte n'est pas membre actif de « {siege.organisation} »."})
    mandat.save()
    return mandat


@transaction.atomic
def terminer_mandat(mandat: Mandat, *, acteur, date_fin: date) -> Mandat:
    if date_fin < mandat.date_debut:
        raise ValidationError({"date_fin": "La fin du mandat suit son début."})
    if date_fin > mandat.date_fin:
        raise ValidationError({"date_fin": "Pour prolonger un mandat, modifiez-le."})
    mandat.date_fin = date_fin
    mandat.save(update_fields=["date_fin"])
    return mandat


# --- Co-présidences -----------------------------------------------------------------------------


@transaction.atomic
def ajouter_copresidence(comite, *, acteur, siege, utilisateur, voix_preponderante=False) -> CoPresidence:
    comite = Comite.objects.select_for_update().get(pk=comite.pk)
    if siege.comite_id != comite.pk:
        raise ValidationError({"siege": "Ce siège n'appartient pas à ce comité."})
    if not siege.est_deliberatif:
        raise ValidationError({"siege": "Un co-président siège avec voix délibérative."})
    if comite.copresidences.count() >= MAX_COPRESIDENTS:
        raise ValidationError("Un comité a au plus deux co-présidents.")
    if not permissions.membres_actifs(utilisateur).filter(organisation=siege.organisation).exists():
        raise ValidationError({"utilisateur": f"Ce compte n'est pas membre actif de « {siege.organisation} »."})
    if voix_preponderante and comite.copresidences.filter(voix_preponderante=True).exists():
        raise ValidationError({"voix_preponderante": "Un autre co-président a déjà la voix prépondérante."})
    copresidence = CoPresidence(
        comite=comite, siege=siege, utilisateur=utilisateur, voix_preponderante=voix_preponderante
    )
    _valider(copresidence)
    copresidence.save()
    return copresidence


@transaction.atomic
def retirer_copresidence(copresidence: CoPresidence, *, acteur) -> None:
    copresidence.delete()
