"""Les pages de l'import : droits, téléversement avec erreurs, correspondance, attente htmx, aperçu, compte rendu."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.imports import services
from parcours.models import ImportPersonnes, ModeleCorrespondance, Personne
from partenaires.choix import Role
from tests.factories import OrganisationFactory, UtilisateurFactory, membre
from tests.parcours.fichiers_import import analyser, csv_octets, equipe_du_departement, ligne, televerser


@pytest.fixture
def departement(db):
    return equipe_du_departement()


@pytest.mark.parametrize(("role", "statut"), [("admin", 200), ("charge", 200), ("referente", 403)])
def test_la_liste_est_reservee_aux_administrateurs_et_charges_d_orientation(
    client, connecter, departement, role, statut
):
    connecter(departement[role])
    assert client.get(reverse("parcours:imports")).status_code == statut
    assert client.get(reverse("parcours:import_televerser")).status_code == statut


def test_un_import_d_une_autre_organisation_donne_404(client, connecter, departement):
    import_personnes = analyser(departement, csv_octets([ligne()]))
    ailleurs = membre(OrganisationFactory(nom="Ailleurs"), Role.ADMINISTRATEUR).utilisateur
    connecter(ailleurs)
    for nom in ("parcours:import", "parcours:import_correspondance"):
        assert client.get(reverse(nom, args=[import_personnes.uuid])).status_code == 404
    assert client.post(reverse("parcours:import_confirmer", args=[import_personnes.uuid])).status_code == 404
    assert client.get(reverse("parcours:imports")).context["page"].paginator.count == 0
    superutilisateur = UtilisateurFactory(is_superuser=True, is_staff=True)
    connecter(superutilisateur)
    assert client.get(reverse("parcours:import", args=[import_personnes.uuid])).status_code == 404


def test_televerser_un_fichier_illisible_revient_avec_l_erreur(client, connecter, departement):
    connecter(departement["admin"])
    fichier = SimpleUploadedFile("liste.xlsx", b"PK\x03\x04 abime")
    reponse = client.post(reverse("parcours:import_televerser"), {"fichier": fichier})
    assert reponse.status_code == 400
    assert (
        "n&#x27;est pas un fichier CSV (texte) ou un classeur XLSX : son contenu ne correspond pas"
        in reponse.content.decode()
    )
    assert not ImportPersonnes.objects.exists()


def test_le_parcours_complet_dans_les_pages(client, connecter, departement, django_capture_on_commit_callbacks):
    connecter(departement["admin"])
    contenu = csv_octets([ligne(), ligne(nom="=cmd|' /C calc'!A0"), ligne(nom="Darrigade", naissance="2999-01-01")])
    reponse = client.post(reverse("parcours:import_televerser"), {"fichier": SimpleUploadedFile("l.csv", contenu)})
    import_personnes = ImportPersonnes.objects.get()
    assert reponse.url == reverse("parcours:import_correspondance", args=[import_personnes.uuid])
    page = client.get(reponse.url).content.decode()
    assert '<option value="Nom" selected>Nom</option>' in page
    donnees = {**import_personnes.correspondance, "nom_modele": "Liste du Département"}
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("parcours:import_correspondance", args=[import_personnes.uuid]), donnees)
    assert reponse.status_code == 302
    assert ModeleCorrespondance.objects.get().nom == "Liste du Département"
    apercu = client.get(reverse("parcours:import", args=[import_personnes.uuid])).content.decode()
    assert "Aperçu : 1 ligne valide, 2 en erreur" in apercu
    assert "Cellule refusée : elle commence par =, +, - ou @ (une formule de tableur)." in apercu
    assert "La date de naissance est dans le futur." in apercu
    toutes = client.get(reverse("parcours:import", args=[import_personnes.uuid]), {"lignes": "toutes"})
    assert "Lalanne" in toutes.content.decode()
    reponse = client.post(reverse("parcours:import_confirmer", args=[import_personnes.uuid]))
    assert not Personne.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("parcours:import_confirmer", args=[import_personnes.uuid]), {"valides_seulement": "on"})
    assert list(Personne.objects.values_list("nom", flat=True)) == ["Lalanne"]
    rapport = client.get(reverse("parcours:import", args=[import_personnes.uuid])).content.decode()
    assert "Import terminé" in rapport
    csv = client.get(reverse("parcours:import_rapport", args=[import_personnes.uuid]))
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.content.decode("utf-8-sig").splitlines()[1] == "2;créée;"


def test_l_attente_se_rafraichit_en_htmx_puis_recharge_la_page(client, connecter, departement):
    import_personnes = televerser(departement, csv_octets([ligne()]))
    services.lancer_analyse(
        import_personnes, acteur=departement["admin"], correspondance=import_personnes.correspondance
    )
    connecter(departement["admin"])
    url = reverse("parcours:import", args=[import_personnes.uuid])
    page = client.get(url).content.decode()
    assert f'hx-get="{url}"' in page and "Actualiser" in page and 'value="0"' in page
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.content.decode().startswith('<div id="etat-import"')
    services.analyser(import_personnes.pk)
    fini = client.get(url, headers={"HX-Request": "true"})
    assert fini["HX-Refresh"] == "true"


def test_le_modele_de_fichier_se_telecharge(client, connecter, departement):
    connecter(departement["referente"])
    reponse = client.get(reverse("parcours:import_modele"))
    contenu = b"".join(reponse.streaming_content)
    assert contenu.startswith("Nom;Prénom;Date de naissance;NIR".encode())


def test_le_modele_de_correspondance_se_reprend(client, connecter, departement):
    en_tetes = ["NOM_USAGE", "PRENOM1", "DT_NAIS"]
    modele = ModeleCorrespondance.objects.create(
        organisation=departement["organisation"],
        nom="Extraction",
        correspondance={"nom": "NOM_USAGE", "prenom": "PRENOM1", "date_naissance": "DT_NAIS"},
        cree_par=departement["admin"],
    )
    import_personnes = televerser(departement, csv_octets([["A", "B", "01/01/1990"]], en_tetes=en_tetes))
    connecter(departement["admin"])
    url = reverse("parcours:import_correspondance", args=[import_personnes.uuid])
    assert '<option value="NOM_USAGE" selected>' not in client.get(url).content.decode()
    assert '<option value="NOM_USAGE" selected>' in client.get(url, {"modele": modele.pk}).content.decode()


def test_le_compte_rendu_n_existe_qu_une_fois_l_import_termine(client, connecter, departement):
    import_personnes = analyser(departement, csv_octets([ligne()]))
    connecter(departement["admin"])
    assert client.get(reverse("parcours:import_rapport", args=[import_personnes.uuid])).status_code == 404


@pytest.mark.parametrize("nombre", [1, 50])
def test_la_liste_des_imports_a_un_nombre_de_requetes_fixe(client, connecter, departement, nombre):
    for _ in range(nombre):
        ImportPersonnes.objects.create(
            organisation=departement["organisation"], demandeur=departement["admin"], nom_fichier="l.csv", format="csv"
        )
    connecter(departement["admin"])
    client.get(reverse("parcours:imports"))
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(reverse("parcours:imports")).status_code == 200
    assert len(requetes) == 8, [q["sql"] for q in requetes]


def test_un_envoi_de_plus_de_10_mo_est_arrete_a_la_reception(client, connecter, departement, settings):
    connecter(departement["admin"])
    gros = SimpleUploadedFile("gros.csv", b"Nom;Prenom\n" + b"a;b\n" * (3 * 1024 * 1024))  # 12 Mo
    reponse = client.post(reverse("parcours:import_televerser"), {"fichier": gros})
    assert reponse.status_code == 400
    assert "Le fichier dépasse 10 Mo : découpez-le en plusieurs fichiers." in reponse.content.decode()
    assert not ImportPersonnes.objects.exists()


def test_le_televersement_reste_protege_contre_la_falsification_de_requete(departement):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(departement["admin"])
    from tests.outils import activer_totp

    activer_totp(departement["admin"])
    reponse = client.post(
        reverse("parcours:import_televerser"), {"fichier": SimpleUploadedFile("l.csv", csv_octets([ligne()]))}
    )
    assert reponse.status_code == 403
    assert not ImportPersonnes.objects.exists()
