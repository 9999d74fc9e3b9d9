"""Ce que prépare `manage.py mesurer_charge` avant de charger le serveur : des sessions connectées qui passent la pile
réelle (second facteur compris), la page plancher (branchée seulement par son réglage) et les plans des scénarios.
La charge elle-même (gunicorn, locust) n'est pas lancée par les tests : c'est une commande de mesure."""

import types
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import NoReverseMatch, reverse

from gouvernance.management.commands import mesurer_charge
from parcours import services as parcours_services
from spie import urls as spie_urls
from spie.charge.sessions import fermer_sessions, ouvrir_session
from tests.factories import OrganisationFactory, membre
from tests.outils import activer_totp
from tests.parcours.espace_fabriques import ouvrir_espace

pytestmark = pytest.mark.django_db


@pytest.fixture
def referente(settings):
    settings.SPIE_MFA_OBLIGATOIRE = True
    departement = OrganisationFactory(nom="Département 1")
    utilisateur = membre(departement).utilisateur
    activer_totp(utilisateur)
    carnets = [
        parcours_services.ouvrir_carnet(
            acteur=utilisateur, organisation=departement, nom=nom, prenom="Alex", date_naissance=date(1990, 1, 2)
        )
        for nom in ("Durand", "Lafargue")
    ]
    return types.SimpleNamespace(utilisateur=utilisateur, organisation=departement, carnets=carnets)


def _client_avec(client, cle):
    client.cookies[settings.SESSION_COOKIE_NAME] = cle
    return client


def test_une_session_preparee_ouvre_les_pages_comme_apres_une_vraie_connexion(client, referente):
    cle = ouvrir_session(referente.utilisateur)
    _client_avec(client, cle)
    assert client.get(reverse("parcours:mes_carnets")).status_code == 200
    reponse = client.get(reverse("parcours:carnet", args=[referente.carnets[0].uuid]))
    assert reponse.status_code == 200
    assert "Durand" in reponse.content.decode()
    methodes = client.session["account_authentication_methods"]
    assert [m["method"] for m in methodes] == ["code", "mfa"]
    assert methodes[1]["type"] == "totp"
    # Supprimée après la mesure : la même requête renvoie à la connexion.
    fermer_sessions([cle])
    reponse = client.get(reverse("parcours:mes_carnets"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))


def test_sans_application_totp_la_session_preparee_est_renvoyee_la_configurer(client, settings):
    settings.SPIE_MFA_OBLIGATOIRE = True
    professionnel = membre(OrganisationFactory()).utilisateur
    _client_avec(client, ouvrir_session(professionnel))
    reponse = client.get(reverse("parcours:mes_carnets"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("mfa_activate_totp"))


def test_la_session_preparee_d_une_personne_ouvre_son_espace(client, referente):
    compte = ouvrir_espace(referente.carnets[1], email="personne@exemple.fr")
    _client_avec(client, ouvrir_session(compte))
    reponse = client.get(reverse("parcours:espace_accueil"))
    assert reponse.status_code == 200
    assert [m["method"] for m in client.session["account_authentication_methods"]] == ["code"]


@pytest.fixture
def plancher_branche(settings):
    """Le projet tel qu'il démarre avec SPIE_PAGE_PLANCHER=1 : les URL du projet, plus celle que branche le réglage."""
    settings.SPIE_PAGE_PLANCHER = True
    urlconf = types.ModuleType("urls_avec_plancher")
    urlconf.urlpatterns = [*spie_urls.urlpatterns, *spie_urls.page_plancher()]
    settings.ROOT_URLCONF = urlconf


def test_la_page_plancher_repond_aux_connectes(client, referente, plancher_branche):
    _client_avec(client, ouvrir_session(referente.utilisateur))
    reponse = client.get(reverse("plancher"))
    assert reponse.status_code == 200
    assert reponse.content == b"plancher\n"
    assert "no-store" in reponse["Cache-Control"]  # les intergiciels de la pile sont passés


def test_la_page_plancher_renvoie_les_anonymes_a_la_connexion(client, plancher_branche):
    reponse = client.get(reverse("plancher"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))


def test_la_page_plancher_est_absente_sans_le_reglage(client, referente, settings):
    settings.SPIE_PAGE_PLANCHER = False
    assert spie_urls.page_plancher() == []
    with pytest.raises(NoReverseMatch):
        reverse("plancher")
    _client_avec(client, ouvrir_session(referente.utilisateur))
    assert client.get("/plancher/").status_code == 404


def test_le_plan_des_carnets_ne_prend_que_ceux_dont_le_compte_est_referent(referente):
    collegue = membre(referente.organisation).utilisateur
    parcours_services.ajouter_intervenant(
        referente.carnets[0], acteur=referente.utilisateur, utilisateur=collegue, organisation=referente.organisation
    )
    comptes = {"referent": referente.utilisateur}
    plan = mesurer_charge._plan_note(comptes, None)
    (profil,) = plan["profils"]
    assert sorted(profil["requetes"][0]["chemins"]) == sorted(
        reverse("parcours:carnet", args=[carnet.uuid]) for carnet in referente.carnets
    )
    assert plan["categories"] == {"note : formulaire": "carnet", "note : envoi": "envoi"}
    with pytest.raises(CommandError, match="n'est référent d'aucun carnet"):
        mesurer_charge._plan_carnet({"referent": collegue}, None)


def test_la_page_profonde_est_la_derniere(referente, monkeypatch):
    monkeypatch.setattr(mesurer_charge, "PAR_PAGE", 1)
    assert mesurer_charge._page_profonde(referente.utilisateur) == f"{reverse('parcours:mes_carnets')}?page=2"
    monkeypatch.setattr(mesurer_charge, "PAR_PAGE", 25)
    assert mesurer_charge._page_profonde(referente.utilisateur) == f"{reverse('parcours:mes_carnets')}?page=1"


def test_les_indicateurs_demandent_un_pilote(referente):
    with pytest.raises(CommandError, match="ne pilote aucun territoire"):
        mesurer_charge._plan_indicateurs({"pilote": referente.utilisateur}, None)


def test_la_commande_refuse_ce_qu_elle_ne_peut_pas_mesurer():
    with pytest.raises(CommandError, match="Scénarios inconnus : inconnu"):
        call_command("mesurer_charge", scenarios="carnet,inconnu")
    with pytest.raises(CommandError, match="--duree-saturation"):
        call_command("mesurer_charge", duree_saturation=0)
    with pytest.raises(CommandError, match="--reflexion : temps de réflexion « 3,1 »"):
        call_command("mesurer_charge", reflexion="3,1")
    if connection.vendor != "postgresql":
        attendu = "PostgreSQL"
    elif not settings.REDIS_URL:
        attendu = "REDIS_URL"
    else:
        attendu = "Comptes de mesure absents : bench.referent@spie.test"
    with pytest.raises(CommandError, match=attendu):
        call_command("mesurer_charge", duree=1)


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.REDIS_URL, reason="la commande ne mesure que PostgreSQL et Redis"
)
def test_chaque_profil_d_un_scenario_a_au_moins_un_utilisateur(referente, monkeypatch):
    comptes = {role: referente.utilisateur for role in mesurer_charge.COMPTES}
    monkeypatch.setattr(mesurer_charge, "_comptes", lambda: comptes)
    with pytest.raises(CommandError, match="--utilisateurs doit valoir au moins 2"):
        call_command("mesurer_charge", scenarios="mes_carnets", utilisateurs=1)
