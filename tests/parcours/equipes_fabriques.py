"""Fabriques des équipes pluridisciplinaires, pour les tests et la matrice des URL : créées directement en base (sans
passer par les services), pour placer une séance dans le passé ou un dossier à l'étape voulue."""

from datetime import date, timedelta

from django.utils import timezone

from parcours.models import DemandeOrientation, DossierEquipe, EquipePluridisciplinaire, MembreEquipe, SeanceEquipe
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

Qualite = MembreEquipe.Qualite


def equipe_pluridisciplinaire(organisation, acteur, *, nom="EP du Pays dacquois", composee=True, **champs):
    """Une équipe portée par `organisation` ; composée : un professionnel et une représentante des bénéficiaires,
    en fonction depuis le 1er janvier 2020 (sans compte)."""
    equipe = EquipePluridisciplinaire.objects.create(
        departement=organisation.departement, nom=nom, organisation=organisation, cree_par=acteur, **champs
    )
    if composee:
        membre_equipe(equipe, Qualite.PROFESSIONNEL, "Paul Lafitte", structure="CCAS de Dax")
        membre_equipe(equipe, Qualite.REPRESENTANT_BENEFICIAIRES, "Rose Darrigade", structure="Collectif RSA 40")
    return equipe


def membre_equipe(equipe, qualite, nom_complet, *, utilisateur=None, date_debut=date(2020, 1, 1), **champs):
    return MembreEquipe.objects.create(
        equipe=equipe,
        qualite=qualite,
        nom_complet=nom_complet,
        utilisateur=utilisateur,
        date_debut=date_debut,
        **champs,
    )


def seance_equipe(equipe, acteur, *, dans_jours=14, **champs):
    """Une séance dans `dans_jours` jours (négatif : passée, l'avis peut se saisir)."""
    return SeanceEquipe.objects.create(
        equipe=equipe,
        date_heure=timezone.now() + timedelta(days=dans_jours),
        lieu=champs.pop("lieu", "Maison du Département, Dax"),
        cree_par=acteur,
        **champs,
    )


def dossier_equipe(seance, carnet, acteur, *, motif=DossierEquipe.Motif.REORIENTATION, **champs):
    """Un dossier inscrit par `acteur` (au nom de sa première organisation) ; `avis=…` pour un dossier examiné."""
    valeurs = {
        "resume": "Accompagnement social depuis 2023 ; le projet de formation d'aide-soignante est prêt.",
        "presente_par": acteur,
        "organisation": acteur.membres.select_related("organisation").order_by("id").first().organisation,
    }
    if champs.get("avis"):
        valeurs.update(motif_avis="Projet solide.", avis_le=timezone.localdate(), avis_saisi_par=acteur)
    valeurs.update(champs)
    return DossierEquipe.objects.create(seance=seance, carnet=carnet, motif=motif, **valeurs)


def decor(equipe):
    """Le décor des tests, sur la fixture `equipe` (tests/parcours/conftest.py) : le carnet d'Inès Lalanne suivi par le
    Département des Landes (sa référente) et France Travail ; le Département porte l'équipe pluridisciplinaire ; son
    pilote, son chargé d'orientation (délégataire du président) et son administrateur la gèrent ; une représentante
    des bénéficiaires, professionnelle d'une association, y siège avec son compte ; un pilote des Pyrénées-Atlantiques
    et un professionnel du Département sans rôle de gestion n'y ont pas accès."""
    porteur = equipe["departement"]
    pilote = membre(porteur, Role.PILOTE).utilisateur
    association = OrganisationFactory(nom="Collectif RSA 40", type="association")
    representante = membre(association).utilisateur
    ep = equipe_pluridisciplinaire(porteur, pilote)
    membre_equipe(ep, Qualite.REPRESENTANT_BENEFICIAIRES, "Léa Membre", utilisateur=representante)
    return {
        **equipe,
        "porteur": porteur,
        "pilote": pilote,
        "charge": membre(porteur, Role.CHARGE_ORIENTATION).utilisateur,
        "admin": membre(porteur, Role.ADMINISTRATEUR).utilisateur,
        "professionnel_departement": membre(porteur).utilisateur,
        "representante": representante,
        "pilote_64": membre(OrganisationFactory(nom="Département 64", departement="64"), Role.PILOTE).utilisateur,
        "ep": ep,
    }


def demande_reorientation(carnet, acteur, organisation):
    return DemandeOrientation.objects.create(
        carnet=carnet,
        motif=DemandeOrientation.Motif.REORIENTATION,
        organisation_orientation=organisation,
        date_reception=timezone.localdate(),
        parcours_recommande="social",
        motif_demande="Problèmes de santé : un accompagnement social d'abord.",
        demandeur=acteur,
    )
