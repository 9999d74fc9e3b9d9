"""Export du catalogue d'un territoire en data·inclusion v1 (JSON, CSV) et aller-retour : exporter, vider l'offre,
réimporter, et retrouver le même catalogue, champ v1 pour champ v1."""

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offre.echange import correspondance, ecriture, export, schema
from offre.echange.lecture import Fichier
from offre.echange.schema import SERVICE, STRUCTURE
from offre.models import CritereService, Service, SessionService, Structure
from partenaires.choix import Role
from partenaires.referentiels import communes
from tests.factories import OrganisationFactory, UtilisateurFactory, membre
from tests.offre import fabriques

pytestmark = pytest.mark.django_db

URL = reverse("offre:export")
BORDEAUX = ("33063", "Bordeaux", "33000")
PAU = ("64445", "Pau", "64000")


def catalogue_varie() -> dict:
    """Un catalogue qui exerce chaque champ v1 : structure partenaire complète, structure hors plateforme minimale,
    structure voisine (Gironde) qui porte un service landais, service à distance, textes piégeux pour un CSV."""
    organisation = OrganisationFactory(nom="Mission locale des Landes", departement="40")
    complete = fabriques.structure(
        organisation,
        source="spie",
        identifiant="spie--mission-locale",
        nom="Mission locale des Landes",
        siret=organisation.siret,
        description="Accueil, information et accompagnement des jeunes de 16 à 25 ans.",
        reseaux_porteurs=["mission-locale", "france-service"],
        complement_adresse="Bâtiment B",
        telephone="05 58 00 00 00",
        courriel="contact@ml40.fr",
        site_web="https://ml40.fr",
        horaires_accueil="Mo-Fr 09:00-12:00",
        accessibilite_lieu="https://acceslibre.beta.gouv.fr/app/40-mont-de-marsan/a/mission-locale/",
        lien_source="https://ml40.fr/structure",
        date_maj=date(2026, 1, 20),
    )
    minimale = fabriques.structure(
        source="dora", identifiant="dora--garage", nom="Garage solidaire", commune=fabriques.DAX, adresse=""
    )
    voisine = fabriques.structure(source="dora", identifiant="dora--bordeaux", nom="Permis pour tous", commune=BORDEAUX)
    epci = communes()["40192"]["code_epci"]
    fabriques.service(
        complete,
        identifiant="spie--accompagnement",
        nom="Accompagnement renforcé vers l'emploi",
        description='Un suivi "intensif" ; des ateliers, des mises en situation,\net un référent unique.',
        type="accompagnement",
        thematiques=["choisir-un-metier--confirmer-son-choix-de-metier", "famille--garde-denfants"],
        publics=["jeunes", "beneficiaires-des-minimas-sociaux"],
        publics_precisions="De 16 à 25 ans.",
        frais="payant",
        frais_precisions="5 € d'adhésion ; gratuit au RSA",
        a_distance=True,
        complement_adresse="2e étage",
        zone_eligibilite=["40", epci, "40088"],
        modes_mobilisation=["envoyer-un-courriel", "telephoner"],
        mobilisable_par=["professionnels", "usagers"],
        mobilisation_precisions="Par la fiche de liaison.",
        lien_mobilisation="https://ml40.fr/inscription",
        conditions_acces="Avoir entre 16 et 25 ans.",
        justificatifs="Pièce d'identité, justificatif de domicile",
        contact_nom_prenom="Camille Laborde",
        horaires_accueil="Tu,Th 14:00-17:00",
        volume_horaire_hebdomadaire=Decimal("12.5"),
        nombre_semaines=6,
        capacite=15,
        lien_source="https://ml40.fr/services/accompagnement",
        date_maj=date(2026, 2, 2),
    )
    fabriques.service(
        minimale,
        source="dora",
        identifiant="dora--distance",
        nom="Diagnostic mobilité en visio",
        en_presentiel=False,
        a_distance=True,
        adresse="",
        commune=("", "", ""),
        zone_eligibilite=["france"],
        thematiques=[],
        publics=[],
        frais="",
        type="",
        courriel="",
        telephone="",
    )
    # Un service créé dans la plateforme (source spie) dans une structure venue de DORA.
    fabriques.service(minimale, source="spie", identifiant="spie--reparation", commune=fabriques.DAX)
    fabriques.service(voisine, source="dora", identifiant="dora--permis-dax", commune=fabriques.DAX)
    suspendu = fabriques.service(complete, identifiant="spie--suspendu", nom="Service suspendu")
    suspendu.statut = Service.Statut.SUSPENDU
    suspendu.save()
    fabriques.service(fabriques.structure(commune=PAU), identifiant="spie--pau", commune=PAU)
    fabriques.session(Service.objects.get(identifiant="spie--accompagnement"))
    return {"organisation": organisation}


def vider_l_offre():
    CritereService.objects.all().delete()
    SessionService.objects.all().delete()
    Service.objects.all().delete()
    Structure.objects.all().delete()


def importer(*fichiers):
    return ecriture.importer(list(fichiers), acteur=None, departements={"40"})


@pytest.fixture
def professionnel(connecter):
    utilisateur = membre(OrganisationFactory(departement="40"), Role.PROFESSIONNEL).utilisateur
    return connecter(utilisateur)


def telecharger(client, **parametres):
    reponse = client.get(URL, parametres)
    assert reponse.status_code == 200, reponse.content.decode()[:500]
    return reponse


# --- Accès --------------------------------------------------------------------------------------------------


def test_la_page_d_export_propose_les_departements_de_l_utilisateur(client, connecter):
    utilisateur = membre(OrganisationFactory(departement="40"), Role.PROFESSIONNEL).utilisateur
    membre(OrganisationFactory(departement="64"), Role.PILOTE, utilisateur=utilisateur)
    connecter(utilisateur)
    reponse = client.get(URL)
    assert reponse.status_code == 200
    assert [code for code, _ in reponse.context["form"].fields["departement"].choices] == ["40", "64"]


def test_un_autre_departement_et_le_superutilisateur_sont_refuses(client, connecter, professionnel):
    assert client.get(URL, {"departement": "64", "format": "json"}).status_code == 403
    connecter(UtilisateurFactory(is_superuser=True, is_staff=True))
    assert client.get(URL).status_code == 403


def test_un_csv_demande_le_type_d_objets(client, professionnel):
    reponse = client.get(URL, {"departement": "40", "format": "csv"})
    assert reponse.status_code == 400
    assert "Un fichier CSV contient soit les structures, soit les services" in reponse.content.decode()


# --- Contenu ------------------------------------------------------------------------------------------------


@time_machine.travel("2026-03-01 10:00 +01:00")
def test_l_export_json_est_un_telechargement_du_catalogue_du_territoire(client, professionnel):
    catalogue_varie()
    reponse = telecharger(client, departement="40", format="json")
    assert reponse["Content-Type"] == "application/json; charset=utf-8"
    assert reponse["Content-Disposition"] == 'attachment; filename="offre-40-catalogue-2026-03-01.json"'
    contenu = json.loads(reponse.content)
    assert {s["id"] for s in contenu["structures"]} == {
        "spie--mission-locale",
        "dora--garage",
        "dora--bordeaux",  # en Gironde, mais elle porte un service landais
    }
    assert {s["id"] for s in contenu["services"]} == {
        "spie--accompagnement",
        "dora--distance",
        "spie--reparation",
        "dora--permis-dax",
    }  # ni le service suspendu, ni celui de Pau


def test_chaque_objet_exporte_est_valide_contre_le_schema_v1(client, professionnel):
    catalogue_varie()
    contenu = json.loads(telecharger(client, departement="40", format="json").content)
    for structure in contenu["structures"]:
        assert schema.erreurs(STRUCTURE, structure) == [], structure
    for service in contenu["services"]:
        assert schema.erreurs(SERVICE, service) == [], service


def test_les_champs_hors_schema_ne_sortent_pas_et_les_contacts_si(client, professionnel):
    catalogue_varie()
    contenu = json.loads(telecharger(client, departement="40", format="json", type="services").content)
    accompagnement = next(s for s in contenu if s["id"] == "spie--accompagnement")
    assert list(accompagnement) == list(correspondance.CHAMPS_SERVICE)  # ni capacité, ni sessions, ni fréquence
    assert accompagnement["contact_nom_prenom"] == "Camille Laborde"
    assert accompagnement["modes_accueil"] == ["en-presentiel", "a-distance"]
    assert accompagnement["volume_horaire_hebdomadaire"] == 12.5
    assert accompagnement["conditions_acces"] == (
        "Avoir entre 16 et 25 ans.\n\nDocuments à fournir : Pièce d'identité, justificatif de domicile"
    )
    distance = next(s for s in contenu if s["id"] == "dora--distance")
    assert distance["modes_accueil"] == ["a-distance"]
    assert distance["thematiques"] is None and distance["adresse"] is None
    reparation = next(s for s in contenu if s["id"] == "spie--reparation")
    assert (reparation["source"], reparation["structure_id"]) == ("spie", "dora--garage")


@time_machine.travel("2026-03-01 10:00 +01:00")
def test_l_export_csv_a_une_colonne_par_champ_v1(client, professionnel):
    catalogue_varie()
    reponse = telecharger(client, departement="40", format="csv", type="services")
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == 'attachment; filename="offre-40-services-2026-03-01.csv"'
    texte = reponse.content.decode("utf-8")
    assert texte.startswith("\ufeffsource,id,structure_id,nom,description,date_maj,type,thematiques,")
    assert '"choisir-un-metier--confirmer-son-choix-de-metier, famille--garde-denfants"' in texte


def test_l_export_coute_le_meme_nombre_de_requetes_a_1_et_30_services(django_assert_num_queries):
    structure = fabriques.structure()
    fabriques.service(structure)
    with CaptureQueriesContext(connection) as pour_un:
        export.catalogue("40")
    for _ in range(29):
        fabriques.service(structure)
    with django_assert_num_queries(len(pour_un.captured_queries)):
        contenu = export.catalogue("40")
    assert len(contenu["services"]) == 30


# --- Aller-retour -------------------------------------------------------------------------------------------


def _par_cle(objets):
    return sorted(objets, key=lambda objet: (objet["source"], objet["id"]))


def test_aller_retour_json_redonne_le_meme_catalogue():
    contexte = catalogue_varie()
    avant = export.catalogue("40")
    fichier = Fichier(STRUCTURE, "offre.json", export.en_json(avant))
    vider_l_offre()
    resultat = importer(fichier)
    assert resultat.compte()["en_erreur"] == 0
    apres = export.catalogue("40")
    assert _par_cle(apres["structures"]) == _par_cle(avant["structures"])
    assert _par_cle(apres["services"]) == _par_cle(avant["services"])
    # La structure de même SIRET que l'organisation partenaire lui est de nouveau rattachée.
    assert Structure.objects.get(identifiant="spie--mission-locale").organisation == contexte["organisation"]
    # Les services réimportés sont de nouveau trouvables (index de recherche réécrit).
    assert CritereService.objects.filter(code="famille--garde-denfants").exists()


def test_aller_retour_csv_redonne_le_meme_catalogue():
    catalogue_varie()
    avant = export.catalogue("40")
    structures = Fichier(STRUCTURE, "structures.csv", export.en_csv(avant["structures"], export.STRUCTURES))
    services_ = Fichier(SERVICE, "services.csv", export.en_csv(avant["services"], export.SERVICES))
    vider_l_offre()
    assert importer(structures, services_).compte()["en_erreur"] == 0
    apres = export.catalogue("40")
    assert _par_cle(apres["structures"]) == _par_cle(avant["structures"])
    assert _par_cle(apres["services"]) == _par_cle(avant["services"])
    accompagnement = Service.objects.get(identifiant="spie--accompagnement")
    assert accompagnement.justificatifs == "Pièce d'identité, justificatif de domicile"


def test_reimporter_son_propre_export_ne_change_rien():
    catalogue_varie()
    avant = export.catalogue("40")
    services_avant = {s.identifiant: s for s in Service.objects.all()}
    criteres_avant = sorted(CritereService.objects.values_list("service__identifiant", "nature", "code"))
    resultat = importer(Fichier(STRUCTURE, "offre.json", export.en_json(avant)))
    assert resultat.compte()["structures_creees"] == resultat.compte()["services_crees"] == 0
    assert export.catalogue("40") == avant
    for service in Service.objects.all():
        ancien = services_avant[service.identifiant]
        assert (service.uuid, service.capacite, service.justificatifs) == (
            ancien.uuid,
            ancien.capacite,
            ancien.justificatifs,
        )
    assert sorted(CritereService.objects.values_list("service__identifiant", "nature", "code")) == criteres_avant
