"""La conférence des financeurs : les sommes par financeur et par thème × financeur, sur le jeu connu des Landes
(SPIE 2021-2022 : 446 000 € dont État 356 800 € et Département 89 200 € ; PTI : 2 431 400 € du Département et
830 000 € de FSE), exactes au centime, filtrées par année et par programme, et leurs exports CSV et XLSX relus."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gouvernance.choix import Financeur, Programme, Theme
from gouvernance.plan import financeurs
from tests.factories import OrganisationFactory
from tests.gouvernance import fabriques


@pytest.fixture
def landes(db):
    equipe = fabriques.equipe_comite()
    spie = fabriques.fiche(
        equipe.consortium, equipe.departement, titre="Accompagnement global", theme=Theme.EMPLOI, programme="spie"
    )
    for annee, engage_etat, depense_etat, engage_dep, depense_dep in [
        (2021, "178400", "150000", "44600", "44600"),
        (2022, "100000", "20000", "0", "0"),
    ]:
        fabriques.ligne_budget(spie, Financeur.ETAT, annee, "178400", engage_etat, depense_etat)
        fabriques.ligne_budget(spie, Financeur.DEPARTEMENT, annee, "44600", engage_dep, depense_dep)
    pti = fabriques.fiche(
        equipe.consortium,
        equipe.departement,
        titre="Pacte territorial d'insertion",
        theme=Theme.LUTTE_EXCLUSION,
        programme=Programme.PTI,
    )
    fabriques.ligne_budget(pti, Financeur.DEPARTEMENT, 2022, "2431400", "2000000", "1500000")
    fabriques.ligne_budget(pti, Financeur.FSE, 2022, "830000", "830000", "400000")
    # Un autre consortium : ses lignes ne comptent pas.
    gironde = OrganisationFactory(nom="Département de la Gironde", departement="33")
    fabriques.ligne_budget(
        fabriques.fiche(fabriques.consortium(gironde), gironde), Financeur.ETAT, 2022, "999999", "999999"
    )
    return equipe


def sommes(conference) -> dict:
    return {
        ligne.code: (ligne.montants.prevu, ligne.montants.engage, ligne.montants.depense)
        for ligne in conference.par_financeur
    }


def d(texte: str) -> Decimal:
    return Decimal(texte)


# --- Les sommes ----------------------------------------------------------------------------------


def test_les_sommes_par_financeur_sur_le_jeu_des_landes(landes, django_assert_num_queries):
    with django_assert_num_queries(2):
        conference = financeurs.conference(landes.consortium)
    assert sommes(conference) == {
        "etat": (d("356800.00"), d("278400.00"), d("170000.00")),
        "departement": (d("2520600.00"), d("2044600.00"), d("1544600.00")),
        "fse": (d("830000.00"), d("830000.00"), d("400000.00")),
        "region": (d("0.00"), d("0.00"), d("0.00")),
        "autre": (d("0.00"), d("0.00"), d("0.00")),
    }
    assert (conference.total.prevu, conference.total.engage, conference.total.depense) == (
        d("3707400.00"),
        d("3153000.00"),
        d("2114600.00"),
    )
    etat, _, fse, region, _ = conference.par_financeur
    assert (etat.montants.taux_engagement, etat.montants.taux_consommation) == (d("78.0"), d("47.6"))
    assert (fse.montants.taux_engagement, fse.montants.taux_consommation) == (d("100.0"), d("48.2"))
    assert region.montants.taux_engagement is None  # rien de prévu : pas de taux


def test_le_programme_spie_fait_446_000_euros_dont_etat_et_departement(landes):
    conference = financeurs.conference(landes.consortium, programme=Programme.SPIE)
    assert conference.total.prevu == d("446000.00")
    assert sommes(conference)["etat"][0] == d("356800.00")
    assert sommes(conference)["departement"][0] == d("89200.00")
    pti = financeurs.conference(landes.consortium, programme=Programme.PTI)
    assert (sommes(pti)["departement"][0], sommes(pti)["fse"][0], pti.total.prevu) == (
        d("2431400.00"),
        d("830000.00"),
        d("3261400.00"),
    )


def test_le_filtre_par_annee(landes):
    conference = financeurs.conference(landes.consortium, annee=2021)
    assert conference.total.prevu == d("223000.00")
    assert [ligne.libelle for ligne in conference.par_theme] == ["Emploi"]
    assert financeurs.annees_du_consortium(landes.consortium) == [2022, 2021]


def test_les_sommes_par_theme_et_par_financeur(landes):
    conference = financeurs.conference(landes.consortium)
    assert [(theme.libelle, theme.total.prevu) for theme in conference.par_theme] == [
        ("Emploi", d("446000.00")),
        ("Lutte contre l'exclusion", d("3261400.00")),
    ]
    emploi, exclusion = conference.par_theme
    assert [(ligne.code, ligne.montants.prevu) for ligne in emploi.financeurs_presents] == [
        ("etat", d("356800.00")),
        ("departement", d("89200.00")),
    ]
    assert [(ligne.code, ligne.montants.engage) for ligne in exclusion.financeurs_presents] == [
        ("departement", d("2000000.00")),
        ("fse", d("830000.00")),
    ]


def test_les_totaux_sont_exacts_au_centime(db):
    equipe = fabriques.equipe_comite()
    for numero, (prevu, financeur) in enumerate(
        [("0.10", Financeur.ETAT), ("0.20", Financeur.ETAT), ("0.05", Financeur.REGION)]
        + [("9999999999.99", Financeur.AUTRE)] * 3
    ):
        fiche = fabriques.fiche(equipe.consortium, equipe.caf, titre=f"Fiche {numero}")
        fabriques.ligne_budget(fiche, financeur, 2026, prevu, precision_financeur="CAF" if financeur == "autre" else "")
    conference = financeurs.conference(equipe.consortium)
    assert sommes(conference)["etat"][0] == d("0.30")
    assert sommes(conference)["autre"][0] == d("29999999999.97")
    assert conference.total.prevu == d("30000000000.32")


# --- La page -------------------------------------------------------------------------------------


def test_la_page_montre_les_sommes_filtrees(client, connecter, landes):
    connecter(landes.professionnel_caf)
    url = reverse("gouvernance:financeurs", args=[landes.consortium.uuid])
    page = client.get(url).content.decode()
    for texte in ["3\xa0707\xa0400,00 €", "2\xa0520\xa0600,00 €", "78,0 %", "Lutte contre l&#x27;exclusion"]:
        assert texte in page, texte
    page = client.get(url, {"programme": "spie", "annee": "2021"}).content.decode()
    assert "223\xa0000,00 €" in page and "2\xa0520\xa0600,00 €" not in page
    assert f"{reverse('gouvernance:financeurs_export', args=[landes.consortium.uuid])}?format=xlsx&amp;" in page


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_page_se_calcule_en_un_nombre_fixe_de_requetes(client, connecter, django_assert_num_queries, db, nombre):
    equipe = fabriques.equipe_comite()
    for numero in range(nombre):
        fiche = fabriques.fiche(equipe.consortium, equipe.caf, titre=f"Fiche {numero}", theme=list(Theme)[numero % 6])
        fabriques.ligne_budget(fiche, Financeur.ETAT, 2026)
        fabriques.ligne_budget(fiche, Financeur.FSE, 2027)
    connecter(equipe.pilote)
    url = reverse("gouvernance:financeurs", args=[equipe.consortium.uuid])
    client.get(url)
    with django_assert_num_queries(10):
        reponse = client.get(url, {"annee": "2026"})
    assert reponse.context["conference"].total.prevu == d("10000.00") * nombre


# --- Les exports ---------------------------------------------------------------------------------


def exporter(client, consortium, **parametres):
    return client.get(reverse("gouvernance:financeurs_export", args=[consortium.uuid]), parametres)


def test_l_export_csv_se_relit_dans_un_tableur_francais(client, connecter, landes):
    connecter(landes.pilote)
    reponse = exporter(client, landes.consortium, format="csv")
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == 'attachment; filename="conference-financeurs-40.csv"'
    assert reponse.content.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == financeurs.COLONNES
    par_cle = {(ligne[0], ligne[1]): ligne[2:] for ligne in lignes[1:]}
    assert par_cle[("Tous les thèmes", "État")] == ["356800,00", "278400,00", "170000,00", "78,0", "47,6"]
    assert par_cle[("Tous les thèmes", "Région")] == ["0,00", "0,00", "0,00", "", ""]
    assert par_cle[("Tous les thèmes", "Total")][:3] == ["3707400,00", "3153000,00", "2114600,00"]
    assert par_cle[("Emploi", "Total")][0] == "446000,00"
    assert par_cle[("Lutte contre l'exclusion", "FSE")][0] == "830000,00"
    assert ("Emploi", "FSE") not in par_cle  # un thème ne montre que ses financeurs
    total_des_financeurs = sum(
        Decimal(valeurs[0].replace(",", "."))
        for (theme, financeur), valeurs in par_cle.items()
        if theme == "Tous les thèmes" and financeur != "Total"
    )
    assert total_des_financeurs == Decimal("3707400.00")


def test_l_export_suit_les_filtres(client, connecter, landes):
    connecter(landes.secretaire)
    reponse = exporter(client, landes.consortium, programme="spie")
    assert reponse["Content-Disposition"] == 'attachment; filename="conference-financeurs-40-spie.csv"'
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    total = next(ligne for ligne in lignes if ligne[:2] == ["Tous les thèmes", "Total"])
    assert total[2] == "446000,00"


def test_l_export_xlsx_se_rouvre_avec_des_montants_numeriques_en_euros(client, connecter, landes):
    connecter(landes.pilote)
    reponse = exporter(client, landes.consortium, format="xlsx", annee="2022")
    assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert reponse["Content-Disposition"] == 'attachment; filename="conference-financeurs-40-2022.xlsx"'
    classeur = load_workbook(io.BytesIO(reponse.content))
    assert classeur.sheetnames == ["Par financeur", "Par thème"]
    feuille = classeur["Par financeur"]
    assert feuille["A1"].value == "Conférence des financeurs — Consortium SPIE des Landes"
    assert feuille["A2"].value == "Année 2022 · tous programmes"
    assert [cellule.value for cellule in feuille[4]] == [
        "Financeur",
        "Prévu",
        "Engagé",
        "Dépensé",
        "Taux d'engagement",
        "Taux de consommation",
    ]
    rangees = {rangee[0].value: rangee for rangee in feuille.iter_rows(min_row=5)}
    etat = rangees["État"]
    assert [etat[1].value, etat[2].value, etat[3].value] == [178400, 100000, 20000]
    assert all("€" in cellule.number_format for cellule in etat[1:4])
    assert etat[4].value == pytest.approx(0.561) and etat[4].number_format == financeurs.FORMAT_TAUX
    assert rangees["Région"][4].value is None
    total = rangees["Total"]
    assert total[1].value == 178400 + 44600 + 2431400 + 830000 and total[0].font.bold
    themes = classeur["Par thème"]
    lignes = [[cellule.value for cellule in rangee[:3]] for rangee in themes.iter_rows(min_row=5)]
    assert ["Lutte contre l'exclusion", "Département", 2431400] in lignes
    assert ["Emploi", "Total", 223000] in lignes


def test_un_format_inconnu_est_refuse(client, connecter, landes):
    connecter(landes.pilote)
    assert exporter(client, landes.consortium, format="pdf").status_code == 400
