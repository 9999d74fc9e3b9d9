"""Le consortium d'un territoire, ses comités (instances) et leur composition : sièges, mandats, co-présidences."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gouvernance.choix import (
    DUREE_MANDAT_ANNEES,
    QUORUM_POURCENTAGE,
    Periodicite,
    Qualite,
    RoleConsortium,
    Theme,
    TypeComite,
    Voix,
)
from partenaires.permissions import PermissionObjetGroupeBase
from partenaires.referentiels import choix_departements


class Consortium(models.Model):
    """Le consortium du SPIE d'un département : les organisations qui s'engagent ensemble, ses comités, son plan
    d'actions. Un seul par département."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nom = models.CharField("nom", max_length=200)
    departement = models.CharField("département", max_length=3, choices=choix_departements, unique=True)
    organisations = models.ManyToManyField(
        "partenaires.Organisation", through="MembreConsortium", related_name="consortiums"
    )
    date_creation = models.DateTimeField("créé le", default=timezone.now, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "consortium"
        verbose_name_plural = "consortiums"
        ordering = ["departement"]

    def __str__(self):
        return self.nom


class ConsortiumPermissionGroupe(PermissionObjetGroupeBase):
    content_object = models.ForeignKey(Consortium, on_delete=models.CASCADE)

    class Meta(PermissionObjetGroupeBase.Meta):
        verbose_name = "permission de groupe sur un consortium"
        verbose_name_plural = "permissions de groupe sur les consortiums"


class MembreConsortium(models.Model):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="membres")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("rôle", max_length=10, choices=RoleConsortium.choices, default=RoleConsortium.MEMBRE)
    date_entree = models.DateField("membre depuis", default=timezone.localdate)

    class Meta:
        verbose_name = "membre du consortium"
        verbose_name_plural = "membres du consortium"
        ordering = ["role", "organisation__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"],
                name="membre_consortium_unique",
                violation_error_message="Cette organisation est déjà membre du consortium.",
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display().lower()})"


class ComiteQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True)


class Comite(models.Model):
    """Une instance du consortium : comité stratégique (CDE), opérationnel, local, technique, commission…"""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="comites")
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type d'instance", max_length=30, choices=TypeComite.choices)
    theme = models.CharField(
        "thème", max_length=20, choices=Theme.choices, blank=True, help_text="Pour un comité technique."
    )
    periodicite = models.CharField(
        "périodicité", max_length=20, choices=Periodicite.choices, default=Periodicite.SEMESTRIELLE
    )
    quorum_pourcentage = models.PositiveSmallIntegerField(
        "quorum (pour cent des membres à voix délibérative présents ou représentés)",
        default=QUORUM_POURCENTAGE,
        validators=[
            MinValueValidator(1, "Le quorum est compris entre 1 et 100 pour cent."),
            MaxValueValidator(100, "Le quorum est compris entre 1 et 100 pour cent."),
        ],
    )
    duree_mandat_annees = models.PositiveSmallIntegerField(
        "durée des mandats (années)",
        default=DUREE_MANDAT_ANNEES,
        validators=[MinValueValidator(1, "Un mandat dure au moins un an."), MaxValueValidator(6, "Six ans au plus.")],
    )
    secretaire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comites_secretaire",
        verbose_name="secrétaire",
    )
    actif = models.BooleanField("actif", default=True)
    date_creation = models.DateTimeField("créé le", default=timezone.now, editable=False)

    objects = ComiteQuerySet.as_manager()

    class Meta:
        verbose_name = "comité"
        verbose_name_plural = "comités"
        ordering = ["consortium", "type", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type=TypeComite.TECHNIQUE, theme__gt="") | (~Q(type=TypeComite.TECHNIQUE) & Q(theme="")),
                name="comite_theme_si_technique",
                violation_error_message="Un comité technique a un thème ; les autres instances n'en ont pas.",
            ),
            models.CheckConstraint(
                condition=Q(quorum_pourcentage__gte=1, quorum_pourcentage__lte=100),
                name="comite_quorum_pourcentage",
                violation_error_message="Le quorum est compris entre 1 et 100 pour cent.",
            ),
        ]

    def __str__(self):
        return self.nom


class ComitePermissionGroupe(PermissionObjetGroupeBase):
    content_object = models.ForeignKey(Comite, on_delete=models.CASCADE)

    class Meta(PermissionObjetGroupeBase.Meta):
        verbose_name = "permission de groupe sur un comité"
        verbose_name_plural = "permissions de groupe sur les comités"


class SiegeQuerySet(models.QuerySet):
    def deliberatifs(self):
        return self.filter(voix=Voix.DELIBERATIVE)


class Siege(models.Model):
    """Un siège d'une organisation dans un comité, à voix délibérative ou consultative (France Travail, missions
    locales et Cap emploi siègent sans voix délibérative dans les comités pour l'emploi)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="sieges")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    libelle = models.CharField(
        "intitulé du siège", max_length=150, blank=True, help_text="Ex. : représentant de l'État."
    )
    voix = models.CharField("voix", max_length=15, choices=Voix.choices, default=Voix.DELIBERATIVE)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    objects = SiegeQuerySet.as_manager()

    class Meta:
        verbose_name = "siège"
        verbose_name_plural = "sièges"
        ordering = ["comite", "ordre", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comite", "organisation", "libelle"],
                name="siege_unique",
                violation_error_message="Ce siège existe déjà pour cette organisation dans ce comité.",
            )
        ]

    def __str__(self):
        return f"{self.organisation}" + (f" ({self.libelle})" if self.libelle else "")

    @property
    def est_deliberatif(self) -> bool:
        return self.voix == Voix.DELIBERATIVE


class MandatQuerySet(models.QuerySet):
    def en_cours(self, jour=None):
        jour = jour or timezone.localdate()
        return self.filter(date_debut__lte=jour, date_fin__gte=jour)

    def de_la_seance(self, seance):
        """Les titulaires et suppléants en cours de mandat le jour de la séance, sur les sièges de son comité."""
        return self.filter(siege__comite_id=seance.comite_id).en_cours(timezone.localdate(seance.date))


class Mandat(models.Model):
    """Une personne nommée sur un siège, titulaire ou suppléante, pour une durée (trois ans par défaut). Deux
    mandats de même qualité ne se chevauchent pas sur un siège."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    siege = models.ForeignKey(Siege, on_delete=models.CASCADE, related_name="mandats")
    qualite = models.CharField("qualité", max_length=10, choices=Qualite.choices, default=Qualite.TITULAIRE)
    prenom = models.CharField("prénom", max_length=150)
    nom = models.CharField("nom", max_length=150)
    fonction = models.CharField("fonction", max_length=200, blank=True)
    email = models.EmailField("e-mail", help_text="Pour recevoir les convocations.")
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="mandats"
    )
    date_debut = models.DateField("début du mandat")
    date_fin = models.DateField("fin du mandat")

    objects = MandatQuerySet.as_manager()

    class Meta:
        verbose_name = "mandat"
        verbose_name_plural = "mandats"
        ordering = ["siege", "qualite", "-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=models.F("date_debut")),
                name="mandat_fin_apres_debut",
                violation_error_message="La fin du mandat suit son début.",
            )
        ]

    def __str__(self):
        return f"{self.prenom} {self.nom} ({self.get_qualite_display().lower()})"

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}"


class CoPresidence(models.Model):
    """Un ou deux co-présidents par comité, chacun siégeant sur un siège ; l'un peut avoir la voix prépondérante
    (le représentant de l'État dans les comités pour l'emploi). Ils valident l'ordre du jour."""

    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="copresidences")
    siege = models.ForeignKey(Siege, on_delete=models.CASCADE, related_name="copresidences")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="copresidences")
    voix_preponderante = models.BooleanField("voix prépondérante en cas de partage", default=False)

    class Meta:
        verbose_name = "co-présidence"
        verbose_name_plural = "co-présidences"
        ordering = ["comite", "-voix_preponderante", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comite", "utilisateur"],
                name="copresidence_unique",
                violation_error_message="Cette personne co-préside déjà ce comité.",
            ),
            models.UniqueConstraint(
                fields=["comite"],
                condition=Q(voix_preponderante=True),
                name="copresidence_une_voix_preponderante",
                violation_error_message="Un seul co-président a la voix prépondérante.",
            ),
        ]

    def __str__(self):
        return f"{self.utilisateur} ({self.comite})"
