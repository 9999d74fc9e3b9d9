"""Lectures des sections sensibles (issue 11, « Audit ») : chaque consultation dit, dans sa ligne du journal, les
sections sensibles (RQTH, santé et handicap du diagnostic) que la page a montrées ; une seule ligne par lecture ; rien
pour un lecteur à qui elles sont masquées ; la personne le voit dans son espace."""

from datetime import date

import pytest
from django.urls import reverse

from parcours import services
from parcours.models import ConsultationCarnet, Statut
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.espace_fabriques import ouvrir_espace

pytestmark = pytest.mark.django_db


@pytest.fixture
def departement():
    return OrganisationFactory(nom="Département des Landes")


@pytest.fixture
def referente(departement):
    return membre(departement, Role.PROFESSIONNEL, prenom="Claire", nom="Duprat").utilisateur


@pytest.fixture
def collegue(departement):
    """Voit le carnet (son organisation le suit) mais n'en est pas intervenante : santé et RQTH lui sont masquées."""
    return membre(departement, Role.PROFESSIONNEL, prenom="Paul", nom="Bordes").utilisateur


@pytest.fixture
def carnet(referente, departement):
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Lalanne", prenom="Inès", date_naissance=date(1988, 5, 3)
    )
    services.changer_statut(carnet, acteur=referente, type=Statut.Type.RQTH, valeur="oui", date_debut=date(2025, 1, 2))
    return carnet


@pytest.fixture
def diagnostic(carnet, referente):
    return diagnostic_valide(carnet, referente)


def _onglet(onglet):
    return lambda c, d: f"{reverse('parcours:carnet', args=[c.uuid])}?onglet={onglet}"


# Page, onglet journalisé, sections montrées à une intervenante (la référente).
PAGES = {
    "onglet situation": (_onglet("situation"), "situation", "rqth"),
    "onglet historique": (_onglet("historique"), "historique", "rqth"),
    "onglet diagnostic": (_onglet("diagnostic"), "diagnostic", "rqth,sante"),
    "impression du carnet": (lambda c, d: reverse("parcours:carnet_imprimer", args=[c.uuid]), "impression", "rqth"),
    "version du diagnostic": (
        lambda c, d: reverse("parcours:diagnostic", args=[c.uuid, d.uuid]),
        "diagnostic",
        "rqth,sante",
    ),
    "impression du diagnostic": (
        lambda c, d: reverse("parcours:diagnostic_imprimer", args=[c.uuid, d.uuid]),
        "diagnostic_impression",
        "sante",
    ),
    "PDF du diagnostic": (
        lambda c, d: reverse("parcours:diagnostic_pdf", args=[c.uuid, d.uuid]),
        "diagnostic_pdf",
        "sante",
    ),
    "espace personnel (côté professionnel)": (
        lambda c, d: reverse("parcours:espace_gerer", args=[c.uuid]),
        "espace",
        "",
    ),
}


def _lire(client, connecter, utilisateur, adresse):
    connecter(utilisateur)
    avant = ConsultationCarnet.objects.count()
    reponse = client.get(adresse)
    assert reponse.status_code in (200, 302)
    return [
        (c.utilisateur_id, c.onglet, c.sections_sensibles) for c in ConsultationCarnet.objects.order_by("id")[avant:]
    ]


@pytest.mark.parametrize("page", PAGES)
def test_une_intervenante_qui_voit_les_sections_sensibles_a_une_ligne_qui_les_nomme(
    page, carnet, diagnostic, referente, client, connecter
):
    adresse, onglet, sections = PAGES[page]
    assert _lire(client, connecter, referente, adresse(carnet, diagnostic)) == [(referente.pk, onglet, sections)]


@pytest.mark.parametrize("page", PAGES)
def test_un_lecteur_a_qui_elles_sont_masquees_a_une_ligne_sans_section_sensible(
    page, carnet, diagnostic, collegue, client, connecter
):
    adresse, onglet, _ = PAGES[page]
    if page == "espace personnel (côté professionnel)":
        pytest.skip("Page réservée aux intervenants du carnet.")
    assert _lire(client, connecter, collegue, adresse(carnet, diagnostic)) == [(collegue.pk, onglet, "")]


def test_la_page_masque_bien_ce_que_la_ligne_ne_nomme_pas(carnet, diagnostic, referente, collegue, client, connecter):
    """La ligne du journal dit vrai : la RQTH est sur la page de l'intervenante, pas sur celle du collègue."""
    adresse = _onglet("situation")(carnet, diagnostic)
    connecter(referente)
    assert "RQTH (travailleur handicapé) : Oui" in client.get(adresse).content.decode()
    connecter(collegue)
    contenu = client.get(adresse).content.decode()
    assert "RQTH (travailleur handicapé) : Oui" not in contenu
    assert "Donnée sensible, réservée aux intervenants du carnet" in contenu


def test_sans_rqth_ni_diagnostic_la_ligne_ne_nomme_rien(referente, departement, client, connecter):
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Dupin", prenom="Léo", date_naissance=date(1990, 1, 1)
    )
    assert _lire(client, connecter, referente, _onglet("diagnostic")(carnet, None)) == [
        (referente.pk, "diagnostic", "")
    ]


def test_la_personne_voit_dans_son_espace_qui_a_vu_ses_sections_sensibles(
    carnet, diagnostic, referente, collegue, client, connecter
):
    connecter(referente)
    client.get(_onglet("diagnostic")(carnet, diagnostic))
    connecter(collegue)
    client.get(_onglet("diagnostic")(carnet, diagnostic))
    compte = ouvrir_espace(carnet)
    connecter(compte)
    reponse = client.get(reverse("parcours:espace_consultations"))
    lignes = {ligne.nom: ligne.sensibles for ligne in reponse.context["lignes"]}
    assert lignes == {
        "Claire Duprat": [
            "votre reconnaissance de travailleur handicapé (RQTH)",
            "votre santé et votre handicap (diagnostic)",
        ],
        "Paul Bordes": [],
    }
    contenu = reponse.content.decode()
    assert contenu.count("A vu des informations sensibles :") == 1
    assert (
        "A vu des informations sensibles : votre reconnaissance de travailleur handicapé (RQTH), "
        "votre santé et votre handicap (diagnostic)." in contenu
    )


# --- Les pages d'orientation : la cotation « santé » et les besoins de santé du diagnostic ----------------------


@pytest.fixture
def landes():
    """Le territoire des tests d'orientation : la référente du CCAS suit le carnet ; son diagnostic validé cote la
    santé (besoin, impact fort). Une demande d'orientation attend dans la file du Département."""
    from tests.parcours.outils_orientation import territoire

    t = territoire()
    diagnostic_valide(t.carnet, t.referente, sante={"appreciation": "besoin", "impact": "fort"})
    t.demande = t.demander(date(2026, 1, 5))
    return t


def _lignes(client, connecter, utilisateur, adresse):
    return [(onglet, sections) for _, onglet, sections in _lire(client, connecter, utilisateur, adresse)]


def test_la_decision_d_orientation_consigne_la_sante_preremplie_pour_qui_la_voit(landes, client, connecter):
    """La chargée d'orientation intervenante voit la cotation « santé » préremplie depuis le diagnostic : sa ligne
    le dit. Un chargé d'orientation qui n'est pas intervenant ne la voit pas : sa ligne ne nomme rien."""
    t = landes
    services.ajouter_intervenant(t.carnet, acteur=t.referente, utilisateur=t.charge, organisation=t.departement)
    autre_charge = membre(t.departement, Role.CHARGE_ORIENTATION, prenom="Luc", nom="Darrigade").utilisateur
    adresse = reverse("parcours:orientation_decider", args=[t.demande.uuid])
    masquee = "Non préremplie : elle relève des données de santé"
    assert _lignes(client, connecter, t.charge, adresse) == [("decision_orientation", "sante")]
    assert masquee not in client.get(adresse).content.decode()
    assert _lignes(client, connecter, autre_charge, adresse) == [("decision_orientation", "")]
    assert masquee in client.get(adresse).content.decode()


def test_sans_cotation_de_la_sante_la_decision_ne_nomme_rien(client, connecter):
    from tests.parcours.outils_orientation import territoire

    t = territoire()
    diagnostic_valide(t.carnet, t.referente)  # santé et handicap « non abordés » : aucun impact
    demande = t.demander(date(2026, 1, 5))
    services.ajouter_intervenant(t.carnet, acteur=t.referente, utilisateur=t.charge, organisation=t.departement)
    adresse = reverse("parcours:orientation_decider", args=[demande.uuid])
    assert _lignes(client, connecter, t.charge, adresse) == [("decision_orientation", "")]


def test_l_onglet_orientation_consigne_la_sante_des_criteres_de_chaque_decision(landes, client, connecter):
    t = landes
    t.orienter(t.demande, criteres={"difficultes": {"sante": "fort", "logement": "moyen"}})
    adresse = _onglet("orientation")(t.carnet, None)
    assert _lignes(client, connecter, t.referente, adresse) == [("orientation", "sante")]
    assert "Santé : Fort" in client.get(adresse).content.decode()
    assert _lignes(client, connecter, t.collegue_ccas, adresse) == [("orientation", "")]
    contenu = client.get(adresse).content.decode()
    assert "Santé : Fort" not in contenu and "Logement : Moyen" in contenu


def test_une_decision_sans_cotation_de_la_sante_ne_nomme_rien_dans_l_onglet(landes, client, connecter):
    t = landes
    t.orienter(t.demande, criteres={"difficultes": {"logement": "moyen"}})
    assert _lignes(client, connecter, t.referente, _onglet("orientation")(t.carnet, None)) == [("orientation", "")]


def test_la_recherche_d_un_service_consigne_le_besoin_de_sante_propose(landes, client, connecter):
    """La recherche propose les besoins du diagnostic : « Santé » à la référente (sa ligne le dit), pas à
    l'administratrice du CCAS, qui modifie le carnet sans en être intervenante."""
    t = landes
    administratrice = membre(t.ccas, Role.ADMINISTRATEUR, prenom="Anne", nom="Castaing").utilisateur
    adresse = reverse("parcours:carnet_offre", args=[t.carnet.uuid])
    assert _lignes(client, connecter, t.referente, adresse) == [("offre_recherche", "sante")]
    assert "Besoin : Santé" in client.get(adresse).content.decode()
    assert _lignes(client, connecter, administratrice, adresse) == [("offre_recherche", "")]
    assert "Besoin : Santé" not in client.get(adresse).content.decode()
