import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Invitation, Organisation
from partenaires.validators import siret_est_valide
from tests.factories import OrganisationFactory, UtilisateurFactory, membre, siret_valide

pytestmark = pytest.mark.django_db


def donnees(**surcharges):
    valeurs = {
        "nom": "Association Relais Emploi",
        "type": TypeOrganisation.ASSOCIATION,
        "siret": siret_valide(999),
        "adresse": "3 rue Gambetta",
        "code_postal": "40100",
        "commune": "Dax",
        "departement": "40",
        "sous_territoire": "SDSeI de Dax",
        "email_contact": "",
        "telephone": "",
        "email_administrateur": "directrice@relais.fr",
    }
    valeurs.update(surcharges)
    return valeurs


@pytest.fixture
def pilote():
    return membre(OrganisationFactory(departement="40"), Role.PILOTE).utilisateur


def creer(client, django_capture_on_commit_callbacks, **surcharges):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("partenaires:organisation_creer"), donnees(**surcharges))


def test_le_pilote_cree_une_organisation_et_invite_son_premier_administrateur(
    client, connecter, pilote, django_capture_on_commit_callbacks
):
    connecter(pilote)
    reponse = creer(client, django_capture_on_commit_callbacks)
    organisation = Organisation.objects.get(nom="Association Relais Emploi")
    assert reponse.status_code == 302 and reponse.url == reverse("partenaires:organisation", args=[organisation.uuid])
    assert organisation.groupe.name == f"organisation-{organisation.uuid}"
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.role == Role.ADMINISTRATEUR and invitation.email == "directrice@relais.fr"
    assert mail.outbox[0].to == ["directrice@relais.fr"]


@pytest.mark.parametrize(
    ("siret", "message"),
    [("1234", "exactement 14 chiffres"), ("12345678901234", "clé de contrôle"), ("abcdefghijklmn", "14 chiffres")],
)
def test_un_siret_invalide_est_refuse_en_francais_et_rien_n_est_cree(
    client, connecter, pilote, django_capture_on_commit_callbacks, siret, message
):
    connecter(pilote)
    avant = Organisation.objects.count()
    reponse = creer(client, django_capture_on_commit_callbacks, siret=siret)
    assert reponse.status_code == 200 and message in reponse.content.decode()
    assert Organisation.objects.count() == avant and not Invitation.objects.exists() and not mail.outbox


def test_un_siret_deja_utilise_est_refuse(client, connecter, pilote, django_capture_on_commit_callbacks):
    existante = OrganisationFactory()
    connecter(pilote)
    reponse = creer(client, django_capture_on_commit_callbacks, siret=existante.siret)
    assert "existe déjà" in reponse.content.decode()


def test_un_professionnel_ne_cree_pas_d_organisation(client, connecter, django_capture_on_commit_callbacks):
    connecter(membre(OrganisationFactory(), Role.ADMINISTRATEUR).utilisateur)
    assert creer(client, django_capture_on_commit_callbacks).status_code == 403
    assert not Organisation.objects.filter(nom="Association Relais Emploi").exists()


def test_le_pilote_ne_cree_que_dans_son_territoire(client, connecter, pilote, django_capture_on_commit_callbacks):
    connecter(pilote)
    reponse = creer(client, django_capture_on_commit_callbacks, departement="64")
    assert reponse.status_code == 200 and "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Organisation.objects.filter(nom="Association Relais Emploi").exists()


def test_le_superutilisateur_cree_partout(client, connecter, django_capture_on_commit_callbacks):
    connecter(UtilisateurFactory(is_superuser=True, is_staff=True))
    assert creer(client, django_capture_on_commit_callbacks, departement="2A").status_code == 302


def test_l_administrateur_modifie_la_fiche_et_la_modification_est_journalisee(client, connecter):
    organisation = OrganisationFactory(nom="Ancien nom")
    connecter(membre(organisation, Role.ADMINISTRATEUR).utilisateur)
    valeurs = donnees(nom="Nouveau nom", siret=organisation.siret)
    reponse = client.post(reverse("partenaires:organisation_modifier", args=[organisation.uuid]), valeurs)
    assert reponse.status_code == 302
    organisation.refresh_from_db()
    assert organisation.nom == "Nouveau nom" and organisation.departement == "40"
    evenement = organisation.evenements.get(type="organisation_modifiee")
    assert evenement.details["champs"]["nom"] == {"avant": "Ancien nom", "apres": "Nouveau nom"}


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.integers(min_value=0, max_value=12))
def test_un_chiffre_change_dans_un_siret_valide_le_rend_invalide(treize, position):
    siret = next(
        treize + str(c) for c in range(10) if siret_est_valide(treize + str(c)) or treize.startswith("356000000")
    )
    if treize.startswith("356000000"):
        return
    assert siret_est_valide(siret)
    chiffre = str((int(siret[position]) + 1) % 10)
    altere = siret[:position] + chiffre + siret[position + 1 :]
    assert not siret_est_valide(altere)
