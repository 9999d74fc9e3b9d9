import io
import logging

import pytest
from django.conf import settings as reglages
from pypdf import PdfReader

from spie.pdf import BASE_URL, ErreurPdf, creer_url_fetcher, html_vers_pdf, racines_statiques, rendre_pdf

FEUILLE = reglages.BASE_DIR / "static" / "spie" / "impression.css"

GABARIT = """{% load static %}<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><link rel="stylesheet" href="{% static 'spie/impression.css' %}"></head>
<body>
  <h1>Synthèse du carnet de {{ prenom }}</h1>
  <p>Objectif : créer son entreprise à Saint-Étienne.</p>
  <p class="ecran">Bouton réservé à l'écran</p>
</body>
</html>"""


def texte(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def gabarit(tmp_path, settings):
    (tmp_path / "essai_pdf.html").write_text(GABARIT, encoding="utf-8")
    moteur = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**moteur, "DIRS": [tmp_path, *moteur["DIRS"]]}, *settings.TEMPLATES[1:]]
    return "essai_pdf.html"


def test_le_pdf_contient_le_texte_du_gabarit(gabarit):
    pdf = rendre_pdf(gabarit, {"prenom": "Hélène"})

    assert pdf.startswith(b"%PDF")
    contenu = texte(pdf)
    assert "Synthèse du carnet de Hélène" in contenu
    assert "Objectif : créer son entreprise à Saint-Étienne." in contenu


def test_la_feuille_de_style_d_impression_est_appliquee(gabarit):
    # impression.css masque .ecran en media print : le texte n'apparaît que si la feuille a été servie.
    assert "Bouton réservé à l'écran" not in texte(rendre_pdf(gabarit, {"prenom": "Hélène"}))


def test_une_feuille_de_style_hors_de_nos_statiques_n_est_pas_chargee():
    html = f'<link rel="stylesheet" href="file://{FEUILLE}"><p class="ecran">Bouton réservé à l\'écran</p>'

    assert "Bouton réservé à l'écran" in texte(html_vers_pdf(html))


def test_le_fetcher_sert_nos_fichiers_statiques():
    fetcher = creer_url_fetcher(racines_statiques())

    reponse = fetcher(f"{BASE_URL}static/spie/impression.css")

    assert reponse.read() == FEUILLE.read_bytes()
    assert reponse.content_type == "text/css"


def test_le_fetcher_accepte_les_urls_data():
    fetcher = creer_url_fetcher(racines_statiques())

    assert fetcher("data:text/css,p%7Bcolor:red%7D").read() == b"p{color:red}"


@pytest.mark.parametrize(
    "url",
    [
        "http://exemple.fr/x.css",
        "https://exemple.fr/static/spie/impression.css",
        "file:///etc/passwd",
        f"file://{FEUILLE}",
        "/static/../settings.py",
        f"{BASE_URL}static/../spie/settings.py",
        f"{BASE_URL}static/%2e%2e/spie/settings.py",
        f"{BASE_URL}static/..%2f..%2f..%2f..%2fetc/passwd",
        f"{BASE_URL}static//etc/passwd",
        f"{BASE_URL}spie/settings.py",
        f"{BASE_URL}static/spie/inexistant.css",
    ],
)
def test_le_fetcher_refuse_tout_le_reste(url):
    fetcher = creer_url_fetcher(racines_statiques())

    with pytest.raises(ValueError, match="Ressource refusée"):
        fetcher(url)


def test_un_rendu_trop_long_leve_une_erreur_pdf(settings):
    settings.SPIE_PDF_DELAI_SECONDES = 0.01

    with pytest.raises(ErreurPdf, match="La génération du PDF a dépassé le délai de 0.01 secondes."):
        html_vers_pdf("<p>Synthèse</p>")


def test_un_rendu_qui_depasse_la_memoire_leve_une_erreur_pdf_et_journalise_la_cause(settings, caplog):
    settings.SPIE_PDF_MEMOIRE_MO = 64

    with caplog.at_level(logging.ERROR, logger="spie.pdf"), pytest.raises(ErreurPdf) as erreur:
        html_vers_pdf("<p>Synthèse</p>")

    assert str(erreur.value) == "La génération du PDF a échoué (mémoire ou erreur de rendu)."
    assert "Traceback" in caplog.text
