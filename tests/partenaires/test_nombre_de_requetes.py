import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db


def nombre_de_requetes(client, url):
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


@pytest.mark.parametrize("taille", [1, 50])
def test_la_liste_des_organisations_a_un_nombre_de_requetes_fixe(client, connecter, taille, django_assert_num_queries):
    pilote = membre(OrganisationFactory(), Role.PILOTE).utilisateur
    for _ in range(taille - 1):
        membre(OrganisationFactory())
    connecter(pilote)
    nombre_de_requetes(client, reverse("partenaires:organisations"))  # chauffe (session, contenttypes)
    with django_assert_num_queries(NOMBRE_ORGANISATIONS):
        client.get(reverse("partenaires:organisations"))


@pytest.mark.parametrize("taille", [1, 50])
def test_la_page_des_membres_a_un_nombre_de_requetes_fixe(client, connecter, taille, django_assert_num_queries):
    organisation = OrganisationFactory()
    admin = membre(organisation, Role.ADMINISTRATEUR)
    for _ in range(taille - 1):
        membre(organisation)
    connecter(admin.utilisateur)
    url = reverse("partenaires:membres", args=[organisation.uuid])
    nombre_de_requetes(client, url)
    with django_assert_num_queries(NOMBRE_MEMBRES):
        client.get(url)


NOMBRE_ORGANISATIONS = 10
NOMBRE_MEMBRES = 11
