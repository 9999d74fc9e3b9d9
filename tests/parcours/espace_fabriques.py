"""Fabriques de l'espace personnel : le compte d'une personne et son espace ouvert, sans passer par l'activation
(testée à part)."""

from parcours.models import EspacePersonne
from partenaires.models import Utilisateur
from tests.factories import MOT_DE_PASSE


def ouvrir_espace(carnet, *, email=None, identifiant=None) -> Utilisateur:
    """Ouvre l'espace de la personne du carnet et rend son compte (par défaut : un identifiant, sans e-mail)."""
    personne = carnet.personne
    if not email and not identifiant:
        identifiant = f"{personne.prenom}.{personne.nom}.{personne.pk}".lower()
    compte = Utilisateur.objects.creer_compte_personne(
        email=email, identifiant=identifiant, password=MOT_DE_PASSE, prenom=personne.prenom, nom=personne.nom
    )
    EspacePersonne.objects.create(personne=personne, compte=compte)
    return compte
