"""Historique attribuable (issue 11) : chaque écriture sur un dossier dit qui (acteur), pour quelle organisation,
quand, et, si elle vient d'une commande ou d'une tâche, laquelle (`EvenementCarnet.origine`, posé par spie.traces,
en lot compris)."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.urls import reverse
from django.utils import timezone

from parcours import services
from parcours.diagnostic import services as diagnostic_services
from parcours.imports import services as imports_services
from parcours.models import Carnet, EvenementCarnet
from partenaires.choix import Role
from spie.traces import Commande, origine, origine_en_cours
from tests.factories import OrganisationFactory, membre
from tests.parcours.fichiers_import import analyser, csv_octets, equipe_du_departement, ligne

pytestmark = pytest.mark.django_db

NOS_APPLICATIONS = {"spie", "partenaires", "offre", "parcours", "gouvernance"}

# Chaque commande du projet, rangée : celles qui écrivent sur un dossier de personne (carnet, historique, accès,
# orientations) et les autres. Une commande ajoutée sans être rangée fait échouer l'inventaire.
ECRIVENT_SUR_UN_DOSSIER = {
    "calculer_point_de_situation": "avis « 26 ans » (REEXAMEN_SUGGERE) par carnet",
    "retirer_acces_transferts": "intervenants terminés et partages retirés après un transfert",
    "suivre_orientations_service": "orientations vers un service expirées ou relancées",
    "envoyer_rappels": "rappels et relances de convocation historisés",
    "charger_demo": "données de démonstration (base de démonstration seulement)",
    "generer_donnees_bench": "jeu de données de mesure (base de mesure vide seulement)",
    "mesurer_charge": "notes du scénario « note », postées par le serveur comme un référent (base de mesure seulement)",
    "anonymiser_dossiers": "dossiers sans contact anonymisés (trace AnonymisationCarnet, qui dit la commande), "
    "simulation par défaut",
    "rechiffrer_nir": "NIR rechiffrés et empreintes recalculées (rotation des clés), simulation par défaut",
}
N_ECRIVENT_PAS = {
    "charger_referentiels": "référentiels (situations, objectifs, métiers)",
    "envoyer_digest_hebdomadaire": "courriels aux référents, sans écriture sur les dossiers",
    "mesurer_import_personnes": "mesure (base jetable)",
    "mesurer_recherche_rome": "mesure, lecture seule",
    "mesurer_permissions": "mesure, transaction annulée",
    "verifier_plans": "plans d'exécution des pages, transaction annulée",
    "precalculer_indicateurs": "indicateurs des territoires mis en cache, sans écriture en base",
    "purger_consultations": "le journal des consultations (pas le dossier), simulation par défaut",
    "purger_imports": "les fichiers d'import, pas les dossiers",
    "archiver_comptes_rendus": "comptes rendus de séance",
    "exporter_flux_orientations": "export, lecture seule",
    "mesurer_compte_rendu": "mesure",
    "mesurer_indicateurs": "mesure",
    "exporter_offre": "export de l'offre",
    "importer_offre": "catalogue de l'offre (structures et services)",
    "mesurer_recherche_offre": "mesure",
    "rappeler_actualisation": "courriels aux structures",
    "purger_documents": "documents générés expirés",
    "relancer_documents": "documents générés en attente",
}


def _nos_commandes() -> dict[str, str]:
    return {nom: app for nom, app in get_commands().items() if app in NOS_APPLICATIONS}


def test_l_inventaire_range_chaque_commande_du_projet():
    assert set(_nos_commandes()) == set(ECRIVENT_SUR_UN_DOSSIER) | set(N_ECRIVENT_PAS)
    assert not set(ECRIVENT_SUR_UN_DOSSIER) & set(N_ECRIVENT_PAS)


@pytest.mark.parametrize("nom", sorted(ECRIVENT_SUR_UN_DOSSIER | N_ECRIVENT_PAS))
def test_chaque_commande_pose_son_origine(nom):
    commande = load_command_class(_nos_commandes()[nom], nom)
    assert isinstance(commande, Commande), f"{nom} doit hériter de spie.traces.Commande"


def test_l_origine_vaut_pour_les_lignes_creees_une_a_une_et_en_lot(carnet_et_referente):
    carnet, referente, organisation = carnet_et_referente
    assert origine_en_cours() == ""
    with origine("commande essai"):
        seule = services.historiser(carnet, EvenementCarnet.Type.NOTE_AJOUTEE, acteur=referente)
        (en_lot,) = EvenementCarnet.objects.bulk_create(
            [EvenementCarnet(carnet=carnet, type=EvenementCarnet.Type.IMPORT, acteur=referente)]
        )
    apres = services.historiser(carnet, EvenementCarnet.Type.NOTE_AJOUTEE, acteur=referente)
    relus = EvenementCarnet.objects.in_bulk([seule.pk, en_lot.pk, apres.pk])
    assert [relus[e.pk].origine for e in (seule, en_lot, apres)] == ["commande essai", "commande essai", ""]
    assert seule.organisation == organisation


@pytest.fixture
def carnet_et_referente():
    organisation = OrganisationFactory(nom="Département des Landes")
    referente = membre(organisation, Role.PROFESSIONNEL, prenom="Claire", nom="Duprat").utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=organisation, nom="Lalanne", prenom="Inès", date_naissance=date(1988, 5, 3)
    )
    return carnet, referente, organisation


def test_la_commande_du_point_de_situation_signe_ses_avis(carnet_et_referente):
    _, referente, organisation = carnet_et_referente
    aujourd_hui = timezone.localdate()
    jeune = services.ouvrir_carnet(
        acteur=referente,
        organisation=organisation,
        nom="Dupin",
        prenom="Léo",
        date_naissance=aujourd_hui.replace(year=aujourd_hui.year - 26) - timedelta(days=1),
    )
    call_command("calculer_point_de_situation")
    avis = EvenementCarnet.objects.filter(carnet=jeune, type=EvenementCarnet.Type.REEXAMEN_SUGGERE).get()
    assert (avis.origine, avis.acteur, avis.organisation) == (
        "commande calculer_point_de_situation",
        referente,
        organisation,
    )
    assert timezone.now() - avis.date < timedelta(minutes=1)


def test_l_historique_du_carnet_dit_quelle_commande_a_ecrit(carnet_et_referente, client, connecter):
    carnet, referente, _ = carnet_et_referente
    with origine("commande retirer_acces_transferts"):
        services.historiser(carnet, EvenementCarnet.Type.PARTAGE_RETIRE, acteur=referente)
    services.historiser(carnet, EvenementCarnet.Type.NOTE_AJOUTEE, acteur=referente)
    connecter(referente)
    contenu = client.get(reverse("parcours:carnet", args=[carnet.uuid]) + "?onglet=historique").content.decode()
    assert contenu.count("écrit automatiquement (commande retirer_acces_transferts)") == 1
    assert contenu.count("écrit automatiquement") == 1


def test_la_tache_d_import_signe_chaque_carnet_touche(django_capture_on_commit_callbacks):
    departement = equipe_du_departement()
    import_personnes = analyser(departement, csv_octets([ligne(), ligne(nom="Dupin", prenom="Léo")]))
    with django_capture_on_commit_callbacks(execute=True):
        imports_services.confirmer(import_personnes, acteur=departement["admin"])
    evenements = EvenementCarnet.objects.filter(type=EvenementCarnet.Type.IMPORT)
    assert evenements.count() == Carnet.objects.count() == 2
    assert {(e.origine, e.acteur, e.organisation) for e in evenements} == {
        ("tâche parcours.imports.taches.executer_import", departement["admin"], departement["organisation"])
    }


def test_chaque_service_principal_attribue_l_ecriture_d_un_professionnel(carnet_et_referente):
    carnet, referente, organisation = carnet_et_referente
    avant = set(EvenementCarnet.objects.values_list("pk", flat=True))
    services.ajouter_note(carnet, acteur=referente, organisation=organisation, texte="Entretien", visibilite="groupe")
    services.prevoir_rendez_vous(
        carnet,
        acteur=referente,
        intervenant=referente,
        date_heure=timezone.now() + timedelta(days=3),
        objet="Point",
        lieu="Agence de Dax",
    )
    services.changer_statut(carnet, acteur=referente, type="rqth", valeur="oui", date_debut=date(2025, 1, 2))
    services.ajouter_objectif(carnet, acteur=referente, axe="emploi", libelle_libre="Trouver un emploi")
    diagnostic_services.commencer(carnet, acteur=referente)
    nouveaux = EvenementCarnet.objects.exclude(pk__in=avant).order_by("id")
    assert [e.type for e in nouveaux] == [
        EvenementCarnet.Type.NOTE_AJOUTEE,
        EvenementCarnet.Type.RENDEZ_VOUS_PREVU,
        EvenementCarnet.Type.STATUT_CHANGE,
        EvenementCarnet.Type.OBJECTIF_AJOUTE,
        EvenementCarnet.Type.DIAGNOSTIC_COMMENCE,
    ]
    assert {(e.acteur, e.organisation, e.origine) for e in nouveaux} == {(referente, organisation, "")}


def test_l_export_des_donnees_de_la_personne_dit_quelle_commande_a_ecrit(carnet_et_referente):
    """Droit d'accès : l'historique exporté porte l'origine de chaque événement ; vide (null) pour un professionnel."""
    from parcours.espace.exports import donnees_de_la_personne

    carnet, referente, _ = carnet_et_referente
    services.historiser(carnet, EvenementCarnet.Type.NOTE_AJOUTEE, acteur=referente, resume="Par la référente")
    with origine("commande calculer_point_de_situation"):
        services.historiser(carnet, EvenementCarnet.Type.REEXAMEN_SUGGERE, acteur=referente, resume="Par commande")
    historique = {ligne["resume"]: ligne["origine"] for ligne in donnees_de_la_personne(carnet)["historique"]}
    assert historique["Par la référente"] is None
    assert historique["Par commande"] == "commande calculer_point_de_situation"
