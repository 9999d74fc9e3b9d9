from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parcours import services
from parcours.models import EvenementCarnet, Statut
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db


@pytest.fixture
def contexte():
    departement = OrganisationFactory()
    referente = membre(departement).utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Martin", prenom="Léa", date_naissance=date(1990, 4, 12)
    )
    return {"carnet": carnet, "departement": departement, "referente": referente}


def test_un_changement_de_statut_clot_l_ancien_et_garde_l_historique(client, connecter, contexte):
    carnet, referente = contexte["carnet"], contexte["referente"]
    services.changer_statut(
        carnet, acteur=referente, type="droit_rsa", valeur="ouvert_versable", date_debut=date(2025, 3, 1)
    )
    services.changer_statut(
        carnet,
        acteur=referente,
        type="droit_rsa",
        valeur="ouvert_suspendu",
        date_debut=date(2026, 2, 1),
        motif="DTR non fournie",
    )
    ancien, nouveau = Statut.objects.order_by("date_debut")
    assert (ancien.date_fin, nouveau.date_fin) == (date(2026, 2, 1), None)
    connecter(referente)
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid])).content.decode()
    assert "Droit au RSA : Droit ouvert et suspendu" in page and "DTR non fournie" in page
    assert "Droit ouvert et versable" in page  # dans l'historique des statuts


def test_une_date_anterieure_a_la_valeur_en_cours_est_refusee(contexte):
    carnet, referente = contexte["carnet"], contexte["referente"]
    services.changer_statut(carnet, acteur=referente, type="deld", valeur="oui", date_debut=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="ne peut pas commencer avant"):
        services.changer_statut(carnet, acteur=referente, type="deld", valeur="non", date_debut=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="pas possible pour ce statut"):
        services.changer_statut(carnet, acteur=referente, type="deld", valeur="clos", date_debut=date(2026, 4, 1))
    assert Statut.objects.get().date_fin is None


def test_la_rqth_n_est_visible_et_modifiable_que_par_les_intervenants(client, connecter, contexte):
    carnet, referente, departement = contexte["carnet"], contexte["referente"], contexte["departement"]
    services.changer_statut(carnet, acteur=referente, type="rqth", valeur="oui", date_debut=date(2024, 6, 1))
    evenement = carnet.evenements.get(type=EvenementCarnet.Type.STATUT_CHANGE)
    assert evenement.details == {"statut": "RQTH (travailleur handicapé)"}  # sans la valeur

    admin = membre(departement, Role.ADMINISTRATEUR).utilisateur  # voit et modifie le carnet, sans être intervenant
    with pytest.raises(PermissionDenied):
        services.changer_statut(carnet, acteur=admin, type="rqth", valeur="non", date_debut=date(2026, 1, 1))
    connecter(admin)
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid])).content.decode()
    assert "RQTH (travailleur handicapé) : Oui" not in page and "réservée aux intervenants" in page
    connecter(referente)
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid])).content.decode()
    assert "RQTH (travailleur handicapé) : Oui" in page
