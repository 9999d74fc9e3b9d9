import pytest
from django.urls import reverse

from partenaires.choix import Role, TypeEvenement
from partenaires.models import EvenementOrganisation, Membre
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def admin(organisation):
    return membre(organisation, Role.ADMINISTRATEUR)


def url_role(m):
    return reverse("partenaires:membre_role", args=[m.organisation.uuid, m.uuid])


def url_desactiver(m):
    return reverse("partenaires:membre_desactiver", args=[m.organisation.uuid, m.uuid])


def test_l_administrateur_change_un_role_par_un_simple_formulaire(client, connecter, organisation, admin):
    collegue = membre(organisation)
    connecter(admin.utilisateur)
    reponse = client.post(url_role(collegue), {"role": Role.CHARGE_ORIENTATION}, follow=True)
    assert "Chargé d&#x27;orientation" in reponse.content.decode()
    collegue.refresh_from_db()
    assert collegue.role == Role.CHARGE_ORIENTATION and collegue.modifie_par == admin.utilisateur
    evenement = EvenementOrganisation.objects.get(type=TypeEvenement.ROLE_MODIFIE)
    assert evenement.details == {"avant": Role.PROFESSIONNEL, "apres": Role.CHARGE_ORIENTATION}
    assert "Référent / professionnel → Chargé d&#x27;orientation" in reponse.content.decode()


def test_le_changement_de_role_en_htmx_rend_la_ligne_seule(client, connecter, organisation, admin):
    collegue = membre(organisation)
    connecter(admin.utilisateur)
    reponse = client.post(url_role(collegue), {"role": Role.PILOTE}, HTTP_HX_REQUEST="true")
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert contenu.strip().startswith(f'<tr id="membre-{collegue.uuid}">')
    assert "Rôle enregistré." in contenu and "<html" not in contenu


def test_le_dernier_administrateur_ne_peut_ni_perdre_son_role_ni_se_desactiver(client, connecter, admin):
    connecter(admin.utilisateur)
    reponse = client.post(url_role(admin), {"role": Role.PROFESSIONNEL}, HTTP_HX_REQUEST="true")
    assert "au moins un administrateur" in reponse.content.decode()
    reponse = client.post(url_desactiver(admin), {"motif": "Départ"})
    assert reponse.status_code == 200
    assert "dernier administrateur" in reponse.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.ADMINISTRATEUR
    assert not EvenementOrganisation.objects.filter(type=TypeEvenement.MEMBRE_DESACTIVE).exists()


def test_desactiver_garde_l_historique_et_retire_l_acces_a_la_requete_suivante(client, connecter, organisation, admin):
    collegue = membre(organisation)
    client_collegue = connecter(collegue.utilisateur, client=client.__class__())
    assert client_collegue.get(reverse("partenaires:membres", args=[organisation.uuid])).status_code == 200

    connecter(admin.utilisateur)
    reponse = client.post(url_desactiver(collegue), {"motif": "Départ de la structure"})
    assert reponse.status_code == 302

    collegue.refresh_from_db()
    assert not collegue.is_active and collegue.date_fin and collegue.motif_fin == "Départ de la structure"
    assert Membre.objects.filter(pk=collegue.pk).exists()  # désactivé, pas supprimé
    assert not collegue.utilisateur.groups.filter(pk=organisation.groupe_id).exists()
    # Même session, requête suivante : plus d'accès.
    assert client_collegue.get(reverse("partenaires:membres", args=[organisation.uuid])).status_code == 404
    page = client.get(reverse("partenaires:membres", args=[organisation.uuid])).content.decode()
    assert "Anciens membres" in page and "Départ de la structure" in page
    assert "Rôle modifié" not in page and "motif : Départ de la structure" in page


def test_la_desactivation_demande_un_motif(client, connecter, organisation, admin):
    collegue = membre(organisation)
    connecter(admin.utilisateur)
    reponse = client.post(url_desactiver(collegue), {"motif": ""})
    assert reponse.status_code == 200
    collegue.refresh_from_db()
    assert collegue.is_active


def test_un_ancien_membre_reinvite_retrouve_l_acces_avec_une_nouvelle_appartenance(organisation, admin):
    from partenaires import services

    collegue = membre(organisation)
    services.desactiver_membre(collegue, acteur=admin.utilisateur, motif="Congé long")
    services.ajouter_membre(collegue.utilisateur, organisation, role=Role.PROFESSIONNEL, acteur=admin.utilisateur)
    assert Membre.objects.filter(utilisateur=collegue.utilisateur, organisation=organisation).count() == 2
    assert collegue.utilisateur.groups.filter(pk=organisation.groupe_id).exists()


def test_un_membre_non_administrateur_voit_la_liste_sans_les_actions(client, connecter, organisation, admin):
    collegue = membre(organisation)
    connecter(collegue.utilisateur)
    page = client.get(reverse("partenaires:membres", args=[organisation.uuid])).content.decode()
    assert admin.utilisateur.email in page
    assert "Inviter un collègue" not in page and "Enregistrer le rôle" not in page
    assert client.post(url_role(admin), {"role": Role.PROFESSIONNEL}).status_code == 403


def test_on_change_d_organisation_courante_depuis_l_en_tete(client, connecter, organisation):
    utilisateur = membre(organisation).utilisateur
    autre = OrganisationFactory(nom="Zèbre emploi")
    membre(autre, utilisateur=utilisateur)
    connecter(utilisateur)
    page = client.get(reverse("accueil")).content.decode()
    assert "Changer d'organisation" in page
    client.post(reverse("partenaires:changer_organisation"), {"organisation": str(autre.uuid), "next": "/"})
    assert "Vous travaillez pour <strong>Zèbre emploi</strong>" in client.get(reverse("accueil")).content.decode()
    # Une organisation dont on n'est pas membre est refusée.
    etrangere = OrganisationFactory()
    reponse = client.post(
        reverse("partenaires:changer_organisation"), {"organisation": str(etrangere.uuid)}, follow=True
    )
    assert "pas membre de cette organisation" in reponse.content.decode()


@pytest.mark.parametrize(
    ("role", "attendues", "absentes"),
    [
        (
            Role.PROFESSIONNEL,
            ["Mon organisation", "Partenaires", "À traiter"],
            ["Membres et invitations", "Organisations du territoire", "File d&#x27;orientation", "Imports", "Point de"],
        ),
        (
            Role.ADMINISTRATEUR,
            ["Membres et invitations", "Partenaires", "Imports"],
            ["Organisations du territoire", "File d&#x27;orientation", "Point de"],
        ),
        (
            Role.PILOTE,
            ["Mon organisation", "Organisations du territoire", "File d&#x27;orientation", "Point de situation"],
            ["Partenaires<", "Imports"],
        ),
        (
            Role.CHARGE_ORIENTATION,
            ["File d&#x27;orientation", "Imports", "À traiter"],
            ["Organisations du territoire", "Point de"],
        ),
    ],
)
def test_la_navigation_depend_du_role(client, connecter, organisation, role, attendues, absentes):
    connecter(membre(organisation, role).utilisateur)
    nav = client.get(reverse("accueil")).content.decode().split('id="navigation-principale"')[1].split("</nav>")[0]
    for libelle in attendues:
        assert libelle in nav
    for libelle in absentes:
        assert libelle not in nav
    assert "Administration technique" not in nav
