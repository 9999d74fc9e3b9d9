"""L'offre du territoire : structures, services (sur-ensemble de data·inclusion v1), sessions datées,
signalements. Les listes de valeurs sont celles de data·inclusion (offre/referentiels) ; les thématiques, publics
et zones d'un service sont aussi indexés dans `CritereService` pour la recherche (SQLite comme PostgreSQL)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from offre import fraicheur
from partenaires.permissions import PermissionObjetGroupeBase

MODIFIER_STRUCTURE = "offre.change_structure"

# Les longueurs et formes imposées par le schéma data·inclusion v1 : ce qui est saisi ici s'exporte sans erreur.
NOM_DE_TROIS_CARACTERES = MinLengthValidator(3, "Le nom compte au moins 3 caractères.")
SANS_POINT_FINAL = RegexValidator(r"(?<!\.)\Z|etc\.\Z", "Le nom ne se termine pas par un point (règle data·inclusion).")
DESCRIPTION_DE_CINQ_CARACTERES = MinLengthValidator(5, "La description compte au moins 5 caractères.")
LATITUDE = [
    MinValueValidator(-90, "Une latitude est comprise entre -90 et 90 (latitude et longitude inversées ?)."),
    MaxValueValidator(90, "Une latitude est comprise entre -90 et 90 (latitude et longitude inversées ?)."),
]
LONGITUDE = [
    MinValueValidator(-180, "Une longitude est comprise entre -180 et 180."),
    MaxValueValidator(180, "Une longitude est comprise entre -180 et 180."),
]


class Structure(models.Model):
    """Une structure qui porte des services : une organisation partenaire (qui la modifie par ses membres) ou une
    structure hors de la plateforme (association, entreprise) tenue par le pilote du territoire."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField("source", max_length=100, default="spie", help_text="Producteur de la donnée.")
    identifiant = models.CharField("identifiant chez la source", max_length=200)
    nom = models.CharField("nom", max_length=150, validators=[NOM_DE_TROIS_CARACTERES, SANS_POINT_FINAL])
    siret = models.CharField("SIRET", max_length=14, blank=True)
    description = models.TextField("description", blank=True, validators=[DESCRIPTION_DE_CINQ_CARACTERES])
    reseaux_porteurs = models.JSONField("réseaux porteurs", default=list, blank=True)
    adresse = models.CharField("adresse", max_length=250, blank=True)
    complement_adresse = models.CharField("complément d'adresse", max_length=250, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=150, blank=True)
    code_insee = models.CharField("code INSEE de la commune", max_length=5, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True, validators=LATITUDE)
    longitude = models.FloatField("longitude", null=True, blank=True, validators=LONGITUDE)
    departement = models.CharField("département", max_length=3, blank=True, db_index=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    courriel = models.EmailField("courriel", blank=True)
    site_web = models.URLField("site web", max_length=2083, blank=True)
    horaires_accueil = models.CharField("horaires d'accueil (format OpenStreetMap)", max_length=250, blank=True)
    accessibilite_lieu = models.URLField("accessibilité (lien Acceslibre)", max_length=2083, blank=True)
    lien_source = models.URLField("lien chez la source", max_length=2083, blank=True)
    organisation = models.ForeignKey(
        "partenaires.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="structures",
        verbose_name="organisation partenaire",
    )
    date_maj = models.DateField("dernière mise à jour", default=timezone.localdate)
    cree_le = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "structure"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "identifiant"],
                name="structure_unique_par_source",
                violation_error_message="Une structure de cette source porte déjà cet identifiant.",
            )
        ]

    def __str__(self):
        return self.nom


class StructurePermissionGroupe(PermissionObjetGroupeBase):
    content_object = models.ForeignKey(Structure, on_delete=models.CASCADE)

    class Meta(PermissionObjetGroupeBase.Meta):
        verbose_name = "permission de groupe sur une structure"
        verbose_name_plural = "permissions de groupe sur les structures"


class ServiceQuerySet(models.QuerySet):
    def publies(self):
        return self.filter(statut=Service.Statut.PUBLIE)

    def a_actualiser(self, jour=None):
        """Passés leur fréquence d'actualisation : montrés « à actualiser »."""
        return self.filter(a_actualiser_le__lt=jour or timezone.localdate())

    def dans_les_resultats(self, jour=None):
        """Ce que montre une recherche par défaut : publiés, et pas plus en retard que le délai de grâce."""
        limite = (jour or timezone.localdate()) - fraicheur.DELAI_DE_GRACE
        return self.publies().filter(Q(a_actualiser_le__isnull=True) | Q(a_actualiser_le__gte=limite))


class Service(models.Model):
    """Un service, champ pour champ data·inclusion v1, plus ce que le territoire suit : capacité, sessions,
    fréquence d'actualisation, modération."""

    class Statut(models.TextChoices):
        PUBLIE = "publie", "Publié"
        SUSPENDU = "suspendu", "Suspendu"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="services")
    source = models.CharField("source", max_length=100, default="spie")
    identifiant = models.CharField("identifiant chez la source", max_length=200)
    nom = models.CharField("nom", max_length=150, validators=[NOM_DE_TROIS_CARACTERES])
    description = models.TextField("description", validators=[DESCRIPTION_DE_CINQ_CARACTERES])
    type = models.CharField("type de service", max_length=30, blank=True)
    thematiques = models.JSONField("thématiques", default=list, blank=True)
    publics = models.JSONField("publics", default=list, blank=True)
    publics_precisions = models.TextField("précisions sur les publics", blank=True)
    frais = models.CharField("frais", max_length=10, blank=True)
    frais_precisions = models.TextField("précisions sur les frais", blank=True)
    en_presentiel = models.BooleanField("accueil en présentiel", default=True)
    a_distance = models.BooleanField("accueil à distance", default=False)
    adresse = models.CharField("adresse", max_length=250, blank=True)
    complement_adresse = models.CharField("complément d'adresse", max_length=250, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=150, blank=True)
    code_insee = models.CharField("code INSEE de la commune", max_length=5, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True, validators=LATITUDE)
    longitude = models.FloatField("longitude", null=True, blank=True, validators=LONGITUDE)
    departement = models.CharField("département", max_length=3, blank=True, db_index=True)
    zone_eligibilite = models.JSONField(
        "zone d'éligibilité",
        default=list,
        blank=True,
        help_text="Codes officiels : commune (INSEE), EPCI (SIREN), département ou « france » (une région s'écrit par "
        "ses départements). Vide : sans restriction.",
    )
    modes_mobilisation = models.JSONField("modes de mobilisation", default=list, blank=True)
    mobilisable_par = models.JSONField("mobilisable par", default=list, blank=True)
    mobilisation_precisions = models.TextField("précisions sur la mobilisation", blank=True)
    lien_mobilisation = models.URLField("lien de mobilisation", max_length=2083, blank=True)
    conditions_acces = models.TextField("conditions d'accès", blank=True)
    justificatifs = models.TextField("documents à fournir", blank=True)
    contact_nom_prenom = models.CharField("contact (nom et prénom)", max_length=150, blank=True)
    courriel = models.EmailField("courriel", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    horaires_accueil = models.CharField("horaires d'accueil (format OpenStreetMap)", max_length=250, blank=True)
    volume_horaire_hebdomadaire = models.DecimalField(
        "heures par semaine", max_digits=4, decimal_places=1, null=True, blank=True
    )
    nombre_semaines = models.PositiveSmallIntegerField("nombre de semaines", null=True, blank=True)
    capacite = models.PositiveIntegerField("capacité (places)", null=True, blank=True)
    lien_source = models.URLField("lien chez la source", max_length=2083, blank=True)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.PUBLIE)
    motif_suspension = models.CharField("motif de la suspension", max_length=250, blank=True)
    frequence_actualisation = models.CharField(
        "fréquence d'actualisation",
        max_length=20,
        choices=fraicheur.Frequence.choices,
        default=fraicheur.Frequence.SIX_MOIS,
    )
    date_maj = models.DateField("dernière mise à jour", default=timezone.localdate)
    a_actualiser_le = models.DateField("à actualiser le", null=True, blank=True, db_index=True, editable=False)
    texte_recherche = models.TextField(blank=True, editable=False)
    cree_le = models.DateTimeField(default=timezone.now, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service"
        ordering = ["nom"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="service_coordonnees"),
            # Les services à distance, listés à part par chaque recherche (mesuré : docs/BENCHMARKS.md).
            models.Index(fields=["id"], condition=Q(a_distance=True), name="service_a_distance"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "identifiant"],
                name="service_unique_par_source",
                violation_error_message="Un service de cette source porte déjà cet identifiant.",
            ),
            models.CheckConstraint(
                condition=Q(a_distance=True) | (Q(en_presentiel=True) & ~Q(adresse="")),
                name="service_adresse_ou_a_distance",
                violation_error_message="Un service est à distance, ou en présentiel avec une adresse.",
            ),
        ]

    def __str__(self):
        return self.nom

    def save(self, *args, **kwargs):
        self.a_actualiser_le = fraicheur.a_actualiser_le(self.date_maj, self.frequence_actualisation)
        if kwargs.get("update_fields") is not None and "date_maj" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "a_actualiser_le"}
        super().save(*args, **kwargs)

    @property
    def est_a_actualiser(self) -> bool:
        return self.a_actualiser_le is not None and self.a_actualiser_le < timezone.localdate()

    @property
    def est_suspendu(self) -> bool:
        return self.statut == self.Statut.SUSPENDU


class CritereService(models.Model):
    """L'index de recherche d'un service : une ligne par thématique, public et code de zone d'éligibilité (réécrit
    par `offre.services` à chaque enregistrement du service)."""

    class Nature(models.TextChoices):
        THEMATIQUE = "thematique", "Thématique"
        CATEGORIE = "categorie", "Catégorie de thématiques"
        PUBLIC = "public", "Public"
        ZONE = "zone", "Zone d'éligibilité"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="criteres")
    nature = models.CharField(max_length=12, choices=Nature.choices)
    code = models.CharField(max_length=150)

    class Meta:
        verbose_name = "critère de recherche d'un service"
        indexes = [models.Index(fields=["nature", "code"], name="critere_nature_code")]
        constraints = [models.UniqueConstraint(fields=["service", "nature", "code"], name="critere_unique")]

    def __str__(self):
        return f"{self.get_nature_display()} {self.code}"


class SessionServiceQuerySet(models.QuerySet):
    def a_venir(self):
        """Les sessions maintenues qui n'ont pas commencé, de la plus proche à la plus lointaine."""
        return self.filter(annulee=False, debut__gte=timezone.now()).order_by("debut", "pk")


class SessionService(models.Model):
    """Une date d'un service (job dating, atelier CV, information collective), avec ses places."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="sessions")
    intitule = models.CharField("intitulé", max_length=150)
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin", null=True, blank=True)
    lieu = models.CharField("lieu", max_length=250, blank=True)
    places = models.PositiveIntegerField("places")
    places_prises = models.PositiveIntegerField("places prises", default=0, editable=False)
    annulee = models.BooleanField("annulée", default=False)

    objects = SessionServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "session"
        ordering = ["debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places_prises__lte=models.F("places")),
                name="session_pas_plus_de_places_prises_que_de_places",
                violation_error_message="La session est complète.",
            ),
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=models.F("debut")),
                name="session_fin_apres_debut",
                violation_error_message="La fin de la session ne peut pas précéder son début.",
            ),
        ]

    def __str__(self):
        return f"{self.intitule} du {timezone.localtime(self.debut):%d/%m/%Y à %H:%M}"

    @property
    def places_restantes(self) -> int:
        return max(self.places - self.places_prises, 0)

    @property
    def est_complete(self) -> bool:
        return self.places_restantes == 0


class SignalementService(models.Model):
    """Une erreur signalée sur un service par un professionnel connecté ; l'éditeur ou le pilote la traite."""

    class Motif(models.TextChoices):
        ADMINISTRATIF = "administratif", "Critères d'éligibilité, public ou documents requis incorrects"
        PRATIQUE = "pratique", "Informations pratiques obsolètes (accueil, horaires, contacts, adresse)"
        ZONE = "zone", "Zone d'intervention inexacte"
        HORS_CHAMP = "hors_champ", "Le service ne relève pas de l'insertion"
        SUSPENDU = "suspendu", "Dispositif terminé ou suspendu"
        DELAI = "delai", "Délai de traitement ou d'attente dépassé"
        AUTRE = "autre", "Autre motif"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="signalements")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    motif = models.CharField("motif", max_length=20, choices=Motif.choices)
    commentaire = models.TextField("commentaire")
    date = models.DateTimeField(default=timezone.now)
    traite_le = models.DateTimeField("traité le", null=True, blank=True)
    traite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "signalement d'un service"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.get_motif_display()} – {self.service}"
