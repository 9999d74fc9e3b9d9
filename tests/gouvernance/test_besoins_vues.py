"""La page des besoins non couverts et son export : accès des territoires du pilotage, filtres, secret, CSV, nombre
de requêtes borné."""

import csv
import io

import pytest
from django.urls import reverse

from gouvernance.besoins import besoins
from partenaires.choix import Role
from partenaires.referentiels import communes
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques_pilotage as f
from tests.offre import fabriques as offre

URL = reverse("gouvernance:besoins_non_couverts")
EXPORT = reverse("gouvernance:besoins_non_couverts_export")


@pytest.fixture
def landes(db):
    departement = OrganisationFactory(nom="Département des Landes", departement="40")
    pilote = membre(departement, Role.PILOTE).utilisateur
    return {"departement": departement, "pilote": pilote}


def besoins_a(landes, commune, nombre, *domaines):
    for _ in range(nombre):
        carnet = f.carnet(landes["departement"], landes["pilote"], commune=commune)
        f.diagnostic(carnet, landes["pilote"], besoins=domaines)


def test_le_pilote_voit_son_territoire_par_defaut(client, connecter, landes):
    besoins_a(landes, "40192", 6, "mobilite")
    reponse = connecter(landes["pilote"]).get(URL)
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Mobilité" in contenu and "Mont-de-Marsan" in contenu
    assert reponse.context["resultat"].departement == "40"
    # 6 personnes, aucun service : 6 et 6 à l'écran (pas d'arrondi), la commune dans la liste par EPCI.
    assert reponse.context["resultat"].par_domaine[0].total.avec_besoin_publie == 6
    assert "Personnes ayant au moins un besoin non couvert : 6" in contenu
    assert "Prénom" not in contenu  # des effectifs, jamais une personne


def test_sans_territoire_du_pilotage_404(client, connecter, landes):
    professionnel = membre(landes["departement"], Role.PROFESSIONNEL).utilisateur
    assert connecter(professionnel).get(URL).status_code == 404
    assert connecter(professionnel).get(EXPORT).status_code == 404


def test_un_territoire_qu_on_ne_voit_pas_est_une_erreur_du_filtre(client, connecter, landes):
    reponse = connecter(landes["pilote"]).get(URL, {"territoire": "33"})
    assert reponse.status_code == 400
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert reponse.context["resultat"] is None
    assert connecter(landes["pilote"]).get(EXPORT, {"territoire": "33"}).status_code == 400


def test_domaine_inconnu(client, connecter, landes):
    reponse = connecter(landes["pilote"]).get(URL, {"domaine": "astrologie"})
    assert reponse.status_code == 400


def test_export_csv_arrondi(client, connecter, landes):
    besoins_a(landes, "40192", 8, "mobilite")
    besoins_a(landes, "40088", 3, "logement")
    reponse = connecter(landes["pilote"]).get(EXPORT, {"territoire": "40"})
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == 'attachment; filename="besoins-non-couverts-40.csv"'
    assert reponse.content.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes == [
        [
            "departement",
            "code_epci",
            "epci",
            "code_domaine",
            "domaine",
            "personnes_avec_besoin",
            "personnes_besoin_non_couvert",
        ],
        # Logement puis mobilité (ordre du diagnostic) ; 3 → secret, 8 → 10.
        ["40", "244000675", "CA du Grand Dax", "logement", "Logement", "secret", "secret"],
        ["40", "244000808", "CA Mont de Marsan Agglomération", "mobilite", "Mobilité", "10", "10"],
    ]


@pytest.mark.parametrize("nombre", [1, 30])
def test_nombre_de_requetes_borne(client, connecter, landes, django_assert_num_queries, nombre):
    # Des besoins dans autant de communes des Landes que de carnets, et un service par commune.
    codes = [code for code, ligne in communes().items() if ligne["code_departement"] == "40"][:nombre]
    for code in codes:
        besoins_a(landes, code, 1, "mobilite", "logement")
    connecter(landes["pilote"])
    # Session, utilisateur, appartenances, second facteur (4), territoires du pilotage (2), domaines, besoins,
    # services, critères des services (4), menu (1).
    with django_assert_num_queries(11):
        reponse = client.get(URL)
    assert reponse.status_code == 200
    assert reponse.context["resultat"].par_domaine[0].total.avec_besoin == nombre


# --- Le secret secondaire (revue de l'issue 9, point 3b) -----------------------------------------------------
AGGLO_MDM, GRAND_DAX, GRANDS_LACS = "244000808", "244000675", "244000873"
MDM, SPDM, DAX, BISCA = "40192", "40281", "40088", "40046"


def _publies(resultat):
    ligne = resultat.par_domaine[0]
    epci = {e.code: (e.compte.avec_besoin_publie, e.compte.non_couvert_publie) for e in ligne.par_epci}
    return epci, (ligne.total.avec_besoin_publie, ligne.total.non_couvert_publie)


def test_total_du_domaine_moins_les_epci_visibles(landes):
    # Mobilité, aucun service : Mont-de-Marsan 10, Dax 6, Biscarrosse 2 → total 18. Biscarrosse (2) est secret ;
    # 18 − 10 − 6 le donnerait : Dax (6, le plus petit autre) est masqué aussi, dans les deux colonnes.
    besoins_a(landes, MDM, 10, "mobilite")
    besoins_a(landes, DAX, 6, "mobilite")
    besoins_a(landes, BISCA, 2, "mobilite")
    resultat = besoins.calculer("40")
    epci, total = _publies(resultat)
    assert epci == {AGGLO_MDM: (10, 10), GRAND_DAX: ("secret", "secret"), GRANDS_LACS: ("secret", "secret")}
    assert total == (18, 18)
    # L'export suit les mêmes masques (10 → 10 arrondi).
    export = {ligne[1]: (ligne[5], ligne[6]) for ligne in besoins.lignes_csv(resultat)}
    assert export == {AGGLO_MDM: (10, 10), GRAND_DAX: ("secret", "secret"), GRANDS_LACS: ("secret", "secret")}


def test_personnes_de_l_epci_moins_les_communes_visibles(landes):
    # Agglomération de Mont-de-Marsan : Mont-de-Marsan 7, Saint-Pierre-du-Mont 2 → 9 personnes. 9 − 7 donnerait les
    # 2 de Saint-Pierre-du-Mont : Mont-de-Marsan est masqué aussi ; le total de l'EPCI (9) reste publié.
    besoins_a(landes, MDM, 7, "mobilite")
    besoins_a(landes, SPDM, 2, "mobilite")
    carte = besoins.calculer("40").carte[0]
    assert carte.personnes_publie == 9
    assert {(commune.libelle, commune.publie) for commune in carte.communes} == {
        ("Mont-de-Marsan", "secret"),
        ("Saint-Pierre-du-Mont", "secret"),
    }


def test_les_couverts_ne_se_deduisent_pas(landes):
    # Un service mobilité à Mont-de-Marsan couvre les 3 personnes de Mont-de-Marsan, pas les 8 de Biscarrosse (78,8
    # km). Total : 11 ayant le besoin, 8 non couverts : 11 − 8 = 3 couverts → « dont non couvert » masqué au total ;
    # seul masqué de sa colonne, il se déduirait (0 + 8) : Grands Lacs (8) l'est aussi. Colonne « ayant le besoin » :
    # 3 est secret, Grands Lacs (8) masqué en second.
    offre.service(commune=offre.MONT_DE_MARSAN, thematiques=["mobilite--preparer-un-permis"])
    besoins_a(landes, MDM, 3, "mobilite")
    besoins_a(landes, BISCA, 8, "mobilite")
    epci, total = _publies(besoins.calculer("40"))
    assert epci == {AGGLO_MDM: ("secret", 0), GRANDS_LACS: ("secret", "secret")}
    assert total == (11, "secret")
