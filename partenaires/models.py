import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from partenaires.choix import Role, TypeEvenement, TypeOrganisation
from partenaires.referentiels import choix_departements
from partenaires.validators import valider_siret


class UtilisateurManager(BaseUserManager):
    use_in_migrations = True

    def _creer(self, email, password, **champs):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        utilisateur = self.model(email=self.normalize_email(email).lower(), **champs)
        utilisateur.set_password(password)
        utilisateur.save(using=self._db)
        return utilisateur

    def create_user(self, email, password=None, **champs):
        champs.setdefault("is_staff", False)
        champs.setdefault("is_superuser", False)
        return self._creer(email, password, **champs)

    def create_superuser(self, email, password=None, **champs):
        champs["is_staff"] = True
        champs["is_superuser"] = True
        return self._creer(email, password, **champs)

    def creer_compte_personne(self, *, email=None, identifiant=None, password=None, **champs):
        """Le compte de l'espace personnel d'une personne accompagnée : une adresse e-mail ou un identifiant,
        jamais d'appartenance à une organisation (voir `partenaires.permissions.est_compte_personne`)."""
        if not (email or identifiant):
            raise ValueError("Le compte d'une personne a une adresse e-mail ou un identifiant.")
        utilisateur = self.model(
            email=self.normalize_email(email).lower() if email else None,
            identifiant=identifiant,
            est_personne=True,
            is_staff=False,
            is_superuser=False,
            **champs,
        )
        utilisateur.set_password(password)
        utilisateur.save(using=self._db)
        return utilisateur

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class Utilisateur(AbstractBaseUser, PermissionsMixin):
    """Un compte : professionnel d'une organisation, ou personne accompagnée (son espace personnel).

    Les deux ne se mélangent jamais : un compte de personne (`est_personne`) n'a aucune appartenance à une
    organisation ; un professionnel lui-même accompagné a deux comptes distincts. Une personne sans adresse e-mail
    se connecte avec son identifiant (remis avec son code d'activation)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(
        "adresse e-mail",
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": "Un compte existe déjà avec cette adresse e-mail."},
    )
    identifiant = models.CharField(
        "identifiant de connexion",
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text="Pour une personne accompagnée sans adresse e-mail.",
        error_messages={"unique": "Cet identifiant est déjà pris."},
    )
    est_personne = models.BooleanField("compte d'une personne accompagnée", default=False, editable=False)
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField("nom", max_length=150, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    date_joined = models.DateTimeField("date de création", default=timezone.now)

    objects = UtilisateurManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="utilisateur_email_unique_insensible_casse",
                violation_error_message="Un compte existe déjà avec cette adresse e-mail.",
            ),
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(identifiant__isnull=False),
                name="utilisateur_email_ou_identifiant",
                violation_error_message="Un compte a une adresse e-mail ou un identifiant de connexion.",
            ),
        ]

    def __str__(self):
        return self.nom_complet or self.email or self.identifiant or ""

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower() or None
        self.identifiant = (self.identifiant or "").strip().lower() or None
        super().save(*args, **kwargs)

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    def get_full_name(self):
        return self.nom_complet

    def get_short_name(self):
        return self.prenom or self.email


class OrganisationQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(is_active=True)

    def du_departement(self, code_departement: str):
        return self.filter(departement=code_departement)


class Organisation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type d'organisation", max_length=30, choices=TypeOrganisation.choices)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        unique=True,
        validators=[valider_siret],
        help_text="14 chiffres, sans espace.",
        error_messages={"unique": "Une organisation avec ce SIRET existe déjà."},
    )
    adresse = models.CharField("adresse", max_length=250)
    code_postal = models.CharField("code postal", max_length=5)
    commune = models.CharField("commune", max_length=150)
    departement = models.CharField("département", max_length=3, choices=choix_departements)
    sous_territoire = models.CharField(
        "sous-territoire",
        max_length=150,
        blank=True,
        help_text="Facultatif : unité locale, par exemple un SDSeI ou un bassin d'emploi.",
    )
    email_contact = models.EmailField("e-mail de contact", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    groupe = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="organisation", editable=False)
    is_active = models.BooleanField("active", default=True)
    date_creation = models.DateTimeField("date de création", default=timezone.now, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["nom"]
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return self.nom

    @property
    def nom_departement(self) -> str:
        return self.get_departement_display()


class MembreQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(is_active=True, organisation__is_active=True)

    def administrateurs(self):
        return self.actifs().filter(role=Role.ADMINISTRATEUR)


class Membre(models.Model):
    """L'appartenance d'un utilisateur à une organisation. On la désactive, on ne la supprime pas."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membres")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="membres")
    role = models.CharField("rôle", max_length=30, choices=Role.choices, default=Role.PROFESSIONNEL)
    is_active = models.BooleanField("actif", default=True)
    date_debut = models.DateTimeField("date de début", default=timezone.now)
    date_fin = models.DateTimeField("date de fin", null=True, blank=True)
    motif_fin = models.CharField("motif de fin", max_length=250, blank=True)
    modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date_modification = models.DateTimeField("dernière modification", auto_now=True)

    objects = MembreQuerySet.as_manager()

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        ordering = ["utilisateur__nom", "utilisateur__prenom"]
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur", "organisation"],
                condition=models.Q(is_active=True),
                name="membre_actif_unique_par_organisation",
                violation_error_message="Cette personne est déjà membre de l'organisation.",
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=True, date_fin__isnull=True)
                | models.Q(is_active=False, date_fin__isnull=False),
                name="membre_inactif_a_une_date_de_fin",
                violation_error_message="Un membre désactivé a une date de fin, un membre actif n'en a pas.",
            ),
            models.CheckConstraint(
                condition=models.Q(date_fin__isnull=True) | ~models.Q(motif_fin=""),
                name="membre_date_fin_avec_motif",
                violation_error_message="Une date de fin va toujours avec un motif de fin.",
            ),
        ]

    def __str__(self):
        return f"{self.utilisateur} ({self.organisation}, {self.get_role_display()})"


class InvitationQuerySet(models.QuerySet):
    def en_attente(self):
        return self.filter(
            date_acceptation__isnull=True, date_annulation__isnull=True, date_expiration__gt=timezone.now()
        )


class Invitation(models.Model):
    """Invitation d'une adresse e-mail dans une organisation, par un lien à usage unique."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField("adresse e-mail")
    role = models.CharField("rôle", max_length=30, choices=Role.choices, default=Role.PROFESSIONNEL)
    cle_hachee = models.CharField(max_length=64, unique=True, editable=False)
    invite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date_creation = models.DateTimeField("envoyée le", default=timezone.now)
    date_expiration = models.DateTimeField("expire le")
    date_acceptation = models.DateTimeField("acceptée le", null=True, blank=True)
    membre = models.OneToOneField(Membre, on_delete=models.PROTECT, null=True, blank=True, related_name="invitation")
    date_annulation = models.DateTimeField("annulée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-date_creation"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(date_acceptation__isnull=True, date_annulation__isnull=True),
                name="invitation_ouverte_unique_par_email",
                violation_error_message="Une invitation est déjà en attente pour cette adresse.",
            )
        ]

    def __str__(self):
        return f"Invitation de {self.email} dans {self.organisation}"

    @property
    def est_expiree(self) -> bool:
        return self.date_expiration <= timezone.now()

    @property
    def statut(self) -> str:
        if self.date_acceptation:
            return "acceptée"
        if self.date_annulation:
            return "annulée"
        if self.est_expiree:
            return "expirée"
        return "en attente"


class EvenementOrganisation(models.Model):
    """Journal (en ajout seul) de ce qui est fait sur une organisation et ses membres."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="evenements")
    type = models.CharField(max_length=40, choices=TypeEvenement.choices)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    membre = models.ForeignKey(Membre, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    details = models.JSONField(default=dict, blank=True)
    date = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "événement d'organisation"
        verbose_name_plural = "événements d'organisation"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_type_display()} – {self.organisation}"

    @property
    def cible(self) -> str:
        """Qui l'événement concerne : le membre, ou l'adresse invitée."""
        if self.membre_id:
            return str(self.membre.utilisateur)
        return self.details.get("email", "")

    @property
    def precision(self) -> str:
        """Le détail utile à la lecture du journal : ancien et nouveau rôle, motif de fin."""
        if self.type == TypeEvenement.ROLE_MODIFIE:
            avant, apres = (Role(self.details[cle]).label for cle in ("avant", "apres"))
            return f"{avant} → {apres}"
        if self.type == TypeEvenement.MEMBRE_DESACTIVE:
            return f"motif : {self.details.get('motif', '')}"
        return ""


# Les tables de permissions objet de l'organisation sont déclarées dans la façade (seul importeur de
# django-guardian) ; ce module les importe pour que Django les enregistre avec les autres modèles.
from partenaires.permissions import OrganisationPermissionGroupe  # noqa: E402, F401
