"""Les manquements aux devoirs du bénéficiaire du RSA et les sanctions décidées par le président du Département
(loi du 18 décembre 2023, décret 2025-478). Les bornes légales sont écrites dans `parcours/sanctions/regles.py` ;
les contraintes ci-dessous en sont le filet de sécurité en base."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcours.models.carnet import Carnet


class Manquement(models.Model):
    """Un manquement constaté, sa procédure contradictoire (avis envoyé, observations) et la décision."""

    class Type(models.TextChoices):
        REFUS_CONTRAT = "refus_contrat", "Refus d'élaborer ou d'actualiser le contrat d'engagement"
        NON_RESPECT_CONTRAT = "non_respect_contrat", "Non-respect des obligations du contrat d'engagement"
        REFUS_CONTROLE = "refus_controle", "Refus de se soumettre à un contrôle"
        REFUS_OFFRES_EMPLOI = "refus_offres_emploi", "Deux refus d'une offre raisonnable d'emploi"

    class Statut(models.TextChoices):
        CONSTATE = "constate", "Constaté"
        MOTIF_LEGITIME = "motif_legitime", "Classé : motif légitime"
        AVIS_ENVOYE = "avis_envoye", "Avis envoyé, observations en cours"
        DECIDE = "decide", "Décidé"

    class Canal(models.TextChoices):
        COURRIER = "courrier", "Courrier postal"
        COURRIEL = "courriel", "Courriel"
        REMISE_EN_MAIN_PROPRE = "remise_en_main_propre", "Remise en main propre"

    class Decision(models.TextChoices):
        SANS_SANCTION = "sans_sanction", "Pas de sanction"
        SUSPENSION = "suspension", "Suspension du RSA"
        RADIATION = "radiation", "Radiation de la liste des bénéficiaires"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="manquements")
    type = models.CharField("nature du manquement", max_length=30, choices=Type.choices)
    faits = models.TextField("faits constatés")
    date_faits = models.DateField("date des faits")
    constate_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    date_constat = models.DateTimeField("constaté le", default=timezone.now)
    statut = models.CharField("statut", max_length=15, choices=Statut.choices, default=Statut.CONSTATE)

    # Examen du motif légitime (santé, garde d'enfant, force majeure…) : avant tout envoi d'avis.
    motif_legitime_examine_le = models.DateField("motif légitime examiné le", null=True, blank=True)
    motif_legitime = models.BooleanField("motif légitime reconnu", null=True, blank=True)
    motif_legitime_precision = models.TextField("examen du motif légitime", blank=True)

    # Avis de manquement envoyé à la personne, et délai pour présenter ses observations.
    avis_envoye_le = models.DateField("avis envoyé le", null=True, blank=True)
    canal_avis = models.CharField("canal de l'avis", max_length=30, choices=Canal.choices, blank=True)
    fin_observations = models.DateField("observations possibles jusqu'au", null=True, blank=True)
    observations = models.TextField("observations de la personne", blank=True)
    observations_recues_le = models.DateField("observations reçues le", null=True, blank=True)

    # Décision du président du Département (ou de son délégataire).
    decision = models.CharField("décision", max_length=15, choices=Decision.choices, blank=True)
    taux_suspension = models.PositiveSmallIntegerField("taux de suspension (%)", null=True, blank=True)
    duree_mois = models.PositiveSmallIntegerField("durée (mois)", null=True, blank=True)
    personnes_foyer = models.PositiveSmallIntegerField("personnes au foyer", null=True, blank=True)
    recidive = models.BooleanField("manquement répété", default=False)
    motif_decision = models.TextField("motif de la décision", blank=True)
    decide_le = models.DateField("décidé le", null=True, blank=True)
    decideur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation_decideuse = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Levée : la personne s'est conformée à ses obligations.
    levee_le = models.DateField("levée le", null=True, blank=True)
    motif_levee = models.TextField("motif de la levée", blank=True)
    levee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "manquement"
        verbose_name_plural = "manquements"
        ordering = ["-date_faits", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taux_suspension__isnull=True) | Q(taux_suspension__gte=30, taux_suspension__lte=100),
                name="manquement_taux_30_100",
                violation_error_message="Le taux de suspension est compris entre 30 et 100 %.",
            ),
            models.CheckConstraint(
                condition=Q(duree_mois__isnull=True) | Q(duree_mois__gte=1, duree_mois__lte=4),
                name="manquement_duree_1_4",
                violation_error_message="La suspension dure de 1 à 4 mois.",
            ),
            models.CheckConstraint(
                condition=Q(personnes_foyer__isnull=True)
                | Q(personnes_foyer__lte=1)
                | Q(taux_suspension__isnull=True)
                | Q(taux_suspension__lte=50),
                name="manquement_foyer_plafond_50",
                violation_error_message="Pour un foyer de plus d'une personne, la suspension est plafonnée à 50 %.",
            ),
            models.CheckConstraint(
                condition=~Q(decision="suspension") | Q(taux_suspension__isnull=False, duree_mois__isnull=False),
                name="manquement_suspension_complete",
                violation_error_message="Une suspension indique son taux et sa durée.",
            ),
            models.CheckConstraint(
                condition=Q(decision="suspension") | Q(taux_suspension__isnull=True, duree_mois__isnull=True),
                name="manquement_taux_si_suspension",
                violation_error_message="Seule une suspension a un taux et une durée.",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decide_le__isnull=False, avis_envoye_le__isnull=False),
                name="manquement_decision_apres_avis",
                violation_error_message="Une décision suit l'envoi de l'avis de manquement.",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} du {self.date_faits:%d/%m/%Y} – {self.carnet.personne}"
