"""La sentinelle dans le texte des PDF (issue 11) : le nom d'une personne suivie ailleurs n'apparaît dans aucun PDF
produit (compte rendu de séance, PDF du carnet remis à la personne, PDF du diagnostic). Le texte d'un PDF est
compressé : on le lit (pypdf) au lieu de chercher des octets. Les PDF sont produits en appelant la fonction de
production, comme le fait le worker."""

from datetime import date

import pytest

from gouvernance.comptes_rendus import documents as comptes_rendus
from parcours import services
from parcours.documents import diagnostic_pdf
from parcours.espace.exports import carnet_pdf
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance.test_comptes_rendus_decor import seance_tenue
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.espace_fabriques import ouvrir_espace
from tests.texte_pdf import pdf_contient, pdf_de_test, texte_pdf

pytestmark = pytest.mark.django_db

SENTINELLE = "Zorglubinski"


@pytest.fixture
def ailleurs():
    """Une personne suivie par une organisation que personne d'autre ne voit, avec un diagnostic validé."""
    organisation = OrganisationFactory(nom="Mission locale d'ailleurs")
    referente = membre(organisation, Role.PROFESSIONNEL).utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=organisation, nom=SENTINELLE, prenom="Zoé", date_naissance=date(1990, 2, 2)
    )
    diagnostic_valide(carnet, referente)
    return carnet


@pytest.fixture
def ici():
    organisation = OrganisationFactory(nom="Département des Landes")
    referente = membre(organisation, Role.PROFESSIONNEL).utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=organisation, nom="Lalanne", prenom="Inès", date_naissance=date(1988, 5, 3)
    )
    return carnet, referente, diagnostic_valide(carnet, referente)


def test_la_recherche_lit_le_texte_compresse_d_un_pdf():
    """Le contrôle : un PDF qui porte la sentinelle la montre au texte, pas aux octets bruts (flux compressés)."""
    pdf = pdf_de_test(f"Dossier de Zoé {SENTINELLE.upper()}")
    assert SENTINELLE.encode() not in pdf and SENTINELLE.upper().encode() not in pdf
    assert pdf_contient(pdf, SENTINELLE)
    assert not pdf_contient(pdf_de_test("Dossier de Inès Lalanne"), SENTINELLE)


def test_le_pdf_du_carnet_d_une_personne_ne_montre_que_la_sienne(ailleurs, ici):
    carnet, _, _ = ici
    pdf = carnet_pdf(ouvrir_espace(carnet), carnet=str(carnet.uuid))
    assert "Lalanne" in texte_pdf(pdf) or "LALANNE" in texte_pdf(pdf)
    assert not pdf_contient(pdf, SENTINELLE)
    # Contrôle : le PDF du carnet de la personne d'ailleurs, produit pour elle, porte bien son nom.
    assert pdf_contient(carnet_pdf(ouvrir_espace(ailleurs), carnet=str(ailleurs.uuid)), SENTINELLE)


def test_le_pdf_du_diagnostic_ne_montre_pas_la_personne_d_ailleurs(ailleurs, ici):
    carnet, referente, diagnostic = ici
    pdf = diagnostic_pdf(referente, carnet=str(carnet.uuid), diagnostic=str(diagnostic.uuid))
    assert pdf_contient(pdf, "Lalanne")
    assert not pdf_contient(pdf, SENTINELLE)


def test_le_compte_rendu_de_seance_ne_montre_pas_la_personne_d_ailleurs(ailleurs):
    decor = seance_tenue()
    for pdf in (comptes_rendus.pdf_compte_rendu(decor.seance), comptes_rendus.pdf_ordre_du_jour(decor.seance)):
        assert pdf_contient(pdf, "Comité départemental pour l'emploi")
        assert not pdf_contient(pdf, SENTINELLE)
