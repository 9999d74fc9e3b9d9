"""Parcours de la gouvernance : le secrétaire prépare la séance du comité départemental pour l'emploi, les deux
co-présidents valident l'ordre du jour, la convocation part par courriel avec l'ordre du jour en PDF ; le jour
venu, le secrétaire note les présences (un pouvoir), le quorum s'affiche, un vote partagé est départagé par la voix
prépondérante du préfet, une décision est confiée à la CAF ; la séance est clôturée et son compte rendu archivé par
le worker. Une professionnelle de la CAF, sur son téléphone, lit la décision et télécharge le compte rendu ; une
organisation qui ne siège pas ne voit rien."""

import io
import re
import time
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from gouvernance.models import Seance
from tests.e2e.outils import menu, se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.gouvernance import fabriques
from tests.outils import activer_totp

DEPARTEMENT = "47"  # un territoire à lui : un seul consortium par département


def _connecte(ouvrir, base, utilisateur, *, mobile=False):
    page = ouvrir(mobile=mobile)
    se_connecter(page, base, utilisateur.email, MOT_DE_PASSE, activer_totp(utilisateur))
    return page


def _attendre_courriel(boite_mail, destinataire, secondes=60) -> str:
    limite = time.monotonic() + secondes
    while time.monotonic() < limite:
        for fichier in boite_mail.iterdir():
            contenu = fichier.read_text(encoding="utf-8", errors="replace")
            if f"To: {destinataire}" in contenu and "Convocation" in contenu:
                return contenu
        time.sleep(0.5)
    raise AssertionError(f"aucune convocation pour {destinataire} en {secondes} s")


def test_une_seance_du_comite_de_la_convocation_au_compte_rendu(base, ouvrir, controler, boite_mail):
    equipe = fabriques.equipe_comite(departement=DEPARTEMENT)
    fiche = fabriques.fiche(equipe.consortium, equipe.departement, titre="Plateforme mobilité du Lot-et-Garonne")
    etrangere = membre(OrganisationFactory(nom="Association sans siège", departement=DEPARTEMENT)).utilisateur

    # Le secrétaire prépare la séance depuis le menu « Comités ».
    secretaire = _connecte(ouvrir, base, equipe.secretaire)
    menu(secretaire, "Comités").click()
    controler(secretaire, "comites")
    secretaire.get_by_role("link", name="Comité départemental pour l'emploi").first.click()
    controler(secretaire, "comite")
    secretaire.get_by_role("link", name="Nouvelle séance").click()
    quand = timezone.localtime(timezone.now() + timedelta(days=10)).replace(hour=14, minute=0)
    secretaire.get_by_label("Date et heure").fill(quand.strftime("%Y-%m-%dT%H:%M"))
    secretaire.locator("#id_lieu").fill("Hôtel du Département, Agen")
    secretaire.get_by_role("button", name=re.compile("Enregistrer|Créer")).click()
    expect(secretaire.get_by_role("heading", level=1)).to_contain_text("Séance du")
    secretaire.get_by_role("link", name="Ajouter un point").click()
    secretaire.get_by_label("Intitulé").fill("Extension de la plateforme mobilité")
    secretaire.get_by_label("Type").select_option("deliberation")
    secretaire.get_by_label("Fiche action liée").select_option(label=f"Fiche {fiche.numero} — {fiche.titre}")
    secretaire.get_by_role("button", name=re.compile("Enregistrer|Ajouter")).click()
    expect(secretaire.get_by_text("Extension de la plateforme mobilité").first).to_be_visible()
    controler(secretaire, "seance-en-preparation")
    url_seance = secretaire.url.split("#")[0]

    # Les deux co-présidents valident l'ordre du jour.
    for copresident in (equipe.prefet, equipe.president):
        page = _connecte(ouvrir, base, copresident)
        page.goto(url_seance)
        page.get_by_role("button", name="Valider l'ordre du jour").click()
        expect(page.get_by_text(re.compile("validé", re.IGNORECASE)).first).to_be_visible()
    controler(page, "ordre-du-jour-valide")

    # La convocation part : chaque titulaire et suppléant reçoit l'ordre du jour en PDF.
    secretaire.goto(url_seance)
    secretaire.get_by_role("button", name="Envoyer la convocation").click()
    expect(secretaire.get_by_text(re.compile("Convocation envoyée")).first).to_be_visible()
    courriel = _attendre_courriel(boite_mail, equipe.mandats.caf.email)
    assert "application/pdf" in courriel and "Extension de la plateforme mobilité" in courriel

    # Le jour venu (la séance est avancée à maintenant : le parcours n'attend pas dix jours), le secrétaire note
    # les présences, ici sans JavaScript (le simple formulaire) : la commune donne pouvoir à la CAF, la mission
    # locale est excusée.
    uuid_seance = re.search(r"/seances/([0-9a-f-]{36})/", url_seance).group(1)
    Seance.objects.filter(uuid=uuid_seance).update(date=timezone.now() - timedelta(minutes=10))
    sans_js = ouvrir(js=False)
    sans_js.context.add_cookies(secretaire.context.cookies())  # la même session (un code TOTP ne sert qu'une fois)
    sans_js.goto(url_seance)
    sans_js.get_by_role("link", name="Noter les présences").click()
    sieges = equipe.sieges
    for siege in (sieges.etat, sieges.departement, sieges.caf, sieges.france_travail):
        sans_js.locator(f"select[name='siege-{siege.uuid}-statut']").select_option("present")
    sans_js.locator(f"select[name='siege-{sieges.commune.uuid}-statut']").select_option("represente")
    sans_js.locator(f"select[name='siege-{sieges.commune.uuid}-pouvoir']").select_option(str(sieges.caf.uuid))
    sans_js.locator(f"select[name='siege-{sieges.mission_locale.uuid}-statut']").select_option("excuse")
    sans_js.get_by_role("button", name="Enregistrer les présences").click()
    expect(sans_js.get_by_text(re.compile("Présences enregistrées")).first).to_be_visible()
    expect(sans_js.get_by_text(re.compile("quorum.*atteint", re.IGNORECASE)).first).to_be_visible()
    controler(sans_js, "presences-sans-js")

    # Le vote est partagé (État et Département pour, CAF et commune par son pouvoir contre) : la voix prépondérante
    # du préfet l'emporte.
    secretaire.goto(url_seance)
    expect(secretaire.get_by_text(re.compile("quorum.*atteint", re.IGNORECASE)).first).to_be_visible()
    secretaire.get_by_role("link", name=re.compile("Voter|Décider|vote", re.IGNORECASE)).first.click()
    for siege, choix in (
        (sieges.etat, "pour"),
        (sieges.departement, "pour"),
        (sieges.caf, "contre"),
        (sieges.commune, "contre"),
    ):
        secretaire.locator(f"input[name='siege-{siege.uuid}-vote'][value='{choix}']").check(force=True)
    controler(secretaire, "vote")
    secretaire.get_by_role("button", name="Enregistrer").click()
    expect(secretaire.get_by_text(re.compile("voix prépondérante", re.IGNORECASE)).first).to_be_visible()
    expect(secretaire.get_by_text(re.compile("Adoptée", re.IGNORECASE)).first).to_be_visible()

    # La décision est confiée à la CAF.
    secretaire.get_by_role("link", name="Ajouter une décision").first.click()
    secretaire.get_by_label("Décision").fill("Étendre la plateforme mobilité au Marmandais avant l'été.")
    secretaire.get_by_label("Organisation responsable").select_option(label="CAF des Landes")
    secretaire.get_by_label("Échéance").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    secretaire.get_by_role("button", name="Enregistrer la décision").click()
    expect(secretaire.get_by_text("Étendre la plateforme mobilité au Marmandais avant l'été.").first).to_be_visible()
    controler(secretaire, "seance-tenue")

    # Clôture : la séance est figée, le worker archive le compte rendu.
    secretaire.get_by_role("button", name="Clôturer la séance").click()
    expect(secretaire.get_by_text(re.compile("clôturée", re.IGNORECASE)).first).to_be_visible()
    lien = secretaire.get_by_role("link", name="Télécharger le compte rendu (PDF)")
    limite = time.monotonic() + 90
    while not lien.count() and time.monotonic() < limite:
        time.sleep(1)
        secretaire.reload()
    expect(lien).to_be_visible()
    controler(secretaire, "seance-cloturee")

    # Une professionnelle de la CAF, sur son téléphone, lit la décision et télécharge le compte rendu.
    caf = _connecte(ouvrir, base, equipe.professionnel_caf, mobile=True)
    caf.goto(f"{base}/gouvernance/")
    caf.get_by_role("link", name="Comité départemental pour l'emploi").first.click()
    expect(caf.get_by_text("Étendre la plateforme mobilité au Marmandais avant l'été.").first).to_be_visible()
    caf.goto(url_seance)
    controler(caf, "seance-cloturee-telephone")
    with caf.expect_download() as telechargement:
        caf.get_by_role("link", name="Télécharger le compte rendu (PDF)").click()
    with open(telechargement.value.path(), "rb") as fichier:
        texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(fichier.read())).pages)
    texte = re.sub(r"\s+", " ", texte)
    assert "Extension de la plateforme mobilité" in texte
    assert "Étendre la plateforme mobilité au Marmandais" in texte
    assert re.search("voix prépondérante", texte, re.IGNORECASE)

    # Une organisation qui ne siège pas ne voit ni le comité ni la séance.
    dehors = _connecte(ouvrir, base, etrangere)
    reponse = dehors.goto(url_seance)
    assert reponse.status == 404
    dehors.goto(f"{base}/gouvernance/")
    expect(dehors.get_by_text(re.compile("Aucun comité", re.IGNORECASE)).first).to_be_visible()
