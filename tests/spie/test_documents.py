"""Documents produits en arrière-plan : une ligne d'état en base, une tâche idempotente, une page d'attente, un
téléchargement réservé au demandeur, une expiration."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from spie import documents
from spie.models import DocumentGenere
from spie.pdf import ErreurPdf
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db
APPELS = []


@documents.producteur("tests.essai")
def _essai(demandeur, *, texte, echec=""):
    APPELS.append(texte)
    if echec == "pdf":
        raise ErreurPdf("La génération du PDF a dépassé le délai de 60 secondes.")
    return f"Bonjour {demandeur.prenom} : {texte}".encode()


@pytest.fixture
def demandeur():
    return UtilisateurFactory(prenom="Léa")


def demander(demandeur, capturer, **parametres):
    with capturer(execute=True):
        return documents.demander(
            "tests.essai", demandeur=demandeur, titre="Essai", nom_fichier="essai.txt", **parametres
        )


def test_le_document_est_produit_apres_le_commit_et_telecharge_par_son_demandeur(
    demandeur, client, connecter, django_capture_on_commit_callbacks
):
    document = demander(demandeur, django_capture_on_commit_callbacks, texte="synthèse")
    document.refresh_from_db()
    assert (document.statut, document.progression) == ("pret", 100)
    connecter(demandeur)
    page = client.get(reverse("document", args=[document.uuid])).content.decode()
    assert "Le document est prêt." in page and "hx-trigger" not in page
    reponse = client.get(reverse("document_telecharger", args=[document.uuid]))
    assert b"".join(reponse.streaming_content).decode() == "Bonjour Léa : synthèse"
    assert reponse["Content-Disposition"] == 'attachment; filename="essai.txt"'


def test_un_autre_utilisateur_ne_voit_pas_le_document(demandeur, client, connecter, django_capture_on_commit_callbacks):
    document = demander(demandeur, django_capture_on_commit_callbacks, texte="synthèse")
    connecter(UtilisateurFactory())
    assert client.get(reverse("document", args=[document.uuid])).status_code == 404
    assert client.get(reverse("document_telecharger", args=[document.uuid])).status_code == 404


def test_la_page_d_attente_se_relit_jusqu_a_la_fin(demandeur, client, connecter):
    document = documents.demander("tests.essai", demandeur=demandeur, titre="Essai", nom_fichier="e.txt", texte="x")
    connecter(demandeur)
    fragment = client.get(reverse("document", args=[document.uuid]), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<html" not in fragment and "En attente" in fragment
    page = client.get(reverse("document", args=[document.uuid])).content.decode()
    assert "Actualiser pour voir où en est le document" in page  # sans JavaScript
    assert client.get(reverse("document_telecharger", args=[document.uuid])).status_code == 404


def test_la_tache_est_idempotente(demandeur, django_capture_on_commit_callbacks):
    APPELS.clear()
    document = demander(demandeur, django_capture_on_commit_callbacks, texte="une fois")
    documents.produire(document.pk)
    documents.produire(document.pk)
    assert APPELS == ["une fois"]


def test_un_echec_est_dit_en_francais(demandeur, client, connecter, django_capture_on_commit_callbacks):
    document = demander(demandeur, django_capture_on_commit_callbacks, texte="x", echec="pdf")
    document.refresh_from_db()
    assert document.statut == "echec" and not document.fichier
    connecter(demandeur)
    page = client.get(reverse("document", args=[document.uuid])).content.decode()
    assert "a dépassé le délai de 60 secondes" in page


def test_les_documents_expires_sont_purges_avec_leurs_fichiers(demandeur, capsys, django_capture_on_commit_callbacks):
    ancien = demander(demandeur, django_capture_on_commit_callbacks, texte="ancien")
    recent = demander(demandeur, django_capture_on_commit_callbacks, texte="récent")
    ancien.refresh_from_db()
    chemin = ancien.fichier.path
    DocumentGenere.objects.filter(pk=ancien.pk).update(expire_le=timezone.now() - timedelta(minutes=1))
    call_command("purger_documents")
    assert "Simulation : 1 document(s)" in capsys.readouterr().out
    assert DocumentGenere.objects.count() == 2
    call_command("purger_documents", "--wet-run")
    assert list(DocumentGenere.objects.all()) == [recent]
    import os

    assert not os.path.exists(chemin)
