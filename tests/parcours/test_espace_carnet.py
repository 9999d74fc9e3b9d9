"""Le carnet vu par la personne dans son espace : ce qu'elle lit (son parcours, son plan, ses rendez-vous, son
diagnostic partagé), ce qu'elle ne lit jamais (notes, comptes rendus, commentaires des professionnels), et un
nombre de requêtes fixe quelle que soit la taille du carnet."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours import services
from parcours.diagnostic import services as diagnostic_services
from parcours.espace import parole
from parcours.models import (
    ConsultationCarnet,
    Diagnostic,
    Domaine,
    Note,
    OrientationService,
    TransitionOrientationService,
)
from tests.factories import OrganisationFactory, membre
from tests.offre import fabriques as offre
from tests.parcours import sanctions_fabriques
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.espace_fabriques import ouvrir_espace
from tests.parcours.suivi_fabriques import decision

NOTE_SECRETE = "NOTE-SECRETE-DU-REFERENT"
COMPTE_RENDU = "COMPTE-RENDU-RESERVE-AUX-PROS"
MOTIF_DECISION = "MOTIF-INTERNE-DE-LA-DECISION"
MESSAGE_STRUCTURE = "MESSAGE-DU-PRESCRIPTEUR-A-LA-STRUCTURE"
COMMENTAIRE_PRO = "COMMENTAIRE-DU-PROFESSIONNEL-SUR-LE-DOMAINE"
MOTIF_PARCOURS = "MOTIF-D-ECART-AU-BAREME"


@pytest.fixture
def espace(equipe):
    """La personne du carnet `equipe`, son espace ouvert, une note de chaque visibilité qu'elle ne doit pas lire."""
    carnet, referente = equipe["carnet"], equipe["referente"]
    for visibilite in Note.Visibilite.values:
        services.ajouter_note(
            carnet,
            acteur=referente,
            organisation=equipe["departement"],
            texte=f"{NOTE_SECRETE} ({visibilite})",
            visibilite=visibilite,
        )
    return {**equipe, "compte": ouvrir_espace(carnet)}


@pytest.fixture
def chez_soi(espace, connecter):
    return connecter(espace["compte"])


def rendez_vous(carnet, acteur, quand, objet="Point d'étape", **champs):
    return services.prevoir_rendez_vous(
        carnet,
        acteur=acteur,
        intervenant=acteur,
        date_heure=quand,
        objet=objet,
        lieu="Maison des solidarités",
        **champs,
    )


def orientation_service(carnet, acteur, organisation, statut=OrientationService.Statut.ACCEPTEE, nom="Atelier CV"):
    structure = offre.structure(nom=f"Structure {nom}")
    return OrientationService.objects.create(
        carnet=carnet,
        service=offre.service(structure, nom=nom),
        statut=statut,
        message=MESSAGE_STRUCTURE,
        consentement_le=timezone.now(),
        prescripteur=acteur,
        organisation=organisation,
        expire_le=timezone.now() + timedelta(days=30),
    )


def contrat(carnet, acteur, **champs):
    champs.setdefault("date_debut", timezone.localdate() - timedelta(days=10))
    return services.enregistrer_contrat(
        carnet, acteur=acteur, signataires="La personne et sa référente", heures_hebdomadaires=15, **champs
    )


def sans_rien_de_reserve(html: str) -> None:
    for secret in (NOTE_SECRETE, COMPTE_RENDU, MOTIF_DECISION, MESSAGE_STRUCTURE, COMMENTAIRE_PRO, MOTIF_PARCOURS):
        assert secret not in html


# --- Mon parcours -------------------------------------------------------------------------------------------------


def test_l_accueil_montre_referent_groupe_rendez_vous_situation_orientations_et_contrat(espace, chez_soi):
    carnet, referente = espace["carnet"], espace["referente"]
    referente.telephone = "05 58 11 22 33"
    referente.save()
    rendez_vous(carnet, referente, timezone.now() + timedelta(days=3), objet="Bilan de mi-parcours")
    passe = rendez_vous(carnet, referente, timezone.now() - timedelta(days=3), objet="Premier entretien")
    services.mettre_a_jour_rendez_vous(passe, acteur=referente, statut="honore", compte_rendu=COMPTE_RENDU)
    services.changer_statut(
        carnet, acteur=referente, type="droit_rsa", valeur="ouvert_versable", date_debut=date(2025, 1, 1)
    )
    services.changer_statut(
        carnet, acteur=referente, type="inscrit_france_travail", valeur="oui", date_debut=date(2025, 1, 1)
    )
    # Une décision encore non notifiée n'est pas montrée : la personne l'apprend par sa notification.
    decision(carnet, espace["departement"], referente, date_decision=date(2025, 3, 1), parcours="social")
    decision(
        carnet,
        espace["departement"],
        referente,
        date_decision=date(2025, 2, 1),
        notifiee_le=date(2025, 2, 3),
        motif=MOTIF_DECISION,
    )
    orientation_service(carnet, referente, espace["departement"])
    contrat(carnet, referente)

    reponse = chez_soi.get(reverse("parcours:espace_accueil"))

    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Bonjour Inès" in html
    assert referente.nom_complet in html and "Département des Landes" in html
    assert referente.email in html and "05 58 11 22 33" in html
    assert espace["conseiller"].nom_complet in html and "France Travail Dax" in html
    assert "Bilan de mi-parcours" in html and "Premier entretien" not in html
    assert "RSA : droit ouvert et versable" in html and "Inscrit(e) à France Travail" in html
    assert "emploi (parcours professionnel)" in html and "1 mars 2025" not in html
    assert "Atelier CV" in html and "Acceptée : la structure vous attend" in html
    assert "Contrat d&#x27;engagement (loi plein emploi, 2025)" in html
    assert "Vous n'avez pas encore donné votre accord" in html
    sans_rien_de_reserve(html)


def test_chaque_contact_est_un_titre_sous_sa_section(espace, chez_soi):
    html = chez_soi.get(reverse("parcours:espace_accueil")).content.decode()

    for professionnel in (espace["referente"], espace["conseiller"]):
        assert f'<h3 class="fr-h6 fr-mb-1v">{professionnel.nom_complet}</h3>' in html
    assert html.index('id="titre-referent"') < html.index(espace["referente"].nom_complet)


def test_l_accueil_montre_la_derniere_decision_notifiee_qui_fixe_le_parcours(espace, chez_soi):
    carnet, referente, departement = espace["carnet"], espace["referente"], espace["departement"]
    decision(carnet, departement, referente, date_decision=date(2025, 2, 1), notifiee_le=date(2025, 2, 3))
    decision(
        carnet, departement, referente, date_decision=date(2025, 4, 1), notifiee_le=date(2025, 4, 2), sens="maintenir"
    )
    decision(carnet, departement, referente, date_decision=date(2025, 5, 1), parcours="social")  # pas notifiée

    reponse = chez_soi.get(reverse("parcours:espace_accueil"))

    assert reponse.context["decision"].date_decision == date(2025, 2, 1)
    assert reponse.context["decision"] == parole.decisions_montrees_a_la_personne(carnet).first()


def test_un_referent_sans_telephone_est_joint_par_le_telephone_de_son_organisation(espace, chez_soi):
    departement = espace["departement"]
    departement.telephone = "05 58 00 00 01"
    departement.save()

    html = chez_soi.get(reverse("parcours:espace_accueil")).content.decode()

    assert "05 58 00 00 01" in html
    assert espace["referente"].email in html


def test_sans_contrat_ni_orientation_l_accueil_le_dit_simplement(chez_soi):
    html = chez_soi.get(reverse("parcours:espace_accueil")).content.decode()

    assert "Vous n'avez pas encore de contrat d'engagement" in html
    assert "Votre orientation n'est pas encore décidée." in html
    assert "Aucun rendez-vous prévu" in html


def test_une_etape_close_a_evaluer_est_signalee_sur_l_accueil(espace, chez_soi):
    assert "evaluations-en-attente" not in chez_soi.get(reverse("parcours:espace_accueil")).content.decode()
    orientation = orientation_service(
        espace["carnet"], espace["referente"], espace["departement"], statut=OrientationService.Statut.TERMINEE
    )
    TransitionOrientationService.objects.create(orientation=orientation, de="entree", vers="terminee")

    html = chez_soi.get(reverse("parcours:espace_accueil")).content.decode()

    assert "evaluations-en-attente" in html
    assert reverse("parcours:espace_evaluations") in html


def test_les_pages_de_la_personne_ne_sont_pas_dans_le_journal_des_consultations(espace, chez_soi):
    avant = ConsultationCarnet.objects.filter(carnet=espace["carnet"]).count()
    for nom in ("espace_accueil", "espace_plan", "espace_rendez_vous", "espace_diagnostic", "espace_exprimer"):
        assert chez_soi.get(reverse(f"parcours:{nom}")).status_code == 200
    assert ConsultationCarnet.objects.filter(carnet=espace["carnet"]).count() == avant


def test_un_professionnel_du_groupe_ne_voit_pas_l_espace_de_la_personne(espace, client, connecter):
    connecter(espace["referente"])
    assert client.get(reverse("parcours:espace_accueil")).status_code == 404


def _remplir_le_carnet(espace, taille):
    """`taille` accompagnateurs (chacun de son organisation), rendez-vous à venir et passés, orientations vers un
    service, objectifs avec action et commentaire, souhaits."""
    carnet, referente = espace["carnet"], espace["referente"]
    for numero in range(taille):
        organisation = OrganisationFactory(nom=f"Partenaire {numero}")
        services.ajouter_intervenant(
            carnet, acteur=referente, utilisateur=membre(organisation).utilisateur, organisation=organisation
        )
        rendez_vous(carnet, referente, timezone.now() + timedelta(days=numero + 1), objet=f"Rendez-vous {numero}")
        rendez_vous(carnet, referente, timezone.now() - timedelta(days=numero + 1), objet=f"Passé {numero}")
        orientation_service(carnet, referente, espace["departement"], nom=f"Service {numero}")
        objectif = services.ajouter_objectif(carnet, acteur=referente, axe="mobilite", libelle_libre=f"But {numero}")
        services.ajouter_action(
            objectif,
            acteur=referente,
            libelle_libre=f"Action {numero}",
            date_debut=date(2026, 1, 6),
            porteur=organisation,
        )
        parole.commenter_objectif(objectif, acteur=espace["compte"], texte=f"Mon commentaire {numero}")
        parole.exprimer(carnet, acteur=espace["compte"], type="souhait", texte=f"Souhait {numero}")
    services.changer_statut(
        carnet, acteur=referente, type="droit_rsa", valeur="ouvert_versable", date_debut=date(2025, 1, 1)
    )
    decision(carnet, espace["departement"], referente, date_decision=date(2025, 2, 1), notifiee_le=date(2025, 2, 3))
    contrat(carnet, referente)


# Chaque page de la personne : la session (lue ; réécrite au plus une fois par minute, pas ici), le compte,
# l'espace ; puis ce que la page montre.
SOCLE = 3
# intervenants, rendez-vous, statuts, orientation décidée, orientations vers un service, contrat, étapes closes
# (orientations, sorties), étapes évaluées et procédures.
REQUETES_ACCUEIL = SOCLE + 10
REQUETES_PLAN = SOCLE + 4  # objectifs, actions, commentaires, contrat
REQUETES_RENDEZ_VOUS = SOCLE + 1
REQUETES_EXPRIMER = SOCLE + 1


@pytest.mark.parametrize("taille", [1, 20])
@pytest.mark.parametrize(
    ("nom", "requetes"),
    [
        ("espace_accueil", REQUETES_ACCUEIL),
        ("espace_plan", REQUETES_PLAN),
        ("espace_rendez_vous", REQUETES_RENDEZ_VOUS),
        ("espace_exprimer", REQUETES_EXPRIMER),
    ],
)
def test_les_pages_gardent_un_nombre_de_requetes_fixe(
    espace, chez_soi, taille, nom, requetes, django_assert_num_queries
):
    _remplir_le_carnet(espace, taille)
    chez_soi.get(reverse(f"parcours:{nom}"))
    with django_assert_num_queries(requetes):
        reponse = chez_soi.get(reverse(f"parcours:{nom}"))
    assert reponse.status_code == 200
    assert f"{taille - 1}" in reponse.content.decode()


# --- Mon plan d'action --------------------------------------------------------------------------------------------


def test_le_plan_montre_objectifs_actions_et_commentaires_de_la_personne(espace, chez_soi):
    carnet, referente = espace["carnet"], espace["referente"]
    objectif = services.ajouter_objectif(carnet, acteur=referente, axe="mobilite", libelle_libre="Passer le permis B")
    faite = services.ajouter_action(
        objectif, acteur=referente, libelle_libre="Code de la route", date_debut=date(2026, 1, 6)
    )
    services.changer_statut_action(faite, acteur=referente, statut="realisee")
    services.ajouter_action(
        objectif,
        acteur=referente,
        libelle_libre="Leçons de conduite",
        date_debut=date(2026, 2, 1),
        porteur=espace["france_travail"],
    )
    parole.commenter_objectif(objectif, acteur=espace["compte"], texte="J'ai peur de l'examen")

    html = chez_soi.get(reverse("parcours:espace_plan")).content.decode()

    assert "Passer le permis B" in html
    assert "Code de la route" in html and "Fait" in html
    assert "Leçons de conduite" in html and "À venir" in html and "avec France Travail Dax" in html
    assert "J&#x27;ai peur de l&#x27;examen" in html
    assert reverse("parcours:espace_objectif_commenter", args=[objectif.uuid]) in html
    sans_rien_de_reserve(html)


def test_le_plan_propose_l_accord_puis_montre_sa_date(espace, chez_soi):
    contrat(espace["carnet"], espace["referente"])
    html = chez_soi.get(reverse("parcours:espace_plan")).content.decode()
    assert "Je suis d'accord avec mon plan" in html

    parole.accepter_plan(espace["carnet"], acteur=espace["compte"])

    html = chez_soi.get(reverse("parcours:espace_plan")).content.decode()
    assert "Je suis d'accord avec mon plan" not in html
    assert f"le {timezone.localdate():%-d}" in html and "Accord donné" in html


def test_sans_contrat_le_plan_le_dit_et_ne_propose_pas_d_accord(chez_soi):
    html = chez_soi.get(reverse("parcours:espace_plan")).content.decode()

    assert "Vous n'avez pas encore de contrat d'engagement" in html
    assert "Je suis d'accord avec mon plan" not in html
    assert "pas encore d'objectif" in html


# --- Mes rendez-vous ----------------------------------------------------------------------------------------------


def test_les_rendez_vous_a_venir_puis_passes_sans_compte_rendu(espace, chez_soi):
    carnet, referente = espace["carnet"], espace["referente"]
    rendez_vous(carnet, referente, timezone.now() + timedelta(days=20), objet="Plus tard")
    rendez_vous(carnet, referente, timezone.now() + timedelta(days=2), objet="Bientôt", a_distance=True)
    passe = rendez_vous(carnet, referente, timezone.now() - timedelta(days=5), objet="Il y a peu")
    services.mettre_a_jour_rendez_vous(passe, acteur=referente, statut="honore", compte_rendu=COMPTE_RENDU)
    rendez_vous(carnet, referente, datetime(2025, 1, 6, 9, tzinfo=UTC), objet="Il y a longtemps")

    html = chez_soi.get(reverse("parcours:espace_rendez_vous")).content.decode()

    ordre = [html.index(objet) for objet in ("Bientôt", "Plus tard", "Il y a peu", "Il y a longtemps")]
    assert ordre == sorted(ordre)
    assert html.index("Passés") < html.index("Il y a peu")
    assert "À distance (téléphone ou visio)" in html and "Maison des solidarités" in html
    assert "vous êtes venu(e)" in html
    # Passé, encore « prévu » : le professionnel ne l'a pas mis à jour, on ne dit pas « prévu ».
    assert html.count("Où il en est : à confirmer par votre référent") == 1  # « Il y a longtemps »
    sans_rien_de_reserve(html)


def test_un_rendez_vous_annule_reste_montre_marque_annule(espace, chez_soi):
    annule = rendez_vous(espace["carnet"], espace["referente"], timezone.now() + timedelta(days=4), objet="Atelier")
    services.mettre_a_jour_rendez_vous(annule, acteur=espace["referente"], statut="annule")

    reponse = chez_soi.get(reverse("parcours:espace_rendez_vous"))

    (lu,) = reponse.context["a_venir"]
    assert (lu["objet"], lu["statut"], lu["annule"]) == ("Atelier", "annulé", True)
    assert "Annulé</span>" in reponse.content.decode()


# --- Mon diagnostic -----------------------------------------------------------------------------------------------


def test_sans_diagnostic_partage_une_phrase_simple(espace, chez_soi):
    diagnostic_valide(espace["carnet"], espace["referente"])  # validé, pas encore partagé

    reponse = chez_soi.get(reverse("parcours:espace_diagnostic"))

    assert "n'a pas encore été partagé avec vous" in reponse.content.decode()
    assert reponse.context["form"] is None


def test_le_diagnostic_partage_montre_sa_situation_et_ses_mots_jamais_les_commentaires_des_pros(espace, chez_soi):
    carnet, referente = espace["carnet"], espace["referente"]
    sensible = Domaine.objects.filter(sensible=True).first()
    diagnostic = diagnostic_valide(
        carnet,
        referente,
        mobilite={
            "appreciation": "besoin",
            "impact": "fort",
            "commentaire": COMMENTAIRE_PRO,
            "paroles_personne": "Je voudrais une voiture",
        },
        **{sensible.code: {"appreciation": "besoin", "impact": "moyen", "paroles_personne": "Mon dos me fait mal"}},
    )
    Diagnostic.objects.filter(pk=diagnostic.pk).update(motif_parcours=MOTIF_PARCOURS)
    diagnostic_services.partager_avec_la_personne(diagnostic, acteur=referente)

    html = chez_soi.get(reverse("parcours:espace_diagnostic")).content.decode()

    assert "En recherche d&#x27;emploi" in html
    assert "Je voudrais une voiture" in html
    assert sensible.libelle in html and "Mon dos me fait mal" in html  # sa santé : ses propres données
    assert "Aide-soignant" in html
    assert str(diagnostic.uuid) in html  # le formulaire d'avis porte la version lue
    sans_rien_de_reserve(html)


def test_seule_la_derniere_version_partagee_est_montree(espace, chez_soi):
    carnet, referente = espace["carnet"], espace["referente"]
    premiere = diagnostic_valide(carnet, referente)
    diagnostic_services.partager_avec_la_personne(premiere, acteur=referente)
    seconde = diagnostic_services.commencer(carnet, acteur=referente)
    diagnostic_services.valider(seconde, acteur=referente)  # validée, pas partagée

    reponse = chez_soi.get(reverse("parcours:espace_diagnostic"))

    assert reponse.context["diagnostic"] == premiere


def test_la_personne_lit_ses_procedures_une_fois_l_avis_envoye_jamais_avant(espace, chez_soi, time_machine):
    time_machine.move_to("2025-09-15 10:00")
    carnet, referente = espace["carnet"], espace["referente"]
    sanctions_fabriques.manquement(carnet, referente, date_faits=date(2025, 9, 12))  # constat encore interne
    html = chez_soi.get(reverse("parcours:espace_accueil")).content.decode()
    assert "Vos procédures" not in html
    avis = sanctions_fabriques.manquement_avis_envoye(carnet, referente, date_faits=date(2025, 9, 1))
    html = chez_soi.get(reverse("parcours:espace_accueil")).content.decode()
    assert "Vos procédures" in html and "Faits du 1 septembre 2025" in html
    assert "Faits du 12 septembre 2025" not in html
    assert "observations à votre référent jusqu'au <strong>20 septembre 2025</strong>" in html
    avis.decision, avis.decide_le, avis.taux_suspension, avis.duree_mois = "suspension", date(2025, 9, 25), 30, 1
    avis.statut = "decide"
    avis.save()
    html = chez_soi.get(reverse("parcours:espace_accueil")).content.decode()
    assert "Décision du 25 septembre 2025" in html and "Suspension du RSA" in html and "30 % pendant 1 mois" in html
