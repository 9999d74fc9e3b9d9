"""Listes de valeurs du domaine des partenaires (sans dépendance aux modèles)."""

from django.db import models


class TypeOrganisation(models.TextChoices):
    DEPARTEMENT = "departement", "Département (conseil départemental)"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    CAF = "caf", "Caisse d'allocations familiales (CAF)"
    MSA = "msa", "Mutualité sociale agricole (MSA)"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CAP_EMPLOI = "cap_emploi", "Cap emploi"
    PLIE = "plie", "Plan local pour l'insertion et l'emploi (PLIE)"
    CCAS_COMMUNE_EPCI = "ccas_commune_epci", "CCAS, commune ou EPCI"
    REGION = "region", "Région"
    ARS = "ars", "Agence régionale de santé (ARS)"
    ETAT = "etat", "État (préfecture, DDETS, DREETS)"
    ASSOCIATION = "association", "Association"
    SIAE = "siae", "Structure d'insertion par l'activité économique (SIAE)"
    CHAMBRE_CONSULAIRE = "chambre_consulaire", "Chambre consulaire (CCI, CMA, chambre d'agriculture)"
    ENTREPRISE = "entreprise", "Entreprise"
    AUTRE = "autre", "Autre"


class Role(models.TextChoices):
    PROFESSIONNEL = "professionnel", "Référent / professionnel"
    ADMINISTRATEUR = "administrateur", "Administrateur de l'organisation"
    CHARGE_ORIENTATION = "charge_orientation", "Chargé d'orientation"
    SECRETAIRE_COMITE = "secretaire_comite", "Secrétaire de comité"
    PILOTE = "pilote", "Pilote territorial"


class TypeEvenement(models.TextChoices):
    ORGANISATION_CREEE = "organisation_creee", "Organisation créée"
    ORGANISATION_MODIFIEE = "organisation_modifiee", "Organisation modifiée"
    INVITATION_ENVOYEE = "invitation_envoyee", "Invitation envoyée"
    INVITATION_ACCEPTEE = "invitation_acceptee", "Invitation acceptée"
    MEMBRE_AJOUTE = "membre_ajoute", "Membre ajouté"
    INVITATION_ANNULEE = "invitation_annulee", "Invitation annulée"
    ROLE_MODIFIE = "role_modifie", "Rôle modifié"
    MEMBRE_DESACTIVE = "membre_desactive", "Membre désactivé"
