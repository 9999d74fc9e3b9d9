"""Sortie de parcours et suivi dans l'emploi ; le point de situation calculé chaque nuit."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcours.models.carnet import Carnet
from partenaires.referentiels import choix_departements


class SortieParcours(models.Model):
    """La sortie du parcours, datée et motivée ; le carnet peut être rouvert (la sortie reste dans l'histoire)."""

    class Motif(models.TextChoices):
        EMPLOI_DURABLE = "emploi_durable", "Emploi durable (CDI, CDD de 6 mois ou plus)"
        EMPLOI_TEMPORAIRE = "emploi_temporaire", "Emploi temporaire"
        FORMATION_QUALIFIANTE = "formation_qualifiante", "Formation qualifiante"
        CREATION_ENTREPRISE = "creation_entreprise", "Création d'entreprise"
        DEMENAGEMENT = "demenagement", "Déménagement"
        FIN_DE_DROITS = "fin_de_droits", "Fin de droits"
        DECES = "deces", "Décès"
        REFUS = "refus", "Refus de la personne"
        AUTRE = "autre", "Autre"

    MOTIFS_VERS_L_EMPLOI = {Motif.EMPLOI_DURABLE, Motif.EMPLOI_TEMPORAIRE, Motif.CREATION_ENTREPRISE}
    SUIVI_EMPLOI_MOIS_MAX = 12

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="sorties")
    motif = models.CharField("motif de sortie", max_length=30, choices=Motif.choices)
    precision = models.CharField("précision", max_length=250, blank=True)
    date_sortie = models.DateField("date de sortie")
    suivi_emploi_mois = models.PositiveSmallIntegerField("suivi dans l'emploi (mois)", default=0)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    date_saisie = models.DateTimeField(default=timezone.now)
    rouvert_le = models.DateField("carnet rouvert le", null=True, blank=True)
    motif_reouverture = models.CharField("motif de la réouverture", max_length=250, blank=True)
    rouvert_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "sortie de parcours"
        verbose_name_plural = "sorties de parcours"
        ordering = ["-date_sortie", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carnet"],
                condition=Q(rouvert_le__isnull=True),
                name="une_sortie_en_cours_par_carnet",
                violation_error_message="Ce parcours est déjà clos.",
            ),
            models.CheckConstraint(
                condition=~Q(motif="autre") | ~Q(precision=""),
                name="sortie_autre_precisee",
                violation_error_message="Précisez le motif de sortie « Autre ».",
            ),
            models.CheckConstraint(
                condition=Q(suivi_emploi_mois__lte=12),
                name="suivi_emploi_douze_mois_au_plus",
                violation_error_message="Le suivi dans l'emploi dure 12 mois au plus.",
            ),
            models.CheckConstraint(
                condition=(Q(rouvert_le__isnull=True) & Q(motif_reouverture=""))
                | (Q(rouvert_le__gte=models.F("date_sortie")) & ~Q(motif_reouverture="")),
                name="reouverture_datee_et_motivee",
                violation_error_message="Une réouverture est datée (après la sortie) et motivée.",
            ),
        ]

    def __str__(self):
        return f"Sortie du {self.date_sortie:%d/%m/%Y} ({self.get_motif_display()})"


class PointSuiviEmploi(models.Model):
    """Un point daté du suivi dans l'emploi (un par mois de suivi, prévu à la sortie)."""

    class Situation(models.TextChoices):
        EN_EMPLOI = "en_emploi", "Toujours en emploi"
        EN_FORMATION = "en_formation", "En formation"
        FIN_DE_CONTRAT = "fin_de_contrat", "Fin de contrat, sans emploi"
        INJOIGNABLE = "injoignable", "Personne injoignable"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sortie = models.ForeignKey(SortieParcours, on_delete=models.PROTECT, related_name="points_suivi")
    date_prevue = models.DateField("prévu le")
    fait_le = models.DateField("fait le", null=True, blank=True)
    situation = models.CharField("situation", max_length=20, choices=Situation.choices, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "point du suivi dans l'emploi"
        verbose_name_plural = "points du suivi dans l'emploi"
        ordering = ["date_prevue", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(fait_le__isnull=True) & Q(situation="")) | (Q(fait_le__isnull=False) & ~Q(situation="")),
                name="point_suivi_fait_avec_situation",
                violation_error_message="Un point fait indique la situation de la personne.",
            )
        ]

    def __str__(self):
        return f"Point du {self.date_prevue:%d/%m/%Y}"


class ParametresTerritoire(models.Model):
    """Réglages d'un territoire (département) : point de situation, délai d'observations sur un manquement."""

    JOURS_SANS_CONTACT_DEFAUT = 90
    JOURS_OBSERVATIONS_DEFAUT = 10

    departement = models.CharField("département", max_length=3, choices=choix_departements, unique=True)
    jours_sans_contact = models.PositiveSmallIntegerField(
        "jours sans contact avant « perdu de vue »", default=JOURS_SANS_CONTACT_DEFAUT
    )
    jours_observations = models.PositiveSmallIntegerField(
        "jours laissés pour présenter ses observations sur un manquement",
        default=JOURS_OBSERVATIONS_DEFAUT,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = "paramètres du territoire"
        verbose_name_plural = "paramètres des territoires"

    def __str__(self):
        return f"Paramètres du {self.get_departement_display()}"


class ElementATraiterQuerySet(models.QuerySet):
    def du_dernier_calcul(self):
        dernier = self.aggregate(models.Max("date_calcul"))["date_calcul__max"]
        return self.filter(date_calcul=dernier)


class ElementATraiter(models.Model):
    """Une ligne du point de situation de la nuit : une règle, un carnet, son référent, son organisation.
    Le calcul d'une nuit remplace celui de la veille (en une transaction)."""

    class Regle(models.TextChoices):
        PERDU_DE_VUE = "perdu_de_vue", "Sans contact depuis trop longtemps (perdu de vue)"
        ORIENTATION_EN_RETARD = "orientation_en_retard", "Orientation au-delà du délai légal"
        CONTRAT_EN_RETARD = "contrat_en_retard", "Contrat d'engagement non signé dans le mois"
        ACTION_ECHUE = "action_echue", "Action dont l'échéance est passée"
        SANS_REFERENT = "sans_referent", "Personne sans référent"
        DIAGNOSTIC_A_REEXAMINER = "diagnostic_a_reexaminer", "Diagnostic à réexaminer"
        REVISION_PARCOURS_SOCIAL = "revision_parcours_social", "Révision du parcours social due"
        HEURES_SANS_MOTIF = "heures_sans_motif", "Moins de 15 heures d'activité sans motif"
        REEXAMEN_STATUT = "reexamen_statut", "Changement de statut à examiner"
        POINT_SUIVI_EMPLOI = "point_suivi_emploi", "Point du suivi dans l'emploi à faire"
        ORIENTATION_SERVICE_SANS_REPONSE = (
            "orientation_service_sans_reponse",
            "Orientation vers un service sans réponse",
        )

    date_calcul = models.DateField("calculé le", db_index=True)
    regle = models.CharField("règle", max_length=40, choices=Regle.choices)
    carnet = models.ForeignKey(Carnet, on_delete=models.CASCADE, related_name="+")
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    echeance = models.DateField("échéance", null=True, blank=True)
    detail = models.CharField("détail", max_length=250, blank=True)

    objects = ElementATraiterQuerySet.as_manager()

    class Meta:
        verbose_name = "élément à traiter"
        verbose_name_plural = "point de situation"
        ordering = ["regle", "echeance", "id"]
        indexes = [
            models.Index(fields=["referent", "date_calcul"], name="a_traiter_referent"),
            models.Index(fields=["organisation", "date_calcul"], name="a_traiter_organisation"),
        ]

    def __str__(self):
        return f"{self.get_regle_display()} – {self.carnet}"
