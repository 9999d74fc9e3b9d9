"""Parcours des professionnels : invitation, activation du compte, second facteur, membres, organisations."""

import re

from playwright.sync_api import expect

from partenaires.choix import Role
from partenaires.models import Membre, Organisation
from tests.e2e.outils import menu, se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre, siret_valide
from tests.outils import activer_totp, code_totp_a_saisir

MDP_NINA = "une-phrase-de-passe-solide"


def test_l_administrateur_invite_un_collegue_qui_active_son_compte_configure_son_second_facteur_et_se_connecte(
    base, ouvrir, controler, dernier_lien
):
    organisation = OrganisationFactory(nom="Mission locale des Landes")
    admin = membre(organisation, Role.ADMINISTRATEUR, email="admin.ml@exemple.fr", prenom="Camille").utilisateur
    secret_admin = activer_totp(admin)

    page = ouvrir()
    page.goto(base)
    controler(page, "accueil-public")
    page.get_by_role("link", name="Se connecter").first.click()
    controler(page, "connexion")
    se_connecter(page, base, admin.email, MOT_DE_PASSE, secret_admin)
    controler(page, "tableau-de-bord")

    menu(page, "Membres et invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Membres de Mission locale des Landes")
    controler(page, "membres")
    page.get_by_role("link", name="Inviter un collègue").click()
    page.get_by_label("Adresse e-mail professionnelle").fill("nina.lopez@exemple.fr")
    page.get_by_label("Rôle").select_option(label="Chargé d'orientation")
    controler(page, "invitation-formulaire")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à nina.lopez@exemple.fr.")).to_be_visible()
    expect(page.get_by_role("cell", name="nina.lopez@exemple.fr", exact=True)).to_be_visible()
    controler(page, "invitation-envoyee")

    # L'e-mail est envoyé par le worker Celery ; la collègue ouvre le lien dans son propre navigateur.
    lien = dernier_lien("nina.lopez@exemple.fr")
    nina = ouvrir()
    nina.goto(lien)
    expect(nina.get_by_role("heading", level=1)).to_have_text("Rejoindre Mission locale des Landes")
    controler(nina, "activation-du-compte")
    nina.get_by_label("Prénom").fill("Nina")
    nina.get_by_label("Nom", exact=True).fill("Lopez")
    nina.fill("input[name=password1]", "court")
    nina.get_by_label("Confirmation du mot de passe").fill("court")
    nina.get_by_role("button", name="Activer mon compte").click()
    expect(nina.get_by_text("Il doit contenir au minimum 12 caractères.")).to_be_visible()
    controler(nina, "activation-mot-de-passe-trop-court")
    nina.fill("input[name=password1]", MDP_NINA)
    nina.get_by_label("Confirmation du mot de passe").fill(MDP_NINA)
    nina.get_by_role("button", name="Activer mon compte").click()

    # Le second facteur est exigé avant toute donnée ; allauth redemande d'abord le mot de passe.
    expect(nina).to_have_url(re.compile("/comptes/reauthenticate/"))
    controler(nina, "confirmation-mot-de-passe")
    nina.fill("input[name=password]", MDP_NINA)
    nina.locator("main button[type=submit]").first.click()
    expect(nina).to_have_url(re.compile("/comptes/2fa/totp/activate/"))
    controler(nina, "second-facteur")
    secret_nina = nina.locator("#authenticator_secret").input_value()
    nina.fill("input[name=code]", code_totp_a_saisir(secret_nina))
    nina.locator("main button[type=submit]").first.click()
    expect(nina).to_have_url(re.compile("/comptes/2fa/"))
    # Les codes de récupération sont affichés pour être notés (10 codes).
    expect(nina.locator("#recovery_codes")).to_have_value(re.compile(r"^(\w+\s*){10}$"))
    controler(nina, "second-facteur-active")

    nina.get_by_role("button", name="Se déconnecter").click()
    se_connecter(nina, base, "nina.lopez@exemple.fr", MDP_NINA, secret_nina)
    expect(nina.get_by_text("Vous travaillez pour Mission locale des Landes")).to_be_visible()
    controler(nina, "tableau-de-bord-nouvelle-membre")
    assert Membre.objects.get(utilisateur__email="nina.lopez@exemple.fr").role == Role.CHARGE_ORIENTATION


def test_l_administrateur_change_un_role_en_htmx_et_sans_javascript_puis_desactive_un_membre(base, ouvrir, controler):
    organisation = OrganisationFactory(nom="CAF des Landes")
    admin = membre(organisation, Role.ADMINISTRATEUR, email="admin.caf@exemple.fr").utilisateur
    collegue = membre(organisation, Role.PROFESSIONNEL, email="ines@exemple.fr", prenom="Inès", nom="Barrère")
    secret = activer_totp(admin)

    page = ouvrir()
    se_connecter(page, base, admin.email, MOT_DE_PASSE, secret)
    page.goto(f"{base}/organisations/{organisation.uuid}/membres/")
    ligne = page.locator(f"#membre-{collegue.uuid}")
    ligne.locator("select[name=role]").select_option(Role.PILOTE)
    page.evaluate("window.marqueur = 'pas de rechargement'")
    ligne.get_by_role("button", name="Enregistrer le rôle").click()
    expect(ligne.get_by_text("Rôle enregistré.")).to_be_visible()
    assert page.evaluate("window.marqueur") == "pas de rechargement"  # seule la ligne a changé
    controler(page, "role-change-htmx")
    collegue.refresh_from_db()
    assert collegue.role == Role.PILOTE

    # Le même formulaire, sans JavaScript : un envoi classique, puis retour sur la page.
    sans_js = ouvrir(js=False)
    sans_js.context.add_cookies(page.context.cookies())
    sans_js.goto(f"{base}/organisations/{organisation.uuid}/membres/")
    ligne = sans_js.locator(f"#membre-{collegue.uuid}")
    ligne.locator("select[name=role]").select_option(Role.SECRETAIRE_COMITE)
    ligne.get_by_role("button", name="Enregistrer le rôle").click()
    expect(sans_js.get_by_text("Rôle de Inès Barrère : Secrétaire de comité.")).to_be_visible()
    controler(sans_js, "role-change-sans-javascript")
    collegue.refresh_from_db()
    assert collegue.role == Role.SECRETAIRE_COMITE

    page.goto(f"{base}/organisations/{organisation.uuid}/membres/")
    page.get_by_role("link", name="Désactiver Inès Barrère").click()
    controler(page, "desactivation")
    page.get_by_role("button", name="Désactiver").click()
    expect(page.get_by_text("Indiquez le motif").or_(page.get_by_text("Ce champ est obligatoire."))).to_be_visible()
    page.get_by_label("Motif de la désactivation").fill("Départ de la structure")
    page.get_by_role("button", name="Désactiver").click()
    expect(page.get_by_text("Inès Barrère n'a plus accès à « CAF des Landes ».")).to_be_visible()
    expect(page.get_by_role("table", name="Anciens membres (historique conservé)")).to_contain_text(
        "Départ de la structure"
    )
    controler(page, "membre-desactive")


def test_le_pilote_cree_une_organisation_et_cherche_dans_la_liste_avec_et_sans_javascript(base, ouvrir, controler):
    departement = OrganisationFactory(nom="Département des Landes", departement="40")
    OrganisationFactory(nom="CCI des Landes", departement="40", commune="Mont-de-Marsan")
    pilote = membre(departement, Role.PILOTE, email="pilote@exemple.fr").utilisateur
    secret = activer_totp(pilote)

    page = ouvrir()
    se_connecter(page, base, pilote.email, MOT_DE_PASSE, secret)
    menu(page, "Organisations du territoire").click()
    controler(page, "organisations")
    page.get_by_role("link", name="Créer une organisation").click()
    page.get_by_label("Nom", exact=True).fill("Relais Emploi Dax")
    page.get_by_label("Type d'organisation").select_option(label="Association")
    page.get_by_label("SIRET").fill("12345678901234")
    page.get_by_label("Adresse", exact=True).fill("3 rue Gambetta")
    page.get_by_label("Code postal").fill("40100")
    page.get_by_label("Commune").fill("Dax")
    page.get_by_label("Département").select_option("40")
    page.get_by_label("E-mail du premier administrateur").fill("direction@relais-emploi.fr")
    page.get_by_role("button", name="Créer l'organisation").click()
    expect(page.get_by_text("Ce SIRET n'est pas valide (clé de contrôle incorrecte)")).to_be_visible()
    controler(page, "creation-siret-invalide")
    assert not Organisation.objects.filter(nom="Relais Emploi Dax").exists()
    page.get_by_label("SIRET").fill(siret_valide(4040))
    page.get_by_role("button", name="Créer l'organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Relais Emploi Dax")
    controler(page, "organisation-creee")

    # Recherche en direct (htmx) : la liste se filtre pendant la frappe, sans recharger la page.
    menu(page, "Organisations du territoire").click()
    page.get_by_label("Nom, commune ou SIRET").fill("relais")
    expect(page.locator("#resultats-organisations")).to_contain_text("1 organisation")
    expect(page.locator("#resultats-organisations")).to_contain_text("Relais Emploi Dax")
    controler(page, "recherche-htmx")

    sans_js = ouvrir(js=False)
    sans_js.context.add_cookies(page.context.cookies())
    sans_js.goto(f"{base}/organisations/")
    sans_js.get_by_label("Nom, commune ou SIRET").fill("CCI")
    sans_js.get_by_role("button", name="Rechercher").click()
    expect(sans_js).to_have_url(re.compile(r"q=CCI"))
    expect(sans_js.locator("#resultats-organisations")).to_contain_text("CCI des Landes")
    expect(sans_js.locator("#resultats-organisations")).not_to_contain_text("Relais Emploi Dax")
    controler(sans_js, "recherche-sans-javascript")


def test_un_professionnel_de_deux_organisations_change_d_organisation_courante_sur_telephone(base, ouvrir, controler):
    departement = OrganisationFactory(nom="Département des Landes")
    plie = OrganisationFactory(nom="PLIE du Marsan")
    claire = membre(departement, Role.PROFESSIONNEL, email="claire@exemple.fr", prenom="Claire").utilisateur
    membre(plie, Role.PROFESSIONNEL, utilisateur=claire)
    secret = activer_totp(claire)

    page = ouvrir(mobile=True)
    se_connecter(page, base, claire.email, MOT_DE_PASSE, secret)
    expect(page.get_by_text("Vous travaillez pour Département des Landes")).to_be_visible()
    controler(page, "tableau-de-bord-telephone")
    page.get_by_role("button", name="Menu").click()
    menu = page.locator("#menu-mobile")
    menu.get_by_label("Organisation courante").select_option(label="PLIE du Marsan")
    menu.get_by_role("button", name="Changer d'organisation").click()
    expect(page.get_by_text("Vous travaillez maintenant pour « PLIE du Marsan ».")).to_be_visible()
    expect(page.get_by_text("Vous travaillez pour PLIE du Marsan")).to_be_visible()
    controler(page, "organisation-changee-telephone")
