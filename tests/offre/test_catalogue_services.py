"""Le catalogue : créer, modifier et consulter un service ; chaque mauvaise entrée donne un message français et
n'écrit rien ; qui peut modifier."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from offre.models import CritereService, Service
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.offre import fabriques

CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"
PERMIS = "mobilite--preparer-un-permis"


@pytest.fixture
def territoire(db):
    """Une mission locale des Landes et sa structure (un service), un CCAS voisin, le pilote du Département des
    Landes et celui des Pyrénées-Atlantiques."""
    organisation = OrganisationFactory(nom="Mission locale des Landes", type="mission_locale", departement="40")
    structure = fabriques.structure(organisation, nom="Mission locale – antenne de Dax", commune=fabriques.DAX)
    return SimpleNamespace(
        organisation=organisation,
        structure=structure,
        service=fabriques.service(structure, nom="Aide au permis"),
        administrateur=membre(organisation, Role.ADMINISTRATEUR).utilisateur,
        professionnel=membre(organisation).utilisateur,
        autre=membre(OrganisationFactory(nom="CCAS de Dax"), Role.ADMINISTRATEUR).utilisateur,
        pilote=membre(OrganisationFactory(nom="Département des Landes"), Role.PILOTE).utilisateur,
        pilote_voisin=membre(OrganisationFactory(departement="64"), Role.PILOTE).utilisateur,
    )


def donnees_service(**surcharges):
    return {
        "nom": "Atelier CV",
        "description": "Deux heures pour écrire ou refaire son CV avec une conseillère, sur ordinateur.",
        "thematiques": [CV],
        "type": "atelier",
        "publics": ["demandeurs-emploi", "jeunes"],
        "publics_precisions": "",
        "frais": "gratuit",
        "frais_precisions": "",
        "modes_accueil": ["en-presentiel"],
        "adresse": "12 rue Neuve",
        "complement_adresse": "",
        "code_postal": "40100",
        "code_insee": "",
        "horaires_accueil": "Tu 14:00-16:00",
        "zone_eligibilite": "40088, 40",
        "modes_mobilisation": ["envoyer-un-courriel"],
        "mobilisable_par": ["professionnels"],
        "mobilisation_precisions": "",
        "lien_mobilisation": "",
        "conditions_acces": "",
        "justificatifs": "",
        "contact_nom_prenom": "Claire Dupuy",
        "courriel": "ateliers@ml-landes.fr",
        "telephone": "05 58 00 00 00",
        "volume_horaire_hebdomadaire": "2",
        "nombre_semaines": "1",
        "capacite": "8",
        "frequence_actualisation": "tous-les-3-mois",
        **surcharges,
    }


def creer(client, territoire, **surcharges):
    return client.post(reverse("offre:service_creer", args=[territoire.structure.uuid]), donnees_service(**surcharges))


def test_un_membre_de_l_organisation_publie_un_service_avec_un_identifiant_stable(client, connecter, territoire):
    connecter(territoire.professionnel)
    reponse = creer(client, territoire)
    service = Service.objects.get(nom="Atelier CV")
    assert reponse.status_code == 302 and reponse.url == reverse("offre:service", args=[service.uuid])
    assert service.source == "spie" and service.identifiant == f"spie--{service.uuid}"
    # La commune est déduite du code postal (Dax n'a qu'une commune), le département et les coordonnées aussi.
    assert (service.code_insee, service.commune, service.departement) == ("40088", "Dax", "40")
    assert service.latitude is not None
    assert service.zone_eligibilite == ["40088", "40"]
    assert service.en_presentiel and not service.a_distance
    assert set(CritereService.objects.filter(service=service).values_list("nature", "code")) >= {
        ("thematique", CV),
        ("categorie", "preparer-sa-candidature"),
        ("public", "jeunes"),
        ("zone", "40088"),
    }


def test_la_fiche_montre_les_libelles_la_zone_en_noms_et_le_badge_a_jour(client, connecter, territoire):
    service = fabriques.service(
        territoire.structure,
        thematiques=[CV, PERMIS],
        publics=["jeunes"],
        zone_eligibilite=["40088", "200069581", "40", "75"],
        a_distance=True,
        volume_horaire_hebdomadaire=7.5,
        nombre_semaines=4,
    )
    connecter(territoire.autre)
    page = client.get(reverse("offre:service", args=[service.uuid])).content.decode()
    assert "Réaliser un CV et/ou une lettre de motivation" in page and "Préparer sa candidature" in page
    assert "Préparer un permis" in page and "Mobilité" in page
    assert "Jeunes" in page
    assert "Dax (commune, 40)" in page and "Landes (département 40)" in page
    assert "(intercommunalité)" in page
    # Un code à deux chiffres est un département (data·inclusion n'a pas de code de région).
    assert "Paris (département 75)" in page and "région" not in page
    assert "À distance" in page and "7,5 heures par semaine" in page and "4 semaines" in page
    assert "à jour" in page and "Signaler une erreur" in page
    # Un professionnel d'une autre organisation ne voit pas les boutons des éditeurs.
    assert "Toujours à jour" not in page and "Ajouter une session" not in page


def test_l_editeur_voit_ses_boutons_sur_la_fiche(client, connecter, territoire):
    connecter(territoire.professionnel)
    page = client.get(reverse("offre:service", args=[territoire.service.uuid])).content.decode()
    assert "Toujours à jour" in page and "Ajouter une session" in page
    assert reverse("offre:service_modifier", args=[territoire.service.uuid]) in page


def test_modifier_un_service_le_remet_a_jour_et_reindexe(client, connecter, territoire, time_machine):
    time_machine.move_to("2026-03-02 10:00 +01:00")
    service = territoire.service
    Service.objects.filter(pk=service.pk).update(date_maj="2025-01-01")
    connecter(territoire.administrateur)
    reponse = client.post(
        reverse("offre:service_modifier", args=[service.uuid]),
        donnees_service(nom="Aide au permis B", thematiques=[PERMIS], code_postal="40100"),
    )
    assert reponse.status_code == 302
    service.refresh_from_db()
    assert service.nom == "Aide au permis B" and str(service.date_maj) == "2026-03-02"
    assert str(service.a_actualiser_le) == "2026-06-02"
    # Changer de commune déplace aussi les coordonnées (celles de Dax, plus celles de Mont-de-Marsan).
    assert service.code_insee == "40088" and round(service.latitude, 1) == 43.7
    assert not CritereService.objects.filter(service=service, code=CV).exists()


def test_modifier_la_fiche_reprend_les_valeurs_enregistrees(client, connecter, territoire):
    service = territoire.service
    Service.objects.filter(pk=service.pk).update(zone_eligibilite=["40", "40088"], a_distance=True)
    connecter(territoire.professionnel)
    page = client.get(reverse("offre:service_modifier", args=[service.uuid])).content.decode()
    assert 'value="40, 40088"' in page
    assert 'value="a-distance" id="id_modes_accueil_0" checked' in page
    assert 'value="en-presentiel" id="id_modes_accueil_1" checked' in page
    assert '<option value="40192" selected>Mont-de-Marsan</option>' in page
    assert "{#" not in page and "#}" not in page


@pytest.mark.parametrize(
    ("surcharges", "champ", "message"),
    [
        ({"thematiques": ["mobilite--voler"]}, "thematiques", "Sélectionnez un choix valide"),
        ({"thematiques": []}, "thematiques", "Cochez au moins une thématique"),
        ({"publics": ["tous-publics", "jeunes"]}, "publics", "« Tous publics » ne se combine pas"),
        ({"zone_eligibilite": "40, 99999"}, "zone_eligibilite", "le code « 99999 » ne correspond à aucune"),
        (
            {"modes_accueil": []},
            "modes_accueil",
            "Indiquez une adresse (accueil en présentiel) ou cochez « à distance »",
        ),
        ({"adresse": ""}, "adresse", "L&#x27;accueil en présentiel demande une adresse"),
        ({"code_postal": ""}, "code_postal", "Indiquez le code postal du lieu d&#x27;accueil"),
        ({"code_postal": "40500"}, "code_insee", "dessert plusieurs communes : choisissez la commune"),
        ({"code_postal": "40500", "code_insee": "40088"}, "code_insee", "Sélectionnez un choix valide"),
        ({"code_postal": "99999"}, "code_postal", "ne correspond à aucune commune"),
        ({"nombre_semaines": "0"}, "nombre_semaines", "supérieure ou égale à 1"),
        ({"lien_mobilisation": "pas un lien"}, "lien_mobilisation", "Saisissez une URL valide"),
        ({"description": ""}, "description", "Ce champ est obligatoire"),
    ],
)
def test_une_mauvaise_entree_donne_un_message_clair_et_n_ecrit_rien(
    client, connecter, territoire, surcharges, champ, message
):
    connecter(territoire.administrateur)
    avant = Service.objects.count(), CritereService.objects.count()
    reponse = creer(client, territoire, **surcharges)
    assert reponse.status_code == 200
    assert champ in reponse.context["form"].errors, reponse.context["form"].errors
    assert message in reponse.content.decode()
    assert (Service.objects.count(), CritereService.objects.count()) == avant


def test_a_distance_seulement_n_exige_pas_d_adresse(client, connecter, territoire):
    connecter(territoire.administrateur)
    reponse = creer(client, territoire, modes_accueil=["a-distance"], adresse="", code_postal="")
    assert reponse.status_code == 302
    service = Service.objects.get(nom="Atelier CV")
    assert service.a_distance and not service.en_presentiel and service.departement == "40"


def test_le_code_postal_qui_dessert_plusieurs_communes_se_complete_par_le_choix(client, connecter, territoire):
    connecter(territoire.administrateur)
    assert creer(client, territoire, code_postal="40500", code_insee="40282").status_code == 302
    assert Service.objects.get(nom="Atelier CV").commune == "Saint-Sever"


def test_le_choix_des_communes_se_met_a_jour_en_htmx(client, connecter, territoire):
    connecter(territoire.administrateur)
    reponse = client.get(
        reverse("offre:service_creer", args=[territoire.structure.uuid]),
        {"code_postal": "40500"},
        headers={"HX-Request": "true"},
    )
    page = reponse.content.decode()
    assert 'id="choix-commune"' in page and "Saint-Sever" in page and "<html" not in page


@pytest.mark.parametrize(
    ("acteur", "statut"),
    [("professionnel", 200), ("administrateur", 200), ("pilote", 200), ("autre", 403), ("pilote_voisin", 403)],
)
def test_seuls_les_membres_de_l_organisation_et_le_pilote_modifient(client, connecter, territoire, acteur, statut):
    connecter(getattr(territoire, acteur))
    assert client.get(reverse("offre:service_modifier", args=[territoire.service.uuid])).status_code == statut
    reponse = client.post(
        reverse("offre:service_modifier", args=[territoire.service.uuid]), donnees_service(nom="Renommé")
    )
    assert reponse.status_code == (302 if statut == 200 else 403)
    territoire.service.refresh_from_db()
    assert (territoire.service.nom == "Renommé") is (statut == 200)


def test_un_membre_desactive_ne_modifie_plus(client, connecter, territoire):
    from partenaires import services as partenaires_services

    appartenance = territoire.professionnel.membres.get()
    partenaires_services.desactiver_membre(appartenance, acteur=territoire.administrateur, motif="Départ")
    connecter(territoire.professionnel)
    assert client.get(reverse("offre:service_modifier", args=[territoire.service.uuid])).status_code == 403


def test_un_compte_sans_appartenance_ne_consulte_pas_le_catalogue(client, connecter, territoire):
    from tests.factories import UtilisateurFactory

    connecter(UtilisateurFactory())
    assert client.get(reverse("offre:service", args=[territoire.service.uuid])).status_code == 403
    assert client.get(reverse("offre:structures")).status_code == 403
