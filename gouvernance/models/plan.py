"""Le plan d'actions du consortium (Pacte territorial d'insertion, actions du SPIE) : fiches action, budget par
financeur, indicateurs, avancement revu en séance."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from gouvernance.choix import Financeur, Programme, StatutFiche, Theme


class FicheActionQuerySet(models.QuerySet):
    def actives(self):
        return self.exclude(statut__in=[StatutFiche.REALISEE, StatutFiche.ABANDONNEE])


class FicheAction(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consortium = models.ForeignKey("gouvernance.Consortium", on_delete=models.PROTECT, related_name="fiches")
    numero = models.PositiveIntegerField("numéro")
    titre = models.CharField("intitulé", max_length=250)
    programme = models.CharField("programme", max_length=10, choices=Programme.choices, default=Programme.SPIE)
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)
    description = models.TextField("description", blank=True)
    objectifs = models.TextField("objectifs")
    publics = models.JSONField("publics", default=list)
    organisation_pilote = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="organisation pilote"
    )
    partenaires = models.ManyToManyField(
        "partenaires.Organisation", blank=True, related_name="+", verbose_name="organisations partenaires"
    )
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    statut = models.CharField("statut", max_length=12, choices=StatutFiche.choices, default=StatutFiche.EN_PROJET)
    avancement = models.PositiveSmallIntegerField("avancement (%)", default=0)
    decision_origine = models.ForeignKey(
        "gouvernance.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fiches",
        verbose_name="décision d'origine",
    )
    date_creation = models.DateTimeField("créée le", default=timezone.now, editable=False)
    date_modification = models.DateTimeField("modifiée le", auto_now=True)

    objects = FicheActionQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche action"
        verbose_name_plural = "fiches action"
        ordering = ["consortium", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "numero"],
                name="fiche_numero_unique",
                violation_error_message="Ce numéro de fiche existe déjà dans le consortium.",
            ),
            models.CheckConstraint(
                condition=Q(avancement__lte=100),
                name="fiche_avancement_pourcentage",
                violation_error_message="L'avancement est un pourcentage (0 à 100).",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="fiche_fin_apres_debut",
                violation_error_message="La fin de l'action suit son début.",
            ),
        ]

    def __str__(self):
        return f"Fiche {self.numero} — {self.titre}"


class LigneBudget(models.Model):
    """Le budget d'une fiche pour un financeur et une année : prévu, engagé, dépensé (jamais négatifs)."""

    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="budget")
    financeur = models.CharField("financeur", max_length=12, choices=Financeur.choices)
    precision_financeur = models.CharField("financeur (précision)", max_length=150, blank=True)
    annee = models.PositiveSmallIntegerField("année")
    prevu = models.DecimalField("prévu (€)", max_digits=12, decimal_places=2, default=0)
    engage = models.DecimalField("engagé (€)", max_digits=12, decimal_places=2, default=0)
    depense = models.DecimalField("dépensé (€)", max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        ordering = ["fiche", "annee", "financeur"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "financeur", "precision_financeur", "annee"],
                name="ligne_budget_unique",
                violation_error_message="Ce financeur a déjà une ligne pour cette année sur cette fiche.",
            ),
            models.CheckConstraint(
                condition=Q(prevu__gte=0, engage__gte=0, depense__gte=0),
                name="ligne_budget_positive",
                violation_error_message="Un montant ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.get_financeur_display()} {self.annee} : {self.prevu} €"


class IndicateurFiche(models.Model):
    """Un indicateur de résultat d'une fiche action : une cible et la dernière valeur constatée."""

    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="indicateurs")
    libelle = models.CharField("indicateur", max_length=250)
    unite = models.CharField("unité", max_length=50, blank=True, help_text="Ex. : personnes, %, heures.")
    cible = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)
    valeur = models.DecimalField("valeur constatée", max_digits=12, decimal_places=2, null=True, blank=True)
    date_mesure = models.DateField("mesurée le", null=True, blank=True)

    class Meta:
        verbose_name = "indicateur d'une fiche action"
        verbose_name_plural = "indicateurs des fiches action"
        ordering = ["fiche", "pk"]

    def __str__(self):
        return self.libelle


class SuiviFiche(models.Model):
    """L'avancement d'une fiche action revu lors d'une séance."""

    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="suivis")
    seance = models.ForeignKey("gouvernance.Seance", on_delete=models.CASCADE, related_name="suivis_fiches")
    statut = models.CharField("statut", max_length=12, choices=StatutFiche.choices)
    avancement = models.PositiveSmallIntegerField("avancement (%)")
    commentaire = models.TextField("commentaire", blank=True)
    date = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "suivi d'une fiche action"
        verbose_name_plural = "suivis des fiches action"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "seance"],
                name="suivi_fiche_unique",
                violation_error_message="Cette fiche a déjà été revue lors de cette séance.",
            ),
            models.CheckConstraint(
                condition=Q(avancement__lte=100),
                name="suivi_fiche_avancement_pourcentage",
                violation_error_message="L'avancement est un pourcentage (0 à 100).",
            ),
        ]

    def __str__(self):
        return f"{self.fiche} — {self.avancement} %"
