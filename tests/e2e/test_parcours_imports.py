"""Parcours d'un administrateur du Département : téléverser une liste de personnes, relier les colonnes (et garder la
correspondance), lire l'aperçu des erreurs produit par le worker, confirmer en n'important que les lignes valides,
télécharger le compte rendu ; puis la même attente sans JavaScript, par le lien « Actualiser »."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from parcours.models import Carnet, ImportPersonnes, Personne
from partenaires.choix import Role
from tests.e2e.outils import se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.outils import activer_totp


def _csv(referent: str, noms=("Lesbats", "Castaing"), nir="2 88 05 40 088 123 70") -> bytes:
    return "\r\n".join(
        [
            "NOM;Prénom;Date de naissance;NIR;CP;Ville;Courriel du référent;Droit RSA",
            f"{noms[0]};Inès;03/05/1988;{nir};40100;Dax;{referent};ouvert_versable",
            f"{noms[1]};Maëlle;23/08/1994;;40990;Herm;{referent};ouvert_suspendu",
            '=HYPERLINK("http://pirate.example");Paul;01/02/1979;;40100;Dax;;',
            "Lagarde;Jean;01/01/2999;;99999;Nulle-Part;;",
            f"{noms[0]};Inès;03/05/1988;;40100;Dax;;",
        ]
    ).encode("cp1252", errors="strict")


def _departement(suffixe: str, **personnes):
    """Chaque test a son Département et ses personnes (les données restent d'un test à l'autre, et une personne
    suivie par un autre Département ne s'importe pas) ; rend l'administrateur et le fichier."""
    departement = OrganisationFactory(nom=f"Département des Landes ({suffixe})", departement="40")
    admin = membre(departement, Role.ADMINISTRATEUR, email=f"admin.{suffixe}@landes.fr", prenom="Hélène", nom="Dufau")
    referent = f"ref.{suffixe}@landes.fr"
    membre(departement, Role.PROFESSIONNEL, email=referent, prenom="Claire", nom="Duprat")
    return admin.utilisateur, _csv(referent, **personnes)


def test_l_administrateur_importe_une_liste_et_lit_l_apercu_des_erreurs(base, ouvrir, controler):
    admin, fichier = _departement("import")
    secret = activer_totp(admin)
    page = ouvrir()
    se_connecter(page, base, admin.email, MOT_DE_PASSE, secret)
    page.goto(f"{base}/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports de personnes")
    controler(page, "imports-liste-vide")

    page.get_by_role("link", name="Nouvel import").click()
    page.get_by_label("Fichier des personnes").set_input_files(
        {"name": "beneficiaires-rsa.csv", "mimeType": "text/csv", "buffer": fichier}
    )
    controler(page, "imports-televerser")
    page.get_by_role("button", name="Lire le fichier").click()

    # Correspondance : les en-têtes reconnus sont déjà choisis (« NOM », « CP », « Ville », « Courriel du référent »).
    expect(page.get_by_role("heading", level=1)).to_have_text("Relier les colonnes du fichier")
    expect(page.get_by_text("(CSV, cp1252, séparateur point-virgule)")).to_be_visible()
    expect(page.locator("select[name=nom]")).to_have_value("NOM")
    expect(page.locator("select[name=code_postal]")).to_have_value("CP")
    expect(page.locator("select[name=commune]")).to_have_value("Ville")
    expect(page.locator("select[name=email_referent]")).to_have_value("Courriel du référent")
    page.locator("select[name=droit_rsa]").select_option("Droit RSA")
    page.get_by_label("Enregistrer cette correspondance sous le nom").fill("Liste CAF mensuelle")
    controler(page, "imports-correspondance")
    page.get_by_role("button", name="Analyser le fichier").click()

    # Le worker analyse ; la page d'attente se recharge d'elle-même sur l'aperçu.
    expect(page.get_by_role("heading", name="Aperçu : 2 lignes valides, 3 en erreur")).to_be_visible(timeout=60_000)
    tableau = page.locator(".spie-apercu-import table")
    expect(tableau).to_contain_text("Cellule refusée : elle commence par =, +, - ou @ (une formule de tableur).")
    expect(tableau).to_contain_text("La date de naissance est dans le futur.")
    expect(tableau).to_contain_text("Le code postal 99999 n'existe pas dans le référentiel des communes.")
    expect(tableau).to_contain_text("Doublon de la ligne 2 (mêmes nom, prénom et date de naissance).")
    controler(page, "imports-apercu-erreurs")
    assert not Personne.objects.filter(nom__in=["Lesbats", "Castaing"]).exists()  # rien n'est écrit avant

    # Confirmer sans choisir les lignes valides : refusé, rien n'est écrit.
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_text("3 lignes en erreur : corrigez le fichier")).to_be_visible()
    assert not Personne.objects.filter(nom__in=["Lesbats", "Castaing"]).exists()
    page.locator("label").filter(has_text=re.compile(r"^\s*N'importer que les lignes valides")).click()
    expect(page.get_by_label("N'importer que les lignes valides")).to_be_checked()
    page.get_by_role("button", name="Confirmer l'import").click()

    expect(page.get_by_role("heading", name="Import terminé")).to_be_visible(timeout=60_000)
    compte_rendu = page.locator("table").filter(has_text="Compte rendu")
    expect(compte_rendu.get_by_role("row", name=re.compile("Personnes créées"))).to_contain_text("2")
    expect(compte_rendu.get_by_role("row", name=re.compile("Lignes en erreur"))).to_contain_text("3")
    controler(page, "imports-compte-rendu")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger le compte rendu (CSV)").click()
    texte = Path(telechargement.value.path()).read_text(encoding="utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lignes[:3] == [["Ligne du fichier", "Résultat", "Erreurs"], ["2", "créée", ""], ["3", "créée", ""]]
    assert lignes[4] == [
        "5",
        "erreur (non importée)",
        "Date de naissance : La date de naissance est dans le futur. ; "
        "Code postal : Le code postal 99999 n'existe pas dans le référentiel des communes.",
    ]

    ines = Personne.objects.get(nom="Lesbats")
    assert ines.code_commune == "40088"
    assert ines.carnet.intervenants.get().utilisateur.email == "ref.import@landes.fr"
    assert Carnet.objects.filter(personne__nom__in=["Lesbats", "Castaing"]).count() == 2
    assert ImportPersonnes.objects.get(nom_fichier="beneficiaires-rsa.csv").fichier.name == ""


def test_sans_javascript_l_attente_se_suit_par_le_lien_actualiser(base, ouvrir, controler):
    admin, fichier = _departement("sans-js", noms=("Etcheverry", "Harguindeguy"), nir="")
    secret = activer_totp(admin)
    page = ouvrir(js=False)
    se_connecter(page, base, admin.email, MOT_DE_PASSE, secret)
    page.goto(f"{base}/imports/televerser/")
    page.get_by_label("Fichier des personnes").set_input_files(
        {"name": "liste.csv", "mimeType": "text/csv", "buffer": fichier}
    )
    page.get_by_role("button", name="Lire le fichier").click()
    page.get_by_role("button", name="Analyser le fichier").click()
    for tour in range(60):
        if not page.get_by_role("link", name="Actualiser").count():
            break
        if tour == 0:
            controler(page, "imports-attente-sans-js")
        page.get_by_role("link", name="Actualiser").click()
    expect(page.get_by_role("heading", name="Aperçu : 2 lignes valides, 3 en erreur")).to_be_visible()
    page.get_by_role("button", name="Abandonner cet import").last.click()
    expect(page.get_by_text("Import abandonné : rien n'a été importé et le fichier est supprimé.")).to_be_visible()
    controler(page, "imports-liste")
