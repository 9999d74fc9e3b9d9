"""Les équipes pluridisciplinaires (article L262-39 du code de l'action sociale et des familles) : professionnels
de l'insertion et représentants des bénéficiaires du RSA, consultées avant une réorientation ou une sanction.
L'équipe ne voit d'un dossier que le résumé que le référent a choisi de partager ; son avis puis la décision du
président du Département (ou de son délégataire) sont enregistrés séparément, et écrits dans l'historique du
carnet."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcours.models.carnet import Carnet
from parcours.models.orientation import DemandeOrientation
from parcours.models.sanctions import Manquement
from partenaires.referentiels import choix_departements


class EquipePluridisciplinaire(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    departement = models.CharField("département", max_length=3, choices=choix_departements)
    nom = models.CharField("nom", max_length=150)
    secteur = models.CharField("secteur couvert", max_length=250, blank=True)
    organisation = models.ForeignKey(
        "partenaires.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="organisation porteuse",
        help_text="Le Département, qui réunit l'équipe et dont le président décide.",
    )
    active = models.BooleanField("active", default=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date_creation = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "équipe pluridisciplinaire"
        verbose_name_plural = "équipes pluridisciplinaires"
        ordering = ["departement", "nom", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "nom"],
                name="equipe_nom_unique_par_departement",
                violation_error_message="Une équipe pluridisciplinaire porte déjà ce nom dans ce département.",
            )
        ]

    def __str__(self):
        return self.nom


class MembreEquipe(models.Model):
    class Qualite(models.TextChoices):
        PROFESSIONNEL = "professionnel", "Professionnel de l'insertion"
        REPRESENTANT_BENEFICIAIRES = "representant_beneficiaires", "Représentant des bénéficiaires du RSA"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    equipe = models.ForeignKey(EquipePluridisciplinaire, on_delete=models.PROTECT, related_name="membres")
    qualite = models.CharField("qualité", max_length=30, choices=Qualite.choices)
    nom_complet = models.CharField("nom et prénom", max_length=200)
    structure = models.CharField("organisation ou collectif", max_length=200, blank=True)
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Son compte sur la plateforme, s'il en a un : il voit alors les séances de l'équipe.",
    )
    date_debut = models.DateField("membre depuis", default=timezone.localdate)
    date_fin = models.DateField("jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "membre d'une équipe pluridisciplinaire"
        verbose_name_plural = "membres des équipes pluridisciplinaires"
        ordering = ["qualite", "nom_complet", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="membre_equipe_fin_apres_debut",
                violation_error_message="La fin ne peut pas précéder le début.",
            )
        ]

    def __str__(self):
        return f"{self.nom_complet} ({self.get_qualite_display()})"


class SeanceEquipe(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    equipe = models.ForeignKey(EquipePluridisciplinaire, on_delete=models.PROTECT, related_name="seances")
    date_heure = models.DateTimeField("date et heure")
    lieu = models.CharField("lieu", max_length=250, blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date_creation = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "séance d'équipe pluridisciplinaire"
        verbose_name_plural = "séances d'équipe pluridisciplinaire"
        ordering = ["-date_heure", "-id"]

    def __str__(self):
        return f"{self.equipe} – {timezone.localtime(self.date_heure):%d/%m/%Y}"


class DossierEquipe(models.Model):
    """Un dossier inscrit à une séance : une réorientation demandée ou un manquement présumé."""

    class Motif(models.TextChoices):
        REORIENTATION = "reorientation", "Réorientation"
        MANQUEMENT = "manquement", "Manquement présumé"

    class Avis(models.TextChoices):
        FAVORABLE = "favorable", "Avis favorable"
        DEFAVORABLE = "defavorable", "Avis défavorable"
        AJOURNE = "ajourne", "Examen ajourné"

    class Decision(models.TextChoices):
        REORIENTATION = "reorientation", "Réorientation décidée"
        MAINTIEN = "maintien", "Orientation maintenue"
        SANCTION = "sanction", "Sanction décidée"
        SANS_SANCTION = "sans_sanction", "Pas de sanction"

    DECISIONS_PAR_MOTIF = {
        Motif.REORIENTATION: (Decision.REORIENTATION, Decision.MAINTIEN),
        Motif.MANQUEMENT: (Decision.SANCTION, Decision.SANS_SANCTION),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seance = models.ForeignKey(SeanceEquipe, on_delete=models.PROTECT, related_name="dossiers")
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="dossiers_equipe")
    motif = models.CharField("motif", max_length=15, choices=Motif.choices)
    demande_orientation = models.ForeignKey(
        DemandeOrientation, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers_equipe"
    )
    manquement = models.ForeignKey(
        Manquement, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers_equipe"
    )
    resume = models.TextField(
        "résumé partagé avec l'équipe",
        help_text="Seul ce texte est montré à l'équipe : rien d'autre du carnet.",
    )
    presente_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    date_inscription = models.DateTimeField(default=timezone.now, editable=False)

    avis = models.CharField("avis de l'équipe", max_length=15, choices=Avis.choices, blank=True)
    motif_avis = models.TextField("motif de l'avis", blank=True)
    avis_le = models.DateField("avis rendu le", null=True, blank=True)
    avis_saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    decision = models.CharField("décision du président", max_length=15, choices=Decision.choices, blank=True)
    motif_decision = models.TextField("motif de la décision", blank=True)
    decide_le = models.DateField("décidé le", null=True, blank=True)
    decideur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "dossier présenté en équipe pluridisciplinaire"
        verbose_name_plural = "dossiers présentés en équipe pluridisciplinaire"
        ordering = ["date_inscription", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(motif="reorientation") & Q(manquement__isnull=True))
                | (Q(motif="manquement") & Q(manquement__isnull=False) & Q(demande_orientation__isnull=True)),
                name="dossier_equipe_objet_du_motif",
                violation_error_message="Un dossier de manquement porte sur un manquement, une réorientation sur une "
                "demande.",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(avis=""),
                name="dossier_equipe_decision_apres_avis",
                violation_error_message="La décision suit l'avis de l'équipe.",
            ),
            models.UniqueConstraint(
                fields=["seance", "carnet", "motif"],
                name="dossier_equipe_unique_par_seance",
                violation_error_message="Ce dossier est déjà inscrit à cette séance.",
            ),
        ]

    def __str__(self):
        return f"{self.get_motif_display()} – {self.seance}"
