"""Espaces personnels de démonstration : Jessica Cazaux (espace ouvert par un code remis en main propre, sa parole,
un accord de partage, les consultations de son carnet), Damien Pujol (son avis sur sa sortie vers l'emploi est
attendu) et des avis anonymes sur des sorties du dernier trimestre complet, assez pour que l'indicateur « Avis des
personnes accompagnées » du pilote dépasse le secret statistique.

Appelé par `parcours.demo.charger_carnets_demo`, après les parcours (`parcours.demo_parcours`) dont il reprend les
personnes et le jour du récit. Déterministe (dates comptées depuis aujourd'hui) et idempotent : rien n'est recréé si
l'espace de Jessica Cazaux existe déjà.

Tout passe par les services de `parcours.espace` (`remettre_code` puis `activer`, `parole`, `partage`,
`evaluation`) et `parcours.suivi`. Les consultations du carnet sont créées directement à leur date (le journal est
en ajout seul : une consultation ne se re-date pas). Deux choses ne sont pas antidatables par les services, et sont
ramenées au jour du récit par une mise à jour ciblée après l'appel au service :
- les sorties des personnes qui donnent leur avis : saisies par `_au_jour` (comme `demo_parcours`) ;
- le mois d'un avis anonyme (`donner_avis` le date du mois en cours) : ramené au mois qui suit la sortie, dans le
  dernier trimestre complet, le trimestre que la page des indicateurs montre par défaut.
"""

import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from parcours import delais, services
from parcours.demo_parcours import Demo, _au_jour
from parcours.espace import activation, evaluation, parole, partage
from parcours.models import (
    Carnet,
    ConsultationCarnet,
    ContratEngagement,
    EspacePersonne,
    Evaluation,
    ExpressionPersonne,
    Intervenant,
    TypeEtape,
)
from parcours.suivi import services as suivi
from partenaires.management.commands.charger_demo import MOT_DE_PASSE_DEMO

# Les identifiants de connexion que le README imprime (mot de passe : celui de la démonstration).
IDENTIFIANT_JESSICA = "jessica.cazaux"
IDENTIFIANT_DAMIEN = "damien.pujol"

# Les consultations du carnet de Jessica : (compte, il y a N jours, heure, onglets regardés).
CONSULTATIONS = [
    ("referente@demo.spie.fr", 38, 10, ["situation", "diagnostic"]),
    ("referente@demo.spie.fr", 35, 15, ["orientation"]),
    ("conseiller.ft@demo.spie.fr", 11, 9, ["situation", "orientation", "diagnostic"]),
    ("conseiller.ft@demo.spie.fr", 7, 14, ["plan", "rendez_vous"]),
    ("referente@demo.spie.fr", 5, 11, ["plan"]),
    ("conseiller.ft@demo.spie.fr", 2, 16, ["rendez_vous"]),
]

# Les sorties du dernier trimestre complet qui reçoivent un avis : (carnet « DEMO-0… », jours avant la fin du
# trimestre, motif, précision, utilité, écoute, recommanderait, commentaire). Les réponses sont toutes positives sur
# l'utilité et l'écoute, et toutes « oui » à la recommandation : un écart de 1 à 4 réponses serait masqué (secret).
Note = Evaluation.Note
AVIS = [
    (26, 40, "emploi_durable", "CDI d'agent d'entretien", Note.TOUT_A_FAIT, Note.TOUT_A_FAIT, "La conseillère m'a "
     "aidée à préparer l'entretien."),
    (29, 34, "emploi_temporaire", "CDD de 4 mois en maraîchage", Note.PLUTOT, Note.TOUT_A_FAIT, ""),
    (31, 28, "formation_qualifiante", "CAP cuisine en alternance", Note.TOUT_A_FAIT, Note.PLUTOT, "Merci."),
    (34, 22, "emploi_durable", "CDI de cariste", Note.PLUTOT, Note.PLUTOT, ""),
    (38, 16, "creation_entreprise", "Micro-entreprise de couture", Note.TOUT_A_FAIT, Note.TOUT_A_FAIT, "Les "
     "ateliers m'ont donné confiance."),
    (41, 10, "demenagement", "Installation en Gironde", Note.PLUTOT, Note.TOUT_A_FAIT, ""),
    (45, 5, "emploi_temporaire", "Saison des vendanges", Note.TOUT_A_FAIT, Note.PLUTOT, ""),
]  # fmt: skip
JOURS_AVANT_L_AVIS = 4


def charger(organisations) -> str:
    if EspacePersonne.objects.filter(compte__identifiant=IDENTIFIANT_JESSICA).exists():
        return ""
    if "cd40" not in (organisations or {}):
        return ""
    demo = Demo(organisations)
    jessica, damien = _carnet("DEMO-P06"), _carnet("DEMO-P08")
    if jessica is None or damien is None:
        return ""
    with transaction.atomic():
        _jessica(demo, jessica)
        _ouvrir_espace(damien, identifiant=IDENTIFIANT_DAMIEN, mot_de_passe=MOT_DE_PASSE_DEMO)
        avis = _avis_du_trimestre(demo)
    return (
        f"Espaces personnels : Jessica Cazaux ({IDENTIFIANT_JESSICA}) et Damien Pujol ({IDENTIFIANT_DAMIEN}) ; "
        f"{avis} avis anonymes."
    )


def _carnet(identifiant) -> Carnet | None:
    return Carnet.objects.select_related("personne").filter(personne__identifiant_departement=identifiant).first()


def _referent(carnet):
    return Intervenant.objects.referents().select_related("utilisateur").get(carnet=carnet).utilisateur


def _ouvrir_espace(carnet, *, identifiant="", mot_de_passe=None):
    """Le référent remet un code ; la personne l'utilise et choisit son mot de passe (par défaut, un mot de passe
    que personne ne connaît : ces comptes ne servent qu'à donner un avis dans la démonstration)."""
    invitation, _code = activation.remettre_code(carnet, acteur=_referent(carnet), identifiant=identifiant)
    return activation.activer(invitation, mot_de_passe=mot_de_passe or secrets.token_urlsafe(24))


# --- Jessica Cazaux -----------------------------------------------------------------------------------------


def _jessica(demo, carnet):
    """Orientée vers France Travail, contrat signé il y a une semaine : elle active son espace avec le code remis
    par sa conseillère, dit un souhait et un besoin, commente l'objectif de son plan, y donne son accord depuis son
    espace, et permet à l'association Mobilité Landes de lire son carnet."""
    compte = _ouvrir_espace(carnet, identifiant=IDENTIFIANT_JESSICA, mot_de_passe=MOT_DE_PASSE_DEMO)
    conseillere = _referent(carnet)
    parole.exprimer(
        carnet,
        acteur=compte,
        type=ExpressionPersonne.Type.SOUHAIT,
        texte="Travailler dans une crèche ou une école maternelle, à Dax si possible.",
    )
    parole.exprimer(
        carnet,
        acteur=compte,
        type=ExpressionPersonne.Type.BESOIN,
        texte="Une solution de garde pour ma fille le mercredi, pour pouvoir suivre les ateliers.",
    )
    contrat = parole.contrat_en_cours(carnet)
    objectif = carnet.objectifs.first() or services.ajouter_objectif(
        carnet,
        acteur=conseillere,
        axe="emploi",
        libelle_libre="Retrouver un emploi dans la petite enfance",
        contrat=contrat,
    )
    parole.commenter_objectif(
        objectif,
        acteur=compte,
        texte="Je peux commencer en septembre, quand ma fille aura sa place en crèche.",
    )
    if contrat is not None:
        # L'accord recueilli à la signature par la conseillère (`demo_parcours`) laisse place à celui que Jessica
        # donne elle-même depuis son espace : c'est lui que la démonstration montre.
        ContratEngagement.objects.filter(pk=contrat.pk).update(accord_personne_le=None)
        parole.accepter_plan(carnet, acteur=compte)
    partage.donner_consentement(carnet, acteur=compte, organisation=demo.org["asso"])
    _consultations(demo, carnet)


def _consultations(demo, carnet):
    """Sa conseillère et sa première référente (accompagnatrice depuis l'orientation) ont ouvert son carnet ces
    dernières semaines, pour l'organisation qu'elles y représentent."""
    participations = {
        intervenant.utilisateur.email: intervenant
        for intervenant in Intervenant.objects.filter(carnet=carnet).select_related("utilisateur")
    }
    for email, jours, heure, onglets in CONSULTATIONS:
        intervenant = participations.get(email)
        if intervenant is None:
            continue
        for rang, onglet in enumerate(onglets):
            # Le journal est en ajout seul : la ligne naît à sa date, elle ne se re-date pas.
            ConsultationCarnet.objects.create(
                carnet=carnet,
                utilisateur=intervenant.utilisateur,
                organisation=intervenant.organisation,
                onglet=onglet,
                date=demo.instant(-jours, heure, 2 * rang),
            )


# --- Avis anonymes du dernier trimestre complet --------------------------------------------------------------


def _dernier_trimestre(aujourd_hui: date) -> tuple[date, date]:
    """Le dernier trimestre civil fini (celui que la page des indicateurs montre par défaut)."""
    debut_en_cours = date(aujourd_hui.year, (aujourd_hui.month - 1) // 3 * 3 + 1, 1)
    return delais.ajouter_mois(debut_en_cours, -3), debut_en_cours - timedelta(days=1)


def _avis_du_trimestre(demo) -> int:
    """Sept personnes sorties à la fin du dernier trimestre complet ouvrent leur espace et donnent leur avis sur
    leur sortie, quelques jours après (dans le même trimestre). Une sortie plus ancienne que la fenêtre
    d'évaluation n'est plus proposée : elle est alors ramenée au bord de cette fenêtre."""
    debut, fin = _dernier_trimestre(demo.aujourd_hui)
    plus_ancienne = demo.aujourd_hui - evaluation.FENETRE_EVALUATION + timedelta(days=7)
    donnes = 0
    for numero, avant_la_fin, motif, precision, utilite, ecoute, commentaire in AVIS:
        carnet = _carnet(f"DEMO-{numero:04d}")
        if carnet is None or carnet.statut != Carnet.Statut.ACTIF:
            continue
        ouverture = timezone.localdate(carnet.date_creation)
        jour = max(fin - timedelta(days=avant_la_fin), plus_ancienne, ouverture, debut)
        jours = (demo.aujourd_hui - jour).days
        with _au_jour(demo, jours):
            sortie = suivi.sortir(carnet, acteur=_referent(carnet), motif=motif, date_sortie=jour, precision=precision)
        compte = _ouvrir_espace(carnet)
        avis = evaluation.donner_avis(
            carnet,
            TypeEtape.SORTIE,
            sortie.pk,
            acteur=compte,
            utilite=utilite,
            ecoute=ecoute,
            recommanderait=Evaluation.Recommandation.OUI,
            commentaire=commentaire,
        )
        repondu = min(jour + timedelta(days=JOURS_AVANT_L_AVIS), fin, demo.aujourd_hui)
        Evaluation.objects.filter(pk=avis.pk).update(mois=repondu.replace(day=1))
        donnes += 1
    return donnes
