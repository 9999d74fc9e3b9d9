"""Parcours de la protection des données (issue 11), dans un vrai navigateur :

- un référent cherche une personne par son NIR dans « Carnets de bord » (champ dédié, puis recherche ordinaire) et
  trouve son carnet ; le NIR n'est à aucun moment dans l'adresse de la page ni dans l'adresse d'une requête envoyée
  par le navigateur ; la fiche dit « Enregistré » sans le numéro ;
- l'administrateur de l'organisation du référent pose un gel légal (motif vide : erreur en français), le voit, le
  lève ; l'historique du carnet le dit ;
- la personne, sur son téléphone, s'oppose au partage de son carnet depuis son espace : le conseiller d'une
  organisation partenaire ne le voit plus (404) ; elle lit dans « Qui a consulté mon carnet » la consultation de sa
  référente et les informations sensibles vues."""

import re
from datetime import date
from urllib.parse import parse_qs, unquote_plus, urlsplit

from playwright.sync_api import expect

from parcours import services
from parcours.models import GelLegal, OppositionPartage, Statut
from partenaires.choix import Role, TypeOrganisation
from tests.e2e.outils import menu, se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.outils import activer_totp
from tests.parcours.espace_fabriques import ouvrir_espace
from tests.parcours.fichiers_import import nir as fabriquer_nir

NAISSANCE = date(1987, 6, 14)
NIR = fabriquer_nir(NAISSANCE, sexe="2", commune="40088", ordre=417)
NIR_ESPACE = f"{NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}"


def _contient_le_nir(texte: str) -> bool:
    """Le NIR, ses 13 premiers caractères (sans la clé) ou sa forme espacée, même encodés dans une adresse."""
    compact = re.sub(r"[\s+]", "", unquote_plus(texte))
    return NIR[:13] in compact


def _ecouter_les_adresses(page) -> list[str]:
    """Chaque adresse que le navigateur demande (pages, htmx, ressources) et chaque adresse où la page arrive."""
    adresses = []
    page.on("request", lambda requete: adresses.append(requete.url))
    page.on("framenavigated", lambda cadre: adresses.append(cadre.url))
    return adresses


def _territoire(suffixe: str):
    departement = OrganisationFactory(nom=f"Département des Landes ({suffixe})", departement="40")
    referente = membre(departement, Role.PROFESSIONNEL, prenom="Claire", nom="Duprat").utilisateur
    return departement, referente


def test_le_referent_trouve_un_carnet_par_le_nir_sans_que_le_nir_passe_dans_une_adresse(base, ouvrir, controler):
    departement, referente = _territoire("NIR")
    carnet = services.ouvrir_carnet(
        acteur=referente,
        organisation=departement,
        nom="Lalanne",
        prenom="Inès",
        date_naissance=NAISSANCE,
        nir=NIR,
    )
    services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Lassalle", prenom="Marc", date_naissance=date(1979, 2, 3)
    )

    page = ouvrir()
    adresses = _ecouter_les_adresses(page)
    se_connecter(page, base, referente.email, MOT_DE_PASSE, activer_totp(referente))
    menu(page, "Carnets de bord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carnets de bord")
    resultats = page.locator("#resultats-carnets")
    expect(resultats).to_contain_text("Lassalle", ignore_case=True)

    # 1. Le champ dédié (un formulaire POST) : le numéro espacé, tel qu'on le recopie d'une carte Vitale.
    page.get_by_label("Numéro de sécurité sociale (NIR)").fill(NIR_ESPACE)
    page.get_by_role("button", name="Chercher ce NIR").click()
    expect(page).to_have_url(re.compile(r"/carnets/\?nir=1$"))
    assert not _contient_le_nir(page.url)
    expect(resultats).to_contain_text("Lalanne", ignore_case=True)
    expect(resultats).not_to_contain_text("Lassalle", ignore_case=True)
    expect(page.locator("main")).to_contain_text("Carnets du NIR cherché")
    expect(page.get_by_label("Numéro de sécurité sociale (NIR)")).to_have_value("")
    controler(page, "recherche-nir")
    page.get_by_role("link", name="Effacer la recherche par NIR").click()
    expect(resultats).to_contain_text("Lassalle", ignore_case=True)

    # 2. La recherche ordinaire, tapée touche par touche par quelqu'un qui prend son temps (une touche toutes les
    # 400 ms, plus que les 300 ms qu'attend la recherche au fil de la frappe) : le début du numéro n'est pas cherché
    # au fil de la frappe, et à l'envoi le script le fait passer par le formulaire POST.
    recherche = page.get_by_label("Nom, prénom ou identifiant")
    recherche.press_sequentially(NIR, delay=400)
    assert not _contient_le_nir(page.url)
    debuts = [q for adresse in adresses for q in parse_qs(urlsplit(adresse).query).get("q", []) if NIR.startswith(q)]
    assert not debuts, f"le début du NIR est parti dans une adresse : {debuts}"
    recherche.press("Enter")
    expect(page).to_have_url(re.compile(r"/carnets/\?nir=1$"))
    expect(resultats).to_contain_text("Lalanne", ignore_case=True)
    expect(resultats).not_to_contain_text("Lassalle", ignore_case=True)
    expect(page.get_by_label("Nom, prénom ou identifiant")).to_have_value("")
    controler(page, "recherche-ordinaire-nir")

    # 3. La fiche : le NIR est « Enregistré », jamais affiché.
    resultats.get_by_role("link", name=re.compile("Lalanne", re.IGNORECASE)).first.click()
    expect(page).to_have_url(re.compile(f"/carnets/{carnet.uuid}/"))
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=situation")
    expect(page.locator("main")).to_contain_text("Enregistré (gardé chiffré, jamais affiché)")
    assert not _contient_le_nir(page.content())
    controler(page, "fiche-nir-enregistre")

    # 4. L'historique du navigateur : revenir en arrière ne rouvre aucune adresse qui contienne le NIR.
    for _ in range(3):
        page.go_back()
        assert not _contient_le_nir(page.url), page.url
    assert adresses, "aucune requête écoutée"
    assert any("nir=1" in adresse for adresse in adresses)
    fuites = [adresse for adresse in adresses if _contient_le_nir(adresse)]
    assert not fuites, f"le NIR est parti dans une adresse : {fuites}"


def test_l_administrateur_pose_un_gel_legal_avec_un_motif_le_voit_et_le_leve(base, ouvrir, controler):
    departement, referente = _territoire("gel légal")
    administrateur = membre(departement, Role.ADMINISTRATEUR, prenom="Hélène", nom="Garat").utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Darrigade", prenom="Louis", date_naissance=date(1975, 3, 9)
    )

    page = ouvrir()
    se_connecter(page, base, administrateur.email, MOT_DE_PASSE, activer_totp(administrateur))
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=groupe")
    controler(page, "groupe-liens-protection")
    page.get_by_role("link", name="Gel légal").click()
    expect(page).to_have_url(f"{base}/carnets/{carnet.uuid}/gel-legal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gel légal du carnet de Louis DARRIGADE")
    expect(page.locator("main")).to_contain_text("Poser un gel légal")
    controler(page, "gel-a-poser")

    # Un motif vide : l'erreur en français, rien n'est posé.
    page.get_by_role("button", name="Poser le gel").click()
    expect(page.locator("main")).to_contain_text("Écrivez le motif.")
    assert not GelLegal.objects.filter(carnet=carnet).exists()
    controler(page, "gel-motif-vide")

    page.get_by_label("Motif").fill("Contentieux au tribunal administratif de Pau (requête n° 2601234)")
    page.get_by_role("button", name="Poser le gel").click()
    expect(page.locator("main")).to_contain_text("Le gel légal est posé.")
    expect(page.locator("main")).to_contain_text("Gel en cours")
    expect(page.locator("main")).to_contain_text("Contentieux au tribunal administratif de Pau")
    expect(page.locator("main")).to_contain_text(f"par Hélène Garat ({departement.nom})")
    controler(page, "gel-en-cours")

    page.get_by_label("Motif de la levée").fill("Jugement rendu le 20 novembre 2026")
    page.get_by_role("button", name="Lever le gel").click()
    expect(page.locator("main")).to_contain_text("Le gel légal est levé.")
    expect(page.locator("main")).to_contain_text("Poser un gel légal")
    levees = page.get_by_role("heading", name="Gels levés").locator("xpath=following-sibling::ul[1]")
    expect(levees).to_contain_text("Contentieux au tribunal administratif de Pau")
    expect(levees).to_contain_text("levée : Jugement rendu le 20 novembre 2026")
    controler(page, "gel-leve")
    gel = GelLegal.objects.get(carnet=carnet)
    assert (gel.pose_par, gel.leve_par) == (administrateur, administrateur)

    page.get_by_role("link", name="Retour au carnet").click()
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=historique")
    expect(page.locator("main")).to_contain_text("Gel légal posé")
    expect(page.locator("main")).to_contain_text("Gel légal levé")
    controler(page, "gel-historique")

    # La référente, qui n'est pas administratrice : pas de lien dans l'onglet, et la page lui répond 403.
    pro = ouvrir()
    se_connecter(pro, base, referente.email, MOT_DE_PASSE, activer_totp(referente))
    pro.goto(f"{base}/carnets/{carnet.uuid}/?onglet=groupe")
    expect(pro.get_by_role("link", name="Opposition au partage")).to_be_visible()
    expect(pro.get_by_role("link", name="Gel légal")).to_have_count(0)
    reponse = pro.goto(f"{base}/carnets/{carnet.uuid}/gel-legal/")
    assert reponse.status == 403


def test_la_personne_s_oppose_au_partage_depuis_son_telephone_et_voit_qui_a_consulte(base, ouvrir, controler):
    departement, referente = _territoire("opposition")
    france_travail = OrganisationFactory(
        nom="France Travail Dax (opposition)", departement="40", type=TypeOrganisation.FRANCE_TRAVAIL
    )
    conseiller = membre(france_travail, Role.PROFESSIONNEL, prenom="Marc", nom="Labat").utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Etcheverry", prenom="Maïa", date_naissance=date(1992, 8, 21)
    )
    services.changer_statut(carnet, acteur=referente, type=Statut.Type.RQTH, valeur="oui", date_debut=date(2025, 1, 2))
    services.ajouter_intervenant(carnet, acteur=referente, utilisateur=conseiller, organisation=france_travail)
    compte = ouvrir_espace(carnet, identifiant=f"maia.etcheverry.{carnet.pk}")

    # La référente lit la situation (la RQTH y est) ; le conseiller partenaire voit le carnet.
    pro = ouvrir()
    se_connecter(pro, base, referente.email, MOT_DE_PASSE, activer_totp(referente))
    pro.goto(f"{base}/carnets/{carnet.uuid}/?onglet=situation")
    expect(pro.locator("main")).to_contain_text("RQTH (travailleur handicapé) : Oui")
    partenaire = ouvrir()
    se_connecter(partenaire, base, conseiller.email, MOT_DE_PASSE, activer_totp(conseiller))
    assert partenaire.goto(f"{base}/carnets/{carnet.uuid}/").status == 200

    # La personne, sur son téléphone : de « Qui voit mon carnet » à l'opposition au partage.
    page = ouvrir(mobile=True)
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", compte.identifiant)
    page.fill("input[name=password]", MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Maïa")
    page.goto(f"{base}/mon-espace/partages/")
    expect(page.locator("main")).to_contain_text(france_travail.nom)
    page.get_by_role("link", name="Faire une demande d'opposition").click()
    page.get_by_role("link", name="m'opposer au partage de mon carnet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("M'opposer au partage de mon carnet")
    expect(page.locator("main")).to_contain_text(departement.nom)
    controler(page, "opposition-partage")
    page.get_by_role("button", name="Je m'oppose au partage de mon carnet").click()
    expect(page.locator("main")).to_contain_text(
        f"Opposition enregistrée : seule « {departement.nom} » voit désormais le carnet."
    )
    expect(page.get_by_role("button", name="Lever l'opposition")).to_be_visible()
    controler(page, "opposition-partage-enregistree")
    opposition = OppositionPartage.objects.get(carnet=carnet)
    assert opposition.par_la_personne and opposition.organisation == departement

    # Le conseiller partenaire ne voit plus le carnet ; la référente, si.
    reponse = partenaire.goto(f"{base}/carnets/{carnet.uuid}/")
    assert reponse.status == 404
    expect(partenaire.get_by_role("heading", level=1)).to_contain_text(re.compile("introuvable|404", re.IGNORECASE))
    assert pro.goto(f"{base}/carnets/{carnet.uuid}/?onglet=historique").status == 200
    expect(pro.locator("main")).to_contain_text("Opposition de la personne au partage du carnet")

    # « Qui a consulté mon carnet » : la référente, et ce qu'elle a vu de sensible.
    page.goto(f"{base}/mon-espace/consultations/")
    consultations = page.locator("main")
    expect(consultations).to_contain_text("Claire Duprat")
    expect(consultations).to_contain_text("Marc Labat")
    expect(consultations).to_contain_text(
        "A vu des informations sensibles : votre reconnaissance de travailleur handicapé (RQTH)"
    )
    # Chaque carte se lit dans l'ordre : le jour et le nom d'abord, puis ce qui a été regardé.
    carte = page.locator("#consultations li").first
    titre, detail = carte.locator("h2").bounding_box(), carte.get_by_text("A regardé").bounding_box()
    assert titre["y"] < detail["y"], "le détail de la consultation s'affiche au-dessus de son titre"
    controler(page, "consultations-sensibles")
