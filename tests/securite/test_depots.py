"""Documents déposés (issue 11) : le type est reconnu par le contenu (ni l'extension ni le type annoncé ne comptent),
la taille est bornée par usage, les deux formulaires de dépôt passent par `spie.depots.controler_depot` ; les fichiers
sont rangés hors de la racine statique et ne sont jamais servis par une URL /media/ : seulement par des vues qui
vérifient la permission."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from offre.echange import depot
from parcours.models import ImportPersonnes
from partenaires.choix import Role
from spie import depots
from spie.models import DocumentGenere
from tests.factories import OrganisationFactory, membre
from tests.parcours.fichiers_import import csv_octets, equipe_du_departement, ligne, xlsx_octets
from tests.texte_pdf import pdf_de_test

pytestmark = pytest.mark.django_db

EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4
EXECUTABLE_WINDOWS = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>nom;prenom</body></html>"
HTML_SANS_DOCTYPE = b"  \n<html><body>nom;prenom;naissance</body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
ZIP_QUELCONQUE = b"PK\x03\x04 pas un classeur"
JSON_OFFRE = json.dumps([{"id": "s1", "nom": "Structure"}]).encode()


# --- La fonction de contrôle -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        (b"%PDF-1.7\n...", depots.PDF),
        (csv_octets([ligne()]), depots.CSV),
        (csv_octets([ligne(nom="Lafitte-Pérès")], encodage="cp1252"), depots.CSV),
        (JSON_OFFRE, depots.JSON),
        (b"\xef\xbb\xbf" + JSON_OFFRE, depots.JSON),
        (EXECUTABLE, None),
        (EXECUTABLE_WINDOWS, None),
        (HTML, None),
        (HTML_SANS_DOCTYPE, None),
        (SVG, None),
        (ZIP_QUELCONQUE, None),
        ("nom;prénom".encode("utf-16"), None),
    ],
)
def test_le_type_est_reconnu_par_le_contenu(contenu, attendu):
    assert depots.reconnaitre(contenu) == attendu


def test_un_vrai_classeur_xlsx_est_reconnu():
    assert depots.reconnaitre(xlsx_octets([ligne()])) == depots.XLSX


@pytest.mark.parametrize("nom", ["liste.csv", "liste.pdf", "liste.json", "liste.xlsx", "liste"])
@pytest.mark.parametrize("contenu", [EXECUTABLE, HTML, SVG], ids=["executable", "html", "svg"])
def test_ni_le_nom_ni_le_type_annonce_ne_font_passer_un_fichier(nom, contenu):
    fichier = SimpleUploadedFile(nom, contenu, content_type="text/csv")
    with pytest.raises(ValidationError, match="son contenu ne correspond pas"):
        depots.controler_depot(fichier, usage="import_personnes", types=(depots.CSV, depots.XLSX))


def test_un_pdf_n_est_pas_un_csv():
    fichier = SimpleUploadedFile("liste.csv", pdf_de_test("nom;prenom"), content_type="text/csv")
    with pytest.raises(ValidationError, match="n'est pas un classeur XLSX ou un fichier CSV"):
        depots.controler_depot(fichier, usage="import_personnes", types=(depots.XLSX, depots.CSV))


def test_la_taille_maximale_depend_de_l_usage(settings):
    settings.SPIE_DEPOTS_TAILLE_MAX = {"import_personnes": 2 * 1024 * 1024, "import_offre": 10 * 1024 * 1024}
    contenu = csv_octets([ligne()] * 70_000)  # un peu plus de 2 Mo
    assert 2 * 1024 * 1024 < len(contenu) < 10 * 1024 * 1024
    with pytest.raises(ValidationError, match=r"Le fichier pèse 2,\d Mo : la limite est de 2 Mo\."):
        depots.controler_depot(SimpleUploadedFile("l.csv", contenu), usage="import_personnes", types=(depots.CSV,))
    fichier = SimpleUploadedFile("l.csv", contenu)
    assert depots.controler_depot(fichier, usage="import_offre", types=(depots.CSV,)) == depots.CSV
    assert fichier.read(3) == contenu[:3]  # rembobiné pour la suite


def test_un_fichier_vide_est_refuse():
    with pytest.raises(ValidationError, match="Le fichier est vide"):
        depots.controler_depot(SimpleUploadedFile("l.csv", b" \n"), usage="import_offre", types=(depots.CSV,))


# --- Branchée sur chaque formulaire de dépôt -------------------------------------------------------------------


@pytest.fixture
def departement(db):
    return equipe_du_departement()


@pytest.mark.parametrize(
    ("nom", "contenu"),
    [
        ("liste.csv", EXECUTABLE),
        ("liste.xlsx", EXECUTABLE_WINDOWS),
        ("liste.csv", HTML),
        ("liste.pdf", HTML),
        ("liste.csv", b"%PDF-1.7\nnom;prenom"),
    ],
)
def test_l_import_de_personnes_refuse_un_fichier_deguise(client, connecter, departement, nom, contenu):
    connecter(departement["admin"])
    fichier = SimpleUploadedFile(nom, contenu, content_type="text/csv")
    reponse = client.post(reverse("parcours:import_televerser"), {"fichier": fichier})
    assert reponse.status_code == 400
    assert "son contenu ne correspond pas" in reponse.content.decode()
    assert not ImportPersonnes.objects.exists()


def test_l_import_de_personnes_refuse_un_fichier_trop_gros_pour_son_usage(client, connecter, departement, settings):
    settings.SPIE_DEPOTS_TAILLE_MAX = {**settings.SPIE_DEPOTS_TAILLE_MAX, "import_personnes": 1024}
    connecter(departement["admin"])
    contenu = csv_octets([ligne()] * 40)
    assert len(contenu) > 1024
    reponse = client.post(reverse("parcours:import_televerser"), {"fichier": SimpleUploadedFile("l.csv", contenu)})
    assert reponse.status_code == 400
    assert "Le fichier pèse 2 ko : la limite est de 1 ko." in reponse.content.decode()
    assert not ImportPersonnes.objects.exists()


def test_l_import_de_personnes_accepte_un_vrai_csv_quel_que_soit_le_type_annonce(client, connecter, departement):
    connecter(departement["admin"])
    fichier = SimpleUploadedFile("export-du-logiciel.txt", csv_octets([ligne()]), content_type="application/pdf")
    reponse = client.post(reverse("parcours:import_televerser"), {"fichier": fichier})
    assert reponse.status_code == 302
    assert ImportPersonnes.objects.count() == 1


@pytest.fixture
def pilote():
    return membre(OrganisationFactory(nom="Département des Landes", departement="40"), Role.PILOTE).utilisateur


@pytest.mark.parametrize(("nom", "contenu"), [("offre.json", HTML), ("offre.csv", EXECUTABLE), ("o.json", SVG)])
def test_l_import_de_l_offre_refuse_un_fichier_deguise(client, connecter, pilote, nom, contenu):
    connecter(pilote)
    reponse = client.post(reverse("offre:import"), {"structures": SimpleUploadedFile(nom, contenu)})
    assert reponse.status_code == 400
    assert "son contenu ne correspond pas" in reponse.content.decode()
    assert client.session.get(depot.CLE) is None


def test_l_import_de_l_offre_refuse_un_fichier_trop_gros(client, connecter, pilote, settings):
    settings.SPIE_DEPOTS_TAILLE_MAX = {**settings.SPIE_DEPOTS_TAILLE_MAX, "import_offre": 10}
    connecter(pilote)
    reponse = client.post(reverse("offre:import"), {"services": SimpleUploadedFile("s.json", JSON_OFFRE)})
    assert reponse.status_code == 400
    assert "Le fichier pèse" in reponse.content.decode()
    assert client.session.get(depot.CLE) is None


# --- Rangés hors de la racine statique, jamais servis directement ----------------------------------------------


def test_les_fichiers_deposes_sont_hors_de_la_racine_statique():
    media = Path(settings.MEDIA_ROOT).resolve()
    statiques = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    statiques.append((Path(settings.BASE_DIR) / "staticfiles").resolve())  # STATIC_ROOT en production
    for racine in statiques:
        assert not media.is_relative_to(racine) and not racine.is_relative_to(media), racine


def test_aucune_url_ne_sert_le_dossier_des_fichiers():
    prefixe = settings.MEDIA_URL.strip("/")
    motifs = [str(motif.pattern) for motif in get_resolver().url_patterns]
    assert not [m for m in motifs if m.lstrip("^").startswith(prefixe)]


def test_l_url_media_directe_repond_404_meme_connecte(client, connecter, departement):
    nom = default_storage.save("documents/2026/11/diagnostic.pdf", ContentFile(b"%PDF-1.7 secret"))
    try:
        for utilisateur in (None, departement["admin"]):
            if utilisateur:
                connecter(utilisateur)
            reponse = client.get(settings.MEDIA_URL + nom)
            assert reponse.status_code == 404
            assert b"secret" not in reponse.content
    finally:
        default_storage.delete(nom)


def test_un_document_n_est_servi_qu_a_qui_l_a_demande(client, connecter, departement):
    document = DocumentGenere.objects.create(
        demandeur=departement["admin"],
        producteur="parcours.diagnostic",
        titre="Diagnostic",
        nom_fichier="diagnostic.pdf",
        statut=DocumentGenere.Statut.PRET,
        expire_le="2999-01-01T00:00:00Z",
    )
    document.fichier.save("diagnostic.pdf", ContentFile(b"%PDF-1.7 secret"))
    try:
        url = reverse("document_telecharger", args=[document.uuid])
        connecter(departement["charge"])
        assert client.get(url).status_code == 404
        connecter(departement["admin"])
        reponse = client.get(url)
        assert reponse.status_code == 200
        assert b"".join(reponse.streaming_content) == b"%PDF-1.7 secret"
    finally:
        document.fichier.delete(save=False)
