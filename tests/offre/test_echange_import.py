"""Import data·inclusion v1 par le pilote territorial : analyse à blanc, erreurs par ligne en français, confirmation
du fichier analysé (et de lui seul), upsert sur `source` + `id`, tout ou rien (ou les seules lignes valides)."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offre import regles
from offre.echange import depot, ecriture
from offre.echange.lecture import Fichier
from offre.echange.schema import SERVICE, STRUCTURE
from offre.models import CritereService, Service, Structure
from partenaires.choix import Role
from partenaires.referentiels import communes
from tests.factories import OrganisationFactory, membre, siret_valide
from tests.offre import fabriques

pytestmark = pytest.mark.django_db

DONNEES = Path(__file__).resolve().parent / "donnees"
EN_PRESENTIEL_SANS_ADRESSE = (
    "L'accueil en présentiel demande une adresse : indiquez-la, ou cochez seulement « à distance »."
)
URL = reverse("offre:import")


def structure_v1(numero=1, **champs):
    return {
        "source": "dora",
        "id": f"dora--s{numero}",
        "nom": f"Relais emploi {numero}",
        "date_maj": "2026-02-01",
        "adresse": "3 rue Gambetta",
        "code_postal": "40100",
        "commune": "Dax",
        "code_insee": "40088",
        **champs,
    }


def service_v1(numero=1, structure="dora--s1", **champs):
    return {
        "source": "dora",
        "id": f"dora--v{numero}",
        "structure_id": structure,
        "nom": f"Atelier CV {numero}",
        "description": "Un atelier collectif pour écrire son CV et préparer ses entretiens.",
        "date_maj": "2026-02-01",
        "type": "atelier",
        "thematiques": ["choisir-un-metier--identifier-ses-points-forts-et-ses-competences"],
        "publics": ["demandeurs-emploi"],
        "modes_accueil": ["en-presentiel"],
        "adresse": "3 rue Gambetta",
        "code_postal": "40100",
        "code_insee": "40088",
        "zone_eligibilite": ["40"],
        "courriel": "atelier@relais.fr",
        **champs,
    }


def fichier(structures=(), services=(), nom="offre.json") -> Fichier:
    contenu = json.dumps({"structures": list(structures), "services": list(services)}).encode()
    return Fichier(STRUCTURE, nom, contenu)


@pytest.fixture
def pilote():
    return membre(OrganisationFactory(nom="Département des Landes", departement="40"), Role.PILOTE).utilisateur


def importer(*fichiers, valides_seulement=False, departements=("40",)):
    return ecriture.importer(
        list(fichiers), acteur=None, departements=set(departements), valides_seulement=valides_seulement
    )


def erreurs_de(*fichiers, departements=("40",)) -> list[str]:
    with pytest.raises(ecriture.ImportRefuse) as refus:
        importer(*fichiers, departements=departements)
    return refus.value.analyse.erreurs


def televerser(client, structures=None, services=None):
    donnees = {}
    if structures is not None:
        donnees["structures"] = SimpleUploadedFile(structures.nom, structures.contenu)
    if services is not None:
        donnees["services"] = SimpleUploadedFile(services.nom, services.contenu)
    return client.post(URL, donnees)


# --- Accès --------------------------------------------------------------------------------------------------


def test_un_professionnel_qui_n_est_pas_pilote_ne_peut_pas_importer(client, connecter):
    administrateur = membre(OrganisationFactory(departement="40"), Role.ADMINISTRATEUR).utilisateur
    connecter(administrateur)
    assert client.get(URL).status_code == 403
    reponse = televerser(client, fichier([structure_v1()]))
    assert reponse.status_code == 403
    assert not Structure.objects.exists()


# --- Analyse à blanc ----------------------------------------------------------------------------------------


def test_l_analyse_a_blanc_n_ecrit_rien_et_annonce_creations_et_mises_a_jour(client, connecter, pilote):
    existante = fabriques.structure(source="dora", identifiant="dora--s1")
    connecter(pilote)
    reponse = televerser(client, fichier([structure_v1(1), structure_v1(2)], [service_v1(1)]))
    assert reponse.status_code == 302
    assert list(Structure.objects.all()) == [existante]
    assert not Service.objects.exists()
    page = client.get(URL)
    contenu = page.content.decode()
    assert "Analyse de offre.json : 3 lignes, 0 en erreur" in contenu
    assert page.context["depot"].compte == {
        "structures_creees": 1,
        "structures_mises_a_jour": 1,
        "structures_inchangees": 0,
        "services_crees": 1,
        "services_mis_a_jour": 0,
        "services_inchanges": 0,
        "en_erreur": 0,
        "valides": 3,
        "lignes": 3,
    }
    assert "Confirmer l'import" in contenu


def test_un_fichier_illisible_est_refuse_sur_le_formulaire(client, connecter, pilote):
    connecter(pilote)
    reponse = televerser(client, Fichier(STRUCTURE, "structures.csv", "nom\nCafé\n".encode("cp1252")))
    assert reponse.status_code == 400
    assert "n&#x27;est pas encodé en UTF-8" in reponse.content.decode()
    assert client.session.get(depot.CLE) is None


def test_sans_aucun_fichier_le_formulaire_le_dit(client, connecter, pilote):
    connecter(pilote)
    reponse = client.post(URL, {})
    assert reponse.status_code == 400
    assert "Déposez un fichier de structures, de services, ou les deux." in reponse.content.decode()


def test_le_fichier_du_valideur_data_inclusion_donne_chaque_erreur_plantee_par_ligne(client, connecter):
    pilote_du_nord = membre(OrganisationFactory(departement="59", code_postal="59000"), Role.PILOTE).utilisateur
    connecter(pilote_du_nord)
    structures = Fichier(STRUCTURE, "valideur-structures.csv", (DONNEES / "valideur-structures.csv").read_bytes())
    services = Fichier(SERVICE, "valideur-services.csv", (DONNEES / "valideur-services.csv").read_bytes())
    televerser(client, structures, services)
    analyse = client.get(URL).context["depot"]
    agence = "Structure ligne 3 (id 005d3060-c322-4ec5-bd70-a60f054d3b81)"
    logement = "Service ligne 3 (id 53669028-8862-4f42-a80c-d3f269456edc)"
    logement_2 = "Service ligne 24 (id 53669028-8862-4f42-a80c-d3f269456ed2)"  # après 20 lignes de description
    assert analyse.erreurs == [
        f"{agence} : « code_postal » : « 750121 » n'est pas un code postal de 5 chiffres",
        f"{agence} : « courriel » : « pas une adresse » n'est pas une adresse électronique valide",
        f"{agence} : « site_web » : « pas une url ! » n'est pas une adresse web valide (https://…)",
        f"{agence} : « nom » : « AGENCE ACTION LOGEMENT. » ne doit pas se terminer par un point",
        f"{logement} : personne mobilisatrice inconnue « autres »",
        f"{logement} : « nombre_semaines » : « beaucoup » n'est pas un nombre entier",
        f"{logement} : thématique inconnue « logement-hebergement--louer-un-appartement »",
        f"{logement} : {EN_PRESENTIEL_SANS_ADRESSE}",
        f"{logement} : sa structure ({agence}) est en erreur",
        f"{logement_2} : personne mobilisatrice inconnue « autres »",
        f"{logement_2} : « nombre_semaines » : « beaucoup » n'est pas un nombre entier",
        f"{logement_2} : {EN_PRESENTIEL_SANS_ADRESSE}",
        f"{logement_2} : Le code INSEE « 59999 » ne correspond à aucune commune.",
        f"{logement_2} : sa structure ({agence}) est en erreur",
    ]
    assert analyse.compte["valides"] == 2  # le Biclou et son atelier
    client.post(reverse("offre:import_confirmer"), {"empreinte": analyse.empreinte, "valides_seulement": "on"})
    atelier = Service.objects.select_related("structure").get()
    assert (atelier.nom, atelier.structure.nom, atelier.departement) == ("Atelier d’autoréparation", "Le Biclou", "59")
    assert atelier.mobilisable_par == ["professionnels", "usagers"]
    assert analyse.avertissements == [
        "« valideur-structures.csv » : colonnes hors du schéma data·inclusion v1 des structures, ignorées : "
        "__ignore__, colonne en trop, colonne en double.",
        "« valideur-services.csv » : colonnes hors du schéma data·inclusion v1 des services, ignorées : "
        "__ignore__, lien_url_gen, lien_url_widget.",
    ]


def test_apres_le_schema_nos_regles_nomment_la_faute(pilote):
    """Le nom de l'agence finit par un point, la commune 59999 n'existe pas : nos règles, après le schéma."""
    structures = [
        structure_v1(1, nom="AGENCE ACTION LOGEMENT."),
        structure_v1(2, code_insee="59999"),
    ]
    services = [
        service_v1(1, structure="dora--s3"),
        service_v1(2, zone_eligibilite=["40", "40999", "200999999"]),
        service_v1(3, modes_accueil=None, adresse=None),
        service_v1(4, modes_accueil=["en-presentiel"], adresse=None),
        service_v1(5, publics=["tous-publics", "femmes"]),
        service_v1(6, zone_eligibilite=["99100"], modes_accueil=["a-distance"], adresse=None),
    ]
    assert erreurs_de(fichier(structures + [structure_v1(3)], services)) == [
        "Structure n° 1 (id dora--s1) : « nom » : « AGENCE ACTION LOGEMENT. » ne doit pas se terminer par un point",
        "Structure n° 2 (id dora--s2) : Le code INSEE « 59999 » ne correspond à aucune commune.",
        "Service n° 2 (id dora--v2) : Zone d'éligibilité : les codes « 40999 », « 200999999 » ne correspondent à "
        "aucune commune, intercommunalité, département ou région (une région s'écrit R suivi de son code : R75).",
        "Service n° 2 (id dora--v2) : sa structure (Structure n° 1 (id dora--s1)) est en erreur",
        "Service n° 3 (id dora--v3) : Indiquez une adresse (accueil en présentiel) ou cochez « à distance ».",
        "Service n° 3 (id dora--v3) : sa structure (Structure n° 1 (id dora--s1)) est en erreur",
        f"Service n° 4 (id dora--v4) : {EN_PRESENTIEL_SANS_ADRESSE}",
        "Service n° 4 (id dora--v4) : sa structure (Structure n° 1 (id dora--s1)) est en erreur",
        "Service n° 5 (id dora--v5) : Publics : « Tous publics » ne se combine pas avec d'autres publics ; cochez "
        "soit « Tous publics », soit les publics visés.",
        "Service n° 5 (id dora--v5) : sa structure (Structure n° 1 (id dora--s1)) est en erreur",
        "Service n° 6 (id dora--v6) : sa structure (Structure n° 1 (id dora--s1)) est en erreur",
    ]


def test_une_structure_inconnue_du_fichier_et_de_la_base_est_refusee(pilote):
    assert erreurs_de(fichier([], [service_v1(1, structure="dora--absente")])) == [
        "Service n° 1 (id dora--v1) : « structure_id » : la structure « dora--absente » est inconnue (ni dans le "
        "fichier, ni dans la base)"
    ]


def test_un_service_se_rattache_a_une_structure_deja_en_base():
    structure = fabriques.structure(source="dora", identifiant="dora--s9", commune=fabriques.DAX)
    importer(fichier([], [service_v1(1, structure="dora--s9")]))
    assert Service.objects.get().structure == structure


def test_un_doublon_dans_le_fichier_est_refuse_et_laisse_la_premiere_ligne_intacte():
    fabriques.structure(source="dora", identifiant="dora--s1", commune=fabriques.DAX)
    contenu = fichier([structure_v1(1, nom="Premier nom"), structure_v1(1, nom="Second nom")], [service_v1(1)])
    assert erreurs_de(contenu) == [
        "Structure n° 2 (id dora--s1) : cette structure figure déjà plus haut dans le fichier (Structure n° 1 (id "
        "dora--s1))"
    ]
    importer(contenu, valides_seulement=True)
    assert Structure.objects.get().nom == "Premier nom"
    assert Service.objects.get().structure.nom == "Premier nom"


def test_un_service_prend_la_structure_de_sa_source_dans_le_fichier_ou_en_base():
    en_base = fabriques.structure(source="dora", identifiant="x", commune=fabriques.DAX)
    importer(fichier([structure_v1(1, source="autre", id="x")], [service_v1(1, structure="x")]))
    assert Service.objects.get().structure == en_base
    assert erreurs_de(fichier([], [service_v1(2, source="tierce", structure="x")])) == [
        "Service n° 1 (id dora--v2) : « structure_id » : plusieurs structures de sources différentes portent "
        "l'identifiant « x »"
    ]


def test_hors_du_territoire_du_pilote_rien_n_est_importe():
    bordeaux = {"code_insee": "33063", "code_postal": "33000", "commune": "Bordeaux", "adresse": "1 cours Victor Hugo"}
    assert erreurs_de(fichier([structure_v1(1, **bordeaux)], [service_v1(1, **bordeaux)])) == [
        "Structure n° 1 (id dora--s1) : la structure est hors de votre territoire : elle est dans le département "
        "33, vous pilotez 40",
        "Service n° 1 (id dora--v1) : le service est hors de votre territoire : il est dans le département 33, vous "
        "pilotez 40",
        "Service n° 1 (id dora--v1) : sa structure (Structure n° 1 (id dora--s1)) est en erreur",
    ]


def test_une_structure_voisine_qui_porte_un_service_du_territoire_est_importee():
    bordeaux = {"code_insee": "33063", "code_postal": "33000", "commune": "Bordeaux", "adresse": "1 cours Victor Hugo"}
    importer(fichier([structure_v1(1, **bordeaux)], [service_v1(1)]))
    assert Structure.objects.get().departement == "33"
    assert Service.objects.get().departement == "40"


def test_une_structure_sans_commune_se_situe_par_son_code_postal():
    importer(fichier([structure_v1(1, code_insee=None, code_postal="40000")]))
    assert Structure.objects.get().departement == "40"
    assert erreurs_de(fichier([structure_v1(2, code_insee=None, code_postal=None)])) == [
        "Structure n° 1 (id dora--s2) : la structure est hors de votre territoire : elle est impossible à situer "
        "(ni commune ni code postal), vous pilotez 40"
    ]


def test_un_service_d_un_autre_territoire_deja_en_base_n_est_pas_touche():
    ailleurs = fabriques.service(
        commune=("64445", "Pau", "64000"), source="dora", identifiant="dora--v1", nom="Service de Pau"
    )
    structure = fabriques.structure(source="dora", identifiant="dora--s1", commune=fabriques.DAX)
    assert erreurs_de(fichier([], [service_v1(1, structure=structure.identifiant)])) == [
        "Service n° 1 (id dora--v1) : le service existe déjà dans un autre territoire (département 64) : seul son "
        "pilote le met à jour"
    ]
    ailleurs.refresh_from_db()
    assert ailleurs.nom == "Service de Pau"


def test_les_controles_de_nos_champs_s_ajoutent_au_schema():
    assert erreurs_de(fichier([structure_v1(1, adresse="x" * 300)])) == [
        "Structure n° 1 (id dora--s1) : « adresse » : Assurez-vous que cette valeur comporte au plus 250 caractères "
        "(actuellement 300)."
    ]


# --- Écriture -----------------------------------------------------------------------------------------------


def test_un_import_cree_structures_et_services_prets_pour_la_recherche():
    importer(
        fichier(
            [structure_v1(1, reseaux_porteurs=["mission-locale"])],
            [
                service_v1(
                    1,
                    conditions_acces="Être inscrit à France Travail.\n\nDocuments à fournir : pièce d'identité",
                    volume_horaire_hebdomadaire=7.25,
                    zone_eligibilite=["99100"],
                )
            ],
        )
    )
    structure = Structure.objects.get()
    assert (structure.source, structure.identifiant, structure.departement) == ("dora", "dora--s1", "40")
    assert structure.reseaux_porteurs == ["mission-locale"]
    assert structure.organisation is None
    service = Service.objects.get()
    assert service.structure == structure
    assert (service.en_presentiel, service.a_distance) == (True, False)
    assert service.conditions_acces == "Être inscrit à France Travail."
    assert service.justificatifs == "pièce d'identité"
    assert str(service.volume_horaire_hebdomadaire) == "7.3"  # à un dixième d'heure près
    assert service.zone_eligibilite == ["france"]
    assert round(service.latitude, 1) == 43.7  # le centre de Dax, déduit du code INSEE
    assert service.a_actualiser_le is not None
    assert "atelier cv 1" in service.texte_recherche
    assert set(CritereService.objects.filter(service=service).values_list("nature", "code")) == {
        ("thematique", "choisir-un-metier--identifier-ses-points-forts-et-ses-competences"),
        ("categorie", "choisir-un-metier"),
        ("public", "demandeurs-emploi"),
        ("zone", "france"),
    }


def test_reimporter_met_a_jour_sans_doublon(pilote):
    contenu = fichier([structure_v1(1)], [service_v1(1), service_v1(2)])
    importer(contenu)
    service = Service.objects.get(identifiant="dora--v1")
    service.capacite = 12  # ce que data·inclusion ne porte pas est gardé
    service.save()
    resultat = importer(fichier([structure_v1(1, nom="Relais renommé")], [service_v1(1, publics=["jeunes"])]))
    assert resultat.compte()["structures_mises_a_jour"] == 1
    assert resultat.compte()["services_mis_a_jour"] == 1
    assert Structure.objects.get().nom == "Relais renommé"
    assert Service.objects.count() == 2
    service.refresh_from_db()
    assert service.publics == ["jeunes"]
    assert service.capacite == 12
    assert CritereService.objects.filter(service=service, nature="public").count() == 1
    importer(contenu)
    assert Structure.objects.count() == 1
    assert Service.objects.count() == 2
    assert CritereService.objects.filter(service=service, nature="public").get().code == "demandeurs-emploi"


def test_reimporter_le_meme_fichier_n_ecrit_rien():
    contenu = fichier([structure_v1(1), structure_v1(2)], [service_v1(1), service_v1(2, structure="dora--s2")])
    importer(contenu)
    with CaptureQueriesContext(connection) as requetes:
        resultat = importer(contenu)
    compte = resultat.compte()
    assert (compte["structures_inchangees"], compte["services_inchanges"]) == (2, 2)
    assert compte["structures_mises_a_jour"] == compte["services_mis_a_jour"] == 0
    ecritures = [q["sql"] for q in requetes.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert ecritures == []


def test_seuls_les_champs_changes_sont_reecrits():
    importer(fichier([structure_v1(1)], [service_v1(1)]))
    service = Service.objects.get()
    Service.objects.filter(pk=service.pk).update(capacite=8)
    with CaptureQueriesContext(connection) as requetes:
        resultat = importer(fichier([structure_v1(1)], [service_v1(1, nom="Atelier CV et entretien")]))
    assert resultat.compte()["services_mis_a_jour"] == 1
    (mise_a_jour,) = [q["sql"] for q in requetes.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"nom"' in mise_a_jour and '"texte_recherche"' in mise_a_jour and '"thematiques"' not in mise_a_jour
    assert not any(q["sql"].startswith("DELETE") for q in requetes.captured_queries)  # l'index n'a pas bougé
    service.refresh_from_db()
    assert (service.nom, service.capacite) == ("Atelier CV et entretien", 8)


def test_une_ligne_en_erreur_et_rien_n_est_ecrit():
    with pytest.raises(ValidationError, match="1 ligne\\(s\\) en erreur : rien n'a été importé"):
        importer(fichier([structure_v1(1)], [service_v1(1), service_v1(2, thematiques=["foo"])]))
    assert not Structure.objects.exists()
    assert not Service.objects.exists()


def test_on_peut_n_importer_que_les_lignes_valides():
    resultat = importer(
        fichier([structure_v1(1), structure_v1(2, code_insee="59999")], [service_v1(1), service_v1(2, "dora--s2")]),
        valides_seulement=True,
    )
    assert resultat.compte() == {
        "structures_creees": 1,
        "structures_mises_a_jour": 0,
        "structures_inchangees": 0,
        "services_crees": 1,
        "services_mis_a_jour": 0,
        "services_inchanges": 0,
        "en_erreur": 2,
        "valides": 2,
        "lignes": 4,
    }
    assert list(Structure.objects.values_list("identifiant", flat=True)) == ["dora--s1"]
    assert list(Service.objects.values_list("identifiant", flat=True)) == ["dora--v1"]


def test_une_panne_en_cours_d_ecriture_n_ecrit_rien(monkeypatch):
    def panne(services):
        raise IntegrityError("index")

    monkeypatch.setattr("offre.services.indexer", panne)
    with pytest.raises(ValidationError, match="rien n'a été importé, relancez l'import"):
        importer(fichier([structure_v1(1)], [service_v1(1)]))
    assert not Structure.objects.exists()
    assert not Service.objects.exists()


def test_une_structure_de_meme_siret_qu_une_organisation_du_territoire_lui_est_rattachee():
    organisation = OrganisationFactory(nom="Relais Emploi", departement="40", siret=siret_valide(77))
    collegue = membre(organisation, Role.PROFESSIONNEL).utilisateur
    ailleurs = OrganisationFactory(departement="64", siret=siret_valide(78))
    importer(fichier([structure_v1(1, siret=organisation.siret), structure_v1(2, siret=ailleurs.siret)]))
    rattachee, seule = Structure.objects.order_by("identifiant")
    assert rattachee.organisation == organisation
    assert regles.peut_modifier_structure(collegue, rattachee)
    assert seule.organisation is None


def test_l_import_coute_le_meme_nombre_de_requetes_pour_2_ou_20_services(django_assert_num_queries):
    def contenu(nombre, prefixe):
        return fichier(
            [structure_v1(1, id=f"{prefixe}--s")],
            [service_v1(numero, structure=f"{prefixe}--s", id=f"{prefixe}--v{numero}") for numero in range(nombre)],
        )

    with CaptureQueriesContext(connection) as deux:
        importer(contenu(2, "a"))
    # Jusqu'à 22 services par requête sur SQLite (999 paramètres au plus) ; sans limite sur PostgreSQL.
    with django_assert_num_queries(len(deux.captured_queries)):
        importer(contenu(20, "b"))


# --- Confirmation par la page -------------------------------------------------------------------------------


def test_confirmer_importe_le_fichier_analyse(client, connecter, pilote):
    connecter(pilote)
    televerser(client, fichier([structure_v1(1)], [service_v1(1)]))
    empreinte = client.session[depot.CLE]["empreinte"]
    reponse = client.post(reverse("offre:import_confirmer"), {"empreinte": empreinte}, follow=True)
    assert (
        "Import terminé : 1 structure créée, 0 mise à jour, 0 inchangée ; 1 service créé, 0 mis à jour, 0 inchangé."
        in (reponse.content.decode())
    )
    assert Service.objects.get().structure == Structure.objects.get()
    assert depot.CLE not in client.session


def test_confirmer_une_page_perimee_n_importe_pas_le_fichier_d_un_autre_onglet(client, connecter, pilote):
    connecter(pilote)
    televerser(client, fichier([structure_v1(1)], nom="premier.json"))
    empreinte_du_premier = client.session[depot.CLE]["empreinte"]
    televerser(client, fichier([structure_v1(2)], nom="second.json"))
    reponse = client.post(reverse("offre:import_confirmer"), {"empreinte": empreinte_du_premier}, follow=True)
    assert "Le fichier analysé n&#x27;est plus celui de la page que vous avez confirmée" in reponse.content.decode()
    assert not Structure.objects.exists()


def test_confirmer_sans_analyse_ne_fait_rien(client, connecter, pilote):
    connecter(pilote)
    reponse = client.post(reverse("offre:import_confirmer"), {"empreinte": "0" * 64}, follow=True)
    assert "Aucun fichier analysé à confirmer" in reponse.content.decode()


def test_avec_des_erreurs_la_confirmation_est_refusee_sauf_lignes_valides_cochees(client, connecter, pilote):
    connecter(pilote)
    televerser(client, fichier([structure_v1(1)], [service_v1(1), service_v1(2, publics=["inconnu"])]))
    page = client.get(URL).content.decode()
    assert "Service n° 2 (id dora--v2) : public inconnu « inconnu »" in page
    assert "N&#x27;importer que les lignes valides" in page
    empreinte = client.session[depot.CLE]["empreinte"]
    reponse = client.post(reverse("offre:import_confirmer"), {"empreinte": empreinte}, follow=True)
    assert "1 ligne(s) en erreur : rien n&#x27;a été importé." in reponse.content.decode()
    assert not Structure.objects.exists()
    reponse = client.post(
        reverse("offre:import_confirmer"), {"empreinte": empreinte, "valides_seulement": "on"}, follow=True
    )
    assert "1 ligne en erreur laissée de côté" in reponse.content.decode()
    assert Service.objects.get().identifiant == "dora--v1"


def test_la_confirmation_refait_l_analyse_sur_la_base_du_moment(client, connecter, pilote):
    """Entre l'analyse et la confirmation, le service a été créé dans un autre territoire : rien n'est écrit, et la
    page montre l'analyse refaite."""
    connecter(pilote)
    televerser(client, fichier([structure_v1(1)], [service_v1(1)]))
    empreinte = client.session[depot.CLE]["empreinte"]
    fabriques.service(commune=("64445", "Pau", "64000"), source="dora", identifiant="dora--v1")
    reponse = client.post(reverse("offre:import_confirmer"), {"empreinte": empreinte}, follow=True)
    assert "1 ligne(s) en erreur" in reponse.content.decode()
    assert "existe déjà dans un autre territoire (département 64)" in reponse.content.decode()
    assert not Structure.objects.filter(identifiant="dora--s1").exists()


def test_abandonner_oublie_le_fichier(client, connecter, pilote):
    connecter(pilote)
    televerser(client, fichier([structure_v1(1)]))
    reponse = client.post(reverse("offre:import_abandonner"), follow=True)
    assert "Import abandonné : rien n&#x27;a été importé." in reponse.content.decode()
    assert depot.CLE not in client.session
    assert not Structure.objects.exists()


def test_un_fichier_csv_de_structures_et_un_de_services_s_importent_ensemble(client, connecter, pilote):
    connecter(pilote)
    structures = "source;id;nom;date_maj;code_insee\ndora;dora--s1;Relais emploi;2026-02-01;40088\n"
    services = (
        "source,id,structure_id,nom,description,date_maj,thematiques,modes_accueil,zone_eligibilite\n"
        'dora,dora--v1,dora--s1,Garage solidaire,Réparer sa voiture à petit prix.,01/02/2026,"mobilite--'
        'entretenir-reparer-son-vehicule, mobilite--acceder-a-un-vehicule",a-distance,"40, 64"\n'
    )
    televerser(
        client,
        Fichier(STRUCTURE, "structures.csv", structures.encode()),
        Fichier(SERVICE, "services.csv", services.encode("utf-8-sig")),
    )
    empreinte = client.session[depot.CLE]["empreinte"]
    client.post(reverse("offre:import_confirmer"), {"empreinte": empreinte})
    service = Service.objects.get()
    assert service.thematiques == ["mobilite--entretenir-reparer-son-vehicule", "mobilite--acceder-a-un-vehicule"]
    assert service.zone_eligibilite == ["40", "64"]
    assert (service.en_presentiel, service.a_distance, service.departement) == (False, True, "40")
    assert communes()[service.structure.code_insee]["nom"] == "Dax"


def test_des_coordonnees_hors_du_globe_sont_refusees_en_francais():
    erreurs = erreurs_de(fichier([structure_v1(1, latitude=200.0, longitude=-1.05)], []))
    assert any("Une latitude est comprise entre -90 et 90" in erreur for erreur in erreurs)
