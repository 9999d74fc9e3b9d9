"""Le tableau « À traiter » du professionnel, le point de situation du pilote, le courriel hebdomadaire."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from parcours.choix import VOIR_CARNET
from parcours.models import ElementATraiter, ParametresTerritoire
from partenaires import permissions
from partenaires.choix import Role
from partenaires.models import EvenementOrganisation
from tests.factories import OrganisationFactory, membre
from tests.parcours import suivi_fabriques
from tests.parcours.suivi_fabriques import AUJOURD_HUI, OUVERTURE, calculer, demande, instant, ouvrir

equipe, temps = suivi_fabriques.equipe, suivi_fabriques.temps  # fixtures
URL = reverse("parcours:a_traiter")
PILOTE = reverse("parcours:point_de_situation")


def _carnets(equipe, nombre, premier=0):
    for numero in range(premier, premier + nombre):
        ouvrir(equipe["referente"], equipe["departement"], nom=f"Personne {numero}")


@pytest.fixture
def calcule(equipe, temps):
    """Le carnet d'Inès, perdu de vue ; une orientation en retard pour le service d'orientation, qui lit le carnet
    (comme le fait toute demande adressée à une file)."""
    orientation = OrganisationFactory(nom="Service d'orientation", departement="40")
    equipe["charge"] = membre(orientation, Role.CHARGE_ORIENTATION).utilisateur
    autre = ouvrir(equipe["referente"], equipe["departement"], nom="Orientée")
    demande(autre, orientation, equipe["referente"], date_reception=OUVERTURE)
    permissions.partager(autre, orientation, VOIR_CARNET)
    calculer(temps)
    temps.move_to(instant(AUJOURD_HUI, 9), tick=False)
    return equipe


def test_le_referent_voit_ses_elements_groupes_par_regle_avec_le_lien_vers_le_carnet(calcule, client, connecter):
    connecter(calcule["referente"])
    page = client.get(URL).content.decode()
    assert "Point de situation calculé le <strong>lundi 16 mars 2026</strong>" in page
    assert 'id="mes-perdu_de_vue"' in page and "Sans contact depuis trop longtemps (perdu de vue) (2)" in page
    carnet = calcule["carnet"]
    assert f'href="{reverse("parcours:carnet", args=[carnet.uuid])}?onglet=rendez_vous"' in page
    # l'orientation en retard est au Département (pas à un référent) : la référente ne la traite pas
    assert "Orientation au-delà du délai légal" not in page


def test_le_charge_d_orientation_voit_les_orientations_en_retard_de_son_organisation(calcule, client, connecter):
    connecter(calcule["charge"])
    page = client.get(URL).content.decode()
    assert 'id="organisation-orientation_en_retard"' in page and "ORIENTÉE Alex" in page
    assert "perdu de vue" not in page  # ni référent, ni carnet visible : rien d'autre
    assert reverse("parcours:carnet", args=[ElementATraiter.objects.get(regle="orientation_en_retard").carnet.uuid]) \
        in page  # fmt: skip


def test_un_carnet_qui_n_est_plus_partage_disparait_du_tableau_avant_le_calcul_suivant(calcule, client, connecter):
    element = ElementATraiter.objects.get(regle="orientation_en_retard")
    permissions.retirer_partage(element.carnet, element.organisation, VOIR_CARNET)
    connecter(calcule["charge"])
    page = client.get(URL).content.decode()
    assert "ORIENTÉE" not in page and str(element.carnet.uuid) not in page


def test_un_professionnel_d_une_autre_organisation_ne_voit_rien(calcule, client, connecter):
    etranger = membre(OrganisationFactory(nom="CCAS"), Role.CHARGE_ORIENTATION).utilisateur
    connecter(etranger)
    page = client.get(URL).content.decode()
    assert "LALANNE" not in page and "ORIENTÉE" not in page
    assert "Aucun élément à traiter pour les personnes que vous suivez." in page


@pytest.mark.parametrize("nombre", [1, 30])
def test_le_tableau_a_traiter_a_un_nombre_de_requetes_fixe(
    equipe, temps, client, connecter, nombre, django_assert_num_queries
):
    _carnets(equipe, nombre)
    calculer(temps)
    assert ElementATraiter.objects.filter(referent=equipe["referente"]).count() == nombre + 1
    connecter(equipe["referente"])
    client.get(URL)
    with django_assert_num_queries(NOMBRE_A_TRAITER):
        client.get(URL)


NOMBRE_A_TRAITER = 7


# --- Pilote ------------------------------------------------------------------------------------


def test_le_pilote_voit_les_totaux_par_organisation_et_par_regle_de_son_territoire(calcule, temps, client, connecter):
    ailleurs = OrganisationFactory(nom="Département voisin", departement="64")
    temps.move_to(instant(OUVERTURE), tick=False)
    ouvrir(membre(ailleurs).utilisateur, ailleurs, nom="Voisine")
    calculer(temps)
    assert ElementATraiter.objects.filter(organisation=ailleurs).count() == 1
    connecter(calcule["pilote"])
    page = client.get(PILOTE).content.decode()
    assert "Département des Landes" in page and "Département voisin" not in page
    rangee = page[page.index("Département des Landes <span") :].split("</tr>")[0]
    cellules = [c.split("</td>")[0] for c in rangee.split("<td>")[1:]]
    # perdu de vue 2, les autres règles 0, total 2 ; l'orientation en retard est au service d'orientation
    nombre_de_regles = len(ElementATraiter.Regle)
    assert cellules[0] == "2" and set(cellules[1:nombre_de_regles]) == {"0"} and "2" in cellules[nombre_de_regles]
    rangee = page[page.index("Service d&#x27;orientation <span") :].split("</tr>")[0]
    assert [c.split("</td>")[0] for c in rangee.split("<td>")[1:3]] == ["0", "1"]
    assert "3</strong></td>\n                </tr>\n              </tfoot>" in page
    assert "perdu de vue après <strong>90 jours</strong>" in page


@pytest.mark.parametrize("qui", ["referente", "charge"])
def test_le_point_de_situation_est_reserve_aux_pilotes(calcule, client, connecter, qui):
    connecter(calcule[qui])
    assert client.get(PILOTE).status_code == 403


def test_le_pilote_regle_le_seuil_perdu_de_vue_de_son_territoire(calcule, client, connecter):
    connecter(calcule["pilote"])
    reponse = client.post(PILOTE, {"departement": "40", "jours_sans_contact": "3"})
    assert reponse.status_code == 400 and "entre 7 et 365" in reponse.content.decode()
    reponse = client.post(PILOTE, {"departement": "64", "jours_sans_contact": "120"})
    assert reponse.status_code == 400  # pas son territoire
    assert not ParametresTerritoire.objects.exists()
    assert client.post(PILOTE, {"departement": "40", "jours_sans_contact": "120"}).status_code == 302
    assert ParametresTerritoire.objects.get(departement="40").jours_sans_contact == 120
    trace = EvenementOrganisation.objects.filter(organisation=calcule["departement"], type="organisation_modifiee")
    assert trace.get().details["champs"] == {
        "jours sans contact avant « perdu de vue » (Landes)": {"avant": "90", "apres": "120"}
    }
    assert "perdu de vue après <strong>120 jours</strong>" in client.get(PILOTE).content.decode()


# --- Courriel hebdomadaire ---------------------------------------------------------------------


def test_un_courriel_par_referent_qui_a_des_elements_une_seule_fois_par_jour(calcule, temps):
    autre_referent = membre(calcule["mission_locale"]).utilisateur  # aucun élément
    ouvrir(autre_referent, calcule["mission_locale"], nom="Suivie")  # ouvert aujourd'hui : rien à traiter
    temps.move_to(instant(AUJOURD_HUI + timedelta(days=0), 7), tick=False)
    call_command("envoyer_digest_hebdomadaire", stdout=StringIO())
    (courriel,) = mail.outbox
    assert courriel.to == ["claire@exemple.fr"]
    assert courriel.subject == "[SPIE] Vos personnes à suivre cette semaine (2)"
    assert "Sans contact depuis trop longtemps (perdu de vue) : 2" in courriel.body
    assert "http://127.0.0.1:8000" + URL in courriel.body
    assert "LALANNE" not in courriel.body.upper()  # pas de nom dans le courriel : le détail est sur la plateforme
    call_command("envoyer_digest_hebdomadaire", stdout=StringIO())
    assert len(mail.outbox) == 1
    temps.move_to(instant(AUJOURD_HUI + timedelta(days=7), 7), tick=False)
    call_command("envoyer_digest_hebdomadaire", stdout=StringIO())
    assert len(mail.outbox) == 2


def test_pas_de_courriel_sans_element(equipe, temps):
    suivi_fabriques.services.ajouter_note(
        equipe["carnet"], acteur=equipe["referente"], organisation=equipe["departement"], texte="x", visibilite="moi"
    )
    calculer(temps, OUVERTURE + timedelta(days=10))
    call_command("envoyer_digest_hebdomadaire", stdout=StringIO())
    assert mail.outbox == []
