"""Le décor des tests des comptes rendus (aucun test ici) : une séance du CDE des Landes tenue de bout en bout —
présences et pouvoir, quorum atteint, un vote départagé par la voix prépondérante du préfet, un vote rejeté, un
consensus, des décisions, le suivi d'une décision de la séance précédente, une fiche action revue, une synthèse.

Les lignes sont écrites directement (les services de la délibération sont testés par leur partie) ; le compte rendu
ne fait que les lire."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from gouvernance.choix import (
    ChoixVote,
    Financeur,
    ModeDecision,
    ResultatDeliberation,
    StatutDecision,
    StatutFiche,
    StatutPresence,
    StatutSeance,
    TypePoint,
)
from gouvernance.models import Presence, Seance, SuiviDecision, SuiviFiche, ValidationOrdreDuJour, Vote
from tests.gouvernance import fabriques


def presences(seance, equipe, **statuts):
    """Les présences d'une séance : par défaut, tous présents par leur titulaire ; `statuts` les change par siège
    (`commune=("represente", "departement")`, `mission_locale="excuse"`)."""
    for nom in vars(equipe.sieges):
        siege, mandat = getattr(equipe.sieges, nom), getattr(equipe.mandats, nom)
        statut = statuts.get(nom, StatutPresence.PRESENT)
        represente_par = None
        if isinstance(statut, tuple):
            statut, porteur = statut
            represente_par = getattr(equipe.sieges, porteur)
        Presence.objects.create(
            seance=seance,
            siege=siege,
            statut=statut,
            mandat=mandat if statut == StatutPresence.PRESENT else None,
            represente_par=represente_par,
        )


def voter(point, resultat, *, votes, preponderante=False):
    for siege, choix in votes:
        Vote.objects.create(point=point, siege=siege, choix=choix)
    point.mode, point.resultat, point.voix_preponderante_utilisee = ModeDecision.VOTE, resultat, preponderante
    point.save(update_fields=["mode", "resultat", "voix_preponderante_utilisee"])


def seance_tenue(equipe=None) -> SimpleNamespace:
    equipe = equipe or fabriques.equipe_comite()
    sieges = equipe.sieges
    precedente = fabriques.seance(
        equipe.comite,
        cree_par=equipe.secretaire,
        statut=StatutSeance.CLOTUREE,
        dans_jours=-180,
        cloturee_le=timezone.now() - timedelta(days=179),
    )
    decision_precedente = fabriques.decision(
        precedente, equipe.departement, texte="Cartographier l'offre de mobilité du Marsan", statut="en_cours"
    )
    fiche = fabriques.fiche(equipe.consortium, equipe.departement, titre="Garage solidaire du Marsan")
    fabriques.ligne_budget(fiche, Financeur.ETAT, prevu="120000", engage="80000", depense="35000")
    fabriques.ligne_budget(fiche, Financeur.DEPARTEMENT, prevu="236800", engage="120000", depense="64500")
    seance = fabriques.seance(
        equipe.comite,
        cree_par=equipe.secretaire,
        statut=StatutSeance.CONVOQUEE,
        dans_jours=0,
        lieu="Hôtel du Département, Mont-de-Marsan",
        lien_visio="https://visio.exemple.fr/cde-landes",
        synthese="Le comité salue l'avancée du garage solidaire et demande un bilan chiffré à la prochaine séance.",
    )
    Seance.objects.filter(pk=seance.pk).update(date=timezone.now() - timedelta(hours=2))
    seance.refresh_from_db()
    for copresidence in vars(equipe.copresidences).values():
        ValidationOrdreDuJour.objects.create(seance=seance, copresidence=copresidence)
    presences(
        seance,
        equipe,
        commune=(StatutPresence.REPRESENTE, "departement"),
        mission_locale=StatutPresence.EXCUSE,
    )
    information = fabriques.point(
        seance,
        "Diagnostic territorial de l'insertion",
        description="Présentation par le Département des chiffres du RSA dans les Landes.",
        notes="La CAF signale une hausse des demandes dans le Marsan.",
        duree_minutes=20,
    )
    garage = fabriques.point(
        seance,
        "Création d'un garage solidaire",
        type=TypePoint.DELIBERATION,
        fiche_action=fiche,
        description="Un garage solidaire pour 60 personnes par an.",
        duree_minutes=30,
    )
    voter(
        garage,
        ResultatDeliberation.ADOPTEE,
        preponderante=True,
        votes=[
            (sieges.etat, ChoixVote.POUR),
            (sieges.departement, ChoixVote.POUR),
            (sieges.caf, ChoixVote.CONTRE),
            (sieges.commune, ChoixVote.CONTRE),  # par le pouvoir donné au Département
        ],
    )
    adhesion = fabriques.point(seance, "Adhésion au réseau des tiers-lieux", type=TypePoint.DELIBERATION)
    voter(
        adhesion,
        ResultatDeliberation.REJETEE,
        votes=[
            (sieges.etat, ChoixVote.CONTRE),
            (sieges.departement, ChoixVote.POUR),
            (sieges.caf, ChoixVote.CONTRE),
            (sieges.commune, ChoixVote.ABSTENTION),
        ],
    )
    calendrier = fabriques.point(
        seance,
        "Calendrier des comités 2027",
        type=TypePoint.DELIBERATION,
        mode=ModeDecision.CONSENSUS,
        resultat=ResultatDeliberation.ADOPTEE,
    )
    revue = fabriques.point(seance, "Avancement du garage solidaire", type=TypePoint.SUIVI_FICHE, fiche_action=fiche)
    decision_garage = fabriques.decision(
        seance,
        equipe.departement,
        point=garage,
        texte="Ouvrir le garage solidaire de Mont-de-Marsan",
        mode=ModeDecision.VOTE,
        echeance=timezone.localdate() + timedelta(days=120),
    )
    decision_calendrier = fabriques.decision(
        seance, equipe.caf, point=calendrier, texte="Réunir le comité chaque trimestre en 2027"
    )
    SuiviDecision.objects.create(
        decision=decision_precedente,
        seance=seance,
        statut=StatutDecision.EN_COURS,
        commentaire="Cartographie livrée à 80 %.",
    )
    SuiviFiche.objects.create(
        fiche=fiche, seance=seance, statut=StatutFiche.EN_COURS, avancement=40, commentaire="Local trouvé."
    )
    return SimpleNamespace(
        equipe=equipe,
        seance=seance,
        precedente=precedente,
        fiche=fiche,
        points=SimpleNamespace(
            information=information, garage=garage, adhesion=adhesion, calendrier=calendrier, revue=revue
        ),
        decisions=SimpleNamespace(
            garage=decision_garage, calendrier=decision_calendrier, precedente=decision_precedente
        ),
    )
