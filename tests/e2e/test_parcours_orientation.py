"""Parcours du chargé d'orientation : il ouvre la file (délai légal, retard signalé), indique la cause d'un retard,
décide l'orientation (critères préremplis par le diagnostic), et le carnet montre l'orientation et l'horloge du
contrat d'engagement ; le nouveau référent reçoit un courriel envoyé par le worker."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from parcours import delais, services
from parcours.orientation import services as orientation
from partenaires.choix import Role, TypeOrganisation
from tests.e2e.outils import se_connecter
from tests.e2e.test_parcours_diagnostic import cocher
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.outils import activer_totp
from tests.parcours.conftest import diagnostic_valide


def _territoire():
    departement = OrganisationFactory(nom="Département des Landes – orientation")
    ccas = OrganisationFactory(nom="CCAS de Saint-Sever", type=TypeOrganisation.CCAS_COMMUNE_EPCI)
    france_travail = OrganisationFactory(nom="France Travail Saint-Sever", type=TypeOrganisation.FRANCE_TRAVAIL)
    charge = membre(
        departement, Role.CHARGE_ORIENTATION, email="chloe.orientation@exemple.fr", prenom="Chloé", nom="Dubos"
    ).utilisateur
    referente = membre(ccas, email="rose.ccas@exemple.fr", prenom="Rose", nom="Lafitte").utilisateur
    membre(france_travail, email="marc.ft@exemple.fr", prenom="Marc", nom="Labat-Sever")
    carnet = services.ouvrir_carnet(
        acteur=referente,
        organisation=ccas,
        nom="Lassalle",
        prenom="Inès",
        date_naissance=timezone.localdate().replace(year=1988),
    )
    diagnostic_valide(carnet, referente, logement={"appreciation": "besoin", "impact": "moyen"})
    orientation.demander_orientation(
        carnet,
        acteur=referente,
        organisation_orientation=departement,
        motif="entree_rsa",
        date_reception=timezone.localdate() - timedelta(days=43),
    )
    return charge, carnet


def test_le_charge_d_orientation_decide_depuis_la_file(base, ouvrir, controler, dernier_lien):
    charge, carnet = _territoire()
    secret = activer_totp(charge)
    page = ouvrir()
    se_connecter(page, base, charge.email, MOT_DE_PASSE, secret)

    page.goto(f"{base}/orientation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("File d'orientation")
    ligne = page.get_by_role("row").filter(has_text="LASSALLE Inès")
    expect(ligne).to_contain_text("en retard de 1 jour")
    expect(ligne).to_contain_text("suggéré par le diagnostic : Emploi (parcours professionnel)")
    controler(page, "orientation-file")

    # La cause du retard, enregistrée depuis la file.
    ligne.get_by_text("Indiquer la cause").click()
    ligne.get_by_label("Cause du retard").select_option(label="En attente de la personne")
    ligne.get_by_label("Précision").fill("Rendez-vous manqué le 3")
    ligne.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Cause du retard enregistrée pour Inès Lassalle.")).to_be_visible()
    ligne = page.get_by_role("row").filter(has_text="LASSALLE Inès")
    expect(ligne).to_contain_text("En attente de la personne : Rendez-vous manqué le 3")

    # La décision : critères préremplis par le diagnostic validé, notification le jour même.
    ligne.get_by_role("link", name=re.compile("Décider")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Décision d'orientation pour Inès LASSALLE")
    expect(page.get_by_label("Orienter", exact=True)).to_be_checked()
    expect(page.get_by_role("group", name=re.compile("Difficulté : logement")).get_by_label("Moyen")).to_be_checked()
    controler(page, "orientation-decision")
    cocher(page.get_by_role("group", name=re.compile("^Parcours")), "Emploi (parcours professionnel)")
    page.get_by_role("combobox", name=re.compile("^Organisme référent")).select_option(
        label="France Travail Saint-Sever"
    )
    page.get_by_label("Référent désigné").select_option(label="Marc Labat-Sever")
    cocher(page, "Reste dans le groupe de suivi comme accompagnateur")
    page.get_by_label("Motif de la décision").fill("Projet d'aide-soignante défini, qualification CAP.")
    page.get_by_label("Notifiée à la personne le").fill(timezone.localdate().isoformat())
    page.get_by_label("Canal de la notification").select_option(label="Courrier postal")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée pour Inès Lassalle : Orienter.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="LASSALLE Inès")).to_have_count(0)

    # Le carnet montre l'orientation, son historique et l'horloge du contrat d'engagement.
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=orientation")
    entete = page.locator("#entete-orientation")
    expect(entete).to_contain_text("Emploi (parcours professionnel), France Travail Saint-Sever depuis le")
    limite = delais.date_limite_contrat(timezone.localdate())
    expect(page.get_by_role("main")).to_contain_text(f"à signer au plus tard le {limite.day}/{limite:%m/%Y}")
    expect(page.get_by_role("main")).to_contain_text("Décision du")
    expect(page.get_by_role("main")).to_contain_text("référent Marc Labat-Sever")
    controler(page, "orientation-onglet-carnet")

    # Le nouveau référent est prévenu par courriel (envoyé par le worker après la validation).
    lien = dernier_lien("marc.ft@exemple.fr")
    assert f"/carnets/{carnet.uuid}/?onglet=orientation" in lien
