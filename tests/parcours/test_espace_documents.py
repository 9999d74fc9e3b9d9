"""Les documents de la personne : le PDF de son carnet (WeasyPrint réel, texte relu par pypdf) et l'export de toutes
ses données (JSON), produits en arrière-plan ; les droits relus au moment de produire ; jamais une note qui n'est
pas visible par tout le groupe de suivi ; chaque modèle lié à la personne exporté ou exclu avec sa raison."""

import io
import json
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from parcours import services
from parcours.espace import exports, libelles, parole, partage
from parcours.espace.partage import debut_fenetre_consultations
from parcours.models import (
    ActivationEspace,
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
    decision(carnet, departement, referente, date_decision=date(2026, 1, 15), notifiee_le=date(2026, 1, 16))
    # Pas encore notifiée : ni l'écran ni le PDF ne la montrent (l'export, si : droit d'accès).
    decision(carnet, departement, referente, date_decision=date(2026, 2, 2), parcours="social")
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
    # Session (lue ; réécrite au plus une fois par minute, pas ici), compte, espace, documents : autant à 1 qu'à 15.
    with django_assert_num_queries(4):
        contenu = chez_soi.get(url).content.decode()
    assert contenu.count('class="fr-link" href="/documents/') == min(nombre, 10)
    # Des liens de même titre se distinguent par leur date (dite au lecteur d'écran).
    assert contenu.count('<span class="fr-sr-only">, demandé le ') == min(nombre, 10)


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
        "À confirmer par votre référent",
    ):
        assert attendu in texte, attendu
    assert "2 février 2026" not in texte  # la décision pas encore notifiée
    assert NOTE_DU_GROUPE not in texte and NOTE_RESERVEE not in texte
    # La page commune du document s'affiche pour la personne, avec son menu.
    page = chez_soi.get(reverse("document", args=[document.uuid])).content.decode()
    assert "Télécharger mon-carnet-de-bord.pdf" in page and "Mon avis" in page and "Carnets de bord" not in page


def test_le_pdf_suit_les_regles_et_les_mots_de_l_ecran(t):
    carnet, referente = t["carnet"], t["referente"]
    annule = services.prevoir_rendez_vous(
        carnet,
        acteur=referente,
        intervenant=referente,
        date_heure=timezone.now() + timedelta(days=5),
        objet="Atelier annulé",
        lieu="Agence",
    )
    services.mettre_a_jour_rendez_vous(annule, acteur=referente, statut="annule")

    contexte = exports.contexte_carnet(carnet)

    # Les décisions : celles que l'accueil montre (notifiées, qui fixent le parcours), pas la décision en attente.
    assert contexte["decisions"] == list(parole.decisions_montrees_a_la_personne(carnet))
    assert [d.date_decision for d in contexte["decisions"]] == [date(2026, 1, 15)]
    # Les rendez-vous : le passé encore « prévu » est à confirmer, l'annulé reste montré, marqué « annulé ».
    a_venir = {rdv["objet"]: rdv["statut"] for rdv in contexte["rendez_vous_a_venir"]}
    assert a_venir == {"Bilan à venir": "prévu", "Atelier annulé": "annulé"}
    assert [(rdv["objet"], rdv["statut"]) for rdv in contexte["rendez_vous_passes"]] == [
        ("Premier entretien", libelles.RENDEZ_VOUS_A_CONFIRMER)
    ]
    (ligne_objectif,) = contexte["objectifs"]
    assert ligne_objectif["statut"] == "en cours"
    assert [statut for _, statut in ligne_objectif["actions"]] == ["à venir"]
    assert [statut for _, statut in contexte["orientations_service"]] == ["Acceptée : la structure vous attend"]


def test_le_pdf_garde_les_rendez_vous_passes_sur_la_fenetre_des_consultations(t, time_machine):
    time_machine.move_to("2026-03-15 15:00")
    debut = debut_fenetre_consultations()
    for objet, quand in (("Juste dedans", debut + timedelta(hours=1)), ("Juste avant", debut - timedelta(hours=1))):
        services.prevoir_rendez_vous(
            t["carnet"], acteur=t["referente"], intervenant=t["referente"], date_heure=quand, objet=objet, lieu="Ici"
        )

    objets = [rdv["objet"] for rdv in exports.contexte_carnet(t["carnet"])["rendez_vous_passes"]]

    assert "Juste dedans" in objets and "Juste avant" not in objets


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
        "compte",
        "espace_personnel",
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
    assert COMMENTAIRE_ANONYME not in brut and "sans votre nom ni lien avec votre carnet" in donnees["a_propos"]["avis"]
    assert "organisation" in donnees["a_propos"]["notes_d_entretien"]
    assert {"type", "date", "organisation", "resume", "origine"} == set(donnees["historique"][0])
    assert "Département des Landes" in donnees["organisations_qui_voient_le_carnet"]


def test_l_export_dit_son_compte_et_son_espace_jamais_un_secret(t, chez_soi):
    compte, personne = t["compte"], t["carnet"].personne
    EmailAddress.objects.create(user=compte, email="ines@exemple.fr", verified=True, primary=False)
    Authenticator.objects.create(user=compte, type=Authenticator.Type.TOTP, data={"secret": "SECRET-TOTP"})
    ActivationEspace.objects.create(
        personne=personne,
        canal=ActivationEspace.Canal.CODE,
        empreinte="e" * 64,
        identifiant=compte.identifiant,
        cree_par=t["referente"],
        organisation=t["departement"],
        expire_le=timezone.now() + timedelta(days=7),
    )

    document = demander_et_produire(chez_soi, "parcours:espace_export")

    brut = lire(document).decode()
    donnees = json.loads(brut)
    assert set(donnees["compte"]) == {
        "email",
        "identifiant",
        "date_joined",
        "last_login",
        "is_active",
        "adresses_email",
        "second_facteur",
        "documents_demandes",
    }
    assert donnees["compte"]["identifiant"] == compte.identifiant and donnees["compte"]["email"] is None
    assert donnees["compte"]["is_active"] is True and donnees["compte"]["last_login"]
    assert donnees["compte"]["second_facteur"] is True
    assert donnees["compte"]["adresses_email"] == [{"email": "ines@exemple.fr", "verifiee": True, "principale": False}]
    (demande,) = donnees["compte"]["documents_demandes"]
    assert demande["titre"] == "Toutes mes données (JSON)" and set(demande) == {
        "titre",
        "demande_le",
        "termine_le",
        "expire_le",
        "statut",
    }
    espace = donnees["espace_personnel"]
    assert espace["ouvert_le"] and espace["ferme_le"] is None
    (activation,) = espace["activations"]
    assert activation["canal"] == "Code remis en main propre" and activation["cree_le"] and activation["expire_le"]
    assert "empreinte" not in activation and "e" * 64 not in brut and "SECRET-TOTP" not in brut


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


def test_chaque_ligne_enfant_d_un_modele_exporte_est_exportee_ou_exclue():
    couverts = exports.MODELES_EXPORTES | exports.MODELES_DU_COMPTE | set(exports.MODELES_NON_EXPORTES)
    enfants = {
        champ.related_model._meta.label
        for label in exports.MODELES_EXPORTES
        for champ in apps.get_model(label)._meta.get_fields()
        if champ.auto_created and champ.is_relation and (champ.one_to_many or champ.one_to_one)
    }
    oublies = enfants - couverts
    assert not oublies, f"Lignes enfants d'un modèle exporté ni exportées ni exclues : {sorted(oublies)}"
    # Chaque enfant déclaré dans SECTIONS est bien compté comme exporté.
    for label, _, noms in exports.SECTIONS.values():
        for nom in noms:
            assert apps.get_model(label)._meta.get_field(nom).related_model._meta.label in exports.MODELES_EXPORTES


def test_chaque_modele_ou_apparait_le_compte_de_la_personne_est_exporte_ou_exclu(t, chez_soi):
    """La personne agit depuis son espace (souhait, accord, opposition, document, adresse, second facteur) ; chaque
    modèle qui garde une trace de son compte doit être dans l'export ou exclu avec sa raison."""
    compte, carnet = t["compte"], t["carnet"]
    parole.exprimer(carnet, acteur=compte, type="souhait", texte="Travailler au garage")
    parole.accepter_plan(carnet, acteur=compte)
    partage.demander_opposition(carnet, acteur=compte, motif="Je m'oppose au partage avec la CAF.")
    EmailAddress.objects.create(user=compte, email="ines@exemple.fr", verified=True, primary=True)
    Authenticator.objects.create(user=compte, type=Authenticator.Type.TOTP, data={})
    demander_et_produire(chez_soi, "parcours:espace_pdf")
    Utilisateur = apps.get_model(settings.AUTH_USER_MODEL)
    avec_le_compte = {
        modele._meta.label
        for modele in apps.get_models()
        for champ in modele._meta.concrete_fields
        if champ.is_relation
        and champ.related_model is Utilisateur
        and modele._default_manager.filter(**{champ.name: compte}).exists()
    }
    assert {"account.EmailAddress", "mfa.Authenticator", "spie.DocumentGenere"} <= avec_le_compte
    couverts = exports.MODELES_EXPORTES | exports.MODELES_DU_COMPTE | set(exports.MODELES_NON_EXPORTES)
    oublies = avec_le_compte - couverts
    assert not oublies, f"Modèles qui gardent le compte de la personne, ni exportés ni exclus : {sorted(oublies)}"
    assert exports.MODELES_DU_COMPTE.isdisjoint(exports.MODELES_EXPORTES | set(exports.MODELES_NON_EXPORTES))
