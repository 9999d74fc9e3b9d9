"""L'import confirmé : créer ou mettre à jour, idempotent, tout ou rien, lignes valides seulement, panne au milieu,
partage et référent, carnets d'autres organisations intouchés, statuts et avis de réexamen, compte rendu, purge du
fichier."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from parcours import services as carnet_services
from parcours.choix import MODIFIER_CARNET, PERMISSIONS_DU_PARTAGE, VOIR_CARNET
from parcours.imports import services, taches
from parcours.imports.analyse import ACCOMPAGNEE_AILLEURS
from parcours.models import (
    Carnet,
    CarnetPermissionGroupe,
    EvenementCarnet,
    ImportPersonnes,
    Intervenant,
    Personne,
    Statut,
)
from partenaires import permissions
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.parcours.fichiers_import import (
    EN_TETES,
    analyser,
    csv_octets,
    equipe_du_departement,
    erreurs_de,
    importer,
    ligne,
    nir,
)

NAISSANCE = date(1988, 5, 3)
EN_TETES_STATUTS = [*EN_TETES, "Identifiant au Département", "Droit au RSA", "Inscrit à France Travail"]


@pytest.fixture
def departement(db):
    return equipe_du_departement()


def _fichier():
    return csv_octets(
        [
            [*ligne(numero=nir(NAISSANCE), referent="referente@landes.fr"), "CD-1", "ouvert_versable", "oui"],
            [*ligne(nom="Darrigade", prenom="Maëlle", naissance="23/08/1994", cp="40990", commune="Herm"), "", "", ""],
        ],
        en_tetes=EN_TETES_STATUTS,
    )


def photo():
    """Tout ce qu'un import peut écrire."""
    return (
        list(Personne.objects.order_by("pk").values()),
        list(Carnet.objects.order_by("pk").values()),
        list(Intervenant.objects.order_by("pk").values()),
        list(Statut.objects.order_by("pk").values()),
        list(CarnetPermissionGroupe.objects.order_by("pk").values()),
        list(EvenementCarnet.objects.order_by("pk").values()),
    )


def test_l_import_ouvre_les_carnets_partages_avec_referent_statuts_et_evenement(departement):
    import_personnes = importer(departement, _fichier())
    assert import_personnes.statut == "termine", import_personnes.message_erreur
    assert import_personnes.rapport == {"creees": [2, 3], "mises_a_jour": [], "inchangees": []}
    ines = Personne.objects.get(nom="Lalanne")
    assert (ines.nir, ines.identifiant_departement, ines.code_commune) == (nir(NAISSANCE), "CD-1", "40088")
    assert Personne.objects.get(nom="Darrigade").code_commune == "40123"  # Herm, parmi les communes du 40990
    carnet = ines.carnet
    organisation = departement["organisation"]
    assert permissions.partages_de_l_organisation(Carnet.objects.all(), organisation, MODIFIER_CARNET).count() == 2
    referent = carnet.intervenants.actifs().get()
    assert (referent.utilisateur, referent.role, referent.organisation) == (
        departement["referente"],
        "referent",
        organisation,
    )
    assert sorted(ines.statuts.values_list("type", "valeur")) == [
        ("droit_rsa", "ouvert_versable"),
        ("inscrit_france_travail", "oui"),
    ]
    evenement = carnet.evenements.get()
    assert evenement.type == EvenementCarnet.Type.IMPORT
    assert evenement.resume == "Carnet ouvert par l'import « personnes.csv », référent : " + str(
        departement["referente"]
    )
    assert not import_personnes.fichier  # purgé après l'import
    # La référente voit et modifie le carnet importé, comme un carnet ouvert à la main.
    assert carnet in carnet_services.regles.visible_carnets(departement["referente"])


def test_reimporter_le_meme_fichier_ne_change_rien(departement):
    importer(departement, _fichier())
    avant = photo()
    second = importer(departement, _fichier())
    assert second.rapport == {"creees": [], "mises_a_jour": [], "inchangees": [2, 3]}
    assert photo() == avant


def _carnet_de_france_travail(prenom="Inès", **identite):
    france_travail = OrganisationFactory(nom="France Travail Dax", type="france_travail")
    conseiller = membre(france_travail, Role.PROFESSIONNEL, email="conseiller@ft.fr").utilisateur
    carnet = carnet_services.ouvrir_carnet(
        acteur=conseiller,
        organisation=france_travail,
        nom="Lalanne",
        prenom=prenom,
        date_naissance=NAISSANCE,
        **identite,
    )
    return carnet, france_travail, conseiller


def test_une_personne_reconnue_dont_le_carnet_est_partage_est_mise_a_jour(departement):
    carnet, france_travail, conseiller = _carnet_de_france_travail(prenom="Ines", identifiant_departement="CD-1")
    carnet_services.changer_statut(
        carnet, acteur=conseiller, type="droit_rsa", valeur="ouvert_suspendu", date_debut=date(2025, 1, 1)
    )
    # Le Département accompagne déjà la personne : le carnet lui est partagé (par exemple à l'orientation).
    permissions.partager(carnet, departement["organisation"], *PERMISSIONS_DU_PARTAGE)
    import_personnes = importer(departement, _fichier())
    assert import_personnes.rapport["mises_a_jour"] == [2]
    carnet.personne.refresh_from_db()
    assert (carnet.personne.prenom, carnet.personne.nir, carnet.personne.code_postal) == (
        "Inès",
        nir(NAISSANCE),
        "40100",
    )
    assert carnet_services.regles.organisation_partage(carnet, departement["organisation"])
    assert carnet_services.regles.organisation_partage(carnet, france_travail)
    # Le référent donné remplace l'ancien, qui reste dans le groupe comme accompagnateur.
    actifs = {(i.utilisateur, i.role) for i in carnet.intervenants.actifs()}
    assert actifs == {(departement["referente"], "referent"), (conseiller, "accompagnateur")}
    rsa = carnet.personne.statuts.filter(type="droit_rsa").order_by("date_debut")
    assert [(s.valeur, s.date_fin is None) for s in rsa] == [("ouvert_suspendu", False), ("ouvert_versable", True)]
    resume = carnet.evenements.filter(type="import").get().resume
    assert resume.startswith("Mis à jour par l'import « personnes.csv » : prénom, nir")
    assert "droit au rsa, inscrit à france travail, référent :" in resume
    assert "ouvert_versable" not in resume and nir(NAISSANCE) not in resume  # jamais de valeur dans l'historique


@pytest.mark.parametrize(
    "cellules",
    [
        {},  # mêmes nom, prénom et date de naissance
        {"identifiant": "CD-1", "nom": "Lalanne-Dupuy"},  # son identifiant au Département
        {"numero": nir(NAISSANCE), "nom": "Ducasse"},  # son NIR, sous un autre nom (autre personne ?)
        {"numero": nir(NAISSANCE, ordre=2)},  # elle, avec un autre NIR
    ],
)
def test_une_personne_dont_le_carnet_n_est_pas_partage_n_est_pas_touchee(departement, cellules):
    """Une organisation du 64 qui importe la personne suivie dans le 40 n'en prend pas la main : la ligne est en
    erreur, avec le seul message de l'écran des doublons, et rien n'est écrit pour elle."""
    carnet, france_travail, conseiller = _carnet_de_france_travail(identifiant_departement="CD-1", nir=nir(NAISSANCE))
    organisation = OrganisationFactory(nom="Association basque", departement="64")  # ne voit pas ce carnet
    basque = {
        "organisation": organisation,
        "admin": membre(organisation, Role.ADMINISTRATEUR, email="admin@basque.fr").utilisateur,
    }
    membre(organisation, Role.PROFESSIONNEL, email="referente@basque.fr")
    cellules = dict(cellules)
    identifiant = cellules.pop("identifiant", "")
    fichier = csv_octets(
        [
            [
                *ligne(cp="64100", commune="Bayonne", referent="referente@basque.fr", **cellules),
                identifiant,
                "clos",
                "non",
            ],
            [*ligne(nom="Darrigade", prenom="Maëlle", naissance="23/08/1994", cp="40990", commune="Herm"), "", "", ""],
        ],
        en_tetes=EN_TETES_STATUTS,
    )
    avant, evenements = photo(), carnet.evenements.count()
    apercu = analyser(basque, fichier)
    assert erreurs_de(apercu, 2) == {"ligne": 2, "cellules": {}, "generales": [ACCOMPAGNEE_AILLEURS]}
    with pytest.raises(ValidationError):
        services.confirmer(apercu, acteur=basque["admin"])
    assert photo() == avant
    import_personnes = importer(basque, fichier, valides_seulement=True)
    assert import_personnes.rapport == {"creees": [3], "mises_a_jour": [], "inchangees": []}
    assert erreurs_de(import_personnes, 2)["generales"] == [ACCOMPAGNEE_AILLEURS]
    assert photo()[0][0] == avant[0][0]  # la personne du 40 : rien de changé
    assert [i.utilisateur for i in carnet.intervenants.actifs()] == [conseiller]
    assert list(permissions.organisations_partageant(carnet, VOIR_CARNET)) == [france_travail]
    assert not carnet_services.regles.can_view_carnet(basque["admin"], carnet)
    assert carnet.evenements.count() == evenements
    assert not carnet.personne.statuts.exists()


def test_une_lecture_seule_ne_suffit_pas_pour_mettre_a_jour_par_import(departement):
    """Le Département qui lit un carnet (sa file d'orientation) ne le modifie pas par un import."""
    carnet, _, conseiller = _carnet_de_france_travail()
    permissions.partager(carnet, departement["organisation"], VOIR_CARNET)
    fichier = csv_octets([[*ligne(cp="40990", commune="Herm"), "", "", ""]], en_tetes=EN_TETES_STATUTS)
    avant = photo()
    apercu = analyser(departement, fichier)
    assert erreurs_de(apercu, 2)["generales"] == [ACCOMPAGNEE_AILLEURS]
    with pytest.raises(ValidationError):
        services.confirmer(apercu, acteur=departement["admin"])
    assert photo() == avant
    assert [i.utilisateur for i in carnet.intervenants.actifs()] == [conseiller]


def test_un_statut_importe_qui_change_la_situation_previent_le_referent(
    departement, django_capture_on_commit_callbacks
):
    """Comme `changer_statut` : l'entrée dans le RSA d'un carnet existant écrit l'avis de réexamen du suivi et
    prévient le référent après commit ; un carnet ouvert par l'import n'en a pas (rien n'a changé pour lui)."""
    carnet, france_travail, conseiller = _carnet_de_france_travail()
    carnet_services.changer_statut(
        carnet, acteur=conseiller, type="droit_rsa", valeur="refuse", date_debut=date(2025, 1, 1)
    )
    carnet_services.changer_statut(
        carnet, acteur=conseiller, type="inscrit_france_travail", valeur="oui", date_debut=date(2025, 1, 1)
    )
    permissions.partager(carnet, departement["organisation"], *PERMISSIONS_DU_PARTAGE)
    mail.outbox.clear()
    fichier = csv_octets(
        [
            [*ligne(), "", "ouvert_versable", "oui"],  # entrée dans le RSA ; France Travail inchangé
            [*ligne(nom="Darrigade", prenom="Maëlle", naissance="23/08/1994"), "", "ouvert_versable", "oui"],
        ],
        en_tetes=EN_TETES_STATUTS,
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_personnes = importer(departement, fichier)
    assert import_personnes.rapport == {"creees": [3], "mises_a_jour": [2], "inchangees": []}
    avis_de_l_import = EvenementCarnet.objects.filter(
        type=EvenementCarnet.Type.REEXAMEN_SUGGERE, acteur=departement["admin"]
    )
    (avis,) = avis_de_l_import
    assert (avis.carnet, avis.acteur, avis.organisation) == (carnet, departement["admin"], departement["organisation"])
    assert avis.details["code"] == "entree_rsa" and avis.resume.startswith("Entrée dans le RSA")
    (courriel,) = mail.outbox
    assert courriel.to == ["conseiller@ft.fr"] and "Entrée dans le RSA" in courriel.body
    # Réimporter le même fichier ne change rien : pas de nouvel avis, pas de courriel.
    with django_capture_on_commit_callbacks(execute=True):
        importer(departement, fichier)
    assert avis_de_l_import.count() == 1
    assert len(mail.outbox) == 1


def test_un_fichier_avec_des_erreurs_ne_s_importe_pas_sans_le_choix_des_lignes_valides(departement):
    contenu = csv_octets([ligne(), ligne(nom="Futur", naissance="01/01/2999")])
    import_personnes = analyser(departement, contenu)
    with pytest.raises(ValidationError, match="1 ligne en erreur"):
        services.confirmer(import_personnes, acteur=departement["admin"])
    import_personnes.refresh_from_db()
    assert import_personnes.statut == "analyse"
    assert not Personne.objects.exists()


def test_n_importer_que_les_lignes_valides(departement):
    contenu = csv_octets([ligne(), ligne(nom="Futur", naissance="01/01/2999")])
    import_personnes = importer(departement, contenu, valides_seulement=True)
    assert import_personnes.rapport == {"creees": [2], "mises_a_jour": [], "inchangees": []}
    assert list(Personne.objects.values_list("nom", flat=True)) == ["Lalanne"]
    compte_rendu = services.compte_rendu_csv(import_personnes).decode("utf-8-sig").splitlines()
    assert compte_rendu == [
        "Ligne du fichier;Résultat;Erreurs",
        "2;créée;",
        "3;erreur (non importée);Date de naissance : La date de naissance est dans le futur.",
    ]


def test_une_panne_au_milieu_n_importe_rien(departement, monkeypatch):
    importer(departement, csv_octets([ligne(nom="Existante")]))
    avant = photo()
    import_personnes = analyser(departement, _fichier())
    services.confirmer(import_personnes, acteur=departement["admin"])

    def panne(*args, **kwargs):
        raise ConnectionError("base perdue")

    # Les personnes, carnets, partages et statuts sont déjà écrits quand la panne survient.
    monkeypatch.setattr(EvenementCarnet.objects, "bulk_create", panne)
    services.executer(import_personnes.pk)
    import_personnes.refresh_from_db()
    assert import_personnes.statut == "echec"
    assert import_personnes.message_erreur.startswith("L'import s'est interrompu sur une erreur technique : rien")
    assert photo() == avant
    assert not import_personnes.fichier


def test_la_base_qui_change_apres_l_apercu_fait_echouer_l_import_entier(departement):
    import_personnes = analyser(departement, csv_octets([ligne(numero=nir(NAISSANCE)), ligne(nom="Autre")]))
    services.confirmer(import_personnes, acteur=departement["admin"])
    carnet_services.ouvrir_carnet(
        acteur=departement["referente"],
        organisation=departement["organisation"],
        nom="Tiers",
        prenom="Jean",
        date_naissance=NAISSANCE,
        nir=nir(NAISSANCE),
    )
    services.executer(import_personnes.pk)
    import_personnes.refresh_from_db()
    assert import_personnes.statut == "echec"
    assert "1 ligne en erreur depuis l'aperçu" in import_personnes.message_erreur
    assert list(Personne.objects.values_list("nom", flat=True)) == ["Tiers"]


def test_la_tache_rejouee_apres_l_import_ne_refait_rien(departement):
    import_personnes = importer(departement, _fichier())
    avant = photo()
    services.executer(import_personnes.pk)
    services.analyser(import_personnes.pk)
    assert photo() == avant


def test_seuls_administrateurs_et_charges_d_orientation_importent(departement):
    with pytest.raises(PermissionDenied):
        services.televerser(acteur=departement["referente"], organisation=departement["organisation"], fichier=None)
    import_personnes = analyser(departement, _fichier())
    with pytest.raises(PermissionDenied):
        services.confirmer(import_personnes, acteur=departement["referente"])
    services.confirmer(import_personnes, acteur=departement["charge"])


def test_un_acces_retire_avant_l_execution_fait_echouer_l_import(departement):
    import_personnes = analyser(departement, _fichier())
    services.confirmer(import_personnes, acteur=departement["admin"])
    departement["admin"].membres.update(is_active=False, date_fin=timezone.now(), motif_fin="Départ")
    services.executer(import_personnes.pk)
    import_personnes.refresh_from_db()
    assert import_personnes.statut == "echec"
    assert not Personne.objects.exists()


def test_abandonner_supprime_le_fichier(departement, django_capture_on_commit_callbacks):
    import_personnes = analyser(departement, _fichier())
    with django_capture_on_commit_callbacks(execute=True):
        services.abandonner(import_personnes, acteur=departement["admin"])
    import_personnes.refresh_from_db()
    assert (import_personnes.statut, import_personnes.fichier.name) == ("abandonne", "")
    with pytest.raises(ValidationError):
        services.confirmer(import_personnes, acteur=departement["admin"])


def test_la_commande_de_purge_abandonne_les_imports_laisses_en_plan(departement):
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        ancien = analyser(departement, _fichier())
    recent = analyser(departement, _fichier())
    call_command("purger_imports")  # à blanc : rien ne change
    ancien.refresh_from_db()
    assert ancien.statut == "analyse" and ancien.fichier
    taches.purger_imports.delay()  # la tâche planifiée, mince enveloppe de la commande (--wet-run)
    ancien.refresh_from_db()
    recent.refresh_from_db()
    assert (ancien.statut, ancien.fichier.name) == ("abandonne", "")
    assert recent.statut == "analyse" and recent.fichier


def test_les_taches_passent_par_le_worker_apres_le_commit(departement, django_capture_on_commit_callbacks):
    from tests.parcours.fichiers_import import televerser

    import_personnes = televerser(departement, _fichier())
    with django_capture_on_commit_callbacks(execute=True):
        services.lancer_analyse(
            import_personnes, acteur=departement["admin"], correspondance=import_personnes.correspondance
        )
    import_personnes.refresh_from_db()
    assert import_personnes.statut == "analyse"
    with django_capture_on_commit_callbacks(execute=True):
        services.confirmer(import_personnes, acteur=departement["admin"])
    import_personnes.refresh_from_db()
    assert import_personnes.statut == "termine"
    assert ImportPersonnes.objects.get().rapport["creees"] == [2, 3]


def test_partager_en_masse_ne_double_pas_un_partage_existant(departement):
    carnet = carnet_services.ouvrir_carnet(
        acteur=departement["referente"],
        organisation=departement["organisation"],
        nom="A",
        prenom="B",
        date_naissance=NAISSANCE,
    )
    autre = OrganisationFactory(nom="CCAS de Dax")
    permissions.partager_en_masse([carnet], departement["organisation"], VOIR_CARNET, MODIFIER_CARNET)
    permissions.partager_en_masse([carnet], autre, VOIR_CARNET)
    permissions.partager_en_masse([], autre, VOIR_CARNET)
    assert CarnetPermissionGroupe.objects.filter(group=departement["organisation"].groupe).count() == 2
    assert list(permissions.organisations_partageant(carnet, VOIR_CARNET).order_by("nom")) == [
        autre,
        departement["organisation"],
    ]
    assert not permissions.partages_de_l_organisation(Carnet.objects.all(), autre, MODIFIER_CARNET).exists()


def test_le_referentiel_des_communes(departement):
    from partenaires.referentiels import communes, communes_par_code_postal

    assert len(communes()) == 34_969
    dax = communes()["40088"]
    assert (dax["nom"], dax["code_departement"], dax["codes_postaux"], dax["precision"]) == (
        "Dax",
        "40",
        "40100",
        "commune",
    )
    assert ("40279", "Saint-Paul-lès-Dax") in communes_par_code_postal()["40990"]
    assert len(communes_par_code_postal()["40990"]) == 7
    assert "00000" not in communes_par_code_postal()
    assert communes_par_code_postal() is communes_par_code_postal()  # lu une fois


def test_la_commande_de_mesure_importe_puis_annule_tout(db):
    sortie = io.StringIO()
    call_command("mesurer_import_personnes", "--lignes", "30", stdout=sortie)
    assert "30 créées, 0 mise à jour, 0 inchangée" in sortie.getvalue()
    assert "0 créée, 0 mise à jour, 30 inchangées" in sortie.getvalue()
    assert not Personne.objects.exists() and not ImportPersonnes.objects.exists()
