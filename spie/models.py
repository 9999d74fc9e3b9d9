import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class DocumentGenereQuerySet(models.QuerySet):
    def expires(self, maintenant=None):
        return self.filter(expire_le__lte=maintenant or timezone.now())


class DocumentGenere(models.Model):
    """Un document produit en arrière-plan pour un utilisateur (un PDF aujourd'hui) : la ligne en base porte
    l'état et la progression que la page relit, si bien qu'aucun travail ne se perd si Redis ou un worker
    tombe. Le fichier passe par l'API de stockage de Django ; il expire (données personnelles)."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours de production"
        PRET = "pret", "Prêt"
        ECHEC = "echec", "Échec"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    demandeur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    producteur = models.CharField("producteur", max_length=80)
    parametres = models.JSONField("paramètres", default=dict)
    titre = models.CharField("titre", max_length=200)
    nom_fichier = models.CharField("nom du fichier", max_length=200)
    statut = models.CharField("statut", max_length=12, choices=Statut.choices, default=Statut.EN_ATTENTE)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    erreur = models.TextField("erreur", blank=True)
    fichier = models.FileField("fichier", upload_to="documents/%Y/%m/", blank=True)
    date_demande = models.DateTimeField("demandé le", default=timezone.now)
    date_fin = models.DateTimeField("terminé le", null=True, blank=True)
    expire_le = models.DateTimeField("expire le", db_index=True)

    objects = DocumentGenereQuerySet.as_manager()

    class Meta:
        verbose_name = "document généré"
        verbose_name_plural = "documents générés"
        ordering = ["-date_demande"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progression__lte=100),
                name="document_progression_en_pourcentage",
                violation_error_message="La progression est un pourcentage.",
            )
        ]

    def __str__(self):
        return f"{self.titre} ({self.get_statut_display().lower()})"

    @property
    def est_termine(self) -> bool:
        return self.statut in (self.Statut.PRET, self.Statut.ECHEC)
