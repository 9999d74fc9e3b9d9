"""Parcours du référent : mener le diagnostic socio-professionnel d'un carnet, le valider, en tirer un objectif du
plan d'action, puis le mettre à jour (version 2) et lire ce qui a changé ; la recherche de métier sans JavaScript ;
l'onglet sur téléphone."""

import re
from datetime import date

from playwright.sync_api import expect

from parcours import services
from parcours.models import Diagnostic, Objectif
from partenaires.choix import Role
from tests.e2e.outils import se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.outils import activer_totp

DOMAINES = [
    "Emploi",
    "Formation",
    "Logement",
    "Mobilité",
    "Santé",
    "Handicap et invalidité",
    "Contraintes familiales et proche aidant",
    "Difficultés financières",
    "Difficultés administratives et juridiques",
    "Maîtrise de la langue et savoirs de base",
    "Numérique",
    "Isolement",
]


def cocher(conteneur, libelle):
    """Coche une case ou un bouton radio du DSFR en cliquant son libellé, comme un utilisateur (le DSFR dessine
    la case sur le libellé, qui recouvre la vraie case)."""
    conteneur.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(libelle)}\s*$")).click()
    expect(conteneur.get_by_label(libelle, exact=True)).to_be_checked()


def domaine(page, libelle):
    """Le bloc dépliable d'un domaine des freins et ressources."""
    titre = page.locator("summary strong").filter(has_text=re.compile(f"^{re.escape(libelle)}$"))
    return page.locator("details.spie-domaine").filter(has=titre)


def deplier(page, libelle):
    bloc = domaine(page, libelle)
    if bloc.get_attribute("open") is None:
        bloc.locator("summary").click()
    expect(bloc).to_have_attribute("open", "")
    return bloc


def apprecier(page, libelle, appreciation, impact=None):
    bloc = deplier(page, libelle)
    cocher(bloc, appreciation)
    if impact:
        cocher(bloc, impact)
    return bloc


def _carnet(email, prenom="Maëlle", nom="Darrigade", date_naissance=date(1994, 8, 23)):
    """Un carnet ouvert par sa référente (chaque test a les siens : les données restent d'un test à l'autre)."""
    departement = OrganisationFactory(nom="Département des Landes")
    referente = membre(departement, Role.PROFESSIONNEL, email=email, prenom="Claire", nom="Duprat")
    carnet = services.ouvrir_carnet(
        acteur=referente.utilisateur,
        organisation=departement,
        nom=nom,
        prenom=prenom,
        date_naissance=date_naissance,
        commune="Dax",
        code_postal="40100",
    )
    return referente.utilisateur, carnet


def test_le_referent_mene_le_diagnostic_le_valide_ajoute_un_objectif_puis_le_met_a_jour(base, ouvrir, controler):
    referente, carnet = _carnet("claire.diagnostic@exemple.fr")
    secret = activer_totp(referente)

    page = ouvrir()
    se_connecter(page, base, referente.email, MOT_DE_PASSE, secret)
    page.goto(f"{base}/carnets/{carnet.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maëlle DARRIGADE")
    onglets = page.get_by_role("navigation", name="Sections du carnet")
    onglets.get_by_role("link", name="Diagnostic").click()
    expect(page.get_by_text("Aucun diagnostic pour l'instant.")).to_be_visible()
    page.get_by_role("button", name="Commencer le diagnostic").click()
    expect(page.get_by_text("Diagnostic commencé.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diagnostic de Maëlle DARRIGADE")

    # 1. Situation professionnelle.
    page.get_by_label("Situation actuelle").select_option(label="En recherche d'emploi")
    page.get_by_label("Niveau de formation").select_option(label="CAP, BEP ou équivalent")
    page.get_by_label("Langues parlées").fill("Français, espagnol")

    # 2. Un projet : l'autocomplétion (htmx) propose des métiers du ROME pendant la frappe.
    page.evaluate("window.marqueur = 'pas de rechargement'")
    page.get_by_label("Chercher un métier").press_sequentially("aide soignante", delay=30)
    resultats = page.locator("#resultats-rome")
    expect(resultats.get_by_role("group", name=re.compile("Métiers trouvés pour « aide soignante »"))).to_be_visible()
    assert page.evaluate("window.marqueur") == "pas de rechargement"  # seuls les résultats ont changé
    cocher(resultats, "Aide-soignant / Aide-soignante (J1501)")
    page.get_by_label("Rayon de mobilité").fill("30")
    controler(page, "diagnostic-formulaire-recherche-metier")
    page.get_by_role("button", name="Ajouter ce projet").click()
    expect(page.get_by_text("Projet ajouté : Aide-soignant / Aide-soignante (J1501).")).to_be_visible()
    expect(page.locator(".spie-projets")).to_contain_text("Aide-soignant / Aide-soignante (J1501)")

    # Ajouter le projet a aussi enregistré la situation professionnelle saisie : rien n'est perdu.
    expect(page.get_by_label("Situation actuelle")).to_have_value("recherche_emploi")
    expect(page.get_by_label("Langues parlées")).to_have_value("Français, espagnol")

    # 3. Freins et ressources : chaque domaine est apprécié, même pour dire qu'il n'a pas été abordé.
    apprecier(page, "Emploi", "Point fort")
    logement = apprecier(page, "Logement", "Besoin", impact="Fort")
    cocher(logement, "Hébergé chez un tiers (frein)")
    logement.get_by_label("Priorité").select_option(label="Haute")
    logement.get_by_label("Les mots et souhaits de la personne").fill(
        "Je dors chez ma sœur depuis trois mois, je voudrais un studio à Dax."
    )
    for libelle in DOMAINES:
        if libelle not in ("Emploi", "Logement"):
            apprecier(page, libelle, "Non abordé")
    controler(page, "diagnostic-formulaire")
    page.get_by_role("button", name="Enregistrer et valider").click()

    # La validation : le parcours suggéré par le barème, avec ses raisons.
    expect(page.get_by_role("heading", level=1)).to_have_text("Valider le diagnostic de Maëlle DARRIGADE")
    expect(page.locator("#manques")).to_have_count(0)
    suggestion = page.locator(".fr-callout")
    expect(suggestion.get_by_role("heading")).to_have_text("Parcours suggéré : Socio-professionnel")
    expect(suggestion).to_contain_text("Pas d'activité professionnelle depuis plus de deux ans")
    expect(suggestion).to_contain_text("Se projette dans un métier")
    expect(suggestion).to_contain_text("1 difficulté à impact fort, aucune à impact moyen")
    expect(page.get_by_label("Socio-professionnel")).to_be_checked()
    controler(page, "diagnostic-validation")
    page.get_by_role("button", name="Valider le diagnostic").click()

    # De retour sur l'onglet : la version validée et les objectifs suggérés par les freins observés.
    expect(page.get_by_text("Diagnostic validé (version 1).")).to_be_visible()
    expect(page).to_have_url(re.compile(r"onglet=diagnostic"))
    expect(page.get_by_text(re.compile(r"Version 1, validée le .* par Claire Duprat"))).to_be_visible()
    logement = page.get_by_role("region", name="Logement")
    expect(logement).to_contain_text("Besoin")
    expect(logement).to_contain_text("Hébergé chez un tiers")
    expect(logement).to_contain_text("« Je dors chez ma sœur")
    expect(page.locator(".spie-projets")).to_contain_text("Aide-soignant / Aide-soignante")
    expect(page.get_by_text(re.compile("Parcours retenu : Socio-professionnel"))).to_be_visible()
    suggestions = page.locator(".spie-suggestions")
    expect(suggestions).to_contain_text("Accéder à un logement")
    controler(page, "carnet-diagnostic-valide")
    suggestions.get_by_role("button", name="Ajouter au plan : Accéder à un logement").click()
    expect(page.get_by_text("Objectif ajouté au plan d'action : Accéder à un logement.")).to_be_visible()
    expect(page.locator(".spie-suggestions")).not_to_contain_text("Accéder à un logement")
    assert Objectif.objects.filter(carnet=carnet, referentiel__libelle="Accéder à un logement").exists()

    # La mise à jour crée la version 2, qui reprend la version 1 : la mobilité devient un besoin.
    page.get_by_role("button", name="Mettre à jour (nouvelle version)").click()
    expect(page.get_by_text("Version 2 ouverte : elle reprend le diagnostic validé.")).to_be_visible()
    expect(page.locator(".spie-projets")).to_contain_text("Aide-soignant / Aide-soignante (J1501)")
    expect(domaine(page, "Logement").locator("summary")).to_contain_text("Besoin, impact fort")
    mobilite = apprecier(page, "Mobilité", "Besoin", impact="Moyen")
    cocher(mobilite, "Dépendant des transports en commun (frein)")
    page.get_by_role("button", name="Enregistrer et valider").click()
    expect(page.locator(".fr-callout")).to_contain_text("1 difficulté à impact fort, 1 à impact moyen")
    page.get_by_role("button", name="Valider le diagnostic").click()

    expect(page.get_by_text("Diagnostic validé (version 2).")).to_be_visible()
    expect(page.get_by_role("heading", name="Ce qui a changé depuis la version 1")).to_be_visible()
    changements = page.locator(".spie-changements").filter(has=page.get_by_role("heading", name="Mobilité"))
    expect(changements.get_by_role("listitem").filter(has_text="Appréciation")).to_contain_text("Non abordé")
    expect(changements.get_by_role("listitem").filter(has_text="Appréciation")).to_contain_text("Besoin")
    expect(changements.get_by_role("listitem").filter(has_text="Impact")).to_contain_text("Moyen")
    expect(changements).to_contain_text("Dépendant des transports en commun")
    # Le logement n'a pas changé : il n'apparaît pas dans les changements.
    expect(page.locator(".spie-changements").filter(has=page.get_by_role("heading", name="Logement"))).to_have_count(0)
    expect(page.get_by_role("link", name="Version 1")).to_be_visible()
    controler(page, "carnet-diagnostic-comparaison")

    # Le PDF pour le dossier : produit par le worker, la page d'attente se met à jour seule (htmx).
    page.get_by_role("link", name="PDF pour le dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diagnostic de Maëlle Darrigade, version 2")
    expect(page.get_by_text("Le document est prêt.")).to_be_visible(timeout=60_000)
    controler(page, "document-pret")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Télécharger diagnostic-v2-darrigade.pdf")).click()
    assert telechargement.value.suggested_filename == "diagnostic-v2-darrigade.pdf"
    with open(telechargement.value.path(), "rb") as fichier:
        assert fichier.read(5) == b"%PDF-"
    page.go_back()
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=diagnostic")

    # Dans « Carnets de bord », la colonne et le filtre du diagnostic.
    page.goto(f"{base}/carnets/")
    ligne = page.get_by_role("row").filter(has_text="DARRIGADE Maëlle")
    expect(ligne).to_contain_text(re.compile(r"validé le \d+/\d+/\d{4}"))
    page.get_by_label("Diagnostic", exact=True).select_option(label="Sans diagnostic validé")
    expect(page.locator("#resultats-carnets")).not_to_contain_text("DARRIGADE")
    page.get_by_label("Diagnostic", exact=True).select_option(label="Indifférent")
    expect(page.locator("#resultats-carnets")).to_contain_text("DARRIGADE")

    assert sorted(carnet.diagnostics.values_list("version", "statut")) == [
        (1, Diagnostic.Statut.VALIDE),
        (2, Diagnostic.Statut.VALIDE),
    ]

    # Sur téléphone, l'onglet du diagnostic validé.
    telephone = ouvrir(mobile=True)
    telephone.context.add_cookies(page.context.cookies())
    telephone.goto(f"{base}/carnets/{carnet.uuid}/?onglet=diagnostic")
    expect(telephone.get_by_text(re.compile(r"Version 2, validée le"))).to_be_visible()
    expect(telephone.get_by_role("region", name="Logement")).to_contain_text("« Je dors chez ma sœur")
    controler(telephone, "carnet-diagnostic-telephone")


def test_le_referent_cherche_un_metier_sans_javascript_et_l_ajoute_au_diagnostic(base, ouvrir, controler):
    referente, carnet = _carnet("claire.metier@exemple.fr", "Sofia", "Dos Santos", date(1988, 2, 9))
    secret = activer_totp(referente)
    page = ouvrir()
    se_connecter(page, base, referente.email, MOT_DE_PASSE, secret)

    sans_js = ouvrir(js=False)
    sans_js.context.add_cookies(page.context.cookies())
    sans_js.goto(f"{base}/carnets/{carnet.uuid}/?onglet=diagnostic")
    sans_js.get_by_role("button", name="Commencer le diagnostic").click()
    expect(sans_js.get_by_text("Diagnostic commencé.")).to_be_visible()
    # Chercher enregistre aussi la page : la situation actuelle et le niveau sont demandés d'abord.
    sans_js.get_by_label("Chercher un métier").fill("aide soignante")
    sans_js.get_by_role("button", name="Chercher", exact=True).click()
    expect(sans_js.get_by_text("Ce champ est obligatoire.").first).to_be_visible()
    expect(sans_js.locator("#resultats-rome")).to_contain_text("Métiers trouvés pour « aide soignante »")
    sans_js.get_by_label("Situation actuelle").select_option(label="En formation")
    sans_js.get_by_label("Niveau de formation").select_option(label="Bac ou équivalent")
    sans_js.get_by_role("button", name="Chercher", exact=True).click()
    expect(sans_js).to_have_url(re.compile(r"metier=aide\+soignante"))
    resultats = sans_js.locator("#resultats-rome")
    expect(resultats).to_contain_text("Métiers trouvés pour « aide soignante »")
    cocher(resultats, "Aide-soignant / Aide-soignante (J1501)")
    controler(sans_js, "diagnostic-recherche-metier-sans-javascript")
    sans_js.get_by_role("button", name="Ajouter ce projet").click()
    expect(sans_js.get_by_text("Projet ajouté : Aide-soignant / Aide-soignante (J1501).")).to_be_visible()
    expect(sans_js.locator(".spie-projets")).to_contain_text("Aide-soignant / Aide-soignante (J1501)")

    # Sans choisir de métier, le formulaire du projet le redemande.
    sans_js.get_by_label("Chercher un métier").fill("zzzz")
    sans_js.get_by_role("button", name="Chercher", exact=True).click()
    expect(sans_js.get_by_text("Aucun métier ne correspond à « zzzz ». Essayez un autre mot.")).to_be_visible()
    sans_js.get_by_role("button", name="Ajouter ce projet").click()
    expect(sans_js.get_by_text("Choisissez un métier.")).to_be_visible()
    controler(sans_js, "diagnostic-projet-sans-metier")
