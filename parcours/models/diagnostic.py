"""Le diagnostic socio-professionnel partagé : une même méthode pour tous les partenaires, versionné.

Les référentiels (domaines, situations, appellations ROME) sont des tables clés par code stable ; un
diagnostic n'enregistre que des codes, jamais des libellés.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcours.models.carnet import Carnet, ObjectifReferentiel, Theme
from spie.texte import normaliser_recherche


class Source(models.TextChoices):
    CARNET_DE_BORD = "carnet_de_bord", "Référentiel national (Carnet de bord)"
    SPIE = "spie", "Ajout de la plateforme SPIE"
    ROME = "rome", "ROME (France Travail)"
    LOCALE = "locale", "Ajout local (administration)"


class EntreeReferentiel(models.Model):
    """Ce qu'ont en commun les entrées des référentiels du diagnostic : un code stable, un libellé qu'on peut
    corriger sans toucher aux diagnostics, une désactivation au lieu d'une suppression."""

    code = models.CharField("code", max_length=150, primary_key=True)
    libelle = models.CharField("libellé", max_length=250)
    actif = models.BooleanField("actif", default=True)
    source = models.CharField("source", max_length=20, choices=Source.choices, default=Source.LOCALE)
    modifie_localement = models.BooleanField(
        "modifié localement",
        default=False,
        help_text="Modifiée dans l'administration : le rechargement du fichier national ne touche plus cette entrée.",
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.libelle


class Domaine(EntreeReferentiel):
    """Un domaine du diagnostic (freins et ressources) : logement, mobilité, santé…"""

    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    axe = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="axe du plan d'action",
    )
    sensible = models.BooleanField(
        "sensible", default=False, help_text="Santé, handicap : réservé aux intervenants du carnet."
    )
    obligatoire = models.BooleanField("à apprécier avant validation", default=True)
    code_france_travail = models.CharField(
        "code de contrainte France Travail",
        max_length=4,
        blank=True,
        help_text="23 à 29 (« Résoudre ses contraintes »).",
    )

    class Meta:
        verbose_name = "domaine du diagnostic"
        verbose_name_plural = "domaines du diagnostic"
        ordering = ["ordre", "code"]


class Situation(EntreeReferentiel):
    """Une situation observée dans un domaine ; un frein peut suggérer des objectifs du plan d'action."""

    class Nature(models.TextChoices):
        FREIN = "frein", "Frein"
        RESSOURCE = "ressource", "Ressource"
        NEUTRE = "neutre", "Constat"

    domaine = models.ForeignKey(Domaine, on_delete=models.PROTECT, related_name="situations")
    nature = models.CharField("nature", max_length=10, choices=Nature.choices, default=Nature.NEUTRE)
    sensible = models.BooleanField(
        "sensible",
        default=False,
        help_text="Une situation de santé ou de handicap dans un autre domaine : réservée aux intervenants.",
    )
    objectifs_suggeres = models.ManyToManyField(
        ObjectifReferentiel, blank=True, related_name="situations", verbose_name="objectifs suggérés"
    )

    class Meta:
        verbose_name = "situation du diagnostic"
        verbose_name_plural = "situations du diagnostic"
        ordering = ["domaine__ordre", "libelle"]


class AppellationRome(EntreeReferentiel):
    """Une appellation métier du ROME (France Travail), avec son code ROME."""

    rome = models.CharField("code ROME", max_length=5, db_index=True)
    recherche = models.CharField("forme cherchable", max_length=250, editable=False)

    class Meta:
        verbose_name = "appellation ROME"
        verbose_name_plural = "appellations ROME"
        ordering = ["libelle"]

    def __str__(self):
        return f"{self.libelle} ({self.rome})"

    def save(self, *args, **kwargs):
        self.recherche = normaliser_recherche(f"{self.libelle} {self.rome}")
        super().save(*args, **kwargs)


class DiagnosticQuerySet(models.QuerySet):
    def valides(self):
        return self.filter(statut=Diagnostic.Statut.VALIDE)

    def en_cours(self):
        return self.filter(statut=Diagnostic.Statut.EN_COURS)


class Diagnostic(models.Model):
    """Une version du diagnostic d'une personne. Validée, elle n'est plus jamais modifiée : la mise à jour
    crée la version suivante, qui part du contenu de la précédente."""

    class Statut(models.TextChoices):
        EN_COURS = "en_cours", "En cours"
        VALIDE = "valide", "Validé"

    class Parcours(models.TextChoices):
        EMPLOI = "emploi", "Emploi (parcours professionnel)"
        SOCIO_PROFESSIONNEL = "socio_professionnel", "Socio-professionnel"
        SOCIAL = "social", "Social (remobilisation)"

    class SituationTravail(models.TextChoices):
        # Codes et libellés du Carnet de bord (workSituationKeys) ; « en emploi » porte le type de contrat.
        RECHERCHE_EMPLOI = "recherche_emploi", "En recherche d'emploi"
        RECHERCHE_FORMATION = "recherche_formation", "En recherche de formation"
        RECHERCHE_ALTERNANCE = "recherche_alternance", "En recherche d'alternance"
        RECHERCHE_STAGE = "recherche_stage", "En recherche de stage"
        EMPLOI = "emploi", "En emploi"
        INTERIM = "interim", "En intérim"
        IAE = "iae", "En insertion par l'activité économique (IAE)"
        ALTERNANCE = "alternance", "En alternance"
        STAGE = "stage", "En stage"
        FORMATION = "formation", "En formation"
        SERVICE_CIVIQUE = "service_civique", "En service civique"
        CONSTRUCTION_PROJET = "construction_projet", "En construction de projet"
        PROJET_ENTREPRENEURIAL = "projet_entrepreneurial", "En projet entrepreneurial"
        ENTREPRENEUR = "entrepreneur", "Entrepreneur"
        EXPLOITANT_AGRICOLE = "exploitant_agricole", "Exploitant(e) agricole"
        INTERMITTENT = "intermittent", "Intermittent du spectacle"
        ETUDIANT = "etudiant", "Étudiant"
        SCOLARISE = "scolarise", "Scolarisé"
        AIDANT_FAMILIAL = "aidant_familial", "Aidant(e) familial(e)"
        CONGE_PARENTAL = "conge_parental", "Congé parental"
        AU_FOYER = "au_foyer", "Au foyer"
        MALADIE = "maladie", "Longue maladie"
        INVALIDITE = "invalidite", "En invalidité de travail"
        RETRAITE = "enretraite", "En retraite / pré-retraite"
        AUTRE = "autre", "Autre"

    # Une activité professionnelle en cours (critère national : activité actuelle ou dans les deux ans).
    SITUATIONS_EN_ACTIVITE = {
        "emploi", "interim", "iae", "alternance", "entrepreneur", "exploitant_agricole", "intermittent",
    }  # fmt: skip

    class NiveauFormation(models.TextChoices):
        # Codes de niveau de formation de France Travail.
        AFS = "AFS", "Aucune formation scolaire"
        CP4 = "CP4", "Primaire à 4e"
        CFG = "CFG", "4e achevée"
        C3A = "C3A", "BEPC ou 3e achevée"
        C12 = "C12", "2nde ou 1re achevée"
        NV5 = "NV5", "CAP, BEP ou équivalent"
        NV4 = "NV4", "Bac ou équivalent"
        NV3 = "NV3", "Bac+2 ou équivalent"
        NV2 = "NV2", "Bac+3, Bac+4 ou équivalent"
        NV1 = "NV1", "Bac+5 et plus ou équivalent"

    NIVEAUX_QUALIFIES = {"NV5", "NV4", "NV3", "NV2", "NV1"}
    # Des situations qui disent la santé : réservées aux intervenants, comme les domaines sensibles.
    SITUATIONS_SENSIBLES = {"maladie", "invalidite"}

    class TypeContrat(models.TextChoices):
        # Codes du Carnet de bord (contract_type).
        CDI = "cdi", "CDI"
        CDD = "cdd", "CDD"
        INTERIM = "interim", "Intérim"
        SAISONNIER = "saisonnier", "Saisonnier"
        LIBERAL = "liberal", "Libéral"
        PROFESSIONNALISATION = "contrat_professionnalisation", "Contrat de professionnalisation"
        APPRENTISSAGE = "apprentissage", "Apprentissage"
        PORTAGE = "portage_salarial", "Portage salarial"
        INSERTION = "insertion", "Contrat d'insertion (IAE)"

    PERMIS = {
        "AM": "AM (cyclomoteur)",
        "A": "A (moto)",
        "B": "B (voiture)",
        "BE": "BE (voiture et remorque)",
        "C": "C (poids lourd)",
        "CE": "CE (poids lourd et remorque)",
        "D": "D (transport en commun)",
        "etranger": "Permis étranger (hors EEE)",
    }
    MAX_PROJETS = 5
    CHAMPS_SITUATION = [
        "situation_actuelle", "type_contrat", "situation_depuis", "date_fin_dernier_emploi", "niveau_formation",
        "experience", "competences", "langues", "permis", "projet_non_defini",
    ]  # fmt: skip

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="diagnostics")
    version = models.PositiveSmallIntegerField("version")
    precedent = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suivant",
        verbose_name="version précédente",
    )
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.EN_COURS)
    organisation = models.ForeignKey("partenaires.Organisation", on_delete=models.PROTECT, related_name="+")
    professionnel = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="mené par"
    )
    second_professionnel = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="avec",
        help_text="Le diagnostic conjoint : un second professionnel du groupe de suivi (social ou emploi).",
    )
    date_creation = models.DateTimeField("commencé le", default=timezone.now)
    date_validation = models.DateTimeField("validé le", null=True, blank=True)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partage_personne_le = models.DateTimeField("partagé avec la personne le", null=True, blank=True)
    revision = models.PositiveIntegerField(
        "révision",
        default=0,
        help_text="Augmente à chaque enregistrement : deux saisies simultanées ne s'écrasent pas.",
    )

    # 1. Situation professionnelle
    situation_actuelle = models.CharField(
        "situation actuelle", max_length=30, choices=SituationTravail.choices, blank=True
    )
    type_contrat = models.CharField(
        "type de contrat", max_length=30, choices=TypeContrat.choices, blank=True, help_text="Si la personne travaille."
    )
    situation_depuis = models.DateField("dans cette situation depuis le", null=True, blank=True)
    date_fin_dernier_emploi = models.DateField("fin du dernier emploi", null=True, blank=True)
    niveau_formation = models.CharField(
        "niveau de formation", max_length=3, choices=NiveauFormation.choices, blank=True
    )
    experience = models.TextField("expériences professionnelles", blank=True)
    competences = models.TextField("compétences", blank=True)
    langues = models.CharField("langues parlées", max_length=250, blank=True)
    permis = models.JSONField("permis de conduire", default=list, blank=True)
    projet_non_defini = models.BooleanField("projet professionnel non défini", default=False)

    # Orientation suggérée par le barème national, confirmée ou écartée par le professionnel
    parcours_suggere = models.CharField("parcours suggéré", max_length=20, choices=Parcours.choices, blank=True)
    parcours_retenu = models.CharField("parcours retenu", max_length=20, choices=Parcours.choices, blank=True)
    motif_parcours = models.TextField("motif du choix d'un autre parcours", blank=True)

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic socio-professionnel"
        verbose_name_plural = "diagnostics socio-professionnels"
        ordering = ["carnet", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["carnet", "version"],
                name="diagnostic_version_unique",
                violation_error_message="Cette version du diagnostic existe déjà.",
            ),
            models.UniqueConstraint(
                fields=["carnet"],
                condition=Q(statut="en_cours"),
                name="un_diagnostic_en_cours_par_carnet",
                violation_error_message="Un diagnostic est déjà en cours pour ce carnet : complétez-le.",
            ),
            models.CheckConstraint(
                condition=Q(statut="en_cours") | Q(date_validation__isnull=False, valide_par__isnull=False),
                name="diagnostic_valide_date_et_auteur",
                violation_error_message="Un diagnostic validé porte sa date et son auteur de validation.",
            ),
            models.CheckConstraint(
                condition=Q(parcours_retenu="")
                | Q(parcours_retenu=models.F("parcours_suggere"))
                | ~Q(motif_parcours=""),
                name="diagnostic_ecart_au_bareme_motive",
                violation_error_message="Un parcours autre que celui suggéré demande un motif écrit.",
            ),
        ]

    def __str__(self):
        return f"Diagnostic v{self.version} de {self.carnet.personne}"

    @property
    def est_valide(self) -> bool:
        return self.statut == self.Statut.VALIDE

    @property
    def a_reexaminer(self) -> bool:
        """Une version validée plus ancienne que la durée de validité (6 mois par défaut) est à réexaminer."""
        if not self.est_valide:
            return False
        age = timezone.now() - self.date_validation
        return age.days > settings.SPIE_DIAGNOSTIC_VALIDITE_JOURS

    @property
    def validite_mois(self) -> int:
        return round(settings.SPIE_DIAGNOSTIC_VALIDITE_JOURS / 30.4)

    @property
    def situation_sensible(self) -> bool:
        return self.situation_actuelle in self.SITUATIONS_SENSIBLES

    @property
    def libelles_permis(self) -> list[str]:
        return [self.PERMIS.get(code, code) for code in self.permis]


class ProjetProfessionnel(models.Model):
    """Un projet professionnel (cinq au plus) : un métier du ROME et les conditions souhaitées."""

    class Temps(models.TextChoices):
        PLEIN = "temps_plein", "Temps plein"
        PARTIEL = "temps_partiel", "Temps partiel"
        INDIFFERENT = "indifferent", "Indifférent"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="projets")
    appellation = models.ForeignKey(AppellationRome, on_delete=models.PROTECT, related_name="+", verbose_name="métier")
    type_contrat = models.CharField(
        "contrat souhaité", max_length=30, choices=Diagnostic.TypeContrat.choices, blank=True
    )
    temps = models.CharField("temps de travail", max_length=15, choices=Temps.choices, default=Temps.INDIFFERENT)
    rayon_mobilite_km = models.PositiveSmallIntegerField("rayon de mobilité (km)", null=True, blank=True)
    salaire_horaire_minimum = models.DecimalField(
        "salaire horaire brut minimum (€)", max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "projet professionnel"
        verbose_name_plural = "projets professionnels"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "appellation"],
                name="projet_metier_unique",
                violation_error_message="Ce métier figure déjà parmi les projets.",
            )
        ]

    def __str__(self):
        return str(self.appellation)


class EvaluationDomaine(models.Model):
    """L'appréciation d'un domaine : situations observées, besoin, impact sur la recherche d'emploi, paroles
    de la personne."""

    class Appreciation(models.TextChoices):
        # Valeurs du diagnostic de France Travail (voir parcours.diagnostic.france_travail).
        POINT_FORT = "point_fort", "Point fort"
        BESOIN = "besoin", "Besoin"
        NON_ABORDE = "non_aborde", "Non abordé"
        CLOTURE = "cloture", "Clôturé"

    class Impact(models.TextChoices):
        # Critères nationaux d'orientation (arrêté du 21 novembre 2024).
        FORT = "fort", "Fort"
        MOYEN = "moyen", "Moyen"
        SANS_IMPACT = "sans_impact", "Sans impact"

    class Priorite(models.TextChoices):
        HAUTE = "haute", "Haute"
        MOYENNE = "moyenne", "Moyenne"
        BASSE = "basse", "Basse"

    CHAMPS = ["appreciation", "impact", "priorite", "commentaire", "paroles_personne"]

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="evaluations")
    domaine = models.ForeignKey(Domaine, on_delete=models.PROTECT, related_name="+")
    appreciation = models.CharField("appréciation", max_length=15, choices=Appreciation.choices, blank=True)
    impact = models.CharField("impact sur la recherche d'emploi", max_length=15, choices=Impact.choices, blank=True)
    priorite = models.CharField("priorité", max_length=10, choices=Priorite.choices, blank=True)
    situations = models.ManyToManyField(Situation, blank=True, related_name="+", verbose_name="situations observées")
    commentaire = models.TextField("commentaire du professionnel", blank=True)
    paroles_personne = models.TextField("les mots et souhaits de la personne", blank=True)

    class Meta:
        verbose_name = "appréciation d'un domaine"
        verbose_name_plural = "appréciations des domaines"
        ordering = ["domaine__ordre"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "domaine"],
                name="evaluation_domaine_unique",
                violation_error_message="Ce domaine est déjà apprécié dans ce diagnostic.",
            )
        ]

    def __str__(self):
        return f"{self.domaine} : {self.get_appreciation_display() or 'à apprécier'}"

    @property
    def est_renseignee(self) -> bool:
        return bool(self.appreciation)
