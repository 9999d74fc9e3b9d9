import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partenaires.choix import Role
from partenaires.models import Invitation, Membre, Utilisateur
from tests.factories import MOT_DE_PASSE, OrganisationFactory, UtilisateurFactory, membre

pytestmark = pytest.mark.django_db

NOUVEAU_MDP = "un-mot-de-passe-tres-long"


@pytest.fixture
def organisation():
    return OrganisationFactory(nom="Mission locale des Landes")


@pytest.fixture
def admin(organisation):
    return membre(organisation, Role.ADMINISTRATEUR).utilisateur


@pytest.fixture
def inviter(django_capture_on_commit_callbacks):
    """Poste le formulaire d'invitation ; les e-mails partent au commit, comme en vrai."""

    def _inviter(client, organisation, email="nouvelle@exemple.fr", role=Role.PROFESSIONNEL):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("partenaires:membre_inviter", args=[organisation.uuid]), {"email": email, "role": role}
            )

    return _inviter


def lien_du_dernier_mail() -> str:
    return re.search(r"http://\S+/invitation/(\S+)/", mail.outbox[-1].body).group(0).split("8000")[1]


def test_l_administrateur_invite_et_l_invitee_active_son_compte_et_arrive_dans_l_organisation(
    client, connecter, organisation, admin, inviter
):
    connecter(admin)
    reponse = inviter(client, organisation, email="Nouvelle@Exemple.fr", role=Role.CHARGE_ORIENTATION)
    assert reponse.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvelle@exemple.fr"]
    assert "Mission locale des Landes" in mail.outbox[0].subject
    lien = lien_du_dernier_mail()

    client.logout()
    page = client.get(lien)
    assert page.status_code == 200
    assert "Rejoindre Mission locale des Landes" in page.content.decode()
    reponse = client.post(lien, {"prenom": "Nina", "nom": "Lopez", "password1": NOUVEAU_MDP, "password2": NOUVEAU_MDP})
    assert reponse.status_code == 302

    nouvelle = Utilisateur.objects.get(email="nouvelle@exemple.fr")
    assert nouvelle.check_password(NOUVEAU_MDP)
    appartenance = Membre.objects.get(utilisateur=nouvelle, organisation=organisation)
    assert appartenance.role == Role.CHARGE_ORIENTATION and appartenance.is_active
    assert nouvelle.groups.filter(pk=organisation.groupe_id).exists()
    assert list(organisation.evenements.filter(membre=appartenance).values_list("type", flat=True)) == [
        "invitation_acceptee"
    ]
    # Connecté, mais le second facteur est exigé avant tout le reste.
    accueil = client.get(reverse("accueil"))
    assert accueil.status_code == 302 and accueil.url.startswith(reverse("mfa_activate_totp"))


def test_un_lien_deja_utilise_est_refuse_avec_un_message_clair(client, connecter, organisation, admin, inviter):
    connecter(admin)
    inviter(client, organisation)
    lien = lien_du_dernier_mail()
    client.logout()
    client.post(lien, {"prenom": "A", "nom": "B", "password1": NOUVEAU_MDP, "password2": NOUVEAU_MDP})
    client.logout()
    reponse = client.post(lien, {"prenom": "C", "nom": "D", "password1": NOUVEAU_MDP, "password2": NOUVEAU_MDP})
    assert reponse.status_code == 410
    assert "déjà été utilisé" in reponse.content.decode()
    assert Membre.objects.filter(organisation=organisation).count() == 2


def test_un_lien_expire_est_refuse_et_ne_cree_rien(client, connecter, organisation, admin, inviter):
    connecter(admin)
    inviter(client, organisation)
    lien = lien_du_dernier_mail()
    Invitation.objects.update(date_expiration=timezone.now() - timedelta(minutes=1))
    client.logout()
    reponse = client.post(lien, {"prenom": "A", "nom": "B", "password1": NOUVEAU_MDP, "password2": NOUVEAU_MDP})
    assert reponse.status_code == 410
    assert "a expiré" in reponse.content.decode()
    assert not Utilisateur.objects.filter(email="nouvelle@exemple.fr").exists()


def test_un_lien_inconnu_ou_annule_est_refuse(client, connecter, organisation, admin, inviter):
    assert client.get("/invitation/nimportequoi/").status_code == 410
    connecter(admin)
    inviter(client, organisation)
    lien = lien_du_dernier_mail()
    invitation = Invitation.objects.get()
    client.post(reverse("partenaires:invitation_annuler", args=[organisation.uuid, invitation.uuid]))
    client.logout()
    reponse = client.get(lien)
    assert reponse.status_code == 410 and "a été annulée" in reponse.content.decode()


def test_un_mot_de_passe_de_moins_de_12_caracteres_est_refuse(client, connecter, organisation, admin, inviter):
    connecter(admin)
    inviter(client, organisation)
    lien = lien_du_dernier_mail()
    client.logout()
    reponse = client.post(lien, {"prenom": "A", "nom": "B", "password1": "court-123", "password2": "court-123"})
    assert reponse.status_code == 200
    assert "au minimum 12 caractères" in reponse.content.decode()
    assert not Utilisateur.objects.filter(email="nouvelle@exemple.fr").exists()


def test_inviter_deux_fois_la_meme_adresse_ou_un_membre_existant_est_refuse(
    client, connecter, organisation, admin, inviter
):
    connecter(admin)
    inviter(client, organisation)
    reponse = inviter(client, organisation, email="NOUVELLE@exemple.fr")
    assert reponse.status_code == 200
    assert "déjà en attente" in reponse.content.decode()
    reponse = inviter(client, organisation, email=admin.email)
    assert "déjà membre" in reponse.content.decode()
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_on_ne_peut_pas_inviter_dans_une_organisation_qu_on_n_administre_pas(client, connecter, organisation, inviter):
    collegue = membre(organisation, Role.PROFESSIONNEL).utilisateur
    connecter(collegue)
    assert inviter(client, organisation).status_code == 403
    autre = OrganisationFactory()
    assert inviter(client, autre).status_code == 404
    assert Invitation.objects.count() == 0 and mail.outbox == []


def test_un_compte_existant_accepte_l_invitation_une_fois_connecte(client, connecter, organisation, admin, inviter):
    ailleurs = OrganisationFactory(nom="CAF des Landes")
    deja = membre(ailleurs, Role.PROFESSIONNEL, email="deja@exemple.fr").utilisateur
    connecter(admin)
    inviter(client, organisation, email="deja@exemple.fr")
    lien = lien_du_dernier_mail()
    client.logout()
    page = client.get(lien)
    assert "Connectez-vous avec ce compte" in page.content.decode()
    connecter(deja)
    reponse = client.post(lien)
    assert reponse.status_code == 302
    assert deja.check_password(MOT_DE_PASSE)  # le mot de passe n'a pas changé
    assert Membre.objects.filter(utilisateur=deja, is_active=True).count() == 2


def test_nouvelle_invitation_apres_expiration_remplace_l_ancienne(client, connecter, organisation, admin, inviter):
    connecter(admin)
    inviter(client, organisation)
    Invitation.objects.update(date_expiration=timezone.now() - timedelta(minutes=1))
    assert inviter(client, organisation).status_code == 302
    assert Invitation.objects.filter(date_annulation__isnull=True).count() == 1
    assert len(mail.outbox) == 2


def test_le_compte_d_un_invite_sans_compte_ne_peut_pas_etre_cree_par_un_autre_compte_connecte(
    client, connecter, organisation, admin, inviter
):
    connecter(admin)
    inviter(client, organisation)
    lien = lien_du_dernier_mail()
    intrus = UtilisateurFactory()
    connecter(intrus)
    reponse = client.post(lien, {"prenom": "A", "nom": "B", "password1": NOUVEAU_MDP, "password2": NOUVEAU_MDP})
    assert reponse.status_code == 200
    assert "autre adresse" in reponse.content.decode()
    assert not Utilisateur.objects.filter(email="nouvelle@exemple.fr").exists()
