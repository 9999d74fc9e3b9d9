"""Écritures du domaine des partenaires : une transaction, un événement au journal, les e-mails après commit.

Chaque service prend l'acteur en argument nommé, vérifie ses droits par la façade et lève une
`ValidationError` en français quand la demande ne peut pas être satisfaite (rien n'est écrit).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partenaires import permissions
from partenaires.choix import Role, TypeEvenement
from partenaires.models import EvenementOrganisation, Invitation, Membre, Organisation, Utilisateur
from partenaires.tasks import envoyer_invitation


def hacher_cle(cle: str) -> str:
    return hashlib.sha256(cle.encode()).hexdigest()


def journaliser(organisation, type_evenement, *, acteur, membre=None, **details) -> EvenementOrganisation:
    return EvenementOrganisation.objects.create(
        organisation=organisation, type=type_evenement, acteur=acteur, membre=membre, details=details
    )


# --- Organisations -----------------------------------------------------------------------------


@transaction.atomic
def creer_organisation(*, acteur, email_administrateur: str, **champs) -> Organisation:
    """Crée l'organisation, son groupe, ses permissions, et invite son premier administrateur."""
    permissions.require(
        permissions.can_create_organisation(acteur, champs.get("departement")),
        "Vous ne pouvez pas créer d'organisation dans ce territoire.",
    )
    organisation = enregistrer_organisation(acteur=acteur, **champs)
    _creer_invitation(organisation, acteur=acteur, email=email_administrateur, role=Role.ADMINISTRATEUR)
    return organisation


@transaction.atomic
def enregistrer_organisation(*, acteur, **champs) -> Organisation:
    """Enregistre une organisation avec son groupe et ses permissions (sans contrôle de droits :
    réservé à `creer_organisation` et aux commandes d'administration)."""
    organisation = Organisation(cree_par=acteur, **champs)
    organisation.groupe = Group.objects.create(name=f"organisation-{organisation.uuid}")
    organisation.full_clean()
    organisation.save()
    permissions.initialiser_permissions_organisation(organisation)
    journaliser(organisation, TypeEvenement.ORGANISATION_CREEE, acteur=acteur, nom=organisation.nom)
    return organisation


@transaction.atomic
def ajouter_membre(
    utilisateur, organisation, *, role: str, acteur, evenement=TypeEvenement.MEMBRE_AJOUTE, **details
) -> Membre:
    """Crée l'appartenance active, met l'utilisateur dans le groupe de l'organisation, et le journalise."""
    if utilisateur.est_personne:
        raise ValidationError(
            "Ce compte est celui de l'espace personnel d'une personne accompagnée : un professionnel a son propre "
            "compte, avec une autre adresse e-mail."
        )
    if Membre.objects.filter(utilisateur=utilisateur, organisation=organisation, is_active=True).exists():
        raise ValidationError("Cette personne est déjà membre de cette organisation.")
    membre = Membre.objects.create(utilisateur=utilisateur, organisation=organisation, role=role, modifie_par=acteur)
    permissions.synchroniser_groupe(utilisateur, organisation)
    journaliser(organisation, evenement, acteur=acteur, membre=membre, role=role, **details)
    return membre


@transaction.atomic
def modifier_organisation(organisation, *, acteur, **champs) -> Organisation:
    permissions.require(
        permissions.can_edit_organisation(acteur, organisation),
        "Vous ne pouvez pas modifier cette organisation.",
    )
    anciens = {champ: getattr(organisation, champ) for champ in champs}
    for champ, valeur in champs.items():
        setattr(organisation, champ, valeur)
    organisation.full_clean()
    organisation.save()
    modifications = {
        champ: {"avant": str(anciens[champ]), "apres": str(valeur)}
        for champ, valeur in champs.items()
        if anciens[champ] != valeur
    }
    if modifications:
        journaliser(organisation, TypeEvenement.ORGANISATION_MODIFIEE, acteur=acteur, champs=modifications)
    return organisation


# --- Invitations -------------------------------------------------------------------------------


@transaction.atomic
def inviter_membre(organisation, *, acteur, email: str, role: str) -> Invitation:
    permissions.require(
        permissions.can_administer_organisation(acteur, organisation),
        "Seuls les administrateurs de l'organisation peuvent inviter.",
    )
    return _creer_invitation(organisation, acteur=acteur, email=email, role=role)


def _creer_invitation(organisation, *, acteur, email: str, role: str) -> Invitation:
    email = email.strip().lower()
    if Membre.objects.actifs().filter(organisation=organisation, utilisateur__email__iexact=email).exists():
        raise ValidationError({"email": "Cette personne est déjà membre de l'organisation."})
    ouvertes = Invitation.objects.select_for_update().filter(
        organisation=organisation,
        email__iexact=email,
        date_acceptation__isnull=True,
        date_annulation__isnull=True,
    )
    for ancienne in ouvertes:
        if not ancienne.est_expiree:
            message = "Une invitation est déjà en attente pour cette adresse : annulez-la pour en envoyer une autre."
            raise ValidationError({"email": message})
        ancienne.date_annulation = timezone.now()
        ancienne.save(update_fields=["date_annulation"])
    cle = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        cle_hachee=hacher_cle(cle),
        invite_par=acteur,
        date_expiration=timezone.now() + timedelta(days=settings.SPIE_INVITATION_DUREE_JOURS),
    )
    invitation.full_clean()
    invitation.save()
    journaliser(organisation, TypeEvenement.INVITATION_ENVOYEE, acteur=acteur, email=email, role=role)
    transaction.on_commit(lambda: envoyer_invitation.delay(invitation.pk, cle))
    return invitation


@transaction.atomic
def annuler_invitation(invitation, *, acteur) -> Invitation:
    permissions.require(
        permissions.can_administer_organisation(acteur, invitation.organisation),
        "Seuls les administrateurs de l'organisation peuvent annuler une invitation.",
    )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.date_acceptation or invitation.date_annulation:
        raise ValidationError(f"Cette invitation est déjà {invitation.statut}.")
    invitation.date_annulation = timezone.now()
    invitation.save(update_fields=["date_annulation"])
    journaliser(invitation.organisation, TypeEvenement.INVITATION_ANNULEE, acteur=acteur, email=invitation.email)
    return invitation


def trouver_invitation(cle: str) -> Invitation:
    """L'invitation d'un lien, ou une erreur claire s'il est inconnu, expiré, déjà utilisé ou annulé."""
    invitation = Invitation.objects.select_related("organisation").filter(cle_hachee=hacher_cle(cle or "")).first()
    if invitation is None:
        raise ValidationError("Ce lien d'invitation n'est pas valide. Vérifiez qu'il a été copié en entier.")
    if invitation.date_acceptation:
        raise ValidationError(
            "Ce lien d'invitation a déjà été utilisé. Connectez-vous avec votre adresse e-mail et votre mot de passe."
        )
    if invitation.date_annulation:
        raise ValidationError("Cette invitation a été annulée. Demandez une nouvelle invitation à l'administrateur.")
    if invitation.est_expiree:
        raise ValidationError(
            "Ce lien d'invitation a expiré. Demandez une nouvelle invitation à l'administrateur de l'organisation."
        )
    return invitation


def compte_existant(invitation) -> Utilisateur | None:
    return Utilisateur.objects.filter(email__iexact=invitation.email).first()


@transaction.atomic
def accepter_invitation(cle: str, *, utilisateur=None, prenom="", nom="", mot_de_passe="") -> Membre:
    """Accepte l'invitation : crée le compte si besoin (avec son mot de passe) et l'appartenance.

    Un compte qui existe déjà doit être connecté pour accepter (on ne change pas son mot de passe).
    """
    invitation = trouver_invitation(cle)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.date_acceptation:
        raise ValidationError("Ce lien d'invitation a déjà été utilisé.")
    existant = compte_existant(invitation)
    if existant is not None:
        if utilisateur is None or utilisateur.pk != existant.pk:
            raise ValidationError(
                "Un compte existe déjà pour cette adresse : connectez-vous avec ce compte pour accepter l'invitation."
            )
    else:
        if utilisateur is not None and utilisateur.is_authenticated:
            raise ValidationError("Cette invitation est adressée à une autre adresse e-mail que celle de votre compte.")
        utilisateur = Utilisateur(email=invitation.email, prenom=prenom.strip(), nom=nom.strip())
        utilisateur.set_password(mot_de_passe)
        utilisateur.full_clean(exclude=["password"])
        utilisateur.save()
    membre = ajouter_membre(
        utilisateur,
        invitation.organisation,
        role=invitation.role,
        acteur=utilisateur,
        evenement=TypeEvenement.INVITATION_ACCEPTEE,
        email=invitation.email,
    )
    invitation.date_acceptation = timezone.now()
    invitation.membre = membre
    invitation.save(update_fields=["date_acceptation", "membre"])
    return membre


# --- Membres -----------------------------------------------------------------------------------


def _verrouiller_administrateurs(organisation) -> list[int]:
    return list(
        Membre.objects.select_for_update()
        .filter(organisation=organisation, is_active=True, role=Role.ADMINISTRATEUR)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def changer_role(membre, *, acteur, role: str) -> Membre:
    permissions.require(
        permissions.can_administer_organisation(acteur, membre.organisation),
        "Seuls les administrateurs de l'organisation peuvent changer les rôles.",
    )
    if role not in Role.values:
        raise ValidationError({"role": "Ce rôle n'existe pas."})
    administrateurs = _verrouiller_administrateurs(membre.organisation)
    membre = Membre.objects.select_for_update().get(pk=membre.pk)
    if not membre.is_active:
        raise ValidationError("Ce membre est désactivé : invitez-le de nouveau pour lui rendre l'accès.")
    if membre.role == role:
        return membre
    if membre.role == Role.ADMINISTRATEUR and administrateurs == [membre.pk]:
        raise ValidationError(
            "L'organisation doit garder au moins un administrateur : nommez-en un autre avant de changer ce rôle."
        )
    ancien = membre.role
    membre.role = role
    membre.modifie_par = acteur
    membre.save(update_fields=["role", "modifie_par", "date_modification"])
    journaliser(
        membre.organisation,
        TypeEvenement.ROLE_MODIFIE,
        acteur=acteur,
        membre=membre,
        avant=ancien,
        apres=role,
    )
    return membre


@transaction.atomic
def desactiver_membre(membre, *, acteur, motif: str) -> Membre:
    permissions.require(
        permissions.can_administer_organisation(acteur, membre.organisation),
        "Seuls les administrateurs de l'organisation peuvent désactiver un membre.",
    )
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de la désactivation."})
    administrateurs = _verrouiller_administrateurs(membre.organisation)
    membre = Membre.objects.select_for_update().get(pk=membre.pk)
    if not membre.is_active:
        raise ValidationError("Ce membre est déjà désactivé.")
    if membre.role == Role.ADMINISTRATEUR and administrateurs == [membre.pk]:
        raise ValidationError(
            "Vous êtes le dernier administrateur de l'organisation : nommez un autre administrateur avant de "
            "désactiver ce compte."
            if membre.utilisateur_id == acteur.pk
            else "L'organisation doit garder au moins un administrateur."
        )
    membre.is_active = False
    membre.date_fin = timezone.now()
    membre.motif_fin = motif
    membre.modifie_par = acteur
    membre.save(update_fields=["is_active", "date_fin", "motif_fin", "modifie_par", "date_modification"])
    permissions.synchroniser_groupe(membre.utilisateur, membre.organisation)
    journaliser(membre.organisation, TypeEvenement.MEMBRE_DESACTIVE, acteur=acteur, membre=membre, motif=motif)
    return membre
