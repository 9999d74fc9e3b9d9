"""La section « Indicateurs du territoire » du compte rendu : le département du consortium, le dernier trimestre
complet avant la séance, effectifs arrondis à 5 et chiffres de 1 à 4 personnes masqués ; rendue en PDF par
WeasyPrint (graphiques SVG compris), texte extrait par pypdf."""

import io
import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader

from gouvernance.comptes_rendus.contexte import contexte_indicateurs
from gouvernance.indicateurs import population as p
from spie.pdf import html_vers_pdf
from tests.factories import membre
from tests.gouvernance import fabriques as fabriques_gouvernance
from tests.gouvernance import fabriques_indicateurs as f

GABARIT = "gouvernance/indicateurs/includes/section_compte_rendu.html"


def texte_pdf(contenu: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(contenu)).pages)


@pytest.fixture
def seance(db):
    equipe = fabriques_gouvernance.equipe_comite()
    seance = fabriques_gouvernance.seance(equipe.comite, cree_par=equipe.secretaire)
    periode = p.dernier_trimestre_complet(timezone.localtime(seance.date).date())
    referente = membre(equipe.departement).utilisateur
    # 7 personnes accompagnées dans le trimestre (ouvertes 30 jours avant), dont 1 au RSA.
    carnets = [f.carnet(equipe.departement, referente, ouvert_le=periode.debut - timedelta(days=30)) for _ in range(7)]
    f.statut(carnets[0], "droit_rsa", "ouvert_versable", periode.debut - timedelta(days=60), referente)
    return seance, periode


def test_section_indicateurs_du_compte_rendu_en_pdf(seance):
    seance, periode = seance
    contexte = contexte_indicateurs(seance)
    assert contexte["indicateurs_territoire"].departement == "40"
    assert contexte["indicateurs_territoire"].periode == periode
    html = f"<html><body>{render_to_string(GABARIT, contexte)}</body></html>"
    texte = texte_pdf(html_vers_pdf(html))
    assert "Indicateurs du territoire" in texte
    assert periode.libelle in texte
    assert "Définition : Personnes dont le carnet de bord est ouvert" in texte
    # Personnes accompagnées, tous publics : 7 → arrondi à 5, dans la période comme dans la précédente (ouverts un
    # mois avant le trimestre) ; écart 0.
    assert re.search(r"Tous les publics\s*5 5 0", texte)
    # Le compte rendu donne les chiffres tous publics confondus ; le détail par public (ici 1 personne au RSA, qui
    # serait « secret ») reste sur la page des indicateurs.
    assert "Bénéficiaires du RSA" not in texte
    assert "Nom1" not in texte and "Prénom" not in texte
    assert "Avis donnés" in texte  # la section des avis anonymes (sans réponse : « – »)


def test_la_section_lit_un_nombre_fixe_de_requetes(seance, django_assert_num_queries):
    seance, _ = seance
    with django_assert_num_queries(13):  # 12 pour les carnets, 1 pour les avis anonymes
        render_to_string(GABARIT, contexte_indicateurs(seance))
