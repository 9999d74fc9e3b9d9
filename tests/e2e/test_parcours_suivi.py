"""Parcours du référent et du pilote : le tableau « À traiter » du point de situation de la nuit, la sortie d'un
parcours avec suivi dans l'emploi, les totaux du territoire pour le pilote."""

import re
from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from parcours import services
from parcours.models import Carnet, PointSuiviEmploi
from partenaires.choix import Role
from tests.e2e.outils import se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.outils import activer_totp


def test_le_referent_traite_son_tableau_clot_un_parcours_avec_suivi_et_le_pilote_voit_les_totaux(
    base, ouvrir, controler
):
    departement = OrganisationFactory(nom="Département des Landes (suivi)", departement="40")
    plie = OrganisationFactory(nom="PLIE du Marsan (suivi)", departement="40")
    referente = membre(departement, Role.PROFESSIONNEL, email="sophie.suivi@exemple.fr", prenom="Sophie", nom="Labat")
    pilote = membre(departement, Role.PILOTE, email="pierre.pilote@exemple.fr", prenom="Pierre", nom="Lacoste")
    conseiller = membre(plie, Role.PROFESSIONNEL, prenom="Jean", nom="Darrigade").utilisateur
    il_y_a_120_jours = timezone.now() - timedelta(days=120)
    carnets = {}
    for nom, prenom in [("Lescoul", "Maëlys"), ("Bordes", "Julien"), ("Hourcade", "Léa")]:
        carnet = services.ouvrir_carnet(
            acteur=referente.utilisateur, organisation=departement, nom=nom, prenom=prenom,
            date_naissance=date(1990, 4, 12),
        )  # fmt: skip
        carnets[nom] = carnet
    services.ajouter_intervenant(
        carnets["Lescoul"], acteur=referente.utilisateur, utilisateur=conseiller, organisation=plie
    )
    objectif = services.ajouter_objectif(
        carnets["Bordes"], acteur=referente.utilisateur, axe="mobilite", libelle_libre="Passer le permis B"
    )
    services.ajouter_action(
        objectif, acteur=referente.utilisateur, libelle_libre="Inscription à l'auto-école",
        date_debut=timezone.localdate() - timedelta(days=60), date_echeance=timezone.localdate() - timedelta(days=5),
    )  # fmt: skip
    # Lescoul et Hourcade : aucun contact depuis 120 jours (carnets ouverts il y a 120 jours).
    Carnet.objects.filter(pk__in=[carnets["Lescoul"].pk, carnets["Hourcade"].pk]).update(date_creation=il_y_a_120_jours)
    call_command("calculer_point_de_situation", stdout=StringIO())

    page = ouvrir()
    se_connecter(page, base, referente.utilisateur.email, MOT_DE_PASSE, activer_totp(referente.utilisateur))
    page.goto(f"{base}/a-traiter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("À traiter")
    perdus = page.locator("#mes-perdu_de_vue + .fr-table")
    expect(page.locator("#mes-perdu_de_vue")).to_contain_text("perdu de vue) (2)")
    expect(perdus).to_contain_text("LESCOUL Maëlys")
    expect(perdus).to_contain_text("Aucun contact depuis l'ouverture du carnet")
    expect(page.locator("#mes-action_echue + .fr-table")).to_contain_text("Inscription à l'auto-école")
    controler(page, "a-traiter")

    # Maëlys a trouvé un CDI : sortie du parcours, suivi dans l'emploi de 3 mois.
    perdus.get_by_role("link", name="LESCOUL Maëlys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maëlys LESCOUL")
    page.get_by_role("link", name="Clore le parcours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clore le parcours de Maëlys LESCOUL")
    controler(page, "sortie-formulaire")
    page.get_by_label("Motif de sortie").select_option(label="Autre")
    page.get_by_role("button", name="Clore le parcours").click()
    expect(page.locator("main")).to_contain_text("Précisez le motif de sortie « Autre ».")
    page.get_by_label("Motif de sortie").select_option(label="Emploi durable (CDI, CDD de 6 mois ou plus)")
    page.get_by_label("Suivi dans l'emploi").select_option(label="3 mois (un point par mois)")
    page.get_by_role("button", name="Clore le parcours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maëlys LESCOUL")
    entete = page.locator("#sortie-parcours")
    expect(entete).to_contain_text("Emploi durable (CDI, CDD de 6 mois ou plus). Suivi dans l'emploi de 3 mois.")
    expect(entete.get_by_role("list", name="Points du suivi dans l'emploi").get_by_role("listitem")).to_have_count(3)
    expect(page.locator(".fr-badge").filter(has_text="Suivi dans l'emploi")).to_be_visible()
    controler(page, "carnet-suivi-emploi")
    assert PointSuiviEmploi.objects.filter(sortie__carnet=carnets["Lescoul"]).count() == 3
    # Le groupe de suivi continue : le PLIE est toujours là.
    page.get_by_role("navigation", name="Sections du carnet").get_by_role("link", name="Groupe de suivi").click()
    expect(page.locator("#contenu")).to_contain_text("Jean Darrigade")
    page.get_by_role("navigation", name="Sections du carnet").get_by_role("link", name="Historique").click()
    expect(page.locator(".spie-historique")).to_contain_text("Sortie de parcours")

    # Le pilote du territoire : les totaux par organisation et par règle, et le réglage « perdu de vue ».
    page_pilote = ouvrir()
    se_connecter(page_pilote, base, pilote.utilisateur.email, MOT_DE_PASSE, activer_totp(pilote.utilisateur))
    page_pilote.goto(f"{base}/point-de-situation/")
    tableau = page_pilote.locator("#totaux-par-organisation")
    rangee = tableau.get_by_role("row").filter(has_text="Département des Landes (suivi)")
    expect(rangee).to_be_visible()
    expect(rangee.locator("td").first).to_have_text(re.compile(r"^\s*2\s*$"))
    controler(page_pilote, "point-de-situation-pilote")
    page_pilote.get_by_label("Jours sans contact avant « perdu de vue »").fill("150")
    page_pilote.get_by_role("button", name="Enregistrer le réglage").click()
    expect(page_pilote.locator("main")).to_contain_text("perdu de vue » après 150 jours")
