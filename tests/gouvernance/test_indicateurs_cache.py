"""Les indicateurs en cache (`gouvernance.indicateurs.memoire`) : la clé, les requêtes de la page à froid et à chaud,
la fraîcheur affichée (page et export), la durée de vie, le précalcul des vues par défaut.

Le territoire : les Landes (40), six carnets ouverts le 01/02/2026, un pilote. Période : le 3e trimestre 2026."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from gouvernance.indicateurs import calcul, memoire, taches
from gouvernance.indicateurs import population as p
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques_indicateurs as f

T3 = {"debut": "2026-07-01", "fin": "2026-09-30"}
PERIODE_T3 = p.Periode(date(2026, 7, 1), date(2026, 9, 30))
URL = reverse("gouvernance:indicateurs")
EXPORT = reverse("gouvernance:indicateurs_export")
# Le 25/11/2026 à 8 h à Paris (UTC+1 en hiver).
HUIT_HEURES = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
HUIT_HEURES_ET_DEMIE = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
NEUF_HEURES_DIX = datetime(2026, 11, 25, 8, 10, tzinfo=UTC)


@pytest.fixture
def landes(db):
    landes = OrganisationFactory(nom="Département des Landes")
    pilote = membre(landes, Role.PILOTE).utilisateur
    referente = membre(landes).utilisateur
    carnets = [f.carnet(landes, referente, ouvert_le=date(2026, 2, 1)) for _ in range(6)]
    f.statut(carnets[0], "droit_rsa", "ouvert_versable", date(2025, 1, 1), referente)
    f.demande(carnets[0], landes, referente, recue_le=date(2026, 6, 1), decidee_le=date(2026, 7, 10))
    f.contrat(carnets[0], referente, debut=date(2026, 7, 20), accord=date(2026, 7, 25))
    f.rendez_vous(carnets[1], landes, referente, le=date(2026, 8, 10), statut_="absent")
    f.note(carnets[2], landes, referente, le=date(2026, 9, 10))
    f.objectif(carnets[3], referente, le=date(2026, 2, 5))
    f.sortie(carnets[4], landes, referente, le=date(2026, 9, 15))
    return {"landes": landes, "pilote": pilote, "referente": referente}


def accompagnes(reponse) -> str:
    """Le nombre de personnes accompagnées (tous publics) tel que la page l'affiche."""
    tableau = reponse.context["par_section"][next(iter(reponse.context["par_section"]))][0]
    assert tableau.indicateur.code == "accompagnes"
    return tableau.lignes[0].texte


def fraicheur_csv(reponse) -> set[str]:
    lignes = csv.DictReader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";")
    return {ligne["chiffres calculés le"] for ligne in lignes}


def test_la_cle_porte_les_filtres_la_periode_et_la_version():
    base = calcul.Filtres("40", PERIODE_T3)
    variantes = [
        base,
        calcul.Filtres("64", PERIODE_T3),
        calcul.Filtres("40", PERIODE_T3, epci="200069664"),
        calcul.Filtres("40", PERIODE_T3, organisation_id=3),
        calcul.Filtres("40", PERIODE_T3, public=p.BRSA),
        calcul.Filtres("40", p.Periode(date(2026, 7, 1), date(2026, 8, 31))),
        calcul.Filtres("40", p.Periode(date(2026, 4, 1), date(2026, 9, 30))),
    ]
    cles = [memoire.cle(filtres) for filtres in variantes]
    assert len(set(cles)) == len(variantes)
    assert memoire.cle(base) == f"indicateurs:v{memoire.VERSION}:40:-:-:tous:20260701-20260930"


def test_page_a_froid_puis_a_chaud(client, connecter, landes, django_assert_num_queries):
    connecter(landes["pilote"])
    # À froid : 22 requêtes (`test_indicateurs_page.test_nombre_de_requetes_borne`), dont 12 de données et 1 d'avis.
    with django_assert_num_queries(22):
        froide = client.get(URL, T3)
    # À chaud : les 13 requêtes du calcul ne sont plus faites ; restent session, utilisateur, second facteur, menu
    # (4), territoires du pilote (2), commentaires des personnes (1), appartenances du menu (1), organisations du
    # filtre (1) : 9.
    with django_assert_num_queries(9):
        chaude = client.get(URL, T3)
    assert accompagnes(froide) == accompagnes(chaude) == "6"
    assert chaude.context["calcules_le"] == froide.context["calcules_le"]


def test_la_fraicheur_est_affichee_et_les_chiffres_gardes(client, connecter, landes):
    # La session est ouverte à chaque instant visité (elle expire après 30 minutes sans activité).
    with time_machine.travel(HUIT_HEURES, tick=False):
        connecter(landes["pilote"])
        assert accompagnes(client.get(URL, T3)) == "6"
    # Un carnet de plus à 8 h 30 : la page et l'export donnent encore les chiffres de 8 h, et le disent.
    with time_machine.travel(HUIT_HEURES_ET_DEMIE, tick=False):
        f.carnet(landes["landes"], landes["referente"], ouvert_le=date(2026, 3, 1))
        connecter(landes["pilote"])
        reponse = client.get(URL, T3)
        assert accompagnes(reponse) == "6"
        assert "Chiffres calculés le 25/11/2026 à 08:00" in " ".join(reponse.content.decode().split())
        assert fraicheur_csv(client.get(EXPORT, T3)) == {"25/11/2026 à 08:00"}


def test_apres_la_duree_de_vie_les_chiffres_sont_recalcules(client, connecter, landes, settings):
    # Le cache en mémoire suit l'horloge des tests (Redis compte les secondes réelles).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with time_machine.travel(HUIT_HEURES, tick=False):
        connecter(landes["pilote"])
        assert accompagnes(client.get(URL, T3)) == "6"
        f.carnet(landes["landes"], landes["referente"], ouvert_le=date(2026, 3, 1))
    assert memoire.DUREE_SECONDES < (NEUF_HEURES_DIX - HUIT_HEURES).total_seconds()
    with time_machine.travel(NEUF_HEURES_DIX, tick=False):
        connecter(landes["pilote"])
        reponse = client.get(URL, T3)
        assert accompagnes(reponse) == "7"
        assert "Chiffres calculés le 25/11/2026 à 09:10" in " ".join(reponse.content.decode().split())


def test_le_precalcul_prepare_la_vue_par_defaut_des_territoires_suivis(
    client, connecter, landes, django_assert_num_queries
):
    # Un territoire sans pilote ni comité n'est pas précalculé.
    OrganisationFactory(nom="Département des Pyrénées-Atlantiques", departement="64", code_postal="64000")
    with time_machine.travel(datetime(2026, 11, 25, 5, 0, tzinfo=UTC), tick=False):  # 6 h à Paris
        taches.precalculer_indicateurs.delay()  # la tâche beat (immédiate dans les tests), qui lance la commande
        assert cache.get(memoire.cle(memoire.filtres_par_defaut("40"))) is not None
        assert cache.get(memoire.cle(memoire.filtres_par_defaut("64"))) is None
    # 6 h 30 à Paris (le précalcul de 7 h n'est pas encore passé).
    with time_machine.travel(datetime(2026, 11, 25, 5, 30, tzinfo=UTC), tick=False):
        connecter(landes["pilote"])
        # La première visite du matin (sans filtre : le dernier trimestre complet, le 3e) : sans calcul.
        with django_assert_num_queries(9):
            reponse = client.get(URL)
        assert reponse.context["filtres"] == memoire.filtres_par_defaut("40")
        assert accompagnes(reponse) == "6"
        assert "Chiffres calculés le 25/11/2026 à 06:00" in " ".join(reponse.content.decode().split())


def test_le_precalcul_est_une_tache_planifiee(settings):
    planifiees = {entree["task"] for entree in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "gouvernance.indicateurs.taches.precalculer_indicateurs" in planifiees
