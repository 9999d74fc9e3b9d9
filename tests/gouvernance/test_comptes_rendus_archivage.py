"""L'archivage du compte rendu à la clôture : la tâche produit le PDF et le range par l'API de stockage dans
`Seance.compte_rendu` ; rejouée, elle ne refait rien ; le fichier n'est servi que par la vue protégée. Les séances
clôturées depuis plus de dix minutes sans compte rendu voient leur archivage relancé (commande, puis beat)."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from gouvernance.choix import StatutSeance
from gouvernance.comptes_rendus import archivage
from gouvernance.comptes_rendus.taches import archiver_compte_rendu, archiver_comptes_rendus_manquants
from gouvernance.models import Seance
from spie.pdf import ErreurPdf
from tests.gouvernance import fabriques
from tests.gouvernance.test_comptes_rendus_decor import seance_tenue

pytestmark = pytest.mark.django_db


def cloturer(seance, il_y_a=timedelta(0)):
    Seance.objects.filter(pk=seance.pk).update(statut=StatutSeance.CLOTUREE, cloturee_le=timezone.now() - il_y_a)
    seance.refresh_from_db()
    return seance


@pytest.fixture
def decor():
    return seance_tenue()


def test_la_tache_archive_le_compte_rendu_definitif(decor):
    seance = cloturer(decor.seance)
    archiver_compte_rendu.delay(seance.pk)
    seance.refresh_from_db()
    assert seance.compte_rendu.name.startswith(f"gouvernance/comptes-rendus/{timezone.now():%Y}/compte-rendu-")
    with seance.compte_rendu.open("rb") as fichier:
        texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(fichier.read())).pages)
    assert "Compte rendu de la séance du" in texte and "PROJET" not in texte
    assert "Ouvrir le garage solidaire de Mont-de-Marsan" in texte


def test_rejouee_la_tache_ne_refait_rien(decor, monkeypatch):
    seance = cloturer(decor.seance)
    assert archivage.archiver(seance.pk) is True
    seance.refresh_from_db()
    premier = seance.compte_rendu.name

    def interdit(*args, **kwargs):
        raise AssertionError("le compte rendu ne doit pas être produit deux fois")

    monkeypatch.setattr(archivage, "pdf_compte_rendu", interdit)
    assert archivage.archiver(seance.pk) is False
    archiver_compte_rendu.delay(seance.pk)
    seance.refresh_from_db()
    assert seance.compte_rendu.name == premier


@pytest.mark.parametrize("statut", [StatutSeance.PREPARATION, StatutSeance.CONVOQUEE])
def test_une_seance_non_cloturee_n_est_pas_archivee(decor, statut):
    Seance.objects.filter(pk=decor.seance.pk).update(statut=statut)
    assert archivage.archiver(decor.seance.pk) is False
    decor.seance.refresh_from_db()
    assert not decor.seance.compte_rendu


def test_une_seance_disparue_ne_fait_pas_echouer_la_tache():
    assert archivage.archiver(987654) is False


def test_un_echec_du_pdf_n_ecrit_rien(decor, monkeypatch):
    seance = cloturer(decor.seance)

    def en_panne(gabarit, contexte, request=None):
        raise ErreurPdf("La génération du PDF a dépassé le délai de 60 secondes.")

    monkeypatch.setattr("gouvernance.comptes_rendus.documents.rendre_pdf", en_panne)
    with pytest.raises(ErreurPdf):
        archiver_compte_rendu.delay(seance.pk)
    seance.refresh_from_db()
    assert not seance.compte_rendu


def test_le_fichier_archive_n_est_pas_servi_hors_de_la_vue_protegee(decor, client, connecter):
    seance = cloturer(decor.seance)
    archivage.archiver(seance.pk)
    seance.refresh_from_db()
    connecter(decor.equipe.secretaire)
    assert client.get(f"{settings.MEDIA_URL}{seance.compte_rendu.name}").status_code == 404
    reponse = client.get(reverse("gouvernance:compte_rendu_telecharger", args=[seance.uuid]))
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")


# --- Relance des archivages perdus ------------------------------------------------------------------------------------


def test_la_commande_relance_les_seances_cloturees_depuis_plus_de_dix_minutes(decor, capsys):
    oubliee = cloturer(decor.seance, il_y_a=timedelta(minutes=11))
    recente = cloturer(
        fabriques.seance(decor.equipe.comite, cree_par=decor.equipe.secretaire, dans_jours=-1),
        il_y_a=timedelta(minutes=5),
    )
    ouverte = fabriques.seance(decor.equipe.comite, cree_par=decor.equipe.secretaire, statut=StatutSeance.CONVOQUEE)
    assert list(archivage.seances_sans_compte_rendu()) == [decor.precedente, oubliee]
    call_command("archiver_comptes_rendus")
    assert "2 archivage(s) de compte rendu relancé(s)." in capsys.readouterr().out
    for seance in (oubliee, recente, ouverte, decor.precedente):
        seance.refresh_from_db()
    assert oubliee.compte_rendu and decor.precedente.compte_rendu
    assert not recente.compte_rendu and not ouverte.compte_rendu
    call_command("archiver_comptes_rendus")
    assert "0 archivage(s)" in capsys.readouterr().out


def test_la_tache_planifiee_passe_par_la_commande(decor):
    seance = cloturer(decor.seance, il_y_a=timedelta(hours=1))
    archiver_comptes_rendus_manquants.delay()
    seance.refresh_from_db()
    assert seance.compte_rendu


def test_beat_relance_les_archivages_toutes_les_dix_minutes():
    entree = next(
        entree
        for entree in settings.CELERY_BEAT_SCHEDULE.values()
        if entree["task"] == "gouvernance.comptes_rendus.taches.archiver_comptes_rendus_manquants"
    )
    assert entree["schedule"] == 600.0
