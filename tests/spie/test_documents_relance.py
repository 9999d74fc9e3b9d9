"""Documents produits en arrière-plan : une seule production par demande (deux clics, ou deux requêtes simultanées,
donnent le même document), et la relance des productions perdues (tâche perdue avec Redis, worker mort), par la
commande `relancer_documents` que beat lance toutes les cinq minutes."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from spie import documents
from spie.models import DocumentGenere
from tests.factories import UtilisateurFactory

APPELS = []


@documents.producteur("tests.relance")
def _relance(demandeur, *, texte, panne=False):
    APPELS.append(texte)
    if panne:
        raise KeyError("champ disparu")  # une erreur de programmation, pas une erreur prévue
    return f"Document : {texte}".encode()


@documents.producteur("tests.relance_autre")
def _relance_autre(demandeur, *, texte):
    return texte.encode()


@pytest.fixture
def demandeur(db):
    APPELS.clear()
    return UtilisateurFactory(prenom="Léa")


def demander(demandeur, texte="synthèse", **parametres):
    return documents.demander(
        "tests.relance", demandeur=demandeur, titre="Essai", nom_fichier="essai.txt", texte=texte, **parametres
    )


def vieillir(document, **duree):
    DocumentGenere.objects.filter(pk=document.pk).update(date_demande=timezone.now() - timedelta(**duree))


# --- Une seule production par demande -----------------------------------------------------------------------------


def test_deux_clics_donnent_le_meme_document_et_une_seule_production(demandeur, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as taches:
        premier = demander(demandeur)
        second = demander(demandeur)
    assert second == premier
    assert DocumentGenere.objects.count() == 1 and len(taches) == 1
    for tache in taches:
        tache()
    assert APPELS == ["synthèse"]


def test_le_document_en_cours_de_production_est_rendu_au_second_clic(demandeur):
    premier = demander(demandeur)
    DocumentGenere.objects.filter(pk=premier.pk).update(statut=DocumentGenere.Statut.EN_COURS)
    assert demander(demandeur) == premier


@pytest.mark.parametrize(
    "autre",
    [
        pytest.param(lambda d: demander(d, texte="autre chose"), id="autres-parametres"),
        pytest.param(lambda d: demander(UtilisateurFactory()), id="autre-demandeur"),
        pytest.param(
            lambda d: documents.demander(
                "tests.relance_autre", demandeur=d, titre="E", nom_fichier="e.txt", texte="synthèse"
            ),
            id="autre-producteur",
        ),
    ],
)
def test_une_autre_demande_donne_un_autre_document(demandeur, autre):
    premier = demander(demandeur)
    assert autre(demandeur) != premier
    assert DocumentGenere.objects.count() == 2


@pytest.mark.parametrize("statut", [DocumentGenere.Statut.PRET, DocumentGenere.Statut.ECHEC])
def test_une_nouvelle_demande_apres_la_fin_produit_un_nouveau_document(demandeur, statut):
    premier = demander(demandeur)
    DocumentGenere.objects.filter(pk=premier.pk).update(statut=statut)
    assert demander(demandeur) != premier


def test_un_second_clic_sur_une_demande_dont_la_tache_s_est_perdue_la_relance(
    demandeur, django_capture_on_commit_callbacks
):
    perdu = demander(demandeur)  # sa tâche n'est jamais partie (pas de commit dans ce test)
    vieillir(perdu, minutes=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert demander(demandeur) == perdu
    perdu.refresh_from_db()
    assert perdu.statut == "pret" and APPELS == ["synthèse"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="le verrou de ligne demande PostgreSQL")
def test_deux_requetes_simultanees_ne_creent_qu_un_document():
    """Deux requêtes du même demandeur, au même instant, dans deux connexions : le verrou de la ligne du
    demandeur fait attendre la seconde, qui trouve alors le document de la première."""
    demandeur = UtilisateurFactory()
    depart = threading.Barrier(2)
    rendus, erreurs = [], []

    def requete():
        try:
            depart.wait(timeout=10)
            rendus.append(demander(demandeur).pk)
        except Exception as erreur:  # noqa: BLE001 - rapportée par l'assertion
            erreurs.append(erreur)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=requete) for _ in range(2)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert not erreurs
    assert len(rendus) == 2 and len(set(rendus)) == 1
    assert DocumentGenere.objects.filter(demandeur=demandeur).count() == 1


# --- Relance ------------------------------------------------------------------------------------------------------


def test_relancer_reenfile_l_attente_de_plus_de_deux_minutes(demandeur, django_capture_on_commit_callbacks):
    perdu, recent = demander(demandeur, "perdu"), demander(demandeur, "récent")
    vieillir(perdu, minutes=2, seconds=1)
    vieillir(recent, minutes=1, seconds=50)
    with django_capture_on_commit_callbacks(execute=True):
        assert documents.relancer() == 1
    perdu.refresh_from_db()
    recent.refresh_from_db()
    assert (perdu.statut, recent.statut) == ("pret", "en_attente")
    with perdu.fichier.open("rb") as fichier:
        assert fichier.read() == b"Document : perdu"
    assert APPELS == ["perdu"]


def test_relancer_reprend_ce_qu_un_worker_mort_laisse_en_cours(demandeur, django_capture_on_commit_callbacks):
    duree_max = documents.duree_production_max()  # délai du PDF (60 s) + 2 minutes de marge
    assert duree_max == timedelta(seconds=180)
    mort, vivant = demander(demandeur, "mort"), demander(demandeur, "vivant")
    DocumentGenere.objects.update(statut=DocumentGenere.Statut.EN_COURS, progression=10)
    vieillir(mort, seconds=181)
    vieillir(vivant, seconds=120)
    with django_capture_on_commit_callbacks(execute=True):
        assert documents.relancer() == 1
    assert DocumentGenere.objects.get(pk=mort.pk).statut == "pret"
    assert DocumentGenere.objects.get(pk=vivant.pk).statut == "en_cours"
    assert APPELS == ["mort"]


def test_relancer_ne_touche_pas_aux_documents_termines(demandeur, django_capture_on_commit_callbacks):
    for statut in (DocumentGenere.Statut.PRET, DocumentGenere.Statut.ECHEC):
        document = demander(demandeur, statut)
        DocumentGenere.objects.filter(pk=document.pk).update(statut=statut)
        vieillir(document, hours=5)
    with django_capture_on_commit_callbacks(execute=True) as taches:
        assert documents.relancer() == 0
    assert not taches and not APPELS


def test_relancer_deux_fois_ne_produit_qu_une_fois(demandeur, django_capture_on_commit_callbacks):
    perdu = demander(demandeur)
    vieillir(perdu, minutes=10)
    with django_capture_on_commit_callbacks() as premiere:
        documents.relancer()
    with django_capture_on_commit_callbacks() as seconde:
        documents.relancer()
    for tache in premiere + seconde:  # deux messages dans la file : le second ne refait rien
        tache()
    assert APPELS == ["synthèse"]


def test_relancer_prend_l_heure_qu_on_lui_donne(demandeur, django_capture_on_commit_callbacks):
    demander(demandeur)
    with django_capture_on_commit_callbacks(execute=True):
        assert documents.relancer(maintenant=timezone.now() + timedelta(minutes=3)) == 1
    assert APPELS == ["synthèse"]


def test_la_commande_relancer_documents_dit_combien(demandeur, capsys, django_capture_on_commit_callbacks):
    vieillir(demander(demandeur), minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("relancer_documents")
    assert "1 document(s) relancé(s)." in capsys.readouterr().out
    assert DocumentGenere.objects.get().statut == "pret"


def test_beat_relance_toutes_les_cinq_minutes():
    entree = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "spie.tasks.relancer_documents")
    assert entree["schedule"] == 300.0


def test_la_tache_planifiee_passe_par_la_commande(demandeur, django_capture_on_commit_callbacks):
    from spie.tasks import relancer_documents

    vieillir(demander(demandeur), minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        relancer_documents.delay()
    assert DocumentGenere.objects.get().statut == "pret"


# --- Une erreur inattendue termine la production (pas de relance sans fin) -------------------------------------------


def test_une_erreur_inattendue_est_notee_en_echec_en_francais(demandeur, django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        document = demander(demandeur, panne=True)
    document.refresh_from_db()
    assert document.statut == "echec" and document.progression == 100
    assert document.erreur == documents.ERREUR_INATTENDUE
    assert "KeyError" in caplog.text
    vieillir(document, hours=1)
    assert documents.relancer() == 0
