"""La numérotation des fiches action sous concurrence : deux créations simultanées dans le même consortium prennent
deux numéros qui se suivent (verrou sur le consortium), sans erreur d'unicité. Sur PostgreSQL seulement : SQLite
sérialise déjà toutes les écritures."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from gouvernance.choix import Theme
from gouvernance.models import FicheAction
from gouvernance.plan import services
from tests.gouvernance import fabriques

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="verrous de lignes : PostgreSQL")

CREATIONS = 6


@pytest.mark.django_db(transaction=True)
def test_des_creations_simultanees_prennent_des_numeros_qui_se_suivent():
    equipe = fabriques.equipe_comite()
    depart = threading.Barrier(CREATIONS)
    erreurs = []

    def creer(rang):
        try:
            depart.wait(timeout=10)
            services.creer_fiche(
                equipe.consortium,
                acteur=equipe.pilote,
                titre=f"Fiche créée en parallèle {rang}",
                theme=Theme.EMPLOI,
                objectifs="Tester le verrou.",
                publics=["brsa"],
                organisation_pilote=equipe.caf,
                date_debut=date(2026, 1, 1),
            )
        except Exception as erreur:  # noqa: BLE001 - toute erreur d'un fil fait échouer le test
            erreurs.append(erreur)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=creer, args=(rang,)) for rang in range(CREATIONS)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert not erreurs
    assert sorted(FicheAction.objects.values_list("numero", flat=True)) == list(range(1, CREATIONS + 1))
