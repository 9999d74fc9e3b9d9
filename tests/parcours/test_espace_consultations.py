"""Espace personnel : la personne voit qui a consulté son carnet ces 12 derniers mois (organisation, nom et rôle du
professionnel, ce qu'il a regardé), une ligne par professionnel et par jour."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours import services as carnet_services
from parcours.espace import partage
from parcours.models import ConsultationCarnet
from partenaires.choix import Role, TypeOrganisation
from tests.factories import OrganisationFactory, membre
from tests.parcours import outils_orientation
from tests.parcours.espace_fabriques import ouvrir_espace

pytestmark = pytest.mark.django_db

URL = reverse("parcours:espace_consultations")
PARIS = ZoneInfo("Europe/Paris")
MAINTENANT = datetime(2026, 6, 15, 12, 0, tzinfo=PARIS)


@pytest.fixture
def t():
    with time_machine.travel(datetime(2025, 1, 6, 9, 0, tzinfo=PARIS), tick=False):
        territoire = outils_orientation.territoire()
        carnet_services.ajouter_intervenant(
            territoire.carnet,
            acteur=territoire.referente,
            utilisateur=territoire.conseiller,
            organisation=territoire.france_travail,
        )
        territoire.compte = ouvrir_espace(territoire.carnet)
    return territoire


def consulter(carnet, utilisateur, organisation, onglet, quand, lecteur=""):
    return ConsultationCarnet.objects.create(
        carnet=carnet, utilisateur=utilisateur, organisation=organisation, onglet=onglet, date=quand, lecteur=lecteur
    )


def page(client, connecter, t, **parametres):
    connecter(t.compte)
    with time_machine.travel(MAINTENANT, tick=False):
        reponse = client.get(URL, parametres)
    assert reponse.status_code == 200
    return reponse


def lignes(reponse):
    return reponse.context["lignes"]


def test_les_onglets_d_un_meme_professionnel_le_meme_jour_font_une_ligne(t, client, connecter):
    jour = datetime(2026, 6, 10, 9, 0, tzinfo=PARIS)
    for heure, onglet in enumerate(["situation", "plan", "situation", "rendez_vous"]):
        consulter(t.carnet, t.conseiller, t.france_travail, onglet, jour.replace(hour=9 + heure))
    consulter(t.carnet, t.conseiller, t.france_travail, "notes", datetime(2026, 6, 11, 9, 0, tzinfo=PARIS))
    consulter(t.carnet, t.referente, t.ccas, "diagnostic", jour.replace(hour=15))
    reponse = page(client, connecter, t)
    resultat = [(ligne.jour, ligne.nom, ligne.consulte) for ligne in lignes(reponse)]
    assert resultat == [
        (date(2026, 6, 11), "Marc Labat", ["les notes d'entretien"]),
        (date(2026, 6, 10), "Rose Lafitte", ["votre diagnostic"]),
        (date(2026, 6, 10), "Marc Labat", ["votre situation", "votre plan d'action", "vos rendez-vous"]),
    ]
    contenu = reponse.content.decode()
    assert "A regardé : votre situation, votre plan d&#x27;action, vos rendez-vous." in contenu


def test_le_jour_est_celui_de_l_heure_de_paris(t, client, connecter):
    # 23 h 30 à Paris le 9 juin, 21 h 30 UTC : une seule ligne avec la consultation de 8 h le 9 juin.
    consulter(t.carnet, t.conseiller, t.france_travail, "plan", datetime(2026, 6, 9, 8, 0, tzinfo=PARIS))
    consulter(t.carnet, t.conseiller, t.france_travail, "notes", datetime(2026, 6, 9, 23, 30, tzinfo=PARIS))
    resultat = lignes(page(client, connecter, t))
    assert [(ligne.jour, ligne.consulte) for ligne in resultat] == [
        (date(2026, 6, 9), ["votre plan d'action", "les notes d'entretien"])
    ]


def test_seuls_les_douze_derniers_mois_sont_montres(t, client, connecter):
    consulter(t.carnet, t.conseiller, t.france_travail, "plan", datetime(2025, 6, 15, 0, 30, tzinfo=PARIS))
    consulter(t.carnet, t.conseiller, t.france_travail, "notes", datetime(2025, 6, 14, 23, 0, tzinfo=PARIS))
    resultat = lignes(page(client, connecter, t))
    assert [(ligne.jour, ligne.consulte) for ligne in resultat] == [(date(2025, 6, 15), ["votre plan d'action"])]
    # Un mois plus tard, la consultation du 15 juin 2025 sort à son tour de la fenêtre.
    connecter(t.compte)
    with time_machine.travel(datetime(2026, 7, 16, 9, 0, tzinfo=PARIS), tick=False):
        reponse = client.get(URL)
    assert reponse.context["lignes"] == []
    assert "Personne n'a consulté votre carnet ces 12 derniers mois." in reponse.content.decode()


def test_le_role_est_celui_du_groupe_de_suivi_sinon_celui_dans_l_organisation(t, client, connecter):
    quand = datetime(2026, 6, 1, 10, 0, tzinfo=PARIS)
    consulter(t.carnet, t.referente, t.ccas, "situation", quand)
    consulter(t.carnet, t.conseiller, t.france_travail, "situation", quand)
    consulter(t.carnet, t.charge, t.departement, "decision_orientation", quand)  # file d'orientation
    administratrice = membre(t.ccas, Role.ADMINISTRATEUR, prenom="Lise", nom="Dufau").utilisateur
    consulter(t.carnet, administratrice, t.ccas, "historique", quand)
    roles = {ligne.nom: (ligne.role, ligne.organisation.nom) for ligne in lignes(page(client, connecter, t))}
    assert roles == {
        "Rose Lafitte": ("Référent de parcours", "CCAS de Dax"),
        "Marc Labat": ("Accompagnateur", "France Travail Dax"),
        "Chloé Dubos": ("Chargé d'orientation", "Département des Landes"),
        "Lise Dufau": ("Administrateur de l'organisation", "CCAS de Dax"),
    }


def test_un_ancien_intervenant_garde_son_role_du_jour_de_la_consultation(t, client, connecter):
    with time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=PARIS), tick=False):
        intervention = t.carnet.intervenants.get(utilisateur=t.conseiller)
        carnet_services.terminer_intervenant(intervention, acteur=t.referente, motif="Relais pris")
    consulter(t.carnet, t.conseiller, t.france_travail, "plan", datetime(2025, 12, 1, 9, 0, tzinfo=PARIS))
    (ligne,) = lignes(page(client, connecter, t))
    assert (ligne.nom, ligne.role) == ("Marc Labat", "Accompagnateur")


def test_un_lecteur_sans_compte_est_montre_comme_tel(t, client, connecter):
    structure = OrganisationFactory(nom="Chantier d'insertion", type=TypeOrganisation.SIAE, departement="40")
    consulter(
        t.carnet,
        None,
        structure,
        "dossier_orientation",
        datetime(2026, 6, 2, 10, 0, tzinfo=PARIS),
        lecteur="Atelier du bois (lien reçu par courriel)",
    )
    (ligne,) = lignes(reponse := page(client, connecter, t))
    assert ligne.sans_compte and ligne.nom == "Atelier du bois (lien reçu par courriel)"
    assert ligne.role == "Sans compte : a lu votre dossier par le lien reçu par e-mail"
    assert ligne.consulte == ["le dossier d'une orientation vers un service"]
    assert "Chantier d&#x27;insertion" in reponse.content.decode()


def test_un_onglet_inconnu_se_lit_votre_carnet(t, client, connecter):
    consulter(t.carnet, t.referente, t.ccas, "nouvel_onglet", datetime(2026, 6, 2, 10, 0, tzinfo=PARIS))
    assert lignes(page(client, connecter, t))[0].consulte == [partage.CARNET_EN_CLAIR]


def test_les_consultations_d_une_autre_personne_ne_sont_jamais_montrees(t, client, connecter):
    autre = carnet_services.ouvrir_carnet(
        acteur=t.referente, organisation=t.ccas, nom="Petit", prenom="Sam", date_naissance=date(1990, 7, 14)
    )
    consulter(autre, t.referente, t.ccas, "notes", datetime(2026, 6, 2, 10, 0, tzinfo=PARIS))
    consulter(t.carnet, t.conseiller, t.france_travail, "plan", datetime(2026, 6, 2, 11, 0, tzinfo=PARIS))
    resultat = lignes(page(client, connecter, t))
    assert [(ligne.nom, ligne.consulte) for ligne in resultat] == [("Marc Labat", ["votre plan d'action"])]
    connecter(ouvrir_espace(autre, email="sam@exemple.fr"))
    with time_machine.travel(MAINTENANT, tick=False):
        reponse = client.get(URL)
    assert [(ligne.nom, ligne.consulte) for ligne in reponse.context["lignes"]] == [
        ("Rose Lafitte", ["les notes d'entretien"])
    ]


def test_la_page_est_paginee(t, client, connecter):
    for jour in range(1, 26):
        consulter(t.carnet, t.referente, t.ccas, "plan", datetime(2026, 5, jour, 10, 0, tzinfo=PARIS))
    premiere = page(client, connecter, t)
    assert len(lignes(premiere)) == 20 and lignes(premiere)[0].jour == date(2026, 5, 25)
    seconde = page(client, connecter, t, page=2)
    assert [ligne.jour for ligne in lignes(seconde)] == [date(2026, 5, jour) for jour in range(5, 0, -1)]


def requetes_de_la_page(client) -> int:
    with time_machine.travel(MAINTENANT, tick=False), CaptureQueriesContext(connection) as requetes:
        assert client.get(URL).status_code == 200
    return len(requetes)


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_consultations(
    t, client, connecter, django_assert_num_queries
):
    consulter(t.carnet, t.referente, t.ccas, "plan", datetime(2026, 6, 1, 10, 0, tzinfo=PARIS))
    connecter(t.compte)
    une = requetes_de_la_page(client)
    professionnels = [(t.conseiller, t.france_travail), (t.charge, t.departement)]
    professionnels += [(membre(t.ccas).utilisateur, t.ccas) for _ in range(3)]
    for numero in range(39):
        utilisateur, organisation = professionnels[numero % len(professionnels)]
        onglet = ["situation", "plan", "notes", "diagnostic"][numero % 4]
        consulter(t.carnet, utilisateur, organisation, onglet, datetime(2026, 5, 1 + numero % 28, 10, tzinfo=PARIS))
    consulter(
        t.carnet, None, t.departement, "dossier_orientation", datetime(2026, 5, 3, tzinfo=PARIS), lecteur="Atelier"
    )
    assert ConsultationCarnet.objects.filter(carnet=t.carnet).count() == 41
    with time_machine.travel(MAINTENANT, tick=False), django_assert_num_queries(une):
        reponse = client.get(URL)
    assert len(reponse.context["lignes"]) == 20
