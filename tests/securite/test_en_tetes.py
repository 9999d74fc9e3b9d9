"""En-têtes de sécurité et transport : CSP avec nonce, cache des pages connectées, cookies, `check --deploy`."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from partenaires.choix import Role
from tests.factories import OrganisationFactory, UtilisateurFactory, membre
from tests.matrice.en_tetes import directives_csp, verifier_en_tetes

pytestmark = pytest.mark.django_db


def nonce(reponse) -> str:
    (source,) = [s for s in directives_csp(reponse)["script-src"] if s.startswith("'nonce-")]
    return source.removeprefix("'nonce-").removesuffix("'")


def balises_script(reponse) -> list[str]:
    return re.findall(r"<script\b[^>]*>", reponse.content.decode())


def test_une_page_anonyme_porte_la_csp_et_les_en_tetes_de_securite(client):
    reponse = client.get(reverse("accueil"))
    assert reponse.status_code == 200
    verifier_en_tetes(reponse, connecte=False)
    # Chaque script de la page vient de nos fichiers statiques et porte le nonce de la requête.
    scripts = balises_script(reponse)
    assert scripts and all('src="/static/' in balise for balise in scripts), scripts
    assert all(f'nonce="{nonce(reponse)}"' in balise for balise in scripts), scripts
    # htmx n'injecte pas sa balise <style> d'indicateurs, que la CSP (style-src 'self') bloquerait.
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in reponse.content.decode()


def test_le_nonce_change_a_chaque_requete(client):
    nonces = {nonce(client.get(reverse("accueil"))) for _ in range(3)}
    assert len(nonces) == 3
    assert all(len(valeur) >= 22 for valeur in nonces)  # 16 octets aléatoires en base 64


def test_une_page_connectee_n_est_gardee_par_aucun_cache(client, connecter):
    connecter(membre(OrganisationFactory(), Role.PROFESSIONNEL).utilisateur)
    reponse = client.get(reverse("parcours:mes_carnets"))
    assert reponse.status_code == 200
    verifier_en_tetes(reponse, connecte=True)
    assert "no-store" in reponse.headers["Cache-Control"] and "private" in reponse.headers["Cache-Control"]


def test_une_page_publique_visitee_anonymement_n_est_pas_privee(client):
    assert "no-store" not in client.get(reverse("accueil")).headers.get("Cache-Control", "")


def test_un_fichier_statique_garde_son_cache_meme_connecte(client, connecter):
    connecter(membre(OrganisationFactory(), Role.PROFESSIONNEL).utilisateur)
    reponse = client.get("/static/spie/spie.css")
    assert reponse.status_code == 200
    b"".join(reponse.streaming_content)
    assert "public" in reponse.headers["Cache-Control"] and "no-store" not in reponse.headers["Cache-Control"]
    assert reponse.headers["X-Content-Type-Options"] == "nosniff"


def test_la_connexion_pose_des_cookies_httponly_et_samesite_lax(client):
    page = client.get(reverse("account_login"))
    verifier_en_tetes(page, connecte=False)
    assert page.cookies["csrftoken"]["httponly"] and page.cookies["csrftoken"]["samesite"] == "Lax"
    utilisateur = UtilisateurFactory(email="cookie@exemple.fr")
    utilisateur.set_password("phrase-secrete-longue")
    utilisateur.save()
    reponse = client.post(reverse("account_login"), {"login": "cookie@exemple.fr", "password": "phrase-secrete-longue"})
    assert reponse.status_code == 302
    session = reponse.cookies[settings.SESSION_COOKIE_NAME]
    assert session.value and session["httponly"] and session["samesite"] == "Lax"
    verifier_en_tetes(reponse, connecte=True)


def test_l_administration_django_marche_sous_la_csp(client, connecter):
    connecter(UtilisateurFactory(is_staff=True, is_superuser=True))
    reponse = client.get(reverse("admin:index"))
    assert reponse.status_code == 200
    verifier_en_tetes(reponse, connecte=True)
    # Aucun script en ligne : tous chargés depuis nos fichiers statiques (ou des données JSON inertes).
    assert all("src=" in balise or "application/json" in balise for balise in balises_script(reponse))


def lancer_en_production(*arguments, **variables):
    """`manage.py …` dans un sous-processus avec l'environnement de production (aucune connexion ouverte)."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SPIE_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    env.update(
        {
            "SPIE_ENV": "production",
            "DJANGO_SECRET_KEY": "cle-de-production-de-test-6f2a91c4e8b7d03f5a1c9e27b4d8",
            "DJANGO_ALLOWED_HOSTS": "spie.exemple.fr",
            "DATABASE_URL": "postgres://spie@base.invalid:5432/spie",
            "REDIS_URL": "redis://cache.invalid:6379/0",
            "EMAIL_HOST": "smtp.invalid",
            "SPIE_CLES_NIR": "gyKiNp4W2p0zDz-UVM3Upu4ybl8nm_L6XvcGJdJaofQ=",
            "SPIE_CLE_EMPREINTE_NIR": "cle-d-empreinte-du-nir-de-test-0123456789",
            **variables,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


def test_check_deploy_est_propre_avec_les_reglages_de_production():
    resultat = lancer_en_production("check", "--deploy", "--fail-level", "WARNING")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_check_deploy_signale_un_reglage_de_production_affaibli():
    """Le test précédent peut échouer : sans HSTS sur les sous-domaines ni redirection HTTPS, check le signale."""
    resultat = lancer_en_production(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_HSTS_SOUS_DOMAINES="0", DJANGO_SSL_REDIRECT="0"
    )
    assert resultat.returncode != 0
    assert "security.W005" in resultat.stderr and "security.W008" in resultat.stderr


def test_la_production_refuse_une_cle_secrete_que_check_deploy_jugerait_faible():
    for cle in ("c" * 60, "cle-secrete-de-quarante-cinq-caracteres-1234"):
        resultat = lancer_en_production("check", DJANGO_SECRET_KEY=cle)
        assert resultat.returncode != 0 and "DJANGO_SECRET_KEY doit être défini" in resultat.stderr


# Les gabarits jamais servis au navigateur : courriels, et le <style> de la mention « PROJET » des PDF.
HORS_NAVIGATEUR = ("/emails/", "gouvernance/comptes_rendus/document.html")


def test_aucun_gabarit_servi_au_navigateur_n_a_de_script_ou_de_style_en_ligne():
    """La CSP les bloquerait sans bruit : la page s'afficherait mal, ou htmx ne marcherait plus."""
    racine = settings.BASE_DIR
    gabarits = [
        chemin
        for dossier in ("templates", "spie", "partenaires", "parcours", "offre", "gouvernance")
        for chemin in (racine / dossier).rglob("*.html")
        if "templates" in chemin.parts and not any(motif in chemin.as_posix() for motif in HORS_NAVIGATEUR)
    ]
    assert len(gabarits) > 50
    en_ligne = [
        f"{chemin.relative_to(racine)} : {balise}"
        for chemin in gabarits
        for balise in re.findall(r"<script\b[^>]*>|<style\b[^>]*>|\sstyle=\"", chemin.read_text(encoding="utf-8"))
        if not (balise.startswith("<script") and ("src=" in balise or "nonce=" in balise))
    ]
    assert not en_ligne, en_ligne
