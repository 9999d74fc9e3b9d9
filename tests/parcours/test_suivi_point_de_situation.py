"""Le point de situation : chaque règle à sa limite, à date figée ; le calcul ensembliste qui remplace le précédent."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours import services
from parcours.models import Action, ContratEngagement, Diagnostic, ElementATraiter, Intervenant, ParametresTerritoire
from parcours.suivi import point_de_situation
from parcours.suivi import services as suivi_services
from tests.factories import OrganisationFactory, membre
from tests.parcours import suivi_fabriques
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.suivi_fabriques import (
    AUJOURD_HUI,
    OUVERTURE,
    calculer,
    decision,
    demande,
    instant,
    ouvrir,
    regles_de,
)

equipe, temps = suivi_fabriques.equipe, suivi_fabriques.temps  # fixtures

Regle = ElementATraiter.Regle


def _note_le(equipe, temps, jour):
    temps.move_to(instant(jour), tick=False)
    services.ajouter_note(
        equipe["carnet"],
        acteur=equipe["referente"],
        organisation=equipe["departement"],
        texte="Entretien téléphonique",
        visibilite="moi",
    )


# --- Perdus de vue ----------------------------------------------------------------------------


@pytest.mark.parametrize(("jours", "perdu"), [(89, False), (90, False), (91, True)])
def test_perdu_de_vue_au_dela_de_90_jours_sans_contact(equipe, temps, jours, perdu):
    _note_le(equipe, temps, AUJOURD_HUI - timedelta(days=jours))
    calculer(temps)
    elements = list(ElementATraiter.objects.filter(regle=Regle.PERDU_DE_VUE))
    assert bool(elements) is perdu
    if perdu:
        (element,) = elements
        assert element.referent == equipe["referente"] and element.organisation == equipe["departement"]
        assert "Dernier contact le 15/12/2025" in element.detail and "91 jours" in element.detail


@pytest.mark.parametrize(("jours", "perdu"), [(120, False), (121, True)])
def test_le_seuil_perdu_de_vue_se_regle_par_territoire(equipe, temps, jours, perdu):
    ParametresTerritoire.objects.create(departement="40", jours_sans_contact=120)
    ParametresTerritoire.objects.create(departement="64", jours_sans_contact=30)
    _note_le(equipe, temps, AUJOURD_HUI - timedelta(days=jours))
    calculer(temps)
    assert (Regle.PERDU_DE_VUE in regles_de(equipe["carnet"])) is perdu


def test_un_rendez_vous_honore_ou_un_point_de_suivi_comptent_comme_contact(equipe, temps):
    carnet, referente = equipe["carnet"], equipe["referente"]
    temps.move_to(instant(AUJOURD_HUI - timedelta(days=80)), tick=False)
    rendez_vous = services.prevoir_rendez_vous(
        carnet, acteur=referente, intervenant=referente, date_heure=instant(AUJOURD_HUI - timedelta(days=80), 14),
        objet="Point", lieu="Agence",
    )  # fmt: skip
    temps.move_to(instant(AUJOURD_HUI - timedelta(days=80), 16), tick=False)
    calculer(temps)
    assert Regle.PERDU_DE_VUE in regles_de(carnet)  # prévu, pas encore honoré : ce n'est pas un contact
    temps.move_to(instant(AUJOURD_HUI - timedelta(days=80), 16), tick=False)
    services.mettre_a_jour_rendez_vous(rendez_vous, acteur=referente, statut="honore")
    calculer(temps)
    assert Regle.PERDU_DE_VUE not in regles_de(carnet)


def test_un_carnet_ouvert_depuis_moins_de_90_jours_sans_contact_n_est_pas_perdu_de_vue(equipe, temps):
    temps.move_to(instant(AUJOURD_HUI - timedelta(days=90)), tick=False)
    recent = ouvrir(equipe["referente"], equipe["departement"], nom="Récent")
    temps.move_to(instant(AUJOURD_HUI - timedelta(days=91)), tick=False)
    ancien = ouvrir(equipe["referente"], equipe["departement"], nom="Ancien")
    calculer(temps)
    assert Regle.PERDU_DE_VUE not in regles_de(recent)
    element = ElementATraiter.objects.get(carnet=ancien, regle=Regle.PERDU_DE_VUE)
    assert element.detail.startswith("Aucun contact depuis l'ouverture du carnet le 15/12/2025")


def test_un_parcours_clos_n_est_pas_perdu_de_vue(equipe, temps):
    temps.move_to(instant(AUJOURD_HUI - timedelta(days=100)), tick=False)
    suivi_services.sortir(
        equipe["carnet"], acteur=equipe["referente"], motif="demenagement", date_sortie=AUJOURD_HUI - timedelta(100)
    )
    calculer(temps)
    assert regles_de(equipe["carnet"]) == []


# --- Orientations et contrats -------------------------------------------------------------------


@pytest.mark.parametrize(("jours", "en_retard"), [(42, False), (43, True)])
def test_orientation_en_retard_au_43e_jour_pour_l_organisation_qui_oriente(equipe, temps, jours, en_retard):
    _note_le(equipe, temps, AUJOURD_HUI)
    orienteur = OrganisationFactory(nom="Service orientation", departement="40")
    demande(equipe["carnet"], orienteur, equipe["referente"], date_reception=AUJOURD_HUI - timedelta(days=jours))
    calculer(temps)
    elements = list(ElementATraiter.objects.filter(regle=Regle.ORIENTATION_EN_RETARD))
    assert bool(elements) is en_retard
    if en_retard:
        (element,) = elements
        assert element.organisation == orienteur and element.referent is None
        assert element.echeance == AUJOURD_HUI - timedelta(days=1) and "1 jour de retard" in element.detail


def test_une_reorientation_n_a_pas_de_delai_legal(equipe, temps):
    demande(
        equipe["carnet"], equipe["departement"], equipe["referente"], date_reception=OUVERTURE,
        motif="reorientation", parcours_recommande="social", motif_demande="Santé",
    )  # fmt: skip
    calculer(temps)
    assert Regle.ORIENTATION_EN_RETARD not in regles_de(equipe["carnet"])


@pytest.mark.parametrize(("notifiee_le", "en_retard"), [(date(2026, 2, 16), False), (date(2026, 2, 15), True)])
def test_contrat_non_signe_dans_le_mois_de_la_notification(equipe, temps, notifiee_le, en_retard):
    decision(equipe["carnet"], equipe["departement"], equipe["referente"], date_decision=notifiee_le,
             notifiee_le=notifiee_le)  # fmt: skip
    calculer(temps)
    assert (Regle.CONTRAT_EN_RETARD in regles_de(equipe["carnet"])) is en_retard


def test_un_contrat_signe_depuis_la_notification_eteint_le_retard(equipe, temps):
    carnet, referente = equipe["carnet"], equipe["referente"]
    decision(carnet, equipe["departement"], referente, date_decision=date(2026, 1, 5), notifiee_le=date(2026, 1, 6))
    contrat = ContratEngagement.objects.create(
        carnet=carnet, date_debut=date(2026, 1, 5), signataires="Inès Lalanne", cree_par=referente
    )
    calculer(temps)
    assert Regle.CONTRAT_EN_RETARD in regles_de(carnet)  # signé avant la notification : ce n'est pas le nouveau
    contrat.date_debut = date(2026, 1, 6)  # signé le jour de la notification
    contrat.save()
    calculer(temps)
    assert Regle.CONTRAT_EN_RETARD not in regles_de(carnet)


def test_une_nouvelle_orientation_relance_le_mois_du_contrat(equipe, temps):
    carnet, referente, departement = equipe["carnet"], equipe["referente"], equipe["departement"]
    decision(carnet, departement, referente, date_decision=date(2025, 10, 1), notifiee_le=date(2025, 10, 2))
    decision(carnet, departement, referente, date_decision=date(2026, 3, 1), notifiee_le=date(2026, 3, 2),
             sens="reorienter")  # fmt: skip
    calculer(temps)
    assert Regle.CONTRAT_EN_RETARD not in regles_de(carnet)


# --- Plan d'action, contrat, diagnostic ----------------------------------------------------------


@pytest.mark.parametrize(
    ("echeance", "statut", "echue"),
    [(AUJOURD_HUI, "en_cours", False), (AUJOURD_HUI - timedelta(1), "en_cours", True),
     (AUJOURD_HUI - timedelta(1), "en_projet", True), (AUJOURD_HUI - timedelta(1), "realisee", False)],
)  # fmt: skip
def test_action_echue_le_lendemain_de_son_echeance(equipe, temps, echeance, statut, echue):
    carnet, referente = equipe["carnet"], equipe["referente"]
    objectif = services.ajouter_objectif(carnet, acteur=referente, axe="mobilite", libelle_libre="Bouger")
    action = services.ajouter_action(
        objectif, acteur=referente, libelle_libre="Atelier vélo", date_debut=OUVERTURE, date_echeance=echeance
    )
    Action.objects.filter(pk=action.pk).update(statut=statut)
    calculer(temps)
    elements = list(ElementATraiter.objects.filter(regle=Regle.ACTION_ECHUE))
    assert bool(elements) is echue
    if echue:
        assert elements[0].detail.startswith("Atelier vélo") and elements[0].echeance == echeance


@pytest.mark.parametrize(
    ("heures", "raison", "signale"), [(10, "", True), (10, "sante", False), (15, "", False), (0, "autre", False)]
)
def test_contrat_sous_15_heures_sans_raison(equipe, temps, heures, raison, signale):
    ContratEngagement.objects.create(
        carnet=equipe["carnet"], date_debut=OUVERTURE, signataires="Inès Lalanne", cree_par=equipe["referente"],
        heures_hebdomadaires=heures, raison_amenagement=raison, motif_amenagement="Rendez-vous médicaux",
    )  # fmt: skip
    calculer(temps)
    assert (Regle.HEURES_SANS_MOTIF in regles_de(equipe["carnet"])) is signale


def test_un_contrat_termine_ne_compte_plus_dans_les_heures(equipe, temps):
    ContratEngagement.objects.create(
        carnet=equipe["carnet"], date_debut=OUVERTURE, date_fin=AUJOURD_HUI - timedelta(1), signataires="Inès",
        cree_par=equipe["referente"], heures_hebdomadaires=10, motif_amenagement="Santé",
    )  # fmt: skip
    calculer(temps)
    assert Regle.HEURES_SANS_MOTIF not in regles_de(equipe["carnet"])


@pytest.mark.parametrize(("jours", "a_reexaminer"), [(183, False), (184, True)])
def test_diagnostic_a_reexaminer_comme_la_regle_du_diagnostic(equipe, temps, jours, a_reexaminer):
    temps.move_to(instant(AUJOURD_HUI - timedelta(days=jours), 2), tick=False)
    diagnostic_valide(equipe["carnet"], equipe["referente"])
    calculer(temps)
    assert Diagnostic.objects.get().a_reexaminer is a_reexaminer  # la règle existante, au même instant
    assert (Regle.DIAGNOSTIC_A_REEXAMINER in regles_de(equipe["carnet"])) is a_reexaminer


@pytest.mark.parametrize(
    ("date_decision", "prolongation", "due"),
    [(date(2025, 9, 16), "", True), (date(2025, 9, 17), "", False), (date(2025, 9, 16), "sante", False),
     (date(2025, 3, 16), "logement", True)],
)  # fmt: skip
def test_revision_du_parcours_social_a_6_mois_ou_12_avec_un_motif_legal(
    equipe, temps, date_decision, prolongation, due
):
    decision(equipe["carnet"], equipe["departement"], equipe["referente"], date_decision=date_decision,
             parcours="social", motif_prolongation=prolongation)  # fmt: skip
    calculer(temps)
    assert (Regle.REVISION_PARCOURS_SOCIAL in regles_de(equipe["carnet"])) is due


def test_une_decision_plus_recente_vaut_revision_du_parcours_social(equipe, temps):
    carnet, departement, referente = equipe["carnet"], equipe["departement"], equipe["referente"]
    decision(carnet, departement, referente, date_decision=date(2025, 6, 3), parcours="social")
    decision(carnet, departement, referente, date_decision=date(2026, 1, 5), sens="maintenir")
    calculer(temps)
    assert Regle.REVISION_PARCOURS_SOCIAL not in regles_de(carnet)


@pytest.mark.parametrize(
    ("maintien", "prolongation", "echeance"),
    [(date(2025, 9, 16), "", date(2026, 3, 16)), (date(2025, 9, 17), "", None),
     (date(2025, 3, 16), "logement", date(2026, 3, 16)), (date(2025, 3, 17), "logement", None)],
)  # fmt: skip
def test_un_maintien_relance_la_revision_comme_l_en_tete_du_carnet(equipe, temps, maintien, prolongation, echeance):
    """La révision court depuis le maintien (6 mois, 12 avec le motif légal de l'orientation maintenue) ; le point
    de situation et l'en-tête du carnet donnent la même échéance."""
    from parcours.orientation.horloges import etat_du_carnet

    carnet, departement, referente = equipe["carnet"], equipe["departement"], equipe["referente"]
    decision(carnet, departement, referente, date_decision=date(2024, 6, 3), parcours="social",
             motif_prolongation=prolongation)  # fmt: skip
    decision(carnet, departement, referente, date_decision=maintien, sens="maintenir")
    calculer(temps)
    elements = [e for e in ElementATraiter.objects.all() if e.regle == Regle.REVISION_PARCOURS_SOCIAL]
    etat = etat_du_carnet(carnet, AUJOURD_HUI)
    assert etat.revision_due is (echeance is not None)
    assert [e.echeance for e in elements] == ([echeance] if echeance else [])
    if echeance:
        assert etat.date_revision == echeance and "maintenu le" in elements[0].detail


# --- Référent, statuts, suivi dans l'emploi ------------------------------------------------------


def test_personne_sans_referent_quand_le_referent_n_est_plus_membre_actif(equipe, temps):
    from partenaires.services import desactiver_membre

    _note_le(equipe, temps, AUJOURD_HUI)
    calculer(temps)
    assert Regle.SANS_REFERENT not in regles_de(equipe["carnet"])
    membre_referente = equipe["referente"].membres.get()
    admin = membre(equipe["departement"], "administrateur").utilisateur
    desactiver_membre(membre_referente, acteur=admin, motif="Départ")
    calculer(temps)
    (element,) = ElementATraiter.objects.filter(carnet=equipe["carnet"])
    assert element.regle == Regle.SANS_REFERENT
    assert element.referent is None and element.organisation == equipe["departement"]


def test_sans_referent_va_a_l_organisation_qui_a_ouvert_le_carnet(equipe, temps):
    Intervenant.objects.filter(carnet=equipe["carnet"]).delete()
    calculer(temps)
    element = ElementATraiter.objects.get(regle=Regle.SANS_REFERENT)
    assert element.organisation == equipe["departement"]
    # les autres règles du carnet vont aussi à cette organisation
    assert ElementATraiter.objects.get(regle=Regle.PERDU_DE_VUE).organisation == equipe["departement"]


@pytest.mark.parametrize(("jours", "recent"), [(30, True), (31, False)])
def test_changement_de_statut_a_examiner_pendant_30_jours(equipe, temps, jours, recent):
    _note_le(equipe, temps, AUJOURD_HUI)
    temps.move_to(instant(AUJOURD_HUI - timedelta(days=jours), 9), tick=False)
    services.changer_statut(equipe["carnet"], acteur=equipe["referente"], type="droit_rsa", valeur="ouvert_versable",
                            date_debut=AUJOURD_HUI - timedelta(days=jours))  # fmt: skip
    calculer(temps)
    elements = list(ElementATraiter.objects.filter(regle=Regle.REEXAMEN_STATUT))
    assert bool(elements) is recent
    if recent:
        assert elements[0].detail.startswith("Entrée dans le RSA")


@pytest.mark.parametrize(("sortie", "du"), [(date(2026, 2, 16), True), (date(2026, 2, 17), False)])
def test_point_de_suivi_dans_l_emploi_du_a_sa_date(equipe, temps, sortie, du):
    temps.move_to(instant(sortie), tick=False)
    suivi_services.sortir(equipe["carnet"], acteur=equipe["referente"], motif="emploi_durable", date_sortie=sortie,
                          suivi_emploi_mois=3)  # fmt: skip
    calculer(temps)
    elements = list(ElementATraiter.objects.filter(regle=Regle.POINT_SUIVI_EMPLOI))
    assert bool(elements) is du
    assert Regle.PERDU_DE_VUE not in regles_de(equipe["carnet"])
    if du:
        assert elements[0].echeance == AUJOURD_HUI and elements[0].referent == equipe["referente"]


# --- Le calcul ---------------------------------------------------------------------------------


def test_le_calcul_remplace_le_precedent(equipe, temps):
    calculer(temps, AUJOURD_HUI - timedelta(days=1))
    assert ElementATraiter.objects.filter(date_calcul=AUJOURD_HUI - timedelta(days=1)).count() == 1
    _note_le(equipe, temps, AUJOURD_HUI)
    calculer(temps)
    assert ElementATraiter.objects.count() == 0


def _requetes_du_calcul(temps):
    temps.move_to(instant(AUJOURD_HUI, 2), tick=False)
    with CaptureQueriesContext(connection) as requetes:
        point_de_situation.calculer(aujourd_hui=AUJOURD_HUI)
    return len(requetes)


def test_le_calcul_ne_fait_pas_une_requete_par_carnet(equipe, temps):
    """Un carnet ou vingt, avec de quoi déclencher chaque règle : le même nombre de requêtes."""

    def peupler(premier, nombre):
        for numero in range(premier, premier + nombre):
            temps.move_to(instant(OUVERTURE), tick=False)
            carnet = ouvrir(equipe["referente"], equipe["departement"], nom=f"Personne {numero}")
            objectif = services.ajouter_objectif(carnet, acteur=equipe["referente"], axe="mobilite",
                                                 libelle_libre="Bouger")  # fmt: skip
            services.ajouter_action(objectif, acteur=equipe["referente"], libelle_libre="Vélo", date_debut=OUVERTURE,
                                    date_echeance=OUVERTURE)  # fmt: skip
            demande(carnet, equipe["departement"], equipe["referente"], date_reception=OUVERTURE)
            decision(carnet, equipe["departement"], equipe["referente"], date_decision=OUVERTURE, parcours="social",
                     notifiee_le=OUVERTURE)  # fmt: skip

    peupler(0, 1)
    une = _requetes_du_calcul(temps)
    assert ElementATraiter.objects.count() >= 5
    peupler(1, 19)
    assert _requetes_du_calcul(temps) == une
    assert ElementATraiter.objects.filter(regle=Regle.CONTRAT_EN_RETARD).count() == 20
