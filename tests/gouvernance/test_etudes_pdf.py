"""Le nom et le prénom de la personne n'apparaissent jamais dans l'ordre du jour ni dans le compte rendu en PDF
d'une séance qui étudie sa situation : seul son pseudonyme y figure (texte extrait du PDF produit par WeasyPrint)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from gouvernance.choix import StatutSeance
from gouvernance.comptes_rendus import documents
from gouvernance.etudes import services
from gouvernance.models import Seance
from tests.gouvernance import fabriques
from tests.gouvernance.test_etudes_decor import decor_etudes, soumettre

pytestmark = pytest.mark.django_db


def texte_du_pdf(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def sans_la_personne(texte: str) -> bool:
    minuscules = texte.lower()
    return "durand" not in minuscules and "alexandra" not in minuscules


def test_l_ordre_du_jour_et_le_compte_rendu_ne_montrent_que_le_pseudonyme():
    decor = decor_etudes()
    etude = soumettre(decor, question="Quel financement pour le permis B ?")
    seance = fabriques.seance(decor.technique, cree_par=decor.secretaire)
    services.inscrire_etude(etude, acteur=decor.secretaire, seance=seance)

    ordre_du_jour = texte_du_pdf(documents.pdf_ordre_du_jour(seance))
    assert "Étude de situation — Situation A. D. n° 1" in ordre_du_jour
    assert "Quel financement pour le permis B ?" in ordre_du_jour
    assert sans_la_personne(ordre_du_jour)

    Seance.objects.filter(pk=seance.pk).update(
        statut=StatutSeance.CONVOQUEE,
        date=timezone.now() - timedelta(hours=1),
        convocation_envoyee_le=timezone.now() - timedelta(days=10),
    )
    seance.refresh_from_db()
    etude.refresh_from_db()
    services.recommander(
        etude,
        acteur=decor.secretaire,
        recommandation="Aide au permis du Département.",
        recommandee_le=timezone.localdate(),
    )
    compte_rendu = texte_du_pdf(documents.pdf_compte_rendu(seance))
    assert "Étude de situation — Situation A. D. n° 1" in compte_rendu
    assert sans_la_personne(compte_rendu)
