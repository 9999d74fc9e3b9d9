"""Le socle de l'offre : géographie déduite du code INSEE, index de recherche, fraîcheur, places des sessions."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from offre import fraicheur, geo, services
from offre.models import CritereService
from tests.offre import fabriques

pytestmark = pytest.mark.django_db


def test_un_service_prend_departement_et_coordonnees_de_sa_commune():
    service = fabriques.service(commune=fabriques.DAX)
    assert service.departement == "40"
    assert round(service.latitude, 1) == 43.7
    assert service.a_actualiser_le == fraicheur.ajouter_mois(service.date_maj, 6)


def test_l_index_suit_les_thematiques_publics_et_zones():
    service = fabriques.service(
        thematiques=["mobilite--preparer-un-permis"], publics=["femmes"], zone_eligibilite=["40"]
    )
    assert set(CritereService.objects.filter(service=service).values_list("nature", "code")) == {
        ("thematique", "mobilite--preparer-un-permis"),
        ("categorie", "mobilite"),
        ("public", "femmes"),
        ("zone", "40"),
    }
    service.thematiques = ["numerique--acquerir-un-equipement"]
    services.enregistrer_service(service)
    assert set(CritereService.objects.filter(service=service, nature="categorie").values_list("code", flat=True)) == {
        "numerique"
    }


def test_ajouter_mois_garde_le_jour_ou_prend_le_dernier_du_mois():
    assert fraicheur.ajouter_mois(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert fraicheur.ajouter_mois(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert fraicheur.a_actualiser_le(date(2026, 1, 1), fraicheur.Frequence.JAMAIS) is None


def test_distance_du_grand_cercle_et_boite_englobante():
    # Mont-de-Marsan → Dax : une cinquantaine de kilomètres à vol d'oiseau.
    assert 45 < geo.distance_km(43.890, -0.500, 43.710, -1.053) < 52
    lat_min, lat_max, lon_min, lon_max = geo.boite_englobante(43.89, -0.5, 20)
    assert lat_min < 43.89 - 0.17 and lat_max > 43.89 + 0.17
    assert lon_max - lon_min > 2 * 20 / 111.195


def test_une_session_complete_refuse_une_place_de_plus():
    session = fabriques.session(fabriques.service(), places=1)
    services.reserver_place(session)
    with pytest.raises(ValidationError, match="complète"):
        services.reserver_place(session)
    services.liberer_place(session)
    session.refresh_from_db()
    assert session.places_restantes == 1
