"""Parcours de l'offre : la référente cherche un service près de chez la personne depuis son besoin de mobilité,
ouvre la fiche, oriente avec l'accord de la personne ; la conseillère de la structure accepte depuis sa boîte de
réception ; l'activité prévue apparaît au carnet. Une structure sans compte répond par le lien reçu par courriel,
sur son téléphone. Le public cherche sans compte et ne voit aucun contact."""

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock
from urllib.parse import urlparse

from django.utils import timezone
from playwright.sync_api import expect

from parcours import services as parcours_services
from parcours.orientation_service import services as orientation_services
from parcours.orientation_service import taches
from partenaires.choix import Role, TypeOrganisation
from tests.e2e.outils import menu, se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.offre import fabriques
from tests.outils import activer_totp
from tests.parcours.conftest import diagnostic_valide


def _carnet(referente, departement, nom):
    carnet = parcours_services.ouvrir_carnet(
        acteur=referente,
        organisation=departement,
        nom=nom,
        prenom="Inès",
        date_naissance=date(1993, 5, 2),
        email=f"ines.{nom.lower()}@exemple.fr",
        telephone="06 12 34 56 78",
        adresse="4 place de la Course",
        code_postal="40100",
        commune="Dax",
        code_commune="40088",
    )
    diagnostic_valide(
        carnet,
        referente,
        mobilite={
            "appreciation": "besoin",
            "impact": "fort",
            "situations": ["mobilite.aucun_moyen_de_transport_a_disposition"],
        },
    )
    return carnet


def test_la_referente_oriente_vers_une_session_et_la_structure_accepte(base, ouvrir, controler):
    marque = uuid.uuid4().hex[:6]
    departement = OrganisationFactory(nom=f"Département des Landes {marque}")
    referente = membre(departement, Role.PROFESSIONNEL, email=f"claire.offre.{marque}@exemple.fr").utilisateur
    relais = OrganisationFactory(nom=f"Association Mobilité {marque}", type=TypeOrganisation.ASSOCIATION)
    conseillere = membre(relais, Role.PROFESSIONNEL, email=f"yanis.offre.{marque}@exemple.fr").utilisateur
    structure = fabriques.structure(organisation=relais, commune=fabriques.DAX, nom=f"Association Mobilité {marque}")
    nom_service = f"Auto-école sociale {marque}"
    service = fabriques.service(
        structure,
        commune=fabriques.DAX,
        nom=nom_service,
        thematiques=["mobilite--preparer-un-permis"],
        publics=["beneficiaires-des-minimas-sociaux"],
        volume_horaire_hebdomadaire=Decimal("6"),
        nombre_semaines=20,
    )
    debut = timezone.localtime(timezone.now() + timedelta(days=12)).replace(hour=10, minute=0, second=0, microsecond=0)
    fabriques.session(service, intitule="Information collective auto-école", debut=debut, places=8)
    fabriques.service(
        structure,
        commune=("40279", "Saint-Paul-lès-Dax", "40990"),
        nom=f"Garage solidaire {marque}",
        thematiques=["mobilite--entretenir-reparer-son-vehicule"],
    )
    carnet = _carnet(referente, departement, f"Offre{marque}")

    page = ouvrir()
    se_connecter(page, base, referente.email, MOT_DE_PASSE, activer_totp(referente))
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=offre")
    expect(page.locator("#activite-prevue")).to_contain_text("0 h par semaine")
    page.get_by_role("link", name="Chercher un service pour la personne").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Chercher un service pour Inès OFFRE{marque.upper()}")
    page.get_by_role("link", name="Besoin : Mobilité").click()
    carte = page.locator(".fr-card, article, li").filter(has_text=nom_service).first
    expect(carte).to_contain_text("km")
    expect(carte).to_contain_text("8 places")
    # Du plus proche au plus lointain : Dax (la commune de la personne) avant Saint-Paul-lès-Dax.
    texte = page.locator("#resultats-offre").inner_text()
    assert texte.index(nom_service) < texte.index(f"Garage solidaire {marque}")
    controler(page, "recherche-depuis-le-carnet")

    page.get_by_role("link", name=nom_service).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(nom_service)
    expect(page.get_by_text("Information collective auto-école")).to_be_visible()
    controler(page, "fiche-service")
    page.go_back()

    page.get_by_role("link", name=re.compile("Orienter vers la session du")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"vers « {nom_service} »")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_text(re.compile("accord", re.IGNORECASE)).first).to_be_visible()  # l'accord est obligatoire
    page.get_by_label(re.compile("La personne a donné son accord")).check(force=True)
    page.get_by_label("Message à la structure").fill("Inès peut commencer dès la semaine prochaine.")
    controler(page, "formulaire-orientation")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.locator("main")).to_contain_text(nom_service)
    expect(page.locator("main")).to_contain_text("Envoyée")
    controler(page, "orientation-envoyee")

    # La conseillère de la structure : sa boîte de réception, le dossier transmis, l'acceptation.
    structure_page = ouvrir()
    se_connecter(structure_page, base, conseillere.email, MOT_DE_PASSE, activer_totp(conseillere))
    menu(structure_page, "Orientations reçues").click()
    ligne = structure_page.get_by_role("row").filter(has_text=f"OFFRE{marque.upper()}")
    expect(ligne).to_contain_text(nom_service)
    controler(structure_page, "boite-de-reception")
    ligne.get_by_role("link").first.click()
    expect(structure_page.locator("main")).to_contain_text("Inès peut commencer dès la semaine prochaine.")
    controler(structure_page, "dossier-recu")
    structure_page.get_by_role("button", name="Accepter").click()
    expect(structure_page.locator("main")).to_contain_text("Acceptée")
    # Le carnet lui-même reste fermé à la structure.
    reponse = structure_page.goto(f"{base}/carnets/{carnet.uuid}/")
    assert reponse.status == 404

    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=offre")
    expect(page.locator("main")).to_contain_text("Acceptée")
    expect(page.locator("#activite-prevue")).to_contain_text("6 h par semaine")
    controler(page, "carnet-orientation-acceptee")


def test_une_structure_sans_compte_repond_par_le_lien_de_son_courriel(base, ouvrir, controler, mailoutbox):
    marque = uuid.uuid4().hex[:6]
    departement = OrganisationFactory(nom=f"Département {marque}")
    referente = membre(departement, Role.PROFESSIONNEL, email=f"claire.lien.{marque}@exemple.fr").utilisateur
    courriel = f"accueil.{marque}@garage-solidaire.fr"
    structure = fabriques.structure(commune=fabriques.DAX, nom=f"Garage solidaire {marque}", courriel=courriel)
    service = fabriques.service(
        structure, commune=fabriques.DAX, nom=f"Réparation solidaire {marque}", courriel=courriel
    )
    carnet = _carnet(referente, departement, f"Lien{marque}")
    # L'orientation part d'ici (pas du navigateur) : son courriel est envoyé dans ce processus, sans passer par la
    # file du worker, et lu dans la boîte de test.
    with mock.patch.object(taches.envoyer_orientation, "delay", taches.envoyer_orientation):
        orientation_services.orienter(
            carnet, service, acteur=referente, besoin="mobilite--preparer-un-permis", consentement=True
        )
    (message,) = [m for m in mailoutbox if courriel in m.to]
    chemin = urlparse(re.search(r"https?://\S+", message.body).group(0)).path  # l'adresse du site de ce processus
    lien = f"{base}{chemin}"
    page = ouvrir(mobile=True)
    page.goto(lien)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Réparation solidaire {marque}")
    controler(page, "lien-structure-telephone")
    page.get_by_role("button", name="Accepter").click()
    expect(page.locator("main")).to_contain_text("Acceptée")
    controler(page, "lien-structure-acceptee")


def test_le_public_cherche_sans_compte_et_ne_voit_aucun_contact(base, ouvrir, controler):
    marque = uuid.uuid4().hex[:6]
    structure = fabriques.structure(
        commune=fabriques.DAX, nom=f"Espace numérique {marque}", courriel=f"en.{marque}@exemple.fr"
    )
    fabriques.service(
        structure,
        commune=fabriques.DAX,
        nom=f"Atelier numérique {marque}",
        thematiques=["numerique--maitriser-les-fondamentaux-du-numerique"],
        courriel=f"atelier.{marque}@exemple.fr",
        telephone="05 58 99 99 99",
    )
    page = ouvrir(mobile=True)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Trouver un service près de chez moi").click()
    page.get_by_label(re.compile("Commune")).fill("40100")
    page.get_by_role("button", name=re.compile("Rechercher")).click()
    expect(page.locator("main")).to_contain_text(f"Atelier numérique {marque}")
    controler(page, "recherche-publique-telephone")
    page.get_by_role("link", name=f"Atelier numérique {marque}").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Atelier numérique {marque}")
    contenu = page.locator("main").inner_text()
    assert f"atelier.{marque}@exemple.fr" not in contenu and "05 58 99 99 99" not in contenu
    controler(page, "fiche-publique-telephone")
