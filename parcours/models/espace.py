"""L'espace personnel de la personne accompagnée : son compte (distinct de tout compte professionnel), l'activation
par lien ou par code, sa parole dans son parcours, ses consentements, ses demandes d'opposition, et l'évaluation
de son accompagnement.

Les réponses d'évaluation sont enregistrées sans nom et sans lien avec le carnet : `Evaluation` ne garde que le
territoire, l'organisme référent, le public et le mois, et sa clé est un UUID aléatoire (l'ordre d'enregistrement ne
s'en déduit pas) ; `EtapeEvaluee` retient seulement, sans date, qu'une étape a reçu un avis (pour ne pas le
redemander)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcours.models.carnet import Carnet, Objectif, Personne
from parcours.models.diagnostic import Diagnostic
from partenaires.referentiels import choix_departements


class EspacePersonne(models.Model):
    """L'espace ouvert : la personne et son compte. Fermé (par le référent, ou à la fermeture du compte), le compte
    est désactivé et l'espace peut être rouvert par une nouvelle activation."""

    personne = models.OneToOneField(Personne, on_delete=models.PROTECT, related_name="espace")
    compte = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="espace_personne")
    ouvert_le = models.DateTimeField("ouvert le", default=timezone.now)
    ferme_le = models.DateTimeField("fermé le", null=True, blank=True)

    class Meta:
        verbose_name = "espace personnel"
        verbose_name_plural = "espaces personnels"

    def __str__(self):
        return f"Espace de {self.personne}"

    @property
    def est_ouvert(self) -> bool:
        return self.ferme_le is None


class ActivationEspaceQuerySet(models.QuerySet):
    def en_attente(self, maintenant=None):
        """Les invitations encore utilisables : ni utilisées, ni annulées, ni expirées (même règle que
        `ActivationEspace.est_utilisable`)."""
        maintenant = maintenant or timezone.now()
        return self.filter(utilisee_le__isnull=True, annulee_le__isnull=True, expire_le__gt=maintenant)


class ActivationEspace(models.Model):
    """Une invitation à activer l'espace : un lien envoyé par e-mail, ou un code remis en main propre (imprimé).
    Seule l'empreinte (SHA-256) du jeton est gardée ; valable une fois, jusqu'à `expire_le` (7 jours)."""

    class Canal(models.TextChoices):
        LIEN = "lien", "Lien envoyé par e-mail"
        CODE = "code", "Code remis en main propre"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    personne = models.ForeignKey(Personne, on_delete=models.PROTECT, related_name="activations")
    canal = models.CharField("canal", max_length=10, choices=Canal.choices)
    empreinte = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField("adresse e-mail", blank=True, help_text="Pour un lien : l'adresse qui le reçoit.")
    identifiant = models.CharField(
        "identifiant de connexion", max_length=40, blank=True, help_text="Pour un code : l'identifiant remis avec lui."
    )
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)
    expire_le = models.DateTimeField("valable jusqu'au")
    utilisee_le = models.DateTimeField("utilisée le", null=True, blank=True)
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)

    objects = ActivationEspaceQuerySet.as_manager()

    class Meta:
        verbose_name = "activation d'espace personnel"
        verbose_name_plural = "activations d'espaces personnels"
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(canal="lien") & ~Q(email="")) | (Q(canal="code") & ~Q(identifiant="")),
                name="activation_lien_avec_email_code_avec_identifiant",
                violation_error_message="Un lien part vers une adresse e-mail ; un code va avec un identifiant.",
            )
        ]

    def __str__(self):
        return f"{self.get_canal_display()} pour {self.personne}"

    def est_utilisable(self, maintenant=None) -> bool:
        maintenant = maintenant or timezone.now()
        return self.utilisee_le is None and self.annulee_le is None and maintenant < self.expire_le


class ExpressionPersonne(models.Model):
    """Ce que la personne dit de son parcours, depuis son espace : un souhait, un besoin, un commentaire sur un
    objectif, un avis sur son diagnostic (qu'elle confirme ou non). Le groupe de suivi le lit dans l'historique."""

    class Type(models.TextChoices):
        SOUHAIT = "souhait", "Souhait"
        BESOIN = "besoin", "Besoin"
        COMMENTAIRE_OBJECTIF = "commentaire_objectif", "Commentaire sur un objectif"
        AVIS_DIAGNOSTIC = "avis_diagnostic", "Avis sur le diagnostic"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="expressions")
    type = models.CharField("type", max_length=25, choices=Type.choices)
    texte = models.TextField("texte", blank=True)
    objectif = models.ForeignKey(Objectif, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirme = models.BooleanField("la personne confirme son diagnostic", null=True, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "parole de la personne"
        verbose_name_plural = "paroles des personnes"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type="commentaire_objectif") | Q(objectif__isnull=False),
                name="expression_commentaire_sur_un_objectif",
                violation_error_message="Un commentaire d'objectif porte sur un objectif.",
            ),
            models.CheckConstraint(
                condition=~Q(type="avis_diagnostic") | (Q(diagnostic__isnull=False) & Q(confirme__isnull=False)),
                name="expression_avis_sur_un_diagnostic",
                violation_error_message="Un avis sur le diagnostic dit s'il est confirmé, pour une version donnée.",
            ),
            models.CheckConstraint(
                condition=~Q(texte="") | Q(type="avis_diagnostic"),
                name="expression_avec_texte",
                violation_error_message="Écrivez votre message.",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} – {self.carnet}"


class ConsentementQuerySet(models.QuerySet):
    def en_cours(self):
        """Les accords donnés et pas encore retirés."""
        return self.filter(retire_le__isnull=True)

    def accorde(self, carnet, organisation) -> bool:
        """La personne a-t-elle en ce moment donné son accord à cette organisation ?"""
        return self.en_cours().filter(carnet=carnet, organisation=organisation).exists()


class Consentement(models.Model):
    """L'accord de la personne pour qu'une organisation hors du cadre légal de son accompagnement voie son carnet
    (en lecture). Le retirer retire le partage, sauf si l'organisation a entre-temps une raison légale de le voir."""

    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="consentements")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    donne_le = models.DateTimeField("donné le", default=timezone.now)
    donne_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    retire_le = models.DateTimeField("retiré le", null=True, blank=True)
    retire_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsentementQuerySet.as_manager()

    class Meta:
        verbose_name = "consentement au partage"
        verbose_name_plural = "consentements au partage"
        ordering = ["-donne_le", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carnet", "organisation"],
                condition=Q(retire_le__isnull=True),
                name="un_consentement_en_cours_par_organisation",
                violation_error_message="Vous avez déjà donné votre accord à cette organisation.",
            )
        ]

    def __str__(self):
        return f"Accord de partage avec {self.organisation} – {self.carnet}"


class DemandeOpposition(models.Model):
    """La personne s'oppose au traitement de ses données (RGPD, article 21) : une demande adressée à l'organisation
    de son référent, qui répond dans le délai légal (un mois, article 12.3)."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente de réponse"
        ACCEPTEE = "acceptee", "Acceptée"
        REFUSEE = "refusee", "Refusée (motif légitime impérieux ou obligation légale)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="oppositions")
    organisation = models.ForeignKey(
        "partenaires.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="L'organisation du référent au jour de la demande, qui y répond.",
    )
    motif = models.TextField("ce à quoi la personne s'oppose, et pourquoi")
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    demandee_le = models.DateTimeField("demandée le", default=timezone.now)
    echeance = models.DateField("réponse due au plus tard le")
    statut = models.CharField("statut", max_length=15, choices=Statut.choices, default=Statut.EN_ATTENTE)
    reponse = models.TextField("réponse", blank=True)
    repondu_le = models.DateTimeField("répondu le", null=True, blank=True)
    repondu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "demande d'opposition"
        verbose_name_plural = "demandes d'opposition"
        ordering = ["-demandee_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statut="en_attente") | (~Q(reponse="") & Q(repondu_le__isnull=False)),
                name="opposition_reponse_motivee",
                violation_error_message="Une réponse à une demande d'opposition est motivée.",
            )
        ]

    def __str__(self):
        return f"Demande d'opposition – {self.carnet}"


class TypeEtape(models.TextChoices):
    """Les étapes closes qu'une personne peut évaluer."""

    ORIENTATION_SERVICE = "orientation_service", "Orientation vers un service terminée"
    SORTIE = "sortie", "Sortie du parcours"


class EtapeEvaluee(models.Model):
    """Une étape close a reçu l'avis de la personne (ou elle a choisi de ne pas répondre) : on ne le redemande pas.
    Ne dit rien des réponses, qui sont dans `Evaluation`, sans lien avec le carnet. Pas de date : elle permettrait
    de rapprocher l'étape de l'avis du même jour (ou du même mois)."""

    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="etapes_evaluees")
    type_etape = models.CharField("étape", max_length=25, choices=TypeEtape.choices)
    objet_id = models.PositiveBigIntegerField("identifiant de l'étape")
    repondu = models.BooleanField("la personne a répondu", default=True)

    class Meta:
        verbose_name = "étape évaluée"
        verbose_name_plural = "étapes évaluées"
        constraints = [
            models.UniqueConstraint(
                fields=["carnet", "type_etape", "objet_id"],
                name="une_evaluation_par_etape",
                violation_error_message="Vous avez déjà donné votre avis sur cette étape.",
            )
        ]

    def __str__(self):
        return f"{self.get_type_etape_display()} n° {self.objet_id} – {self.carnet}"


class Evaluation(models.Model):
    """Les réponses d'une personne sur une étape close : trois questions et un commentaire libre. Aucun lien vers la
    personne ou son carnet ; le mois seulement (pas le jour, aucun horodatage). La clé est un UUID aléatoire : un
    identifiant séquentiel dirait l'ordre d'enregistrement, et l'apparierait à celui des `EtapeEvaluee`."""

    class Note(models.IntegerChoices):
        PAS_DU_TOUT = 1, "Pas du tout"
        PLUTOT_PAS = 2, "Plutôt pas"
        PLUTOT = 3, "Plutôt"
        TOUT_A_FAIT = 4, "Tout à fait"

    class Recommandation(models.TextChoices):
        OUI = "oui", "Oui"
        NON = "non", "Non"
        NE_SAIT_PAS = "ne_sait_pas", "Je ne sais pas"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type_etape = models.CharField("étape", max_length=25, choices=TypeEtape.choices)
    mois = models.DateField("mois (premier jour)")
    departement = models.CharField("département", max_length=3, choices=choix_departements)
    code_epci = models.CharField("EPCI (SIREN)", max_length=9, blank=True)
    organisation_referente = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    publics = models.JSONField("publics de la personne au jour de l'avis", default=list, blank=True)
    utilite = models.PositiveSmallIntegerField(
        "cette étape vous a-t-elle été utile ?",
        choices=Note.choices,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    ecoute = models.PositiveSmallIntegerField(
        "vous êtes-vous senti(e) écouté(e) ?",
        choices=Note.choices,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    recommanderait = models.CharField(
        "recommanderiez-vous cet accompagnement à un proche ?", max_length=12, choices=Recommandation.choices
    )
    commentaire = models.TextField("commentaire libre", blank=True)

    class Meta:
        verbose_name = "avis sur l'accompagnement"
        verbose_name_plural = "avis sur l'accompagnement"
        constraints = [
            models.CheckConstraint(
                condition=Q(utilite__gte=1, utilite__lte=4) & Q(ecoute__gte=1, ecoute__lte=4),
                name="evaluation_notes_de_1_a_4",
                violation_error_message="Les réponses vont de « pas du tout » à « tout à fait ».",
            )
        ]

    def __str__(self):
        return f"Avis – {self.get_type_etape_display()} ({self.mois:%m/%Y})"
