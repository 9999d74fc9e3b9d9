"""Orientation du parcours : la file d'attente (demandes), les décisions notifiées, les transferts de territoire."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcours import delais
from parcours.models.carnet import Carnet
from parcours.models.diagnostic import Diagnostic

Parcours = Diagnostic.Parcours


class DemandeOrientationQuerySet(models.QuerySet):
    def en_attente(self):
        return self.filter(statut=DemandeOrientation.Statut.EN_ATTENTE)


class DemandeOrientation(models.Model):
    """Une entrée de la file d'orientation : nouvelle entrée, arrivée d'un autre territoire ou demande de
    réorientation. Une seule demande ouverte par carnet."""

    class Motif(models.TextChoices):
        ENTREE_RSA = "entree_rsa", "Nouvelle entrée (ouverture du droit au RSA)"
        TRANSFERT = "transfert", "Arrivée d'un autre territoire"
        REORIENTATION = "reorientation", "Demande de réorientation"
        PREMIERE_ORIENTATION = "premiere_orientation", "Première orientation (autre public)"

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente de décision"
        DECIDEE = "decidee", "Décidée"

    class CauseRetard(models.TextChoices):
        ATTENTE_PERSONNE = "attente_personne", "En attente de la personne"
        ATTENTE_PARTENAIRE = "attente_partenaire", "En attente d'un partenaire"
        INFORMATION_MANQUANTE = "information_manquante", "Information manquante"

    MOTIFS_AVEC_DELAI_LEGAL = {Motif.ENTREE_RSA, Motif.TRANSFERT}

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="demandes_orientation")
    motif = models.CharField("motif", max_length=30, choices=Motif.choices)
    organisation_orientation = models.ForeignKey(
        "partenaires.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="organisation qui oriente",
        help_text="Sa file d'orientation reçoit la demande (le Département, en général).",
    )
    date_reception = models.DateField(
        "information reçue le",
        help_text="Réception par le Département de l'ouverture du droit ou du transfert : départ du délai légal.",
    )
    statut = models.CharField("statut", max_length=15, choices=Statut.choices, default=Statut.EN_ATTENTE)
    cause_retard = models.CharField("cause du retard", max_length=30, choices=CauseRetard.choices, blank=True)
    precision_retard = models.CharField("précision sur le retard", max_length=250, blank=True)
    parcours_recommande = models.CharField("parcours recommandé", max_length=20, choices=Parcours.choices, blank=True)
    motif_demande = models.TextField("motif de la demande", blank=True)
    demandeur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation_demandeuse = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date_demande = models.DateTimeField(default=timezone.now)

    objects = DemandeOrientationQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'orientation"
        verbose_name_plural = "demandes d'orientation"
        ordering = ["date_reception", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carnet"],
                condition=Q(statut="en_attente"),
                name="une_demande_orientation_ouverte_par_carnet",
                violation_error_message="Une demande d'orientation est déjà ouverte pour cette personne.",
            ),
            models.CheckConstraint(
                condition=~Q(motif="reorientation") | (~Q(parcours_recommande="") & ~Q(motif_demande="")),
                name="reorientation_motivee",
                violation_error_message="Une demande de réorientation indique le parcours recommandé et son motif.",
            ),
        ]

    def __str__(self):
        return f"{self.get_motif_display()} – {self.carnet.personne}"

    @property
    def a_un_delai_legal(self) -> bool:
        return self.motif in self.MOTIFS_AVEC_DELAI_LEGAL

    @property
    def date_limite(self) -> date | None:
        return delais.date_limite_orientation(self.date_reception) if self.a_un_delai_legal else None

    def jours_restants(self, aujourd_hui: date | None = None) -> int | None:
        if self.date_limite is None:
            return None
        return delais.jours_restants(self.date_limite, aujourd_hui or timezone.localdate())

    def en_retard(self, aujourd_hui: date | None = None) -> bool:
        restants = self.jours_restants(aujourd_hui)
        return restants is not None and restants < 0


class DecisionOrientationQuerySet(models.QuerySet):
    def orientations(self):
        """Les décisions qui fixent un parcours (orienter, réorienter), pas celles qui maintiennent."""
        return self.exclude(sens=DecisionOrientation.Sens.MAINTENIR)


class DecisionOrientation(models.Model):
    """La décision prise sur une demande : orienter, réorienter ou maintenir ; notifiée à la personne."""

    class Sens(models.TextChoices):
        ORIENTER = "orienter", "Orienter"
        REORIENTER = "reorienter", "Réorienter"
        MAINTENIR = "maintenir", "Maintenir l'orientation"

    class Canal(models.TextChoices):
        COURRIER = "courrier", "Courrier postal"
        COURRIEL = "courriel", "Courriel"
        REMISE_EN_MAIN_PROPRE = "remise_en_main_propre", "Remise en main propre"
        ESPACE_PERSONNEL = "espace_personnel", "Espace personnel en ligne"

    class DevenirAncienReferent(models.TextChoices):
        ACCOMPAGNATEUR = "accompagnateur", "Reste dans le groupe de suivi comme accompagnateur"
        FIN = "fin", "Sort du groupe de suivi"

    class MotifProlongation(models.TextChoices):
        SANTE = "sante", "Santé"
        HANDICAP = "handicap", "Handicap"
        INVALIDITE = "invalidite", "Invalidité"
        LOGEMENT = "logement", "Logement"
        SITUATION_FAMILIALE = "situation_familiale", "Situation familiale"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    demande = models.OneToOneField(DemandeOrientation, on_delete=models.PROTECT, related_name="decision")
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="decisions_orientation")
    sens = models.CharField("décision", max_length=15, choices=Sens.choices)
    parcours = models.CharField("parcours", max_length=20, choices=Parcours.choices, blank=True)
    organisme_referent = models.ForeignKey(
        "partenaires.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisme référent",
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="référent désigné",
    )
    devenir_ancien_referent = models.CharField(
        "l'ancien référent", max_length=20, choices=DevenirAncienReferent.choices, blank=True
    )
    criteres = models.JSONField("critères retenus et leur cotation", default=dict, blank=True)
    motif = models.TextField("motif de la décision", blank=True)
    date_decision = models.DateField("date de la décision")
    decideur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation_decideuse = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    notifiee_le = models.DateField("notifiée à la personne le", null=True, blank=True)
    canal_notification = models.CharField("canal de la notification", max_length=30, choices=Canal.choices, blank=True)
    motif_prolongation = models.CharField(
        "motif de révision à 12 mois (parcours social)",
        max_length=30,
        choices=MotifProlongation.choices,
        blank=True,
    )
    date_saisie = models.DateTimeField(default=timezone.now)

    objects = DecisionOrientationQuerySet.as_manager()

    class Meta:
        verbose_name = "décision d'orientation"
        verbose_name_plural = "décisions d'orientation"
        ordering = ["-date_decision", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(notifiee_le__isnull=True) & Q(canal_notification=""))
                | (Q(notifiee_le__isnull=False) & ~Q(canal_notification="")),
                name="notification_datee_avec_canal",
                violation_error_message="Une décision notifiée indique la date et le canal de la notification.",
            ),
            models.CheckConstraint(
                condition=Q(notifiee_le__isnull=True) | Q(notifiee_le__gte=models.F("date_decision")),
                name="notification_apres_decision",
                violation_error_message="La notification ne peut pas précéder la décision.",
            ),
            models.CheckConstraint(
                condition=(Q(sens="maintenir") & ~Q(motif=""))
                | (~Q(sens="maintenir") & ~Q(parcours="") & Q(organisme_referent__isnull=False)),
                name="decision_orientation_complete",
                violation_error_message=(
                    "Une orientation indique le parcours et l'organisme référent ; un maintien indique son motif."
                ),
            ),
            models.CheckConstraint(
                condition=Q(motif_prolongation="") | Q(parcours="social"),
                name="prolongation_parcours_social_seulement",
                violation_error_message="Seul un parcours social se revoit à 12 mois.",
            ),
        ]

    def __str__(self):
        return f"{self.get_sens_display()} – {self.carnet.personne} ({self.date_decision:%d/%m/%Y})"

    @property
    def date_limite_contrat(self) -> date | None:
        """Le contrat d'engagement est signé dans le mois de la notification (rien tant qu'elle n'est pas faite)."""
        if self.sens == self.Sens.MAINTENIR or self.notifiee_le is None:
            return None
        return delais.date_limite_contrat(self.notifiee_le)

    @property
    def date_revision(self) -> date | None:
        """Revue d'un parcours social : à 6 mois, à 12 mois pour un motif légal coché."""
        if self.parcours != Parcours.SOCIAL:
            return None
        return delais.date_revision_sociale(self.date_decision, prolongee=bool(self.motif_prolongation))


class TransfertTerritoire(models.Model):
    """La personne déménage : sa demande arrive dans la file du territoire d'accueil ; les organisations du
    territoire de départ gardent la lecture 30 jours, puis la perdent."""

    DUREE_LECTURE_JOURS = 30

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="transferts")
    departement_origine = models.CharField("département de départ", max_length=3)
    departement_accueil = models.CharField("département d'accueil", max_length=3)
    organisation_accueil = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="organisation d'accueil"
    )
    demande = models.OneToOneField(DemandeOrientation, on_delete=models.PROTECT, related_name="transfert")
    organisations_sortantes = models.ManyToManyField(
        "partenaires.Organisation", related_name="+", verbose_name="organisations du territoire de départ"
    )
    motif = models.CharField("motif", max_length=250)
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date_transfert = models.DateTimeField(default=timezone.now)
    fin_lecture_le = models.DateField("lecture jusqu'au")
    acces_retires_le = models.DateTimeField("accès retirés le", null=True, blank=True)

    class Meta:
        verbose_name = "transfert de territoire"
        verbose_name_plural = "transferts de territoire"
        ordering = ["-date_transfert"]

    def __str__(self):
        return f"Transfert {self.departement_origine} → {self.departement_accueil} – {self.carnet.personne}"
