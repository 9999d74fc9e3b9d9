"""Le moteur de recherche de l'offre : distance, zone d'éligibilité, services à distance, texte, thématiques,
publics, fraîcheur, suspension (sur SQLite comme sur PostgreSQL)."""

import math
from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from offre import fraicheur, geo
from offre.models import Service
from offre.recherche.moteur import Criteres, rechercher
from partenaires.referentiels import communes, coordonnees_commune, zones_de_la_commune
from tests.offre import fabriques

pytestmark = pytest.mark.django_db

MONT_DE_MARSAN = fabriques.MONT_DE_MARSAN[0]
DAX = fabriques.DAX[0]
SAINT_SEVER = fabriques.SAINT_SEVER[0]
PAU = ("64445", "Pau", "64000")
CENTRE = coordonnees_commune(MONT_DE_MARSAN)


def point_a(distance_km, cap_degres, depart=CENTRE):
    """Le point à `distance_km` du départ, dans la direction `cap_degres` (0 : nord, 90 : est), sur la sphère."""
    latitude, longitude = map(math.radians, depart)
    cap, angle = math.radians(cap_degres), distance_km / geo.RAYON_TERRE_KM
    arrivee = math.asin(math.sin(latitude) * math.cos(angle) + math.cos(latitude) * math.sin(angle) * math.cos(cap))
    longitude_arrivee = longitude + math.atan2(
        math.sin(cap) * math.sin(angle) * math.cos(latitude), math.cos(angle) - math.sin(latitude) * math.sin(arrivee)
    )
    return math.degrees(arrivee), math.degrees(longitude_arrivee)


def service_a(distance_km, cap_degres=0, **champs):
    latitude, longitude = point_a(distance_km, cap_degres)
    return fabriques.service(latitude=latitude, longitude=longitude, **champs)


def noms(resultats):
    return [resultat.service.nom for resultat in resultats]


def autour(code_insee=MONT_DE_MARSAN, **criteres):
    return rechercher(Criteres(code_commune=code_insee, **criteres))


# --- Distance ---------------------------------------------------------------------------------------------------


def test_les_services_sont_tries_du_plus_proche_au_plus_lointain():
    service_a(12, 90, nom="À douze kilomètres")
    service_a(3, 200, nom="À trois kilomètres")
    service_a(7.5, 10, nom="À sept kilomètres et demi")
    resultats = autour()
    assert noms(resultats.sur_place) == ["À trois kilomètres", "À sept kilomètres et demi", "À douze kilomètres"]
    assert [round(resultat.distance_km, 1) for resultat in resultats.sur_place] == [3.0, 7.5, 12.0]


def test_un_service_a_25_km_n_est_pas_dans_un_rayon_de_20_km_mais_dans_un_de_30():
    service_a(25, 180, nom="À vingt-cinq kilomètres")
    service_a(19.5, 180, nom="À dix-neuf kilomètres et demi")
    assert noms(autour(rayon_km=20).sur_place) == ["À dix-neuf kilomètres et demi"]
    assert noms(autour(rayon_km=30).sur_place) == ["À dix-neuf kilomètres et demi", "À vingt-cinq kilomètres"]


def test_un_service_dans_le_coin_de_la_boite_englobante_mais_hors_du_disque_est_exclu():
    latitude, longitude = point_a(24, 45)
    latitude_min, latitude_max, longitude_min, longitude_max = geo.boite_englobante(*CENTRE, 20)
    assert latitude_min < latitude < latitude_max and longitude_min < longitude < longitude_max  # dans la boîte
    fabriques.service(latitude=latitude, longitude=longitude, nom="Dans le coin")
    service_a(19, 45, nom="Dans le disque")
    assert noms(autour(rayon_km=20).sur_place) == ["Dans le disque"]


def test_la_commune_de_la_recherche_et_son_centre_sont_rendus():
    resultats = autour(code_insee=DAX)
    assert resultats.commune["nom"] == "Dax"
    assert resultats.par_distance
    assert resultats.centre == coordonnees_commune(DAX)


def test_sans_commune_les_services_en_presentiel_sont_classes_par_nom_sans_distance():
    service_a(40, 0, nom="Bravo")
    service_a(2, 0, nom="Alpha")
    resultats = rechercher(Criteres())
    assert noms(resultats.sur_place) == ["Alpha", "Bravo"]
    assert [resultat.distance_km for resultat in resultats.sur_place] == [None, None]
    assert not resultats.par_distance


def test_une_commune_sans_coordonnees_garde_la_regle_de_zone_sans_distance():
    bihorel = next(code for code, ligne in communes().items() if ligne["nom"] == "Bihorel")
    assert coordonnees_commune(bihorel) is None
    fabriques.service(nom="Landais", zone_eligibilite=["40"])
    fabriques.service(nom="Pour tous")
    resultats = autour(code_insee=bihorel)
    assert noms(resultats.sur_place) == ["Pour tous"]
    assert resultats.commune["nom"] == "Bihorel" and not resultats.par_distance


# --- Zone d'éligibilité -----------------------------------------------------------------------------------------


def test_un_service_limite_a_une_commune_n_apparait_que_pour_cette_commune():
    fabriques.service(nom="Réservé aux Montois", zone_eligibilite=[MONT_DE_MARSAN])
    assert noms(autour(MONT_DE_MARSAN).sur_place) == ["Réservé aux Montois"]
    assert noms(autour(SAINT_SEVER, rayon_km=100).sur_place) == []


def test_un_service_limite_a_un_epci_n_apparait_que_pour_les_communes_de_cet_epci():
    epci = communes()[MONT_DE_MARSAN]["code_epci"]
    assert communes()[SAINT_SEVER]["code_epci"] != epci
    fabriques.service(nom="Agglomération", zone_eligibilite=[epci])
    assert noms(autour(MONT_DE_MARSAN).sur_place) == ["Agglomération"]
    assert noms(autour(SAINT_SEVER, rayon_km=100).sur_place) == []


def test_un_service_limite_au_departement_n_apparait_pas_dans_le_departement_voisin():
    fabriques.service(nom="Landes seulement", zone_eligibilite=["40"])
    assert noms(autour(DAX, rayon_km=100).sur_place) == ["Landes seulement"]
    assert noms(autour(PAU[0], rayon_km=100).sur_place) == []  # Pau est à moins de 100 km, mais en 64


def test_une_zone_vide_est_sans_restriction():
    fabriques.service(nom="Sans restriction", zone_eligibilite=[])
    assert noms(autour(PAU[0], rayon_km=100).sur_place) == ["Sans restriction"]
    assert noms(autour(DAX, rayon_km=100).sur_place) == ["Sans restriction"]


def test_un_code_de_region_ne_vaut_pas_le_departement_de_meme_numero():
    # 75 est Paris (département) ; Mont-de-Marsan est en Nouvelle-Aquitaine, la région 75.
    assert communes()[MONT_DE_MARSAN]["code_region"] == "75"
    fabriques.service(nom="Parisiens seulement", zone_eligibilite=["75"])
    fabriques.service(nom="Toute la France", zone_eligibilite=["99100"])
    assert noms(autour().sur_place) == ["Toute la France"]
    assert "75" not in zones_de_la_commune(MONT_DE_MARSAN)


# --- À distance -------------------------------------------------------------------------------------------------


def test_les_services_a_distance_sont_listes_a_part_jamais_melés_aux_distances():
    service_a(2, 0, nom="Sur place")
    fabriques.service(nom="Au téléphone", en_presentiel=False, a_distance=True, adresse="")
    resultats = autour()
    assert noms(resultats.sur_place) == ["Sur place"]
    assert noms(resultats.a_distance) == ["Au téléphone"]
    assert resultats.a_distance[0].distance_km is None and resultats.a_distance[0].a_distance


def test_un_service_proche_et_a_distance_n_apparait_qu_une_fois_avec_sa_distance():
    service_a(5, 0, nom="Les deux", a_distance=True)
    resultats = autour()
    assert noms(resultats.sur_place) == ["Les deux"]
    assert resultats.a_distance == []
    assert resultats.nombre == 1


def test_un_service_lointain_mais_aussi_a_distance_est_dans_les_services_a_distance():
    service_a(80, 0, nom="Loin, aussi en ligne", a_distance=True)
    resultats = autour()
    assert resultats.sur_place == []
    assert noms(resultats.a_distance) == ["Loin, aussi en ligne"]


def test_un_service_a_distance_garde_sa_zone_d_eligibilite():
    fabriques.service(nom="En ligne, Béarn", en_presentiel=False, a_distance=True, adresse="", zone_eligibilite=["64"])
    assert autour().a_distance == []
    assert noms(autour(PAU[0]).a_distance) == ["En ligne, Béarn"]


# --- Critères ---------------------------------------------------------------------------------------------------


def test_le_texte_est_cherche_sans_accents_ni_majuscules():
    fabriques.service(nom="Atelier Réinsertion", description="Reprendre confiance.")
    fabriques.service(nom="Garage solidaire", description="Réparer sa voiture à petit prix.")
    for texte in ("reinsertion", "Réinsertion", "REINSERTION atelier"):
        assert noms(rechercher(Criteres(texte=texte)).sur_place) == ["Atelier Réinsertion"], texte
    assert noms(rechercher(Criteres(texte="reparer voiture")).sur_place) == ["Garage solidaire"]
    assert noms(rechercher(Criteres(texte="reparer reinsertion")).sur_place) == []


def test_le_texte_cherche_aussi_le_nom_de_la_structure():
    structure = fabriques.structure(nom="Mission locale des Landes")
    fabriques.service(structure, nom="Permanence")
    assert noms(rechercher(Criteres(texte="mission locale")).sur_place) == ["Permanence"]


def test_la_thematique_se_cherche_par_categorie_ou_par_besoin_precis():
    fabriques.service(nom="Permis", thematiques=["mobilite--preparer-un-permis"])
    fabriques.service(nom="Vélos", thematiques=["mobilite--mobilite-douce-partagee-collective"])
    fabriques.service(nom="Logement", thematiques=["logement-hebergement--louer-un-logement"])
    assert noms(rechercher(Criteres(thematiques=("mobilite",))).sur_place) == ["Permis", "Vélos"]
    assert noms(rechercher(Criteres(thematiques=("mobilite--preparer-un-permis",))).sur_place) == ["Permis"]
    assert noms(
        rechercher(Criteres(thematiques=("mobilite--preparer-un-permis", "logement-hebergement"))).sur_place
    ) == ["Logement", "Permis"]


def test_tous_publics_repond_a_tout_public_demande():
    fabriques.service(nom="Pour tous", publics=["tous-publics"])
    fabriques.service(nom="Sans public précisé", publics=[])
    fabriques.service(nom="Pour les femmes", publics=["femmes"])
    fabriques.service(nom="Pour les jeunes", publics=["jeunes"])
    assert noms(rechercher(Criteres(publics=("femmes",))).sur_place) == [
        "Pour les femmes",
        "Pour tous",
        "Sans public précisé",
    ]


def test_le_type_et_les_frais_filtrent():
    fabriques.service(nom="Atelier gratuit", type="atelier", frais="gratuit")
    fabriques.service(nom="Atelier payant", type="atelier", frais="payant")
    fabriques.service(nom="Formation", type="formation", frais="gratuit")
    assert noms(rechercher(Criteres(types=("atelier",), frais="gratuit")).sur_place) == ["Atelier gratuit"]


def _date_maj_en_retard_de(jours):
    """Une date de mise à jour telle qu'un service actualisé tous les 6 mois soit en retard de `jours` jours."""
    aujourd_hui = timezone.localdate()
    date_maj = aujourd_hui - timedelta(days=400)
    while fraicheur.a_actualiser_le(date_maj, fraicheur.Frequence.SIX_MOIS) < aujourd_hui - timedelta(days=jours):
        date_maj += timedelta(days=1)
    return date_maj


def test_un_service_a_actualiser_reste_dans_les_resultats_pendant_le_delai_de_grace():
    service = fabriques.service(nom="Un peu ancien", date_maj=_date_maj_en_retard_de(10))
    assert service.est_a_actualiser
    assert noms(rechercher(Criteres()).sur_place) == ["Un peu ancien"]


def test_au_dela_du_delai_de_grace_un_service_est_exclu_sauf_sur_demande():
    jours = fraicheur.DELAI_DE_GRACE.days + 5
    fabriques.service(nom="Trop ancien", date_maj=_date_maj_en_retard_de(jours))
    fabriques.service(nom="À jour")
    assert noms(rechercher(Criteres()).sur_place) == ["À jour"]
    assert noms(rechercher(Criteres(inclure_a_actualiser=True)).sur_place) == ["À jour", "Trop ancien"]


def test_un_service_suspendu_n_est_jamais_montre():
    service_a(1, 0, nom="Suspendu", a_distance=True, statut=Service.Statut.SUSPENDU)
    fabriques.service(nom="Suspendu à distance", en_presentiel=False, a_distance=True, adresse="", statut="suspendu")
    for criteres in (Criteres(), Criteres(inclure_a_actualiser=True), Criteres(code_commune=MONT_DE_MARSAN)):
        resultats = rechercher(criteres)
        assert resultats.nombre == 0, criteres
    assert rechercher(Criteres(), services=Service.objects.all()).nombre == 0


def test_services_restreint_la_recherche():
    gardé = fabriques.service(nom="Gardé")
    fabriques.service(nom="Écarté")
    assert noms(rechercher(Criteres(), services=Service.objects.filter(pk=gardé.pk)).sur_place) == ["Gardé"]


# --- Pagination et chargement -----------------------------------------------------------------------------------


def test_une_page_ne_charge_que_ses_services_en_un_nombre_fixe_de_requetes(django_assert_num_queries):
    for rang in range(30):
        service_a(1 + rang, 0, nom=f"Service {rang:02d}")
    fabriques.service(nom="En ligne", en_presentiel=False, a_distance=True, adresse="")
    resultats = autour(rayon_km=50)
    assert len(resultats) == 31
    with django_assert_num_queries(2):  # services et structures, sessions à venir
        page = Paginator(resultats, 20).page(2)
        noms_page = [resultat.service.nom for resultat in page.object_list]
    assert noms_page == [f"Service {rang:02d}" for rang in range(20, 30)] + ["En ligne"]
    assert [r.service.nom for r in page.object_list.a_distance] == ["En ligne"]
    assert resultats.sur_place[0]._service is None  # la première page n'a pas été chargée


def test_la_prochaine_session_et_ses_places_viennent_avec_le_service():
    service = fabriques.service(nom="Job dating")
    maintenant = timezone.now()
    fabriques.session(service, intitule="Passée", debut=maintenant - timedelta(days=2), places=5)
    fabriques.session(service, intitule="Annulée", debut=maintenant + timedelta(days=1), places=5, annulee=True)
    prochaine = fabriques.session(service, intitule="Prochaine", debut=maintenant + timedelta(days=3), places=5)
    fabriques.session(service, intitule="Suivante", debut=maintenant + timedelta(days=10), places=5)
    resultat = rechercher(Criteres()).sur_place[0]
    assert resultat.prochaine_session == prochaine
    assert resultat.autres_sessions == 1
