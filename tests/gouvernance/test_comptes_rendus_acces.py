"""Qui obtient les documents d'une séance : l'ordre du jour, tous ceux qui voient le comité ; le projet de compte
rendu, le secrétaire seul (403 pour les autres qui voient le comité) ; le compte rendu d'une séance clôturée, tous
ceux qui voient le comité ; personne d'autre (404). Les PDF sont demandés (une ligne en attente, une seule même
si le bouton est pressé deux fois), produits par un worker qui relit les droits, puis téléchargés depuis la page
d'attente. Les boutons de la page de la séance suivent le rôle et le statut."""

import html
import io

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from gouvernance.choix import StatutSeance
from gouvernance.comptes_rendus.contexte import contexte_documents
from gouvernance.models import Comite, Seance
from partenaires.choix import Role
from spie.models import DocumentGenere
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques
from tests.gouvernance.test_comptes_rendus_decor import seance_tenue

pytestmark = pytest.mark.django_db
QUI_VOIT = ["secretaire", "prefet", "president", "professionnel_caf", "pilote"]
QUI_VOIT_SANS_ETRE_SECRETAIRE = [acteur for acteur in QUI_VOIT if acteur != "secretaire"]


@pytest.fixture
def decor():
    decor = seance_tenue()
    decor.etranger = membre(OrganisationFactory(departement="64"), Role.PILOTE).utilisateur
    return decor


def acteur(decor, nom):
    return decor.etranger if nom == "etranger" else getattr(decor.equipe, nom)


def cloturer(seance, archive=None):
    Seance.objects.filter(pk=seance.pk).update(statut=StatutSeance.CLOTUREE, cloturee_le=timezone.now())
    seance.refresh_from_db()
    if archive is not None:
        seance.compte_rendu.save("compte-rendu.pdf", ContentFile(archive))
    return seance


def url(nom, seance):
    return reverse(f"gouvernance:{nom}", args=[seance.uuid])


def lire(contenu) -> str:
    """Le HTML déséchappé, espaces normalisés."""
    contenu = contenu.decode() if isinstance(contenu, bytes) else contenu
    return " ".join(html.unescape(contenu).split())


def texte_pdf(contenu: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(contenu)).pages)


# --- Pages « Imprimer » -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nom", QUI_VOIT)
def test_qui_voit_le_comite_imprime_l_ordre_du_jour(decor, client, connecter, nom):
    connecter(acteur(decor, nom))
    reponse = client.get(url("ordre_du_jour_imprimer", decor.seance))
    assert reponse.status_code == 200
    page = lire(reponse.content)
    assert "Ordre du jour de la séance du" in page and "Création d'un garage solidaire" in page
    assert "spie/impression.css" in page and "css/impression-gouvernance.css" in page


def test_le_projet_de_compte_rendu_s_imprime_pour_le_secretaire(decor, client, connecter):
    connecter(decor.equipe.secretaire)
    page = lire(client.get(url("compte_rendu_imprimer", decor.seance)).content)
    assert "Projet de compte rendu de la séance du" in page and "Quorum atteint." in page
    assert "PROJET – séance non clôturée" in page  # en haut de chaque page imprimée


@pytest.mark.parametrize("nom", QUI_VOIT_SANS_ETRE_SECRETAIRE)
@pytest.mark.parametrize("vue", ["compte_rendu_imprimer", "compte_rendu_pdf"])
def test_le_projet_de_compte_rendu_est_refuse_aux_autres_qui_voient_le_comite(decor, client, connecter, nom, vue):
    connecter(acteur(decor, nom))
    assert client.get(url(vue, decor.seance)).status_code == 403
    assert not DocumentGenere.objects.exists()


@pytest.mark.parametrize(
    "vue",
    [
        "ordre_du_jour_imprimer",
        "ordre_du_jour_pdf",
        "compte_rendu_imprimer",
        "compte_rendu_pdf",
        "compte_rendu_telecharger",
    ],
)
def test_qui_ne_voit_pas_le_comite_recoit_404(decor, client, connecter, vue):
    cloturer(decor.seance, archive=b"%PDF-1.7 archive")
    connecter(decor.etranger)
    assert client.get(url(vue, decor.seance)).status_code == 404
    assert not DocumentGenere.objects.exists()


@pytest.mark.parametrize("nom", QUI_VOIT)
def test_apres_la_cloture_le_compte_rendu_s_imprime_pour_qui_voit_le_comite(decor, client, connecter, nom):
    cloturer(decor.seance)
    connecter(acteur(decor, nom))
    page = lire(client.get(url("compte_rendu_imprimer", decor.seance)).content)
    assert "Compte rendu de la séance du" in page and "Séance clôturée le" in page
    assert "Projet" not in page and "PROJET" not in page


# --- PDF : demande, production par le worker, téléchargement --------------------------------------------------------


def test_le_pdf_du_projet_est_demande_produit_puis_telecharge(
    decor, client, connecter, django_capture_on_commit_callbacks
):
    connecter(decor.equipe.secretaire)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get(url("compte_rendu_pdf", decor.seance))
    document = DocumentGenere.objects.get()
    assert reponse.url == reverse("document", args=[document.uuid])
    assert (document.producteur, document.parametres) == (
        "gouvernance.compte_rendu",
        {"seance": str(decor.seance.uuid)},
    )
    assert document.statut == "pret" and document.nom_fichier.startswith("projet-compte-rendu-comite-departemental")
    assert "Le document est prêt." in lire(client.get(reponse.url).content)
    telechargement = client.get(reverse("document_telecharger", args=[document.uuid]))
    texte = texte_pdf(b"".join(telechargement.streaming_content))
    assert "Projet de compte rendu" in texte and "Résultat : Adoptée." in texte


def test_deux_clics_sur_le_bouton_ne_demandent_qu_un_document(decor, client, connecter):
    connecter(decor.equipe.prefet)
    premiere = client.get(url("ordre_du_jour_pdf", decor.seance))
    seconde = client.get(url("ordre_du_jour_pdf", decor.seance))
    assert premiere.url == seconde.url
    document = DocumentGenere.objects.get()
    assert (document.statut, document.producteur) == ("en_attente", "gouvernance.ordre_du_jour")
    assert document.titre.startswith("Ordre du jour de la séance du")


def test_l_ordre_du_jour_en_pdf_est_produit_pour_un_membre(
    decor, client, connecter, django_capture_on_commit_callbacks
):
    connecter(decor.equipe.professionnel_caf)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("ordre_du_jour_pdf", decor.seance))
    document = DocumentGenere.objects.get()
    assert document.statut == "pret"
    with document.fichier.open("rb") as fichier:
        assert "5 points – durée prévue : 50 minutes" in texte_pdf(fichier.read())


def test_la_production_relit_les_droits_du_demandeur(decor, client, connecter, django_capture_on_commit_callbacks):
    """Le secrétaire demande le projet, puis le comité change de secrétaire avant que le worker ne passe : le
    document n'est pas produit, et la page d'attente le dit en français."""
    connecter(decor.equipe.secretaire)
    with django_capture_on_commit_callbacks() as taches:
        client.get(url("compte_rendu_pdf", decor.seance))
    Comite.objects.filter(pk=decor.equipe.comite.pk).update(secretaire=None)
    for tache in taches:
        tache()
    document = DocumentGenere.objects.get()
    assert document.statut == "echec" and not document.fichier
    page = lire(client.get(reverse("document", args=[document.uuid])).content)
    assert "Vous n'avez plus accès à ce dossier : le document n'a pas été produit." in page


def test_apres_la_cloture_un_membre_obtient_le_compte_rendu_en_pdf(
    decor, client, connecter, django_capture_on_commit_callbacks
):
    cloturer(decor.seance)
    connecter(decor.equipe.professionnel_caf)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("compte_rendu_pdf", decor.seance))
    document = DocumentGenere.objects.get()
    assert document.statut == "pret" and document.nom_fichier.startswith("compte-rendu-")
    assert document.titre.startswith("Compte rendu de la séance du")


def test_le_compte_rendu_archive_se_telecharge_tel_quel(decor, client, connecter):
    cloturer(decor.seance, archive=b"%PDF-1.7 compte rendu archive")
    connecter(decor.equipe.professionnel_caf)
    assert client.get(url("compte_rendu_pdf", decor.seance)).url == url("compte_rendu_telecharger", decor.seance)
    reponse = client.get(url("compte_rendu_telecharger", decor.seance))
    assert b"".join(reponse.streaming_content) == b"%PDF-1.7 compte rendu archive"
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"].startswith('attachment; filename="compte-rendu-comite-departemental')
    assert not DocumentGenere.objects.exists()


@pytest.mark.parametrize("cloturee", [False, True])
def test_pas_de_compte_rendu_archive_404(decor, client, connecter, cloturee):
    if cloturee:
        cloturer(decor.seance)
    connecter(decor.equipe.secretaire)
    assert client.get(url("compte_rendu_telecharger", decor.seance)).status_code == 404


# --- Les boutons de la page de la séance ------------------------------------------------------------------------------


def boutons(seance, utilisateur) -> str:
    return lire(
        render_to_string(
            "gouvernance/comptes_rendus/includes/documents_seance.html", contexte_documents(seance, utilisateur)
        )
    )


def test_en_preparation_tous_ont_le_projet_d_ordre_du_jour_et_personne_le_compte_rendu(decor):
    seance = fabriques.seance(decor.equipe.comite, cree_par=decor.equipe.secretaire)
    for utilisateur in (decor.equipe.secretaire, decor.equipe.prefet):
        html = boutons(seance, utilisateur)
        assert "Projet d'ordre du jour" in html and url("ordre_du_jour_pdf", seance) in html
        assert "compte-rendu" not in html


def test_seance_convoquee_le_secretaire_seul_a_le_projet_de_compte_rendu(decor):
    secretaire = boutons(decor.seance, decor.equipe.secretaire)
    assert (
        url("compte_rendu_imprimer", decor.seance) in secretaire and url("compte_rendu_pdf", decor.seance) in secretaire
    )
    assert url("ordre_du_jour_imprimer", decor.seance) in secretaire
    prefet = boutons(decor.seance, decor.equipe.prefet)
    assert url("ordre_du_jour_pdf", decor.seance) in prefet and "compte-rendu" not in prefet


def test_seance_cloturee_tous_ont_le_compte_rendu(decor):
    cloturer(decor.seance)
    html = boutons(decor.seance, decor.equipe.professionnel_caf)
    assert "en cours d'archivage" in html and url("compte_rendu_pdf", decor.seance) in html
    cloturer(decor.seance, archive=b"%PDF")
    html = boutons(decor.seance, decor.equipe.professionnel_caf)
    assert url("compte_rendu_telecharger", decor.seance) in html and url("compte_rendu_pdf", decor.seance) not in html


@pytest.mark.parametrize(("nom", "requetes"), [("secretaire", 1), ("prefet", 0)])
def test_les_boutons_coutent_au_plus_une_requete(decor, django_assert_num_queries, nom, requetes):
    seance = Seance.objects.select_related("comite").get(pk=decor.seance.pk)
    with django_assert_num_queries(requetes):
        boutons(seance, acteur(decor, nom))
