"""Listes de valeurs de la gouvernance (sans dépendance aux modèles)."""

from django.db import models

VOIR_CONSORTIUM = "gouvernance.view_consortium"
VOIR_COMITE = "gouvernance.view_comite"
DUREE_MANDAT_ANNEES = 3
QUORUM_POURCENTAGE = 50
MAX_COPRESIDENTS = 2


class RoleConsortium(models.TextChoices):
    PILOTE = "pilote", "Pilote"
    MEMBRE = "membre", "Membre"


class TypeComite(models.TextChoices):
    STRATEGIQUE = "strategique", "Comité stratégique / comité départemental pour l'emploi"
    OPERATIONNEL = "operationnel", "Comité opérationnel"
    LOCAL = "local", "Comité local pour l'emploi"
    TECHNIQUE = "technique", "Comité technique"
    COMMISSION_INCLUSION = "commission_inclusion", "Commission inclusion"
    AUTRE = "autre", "Autre instance"


class Theme(models.TextChoices):
    """Thèmes des comités techniques, repris pour classer les fiches action (conférence des financeurs)."""

    EMPLOI = "emploi", "Emploi"
    MOBILITE = "mobilite", "Mobilité"
    SANTE = "sante", "Santé"
    LUTTE_EXCLUSION = "lutte_exclusion", "Lutte contre l'exclusion"
    SUIVI_PARCOURS = "suivi_parcours", "Suivi des parcours"
    AUTRE = "autre", "Autre"


class Periodicite(models.TextChoices):
    MENSUELLE = "mensuelle", "Mensuelle"
    TRIMESTRIELLE = "trimestrielle", "Trimestrielle"
    SEMESTRIELLE = "semestrielle", "Semestrielle"
    ANNUELLE = "annuelle", "Annuelle"
    A_LA_DEMANDE = "a_la_demande", "À la demande"


class Voix(models.TextChoices):
    DELIBERATIVE = "deliberative", "Voix délibérative"
    CONSULTATIVE = "consultative", "Voix consultative"


class Qualite(models.TextChoices):
    TITULAIRE = "titulaire", "Titulaire"
    SUPPLEANT = "suppleant", "Suppléant"


class StatutSeance(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    ORDRE_DU_JOUR_VALIDE = "ordre_du_jour_valide", "Ordre du jour validé"
    CONVOQUEE = "convoquee", "Convoquée"
    CLOTUREE = "cloturee", "Clôturée"


class TypePoint(models.TextChoices):
    INFORMATION = "information", "Information"
    DELIBERATION = "deliberation", "Délibération"
    SUIVI_FICHE = "suivi_fiche", "Suivi d'une fiche action"


class StatutPresence(models.TextChoices):
    PRESENT = "present", "Présent"
    REPRESENTE = "represente", "Représenté (pouvoir)"
    EXCUSE = "excuse", "Excusé"
    ABSENT = "absent", "Absent"


class ModeDecision(models.TextChoices):
    VOTE = "vote", "Vote"
    CONSENSUS = "consensus", "Consensus"


class ChoixVote(models.TextChoices):
    POUR = "pour", "Pour"
    CONTRE = "contre", "Contre"
    ABSTENTION = "abstention", "Abstention"


class ResultatDeliberation(models.TextChoices):
    ADOPTEE = "adoptee", "Adoptée"
    REJETEE = "rejetee", "Rejetée"


class StatutDecision(models.TextChoices):
    A_FAIRE = "a_faire", "À faire"
    EN_COURS = "en_cours", "En cours"
    REALISEE = "realisee", "Réalisée"
    ABANDONNEE = "abandonnee", "Abandonnée"


DECISIONS_OUVERTES = (StatutDecision.A_FAIRE, StatutDecision.EN_COURS)


class Programme(models.TextChoices):
    PTI = "pti", "Pacte territorial d'insertion"
    SPIE = "spie", "Service public de l'insertion et de l'emploi"
    AUTRE = "autre", "Autre programme"


class StatutFiche(models.TextChoices):
    EN_PROJET = "en_projet", "En projet"
    EN_COURS = "en_cours", "En cours"
    SUSPENDUE = "suspendue", "Suspendue"
    REALISEE = "realisee", "Réalisée"
    ABANDONNEE = "abandonnee", "Abandonnée"


class Financeur(models.TextChoices):
    ETAT = "etat", "État"
    DEPARTEMENT = "departement", "Département"
    FSE = "fse", "Fonds social européen (FSE+)"
    REGION = "region", "Région"
    AUTRE = "autre", "Autre financeur"


class PublicFiche(models.TextChoices):
    BRSA = "brsa", "Bénéficiaires du RSA"
    DELD = "deld", "Demandeurs d'emploi de longue durée"
    JEUNES = "jeunes", "Jeunes de 16 à 25 ans"
    PARENTS_ISOLES = "parents_isoles", "Parents isolés"
    RQTH = "rqth", "Personnes en situation de handicap (RQTH, BOE)"
    TOUS = "tous", "Tous publics"
