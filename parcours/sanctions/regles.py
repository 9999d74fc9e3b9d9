"""Les bornes légales des manquements et des sanctions, en un seul endroit (articles L262-37 et R262-68 et suivants
du code de l'action sociale et des familles, dans leur rédaction issue de la loi du 18 décembre 2023 pour le plein
emploi et du décret n° 2025-478 du 30 mai 2025 ; voir docs/sanctions.md).

Chaque fonction `verifier_*` lève une `ValidationError` (par champ du formulaire) quand une règle n'est pas
respectée ; les services les appellent avant toute écriture."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from parcours.models import DossierEquipe, Manquement, ParametresTerritoire

# Suspension : taux en pourcentage du montant dû, durée en mois.
TAUX_MINIMUM = 30
TAUX_MAXIMUM = 100
TAUX_MAXIMUM_FOYER = 50  # foyer de plus d'une personne
DUREE_MINIMUM = 1
DUREE_MAXIMUM_PREMIER = 2
DUREE_MAXIMUM_RECIDIVE = 4

# Un avis remis par courrier ou en main propre s'enregistre au plus tard 5 jours après son envoi : au-delà, la date
# d'envoi est refusée ; la fin des observations ne tombe donc jamais plus tôt que (jour de la saisie + délai − 5).
# Par courriel, l'avis part à la saisie : sa date d'envoi est le jour même.
JOURS_SAISIE_AVIS = 5

DECISIONS_SANCTION = (Manquement.Decision.SUSPENSION, Manquement.Decision.RADIATION)
AVIS_RENDUS = (DossierEquipe.Avis.FAVORABLE, DossierEquipe.Avis.DEFAVORABLE)


def jours_observations(departements) -> int:
    """Le délai d'observations du territoire : le réglage du département du carnet (le plus long s'il y en a
    plusieurs, au bénéfice de la personne), 10 jours sans réglage."""
    reglages = ParametresTerritoire.objects.filter(departement__in=departements).values_list(
        "jours_observations", flat=True
    )
    return max(reglages, default=ParametresTerritoire.JOURS_OBSERVATIONS_DEFAUT)


def fin_observations(avis_envoye_le: date, jours: int) -> date:
    """Le dernier jour où la personne peut présenter ses observations (inclus)."""
    return avis_envoye_le + timedelta(days=jours)


def _pas_dans_le_futur(champ: str, jour: date, aujourd_hui: date, erreurs: dict) -> None:
    if jour > aujourd_hui:
        erreurs.setdefault(champ, []).append("La date ne peut pas être dans le futur.")


def _lever(erreurs: dict) -> None:
    if erreurs:
        raise ValidationError(erreurs)


# --- Constat --------------------------------------------------------------------------------------


def verifier_constat(*, date_faits: date, faits: str, aujourd_hui: date) -> None:
    erreurs = {}
    _pas_dans_le_futur("date_faits", date_faits, aujourd_hui, erreurs)
    if not faits.strip():
        erreurs["faits"] = ["Décrivez les faits constatés."]
    _lever(erreurs)


# --- Motif légitime -------------------------------------------------------------------------------


def verifier_examen_motif(manquement, *, examine_le: date, precision: str, aujourd_hui: date) -> None:
    if manquement.statut != Manquement.Statut.CONSTATE or manquement.motif_legitime is not None:
        raise ValidationError("Le motif légitime de ce manquement est déjà examiné.")
    erreurs = {}
    _pas_dans_le_futur("examine_le", examine_le, aujourd_hui, erreurs)
    if examine_le < manquement.date_faits:
        erreurs.setdefault("examine_le", []).append("L'examen ne peut pas précéder les faits.")
    if not precision.strip():
        erreurs["precision"] = ["Précisez ce qui a été examiné (santé, garde d'enfant, force majeure…)."]
    _lever(erreurs)


# --- Avis de manquement ---------------------------------------------------------------------------


def verifier_avis(manquement, *, avis_envoye_le: date, canal: str, email: str, aujourd_hui: date) -> None:
    """La date d'envoi de l'avis fait courir le délai d'observations : elle ne se choisit pas librement. Par
    courriel, c'est le jour de la saisie (le courriel part alors) ; par courrier ou remise en main propre, au plus
    `JOURS_SAISIE_AVIS` jours avant la saisie, sans précéder les faits ni l'examen du motif légitime."""
    if manquement.statut != Manquement.Statut.CONSTATE:
        raise ValidationError("L'avis de ce manquement est déjà envoyé, ou la procédure est close.")
    if manquement.motif_legitime is not False:
        raise ValidationError("Examinez d'abord l'existence d'un motif légitime.")
    erreurs = {}

    def erreur(champ, message):
        erreurs.setdefault(champ, []).append(message)

    _pas_dans_le_futur("avis_envoye_le", avis_envoye_le, aujourd_hui, erreurs)
    if canal == Manquement.Canal.COURRIEL and avis_envoye_le < aujourd_hui:
        erreur("avis_envoye_le", "Par courriel, l'avis part aujourd'hui : sa date d'envoi est celle du jour.")
    elif avis_envoye_le < aujourd_hui - timedelta(days=JOURS_SAISIE_AVIS):
        erreur(
            "avis_envoye_le",
            f"L'envoi d'un avis s'enregistre au plus tard {JOURS_SAISIE_AVIS} jours après : la date d'envoi ne peut "
            f"pas précéder le {aujourd_hui - timedelta(days=JOURS_SAISIE_AVIS):%d/%m/%Y}.",
        )
    if avis_envoye_le < manquement.date_faits:
        erreur("avis_envoye_le", "L'avis ne peut pas précéder les faits.")
    if avis_envoye_le < manquement.motif_legitime_examine_le:
        erreur("avis_envoye_le", "L'avis ne peut pas précéder l'examen du motif légitime.")
    if canal == Manquement.Canal.COURRIEL and not email:
        erreur("canal", "La personne n'a pas d'adresse e-mail : choisissez le courrier ou la remise en main propre.")
    _lever(erreurs)


# --- Observations ---------------------------------------------------------------------------------


def verifier_observations(manquement, *, texte: str, recues_le: date, aujourd_hui: date) -> None:
    if manquement.statut != Manquement.Statut.AVIS_ENVOYE:
        raise ValidationError("Les observations s'enregistrent entre l'envoi de l'avis et la décision.")
    erreurs = {}
    _pas_dans_le_futur("recues_le", recues_le, aujourd_hui, erreurs)
    if recues_le < manquement.avis_envoye_le:
        erreurs.setdefault("recues_le", []).append("Les observations ne peuvent pas précéder l'envoi de l'avis.")
    if not texte.strip():
        erreurs["observations"] = ["Indiquez les observations de la personne."]
    _lever(erreurs)


# --- Décision -------------------------------------------------------------------------------------


def est_recidive(manquement) -> bool:
    """Un manquement répété : un autre manquement du carnet avait déjà été sanctionné (suspension ou radiation
    décidée) avant les faits de celui-ci. L'ordre des décisions n'y fait rien ; une sanction levée compte encore
    (la levée dit que la personne s'est conformée à ses obligations, pas que le manquement n'a pas eu lieu) ; le
    décret ne fixe pas de durée au-delà de laquelle une sanction ancienne cesserait de compter."""
    return (
        Manquement.objects.filter(
            carnet=manquement.carnet_id,
            statut=Manquement.Statut.DECIDE,
            decision__in=DECISIONS_SANCTION,
            decide_le__lt=manquement.date_faits,
        )
        .exclude(pk=manquement.pk)
        .exists()
    )


def avis_de_l_equipe(manquement):
    """Les dossiers de l'équipe pluridisciplinaire sur ce manquement où l'équipe a rendu son avis."""
    return DossierEquipe.objects.filter(
        manquement=manquement, motif=DossierEquipe.Motif.MANQUEMENT, avis__in=AVIS_RENDUS
    )


def peut_decider_le(manquement, aujourd_hui: date) -> bool:
    """La fenêtre d'observations est close : la décision est possible dès le lendemain de `fin_observations`."""
    return manquement.statut == Manquement.Statut.AVIS_ENVOYE and aujourd_hui > manquement.fin_observations


def verifier_decision(
    manquement,
    *,
    decision: str,
    decide_le: date,
    motif: str,
    taux: int | None,
    duree: int | None,
    personnes_foyer: int | None,
    recidive: bool,
    avis_equipe: bool,
    aujourd_hui: date,
) -> None:
    if manquement.statut != Manquement.Statut.AVIS_ENVOYE:
        raise ValidationError("Une décision suit l'envoi de l'avis, une seule fois.")
    erreurs = {}

    def erreur(champ, message):
        erreurs.setdefault(champ, []).append(message)

    _pas_dans_le_futur("decide_le", decide_le, aujourd_hui, erreurs)
    if decide_le <= manquement.fin_observations:
        erreur(
            "decide_le",
            f"La personne peut présenter ses observations jusqu'au {manquement.fin_observations:%d/%m/%Y} : "
            "la décision se prend après.",
        )
    if not motif.strip():
        erreur("motif", "Motivez la décision.")
    if decision in DECISIONS_SANCTION and not avis_equipe:
        erreur("decision", "Une sanction suppose l'avis de l'équipe pluridisciplinaire sur ce manquement.")
    if decision == Manquement.Decision.RADIATION and not recidive:
        erreur("decision", "La radiation n'est possible qu'en cas de manquement répété.")
    if decision == Manquement.Decision.SUSPENSION:
        _verifier_suspension(taux, duree, personnes_foyer, recidive, erreur)
    _lever(erreurs)


def _verifier_suspension(taux, duree, personnes_foyer, recidive, erreur) -> None:
    if taux is None:
        erreur("taux", "Indiquez le taux de la suspension.")
    elif not TAUX_MINIMUM <= taux <= TAUX_MAXIMUM:
        erreur("taux", f"Le taux de suspension est compris entre {TAUX_MINIMUM} et {TAUX_MAXIMUM} %.")
    duree_maximum = DUREE_MAXIMUM_RECIDIVE if recidive else DUREE_MAXIMUM_PREMIER
    if duree is None:
        erreur("duree", "Indiquez la durée de la suspension.")
    elif not DUREE_MINIMUM <= duree <= duree_maximum:
        quand = "pour un manquement répété" if recidive else "pour un premier manquement"
        erreur("duree", f"La suspension dure de {DUREE_MINIMUM} à {duree_maximum} mois {quand}.")
    if personnes_foyer is None or personnes_foyer < 1:
        erreur("personnes_foyer", "Indiquez le nombre de personnes du foyer (au moins une).")
    elif personnes_foyer > 1 and taux is not None and taux > TAUX_MAXIMUM_FOYER:
        erreur("taux", f"Pour un foyer de plus d'une personne, la suspension est plafonnée à {TAUX_MAXIMUM_FOYER} %.")


# --- Levée ----------------------------------------------------------------------------------------


def verifier_levee(manquement, *, levee_le: date, motif: str, aujourd_hui: date) -> None:
    if manquement.decision not in DECISIONS_SANCTION:
        raise ValidationError("Seule une suspension ou une radiation se lève.")
    if manquement.levee_le is not None:
        raise ValidationError("Cette sanction est déjà levée.")
    erreurs = {}
    _pas_dans_le_futur("levee_le", levee_le, aujourd_hui, erreurs)
    if levee_le < manquement.decide_le:
        erreurs.setdefault("levee_le", []).append("La levée ne peut pas précéder la décision.")
    if not motif.strip():
        erreurs["motif"] = ["Indiquez en quoi la personne s'est conformée à ses obligations."]
    _lever(erreurs)
