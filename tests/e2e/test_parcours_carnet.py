"""Parcours du référent : retrouver une personne, ouvrir son carnet, prévoir un rendez-vous, écrire une note."""

import re
from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from parcours import services
from parcours.models import Note, RendezVous
from partenaires.choix import Role
from tests.e2e.outils import menu, se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.outils import activer_totp


def test_le_referent_trouve_une_personne_ouvre_son_carnet_prevoit_un_rendez_vous_et_ecrit_une_note(
    base, ouvrir, controler
):
    departement = OrganisationFactory(nom="Département des Landes")
    plie = OrganisationFactory(nom="PLIE du Marsan")
    referente = membre(departement, Role.PROFESSIONNEL, email="claire.e2e@exemple.fr", prenom="Claire", nom="Duprat")
    conseiller = membre(plie, Role.PROFESSIONNEL, prenom="Olivier", nom="Dupouy").utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente.utilisateur,
        organisation=departement,
        nom="Lafargue",
        prenom="Inès",
        date_naissance=date(2001, 5, 14),
        identifiant_departement="D-4012",
        commune="Dax",
        code_postal="40100",
    )
    services.ajouter_intervenant(carnet, acteur=referente.utilisateur, utilisateur=conseiller, organisation=plie)
    services.ouvrir_carnet(
        acteur=referente.utilisateur,
        organisation=departement,
        nom="Castets",
        prenom="Marc",
        date_naissance=date(1975, 1, 3),
    )
    secret = activer_totp(referente.utilisateur)

    page = ouvrir()
    se_connecter(page, base, referente.utilisateur.email, MOT_DE_PASSE, secret)
    menu(page, "Carnets de bord").click()
    expect(page.locator("#resultats-carnets")).to_contain_text("LAFARGUE Inès")
    controler(page, "mes-carnets")
    page.get_by_label("Nom, prénom ou identifiant").fill("D-4012")
    expect(page.locator("#resultats-carnets")).to_contain_text("1 carnet")
    expect(page.locator("#resultats-carnets")).not_to_contain_text("CASTETS")
    controler(page, "recherche-par-identifiant")
    page.get_by_role("link", name="LAFARGUE Inès").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inès LAFARGUE")
    expect(page.locator("#contenu")).to_contain_text("Référent : Claire Duprat (Département des Landes)")
    controler(page, "carnet-situation")
    onglets = page.get_by_role("navigation", name="Sections du carnet")

    onglets.get_by_role("link", name="Rendez-vous").click()
    page.get_by_text("Prévoir un rendez-vous").click()
    quand = (timezone.localtime() + timedelta(days=2)).replace(hour=14, minute=30)
    page.get_by_label("Date et heure").fill(quand.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Avec").select_option(label="Olivier Dupouy (PLIE du Marsan)")
    page.get_by_label("Objet").fill("Préparation du job dating")
    page.get_by_label("Lieu").fill("PLIE du Marsan, Mont-de-Marsan")
    controler(page, "rendez-vous-formulaire")
    page.get_by_role("button", name="Enregistrer le rendez-vous").click()
    expect(page.get_by_text(f"Rendez-vous prévu le {quand:%d/%m/%Y} à 14:30.")).to_be_visible()
    expect(page.get_by_role("table", name="Rendez-vous à venir")).to_contain_text("Préparation du job dating")
    expect(page.get_by_text(re.compile("Prochain rendez-vous"))).to_contain_text("Olivier Dupouy")
    controler(page, "carnet-rendez-vous")

    onglets.get_by_role("link", name="Notes d'entretien").click()
    page.get_by_label("Note d'entretien").fill("Inès souhaite travailler dans la petite enfance ; pas de permis.")
    page.locator("fieldset").get_by_text("Mon organisation", exact=True).click()  # le libellé, comme un utilisateur
    page.get_by_role("button", name="Enregistrer la note").click()
    expect(page.get_by_text("Note enregistrée.")).to_be_visible()
    expect(page.get_by_text("Inès souhaite travailler dans la petite enfance")).to_be_visible()
    controler(page, "carnet-notes")

    onglets.get_by_role("link", name="Plan d'action").click()
    page.get_by_text("Enregistrer un contrat").click()
    page.get_by_label("Début").fill("2026-11-20")
    page.get_by_label("Signataires").fill("Inès Lafargue, Claire Duprat")
    page.get_by_label("Heures d'activité par semaine").fill("10")
    page.get_by_role("button", name="Enregistrer le contrat").click()
    expect(page.get_by_text("Sous 15 heures d'activité par semaine, indiquez le motif")).to_be_visible()
    controler(page, "contrat-heures-sans-motif")
    page.get_by_label("Motif de l'aménagement des heures").fill("Parent isolé sans solution de garde")
    page.get_by_role("button", name="Enregistrer le contrat").click()
    expect(page.get_by_text("Contrat d'engagement enregistré.")).to_be_visible()
    page.get_by_text("Ajouter un objectif").click()
    page.get_by_label("Axe de travail").select_option(label="Emploi")
    page.get_by_label("Objectif du référentiel").select_option(label="Confirmer son choix de métier")
    page.get_by_role("button", name="Ajouter l'objectif").click()
    expect(page.get_by_text("Objectif ajouté au plan d'action.")).to_be_visible()
    page.get_by_text("Ajouter une action").click()
    page.get_by_label("Ou action en saisie libre").fill("Immersion en crèche (PMSMP)")
    page.get_by_label("Échéance").fill("2026-12-18")
    page.get_by_label("Portée par").select_option(label="PLIE du Marsan")
    page.get_by_role("button", name="Ajouter l'action").click()
    expect(page.get_by_role("table", name=re.compile("Actions de l'objectif"))).to_contain_text("Immersion en crèche")
    controler(page, "carnet-plan-d-action")

    onglets.get_by_role("link", name="Groupe de suivi").click()
    expect(page.get_by_role("table", name=re.compile("Groupe de suivi"))).to_contain_text("PLIE du Marsan")
    controler(page, "carnet-groupe")
    onglets.get_by_role("link", name="Historique").click()
    historique = page.locator(".spie-historique")
    expect(historique).to_contain_text("Rendez-vous prévu")
    expect(historique).to_contain_text("visible par : mon organisation")
    expect(historique).not_to_contain_text("petite enfance")  # le contenu des notes n'est pas dans l'historique
    controler(page, "carnet-historique")

    assert RendezVous.objects.get(carnet=carnet).intervenant == conseiller
    assert Note.objects.get(carnet=carnet).visibilite == "organisation"

    # Le conseiller du PLIE ne lit pas la note réservée au Département.
    secret_conseiller = activer_totp(conseiller)
    autre = ouvrir(mobile=True)
    se_connecter(autre, base, conseiller.email, MOT_DE_PASSE, secret_conseiller)
    autre.goto(f"{base}/carnets/{carnet.uuid}/?onglet=notes")
    expect(autre.get_by_text("Aucune note que vous puissiez lire.")).to_be_visible()
    controler(autre, "carnet-notes-partenaire-telephone")
