from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours import services
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db


@pytest.fixture
def departement():
    return OrganisationFactory()


def ouvrir(acteur, organisation, numero, **identite):
    valeurs = {"nom": f"Nom{numero:03d}", "prenom": "Alex", "date_naissance": date(1980, 1, 1)} | identite
    return services.ouvrir_carnet(acteur=acteur, organisation=organisation, **valeurs)


@pytest.mark.parametrize("taille", [1, 50])
def test_la_liste_a_le_meme_nombre_de_requetes_pour_1_et_50_carnets(
    client, connecter, departement, taille, django_assert_num_queries
):
    referente = membre(departement).utilisateur
    for numero in range(taille):
        ouvrir(referente, departement, numero)
    connecter(referente)
    client.get(reverse("parcours:mes_carnets"))
    with django_assert_num_queries(NOMBRE_DE_REQUETES):
        reponse = client.get(reverse("parcours:mes_carnets"))
    assert reponse.context["page"].paginator.count == taille


NOMBRE_DE_REQUETES = 7


def test_la_liste_ne_montre_que_les_carnets_partages_et_se_filtre(client, connecter, departement):
    referente = membre(departement).utilisateur
    collegue = membre(departement).utilisateur
    ouvrir(referente, departement, 1, nom="Martin", identifiant_departement="D-77")
    ouvrir(collegue, departement, 2, nom="Bernard")
    ailleurs = OrganisationFactory()
    ouvrir(membre(ailleurs).utilisateur, ailleurs, 3, nom="Invisible")
    connecter(referente)
    page = client.get(reverse("parcours:mes_carnets")).content.decode()
    assert "MARTIN" in page and "BERNARD" in page and "INVISIBLE" not in page
    page = client.get(reverse("parcours:mes_carnets"), {"filtre": "mes_accompagnements"}).content.decode()
    assert "MARTIN" in page and "BERNARD" not in page
    page = client.get(reverse("parcours:mes_carnets"), {"q": "D-77"}).content.decode()
    assert "MARTIN" in page and "BERNARD" not in page
    reponse = client.get(reverse("parcours:mes_carnets"), {"q": "bern"}, HTTP_HX_REQUEST="true")
    assert "<html" not in reponse.content.decode() and "BERNARD" in reponse.content.decode()


def test_le_filtre_sans_referent(client, connecter, departement):
    from parcours.models import Intervenant

    referente = membre(departement).utilisateur
    carnet = ouvrir(referente, departement, 1, nom="Orphelin")
    ouvrir(referente, departement, 2, nom="Suivi")
    Intervenant.objects.filter(carnet=carnet).update(date_fin=timezone.localdate(), motif_fin="Départ non remplacé")
    admin = membre(departement, Role.ADMINISTRATEUR).utilisateur
    connecter(admin)
    page = client.get(reverse("parcours:mes_carnets"), {"filtre": "sans_referent"}).content.decode()
    assert "ORPHELIN" in page and "SUIVI" not in page
