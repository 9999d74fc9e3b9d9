"""Le décor des tests des études de situations : le comité départemental pour l'emploi des Landes
(`fabriques.equipe_comite`) et, dans le même consortium, un comité technique « mobilité » tenu par le même
secrétaire, co-présidé par le préfet, où siègent l'État, le Département et la CAF. Une professionnelle de la CAF
est la référente du carnet d'Alexandra Durand."""

from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from gouvernance.choix import Theme, TypeComite
from gouvernance.composition import services as composition
from gouvernance.etudes import services
from parcours import services as parcours_services
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques

SITUATION = "Mère isolée de deux enfants, sans permis, à 25 km du premier emploi proposé."
QUESTION = "Quel financement mobiliser pour le permis B et la garde des enfants ?"


def comite_technique(equipe, *, nom="Comité technique mobilité", theme=Theme.MOBILITE, **champs):
    champs.setdefault("secretaire", equipe.secretaire)
    comite = fabriques.comite(equipe.consortium, nom=nom, type=TypeComite.TECHNIQUE, theme=theme, **champs)
    siege_etat = fabriques.siege(comite, equipe.prefecture, ordre=1)
    fabriques.siege(comite, equipe.departement, ordre=2)
    fabriques.siege(comite, equipe.caf, ordre=3)
    composition.ajouter_copresidence(
        comite, acteur=equipe.pilote, siege=siege_etat, utilisateur=equipe.prefet, voix_preponderante=True
    )
    return comite


def ouvrir_carnet(referente, organisation, *, prenom="Alexandra", nom="Durand"):
    return parcours_services.ouvrir_carnet(
        acteur=referente, organisation=organisation, nom=nom, prenom=prenom, date_naissance=date(1988, 5, 17)
    )


def soumettre(decor, *, carnet=None, comite=None, acteur=None, **champs):
    champs.setdefault("consentement", "ecrit")
    champs.setdefault("consentement_le", timezone.localdate() - timedelta(days=2))
    champs.setdefault("situation", SITUATION)
    champs.setdefault("question", QUESTION)
    return services.soumettre_etude(
        carnet or decor.carnet, acteur=acteur or decor.referente, comite=comite or decor.technique, **champs
    )


def decor_etudes():
    equipe = fabriques.equipe_comite()
    technique = comite_technique(equipe)
    referente = membre(equipe.caf, Role.PROFESSIONNEL, prenom="Rita", nom="Référente").utilisateur
    collegue = membre(equipe.caf, Role.PROFESSIONNEL, prenom="Colin", nom="Collègue").utilisateur
    ailleurs = OrganisationFactory(nom="Département voisin", departement="64")
    return SimpleNamespace(
        equipe=equipe,
        cde=equipe.comite,
        technique=technique,
        secretaire=equipe.secretaire,
        prefet=equipe.prefet,
        referente=referente,
        collegue=collegue,
        caf=equipe.caf,
        ailleurs=ailleurs,
        carnet=ouvrir_carnet(referente, equipe.caf),
    )
