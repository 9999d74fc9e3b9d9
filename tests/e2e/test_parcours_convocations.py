"""Parcours de la convocation : la référente convoque la personne depuis l'onglet Rendez-vous, télécharge la lettre
PDF ; la personne ouvre le lien de son courriel sur son téléphone, sans compte, et confirme qu'elle viendra."""

import io
import re
from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from parcours import services
from partenaires.choix import Role
from tests.e2e.outils import se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.outils import activer_totp

EMAIL_PERSONNE = "samia.convoquee@exemple.fr"


def test_la_referente_convoque_et_la_personne_confirme_sur_son_telephone(base, ouvrir, controler, dernier_lien):
    departement = OrganisationFactory(nom="Département des Landes", commune="Mont-de-Marsan")
    referente = membre(
        departement,
        Role.PROFESSIONNEL,
        email="claire.convocation@exemple.fr",
        prenom="Claire",
        nom="Duprat",
        telephone="05 58 12 34 56",
    ).utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente,
        organisation=departement,
        nom="Benali",
        prenom="Samia",
        date_naissance=date(1991, 2, 14),
        email=EMAIL_PERSONNE,
        adresse="4 place de la Course",
        code_postal="40100",
        commune="Dax",
    )
    quand = timezone.localtime(timezone.now() + timedelta(days=6)).replace(hour=10, minute=0, second=0, microsecond=0)
    services.prevoir_rendez_vous(
        carnet,
        acteur=referente,
        intervenant=referente,
        date_heure=quand,
        objet="Premier entretien",
        lieu="Maison départementale, 5 rue Gambetta, Dax",
    )
    secret = activer_totp(referente)

    page = ouvrir()
    se_connecter(page, base, referente.email, MOT_DE_PASSE, secret)
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=rendez_vous")
    ligne = page.get_by_role("row").filter(has_text="Premier entretien")
    expect(ligne).to_contain_text("Pas de convocation")
    controler(page, "onglet-rendez-vous-a-convoquer")
    ligne.get_by_role("button", name=re.compile("^Convoquer")).click()
    expect(page.get_by_text(f"Convocation envoyée par courriel à {EMAIL_PERSONNE}.")).to_be_visible()
    ligne = page.get_by_role("row").filter(has_text="Premier entretien")
    expect(ligne).to_contain_text("Envoyée le")
    expect(ligne).to_contain_text("Sans réponse")
    expect(ligne.get_by_role("button", name=re.compile("^Convoquer"))).to_have_count(0)
    controler(page, "onglet-rendez-vous-convoque")

    # La lettre PDF : produite par le worker, la page d'attente se met à jour seule.
    ligne.get_by_role("link", name=re.compile("^Lettre")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Convocation de Samia Benali")
    expect(page.get_by_text("Le document est prêt.")).to_be_visible(timeout=60_000)
    nom_fichier = f"convocation-benali-{quand:%Y-%m-%d}.pdf"
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile(f"Télécharger {nom_fichier}")).click()
    assert telechargement.value.suggested_filename == nom_fichier
    with open(telechargement.value.path(), "rb") as fichier:
        pdf = fichier.read()
    texte = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Convocation à un rendez-vous" in texte and "Appelez Claire Duprat au 05 58 12 34 56" in texte

    # La page « Imprimer » : le même gabarit que le PDF.
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=rendez_vous")
    page.get_by_role("row").filter(has_text="Premier entretien").get_by_role(
        "link", name=re.compile("^Imprimer")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Convocation à un rendez-vous")
    controler(page, "lettre-imprimer")

    # La personne ouvre le premier lien de son courriel (« Je viendrai ») sur son téléphone, sans compte.
    lien = dernier_lien(EMAIL_PERSONNE)
    telephone = ouvrir(mobile=True)
    telephone.goto(lien)
    expect(telephone.get_by_role("heading", level=1)).to_have_text("Votre rendez-vous")
    expect(telephone.get_by_text("Maison départementale, 5 rue Gambetta, Dax")).to_be_visible()
    expect(telephone.get_by_text("Benali")).to_have_count(0)
    controler(telephone, "reponse-telephone")
    telephone.get_by_role("button", name="Oui, je viendrai").click()
    expect(telephone.get_by_text("Merci, votre réponse est enregistrée.")).to_be_visible()
    expect(telephone.get_by_text("Vous avez dit que vous viendrez.")).to_be_visible()
    expect(telephone.get_by_role("button", name="Oui, je viendrai")).to_have_count(0)
    controler(telephone, "reponse-telephone-enregistree")

    # La référente voit la réponse dans le tableau et dans l'historique.
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=rendez_vous")
    expect(page.get_by_role("row").filter(has_text="Premier entretien")).to_contain_text("Présence confirmée")
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=historique")
    expect(page.locator(".spie-historique")).to_contain_text("présence confirmée par la personne")
    expect(page.locator(".spie-historique")).to_contain_text("Convocation envoyée")
