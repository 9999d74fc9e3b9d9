"""Conservation des dossiers : l'anonymisation après SPIE_CONSERVATION_MOIS mois sans contact (`AnonymisationCarnet`,
la trace sans donnée personnelle), le gel légal qui l'empêche (`GelLegal`), et l'opposition de la personne au
partage de son carnet (`OppositionPartage`). Les règles sont dans `parcours/conservation.py`."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcours.models.carnet import Carnet


class EnCoursQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(leve_le__isnull=True)


class OppositionQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(levee_le__isnull=True)


class GelLegal(models.Model):
    """Un gel légal (contentieux, enquête, demande d'une autorité) : tant qu'il n'est pas levé, le carnet n'est pas
    anonymisé, quel que soit le temps écoulé depuis le dernier contact."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="gels_legaux")
    motif = models.TextField("motif du gel")
    pose_le = models.DateTimeField("posé le", default=timezone.now)
    pose_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    leve_le = models.DateTimeField("levé le", null=True, blank=True)
    leve_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motif_levee = models.TextField("motif de la levée", blank=True)

    objects = EnCoursQuerySet.as_manager()

    class Meta:
        verbose_name = "gel légal"
        verbose_name_plural = "gels légaux"
        ordering = ["-pose_le", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carnet"],
                condition=Q(leve_le__isnull=True),
                name="un_gel_legal_actif_par_carnet",
                violation_error_message="Ce carnet a déjà un gel légal en cours.",
            ),
            models.CheckConstraint(
                condition=Q(leve_le__isnull=True, leve_par__isnull=True, motif_levee="")
                | (Q(leve_le__isnull=False, leve_par__isnull=False) & ~Q(motif_levee="")),
                name="gel_legal_levee_complete",
                violation_error_message="La levée d'un gel légal a une date, un auteur et un motif.",
            ),
        ]

    def __str__(self):
        return f"Gel légal du {self.pose_le:%d/%m/%Y}"


class OppositionPartage(models.Model):
    """La personne s'oppose au partage de son carnet : tant qu'elle n'est pas levée, seule l'organisation de son
    référent (au jour de l'opposition) le voit, aucun nouveau partage n'est accepté et l'import de personnes ne
    recrée ni ne met à jour ce dossier."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="oppositions_partage")
    organisation = models.ForeignKey(
        "partenaires.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="L'organisation du référent au jour de l'opposition : la seule qui garde le carnet.",
    )
    par_la_personne = models.BooleanField("enregistrée par la personne dans son espace", default=False)
    enregistree_le = models.DateTimeField("enregistrée le", default=timezone.now)
    enregistree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    levee_le = models.DateTimeField("levée le", null=True, blank=True)
    levee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = OppositionQuerySet.as_manager()

    class Meta:
        verbose_name = "opposition au partage"
        verbose_name_plural = "oppositions au partage"
        ordering = ["-enregistree_le", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carnet"],
                condition=Q(levee_le__isnull=True),
                name="une_opposition_au_partage_active_par_carnet",
                violation_error_message="La personne s'oppose déjà au partage de ce carnet.",
            ),
            models.CheckConstraint(
                condition=Q(levee_le__isnull=True, levee_par__isnull=True)
                | Q(levee_le__isnull=False, levee_par__isnull=False),
                name="opposition_partage_levee_complete",
                violation_error_message="La levée d'une opposition a une date et un auteur.",
            ),
        ]

    def __str__(self):
        return f"Opposition au partage du {self.enregistree_le:%d/%m/%Y}"


class AnonymisationCarnet(models.Model):
    """La trace d'une anonymisation : quand, par quelle commande, pour quel seuil ; aucune donnée personnelle."""

    carnet = models.OneToOneField(Carnet, on_delete=models.PROTECT, related_name="anonymisation")
    date = models.DateTimeField("anonymisé le", default=timezone.now)
    commande = models.CharField("par", max_length=100)
    sans_contact_depuis = models.DateField("sans contact depuis le")
    duree_mois = models.PositiveSmallIntegerField("durée de conservation (mois)")

    class Meta:
        verbose_name = "anonymisation d'un carnet"
        verbose_name_plural = "anonymisations de carnets"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"Carnet {self.carnet_id} anonymisé le {self.date:%d/%m/%Y}"
