"""L'offre de démonstration : une soixantaine de services valides, variés, rechargeables sans doublon."""

import pytest

from offre import demo, referentiels, validation
from offre.models import Service, SessionService, Structure
from offre.recherche.moteur import Criteres, rechercher

pytestmark = pytest.mark.django_db


def test_la_demonstration_charge_une_soixantaine_de_services_valides_et_varies():
    demo.charger({})
    services = list(Service.objects.all())
    assert 55 <= len(services) <= 70
    for service in services:
        validation.valider_thematiques(service.thematiques)
        validation.valider_publics(service.publics)
        validation.valider_zone(service.zone_eligibilite)
    categories = {referentiels.thematiques()[code][1] for service in services for code in service.thematiques}
    assert len(categories) >= 14  # mobilité, famille, logement, santé, numérique, candidature, emploi…
    assert Service.objects.filter(a_distance=True).count() >= 5
    assert SessionService.objects.count() >= 15
    assert Service.objects.a_actualiser().exists()  # des services à actualiser, pour la démonstration
    assert Service.objects.count() > Service.objects.dans_les_resultats().count()  # un au-delà du délai de grâce


def test_recharger_la_demonstration_ne_duplique_rien():
    demo.charger({})
    avant = (Structure.objects.count(), Service.objects.count(), SessionService.objects.count())
    demo.charger({})
    assert (Structure.objects.count(), Service.objects.count(), SessionService.objects.count()) == avant


def test_a_dax_la_recherche_de_mobilite_trouve_des_services_proches_et_a_distance():
    demo.charger({})
    resultats = rechercher(Criteres(code_commune="40088", rayon_km=30, thematiques=("mobilite",)))
    distances = [resultat.distance_km for resultat in resultats.sur_place]
    assert distances and distances == sorted(distances)
    assert "Aide départementale au permis de conduire" in {r.service.nom for r in resultats.a_distance}
