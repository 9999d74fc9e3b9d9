"""Les études de situations : un référent soumet à un comité technique la situation d'une personne qui y a
consenti ; le comité ne la connaît que sous un pseudonyme (initiales et numéro) et sa recommandation revient dans
le carnet."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EtudeSituation(models.Model):
    class Statut(models.TextChoices):
        SOUMISE = "soumise", "Soumise"
        INSCRITE = "inscrite", "Inscrite à l'ordre du jour"
        RECOMMANDEE = "recommandee", "Recommandation rendue"
        RETIREE = "retiree", "Retirée"

    class Consentement(models.TextChoices):
        ECRIT = "ecrit", "Accord écrit de la personne"
        ORAL = "oral", "Accord oral recueilli en entretien"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    comite = models.ForeignKey("gouvernance.Comite", on_delete=models.PROTECT, related_name="etudes")
    numero = models.PositiveIntegerField("numéro", editable=False)
    initiales = models.CharField("initiales", max_length=6, editable=False)
    carnet = models.ForeignKey("parcours.Carnet", on_delete=models.PROTECT, related_name="etudes_situation")
    point = models.ForeignKey(
        "gouvernance.Point", on_delete=models.SET_NULL, null=True, blank=True, related_name="etudes"
    )
    situation = models.TextField(
        "situation présentée",
        help_text="Sans nom ni prénom : le comité ne connaît la personne que par ses initiales et un numéro.",
    )
    question = models.TextField("question posée au comité")
    consentement = models.CharField("consentement de la personne", max_length=10, choices=Consentement.choices)
    consentement_le = models.DateField("consentement recueilli le")
    soumise_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    date_soumission = models.DateTimeField(default=timezone.now, editable=False)
    statut = models.CharField("statut", max_length=15, choices=Statut.choices, default=Statut.SOUMISE)
    recommandation = models.TextField("recommandation du comité", blank=True)
    recommandee_le = models.DateField("recommandation rendue le", null=True, blank=True)
    recommandation_saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "étude de situation"
        verbose_name_plural = "études de situations"
        ordering = ["comite", "-numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["comite", "numero"],
                name="etude_numero_unique_par_comite",
                violation_error_message="Ce numéro d'étude existe déjà pour ce comité.",
            ),
            models.CheckConstraint(
                condition=Q(recommandation="") | Q(recommandee_le__isnull=False),
                name="etude_recommandation_datee",
                violation_error_message="Une recommandation est datée.",
            ),
        ]

    def __str__(self):
        return self.pseudonyme

    @property
    def pseudonyme(self) -> str:
        """Ce que le comité, l'ordre du jour et les PDF montrent de la personne."""
        return f"Situation {self.initiales} n° {self.numero}"
