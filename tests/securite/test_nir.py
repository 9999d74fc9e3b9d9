"""Le NIR (issue 11) : gardé chiffré, rapproché par son empreinte seule (import, doublons, recherche), et jamais dans
une URL, une page, une liste, un export, un PDF, un journal ni un rapport d'erreur (un NIR sentinelle cherché dans
chacune de ces sorties ; la matrice des URL le cherche aussi dans chacune de ses réponses)."""

import io
import logging
import sys
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter
from pypdf import PdfReader

from parcours import nir, services
from parcours.imports import services as imports_services
from parcours.models import Personne
from parcours.views import ONGLETS, RECHERCHE_NIR
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.fichiers_import import csv_octets, equipe_du_departement, importer, ligne
from tests.parcours.fichiers_import import nir as fabriquer_nir

pytestmark = pytest.mark.django_db

NAISSANCE = date(1988, 5, 3)
NIR_SENTINELLE = fabriquer_nir(NAISSANCE, sexe="2", commune="40192", ordre=731)
NIR_ESPACE = " ".join(
    (NIR_SENTINELLE[0], NIR_SENTINELLE[1:3], NIR_SENTINELLE[3:5], NIR_SENTINELLE[5:7], NIR_SENTINELLE[7:10])
) + " ".join(("", NIR_SENTINELLE[10:13], NIR_SENTINELLE[13:]))
CLE_A = "gyKiNp4W2p0zDz-UVM3Upu4ybl8nm_L6XvcGJdJaofQ="
CLE_B = "_82j7-d1kTeXzmHhWUaAiiE65ZqvI9o3nNXtayOKIGs="


def sans_nir(contenu) -> bool:
    """Ni le NIR, ni ses 13 premiers caractères, ni sa forme espacée."""
    texte = contenu.decode("utf-8", "replace") if isinstance(contenu, bytes) else str(contenu)
    compact = "".join(texte.split())
    return NIR_SENTINELLE[:13] not in compact and NIR_ESPACE not in texte


@pytest.fixture
def departement():
    return OrganisationFactory(nom="Département des Landes", departement="40")


@pytest.fixture
def referente(departement):
    return membre(departement, Role.PROFESSIONNEL, prenom="Claire", nom="Duprat").utilisateur


def ouvrir(referente, departement, **identite):
    valeurs = {"nom": "Lalanne", "prenom": "Inès", "date_naissance": NAISSANCE, "nir": NIR_ESPACE} | identite
    return services.ouvrir_carnet(acteur=referente, organisation=departement, **valeurs)


def test_le_nir_est_chiffre_en_base_et_la_colonne_brute_ne_le_contient_pas(referente, departement):
    carnet = ouvrir(referente, departement)
    with connection.cursor() as curseur:
        curseur.execute("SELECT * FROM parcours_personne WHERE id = %s", [carnet.personne_id])
        ligne_brute = curseur.fetchone()
    assert sans_nir(repr(ligne_brute))
    personne = Personne.objects.get(pk=carnet.personne_id)
    assert personne.nir_chiffre and personne.nir == NIR_SENTINELLE  # déchiffré, normalisé
    assert personne.nir_empreinte == nir.empreinte(NIR_SENTINELLE) == nir.empreinte(NIR_ESPACE.lower())
    # Deux chiffrements du même NIR diffèrent (Fernet est aléatoire) ; l'empreinte, elle, est stable.
    assert nir.chiffrer(NIR_SENTINELLE) != nir.chiffrer(NIR_SENTINELLE)
    assert {f.name for f in Personne._meta.concrete_fields} >= {"nir_chiffre", "nir_empreinte"}
    assert "nir" not in {f.name for f in Personne._meta.concrete_fields}


def test_un_nir_invalide_est_refuse_par_le_modele_sans_etre_cite(referente, departement):
    with pytest.raises(ValidationError) as erreur:
        ouvrir(referente, departement, nir=NIR_SENTINELLE[:13] + "00")
    assert "La clé du NIR ne correspond pas" in str(erreur.value) and sans_nir(str(erreur.value))
    assert not Personne.objects.exists()


def test_rotation_des_cles_l_ancienne_dechiffre_jusqu_au_rechiffrement(referente, departement, settings):
    settings.SPIE_CLES_NIR = [CLE_A]
    carnet = ouvrir(referente, departement)
    chiffre_par_a = Personne.objects.get(pk=carnet.personne_id).nir_chiffre
    # Nouvelle clé en tête : l'ancien chiffré se lit toujours ; la simulation compte sans écrire.
    settings.SPIE_CLES_NIR = [CLE_B, CLE_A]
    assert Personne.objects.get(pk=carnet.personne_id).nir == NIR_SENTINELLE
    sortie = io.StringIO()
    call_command("rechiffrer_nir", stdout=sortie)
    assert sortie.getvalue().startswith("1 NIR à rechiffrer")
    assert Personne.objects.get(pk=carnet.personne_id).nir_chiffre == chiffre_par_a
    call_command("rechiffrer_nir", "--wet-run", stdout=sortie)
    assert sans_nir(sortie.getvalue())
    # L'ancienne clé retirée : le NIR se lit par la seule nouvelle ; l'ancienne seule ne le lit plus.
    settings.SPIE_CLES_NIR = [CLE_B]
    personne = Personne.objects.get(pk=carnet.personne_id)
    assert personne.nir_chiffre != chiffre_par_a and personne.nir == NIR_SENTINELLE
    settings.SPIE_CLES_NIR = [CLE_A]
    with pytest.raises(ValueError) as erreur:
        Personne.objects.get(pk=carnet.personne_id).nir  # noqa: B018
    assert "aucune des clés" in str(erreur.value) and sans_nir(str(erreur.value))


def test_changer_la_cle_d_empreinte_puis_rechiffrer_garde_le_rapprochement(referente, departement, settings):
    carnet = ouvrir(referente, departement)
    settings.SPIE_CLE_EMPREINTE_NIR = "une-autre-cle-d-empreinte-de-32-caracteres-au-moins"
    doublons = dict(nom="Autre", prenom="Nom", date_naissance=date(2000, 1, 1), nir=NIR_SENTINELLE)
    assert not services.chercher_doublons(**doublons).exists()  # l'ancienne empreinte ne correspond plus
    call_command("rechiffrer_nir", "--wet-run", stdout=io.StringIO())
    assert list(services.chercher_doublons(**doublons)) == [carnet.personne]


def test_les_doublons_se_trouvent_par_l_empreinte_du_nir(referente, departement):
    carnet = ouvrir(referente, departement)
    anne = {"nom": "Ducasse", "prenom": "Anne", "date_naissance": date(1970, 1, 1)}
    with pytest.raises(services.DoublonsTrouves) as doublons:
        ouvrir(referente, departement, **anne, nir=NIR_SENTINELLE)
    assert doublons.value.personnes == [carnet.personne]
    autre = ouvrir(referente, departement, **anne, nir="")
    assert autre.personne.nir == "" and autre.personne.nir_empreinte == ""


def test_l_import_rapproche_par_l_empreinte_sans_jamais_reecrire_le_nir(client, connecter):
    equipe = equipe_du_departement()
    existante = ouvrir(equipe["referente"], equipe["organisation"])
    # Le même NIR, écrit autrement (espacé) : la ligne met à jour la personne connue, sans en créer une autre.
    import_personnes = importer(equipe, csv_octets([ligne(numero=NIR_ESPACE, cp="40100", commune="Dax")]))
    assert import_personnes.statut == "termine", import_personnes.message_erreur
    assert Personne.objects.count() == 1 and import_personnes.rapport["creees"] == []
    assert Personne.objects.get().pk == existante.personne_id
    # Le même NIR sous un autre nom : refusé à l'aperçu ; ni l'aperçu, ni les erreurs, ni le compte rendu ne le citent.
    fichier = csv_octets([ligne(nom="Ducasse", numero=NIR_SENTINELLE), ligne(nom="Lesbats", numero=NIR_ESPACE)])
    import_personnes = imports_services.televerser(
        acteur=equipe["admin"], organisation=equipe["organisation"], fichier=_fichier(fichier)
    )
    imports_services.lancer_analyse(
        import_personnes, acteur=equipe["admin"], correspondance=import_personnes.correspondance
    )
    imports_services.analyser(import_personnes.pk)
    import_personnes.refresh_from_db()
    assert import_personnes.nb_erreurs == 2
    assert sans_nir(repr(import_personnes.erreurs))
    connecter(equipe["admin"])
    for parametres in ({}, {"lignes": "toutes"}):
        page = client.get(reverse("parcours:import", args=[import_personnes.uuid]), parametres)
        assert page.status_code == 200 and "NIR donné (masqué)" in page.content.decode()
        assert sans_nir(page.content)
    assert sans_nir(imports_services.compte_rendu_csv(import_personnes))


def _fichier(contenu):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("personnes.csv", contenu)


def test_la_recherche_par_nir_ne_le_met_jamais_dans_l_url_et_trouve_le_seul_carnet(client, connecter, departement):
    referente = membre(departement, Role.PROFESSIONNEL).utilisateur
    carnet = ouvrir(referente, departement)
    ouvrir(referente, departement, nom="Ducasse", prenom="Anne", date_naissance=date(1970, 1, 1), nir="")
    ailleurs = OrganisationFactory(nom="Ailleurs")
    autre_nir = fabriquer_nir(date(1970, 1, 1), sexe="1", ordre=12)
    cache = ouvrir(membre(ailleurs, Role.PROFESSIONNEL).utilisateur, ailleurs, nom="Cachée", nir=autre_nir)
    connecter(referente)
    liste = reverse("parcours:mes_carnets")
    # Le formulaire POST : redirection vers une URL sans le NIR, l'empreinte seule en session.
    reponse = client.post(liste, {"q": NIR_ESPACE})
    assert reponse.status_code == 302 and reponse["Location"] == f"{liste}?nir=1"
    assert client.session[RECHERCHE_NIR] == nir.empreinte(NIR_SENTINELLE)
    assert all(sans_nir(valeur) for valeur in client.session.values())
    page = client.get(reponse["Location"]).content.decode()
    assert str(carnet.uuid) in page and "ducasse" not in page.lower() and "Carnets du NIR cherché" in page
    assert sans_nir(page)
    # Le NIR d'une personne que la référente ne voit pas : aucun carnet, rien qui dise qu'il existe.
    client.post(liste, {"q": autre_nir})
    page = client.get(f"{liste}?nir=1").content.decode()
    assert str(cache.uuid) not in page and "cachée" not in page.lower() and "lalanne" not in page.lower()
    # Un NIR tapé dans la recherche ordinaire (sans JavaScript) : retiré de l'URL aussitôt.
    reponse = client.get(liste, {"q": NIR_SENTINELLE})
    assert reponse.status_code == 302 and reponse["Location"] == f"{liste}?nir=1"
    # Ce qui n'est pas un NIR, envoyé par le même formulaire POST, redevient une recherche ordinaire.
    reponse = client.post(liste, {"q": "Ducasse"})
    assert reponse["Location"] == f"{liste}?q=Ducasse"
    assert "ducasse" in client.get(reponse["Location"]).content.decode().lower()
    # Sans « nir=1 », l'empreinte gardée ne filtre plus rien.
    assert "ducasse" in client.get(liste).content.decode().lower()


def test_le_nir_sentinelle_n_apparait_dans_aucune_page_liste_impression_ni_pdf(
    client, connecter, referente, departement, django_capture_on_commit_callbacks
):
    carnet = ouvrir(referente, departement)
    diagnostic = diagnostic_valide(carnet, referente)
    connecter(referente)
    pages = [reverse("parcours:carnet", args=[carnet.uuid]) + f"?onglet={onglet}" for onglet in ONGLETS]
    pages += [
        reverse("parcours:carnet_imprimer", args=[carnet.uuid]),
        reverse("parcours:mes_carnets"),
        reverse("parcours:mes_carnets") + "?q=Lalanne",
        reverse("parcours:diagnostic", args=[carnet.uuid, diagnostic.uuid]),
        reverse("parcours:diagnostic_imprimer", args=[carnet.uuid, diagnostic.uuid]),
    ]
    for page in pages:
        reponse = client.get(page)
        assert reponse.status_code == 200, page
        assert sans_nir(reponse.content), page
    assert "Enregistré (gardé chiffré, jamais affiché)" in client.get(pages[0]).content.decode()
    # Le PDF du diagnostic (produit par la tâche, immédiate ici), texte extrait.
    from spie.models import DocumentGenere

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get(reverse("parcours:diagnostic_pdf", args=[carnet.uuid, diagnostic.uuid]))
    document = DocumentGenere.objects.get(uuid=reponse.url.rstrip("/").split("/")[-1])
    fichier = client.get(reverse("document_telecharger", args=[document.uuid]))
    contenu = b"".join(fichier.streaming_content)
    texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)
    assert "Lalanne" in texte.replace("LALANNE", "Lalanne") and sans_nir(texte) and sans_nir(contenu)


def test_le_formulaire_renvoye_et_son_erreur_ne_reecrivent_pas_le_nir(client, connecter, referente):
    connecter(referente)
    donnees = {"nom": "Petit", "prenom": "Sam", "date_naissance": "1985-03-04"}
    for saisi in (NIR_SENTINELLE[:13] + "00", NIR_ESPACE):  # clé fausse ; NIR valide mais date de naissance future
        envoi = donnees | {"nir": saisi, "date_naissance": "2999-01-01"}
        reponse = client.post(reverse("parcours:carnet_ouvrir"), envoi)
        assert reponse.status_code == 200 and sans_nir(reponse.content)
    assert (
        "La clé du NIR ne correspond pas"
        in client.post(
            reverse("parcours:carnet_ouvrir"), donnees | {"nir": NIR_SENTINELLE[:13] + "00"}
        ).content.decode()
    )


@pytest.mark.parametrize(
    "message",
    [NIR_SENTINELLE, NIR_ESPACE, NIR_SENTINELLE[:13], NIR_SENTINELLE.replace("40", "2A", 1)],
    ids=["compact", "espace", "sans-cle", "corse"],
)
def test_les_journaux_masquent_tout_ce_qui_ressemble_a_un_nir(message, caplog):
    console = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    sortie = io.StringIO()
    ancien = console.setStream(sortie)
    try:
        with caplog.at_level(logging.INFO):
            logging.getLogger("parcours.imports").warning("Ligne refusée : %s (NIR)", message)
            try:
                raise ValueError(f"NIR {message} inattendu")
            except ValueError:
                logging.getLogger("django.request").exception("Erreur interne : %s", message)
    finally:
        console.setStream(ancien)
    ecrit = sortie.getvalue()
    assert "Ligne refusée : [NIR masqué] (NIR)" in ecrit and "ValueError: NIR [NIR masqué] inattendu" in ecrit
    assert message not in ecrit and message not in caplog.text
    assert "[NIR masqué]" in caplog.text
    # Ce qui n'en est pas un reste lisible : un téléphone, un numéro d'allocataire, une date.
    assert nir.ressemble_a_un_nir(message)
    for autre in ("06 12 34 56 78", "7654321", "2026-05-03", "CD40-000123", "44306184100047"):  # … SIRET
        assert not nir.ressemble_a_un_nir(autre), autre


def test_le_rapport_d_erreur_django_ne_contient_pas_le_nir(referente, departement, monkeypatch):
    from parcours import views

    def panne(*args, **kwargs):
        raise RuntimeError("panne au milieu de l'ouverture")

    monkeypatch.setattr(services, "historiser", panne)  # après l'écriture de la personne, dans le service
    requete = RequestFactory().post(
        reverse("parcours:carnet_ouvrir"),
        {"nom": "Petit", "prenom": "Sam", "date_naissance": "1985-03-04", "nir": NIR_ESPACE},
    )
    requete.user = referente
    requete.membre_courant = referente.membres.get()
    requete.htmx = False
    requete._dont_enforce_csrf_checks = True
    with pytest.raises(RuntimeError):
        try:
            views.carnet_ouvrir(requete)
        except RuntimeError:
            rapport = ExceptionReporter(requete, *sys.exc_info())
            html, texte = rapport.get_traceback_html(), rapport.get_traceback_text()
            raise
    # Le rapport nomme bien les cadres de la vue et du service (le test voit ce qu'il faut) mais aucun NIR.
    assert "ouvrir_carnet" in html and "carnet_ouvrir" in html
    assert "panne au milieu de l&#x27;ouverture" in html and "identite" in html
    assert sans_nir(html) and sans_nir(texte)


@pytest.mark.django_db(transaction=True)
def test_la_migration_chiffre_l_existant_retire_la_colonne_en_clair_et_se_defait():
    from django.db.migrations.executor import MigrationExecutor

    avant, apres = ("parcours", "0013_journal_consultations_en_ajout_seul"), ("parcours", "0014_nir_chiffre")

    def migrer(cible):
        executeur = MigrationExecutor(connection)
        executeur.migrate([cible])
        return executeur.loader.project_state([cible]).apps

    def ligne_brute(pk):
        with connection.cursor() as curseur:
            curseur.execute("SELECT * FROM parcours_personne WHERE id = %s", [pk])
            valeurs = curseur.fetchone()
            return [(colonne[0], valeur) for colonne, valeur in zip(curseur.description, valeurs, strict=True)]

    try:
        ancienne = migrer(avant).get_model("parcours", "Personne")
        pk = ancienne.objects.create(nom="Lalanne", prenom="Inès", date_naissance=NAISSANCE, nir=NIR_SENTINELLE).pk
        sans = ancienne.objects.create(nom="Ducasse", prenom="Anne", date_naissance=date(1970, 1, 1), nir="").pk
        assert ("nir", NIR_SENTINELLE) in ligne_brute(pk)
        migrer(apres)
        assert sans_nir(repr(ligne_brute(pk))) and "nir" not in dict(ligne_brute(pk))
        assert Personne.objects.get(pk=pk).nir == NIR_SENTINELLE
        assert Personne.objects.get(pk=pk).nir_empreinte == nir.empreinte(NIR_SENTINELLE)
        assert (Personne.objects.get(pk=sans).nir_chiffre, Personne.objects.get(pk=sans).nir_empreinte) == ("", "")
        migrer(avant)  # le retour déchiffre dans la colonne recréée
        assert ("nir", NIR_SENTINELLE) in ligne_brute(pk) and ("nir", "") in ligne_brute(sans)
    finally:
        executeur = MigrationExecutor(connection)
        executeur.migrate(executeur.loader.graph.leaf_nodes())
