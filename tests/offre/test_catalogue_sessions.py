"""Les sessions datées d'un service (job dating, atelier CV, information collective) : les ajouter, les modifier
sans descendre sous les places prises, les annuler ; les places restantes sur la fiche."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from offre import services as offre_services
from offre.models import SessionService
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.offre import fabriques


@pytest.fixture
def territoire(db, time_machine):
    time_machine.move_to("2026-05-04 09:00 +02:00")
    organisation = OrganisationFactory(nom="Mission locale des Landes")
    service = fabriques.service(fabriques.structure(organisation), nom="Job dating restauration")
    return SimpleNamespace(
        service=service,
        conseillere=membre(organisation).utilisateur,
        referent=membre(OrganisationFactory(nom="CCAS de Dax")).utilisateur,
        pilote=membre(OrganisationFactory(nom="Département"), Role.PILOTE).utilisateur,
    )


def donnees_session(**surcharges):
    return {
        "intitule": "Job dating saisonniers",
        "debut": "2026-06-10T09:30",
        "fin": "2026-06-10T12:00",
        "lieu": "Salle des fêtes de Dax",
        "places": "12",
        **surcharges,
    }


def test_l_editeur_ajoute_une_session_que_les_referents_voient_avec_ses_places(client, connecter, territoire):
    connecter(territoire.conseillere)
    reponse = client.post(reverse("offre:session_ajouter", args=[territoire.service.uuid]), donnees_session())
    assert reponse.status_code == 302
    session = SessionService.objects.get()
    assert (session.service, session.places, session.places_prises) == (territoire.service, 12, 0)
    offre_services.reserver_place(session)
    connecter(territoire.referent)
    page = client.get(reverse("offre:service", args=[territoire.service.uuid])).content.decode()
    assert "Job dating saisonniers" in page and "mercredi 10 juin 2026 à 09:30" in page
    assert "11 sur 12" in page and "Salle des fêtes de Dax" in page


def test_une_session_complete_est_montree_complete(client, connecter, territoire):
    session = fabriques.session(territoire.service, places=1)
    offre_services.reserver_place(session)
    connecter(territoire.referent)
    page = client.get(reverse("offre:service", args=[territoire.service.uuid])).content.decode()
    assert "complet" in page


@pytest.mark.parametrize(
    ("surcharges", "message"),
    [
        ({"fin": "2026-06-10T08:00"}, "La fin de la session ne peut pas précéder son début."),
        ({"places": "0"}, "supérieure ou égale à 1"),
        ({"debut": ""}, "Ce champ est obligatoire"),
        ({"intitule": ""}, "Ce champ est obligatoire"),
    ],
)
def test_une_session_mal_saisie_n_est_pas_ajoutee(client, connecter, territoire, surcharges, message):
    connecter(territoire.conseillere)
    reponse = client.post(
        reverse("offre:session_ajouter", args=[territoire.service.uuid]), donnees_session(**surcharges)
    )
    assert reponse.status_code == 200 and message in reponse.content.decode()
    assert not SessionService.objects.exists()


def test_les_places_ne_descendent_pas_sous_les_places_prises(client, connecter, territoire):
    session = fabriques.session(territoire.service, places=5)
    for _ in range(3):
        offre_services.reserver_place(session)
    connecter(territoire.conseillere)
    url = reverse("offre:session_modifier", args=[territoire.service.uuid, session.uuid])
    reponse = client.post(url, donnees_session(places="2"))
    assert reponse.status_code == 200
    assert "3 places sont déjà prises : indiquez au moins ce nombre." in reponse.content.decode()
    session.refresh_from_db()
    assert (session.places, session.intitule) == (5, "Information collective")
    assert client.post(url, donnees_session(places="3")).status_code == 302
    session.refresh_from_db()
    assert session.places == 3 and session.est_complete


def test_annuler_une_session_la_retire_des_referents(client, connecter, territoire):
    session = fabriques.session(territoire.service, intitule="Atelier du mardi")
    connecter(territoire.conseillere)
    url = reverse("offre:session_annuler", args=[territoire.service.uuid, session.uuid])
    assert "Garder la session" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    session.refresh_from_db()
    assert session.annulee
    page = client.get(reverse("offre:service", args=[territoire.service.uuid])).content.decode()
    assert "annulée" in page
    with pytest.raises(ValidationError, match="annulée"):
        offre_services.reserver_place(session)
    connecter(territoire.referent)
    page = client.get(reverse("offre:service", args=[territoire.service.uuid])).content.decode()
    assert "Atelier du mardi" not in page


@pytest.mark.parametrize(("acteur", "statut"), [("referent", 403), ("pilote", 200)])
def test_seuls_les_editeurs_et_le_pilote_gerent_les_sessions(client, connecter, territoire, acteur, statut):
    session = fabriques.session(territoire.service)
    connecter(getattr(territoire, acteur))
    assert client.get(reverse("offre:session_ajouter", args=[territoire.service.uuid])).status_code == statut
    url = reverse("offre:session_modifier", args=[territoire.service.uuid, session.uuid])
    assert client.get(url).status_code == statut
    annuler = reverse("offre:session_annuler", args=[territoire.service.uuid, session.uuid])
    assert client.post(annuler).status_code == (302 if statut == 200 else 403)
    session.refresh_from_db()
    assert session.annulee is (statut == 200)


def test_la_session_d_un_autre_service_est_introuvable(client, connecter, territoire):
    autre = fabriques.session(fabriques.service())
    connecter(territoire.conseillere)
    url = reverse("offre:session_modifier", args=[territoire.service.uuid, autre.uuid])
    assert client.get(url).status_code == 404
