"""Le flux des orientations, exporté : JSON valide pour le schéma livré, CSV à colonnes fixes, la page de
téléchargement des pilotes et la commande de transmission aux comités."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker

from gouvernance.besoins import flux
from parcours.models import Statut
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques_pilotage as f

URL = reverse("gouvernance:flux_orientations")
EXPORT = reverse("gouvernance:flux_orientations_export")


@pytest.fixture
def landes(db):
    departement = OrganisationFactory(nom="Département des Landes", departement="40")
    association = OrganisationFactory(nom="Association A", type="association", departement="40")
    pilote = membre(departement, Role.PILOTE).utilisateur

    def decisions(nombre, le, *, organisme=association, reception=None):
        for _ in range(nombre):
            carnet = f.carnet(departement, pilote)
            f.statut(carnet, pilote, Statut.Type.DROIT_RSA, "ouvert_versable", date(2020, 1, 1))
            f.decision(carnet, pilote, departement, reception=reception or le, le=le, organisme=organisme)

    return {"departement": departement, "association": association, "pilote": pilote, "decisions": decisions}


def valider(donnees):
    Draft202012Validator(flux.schema(), format_checker=FormatChecker()).validate(donnees)


def test_le_schema_est_un_schema_valide():
    Draft202012Validator.check_schema(flux.schema())


def test_json_valide_pour_le_schema(landes):
    # 6 décisions BRSA × emploi × A en 10 jours, 2 en 50 jours pour une autre association (secret).
    landes["decisions"](6, date(2026, 10, 11), reception=date(2026, 10, 1))
    autre = OrganisationFactory(nom="Association B", type="association", departement="40")
    landes["decisions"](2, date(2026, 10, 20), organisme=autre, reception=date(2026, 8, 31))
    donnees = json.loads(flux.exporter("40", flux.Mois(2026, 10), flux.JSON))
    valider(donnees)
    assert (donnees["schema_version"], donnees["departement"], donnees["mois"]) == ("2.0", "40", "2026-10")
    assert [ligne["organisme_referent_nom"] for ligne in donnees["lignes"]] == ["Association A", "Association B"]
    assert donnees["lignes"][0]["nombre_decisions"] == 5  # 6 → 5
    assert donnees["lignes"][0]["delai_orientation_median_jours"] == 10
    assert donnees["lignes"][0]["delai_accompagnement_median_jours"] is None  # aucun contrat
    assert donnees["lignes"][1]["nombre_decisions"] == "secret"
    assert donnees["lignes"][1]["nombre_orientees_6_semaines"] == 0  # 50 jours : hors délai


def test_un_flux_vide_est_valide(db):
    donnees = json.loads(flux.exporter("40", flux.Mois(2026, 10), flux.JSON))
    valider(donnees)
    assert donnees["lignes"] == []


def test_le_schema_refuse_un_effectif_non_arrondi(landes):
    landes["decisions"](6, date(2026, 10, 11))
    donnees = json.loads(flux.exporter("40", flux.Mois(2026, 10), flux.JSON))
    donnees["lignes"][0]["nombre_decisions"] = 6
    with pytest.raises(Exception, match="secret"):
        valider(donnees)


def test_csv_colonnes_fixes(landes):
    landes["decisions"](6, date(2026, 10, 11), reception=date(2026, 10, 1))
    contenu = flux.exporter("40", flux.Mois(2026, 10), flux.CSV)
    assert contenu.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == flux.COLONNES
    assert lignes[1] == [
        "40",
        "2026-10",
        "emploi",
        landes["association"].siret,
        "Association A",
        "brsa",
        "premiere_orientation",
        "5",  # 6 décisions
        "5",  # 6 dans les 6 semaines
        "10",
        "0",
        "0",
        "0",
        "",  # pas de contrat : pas de médiane
    ]


def test_csv_virgule_decimale():
    assert flux._cellule(10.5) == "10,5"
    assert (flux._cellule(None), flux._cellule("secret"), flux._cellule(0)) == ("", "secret", "0")


# --- La commande --------------------------------------------------------------------------------------------


def test_commande_json(landes, tmp_path):
    landes["decisions"](5, date(2026, 10, 31))
    sortie = tmp_path / "flux.json"
    call_command(
        "exporter_flux_orientations", "--departement", "40", "--mois", "2026-10", "--format", "json", "--sortie", sortie
    )
    donnees = json.loads(sortie.read_text(encoding="utf-8"))
    valider(donnees)
    assert donnees["lignes"][0]["nombre_decisions"] == 5


def test_commande_csv_sur_la_sortie_standard(landes):
    landes["decisions"](5, date(2026, 10, 1))
    sortie = io.StringIO()
    call_command(
        "exporter_flux_orientations", "--departement", "40", "--mois", "2026-10", "--format", "csv", stdout=sortie
    )
    lignes = list(csv.reader(io.StringIO(sortie.getvalue().lstrip("\ufeff")), delimiter=";"))
    assert lignes[0] == flux.COLONNES and lignes[1][7] == "5"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--departement", "40", "--mois", "2026-13"], "Indiquez un mois au format AAAA-MM"),
        (["--departement", "99", "--mois", "2026-10"], "Département inconnu : « 99 »."),
    ],
)
def test_commande_erreurs_en_francais(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("exporter_flux_orientations", *arguments)


# --- La page des pilotes ------------------------------------------------------------------------------------


def test_page_mois_precedent_par_defaut(client, connecter, landes):
    mois = flux.Mois.precedent()
    landes["decisions"](5, mois.premier_jour)
    reponse = connecter(landes["pilote"]).get(URL)
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert f'value="{mois}"' in contenu
    assert "Association A" in contenu and "Bénéficiaires du RSA (droit ouvert)" in contenu
    assert f"?territoire=40&amp;mois={mois}&amp;format=csv" in contenu


def test_page_mois_invalide(client, connecter, landes):
    reponse = connecter(landes["pilote"]).get(URL, {"mois": "2026-13"})
    assert reponse.status_code == 400
    assert "Indiquez un mois au format AAAA-MM (par exemple 2026-10)." in reponse.content.decode()
    assert connecter(landes["pilote"]).get(EXPORT, {"mois": "octobre"}).status_code == 400


def test_page_mois_hors_des_annees_bornees(client, connecter, landes):
    # 9999-12 faisait une erreur serveur (l'an 10000) sur la page comme sur l'export (revue, point 10).
    reponse = connecter(landes["pilote"]).get(URL, {"mois": "9999-12"})
    assert reponse.status_code == 400
    assert "Choisissez un mois entre 2000-01 et 2100-12." in reponse.content.decode()
    assert connecter(landes["pilote"]).get(EXPORT, {"mois": "9999-12", "format": "json"}).status_code == 400


def test_sans_territoire_du_pilotage_404(client, connecter, landes):
    professionnel = membre(landes["departement"], Role.PROFESSIONNEL).utilisateur
    assert connecter(professionnel).get(URL).status_code == 404
    assert connecter(professionnel).get(EXPORT).status_code == 404


def test_un_autre_territoire_est_refuse(client, connecter, landes):
    reponse = connecter(landes["pilote"]).get(EXPORT, {"territoire": "33", "mois": "2026-10"})
    assert reponse.status_code == 400


@pytest.mark.parametrize(("format_", "type_mime"), [("json", "application/json"), ("csv", "text/csv; charset=utf-8")])
def test_telechargement(client, connecter, landes, format_, type_mime):
    landes["decisions"](5, date(2026, 10, 15))
    reponse = connecter(landes["pilote"]).get(EXPORT, {"territoire": "40", "mois": "2026-10", "format": format_})
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == type_mime
    assert reponse["Content-Disposition"] == f'attachment; filename="flux-orientations-40-2026-10.{format_}"'
    if format_ == "json":
        valider(json.loads(reponse.content))


@pytest.mark.parametrize("nombre", [1, 30])
def test_nombre_de_requetes_borne(client, connecter, landes, django_assert_num_queries, nombre):
    # Une ligne par organisme référent : 1 ou 30 lignes.
    for numero in range(nombre):
        organisme = OrganisationFactory(nom=f"Association {numero:02d}", type="association", departement="40")
        landes["decisions"](1, date(2026, 10, 15), organisme=organisme)
    connecter(landes["pilote"])
    # Session, utilisateur, appartenances, second facteur (4), territoires du pilotage (2), décisions, statuts,
    # contrats (3), menu (1).
    with django_assert_num_queries(10):
        reponse = client.get(URL, {"territoire": "40", "mois": "2026-10"})
    assert len(reponse.context["lignes"]) == nombre
