"""Les séances d'un comité : ordre du jour validé par les co-présidents, convocation, présences et pouvoirs,
votes, décisions suivies de séance en séance, compte rendu. Une séance clôturée est figée."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gouvernance.choix import (
    DECISIONS_OUVERTES,
    ChoixVote,
    ModeDecision,
    ResultatDeliberation,
    StatutDecision,
    StatutPresence,
    StatutSeance,
    TypePoint,
    Voix,
)


class SeanceQuerySet(models.QuerySet):
    def a_venir(self, maintenant=None):
        return self.filter(date__gte=maintenant or timezone.now()).exclude(statut=StatutSeance.CLOTUREE)


class Seance(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    comite = models.ForeignKey("gouvernance.Comite", on_delete=models.PROTECT, related_name="seances")
    date = models.DateTimeField("date et heure")
    lieu = models.CharField("lieu", max_length=250, blank=True)
    lien_visio = models.URLField("lien de visioconférence", blank=True)
    statut = models.CharField("statut", max_length=25, choices=StatutSeance.choices, default=StatutSeance.PREPARATION)
    synthese = models.TextField("synthèse des échanges", blank=True)
    convocation_envoyee_le = models.DateTimeField("convocation envoyée le", null=True, blank=True)
    cloturee_le = models.DateTimeField("clôturée le", null=True, blank=True)
    quorum_pourcentage = models.PositiveSmallIntegerField(
        "quorum du comité le jour de la clôture (pour cent)", null=True, blank=True
    )
    compte_rendu = models.FileField("compte rendu (PDF)", upload_to="gouvernance/comptes-rendus/%Y/", blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date_creation = models.DateTimeField("créée le", default=timezone.now, editable=False)

    objects = SeanceQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(lieu="", lien_visio=""),
                name="seance_lieu_ou_visio",
                violation_error_message="Indiquez un lieu ou un lien de visioconférence.",
            )
        ]

    def __str__(self):
        return f"{self.comite} — {timezone.localtime(self.date):%d/%m/%Y}"

    @property
    def est_cloturee(self) -> bool:
        return self.statut == StatutSeance.CLOTUREE

    @property
    def ordre_du_jour_modifiable(self) -> bool:
        return self.statut in (StatutSeance.PREPARATION, StatutSeance.ORDRE_DU_JOUR_VALIDE)


class ValidationOrdreDuJour(models.Model):
    """La validation de l'ordre du jour par un co-président ; toute modification de l'ordre du jour les efface."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="validations")
    # La co-présidence retirée depuis (un nouveau préfet) laisse la validation dans l'histoire, au nom de qui l'a
    # donnée ; elle ne compte plus pour l'ordre du jour en cours.
    copresidence = models.ForeignKey(
        "gouvernance.CoPresidence", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date = models.DateTimeField("validé le", default=timezone.now)

    class Meta:
        verbose_name = "validation de l'ordre du jour"
        verbose_name_plural = "validations de l'ordre du jour"
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "copresidence"],
                name="validation_odj_unique",
                violation_error_message="Ce co-président a déjà validé l'ordre du jour.",
            )
        ]

    def __str__(self):
        return f"Ordre du jour validé le {self.date:%d/%m/%Y}"


class EnvoiConvocation(models.Model):
    """Une convocation à envoyer (puis envoyée) à une personne nommée sur un siège : écrite avec la demande d'envoi,
    marquée par la tâche qui l'envoie ; une tâche rejouée n'envoie pas deux fois."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="envois_convocation")
    mandat = models.ForeignKey("gouvernance.Mandat", on_delete=models.PROTECT, related_name="+")
    email = models.EmailField("e-mail")
    envoye_le = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi de convocation"
        verbose_name_plural = "envois de convocation"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "mandat"],
                name="envoi_convocation_unique",
                violation_error_message="Cette personne est déjà convoquée à cette séance.",
            )
        ]

    def __str__(self):
        return f"Convocation à {self.email}"


class Point(models.Model):
    """Un point de l'ordre du jour, éventuellement lié à une fiche action du consortium."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="points")
    ordre = models.PositiveSmallIntegerField("ordre")
    titre = models.CharField("intitulé", max_length=250)
    description = models.TextField("présentation", blank=True)
    type = models.CharField("type", max_length=15, choices=TypePoint.choices, default=TypePoint.INFORMATION)
    duree_minutes = models.PositiveSmallIntegerField("durée prévue (minutes)", null=True, blank=True)
    fiche_action = models.ForeignKey(
        "gouvernance.FicheAction", on_delete=models.PROTECT, null=True, blank=True, related_name="points"
    )
    notes = models.TextField("notes de séance", blank=True)
    mode = models.CharField("mode de décision", max_length=10, choices=ModeDecision.choices, blank=True)
    resultat = models.CharField("résultat", max_length=10, choices=ResultatDeliberation.choices, blank=True)
    voix_preponderante_utilisee = models.BooleanField("départagé par la voix prépondérante", default=False)

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["seance", "ordre", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resultat="") | ~Q(mode=""),
                name="point_resultat_avec_mode",
                violation_error_message="Un résultat se rattache à un vote ou à un consensus.",
            )
        ]

    def __str__(self):
        return f"{self.ordre}. {self.titre}"


class Presence(models.Model):
    """La présence d'un siège à une séance : présent (par son titulaire ou son suppléant), représenté par un
    autre siège présent (pouvoir), excusé ou absent."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="presences")
    siege = models.ForeignKey("gouvernance.Siege", on_delete=models.PROTECT, related_name="presences")
    statut = models.CharField("présence", max_length=12, choices=StatutPresence.choices)
    # La voix du siège le jour de la séance : une séance clôturée garde son quorum si la composition change.
    voix = models.CharField("voix", max_length=15, choices=Voix.choices, default=Voix.DELIBERATIVE)
    mandat = models.ForeignKey(
        "gouvernance.Mandat", on_delete=models.PROTECT, null=True, blank=True, related_name="presences"
    )
    represente_par = models.ForeignKey(
        "gouvernance.Siege", on_delete=models.PROTECT, null=True, blank=True, related_name="pouvoirs_recus"
    )

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "siege"],
                name="presence_unique",
                violation_error_message="La présence de ce siège est déjà notée.",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutPresence.REPRESENTE, represente_par__isnull=False)
                | (~Q(statut=StatutPresence.REPRESENTE) & Q(represente_par__isnull=True)),
                name="presence_pouvoir_si_represente",
                violation_error_message="Un siège représenté l'est par un autre siège, et seulement dans ce cas.",
            ),
        ]

    def __str__(self):
        return f"{self.siege} : {self.get_statut_display().lower()}"


class Vote(models.Model):
    """La voix d'un siège délibératif sur un point : exprimée par son représentant présent ou par le siège qui
    détient son pouvoir."""

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="votes")
    siege = models.ForeignKey("gouvernance.Siege", on_delete=models.PROTECT, related_name="votes")
    choix = models.CharField("vote", max_length=10, choices=ChoixVote.choices)

    class Meta:
        verbose_name = "vote"
        verbose_name_plural = "votes"
        constraints = [
            models.UniqueConstraint(
                fields=["point", "siege"], name="vote_unique", violation_error_message="Ce siège a déjà voté."
            )
        ]

    def __str__(self):
        return f"{self.siege} : {self.get_choix_display().lower()}"


class DecisionQuerySet(models.QuerySet):
    def ouvertes(self):
        return self.filter(statut__in=DECISIONS_OUVERTES)


class Decision(models.Model):
    """Une décision adoptée en séance, confiée à une organisation avec une échéance, suivie de séance en séance
    jusqu'à sa réalisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    comite = models.ForeignKey("gouvernance.Comite", on_delete=models.PROTECT, related_name="decisions")
    seance = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="decisions")
    point = models.ForeignKey(Point, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    texte = models.TextField("décision")
    organisation_responsable = models.ForeignKey(
        "partenaires.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="organisation responsable"
    )
    echeance = models.DateField("échéance", null=True, blank=True)
    statut = models.CharField("statut", max_length=12, choices=StatutDecision.choices, default=StatutDecision.A_FAIRE)
    mode = models.CharField("mode", max_length=10, choices=ModeDecision.choices)
    date = models.DateTimeField("adoptée le", default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["date", "pk"]

    def __str__(self):
        return self.texte[:80]


class SuiviDecision(models.Model):
    """Le point fait sur une décision ouverte lors d'une séance suivante."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="suivis")
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="suivis_decisions")
    statut = models.CharField("statut", max_length=12, choices=StatutDecision.choices)
    commentaire = models.TextField("commentaire", blank=True)
    date = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "suivi d'une décision"
        verbose_name_plural = "suivis des décisions"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "seance"],
                name="suivi_decision_unique",
                violation_error_message="Cette décision a déjà été suivie lors de cette séance.",
            )
        ]

    def __str__(self):
        return f"{self.decision} : {self.get_statut_display().lower()}"
