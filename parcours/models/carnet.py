import uuid
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from parcours import nir as nir_protege
from parcours.delais import ajouter_mois
from parcours.validators import valider_nir
from partenaires.permissions import PermissionObjetGroupeBase
from spie.traces import origine_en_cours


class Personne(models.Model):
    """Une personne accompagnée : identité, coordonnées et identifiants chez les partenaires."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nom = models.CharField("nom", max_length=150)
    prenom = models.CharField("prénom", max_length=150)
    date_naissance = models.DateField("date de naissance")
    lieu_naissance = models.CharField("lieu de naissance", max_length=150, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    adresse = models.CharField("adresse", max_length=250, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=150, blank=True)
    code_commune = models.CharField("code INSEE de la commune", max_length=5, blank=True)
    identifiant_departement = models.CharField("identifiant au Département", max_length=50, blank=True, db_index=True)
    numero_caf_msa = models.CharField("numéro d'allocataire CAF ou MSA", max_length=20, blank=True, db_index=True)
    identifiant_france_travail = models.CharField("identifiant France Travail", max_length=20, blank=True)
    # Le NIR n'est jamais gardé en clair : chiffré, et son empreinte pour rapprocher les identités (parcours/nir.py).
    # On le lit et on le pose par la propriété `nir` ; on le cherche par `nir_empreinte=nir.empreinte(valeur)`.
    nir_chiffre = models.TextField("NIR chiffré", blank=True, editable=False)
    nir_empreinte = models.CharField("empreinte du NIR", max_length=64, blank=True, db_index=True, editable=False)
    date_creation = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "personne accompagnée"
        verbose_name_plural = "personnes accompagnées"
        indexes = [models.Index(fields=["nom", "prenom", "date_naissance"], name="personne_identite")]

    def __str__(self):
        return f"{self.prenom} {self.nom}"

    @property
    def nir(self) -> str:
        """Le NIR en clair, pour le seul usage qui l'exige (il n'est affiché nulle part)."""
        if getattr(self, "_nir_clair", (None,))[0] != self.nir_chiffre:
            self._nir_clair = (self.nir_chiffre, nir_protege.dechiffrer(self.nir_chiffre))
        return self._nir_clair[1]

    @nir.setter
    def nir(self, valeur: str) -> None:
        self.nir_chiffre, self.nir_empreinte = nir_protege.proteger(valeur)
        self._nir_clair = (self.nir_chiffre, nir_protege.normaliser(valeur))

    def clean(self):
        super().clean()
        try:
            valider_nir(self.nir)
        except ValidationError as erreur:
            raise ValidationError({"nir": erreur.messages}) from None

    def age(self, aujourd_hui: date | None = None) -> int:
        jour = aujourd_hui or timezone.localdate()
        return (
            jour.year
            - self.date_naissance.year
            - ((jour.month, jour.day) < (self.date_naissance.month, self.date_naissance.day))
        )

    @property
    def est_jeune(self) -> bool:
        """Jeune de moins de 26 ans : déduit de la date de naissance, jamais saisi."""
        return self.age() < 26


class Statut(models.Model):
    """Un statut administratif de la personne, daté : on clôt l'ancien et on en ouvre un nouveau (historique gardé)."""

    class Type(models.TextChoices):
        DROIT_RSA = "droit_rsa", "Droit au RSA"
        INSCRIT_FRANCE_TRAVAIL = "inscrit_france_travail", "Inscrit à France Travail"
        DELD = "deld", "Demandeur d'emploi de longue durée"
        PARENT_ISOLE = "parent_isole", "Parent isolé"
        RQTH = "rqth", "RQTH (travailleur handicapé)"
        DROITS_ET_DEVOIRS = "droits_et_devoirs", "Soumis aux droits et devoirs"

    VALEURS_RSA = {
        "ouvert_versable": "Droit ouvert et versable",
        "ouvert_suspendu": "Droit ouvert et suspendu",
        "ouvert_versement_suspendu": "Droit ouvert, versement suspendu",
        "refuse": "Droit refusé",
        "clos": "Droit clos",
    }
    VALEURS_OUI_NON = {"oui": "Oui", "non": "Non"}
    SENSIBLES = {Type.RQTH}

    personne = models.ForeignKey(Personne, on_delete=models.PROTECT, related_name="statuts")
    type = models.CharField("statut", max_length=30, choices=Type.choices)
    valeur = models.CharField("valeur", max_length=40)
    date_debut = models.DateField("depuis le")
    date_fin = models.DateField("jusqu'au", null=True, blank=True)
    motif = models.CharField("motif (suspension, clôture…)", max_length=250, blank=True)
    saisi_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date_saisie = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "statut de la personne"
        verbose_name_plural = "statuts de la personne"
        ordering = ["type", "-date_debut", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["personne", "type"],
                condition=Q(date_fin__isnull=True),
                name="un_statut_courant_par_type",
                violation_error_message="Ce statut a déjà une valeur en cours.",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="statut_fin_apres_debut",
                violation_error_message="La date de fin d'un statut ne peut pas précéder sa date de début.",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} : {self.libelle_valeur}"

    @classmethod
    def valeurs_permises(cls, type_statut: str) -> dict[str, str]:
        return cls.VALEURS_RSA if type_statut == cls.Type.DROIT_RSA else cls.VALEURS_OUI_NON

    @property
    def libelle_valeur(self) -> str:
        return self.valeurs_permises(self.type).get(self.valeur, self.valeur)

    @property
    def est_sensible(self) -> bool:
        return self.type in self.SENSIBLES


class CarnetQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(statut=Carnet.Statut.ACTIF)


class Carnet(models.Model):
    """Le carnet de bord : un par personne, partagé par tous les partenaires qui l'accompagnent."""

    class Statut(models.TextChoices):
        ACTIF = "actif", "Accompagnement en cours"
        SUIVI_EMPLOI = "suivi_emploi", "Suivi dans l'emploi"
        CLOS = "clos", "Accompagnement terminé"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    personne = models.OneToOneField(Personne, on_delete=models.PROTECT, related_name="carnet")
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.ACTIF)
    date_creation = models.DateTimeField("ouvert le", default=timezone.now, editable=False)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation_creatrice = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="ouvert par"
    )

    objects = CarnetQuerySet.as_manager()

    class Meta:
        verbose_name = "carnet de bord"
        verbose_name_plural = "carnets de bord"
        permissions = [("voir_donnees_sensibles", "Voir les données de santé et la RQTH du carnet")]
        default_permissions = ("view", "change")

    def __str__(self):
        return f"Carnet de {self.personne}"


class CarnetPermissionGroupe(PermissionObjetGroupeBase):
    """Partage d'un carnet avec une organisation (son groupe)."""

    content_object = models.ForeignKey(Carnet, on_delete=models.CASCADE)

    class Meta(PermissionObjetGroupeBase.Meta):
        verbose_name = "partage de carnet"
        verbose_name_plural = "partages de carnets"


class IntervenantQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(date_fin__isnull=True)

    def referents(self):
        """Le référent actif (un seul par carnet, contrainte en base)."""
        return self.actifs().filter(role=Intervenant.Role.REFERENT)


class Intervenant(models.Model):
    """Un professionnel du groupe de suivi. On termine sa participation, on ne la supprime pas."""

    class Role(models.TextChoices):
        REFERENT = "referent", "Référent de parcours"
        ACCOMPAGNATEUR = "accompagnateur", "Accompagnateur"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="intervenants")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interventions")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.ACCOMPAGNATEUR)
    date_debut = models.DateField("depuis le", default=timezone.localdate)
    date_fin = models.DateField("jusqu'au", null=True, blank=True)
    motif_fin = models.CharField("motif de fin", max_length=250, blank=True)

    objects = IntervenantQuerySet.as_manager()

    class Meta:
        verbose_name = "intervenant"
        verbose_name_plural = "intervenants"
        ordering = ["-role", "date_debut"]
        indexes = [
            # Les référents des carnets visibles (filtre de « Mes carnets ») : parcours d'index seul (PostgreSQL).
            models.Index(
                fields=["carnet"],
                include=["utilisateur"],
                condition=Q(role="referent", date_fin__isnull=True),
                name="referent_actif_utilisateur",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["carnet"],
                condition=Q(role="referent", date_fin__isnull=True),
                name="un_seul_referent_actif_par_carnet",
                violation_error_message="Ce carnet a déjà un référent : changez plutôt de référent.",
            ),
            models.UniqueConstraint(
                fields=["carnet", "utilisateur"],
                condition=Q(date_fin__isnull=True),
                name="intervenant_actif_unique",
                violation_error_message="Cette personne fait déjà partie du groupe de suivi.",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="intervenant_fin_apres_debut",
                violation_error_message="La date de fin ne peut pas précéder la date de début.",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True, motif_fin="") | (Q(date_fin__isnull=False) & ~Q(motif_fin="")),
                name="intervenant_fin_avec_motif",
                violation_error_message="Une date de fin va toujours avec un motif de fin.",
            ),
        ]

    def __str__(self):
        return f"{self.utilisateur} ({self.organisation}, {self.get_role_display()})"

    @property
    def est_actif(self) -> bool:
        return self.date_fin is None


class RendezVous(models.Model):
    class Statut(models.TextChoices):
        PREVU = "prevu", "Prévu"
        HONORE = "honore", "Honoré"
        ABSENT = "absent", "Absent"
        EXCUSE = "excuse", "Excusé"
        ANNULE = "annule", "Annulé"

    class Reponse(models.TextChoices):
        CONFIRME = "confirme", "Présence confirmée"
        EMPECHE = "empeche", "Empêchement signalé"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="rendez_vous")
    date_heure = models.DateTimeField("date et heure")
    intervenant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="avec"
    )
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    a_distance = models.BooleanField("à distance (téléphone, visio)", default=False)
    lieu = models.CharField("lieu", max_length=250, blank=True)
    objet = models.CharField("objet", max_length=250)
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.PREVU)
    compte_rendu = models.TextField("suite donnée", blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Convocation : envoyée par courriel (et lettre imprimable), la personne répond par un lien signé.
    convocation_envoyee_le = models.DateTimeField("convocation envoyée le", null=True, blank=True)
    reponse = models.CharField("réponse de la personne", max_length=15, choices=Reponse.choices, blank=True)
    repondu_le = models.DateTimeField("répondu le", null=True, blank=True)
    relance_envoyee_le = models.DateTimeField("relance envoyée le", null=True, blank=True)
    rappel_envoye_le = models.DateTimeField("rappel envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["date_heure"]
        constraints = [
            models.CheckConstraint(
                condition=Q(a_distance=True) | ~Q(lieu=""),
                name="rendez_vous_lieu_ou_distance",
                violation_error_message="Indiquez le lieu du rendez-vous, ou qu'il a lieu à distance.",
            )
        ]

    def __str__(self):
        return f"Rendez-vous du {self.date_heure:%d/%m/%Y} – {self.objet}"


class NoteQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """Les notes qu'un lecteur du carnet peut lire : celles du groupe, de ses organisations, les siennes."""
        organisations = user.membres.filter(is_active=True).values("organisation")
        return self.filter(
            Q(visibilite=Note.Visibilite.GROUPE)
            | Q(visibilite=Note.Visibilite.ORGANISATION, organisation__in=organisations)
            | Q(visibilite=Note.Visibilite.MOI, auteur=user)
        )


class Note(models.Model):
    """Note d'entretien : un partenaire ne voit jamais une note qui ne lui est pas destinée."""

    class Visibilite(models.TextChoices):
        GROUPE = "groupe", "Tout le groupe de suivi"
        ORGANISATION = "organisation", "Mon organisation"
        MOI = "moi", "Moi seul·e"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="notes")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    texte = models.TextField("note")
    visibilite = models.CharField("visible par", max_length=15, choices=Visibilite.choices, default=Visibilite.GROUPE)
    date = models.DateTimeField(default=timezone.now)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = "note d'entretien"
        verbose_name_plural = "notes d'entretien"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"Note du {self.date:%d/%m/%Y} ({self.get_visibilite_display()})"


class Theme(models.Model):
    """Thème du référentiel ; `axe` est l'axe de travail du plan d'action auquel il se rattache."""

    code = models.CharField(max_length=60, primary_key=True)
    libelle = models.CharField("libellé", max_length=150)
    axe = models.CharField("axe de travail", max_length=60)

    class Meta:
        verbose_name = "thème"
        ordering = ["libelle"]

    def __str__(self):
        return self.libelle

    @property
    def est_un_axe(self) -> bool:
        return self.code == self.axe


class ElementReferentiel(models.Model):
    """Une ligne du référentiel, par son code stable ; retirée du fichier, elle devient inactive."""

    code = models.CharField(max_length=150, primary_key=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="%(class)ss")
    libelle = models.CharField("libellé", max_length=250)
    actif = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["theme", "libelle"]

    def __str__(self):
        return self.libelle


class ObjectifReferentiel(ElementReferentiel):
    class Meta(ElementReferentiel.Meta):
        verbose_name = "objectif du référentiel"


class ActionReferentiel(ElementReferentiel):
    class Meta(ElementReferentiel.Meta):
        verbose_name = "action du référentiel"


class ContratEngagementQuerySet(models.QuerySet):
    def signes_depuis(self, jour):
        """Les contrats signés le jour donné ou après (la signature est le début du contrat) : la règle du
        contrat d'engagement signé dans le mois de la notification, pour l'horloge du carnet comme pour le
        point de situation. `jour` peut être une date ou une expression (OuterRef)."""
        return self.filter(date_debut__gte=jour)


class ContratEngagement(models.Model):
    class Type(models.TextChoices):
        CONTRAT_ENGAGEMENT = "contrat_engagement", "Contrat d'engagement (loi plein emploi, 2025)"
        CER = "cer", "Contrat d'engagement réciproque (CER)"
        PPAE = "ppae", "Projet personnalisé d'accès à l'emploi (PPAE)"
        PACEA = "pacea", "Parcours contractualisé d'accompagnement vers l'emploi et l'autonomie (PACEA)"
        CEJ = "cej", "Contrat d'engagement jeune (CEJ)"

    class RaisonAmenagement(models.TextChoices):
        SANTE = "sante", "Santé"
        PARENT_ISOLE_SANS_GARDE = "parent_isole_sans_garde", "Parent isolé sans solution de garde"
        AUTRE = "autre", "Autre"

    HEURES_LEGALES = 15

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="contrats")
    type = models.CharField("type de contrat", max_length=30, choices=Type.choices, default=Type.CONTRAT_ENGAGEMENT)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    signataires = models.CharField(
        "signataires", max_length=250, help_text="La personne et les professionnels qui signent."
    )
    heures_hebdomadaires = models.PositiveSmallIntegerField("heures d'activité par semaine", default=HEURES_LEGALES)
    raison_amenagement = models.CharField(
        "raison de l'aménagement des heures", max_length=30, choices=RaisonAmenagement.choices, blank=True
    )
    motif_amenagement = models.CharField(
        "motif de l'aménagement des heures", max_length=250, blank=True, help_text="Obligatoire sous 15 heures."
    )
    accord_personne_le = models.DateField("accord de la personne le", null=True, blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ContratEngagementQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat d'engagement"
        verbose_name_plural = "contrats d'engagement"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="contrat_fin_apres_debut",
                violation_error_message="La fin du contrat ne peut pas précéder son début.",
            ),
            models.CheckConstraint(
                condition=Q(heures_hebdomadaires__gte=15) | ~Q(motif_amenagement=""),
                name="contrat_heures_amenagees_motivees",
                violation_error_message="Sous 15 heures d'activité par semaine, indiquez le motif de l'aménagement.",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} du {self.date_debut:%d/%m/%Y}"


class ElementDuPlan(models.Model):
    """Objectif ou action du plan : un élément du référentiel (par son code stable), ou une saisie libre
    signalée comme telle. Les sous-classes déclarent `referentiel`."""

    libelle_libre = models.CharField("saisie libre", max_length=250, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(referentiel__isnull=False) & Q(libelle_libre=""))
                | (Q(referentiel__isnull=True) & ~Q(libelle_libre="")),
                name="%(class)s_referentiel_ou_libre",
                violation_error_message="Choisissez dans le référentiel ou saisissez librement, pas les deux.",
            )
        ]

    def __str__(self):
        return self.libelle

    @property
    def libelle(self) -> str:
        return self.referentiel.libelle if self.referentiel_id else self.libelle_libre


class Objectif(ElementDuPlan):
    class Statut(models.TextChoices):
        NON_ABORDE = "non_aborde", "Non abordé"
        EN_COURS = "en_cours", "En cours"
        REALISE = "realise", "Réalisé"
        ABANDONNE = "abandonne", "Abandonné"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="objectifs")
    axe = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+", verbose_name="axe de travail")
    referentiel = models.ForeignKey(
        ObjectifReferentiel, on_delete=models.PROTECT, null=True, blank=True, verbose_name="objectif du référentiel"
    )
    statut = models.CharField("statut", max_length=15, choices=Statut.choices, default=Statut.EN_COURS)
    contrat = models.ForeignKey(
        ContratEngagement, on_delete=models.PROTECT, null=True, blank=True, related_name="objectifs"
    )
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date_creation = models.DateTimeField(default=timezone.now)

    class Meta(ElementDuPlan.Meta):
        verbose_name = "objectif"
        ordering = ["axe__libelle", "date_creation"]


class Action(ElementDuPlan):
    class Statut(models.TextChoices):
        EN_PROJET = "en_projet", "En projet"
        EN_COURS = "en_cours", "En cours"
        REALISEE = "realisee", "Réalisée"
        ABANDONNEE = "abandonnee", "Abandonnée"
        ANNULEE = "annulee", "Annulée"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    objectif = models.ForeignKey(Objectif, on_delete=models.PROTECT, related_name="actions")
    referentiel = models.ForeignKey(
        ActionReferentiel, on_delete=models.PROTECT, null=True, blank=True, verbose_name="action du référentiel"
    )
    date_debut = models.DateField("début")
    date_echeance = models.DateField("échéance", null=True, blank=True)
    statut = models.CharField("statut", max_length=15, choices=Statut.choices, default=Statut.EN_PROJET)
    porteur = models.ForeignKey(
        "partenaires.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="portée par",
    )
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ElementDuPlan.Meta):
        verbose_name = "action"
        ordering = ["date_debut", "id"]
        constraints = [
            *ElementDuPlan.Meta.constraints,
            models.CheckConstraint(
                condition=Q(date_echeance__isnull=True) | Q(date_echeance__gte=models.F("date_debut")),
                name="action_echeance_apres_debut",
                violation_error_message="L'échéance ne peut pas précéder le début de l'action.",
            ),
        ]


class EvenementCarnet(models.Model):
    """L'historique du carnet : daté, typé, attribué, en ajout seul (écrit par les services)."""

    class Type(models.TextChoices):
        CARNET_OUVERT = "carnet_ouvert", "Carnet ouvert"
        INTERVENANT_AJOUTE = "intervenant_ajoute", "Intervenant ajouté"
        INTERVENANT_TERMINE = "intervenant_termine", "Intervenant sorti du groupe"
        REFERENT_CHANGE = "referent_change", "Référent changé"
        PARTAGE_AJOUTE = "partage_ajoute", "Carnet partagé avec une organisation"
        PARTAGE_RETIRE = "partage_retire", "Partage retiré à une organisation"
        RENDEZ_VOUS_PREVU = "rendez_vous_prevu", "Rendez-vous prévu"
        RENDEZ_VOUS_MIS_A_JOUR = "rendez_vous_mis_a_jour", "Rendez-vous mis à jour"
        NOTE_AJOUTEE = "note_ajoutee", "Note d'entretien ajoutée"
        STATUT_CHANGE = "statut_change", "Statut mis à jour"
        OBJECTIF_AJOUTE = "objectif_ajoute", "Objectif ajouté"
        ACTION_AJOUTEE = "action_ajoutee", "Action ajoutée"
        ACTION_MODIFIEE = "action_modifiee", "Action mise à jour"
        CONTRAT_ENREGISTRE = "contrat_enregistre", "Contrat d'engagement enregistré"
        CONTRAT_ACCEPTE = "contrat_accepte", "Accord de la personne sur son contrat"
        ACCES_DEMANDE = "acces_demande", "Accès demandé par un professionnel"
        DIAGNOSTIC_COMMENCE = "diagnostic_commence", "Diagnostic commencé"
        DIAGNOSTIC_NOUVELLE_VERSION = "diagnostic_nouvelle_version", "Diagnostic mis à jour (nouvelle version)"
        DIAGNOSTIC_COMPLETE = "diagnostic_complete", "Diagnostic complété"
        DIAGNOSTIC_VALIDE = "diagnostic_valide", "Diagnostic validé"
        DIAGNOSTIC_PARTAGE = "diagnostic_partage", "Diagnostic partagé avec la personne"
        ORIENTATION_DEMANDEE = "orientation_demandee", "Orientation demandée"
        REORIENTATION_DEMANDEE = "reorientation_demandee", "Réorientation demandée"
        RETARD_ORIENTATION_EXPLIQUE = "retard_orientation_explique", "Cause d'un retard d'orientation"
        ORIENTATION_DECIDEE = "orientation_decidee", "Orientation décidée"
        ORIENTATION_MAINTENUE = "orientation_maintenue", "Orientation maintenue"
        ORIENTATION_NOTIFIEE = "orientation_notifiee", "Décision d'orientation notifiée"
        TRANSFERT_TERRITOIRE = "transfert_territoire", "Transfert vers un autre territoire"
        ACCES_TRANSFERT_RETIRE = "acces_transfert_retire", "Accès du territoire de départ retiré"
        CONVOCATION_ENVOYEE = "convocation_envoyee", "Convocation envoyée"
        CONVOCATION_REPONDUE = "convocation_repondue", "Réponse à une convocation"
        CONVOCATION_RELANCEE = "convocation_relancee", "Convocation relancée"
        RAPPEL_RENDEZ_VOUS = "rappel_rendez_vous", "Rappel de rendez-vous envoyé"
        REEXAMEN_SUGGERE = "reexamen_suggere", "Changement de situation à examiner"
        SORTIE = "sortie", "Sortie de parcours"
        POINT_SUIVI_EMPLOI = "point_suivi_emploi", "Point du suivi dans l'emploi"
        FIN_SUIVI_EMPLOI = "fin_suivi_emploi", "Fin du suivi dans l'emploi"
        REOUVERTURE = "reouverture", "Carnet rouvert"
        IMPORT = "import", "Créé ou mis à jour par un import"
        ORIENTATION_SERVICE_ENVOYEE = "orientation_service_envoyee", "Orientation vers un service envoyée"
        ORIENTATION_SERVICE_STATUT = "orientation_service_statut", "Orientation vers un service mise à jour"
        MANQUEMENT_CONSTATE = "manquement_constate", "Manquement constaté"
        MANQUEMENT_MOTIF_LEGITIME = "manquement_motif_legitime", "Manquement : motif légitime examiné"
        MANQUEMENT_AVIS_ENVOYE = "manquement_avis_envoye", "Avis de manquement envoyé à la personne"
        MANQUEMENT_OBSERVATIONS = "manquement_observations", "Observations de la personne sur un manquement"
        SANCTION_DECIDEE = "sanction_decidee", "Décision sur un manquement"
        SANCTION_LEVEE = "sanction_levee", "Sanction levée"
        EQUIPE_DOSSIER_INSCRIT = "equipe_dossier_inscrit", "Dossier présenté en équipe pluridisciplinaire"
        EQUIPE_AVIS = "equipe_avis", "Avis de l'équipe pluridisciplinaire"
        EQUIPE_DECISION = "equipe_decision", "Décision du président du Département"
        ETUDE_SITUATION_SOUMISE = "etude_situation_soumise", "Situation soumise à un comité technique"
        ETUDE_SITUATION_RECOMMANDATION = "etude_situation_recommandation", "Recommandation d'un comité technique"
        ETUDE_SITUATION_RETIREE = "etude_situation_retiree", "Situation retirée d'un comité technique"
        ESPACE_LIEN_ENVOYE = "espace_lien_envoye", "Lien d'activation de l'espace personnel envoyé"
        ESPACE_CODE_REMIS = "espace_code_remis", "Code d'activation de l'espace personnel remis"
        ESPACE_ACTIVE = "espace_active", "Espace personnel activé par la personne"
        ESPACE_FERME = "espace_ferme", "Espace personnel fermé"
        PERSONNE_EXPRESSION = "personne_expression", "La personne s'exprime sur son parcours"
        CONSENTEMENT_DONNE = "consentement_donne", "Accord de partage donné par la personne"
        CONSENTEMENT_RETIRE = "consentement_retire", "Accord de partage retiré par la personne"
        OPPOSITION_DEMANDEE = "opposition_demandee", "Demande d'opposition de la personne"
        OPPOSITION_REPONDUE = "opposition_repondue", "Réponse à une demande d'opposition"
        OPPOSITION_PARTAGE = "opposition_partage", "Opposition de la personne au partage du carnet"
        OPPOSITION_PARTAGE_LEVEE = "opposition_partage_levee", "Opposition au partage levée"
        GEL_LEGAL_POSE = "gel_legal_pose", "Gel légal posé (le carnet ne sera pas anonymisé)"
        GEL_LEGAL_LEVE = "gel_legal_leve", "Gel légal levé"

    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="evenements")
    type = models.CharField(max_length=40, choices=Type.choices)
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)
    date = models.DateTimeField(default=timezone.now, db_index=True)
    # La commande ou la tâche qui a écrit l'événement (vide : une requête de l'acteur) ; posée par spie.traces,
    # en lot compris.
    origine = models.CharField("origine (commande ou tâche)", max_length=100, blank=True, default=origine_en_cours)

    class Meta:
        verbose_name = "événement du carnet"
        verbose_name_plural = "historique des carnets"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_type_display()} – {self.carnet}"

    @property
    def resume(self) -> str:
        """Ce que l'événement concerne, en une ligne (jamais le contenu d'une donnée non visible).
        Les événements récents portent leur résumé tout écrit (`details["resume"]`), calculé par le service."""
        d = self.details
        if "resume" in d:
            return d["resume"]
        if self.type == self.Type.REFERENT_CHANGE:
            return f"{d.get('avant') or 'aucun'} → {d.get('apres', '')}"
        if self.type in (self.Type.PARTAGE_AJOUTE, self.Type.PARTAGE_RETIRE):
            return d.get("nom", "")
        if self.type == self.Type.INTERVENANT_AJOUTE:
            return f"{d.get('intervenant', '')} ({Intervenant.Role(d['role']).label.lower()})" if d.get("role") else ""
        if self.type == self.Type.INTERVENANT_TERMINE:
            return f"{d.get('intervenant', '')}, motif : {d.get('motif', '')}"
        if self.type in (self.Type.RENDEZ_VOUS_PREVU, self.Type.RENDEZ_VOUS_MIS_A_JOUR):
            return f"{d.get('date', '')} avec {d.get('avec', '')} – {d.get('objet', '')} ({d.get('statut', '')})"
        if self.type == self.Type.STATUT_CHANGE:
            return f"{d.get('statut', '')} : {d.get('valeur', '')}" if d.get("valeur") else d.get("statut", "")
        if self.type == self.Type.OBJECTIF_AJOUTE and d.get("suggere_par_diagnostic"):
            return f"{d.get('libelle', '')} (suggéré par le diagnostic)"
        if self.type in (self.Type.OBJECTIF_AJOUTE, self.Type.ACTION_AJOUTEE, self.Type.ACTION_MODIFIEE):
            return f"{d.get('libelle', '')}" + (f" ({d['statut']})" if d.get("statut") else "")
        if self.type == self.Type.ACCES_DEMANDE:
            return f"{d.get('demandeur', '')} – {d.get('motif', '')}"
        if self.type in (self.Type.CONTRAT_ENREGISTRE, self.Type.CONTRAT_ACCEPTE):
            return d.get("contrat", "")
        if self.type == self.Type.NOTE_AJOUTEE:
            return f"visible par : {d.get('visibilite', '')}"
        if self.type.startswith("diagnostic_"):
            return ", ".join(
                filter(None, [f"version {d.get('version', '')}", d.get("quoi", ""), d.get("parcours", "")])
            )
        return ""


class JournalEnAjoutSeul(Exception):
    """Une consultation journalisée ne se modifie pas et ne se supprime pas (hors purge de conservation)."""


def limite_conservation_consultations(maintenant: datetime | None = None) -> datetime:
    """L'instant avant lequel une consultation a dépassé sa durée de conservation (`SPIE_CONSULTATIONS_DUREE_MOIS`,
    12 mois). Compté en UTC, comme le déclencheur PostgreSQL (migration parcours 0013) : la purge ne demande jamais
    à la base une ligne qu'elle refuserait d'effacer."""
    maintenant = (maintenant or timezone.now()).astimezone(UTC)
    jour = ajouter_mois(maintenant.date(), -settings.SPIE_CONSULTATIONS_DUREE_MOIS)
    return maintenant.replace(year=jour.year, month=jour.month, day=jour.day)


class ConsultationCarnetQuerySet(models.QuerySet):
    """En ajout seul : ni `update()` ni `delete()`. Seule `purger_consultations` retire des lignes, et seulement
    celles qui ont dépassé la durée de conservation."""

    def update(self, **valeurs):
        raise JournalEnAjoutSeul(
            "Le journal des consultations est en ajout seul : une consultation enregistrée ne se modifie pas."
        )

    def delete(self):
        raise JournalEnAjoutSeul(
            "Le journal des consultations est en ajout seul : une consultation ne se supprime pas. Seule la purge "
            "des consultations trop anciennes (manage.py purger_consultations) en retire."
        )

    def purgeables(self, maintenant: datetime | None = None):
        """Les consultations qui ont dépassé la durée de conservation."""
        return self.filter(date__lt=limite_conservation_consultations(maintenant))


def purger_consultations(*, executer: bool = False, maintenant: datetime | None = None) -> list[tuple[date, int]]:
    """Les consultations de plus de `SPIE_CONSULTATIONS_DUREE_MOIS` mois, comptées par mois (premier jour du mois,
    heure de Paris) ; supprimées seulement avec `executer`. La seule suppression permise du journal."""
    purgeables = ConsultationCarnet.objects.purgeables(maintenant)
    par_mois = [
        (mois.date() if isinstance(mois, datetime) else mois, nombre)
        for mois, nombre in purgeables.annotate(mois=TruncMonth("date"))
        .values("mois")
        .annotate(nombre=Count("id"))
        .order_by("mois")
        .values_list("mois", "nombre")
    ]
    if executer and par_mois:
        with transaction.atomic():
            # Le QuerySet du modèle refuse delete() : la purge passe par celui de Django, sur la même sélection.
            models.QuerySet.delete(purgeables)
    return par_mois


class ConsultationCarnet(models.Model):
    """Journal des consultations (en ajout seul) : qui a ouvert quel carnet, pour quelle organisation, quel onglet.
    Sans compte (une structure qui lit le dossier d'une orientation par le lien signé de son courriel), `lecteur` dit
    qui a lu. L'application refuse d'en modifier ou d'en supprimer une ligne (sauf `purger_consultations`) ; sur
    PostgreSQL, un déclencheur refuse aussi tout UPDATE et tout DELETE d'une ligne de moins de 12 mois."""

    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="consultations")
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lecteur = models.CharField("lecteur sans compte", max_length=250, blank=True)
    organisation = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    onglet = models.CharField(max_length=30)
    # Les sections sensibles que la page a montrées au lecteur, codes séparés par des virgules (« rqth,sante ») ;
    # vide si la page n'en montrait aucune ou les masquait. Rempli par le même appel que la consultation.
    sections_sensibles = models.CharField("sections sensibles montrées", max_length=100, blank=True, default="")
    date = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ConsultationCarnetQuerySet.as_manager()

    class Meta:
        verbose_name = "consultation de carnet"
        verbose_name_plural = "consultations de carnets"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(utilisateur__isnull=False) | ~Q(lecteur=""),
                name="consultation_par_un_utilisateur_ou_un_lecteur_nomme",
                violation_error_message="Une consultation dit qui a lu : un utilisateur, ou un lecteur sans compte.",
            )
        ]

    def __str__(self):
        return f"{self.utilisateur or self.lecteur} a consulté {self.carnet} ({self.onglet})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalEnAjoutSeul(
                "Le journal des consultations est en ajout seul : une consultation enregistrée ne se modifie pas."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalEnAjoutSeul(
            "Le journal des consultations est en ajout seul : une consultation ne se supprime pas. Seule la purge "
            "des consultations trop anciennes (manage.py purger_consultations) en retire."
        )

    @property
    def liste_sections_sensibles(self) -> list[str]:
        return [code for code in self.sections_sensibles.split(",") if code]
