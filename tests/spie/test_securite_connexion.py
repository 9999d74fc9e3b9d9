import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from partenaires.choix import Role
from tests.factories import MOT_DE_PASSE, OrganisationFactory, UtilisateurFactory, membre
from tests.outils import activer_totp, code_totp

pytestmark = pytest.mark.django_db


def test_un_professionnel_sans_second_facteur_doit_le_configurer_avant_toute_page(client):
    utilisateur = membre(OrganisationFactory()).utilisateur
    reponse = client.post(reverse("account_login"), {"login": utilisateur.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    for url in [reverse("accueil"), reverse("partenaires:organisations")]:
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("mfa_activate_totp"))
    # allauth redemande le mot de passe avant d'ajouter un facteur (une session volée ne suffit pas).
    assert client.get(reverse("mfa_activate_totp")).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": MOT_DE_PASSE})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200 and "authentification" in page.content.decode().lower()


def test_la_demonstration_peut_couper_le_second_facteur_avec_un_bandeau(client, settings):
    settings.SPIE_MFA_OBLIGATOIRE = False
    settings.SPIE_DEMONSTRATION = True
    client.force_login(membre(OrganisationFactory()).utilisateur)
    reponse = client.get(reverse("accueil"))
    assert reponse.status_code == 200
    assert "Démonstration : le second facteur" in reponse.content.decode()


def test_connexion_par_e_mail_mot_de_passe_puis_code_totp(client):
    utilisateur = membre(OrganisationFactory(), Role.ADMINISTRATEUR, email="anne@exemple.fr").utilisateur
    secret = activer_totp(utilisateur)
    reponse = client.post(reverse("account_login"), {"login": "ANNE@exemple.fr", "password": MOT_DE_PASSE})
    assert reponse.status_code == 302 and reponse.url == reverse("mfa_authenticate")
    assert client.get(reverse("accueil")).context["user"].is_anonymous
    reponse = client.post(reverse("mfa_authenticate"), {"code": code_totp(secret)})
    assert reponse.status_code == 302
    page = client.get(reverse("accueil"))
    assert page.status_code == 200 and page.context["user"] == utilisateur


def test_les_echecs_de_connexion_repetes_sont_limites(client):
    UtilisateurFactory(email="cible@exemple.fr")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "cible@exemple.fr", "password": "mauvais-mot-de-passe"})
    reponse = client.post(reverse("account_login"), {"login": "cible@exemple.fr", "password": MOT_DE_PASSE})
    assert "_auth_user_id" not in client.session
    assert reponse.status_code in (200, 429)
    assert "Trop de tentatives" in reponse.content.decode()


def test_les_pages_de_connexion_sont_en_francais(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "Mot de passe" in page and "Connexion" in page
    page = client.get(reverse("account_reset_password")).content.decode()
    assert "Mot de passe oublié" in page


def test_l_administration_technique_passe_par_la_connexion_allauth(client):
    reponse = client.get("/admin/login/")
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("account_login"))


def _demarrer(env_extra):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SPIE_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "spie.settings"},
        capture_output=True,
        text=True,
    )


PRODUCTION_CORRECTE = {
    "SPIE_ENV": "production",
    "DJANGO_SECRET_KEY": "cle-de-production-de-test-" * 2,
    "DJANGO_DEBUG": "0",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/spie",
    "EMAIL_HOST": "smtp.exemple.fr",
    "SPIE_CLES_NIR": "gyKiNp4W2p0zDz-UVM3Upu4ybl8nm_L6XvcGJdJaofQ=",
    "SPIE_CLE_EMPREINTE_NIR": "cle-d-empreinte-du-nir-de-test-0123456789",
}


def test_la_production_refuse_de_demarrer_sans_second_facteur_ou_avec_la_cle_de_developpement():
    assert _demarrer(PRODUCTION_CORRECTE).returncode == 0
    sans_mfa = _demarrer({**PRODUCTION_CORRECTE, "SPIE_MFA_OBLIGATOIRE": "0"})
    assert sans_mfa.returncode != 0 and "SPIE_MFA_OBLIGATOIRE ne peut pas être désactivé" in sans_mfa.stderr
    sans_cle = _demarrer({k: v for k, v in PRODUCTION_CORRECTE.items() if k != "DJANGO_SECRET_KEY"})
    assert sans_cle.returncode != 0 and "DJANGO_SECRET_KEY" in sans_cle.stderr
    sqlite = _demarrer({k: v for k, v in PRODUCTION_CORRECTE.items() if k != "DATABASE_URL"})
    assert sqlite.returncode != 0 and "PostgreSQL" in sqlite.stderr
    # Sans SMTP, les liens d'activation et les codes de connexion partiraient en clair dans les journaux.
    sans_smtp = _demarrer({k: v for k, v in PRODUCTION_CORRECTE.items() if k != "EMAIL_HOST"})
    assert sans_smtp.returncode != 0 and "EMAIL_HOST doit désigner le serveur SMTP" in sans_smtp.stderr


def test_le_mot_de_passe_oublie_envoie_un_e_mail_en_francais(client, django_capture_on_commit_callbacks):
    from django.core import mail

    UtilisateurFactory(email="oubli@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("account_reset_password"), {"email": "oubli@exemple.fr"})
    assert reponse.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("[SPIE] ") and "mot de passe" in message.subject.lower()
    assert "/comptes/password/reset/key/" in message.body and "Bonjour" in message.body
    # Une adresse inconnue ne révèle rien et n'envoie pas de lien.
    client.post(reverse("account_reset_password"), {"email": "inconnu@exemple.fr"})
    assert "/comptes/password/reset/key/" not in "".join(m.body for m in mail.outbox[1:])
