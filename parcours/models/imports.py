"""Import de personnes (CSV, XLSX) : le fichier, sa correspondance de colonnes, l'analyse puis l'import confirmé."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ModeleCorrespondance(models.Model):
    """Une correspondance de colonnes enregistrée par une organisation, pour ses imports suivants."""

    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    nom = models.CharField("nom du modèle", max_length=100)
    correspondance = models.JSONField(default=dict)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date_creation = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "modèle de correspondance"
        verbose_name_plural = "modèles de correspondance"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "nom"],
                name="modele_correspondance_unique",
                violation_error_message="Un modèle porte déjà ce nom dans votre organisation.",
            )
        ]

    def __str__(self):
        return self.nom


class ImportPersonnes(models.Model):
    """Un import : téléversé, analysé (aperçu des erreurs), confirmé puis exécuté par un worker, ou abandonné.
    Rien n'est écrit dans les carnets avant la confirmation ; l'exécution est tout ou rien."""

    class Statut(models.TextChoices):
        TELEVERSE = "televerse", "Téléversé, colonnes à faire correspondre"
        ANALYSE_EN_COURS = "analyse_en_cours", "Analyse en cours"
        ANALYSE = "analyse", "Analysé, à confirmer"
        IMPORT_EN_COURS = "import_en_cours", "Import en cours"
        TERMINE = "termine", "Terminé"
        ECHEC = "echec", "Échec"
        ABANDONNE = "abandonne", "Abandonné"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    demandeur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fichier = models.FileField(upload_to="imports/%Y/%m/", max_length=250)
    nom_fichier = models.CharField("fichier", max_length=250)
    format = models.CharField(max_length=10)
    encodage = models.CharField(max_length=20, blank=True)
    separateur = models.CharField(max_length=5, blank=True)
    colonnes = models.JSONField("colonnes du fichier", default=list)
    correspondance = models.JSONField("correspondance des colonnes", default=dict, blank=True)
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.TELEVERSE)
    progression = models.PositiveSmallIntegerField(default=0)
    nb_lignes = models.PositiveIntegerField(default=0)
    nb_valides = models.PositiveIntegerField(default=0)
    nb_erreurs = models.PositiveIntegerField(default=0)
    erreurs = models.JSONField("erreurs par ligne et par cellule", default=list, blank=True)
    importer_valides_seulement = models.BooleanField("n'importer que les lignes valides", default=False)
    rapport = models.JSONField("compte rendu", default=dict, blank=True)
    message_erreur = models.CharField(max_length=500, blank=True)
    date_creation = models.DateTimeField(default=timezone.now)
    date_confirmation = models.DateTimeField(null=True, blank=True)
    date_fin = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "import de personnes"
        verbose_name_plural = "imports de personnes"
        ordering = ["-date_creation"]

    def __str__(self):
        return f"Import {self.nom_fichier} ({self.get_statut_display()})"
