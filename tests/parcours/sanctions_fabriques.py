"""Fabriques des manquements, pour les tests des sanctions et des équipes pluridisciplinaires : les objets sont créés
directement en base (sans passer par les services), à l'étape voulue de la procédure."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from parcours import services
from parcours.models import DossierEquipe, EquipePluridisciplinaire, Manquement, SeanceEquipe
from partenaires.choix import Role, TypeOrganisation
from tests.factories import OrganisationFactory, membre

PARIS = ZoneInfo("Europe/Paris")


def _organisation_de(acteur):
    return acteur.membres.select_related("organisation").order_by("id").first().organisation


def manquement(carnet, acteur, **champs):
    """Un manquement constaté par `acteur` (au nom de sa première organisation), sans autre étape."""
    valeurs = {
        "type": Manquement.Type.REFUS_CONTRAT,
        "faits": "Ne s'est pas présentée aux trois rendez-vous fixés pour élaborer le contrat.",
        "date_faits": date(2025, 9, 1),
        "constate_par": acteur,
        "organisation": champs.pop("organisation", None) or _organisation_de(acteur),
    }
    valeurs.update(champs)
    return Manquement.objects.create(carnet=carnet, **valeurs)


def manquement_avis_envoye(
    carnet, acteur, *, avis_envoye_le=date(2025, 9, 10), jours_observations=10, canal="courrier", **champs
):
    """Un manquement sans motif légitime, dont l'avis est envoyé : les observations sont possibles jusqu'à
    `avis_envoye_le + jours_observations`."""
    valeurs = {
        "statut": Manquement.Statut.AVIS_ENVOYE,
        "motif_legitime_examine_le": avis_envoye_le,
        "motif_legitime": False,
        "motif_legitime_precision": "Aucun motif de santé, de garde d'enfant ni de force majeure.",
        "avis_envoye_le": avis_envoye_le,
        "canal_avis": canal,
        "fin_observations": avis_envoye_le + timedelta(days=jours_observations),
    }
    return manquement(carnet, acteur, **(valeurs | champs))


def avis_equipe(manquement, acteur, *, avis=DossierEquipe.Avis.FAVORABLE, equipe=None, date_seance=date(2025, 9, 15)):
    """Le dossier du manquement présenté à une séance de l'équipe pluridisciplinaire du Département (organisation de
    `acteur`), avec l'avis donné (vide : pas encore rendu)."""
    organisation = _organisation_de(acteur)
    if equipe is None:
        equipe, _ = EquipePluridisciplinaire.objects.get_or_create(
            departement=organisation.departement,
            nom="Équipe pluridisciplinaire du Marsan",
            defaults={"organisation": organisation, "cree_par": acteur},
        )
    seance = SeanceEquipe.objects.create(
        equipe=equipe, date_heure=datetime.combine(date_seance, time(14), PARIS), cree_par=acteur
    )
    return DossierEquipe.objects.create(
        seance=seance,
        carnet=manquement.carnet,
        motif=DossierEquipe.Motif.MANQUEMENT,
        manquement=manquement,
        resume="Trois rendez-vous manqués pour le contrat, sans réponse aux relances.",
        presente_par=acteur,
        organisation=organisation,
        avis=avis,
        motif_avis="Avis motivé de l'équipe." if avis else "",
        avis_le=date_seance if avis else None,
        avis_saisi_par=acteur if avis else None,
    )


# --- Le décor des tests des sanctions -------------------------------------------------------------

AUJOURD_HUI = date(2025, 10, 1)


def le(time_machine, jour):
    """Place l'horloge au matin de `jour` (heure de Paris) : pour saisir une étape le jour où elle a lieu."""
    time_machine.move_to(datetime.combine(jour, time(10), PARIS), tick=False)


@pytest.fixture
def territoire(time_machine, db):
    """Le 1er octobre 2025 : un carnet suivi par la mission locale des Landes (référente Claire, et un conseiller
    du groupe de suivi) ; le Département des Landes y a une chargée d'orientation (qui ne lit pas le carnet) et un
    pilote ; un Département voisin a son propre chargé d'orientation."""
    le(time_machine, AUJOURD_HUI)
    departement = OrganisationFactory(nom="Département des Landes", departement="40")
    mission_locale = OrganisationFactory(
        nom="Mission locale des Landes", type=TypeOrganisation.MISSION_LOCALE, departement="40"
    )
    voisin = OrganisationFactory(nom="Département des Pyrénées-Atlantiques", departement="64")
    referente = membre(mission_locale, prenom="Claire", nom="Duprat").utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente,
        organisation=mission_locale,
        nom="Lalanne",
        prenom="Inès",
        date_naissance=date(1988, 5, 3),
        email="ines.lalanne@exemple.fr",
    )
    return {
        "departement": departement,
        "mission_locale": mission_locale,
        "referente": referente,
        "collegue": membre(mission_locale, prenom="Marc", nom="Collègue").utilisateur,
        "carnet": carnet,
        "charge": membre(departement, Role.CHARGE_ORIENTATION, prenom="Sophie", nom="Charge").utilisateur,
        "pilote": membre(departement, Role.PILOTE).utilisateur,
        "charge_voisin": membre(voisin, Role.CHARGE_ORIENTATION).utilisateur,
        "etranger": membre(OrganisationFactory(nom="Autre", departement="40")).utilisateur,
    }
