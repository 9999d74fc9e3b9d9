"""Comptes et sessions : hachage, longueur des mots de passe, durée des sessions, fin des sessions d'un compte
désactivé, limites de fréquence qu'un en-tête X-Forwarded-For forgé ne contourne pas, administration technique."""

import re
from datetime import date
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.urls import reverse

from parcours import services as parcours_services
from partenaires import services as partenaires_services
from partenaires.choix import Role
from partenaires.models import Utilisateur
from spie import settings as configuration
from tests.factories import MOT_DE_PASSE, OrganisationFactory, UtilisateurFactory, membre
from tests.outils import activer_totp, code_totp

pytestmark = pytest.mark.django_db

ONZE_CARACTERES = "Pl4ine-mer!"
assert len(ONZE_CARACTERES) == 11


def _vers_la_connexion(reponse) -> bool:
    return reponse.status_code == 302 and reponse.url.startswith(reverse("account_login"))


def _connecter_par_le_formulaire(client, utilisateur, secret=None):
    """Connexion par le vrai formulaire allauth (mot de passe, puis code TOTP s'il y a un second facteur)."""
    reponse = client.post(reverse("account_login"), {"login": utilisateur.email, "password": MOT_DE_PASSE})
    if secret:
        assert reponse.url == reverse("mfa_authenticate")
        reponse = client.post(reverse("mfa_authenticate"), {"code": code_totp(secret)})
    assert reponse.status_code == 302 and str(client.session.get("_auth_user_id")) == str(utilisateur.pk)
    return reponse


# --- 1. Mots de passe -----------------------------------------------------------------------------------------


@pytest.fixture
def hachage_de_production(settings):
    """Les tests forcent MD5 (conftest) ; ici on remet la configuration réelle."""
    settings.PASSWORD_HASHERS = configuration.PASSWORD_HASHERS


def test_un_mot_de_passe_enregistre_est_hache_en_argon2(hachage_de_production):
    assert configuration.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    utilisateur = UtilisateurFactory()
    utilisateur.refresh_from_db()
    assert utilisateur.password.startswith("argon2$")
    assert utilisateur.check_password(MOT_DE_PASSE)


def test_un_ancien_hachage_pbkdf2_reste_lisible_et_passe_en_argon2_a_la_connexion(client, hachage_de_production):
    compte = Utilisateur.objects.creer_compte_personne(identifiant="ancien.hachage", password="x")
    compte.password = make_password(MOT_DE_PASSE, hasher="pbkdf2_sha256")
    compte.save(update_fields=["password"])
    reponse = client.post(reverse("account_login"), {"login": "ancien.hachage", "password": MOT_DE_PASSE})
    assert reponse.status_code == 302 and str(client.session["_auth_user_id"]) == str(compte.pk)
    compte.refresh_from_db()
    assert compte.password.startswith("argon2$")


def test_un_mot_de_passe_de_11_caracteres_est_refuse_au_changement(client, connecter):
    utilisateur = membre(OrganisationFactory()).utilisateur
    connecter(utilisateur)
    reponse = client.post(
        reverse("account_change_password"),
        {"oldpassword": MOT_DE_PASSE, "password1": ONZE_CARACTERES, "password2": ONZE_CARACTERES},
    )
    assert reponse.status_code == 200
    assert "au minimum 12 caractères" in reponse.content.decode()
    utilisateur.refresh_from_db()
    assert utilisateur.check_password(MOT_DE_PASSE)


def test_un_mot_de_passe_de_11_caracteres_est_refuse_a_la_reinitialisation(client, django_capture_on_commit_callbacks):
    utilisateur = UtilisateurFactory(email="oubli@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "oubli@exemple.fr"})
    lien = re.search(r"https?://[^/\s]+(/comptes/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    page = client.get(lien)
    formulaire = page.url if page.status_code == 302 else lien  # allauth retire la clé de l'adresse
    reponse = client.post(formulaire, {"password1": ONZE_CARACTERES, "password2": ONZE_CARACTERES})
    assert reponse.status_code == 200
    assert "au minimum 12 caractères" in reponse.content.decode()
    utilisateur.refresh_from_db()
    assert utilisateur.check_password(MOT_DE_PASSE)
    # La même clé accepte un mot de passe de 12 caractères et plus : le refus vient bien de la longueur.
    reponse = client.post(formulaire, {"password1": "Pl4ine-mer!!", "password2": "Pl4ine-mer!!"})
    assert reponse.status_code == 302
    utilisateur.refresh_from_db()
    assert utilisateur.check_password("Pl4ine-mer!!")


# --- 2. Durée des sessions -------------------------------------------------------------------------------------


def test_un_professionnel_est_deconnecte_apres_30_minutes_sans_activite(client, connecter, time_machine):
    assert settings.SPIE_SESSION_INACTIVITE_SECONDES == 30 * 60
    time_machine.move_to("2026-03-02 09:00", tick=False)
    connecter(membre(OrganisationFactory()).utilisateur)
    url = reverse("parcours:mes_carnets")
    assert client.get(url).status_code == 200
    time_machine.move_to("2026-03-02 09:30", tick=False)
    assert client.get(url).status_code == 200  # 30 minutes pile : encore valable
    time_machine.move_to("2026-03-02 10:00:01", tick=False)
    reponse = client.get(url)
    assert _vers_la_connexion(reponse) and "next=/carnets/" in reponse.url
    assert "_auth_user_id" not in client.session
    page = client.get(reponse.url).content.decode()
    assert "Votre session a pris fin après 30 minutes sans activité." in page


def test_une_session_dure_au_plus_12_heures_meme_avec_de_l_activite(client, connecter, time_machine):
    assert settings.SPIE_SESSION_DUREE_MAX_SECONDES == 12 * 60 * 60
    time_machine.move_to("2026-03-02 08:00", tick=False)
    connecter(membre(OrganisationFactory()).utilisateur)
    url = reverse("parcours:mes_carnets")
    for quart_d_heure in range(12 * 4 + 1):  # une requête tous les quarts d'heure, jusqu'à 20:00 compris
        time_machine.move_to(f"2026-03-02 {8 + quart_d_heure // 4:02d}:{15 * (quart_d_heure % 4):02d}", tick=False)
        assert client.get(url).status_code == 200
    time_machine.move_to("2026-03-02 20:00:01", tick=False)
    reponse = client.get(url)
    assert _vers_la_connexion(reponse)
    assert "_auth_user_id" not in client.session
    page = client.get(reponse.url).content.decode()
    assert "elle dure au plus 12 heures après la connexion" in page


def test_la_duree_maximale_part_de_la_connexion_par_le_formulaire(client, settings, time_machine):
    settings.SPIE_SESSION_INACTIVITE_SECONDES = settings.SESSION_COOKIE_AGE = 24 * 60 * 60  # seule la durée joue
    time_machine.move_to("2026-03-02 08:00:10", tick=False)
    utilisateur = membre(OrganisationFactory()).utilisateur
    secret = activer_totp(utilisateur)
    _connecter_par_le_formulaire(client, utilisateur, secret)
    time_machine.move_to("2026-03-02 20:00:10", tick=False)  # 12 heures pile
    assert client.get(reverse("parcours:mes_carnets")).status_code == 200
    time_machine.move_to("2026-03-02 20:00:11", tick=False)
    assert _vers_la_connexion(client.get(reverse("parcours:mes_carnets")))


def test_une_session_sans_heure_de_connexion_est_close(client, connecter):
    connecter(membre(OrganisationFactory()).utilisateur)
    assert client.get(reverse("parcours:mes_carnets")).status_code == 200
    session = client.session
    del session["debut_session"]
    session.save()
    assert _vers_la_connexion(client.get(reverse("parcours:mes_carnets")))


def test_un_fragment_htmx_recoit_une_redirection_cote_client(client, connecter, time_machine):
    time_machine.move_to("2026-03-02 09:00", tick=False)
    connecter(membre(OrganisationFactory()).utilisateur)
    client.get(reverse("parcours:mes_carnets"))
    time_machine.move_to("2026-03-02 10:00", tick=False)
    reponse = client.get(
        reverse("parcours:mes_carnets"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/carnets/"
    )
    assert reponse.headers["HX-Redirect"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


# --- 3. Nouvelle clé de session à la connexion -----------------------------------------------------------------


def test_la_connexion_par_le_formulaire_donne_une_nouvelle_cle_de_session(client, time_machine):
    time_machine.move_to("2026-03-02 09:00:10", tick=False)  # le code TOTP ne change pas pendant le test
    utilisateur = membre(OrganisationFactory()).utilisateur
    secret = activer_totp(utilisateur)
    session = client.session
    session["avant_connexion"] = True
    session.save()
    cle_avant = client.session.session_key
    _connecter_par_le_formulaire(client, utilisateur, secret)
    cle_apres = client.session.session_key
    assert cle_apres != cle_avant
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not store().exists(cle_avant)  # la clé connue avant la connexion ne vaut plus rien


# --- 4. Comptes et appartenances désactivés --------------------------------------------------------------------


def test_un_compte_desactive_perd_toutes_ses_sessions(client, connecter):
    utilisateur = membre(OrganisationFactory()).utilisateur
    premier, second = connecter(utilisateur), connecter(utilisateur, client=client.__class__())
    url = reverse("parcours:mes_carnets")
    assert premier.get(url).status_code == 200 and second.get(url).status_code == 200
    utilisateur.is_active = False
    utilisateur.save(update_fields=["is_active"])
    assert _vers_la_connexion(premier.get(url))
    assert _vers_la_connexion(second.get(url))


def test_un_espace_personnel_ferme_deconnecte_la_personne_partout(client):
    departement = OrganisationFactory()
    referente = membre(departement).utilisateur
    carnet = parcours_services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Lalanne", prenom="Inès", date_naissance=date(1988, 5, 3)
    )
    from parcours.espace import activation
    from parcours.models import EspacePersonne

    compte = Utilisateur.objects.creer_compte_personne(identifiant="ines.ferme", password=MOT_DE_PASSE)
    EspacePersonne.objects.create(personne=carnet.personne, compte=compte)
    clients = [client, client.__class__()]
    url = reverse("parcours:espace_accueil")
    for navigateur in clients:
        navigateur.post(reverse("account_login"), {"login": "ines.ferme", "password": MOT_DE_PASSE})
        assert navigateur.get(url).status_code == 200
    activation.fermer_espace(carnet, acteur=referente)
    for navigateur in clients:
        assert _vers_la_connexion(navigateur.get(url))


def test_un_membre_desactive_perd_l_acces_au_carnet_a_la_requete_suivante(client, connecter):
    departement = OrganisationFactory()
    administratrice = membre(departement, Role.ADMINISTRATEUR).utilisateur
    referente = membre(departement)
    carnet = parcours_services.ouvrir_carnet(
        acteur=referente.utilisateur,
        organisation=departement,
        nom="Lalanne",
        prenom="Inès",
        date_naissance=date(1988, 5, 3),
    )
    connecter(referente.utilisateur)
    url = reverse("parcours:carnet", args=[carnet.uuid])
    assert client.get(url).status_code == 200
    partenaires_services.desactiver_membre(referente, acteur=administratrice, motif="Départ")
    assert client.get(url).status_code == 404


# --- 5. Limites de fréquence et X-Forwarded-For forgé ----------------------------------------------------------


def _adresse(numero: int) -> str:
    return f"198.51.100.{numero % 250 + 1}"


def test_un_x_forwarded_for_forge_ne_remet_pas_a_zero_les_echecs_d_un_compte(client):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    UtilisateurFactory(email="cible@exemple.fr")
    for essai in range(5):
        client.post(
            reverse("account_login"),
            {"login": "cible@exemple.fr", "password": "mauvais-mot-de-passe"},
            HTTP_X_FORWARDED_FOR=_adresse(essai),
        )
    reponse = client.post(
        reverse("account_login"),
        {"login": "cible@exemple.fr", "password": MOT_DE_PASSE},
        HTTP_X_FORWARDED_FOR=_adresse(99),
    )
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in reponse.content.decode()


def test_un_x_forwarded_for_forge_ne_remet_pas_a_zero_la_limite_par_adresse(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "5/m/ip"}
    for essai in range(5):
        reponse = client.post(
            reverse("account_login"),
            {"login": f"inconnu{essai}@exemple.fr", "password": "mauvais-mot-de-passe"},
            HTTP_X_FORWARDED_FOR=_adresse(essai),
        )
        assert reponse.status_code == 200
    reponse = client.post(
        reverse("account_login"),
        {"login": "inconnu9@exemple.fr", "password": "mauvais-mot-de-passe"},
        HTTP_X_FORWARDED_FOR=_adresse(99),
    )
    assert reponse.status_code == 429


def test_derriere_un_proxy_de_confiance_seule_l_adresse_ajoutee_par_le_proxy_compte(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "5/m/ip"}
    donnees = {"login": "inconnu@exemple.fr", "password": "mauvais-mot-de-passe"}
    for essai in range(5):  # le client forge le début de l'en-tête, le proxy ajoute la vraie adresse à la fin
        reponse = client.post(reverse("account_login"), donnees, HTTP_X_FORWARDED_FOR=f"{_adresse(essai)}, 203.0.113.7")
        assert reponse.status_code == 200
    reponse = client.post(reverse("account_login"), donnees, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
    assert reponse.status_code == 429
    # Un autre client, derrière le même proxy, n'est pas bloqué.
    reponse = client.post(reverse("account_login"), donnees, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert reponse.status_code == 200


def test_un_x_forwarded_for_forge_ne_remet_pas_a_zero_la_limite_d_activation_de_l_espace(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "activation_espace": "3/m/ip"}
    url = reverse("parcours:espace_activer")
    donnees = {"identifiant": "x", "code": "y", "password1": "un-mot-de-passe-long", "password2": "idem"}
    for essai in range(3):
        assert client.post(url, donnees, HTTP_X_FORWARDED_FOR=_adresse(essai)).status_code == 200
    reponse = client.post(url, donnees, HTTP_X_FORWARDED_FOR=_adresse(99))
    assert reponse.status_code == 429 and "Trop d'essais" in reponse.content.decode()


def test_un_x_forwarded_for_forge_ne_remet_pas_a_zero_les_echecs_d_activation_d_un_identifiant(client):
    url = reverse("parcours:espace_activer")
    donnees = {"identifiant": "ines.cible", "code": "ZZZZ-ZZZZ-ZZZZ"}
    donnees.update(password1="un-mot-de-passe-long", password2="un-mot-de-passe-long")
    for essai in range(5):
        assert client.post(url, donnees, HTTP_X_FORWARDED_FOR=_adresse(essai)).status_code == 200
    reponse = client.post(url, donnees, HTTP_X_FORWARDED_FOR=_adresse(99))
    assert reponse.status_code == 429


# --- 6. Administration technique -------------------------------------------------------------------------------


def test_l_administration_anonyme_renvoie_a_la_connexion_allauth(client):
    reponse = client.get("/admin/", follow=True)
    assert reponse.redirect_chain and reponse.request["PATH_INFO"] == reverse("account_login")
    assert "Connexion" in reponse.content.decode()


def test_un_membre_du_staff_sans_second_facteur_n_atteint_pas_l_administration(client):
    staff = UtilisateurFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    reponse = client.get("/admin/")
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("mfa_activate_totp"))
    assert client.get("/admin/partenaires/utilisateur/").url.startswith(reverse("mfa_activate_totp"))
    # Avec son second facteur, le même compte y entre.
    activer_totp(staff)
    assert client.get("/admin/").status_code == 200
