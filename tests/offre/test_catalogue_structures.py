"""Le catalogue : la liste des structures que l'on tient à jour, la création d'une structure (par l'administrateur
de son organisation, ou hors plateforme par le pilote), sa fiche et sa modification."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from offre import regles
from offre.models import Service, Structure
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.offre import fabriques


@pytest.fixture
def territoire(db):
    organisation = OrganisationFactory(nom="Mission locale des Landes", type="mission_locale", departement="40")
    return SimpleNamespace(
        organisation=organisation,
        administrateur=membre(organisation, Role.ADMINISTRATEUR).utilisateur,
        professionnel=membre(organisation).utilisateur,
        autre_organisation=OrganisationFactory(nom="CCAS de Dax"),
        pilote=membre(OrganisationFactory(nom="Département des Landes"), Role.PILOTE).utilisateur,
        pilote_voisin=membre(OrganisationFactory(departement="64"), Role.PILOTE).utilisateur,
    )


def donnees_structure(**surcharges):
    return {
        "nom": "Garage solidaire du Marsan",
        "siret": "123 456 789 00012",
        "description": "Réparations à prix réduit pour les personnes en insertion.",
        "reseaux_porteurs": [],
        "adresse": "5 avenue de Villeneuve",
        "complement_adresse": "",
        "code_postal": "40000",
        "code_insee": "",
        "telephone": "05 58 11 22 33",
        "courriel": "contact@garage-solidaire.fr",
        "site_web": "garage-solidaire.fr",
        "horaires_accueil": "Mo-Fr 08:30-17:30",
        "accessibilite_lieu": "",
        **surcharges,
    }


def test_l_administrateur_cree_la_structure_de_son_organisation_que_ses_membres_modifient(
    client, connecter, territoire
):
    connecter(territoire.administrateur)
    reponse = client.post(
        reverse("offre:structure_creer"),
        donnees_structure(proprietaire=str(territoire.organisation.uuid), reseaux_porteurs=["mission-locale"]),
    )
    structure = Structure.objects.get(nom="Garage solidaire du Marsan")
    assert reponse.status_code == 302 and reponse.url == reverse("offre:structure", args=[structure.uuid])
    assert structure.organisation == territoire.organisation
    assert (structure.source, structure.identifiant) == ("spie", f"spie--{structure.uuid}")
    assert (structure.siret, structure.code_insee, structure.commune) == ("12345678900012", "40192", "Mont-de-Marsan")
    assert structure.departement == "40" and structure.site_web == "https://garage-solidaire.fr"
    assert regles.peut_modifier_structure(territoire.professionnel, structure)
    assert not regles.peut_modifier_structure(
        membre(territoire.autre_organisation, Role.ADMINISTRATEUR).utilisateur, structure
    )


def test_l_administrateur_ne_cree_pas_la_structure_d_une_autre_organisation(client, connecter, territoire):
    connecter(territoire.administrateur)
    reponse = client.post(
        reverse("offre:structure_creer"), donnees_structure(proprietaire=str(territoire.autre_organisation.uuid))
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Structure.objects.exists()


def test_un_administrateur_ne_propose_pas_de_structure_hors_plateforme(client, connecter, territoire):
    connecter(territoire.administrateur)
    page = client.get(reverse("offre:structure_creer")).content.decode()
    assert "Mission locale des Landes" in page and "hors plateforme" not in page
    reponse = client.post(reverse("offre:structure_creer"), donnees_structure(proprietaire="hors-plateforme"))
    assert reponse.status_code == 200 and not Structure.objects.exists()


def test_le_pilote_cree_une_structure_hors_plateforme_de_son_territoire(client, connecter, territoire):
    connecter(territoire.pilote)
    reponse = client.post(reverse("offre:structure_creer"), donnees_structure(proprietaire="hors-plateforme"))
    assert reponse.status_code == 302
    structure = Structure.objects.get()
    assert structure.organisation is None and structure.departement == "40"
    assert regles.peut_modifier_structure(territoire.pilote, structure)
    assert not regles.peut_modifier_structure(territoire.pilote_voisin, structure)


@pytest.mark.parametrize(
    ("surcharges", "message"),
    [
        ({"courriel": ""}, "reçoit les orientations par courriel"),
        ({"code_postal": "64000"}, "doit être dans votre territoire (40 – Landes)"),
        ({"code_postal": ""}, "Indiquez la commune de la structure"),
    ],
)
def test_une_structure_hors_plateforme_a_un_courriel_et_une_commune_du_territoire(
    client, connecter, territoire, surcharges, message
):
    connecter(territoire.pilote)
    reponse = client.post(
        reverse("offre:structure_creer"), donnees_structure(proprietaire="hors-plateforme", **surcharges)
    )
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert not Structure.objects.exists()


@pytest.mark.parametrize(
    ("surcharges", "champ", "message"),
    [
        ({"siret": "1234"}, "siret", "Le SIRET compte exactement 14 chiffres."),
        ({"reseaux_porteurs": ["inconnu"]}, "reseaux_porteurs", "Sélectionnez un choix valide"),
        ({"nom": ""}, "nom", "Ce champ est obligatoire"),
        ({"courriel": "pas-un-courriel"}, "courriel", "Saisissez une adresse de courriel valide"),
        ({"code_postal": "4000"}, "code_postal", "Le code postal compte exactement 5 chiffres."),
        ({"proprietaire": ""}, "proprietaire", "Ce champ est obligatoire"),
    ],
)
def test_une_mauvaise_entree_sur_la_structure_n_ecrit_rien(client, connecter, territoire, surcharges, champ, message):
    connecter(territoire.administrateur)
    donnees = donnees_structure(proprietaire=str(territoire.organisation.uuid))
    donnees.update(surcharges)
    reponse = client.post(reverse("offre:structure_creer"), donnees)
    assert reponse.status_code == 200
    assert champ in reponse.context["form"].errors
    assert message in reponse.content.decode()
    assert not Structure.objects.exists()


@pytest.mark.parametrize(("acteur", "statut"), [("professionnel", 403), ("pilote_voisin", 200), ("pilote", 200)])
def test_qui_peut_ouvrir_la_creation_d_une_structure(client, connecter, territoire, acteur, statut):
    connecter(getattr(territoire, acteur))
    assert client.get(reverse("offre:structure_creer")).status_code == statut


def test_le_pilote_voisin_ne_cree_rien_dans_les_landes(client, connecter, territoire):
    connecter(territoire.pilote_voisin)
    reponse = client.post(reverse("offre:structure_creer"), donnees_structure(proprietaire="hors-plateforme"))
    assert "doit être dans votre territoire (64 – Pyrénées-Atlantiques)" in reponse.content.decode()
    reponse = client.post(
        reverse("offre:structure_creer"), donnees_structure(proprietaire=str(territoire.organisation.uuid))
    )
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Structure.objects.exists()


def test_renommer_la_structure_met_a_jour_le_texte_cherchable_de_ses_services(client, connecter, territoire):
    structure = fabriques.structure(territoire.organisation, nom="Ancien nom")
    service = fabriques.service(structure)
    connecter(territoire.professionnel)
    donnees = donnees_structure(nom="Épicerie solidaire")
    reponse = client.post(reverse("offre:structure_modifier", args=[structure.uuid]), donnees)
    assert reponse.status_code == 302
    service.refresh_from_db()
    assert "epicerie solidaire" in service.texte_recherche and "ancien nom" not in service.texte_recherche
    structure.refresh_from_db()
    assert structure.organisation == territoire.organisation


def test_une_structure_hors_plateforme_reste_dans_son_departement(client, connecter, territoire):
    structure = fabriques.structure(None, courriel="asso@exemple.fr")
    connecter(territoire.pilote)
    reponse = client.post(
        reverse("offre:structure_modifier", args=[structure.uuid]), donnees_structure(code_postal="64000")
    )
    assert reponse.status_code == 200 and "doit être dans votre territoire" in reponse.content.decode()
    structure.refresh_from_db()
    assert structure.code_postal == "40000"
    connecter(territoire.pilote_voisin)
    assert client.get(reverse("offre:structure_modifier", args=[structure.uuid])).status_code == 403


def test_la_fiche_de_la_structure_montre_ses_services_publies_et_leurs_sessions(client, connecter, territoire):
    structure = fabriques.structure(territoire.organisation, reseaux_porteurs=["mission-locale"])
    publie = fabriques.service(structure, nom="Atelier CV vidéo")
    fabriques.session(publie, intitule="Tournage", places=6)
    fabriques.service(structure, nom="Dispositif arrêté", statut=Service.Statut.SUSPENDU)
    connecter(membre(territoire.autre_organisation).utilisateur)
    page = client.get(reverse("offre:structure", args=[structure.uuid])).content.decode()
    assert "Atelier CV vidéo" in page and "Tournage" in page and "6 places" in page
    assert "Mission locale" in page
    assert "Dispositif arrêté" not in page and "Ajouter un service" not in page
    connecter(territoire.professionnel)
    page = client.get(reverse("offre:structure", args=[structure.uuid])).content.decode()
    assert "Dispositif arrêté" in page and "Ajouter un service" in page


def test_la_liste_montre_ses_structures_et_pour_le_pilote_celles_du_territoire(client, connecter, territoire):
    mienne = fabriques.structure(territoire.organisation, nom="Ma structure")
    voisine = fabriques.structure(territoire.autre_organisation, nom="Structure du CCAS")
    ailleurs = fabriques.structure(None, nom="Association basque", commune=("64445", "Pau", "64000"))
    service = fabriques.service(mienne)
    Service.objects.filter(pk=service.pk).update(a_actualiser_le="2000-01-01")
    connecter(territoire.professionnel)
    page = client.get(reverse("offre:structures")).content.decode()
    assert mienne.nom in page and voisine.nom not in page and ailleurs.nom not in page
    assert "Créer une structure" not in page
    connecter(territoire.pilote)
    page = client.get(reverse("offre:structures")).content.decode()
    assert mienne.nom in page and voisine.nom in page and ailleurs.nom not in page
    assert "Créer une structure" in page
    reponse = client.get(reverse("offre:structures"), {"q": "ccas"}, headers={"HX-Request": "true"})
    assert voisine.nom in reponse.content.decode() and mienne.nom not in reponse.content.decode()


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_liste_des_structures_fait_le_meme_nombre_de_requetes_a_1_et_30_lignes(
    client, connecter, territoire, django_assert_num_queries, nombre
):
    for numero in range(nombre):
        structure = fabriques.structure(territoire.organisation, nom=f"Structure {numero:02d}")
        fabriques.service(structure)
    connecter(territoire.administrateur)
    client.get(reverse("offre:structures"))  # session et second facteur déjà en place
    with django_assert_num_queries(12):
        reponse = client.get(reverse("offre:structures"))
    assert reponse.context["page"].paginator.count == nombre


def test_le_menu_mene_a_l_offre_a_mes_services_et_pour_le_pilote_a_la_moderation(client, connecter, territoire):
    def menu():
        page = client.get(reverse("accueil")).content.decode()
        return page.split('id="navigation-principale"')[1].split("</nav>")[0]

    connecter(territoire.professionnel)
    nav = menu()
    assert reverse("offre:recherche") in nav and reverse("offre:structures") in nav
    assert reverse("offre:moderation") not in nav
    connecter(territoire.pilote)
    assert reverse("offre:moderation") in menu()
