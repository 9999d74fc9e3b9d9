"""Les documents de la personne : le PDF de son carnet (WeasyPrint réel, texte relu par pypdf) et l'export de toutes
ses données (JSON), produits en arrière-plan ; les droits relus au moment de produire ; jamais une note qui n'est
pas visible par tout le groupe de suivi ; chaque modèle lié à la personne exporté ou exclu avec sa raison."""

import io
import json
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from parcours import services
from parcours.espace import exports
from parcours.models import (
    Carnet,
    EspacePersonne,
    Evaluation,
    Note,
    OrientationService,
    Personne,
    TransitionOrientationService,
)
from spie import documents
from spie.models import DocumentGenere
from tests.offre import fabriques as offre
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.espace_fabriques import ouvrir_espace
from tests.parcours.suivi_fabriques import decision

NOTE_DU_GROUPE = "NOTE-LUE-PAR-TOUT-LE-GROUPE"
NOTE_RESERVEE = "NOTE-RESERVEE"
COMMENTAIRE_ANONYME = "COMMENTAIRE-ANONYME-DE-L-AVIS"


def lire(document) -> bytes:
    with document.fichier.open("rb") as fichier:
        return fichier.read()


def texte_pdf(contenu: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(contenu)).pages)


@pytest.fixture
def t(equipe):
    """Un carnet rempli : statut, rendez-vous à venir et passé, plan, contrat, orientation vers un service, une note
    de chaque visibilité, un avis anonyme (qui ne doit figurer nulle part)."""
    carnet, referente, departement = equipe["carnet"], equipe["referente"], equipe["departement"]
    referente.prenom, referente.nom, referente.telephone = "Claire", "Dupouy", "05 58 00 11 22"
    referente.save()
    services.changer_statut(
        carnet, acteur=referente, type="droit_rsa", valeur="ouvert_versable", date_debut=date(2025, 1, 1)
    )
    for objet, quand in (("Bilan à venir", 10), ("Premier entretien", -30)):
        services.prevoir_rendez_vous(
            carnet,
            acteur=referente,
            intervenant=referente,
            date_heure=timezone.now() + timedelta(days=quand),
            objet=objet,
            lieu="Maison des solidarités",
        )
    objectif = services.ajouter_objectif(carnet, acteur=referente, axe="mobilite", libelle_libre="Passer le permis B")
    services.ajouter_action(
        objectif, acteur=referente, libelle_libre="Inscription auto-école", date_debut=date(2026, 1, 6)
    )
    services.enregistrer_contrat(
        carnet,
        acteur=referente,
        date_debut=timezone.localdate() - timedelta(days=20),
        signataires="Inès Lalanne et Claire Dupouy",
        heures_hebdomadaires=15,
    )
    orientation = OrientationService.objects.create(
        carnet=carnet,
        service=offre.service(nom="Garage solidaire"),
        statut=OrientationService.Statut.ACCEPTEE,
        consentement_le=timezone.now(),
        prescripteur=referente,
        organisation=departement,
        expire_le=timezone.now() + timedelta(days=30),
    )
    TransitionOrientationService.objects.create(orientation=orientation, vers="acceptee", acteur=referente)
    for visibilite in Note.Visibilite.values:
        texte = NOTE_DU_GROUPE if visibilite == Note.Visibilite.GROUPE else f"{NOTE_RESERVEE} ({visibilite})"
        services.ajouter_note(carnet, acteur=referente, organisation=departement, texte=texte, visibilite=visibilite)
    decision(carnet, departement, referente, date_decision=date(2026, 1, 15))
    diagnostic_valide(carnet, referente, mobilite={"appreciation": "besoin", "impact": "fort", "situations": []})
    Evaluation.objects.create(
        type_etape="sortie",
        mois=date(2026, 1, 1),
        departement="40",
        utilite=4,
        ecoute=4,
        recommanderait="oui",
        commentaire=COMMENTAIRE_ANONYME,
    )
    return {**equipe, "compte": ouvrir_espace(carnet)}


@pytest.fixture
def chez_soi(t, connecter):
    return connecter(t["compte"])


def demander_et_produire(client, nom_url) -> DocumentGenere:
    reponse = client.post(reverse(nom_url))
    document = DocumentGenere.objects.get(producteur__startswith="parcours.espace_")
    assert reponse.status_code == 302 and reponse.url == reverse("document", args=[document.uuid])
    documents.produire(document.pk)  # la tâche du worker (après le commit, hors de la transaction du test)
    document.refresh_from_db()
    return document


# --- La page ------------------------------------------------------------------------------------------------------


def test_la_page_explique_les_deux_telechargements(chez_soi):
    contenu = chez_soi.get(reverse("parcours:espace_documents")).content.decode()
    assert "Mon carnet de bord (PDF)" in contenu and "Toutes mes données" in contenu
    assert "droit d'accès" in contenu and "24 heures" in contenu
    assert f'action="{reverse("parcours:espace_pdf")}"' in contenu
    assert f'action="{reverse("parcours:espace_export")}"' in contenu
    assert "Vous n'avez pas encore demandé de document." in contenu


@pytest.mark.parametrize("nombre", [1, 15])
def test_la_page_coute_autant_de_requetes_a_1_et_a_15_documents(t, chez_soi, django_assert_num_queries, nombre):
    for numero in range(nombre):
        DocumentGenere.objects.create(
            demandeur=t["compte"],
            producteur="parcours.espace_carnet",
            titre=f"Document {numero}",
            nom_fichier="carnet.pdf",
            expire_le=timezone.now() + timedelta(hours=24),
        )
    url = reverse("parcours:espace_documents")
    chez_soi.get(url)
    # Session (lue, puis réécrite avec son expiration), compte, espace, documents : autant à 1 qu'à 15.
    with django_assert_num_queries(7):
        contenu = chez_soi.get(url).content.decode()
    assert contenu.count('class="fr-link" href="/documents/') == min(nombre, 10)


def test_le_pdf_du_carnet_contient_l_essentiel_et_jamais_une_note(t, chez_soi):
    document = demander_et_produire(chez_soi, "parcours:espace_pdf")
    assert document.statut == DocumentGenere.Statut.PRET, document.erreur
    texte = texte_pdf(lire(document))
    for attendu in (
        "Mon carnet de bord",
        "Inès LALANNE",
        "Claire Dupouy",
        "05 58 00 11 22",
        "Département des Landes",
        "France Travail Dax",
        "Passer le permis B",
        "Inscription auto-école",
        "Bilan à venir",
        "Premier entretien",
        "Garage solidaire",
        "Orienter",
        "Contrat d'engagement",
        "produit le",
    ):
        assert attendu in texte, attendu
    assert NOTE_DU_GROUPE not in texte and NOTE_RESERVEE not in texte
    # La page commune du document s'affiche pour la personne, avec son menu.
    page = chez_soi.get(reverse("document", args=[document.uuid])).content.decode()
    assert "Télécharger mon-carnet-de-bord.pdf" in page and "Mon avis" in page and "Carnets de bord" not in page


def test_l_export_contient_toutes_ses_donnees_et_les_seules_notes_du_groupe(t, chez_soi):
    document = demander_et_produire(chez_soi, "parcours:espace_export")
    assert document.statut == DocumentGenere.Statut.PRET, document.erreur
    brut = lire(document).decode()
    donnees = json.loads(brut)
    for cle in (
        "a_propos",
        "identite",
        "carnet",
        "statuts",
        "groupe_de_suivi",
        "rendez_vous",
        "plan_d_action",
        "contrats",
        "diagnostics",
        "demandes_d_orientation",
        "decisions_d_orientation",
        "orientations_vers_un_service",
        "sorties_du_parcours",
        "vos_messages",
        "consentements",
        "demandes_d_opposition",
        "manquements_et_sanctions",
        "equipe_pluridisciplinaire",
        "notes_du_groupe_de_suivi",
        "historique",
        "consultations",
        "organisations_qui_voient_le_carnet",
    ):
        assert cle in donnees, cle
    assert donnees["identite"]["nom"] == "Lalanne" and "id" not in donnees["identite"]
    assert donnees["statuts"][0]["valeur"] == "ouvert_versable" and donnees["statuts"][0]["type"] == "Droit au RSA"
    assert donnees["plan_d_action"][0]["actions"][0]["libelle_libre"] == "Inscription auto-école"
    assert donnees["orientations_vers_un_service"][0]["transitions"][0]["vers"] == "Acceptée"
    diagnostic = donnees["diagnostics"][0]
    assert diagnostic["statut"] == "Validé" and diagnostic["evaluations"] and "projets" in diagnostic
    assert "carnet" not in diagnostic and "diagnostic" not in diagnostic["evaluations"][0]
    assert donnees["decisions_d_orientation"][0]["sens"] == "Orienter"
    assert donnees["demandes_d_orientation"] and donnees["carnet"]["statut"] == "Accompagnement en cours"
    assert {ligne["organisation"] for ligne in donnees["groupe_de_suivi"]} == {
        "Département des Landes",
        "France Travail Dax",
    }
    assert [note["texte"] for note in donnees["notes_du_groupe_de_suivi"]] == [NOTE_DU_GROUPE]
    assert NOTE_RESERVEE not in brut
    assert COMMENTAIRE_ANONYME not in brut and "anonymes" in donnees["a_propos"]["avis"]
    assert "organisation" in donnees["a_propos"]["notes_d_entretien"]
    assert {"type", "date", "organisation", "resume"} == set(donnees["historique"][0])
    assert "Département des Landes" in donnees["organisations_qui_voient_le_carnet"]


def test_les_activations_n_exportent_jamais_l_empreinte_du_jeton(t):
    ligne = exports.ligne(EspacePersonne.objects.get(compte=t["compte"]))
    assert "compte" in ligne and "personne" not in ligne
    champs = {champ.name for champ in apps.get_model("parcours.ActivationEspace")._meta.concrete_fields}
    assert "empreinte" in champs and "empreinte" in exports.CHAMPS_TECHNIQUES


# --- Les droits, relus au moment de produire ------------------------------------------------------------------------


@pytest.mark.parametrize("producteur", [exports.carnet_pdf, exports.donnees_json])
def test_seule_la_personne_de_son_carnet_obtient_ses_documents(t, producteur):
    carnet = str(t["carnet"].uuid)
    autre = services.ouvrir_carnet(
        acteur=t["referente"],
        organisation=t["departement"],
        nom="Petit",
        prenom="Sam",
        date_naissance=date(1990, 7, 14),
    )
    autre_compte = ouvrir_espace(autre, email="sam.petit@exemple.fr")
    for demandeur in (t["referente"], t["conseiller"], autre_compte):
        with pytest.raises(Http404):
            producteur(demandeur, carnet=carnet)


def test_un_espace_ferme_avant_la_production_fait_echouer_le_document(t, chez_soi):
    chez_soi.post(reverse("parcours:espace_export"))
    document = DocumentGenere.objects.get()
    EspacePersonne.objects.filter(compte=t["compte"]).update(ferme_le=timezone.now())
    documents.produire(document.pk)
    document.refresh_from_db()
    assert document.statut == DocumentGenere.Statut.ECHEC and not document.fichier


def test_un_professionnel_ne_demande_pas_les_documents_d_une_personne(t, client, connecter):
    connecter(t["referente"])
    assert client.post(reverse("parcours:espace_pdf")).status_code == 404
    assert not DocumentGenere.objects.exists()


# --- Aucun modèle oublié ------------------------------------------------------------------------------------------


def test_chaque_modele_lie_a_la_personne_est_exporte_ou_exclu_avec_sa_raison():
    lies = {
        modele._meta.label
        for modele in apps.get_models()
        for champ in modele._meta.get_fields()
        if champ.is_relation and not champ.auto_created and champ.related_model in (Carnet, Personne)
    }
    lies |= {"parcours.Personne", "parcours.Carnet"}
    oublies = lies - exports.MODELES_EXPORTES - set(exports.MODELES_NON_EXPORTES)
    assert not oublies, f"Modèles liés à la personne ni exportés ni exclus (avec leur raison) : {sorted(oublies)}"
    assert exports.MODELES_EXPORTES.isdisjoint(exports.MODELES_NON_EXPORTES)
    assert all(raison.strip() for raison in exports.MODELES_NON_EXPORTES.values())
    for label in exports.MODELES_EXPORTES | set(exports.MODELES_NON_EXPORTES):
        apps.get_model(label)  # aucun nom périmé
