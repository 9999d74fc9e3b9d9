"""Les orientations d'une personne vers un service de l'offre (ou une de ses sessions) : la prescription, son
dossier transmis, son cycle de vie et le journal de ses transitions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import TruncDate
from django.utils import timezone

from parcours.models.carnet import Action, Carnet, Objectif


class OrientationServiceQuerySet(models.QuerySet):
    def en_attente_de_reponse(self):
        return self.filter(statut__in=OrientationService.STATUTS_SANS_REPONSE)

    def retenues(self):
        """Acceptées ou commencées : elles comptent dans les heures d'activité de la personne."""
        return self.filter(statut__in=OrientationService.STATUTS_RETENUS)


class OrientationService(models.Model):
    class Statut(models.TextChoices):
        ENVOYEE = "envoyee", "Envoyée"
        A_L_ETUDE = "a_l_etude", "À l'étude"
        ACCEPTEE = "acceptee", "Acceptée"
        REFUSEE = "refusee", "Refusée"
        ENTREE = "entree", "Entrée effective"
        TERMINEE = "terminee", "Terminée"
        ABANDONNEE = "abandonnee", "Abandonnée"
        EXPIREE = "expiree", "Expirée (sans réponse)"

    class MotifRefus(models.TextChoices):
        # Les motifs de refus de DORA (gip-inclusion/dora, licence MIT).
        NON_JOIGNABLE = "non_joignable", "Personne non joignable"
        ABSENTE = "absente", "Personne ne s'étant pas présentée à l'entretien"
        EN_EMPLOI = "en_emploi", "Personne indisponible : en emploi"
        EN_FORMATION = "en_formation", "Personne indisponible : en formation"
        NON_ELIGIBLE = "non_eligible", "Personne non éligible (ne répond pas aux prérequis)"
        NON_MOBILE = "non_mobile", "Personne non mobile"
        NON_INTERESSEE = "non_interessee", "Personne non intéressée"
        FREINS = "freins", "Un ou plusieurs freins périphériques empêchent la personne de poursuivre"
        SESSION_COMPLETE = "session_complete", "Session complète"
        DOUBLON = "doublon", "Orientation en doublon"
        AUTRE = "autre", "Autre (précisé dans le commentaire)"

    STATUTS_SANS_REPONSE = (Statut.ENVOYEE, Statut.A_L_ETUDE)
    STATUTS_RETENUS = (Statut.ACCEPTEE, Statut.ENTREE)
    STATUTS_FINAUX = (Statut.REFUSEE, Statut.TERMINEE, Statut.ABANDONNEE, Statut.EXPIREE)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="orientations_service")
    service = models.ForeignKey("offre.Service", on_delete=models.PROTECT, related_name="orientations")
    session = models.ForeignKey(
        "offre.SessionService", on_delete=models.PROTECT, null=True, blank=True, related_name="orientations"
    )
    besoin = models.CharField("besoin (thématique)", max_length=150, blank=True)
    objectif = models.ForeignKey(
        Objectif, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="objectif servi"
    )
    action = models.OneToOneField(
        Action, on_delete=models.PROTECT, null=True, blank=True, related_name="orientation_service"
    )
    statut = models.CharField("statut", max_length=15, choices=Statut.choices, default=Statut.ENVOYEE)
    motif_refus = models.CharField("motif du refus", max_length=20, choices=MotifRefus.choices, blank=True)
    message = models.TextField("message à la structure", blank=True)
    dossier = models.JSONField(
        "dossier transmis",
        default=dict,
        help_text="Ce que la structure reçoit, tel qu'envoyé (identité, contact, besoin, objectif, documents).",
    )
    consentement_le = models.DateTimeField("consentement de la personne recueilli le")
    prescripteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, null=True, related_name="+", verbose_name="prescriptrice"
    )
    heures_hebdomadaires = models.DecimalField(
        "heures par semaine", max_digits=4, decimal_places=1, null=True, blank=True
    )
    envoyee_le = models.DateTimeField("envoyée le", default=timezone.now)
    expire_le = models.DateTimeField("expire le")
    relance_envoyee_le = models.DateTimeField("relance envoyée le", null=True, blank=True)
    repondue_le = models.DateTimeField("réponse le", null=True, blank=True)

    objects = OrientationServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation vers un service"
        verbose_name_plural = "orientations vers un service"
        ordering = ["-envoyee_le", "-id"]
        indexes = [
            models.Index(fields=["statut", "envoyee_le"], name="orientation_service_statut"),
            # Le jour d'envoi à Paris, comme le filtre des indicateurs (`envoyee_le__date__gte`, `__lte`) :
            # ANALYZE en tire la part des orientations de la période ; sans elle, PostgreSQL la suppose minuscule
            # et parcourt la table entière (plans d'exécution, issue 12).
            models.Index(TruncDate("envoyee_le"), name="orientation_service_jour"),
        ]

    def __str__(self):
        return f"{self.service} ({self.get_statut_display().lower()})"


class TransitionOrientationService(models.Model):
    """Le journal des changements de statut d'une orientation (en ajout seul)."""

    orientation = models.ForeignKey(OrientationService, on_delete=models.PROTECT, related_name="transitions")
    de = models.CharField(max_length=15, choices=OrientationService.Statut.choices, blank=True)
    vers = models.CharField(max_length=15, choices=OrientationService.Statut.choices)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    par_lien = models.BooleanField("répondu par le lien reçu par e-mail", default=False)
    motif = models.CharField(max_length=20, blank=True)
    commentaire = models.TextField(blank=True)
    date = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "transition d'une orientation vers un service"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.de or '–'} → {self.vers}"
