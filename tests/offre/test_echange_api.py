"""L'API publique de lecture au format data·inclusion v1 : structures et services, filtres, pagination, erreurs de
paramètres en JSON français, et aucune donnée de contact personnelle."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from offre import fraicheur
from offre.echange import correspondance, schema
from offre.echange.schema import SERVICE, STRUCTURE
from offre.models import Service
from tests.offre import fabriques

pytestmark = pytest.mark.django_db

STRUCTURES = reverse("api:structures")
SERVICES = reverse("api:services")
PAU = ("64445", "Pau", "64000")


def lire(client, url, **parametres):
    reponse = client.get(url, parametres)
    assert reponse.status_code == 200, reponse.content.decode()
    assert reponse["Content-Type"] == "application/json"
    return reponse.json()


def erreur(client, url, **parametres):
    reponse = client.get(url, parametres)
    assert reponse.status_code == 400
    return reponse.json()["erreurs"]


def test_les_adresses_sont_celles_de_l_api_v1():
    assert (STRUCTURES, SERVICES) == ("/api/v1/structures", "/api/v1/services")


def test_un_anonyme_lit_les_services_au_format_v1_sans_aucun_contact(client):
    service = fabriques.service(contact_nom_prenom="Camille Laborde", courriel="c.laborde@relais.fr")
    page = lire(client, SERVICES)
    assert page == {"items": page["items"], "total": 1, "page": 1, "taille": 100, "pages": 1}
    (objet,) = page["items"]
    assert schema.erreurs(SERVICE, objet) == []
    assert list(objet) == list(correspondance.CHAMPS_SERVICE)
    assert (objet["id"], objet["structure_id"]) == (service.identifiant, service.structure.identifiant)
    assert objet["contact_nom_prenom"] is objet["courriel"] is objet["telephone"] is None
    assert "laborde" not in lire(client, SERVICES, source=service.source).__repr__().lower()


def test_les_structures_sont_lues_au_format_v1(client):
    structure = fabriques.structure(courriel="accueil@relais.fr", siret="12345678901234")
    (objet,) = lire(client, STRUCTURES)["items"]
    assert schema.erreurs(STRUCTURE, objet) == []
    assert (objet["id"], objet["siret"]) == (structure.identifiant, "12345678901234")
    assert objet["courriel"] is objet["telephone"] is None  # aucun contact dans l'API publique


def test_seuls_les_services_publies_et_dans_les_resultats_sont_montres(client):
    visible = fabriques.service()
    suspendu = fabriques.service()
    suspendu.statut = Service.Statut.SUSPENDU
    suspendu.save()
    # Passé sa fréquence d'actualisation et le délai de grâce : hors des résultats par défaut.
    ancien = fabriques.service(
        date_maj=timezone.localdate() - timedelta(days=400), frequence_actualisation=fraicheur.Frequence.SIX_MOIS
    )
    assert ancien.a_actualiser_le < timezone.localdate() - fraicheur.DELAI_DE_GRACE
    assert [objet["id"] for objet in lire(client, SERVICES)["items"]] == [visible.identifiant]


def test_les_filtres_departement_thematique_et_source(client):
    permis = fabriques.service(thematiques=["mobilite--preparer-un-permis"])
    garde = fabriques.service(thematiques=["famille--garde-denfants"], source="dora")
    pau = fabriques.service(fabriques.structure(commune=PAU), commune=PAU, thematiques=["famille--garde-denfants"])

    def ids(**parametres):
        return {objet["id"] for objet in lire(client, SERVICES, **parametres)["items"]}

    assert ids(departement="40") == {permis.identifiant, garde.identifiant}
    assert ids(departement="64") == {pau.identifiant}
    assert ids(thematique="famille--garde-denfants") == {garde.identifiant, pau.identifiant}
    assert ids(thematique="famille") == {garde.identifiant, pau.identifiant}  # une catégorie
    assert ids(thematique="mobilite", departement="40") == {permis.identifiant}
    assert ids(source="dora") == {garde.identifiant}
    structures = {objet["id"] for objet in lire(client, STRUCTURES, departement="64")["items"]}
    assert structures == {pau.structure.identifiant}


def test_la_pagination_decoupe_le_catalogue(client):
    structure = fabriques.structure()
    crees = [fabriques.service(structure).identifiant for _ in range(5)]
    premiere = lire(client, SERVICES, taille=2)
    assert (premiere["total"], premiere["page"], premiere["taille"], premiere["pages"]) == (5, 1, 2, 3)
    derniere = lire(client, SERVICES, taille=2, page=3)
    pages = [
        objet["id"]
        for page in (premiere, lire(client, SERVICES, taille=2, page=2), derniere)
        for objet in page["items"]
    ]
    assert pages == crees
    assert lire(client, STRUCTURES, page=1)["total"] == 1


def test_un_catalogue_vide_a_une_page_vide(client):
    assert lire(client, SERVICES) == {"items": [], "total": 0, "page": 1, "taille": 100, "pages": 0}


@pytest.mark.parametrize(
    ("parametres", "attendu"),
    [
        ({"taille": "0"}, {"taille": ["« taille » est un nombre entier, 1 au moins et 1000 au plus."]}),
        ({"taille": "1001"}, {"taille": ["« taille » est un nombre entier, 1 au moins et 1000 au plus."]}),
        ({"page": "deux"}, {"page": ["« page » est un nombre entier, 1 au moins."]}),
        ({"page": "2"}, {"page": ["La page 2 n'existe pas : il y a 1 page(s) de 100."]}),
        (
            {"departement": "999"},
            {"departement": ["Département « 999 » inconnu : donnez son code (par exemple 40, 2A ou 971)."]},
        ),
        (
            {"thematique": "permis"},
            {
                "thematique": [
                    "Thématique « permis » inconnue : donnez le code d'une thématique (« mobilite--preparer-un-permis "
                    "») ou d'une catégorie (« mobilite ») de data·inclusion v1."
                ]
            },
        ),
        (
            {"departemnt": "40"},
            {
                "parametres": [
                    "Paramètre(s) inconnu(s) : departemnt. Paramètres admis : departement, source, page, taille, "
                    "thematique."
                ]
            },
        ),
    ],
)
def test_un_parametre_errone_donne_une_erreur_400_en_json(client, parametres, attendu):
    fabriques.service()
    assert erreur(client, SERVICES, **parametres) == attendu


def test_la_thematique_n_est_pas_un_filtre_des_structures(client):
    assert list(erreur(client, STRUCTURES, thematique="mobilite")) == ["parametres"]


def test_l_api_ne_s_ecrit_pas(client):
    assert client.post(SERVICES).status_code == 405


@pytest.mark.parametrize("url", [STRUCTURES, SERVICES])
def test_le_nombre_de_requetes_ne_depend_pas_de_la_taille_de_la_page(client, django_assert_num_queries, url):
    structure = fabriques.structure()
    fabriques.service(structure)
    with CaptureQueriesContext(connection) as pour_un:
        lire(client, url, thematique="mobilite") if url == SERVICES else lire(client, url)
    for _ in range(29):
        fabriques.service(fabriques.structure())
    with django_assert_num_queries(len(pour_un.captured_queries)):
        page = lire(client, url, thematique="mobilite") if url == SERVICES else lire(client, url)
    assert page["total"] == 30
    assert len(pour_un.captured_queries) == 2  # le compte, puis la page
