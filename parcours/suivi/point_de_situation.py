"""Le point de situation : chaque nuit, les éléments à traiter par référent et par organisation.

Chaque règle est une requête ensembliste (jamais une requête par carnet) qui rend des `ElementATraiter` ;
`calculer` les écrit en une transaction qui remplace le calcul précédent. Les définitions exactes, et qui voit
quoi, sont dans docs/point-de-situation.md.

Un élément est rattaché au référent actif du carnet (intervenant référent dont l'appartenance à son organisation
est active) et à son organisation ; sans référent actif, à l'organisation du dernier référent, sinon à celle qui a
ouvert le carnet. L'orientation en retard va à l'organisation qui oriente.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from parcours import delais
from parcours.models import (
    Action,
    Carnet,
    ContratEngagement,
    DecisionOrientation,
    DemandeOrientation,
    Diagnostic,
    ElementATraiter,
    EvenementCarnet,
    Intervenant,
    Note,
    OrientationService,
    ParametresTerritoire,
    PointSuiviEmploi,
    RendezVous,
    SortieParcours,
)
from parcours.orientation import horloges
from parcours.orientation_service import regles as orientation_service_regles
from partenaires.models import Membre, Organisation

Regle = ElementATraiter.Regle
EN_COURS = [Carnet.Statut.ACTIF, Carnet.Statut.SUIVI_EMPLOI]
REEXAMEN_RECENT_JOURS = 30
# Une fenêtre large, côté base, avant le calcul exact des mois en Python (un mois compte au moins 28 jours).
JOURS_MIN_PAR_MOIS = 28


def debut_du_jour(jour: date) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time.min))


def referents_actifs():
    """Les référents en activité : intervention en cours, appartenance active à une organisation active."""
    membre_actif = Membre.objects.filter(
        utilisateur=OuterRef("utilisateur"), organisation=OuterRef("organisation"), is_active=True
    )
    return (
        Intervenant.objects.actifs()
        .filter(role=Intervenant.Role.REFERENT, organisation__is_active=True)
        .filter(Exists(membre_actif))
    )


def avec_referent(queryset, carnet: str):
    """Annote `ref_utilisateur` (le référent actif ou rien), `ref_organisation` (voir plus haut) et le département
    de celle-ci, `ref_departement` ; `carnet` est le chemin vers le carnet."""
    actif = referents_actifs().filter(carnet=OuterRef(carnet)).order_by("-date_debut", "-pk")
    dernier = Intervenant.objects.filter(carnet=OuterRef(carnet), role=Intervenant.Role.REFERENT).order_by(
        "-date_debut", "-pk"
    )
    ouvreur = Carnet.objects.filter(pk=OuterRef(carnet)).values("organisation_creatrice")[:1]
    return queryset.annotate(
        ref_utilisateur=Subquery(actif.values("utilisateur")[:1]),
        ref_organisation=Coalesce(
            Subquery(actif.values("organisation")[:1]),
            Subquery(dernier.values("organisation")[:1]),
            Subquery(ouvreur),
        ),
    ).annotate(
        ref_departement=Subquery(Organisation.objects.filter(pk=OuterRef("ref_organisation")).values("departement")[:1])
    )


def _element(regle, ligne, *, carnet_id, aujourd_hui, echeance=None, detail="") -> ElementATraiter:
    return ElementATraiter(
        date_calcul=aujourd_hui,
        regle=regle,
        carnet_id=carnet_id,
        referent_id=ligne.ref_utilisateur,
        organisation_id=ligne.ref_organisation,
        echeance=echeance,
        detail=detail[:250],
    )


# --- Les règles --------------------------------------------------------------------------------


def jours_sans_contact_par_departement() -> dict[str, int]:
    return dict(ParametresTerritoire.objects.values_list("departement", "jours_sans_contact"))


def avec_dernier_contact(queryset):
    """La règle « dernier contact », seule définition du projet (point de situation et conservation) : annote
    `dernier_rdv` (rendez-vous honoré), `derniere_note` (note d'entretien), `dernier_point` (point de suivi fait) et
    `reouvert_le` (dernière réouverture) ; avec `date_creation`, `sans_contact_depuis` les compare à une date."""
    return queryset.annotate(
        dernier_rdv=Subquery(
            RendezVous.objects.filter(carnet=OuterRef("pk"), statut=RendezVous.Statut.HONORE)
            .order_by("-date_heure")
            .values("date_heure")[:1]
        ),
        derniere_note=Subquery(Note.objects.filter(carnet=OuterRef("pk")).order_by("-date").values("date")[:1]),
        dernier_point=Subquery(
            PointSuiviEmploi.objects.filter(sortie__carnet=OuterRef("pk"), fait_le__isnull=False)
            .order_by("-fait_le")
            .values("fait_le")[:1]
        ),
        reouvert_le=Subquery(
            SortieParcours.objects.filter(carnet=OuterRef("pk"), rouvert_le__isnull=False)
            .order_by("-rouvert_le")
            .values("rouvert_le")[:1]
        ),
    )


def sans_contact_depuis(jour_limite: date) -> Q:
    """Aucun contact le `jour_limite` ni après (sur un QuerySet passé par `avec_dernier_contact`)."""
    debut = debut_du_jour(jour_limite)
    return (
        (Q(dernier_rdv__isnull=True) | Q(dernier_rdv__lt=debut))
        & (Q(derniere_note__isnull=True) | Q(derniere_note__lt=debut))
        & (Q(dernier_point__isnull=True) | Q(dernier_point__lt=jour_limite))
        & (Q(reouvert_le__isnull=True) | Q(reouvert_le__lt=jour_limite))
        & Q(date_creation__lt=debut)
    )


def perdus_de_vue(aujourd_hui: date) -> list[ElementATraiter]:
    """Carnets actifs dont le dernier contact (rendez-vous honoré, note d'entretien, point de suivi fait ; à défaut
    l'ouverture ou la réouverture du carnet) date de plus de N jours, N étant réglé par territoire (celui de
    l'organisation du référent)."""
    reglages = jours_sans_contact_par_departement()
    carnets = avec_dernier_contact(avec_referent(Carnet.objects.actifs(), "pk"))

    defaut = ParametresTerritoire.JOURS_SANS_CONTACT_DEFAUT
    critere = ~Q(ref_departement__in=list(reglages)) & sans_contact_depuis(aujourd_hui - timedelta(days=defaut))
    for departement, jours in reglages.items():
        critere |= Q(ref_departement=departement) & sans_contact_depuis(aujourd_hui - timedelta(days=jours))
    elements = []
    for carnet in carnets.filter(critere):
        contacts = [
            timezone.localdate(carnet.dernier_rdv) if carnet.dernier_rdv else None,
            timezone.localdate(carnet.derniere_note) if carnet.derniere_note else None,
            carnet.dernier_point,
        ]
        dernier = max(filter(None, contacts), default=None)
        ouverture = max(filter(None, [timezone.localdate(carnet.date_creation), carnet.reouvert_le]))
        jours = reglages.get(carnet.ref_departement, defaut)
        depuis = dernier or ouverture
        detail = (
            f"Dernier contact le {dernier:%d/%m/%Y}"
            if dernier
            else f"Aucun contact depuis l'ouverture du carnet le {ouverture:%d/%m/%Y}"
        )
        elements.append(
            _element(
                Regle.PERDU_DE_VUE,
                carnet,
                carnet_id=carnet.pk,
                aujourd_hui=aujourd_hui,
                echeance=depuis + timedelta(days=jours),
                detail=f"{detail} ({(aujourd_hui - depuis).days} jours ; seuil du territoire : {jours} jours)",
            )
        )
    return elements


def orientations_en_retard(aujourd_hui: date) -> list[ElementATraiter]:
    """Demandes en attente avec délai légal (entrée au RSA, transfert) dont la date limite est dépassée."""
    demandes = DemandeOrientation.objects.en_attente().filter(
        motif__in=DemandeOrientation.MOTIFS_AVEC_DELAI_LEGAL,
        date_reception__lt=aujourd_hui - timedelta(days=delais.DELAI_ORIENTATION_JOURS),
        carnet__statut__in=EN_COURS,
    )
    elements = []
    for demande in demandes:
        retard = -demande.jours_restants(aujourd_hui)
        detail = f"{demande.get_motif_display()} : information reçue le {demande.date_reception:%d/%m/%Y}, "
        detail += f"{retard} jour{'s' if retard > 1 else ''} de retard"
        if demande.cause_retard:
            detail += f" ({demande.get_cause_retard_display().lower()})"
        elements.append(
            ElementATraiter(
                date_calcul=aujourd_hui,
                regle=Regle.ORIENTATION_EN_RETARD,
                carnet_id=demande.carnet_id,
                organisation_id=demande.organisation_orientation_id,
                echeance=demande.date_limite,
                detail=detail,
            )
        )
    return elements


def _derniere_decision(*, orientations_seulement: bool):
    decisions = DecisionOrientation.objects.filter(carnet=OuterRef("carnet"))
    if orientations_seulement:
        decisions = decisions.orientations()
    return Subquery(decisions.order_by("-date_decision", "-pk").values("pk")[:1])


def contrats_en_retard(aujourd_hui: date) -> list[ElementATraiter]:
    """La dernière orientation notifiée (une nouvelle orientation relance le mois) sans contrat signé depuis sa
    notification, un mois après celle-ci."""
    signe = ContratEngagement.objects.filter(carnet=OuterRef("carnet")).signes_depuis(OuterRef("notifiee_le"))
    decisions = (
        avec_referent(DecisionOrientation.objects.orientations(), "carnet")
        .filter(
            pk=_derniere_decision(orientations_seulement=True),
            carnet__statut=Carnet.Statut.ACTIF,
            notifiee_le__lt=aujourd_hui - timedelta(days=JOURS_MIN_PAR_MOIS),
        )
        .exclude(Exists(signe))
    )
    return [
        _element(
            Regle.CONTRAT_EN_RETARD,
            decision,
            carnet_id=decision.carnet_id,
            aujourd_hui=aujourd_hui,
            echeance=decision.date_limite_contrat,
            detail=f"Orientation notifiée le {decision.notifiee_le:%d/%m/%Y} ; contrat attendu au plus tard le "
            f"{decision.date_limite_contrat:%d/%m/%Y}",
        )
        for decision in decisions
        if decision.date_limite_contrat < aujourd_hui
    ]


def actions_echues(aujourd_hui: date) -> list[ElementATraiter]:
    """Actions en projet ou en cours dont l'échéance est passée (le jour de l'échéance ne compte pas)."""
    actions = (
        avec_referent(Action.objects.select_related("referentiel"), "objectif__carnet")
        .annotate(carnet_id=F("objectif__carnet"))
        .filter(
            statut__in=[Action.Statut.EN_PROJET, Action.Statut.EN_COURS],
            date_echeance__lt=aujourd_hui,
            objectif__carnet__statut=Carnet.Statut.ACTIF,
        )
    )
    return [
        _element(
            Regle.ACTION_ECHUE,
            action,
            carnet_id=action.carnet_id,
            aujourd_hui=aujourd_hui,
            echeance=action.date_echeance,
            detail=f"{action.libelle} ({action.get_statut_display().lower()})",
        )
        for action in actions
    ]


def sans_referent(aujourd_hui: date) -> list[ElementATraiter]:
    """Carnets en cours sans référent actif (aucun, ou plus membre actif de son organisation)."""
    carnets = avec_referent(Carnet.objects.filter(statut__in=EN_COURS), "pk").filter(ref_utilisateur__isnull=True)
    return [
        _element(
            Regle.SANS_REFERENT,
            carnet,
            carnet_id=carnet.pk,
            aujourd_hui=aujourd_hui,
            detail=f"{carnet.get_statut_display()} : désignez un référent de parcours",
        )
        for carnet in carnets
    ]


def limite_validite_diagnostic(maintenant: datetime) -> datetime:
    """Validé à cet instant ou avant, le diagnostic est à réexaminer : la règle de `Diagnostic.a_reexaminer`
    (plus de SPIE_DIAGNOSTIC_VALIDITE_JOURS jours pleins depuis la validation)."""
    return maintenant - timedelta(days=settings.SPIE_DIAGNOSTIC_VALIDITE_JOURS + 1)


def diagnostics_a_reexaminer(aujourd_hui: date) -> list[ElementATraiter]:
    """Carnets actifs dont le dernier diagnostic validé est à réexaminer."""
    dernier_valide = Diagnostic.objects.valides().filter(carnet=OuterRef("pk")).order_by("-version")
    carnets = (
        avec_referent(Carnet.objects.actifs(), "pk")
        .annotate(valide_le=Subquery(dernier_valide.values("date_validation")[:1]))
        .filter(valide_le__lte=limite_validite_diagnostic(timezone.now()))
    )
    duree = timedelta(days=settings.SPIE_DIAGNOSTIC_VALIDITE_JOURS)
    return [
        _element(
            Regle.DIAGNOSTIC_A_REEXAMINER,
            carnet,
            carnet_id=carnet.pk,
            aujourd_hui=aujourd_hui,
            echeance=timezone.localdate(carnet.valide_le + duree),
            detail=f"Dernier diagnostic validé le {timezone.localdate(carnet.valide_le):%d/%m/%Y}",
        )
        for carnet in carnets
    ]


def revisions_parcours_social(aujourd_hui: date) -> list[ElementATraiter]:
    """L'orientation en cours est le parcours social et sa révision est arrivée : la règle de l'en-tête du carnet
    (`horloges.date_revision`), depuis la dernière décision du carnet (un maintien relance la révision)."""
    decisions = (
        avec_referent(DecisionOrientation.objects.orientations(), "carnet")
        .annotate(revision_depuis=horloges.revision_depuis())
        .filter(
            pk=_derniere_decision(orientations_seulement=True),
            parcours=Diagnostic.Parcours.SOCIAL,
            carnet__statut=Carnet.Statut.ACTIF,
            revision_depuis__lte=aujourd_hui - timedelta(days=JOURS_MIN_PAR_MOIS * delais.REVISION_SOCIALE_MOIS),
        )
    )
    elements = []
    for decision in decisions:
        revision = horloges.date_revision(decision, decision.revision_depuis)
        if revision > aujourd_hui:
            continue
        quoi = "maintenu" if decision.revision_depuis != decision.date_decision else "décidé"
        elements.append(
            _element(
                Regle.REVISION_PARCOURS_SOCIAL,
                decision,
                carnet_id=decision.carnet_id,
                aujourd_hui=aujourd_hui,
                echeance=revision,
                detail=f"Parcours social {quoi} le {decision.revision_depuis:%d/%m/%Y} ; révision due le "
                f"{revision:%d/%m/%Y}" + (" (12 mois, motif légal)" if decision.motif_prolongation else ""),
            )
        )
    return elements


def heures_sans_motif(aujourd_hui: date) -> list[ElementATraiter]:
    """Contrats en cours sous 15 heures d'activité par semaine sans raison d'aménagement (santé, parent isolé…)."""
    contrats = avec_referent(ContratEngagement.objects.all(), "carnet").filter(
        Q(date_fin__isnull=True) | Q(date_fin__gte=aujourd_hui),
        heures_hebdomadaires__lt=ContratEngagement.HEURES_LEGALES,
        raison_amenagement="",
        carnet__statut=Carnet.Statut.ACTIF,
    )
    return [
        _element(
            Regle.HEURES_SANS_MOTIF,
            contrat,
            carnet_id=contrat.carnet_id,
            aujourd_hui=aujourd_hui,
            detail=f"{contrat} : {contrat.heures_hebdomadaires} h par semaine, raison de l'aménagement non indiquée",
        )
        for contrat in contrats
    ]


def reexamens_de_statut(aujourd_hui: date) -> list[ElementATraiter]:
    """Avis « changement de situation à examiner » des 30 derniers jours."""
    evenements = avec_referent(EvenementCarnet.objects.all(), "carnet").filter(
        type=EvenementCarnet.Type.REEXAMEN_SUGGERE,
        date__gte=debut_du_jour(aujourd_hui - timedelta(days=REEXAMEN_RECENT_JOURS)),
        carnet__statut__in=EN_COURS,
    )
    return [
        _element(
            Regle.REEXAMEN_STATUT,
            evenement,
            carnet_id=evenement.carnet_id,
            aujourd_hui=aujourd_hui,
            echeance=timezone.localdate(evenement.date),
            detail=evenement.resume,
        )
        for evenement in evenements
    ]


def points_suivi_emploi_dus(aujourd_hui: date) -> list[ElementATraiter]:
    """Points du suivi dans l'emploi prévus aujourd'hui ou avant, pas encore faits."""
    points = avec_referent(PointSuiviEmploi.objects.select_related("sortie"), "sortie__carnet").filter(
        fait_le__isnull=True,
        date_prevue__lte=aujourd_hui,
        sortie__rouvert_le__isnull=True,
        sortie__carnet__statut=Carnet.Statut.SUIVI_EMPLOI,
    )
    return [
        _element(
            Regle.POINT_SUIVI_EMPLOI,
            point,
            carnet_id=point.sortie.carnet_id,
            aujourd_hui=aujourd_hui,
            echeance=point.date_prevue,
            detail=f"Point prévu le {point.date_prevue:%d/%m/%Y} (sortie du {point.sortie.date_sortie:%d/%m/%Y})",
        )
        for point in points
    ]


def orientations_service_sans_reponse(aujourd_hui: date) -> list[ElementATraiter]:
    """Orientations vers un service envoyées (ou à l'étude) depuis plus de 10 jours sans réponse de la structure :
    le jour de la relance automatique, le référent le voit aussi. Échéance : l'expiration (30 jours)."""
    jours = orientation_service_regles.JOURS_RELANCE
    orientations = avec_referent(
        OrientationService.objects.en_attente_de_reponse().select_related("service__structure"), "carnet"
    ).filter(
        envoyee_le__lt=debut_du_jour(aujourd_hui - timedelta(days=jours)),
        carnet__statut__in=EN_COURS,
    )
    elements = []
    for orientation in orientations:
        envoyee = timezone.localdate(orientation.envoyee_le)
        etude = " (à l'étude)" if orientation.statut == OrientationService.Statut.A_L_ETUDE else ""
        detail = (
            f"{orientation.service.nom} ({orientation.service.structure.nom}) : envoyée le {envoyee:%d/%m/%Y}, "
            f"sans réponse depuis {(aujourd_hui - envoyee).days} jours{etude}"
        )
        elements.append(
            _element(
                Regle.ORIENTATION_SERVICE_SANS_REPONSE,
                orientation,
                carnet_id=orientation.carnet_id,
                aujourd_hui=aujourd_hui,
                echeance=timezone.localdate(orientation.expire_le),
                detail=detail,
            )
        )
    return elements


REGLES = [
    perdus_de_vue,
    orientations_en_retard,
    contrats_en_retard,
    actions_echues,
    sans_referent,
    diagnostics_a_reexaminer,
    revisions_parcours_social,
    heures_sans_motif,
    reexamens_de_statut,
    points_suivi_emploi_dus,
    orientations_service_sans_reponse,
]


@transaction.atomic
def calculer(*, aujourd_hui: date) -> list[ElementATraiter]:
    """Recalcule tout le point de situation et remplace le précédent (en une transaction)."""
    elements = [element for regle in REGLES for element in regle(aujourd_hui)]
    ElementATraiter.objects.all().delete()
    return ElementATraiter.objects.bulk_create(elements, batch_size=1000)


# --- Lectures pour les pages et le courriel ----------------------------------------------------


def totaux_du_referent(referent) -> tuple[date | None, list[tuple[str, int]]]:
    """(date du calcul, [(libellé de la règle, nombre)]) pour les éléments du référent."""
    lignes = list(
        ElementATraiter.objects.filter(referent=referent)
        .values("regle", "date_calcul")
        .annotate(nombre=Count("pk"))
        .order_by("regle")
    )
    if not lignes:
        return None, []
    libelles = dict(Regle.choices)
    return lignes[0]["date_calcul"], [(libelles[ligne["regle"]], ligne["nombre"]) for ligne in lignes]
