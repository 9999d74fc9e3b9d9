"""Décider : orienter (partage, ancien et nouveau référent, historique avant/après, courriels après validation),
maintenir, notifier ; chaque mauvaise saisie ne laisse rien d'écrit."""

import re
from datetime import date
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parcours import permissions as regles_carnet
from parcours.models import DecisionOrientation, DemandeOrientation, EvenementCarnet, Intervenant
from parcours.orientation import services
from parcours.orientation.criteres import depuis_le_diagnostic
from tests.factories import OrganisationFactory, membre
from tests.parcours import outils_orientation
from tests.parcours.conftest import diagnostic_valide

pytestmark = pytest.mark.django_db
AUJOURD_HUI = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _date_figee():
    with time_machine.travel(AUJOURD_HUI, tick=False):
        yield


@pytest.fixture
def t():
    return outils_orientation.territoire()


def referent_actif(carnet):
    return carnet.intervenants.actifs().get(role=Intervenant.Role.REFERENT)


def test_orienter_partage_le_carnet_pose_le_referent_et_garde_l_ancien_comme_accompagnateur(
    t, django_capture_on_commit_callbacks, mailoutbox
):
    demande = t.demander(date(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        decision = t.orienter(demande, notifiee_le=AUJOURD_HUI, canal_notification="courrier")
    assert len(rappels) == 1
    demande.refresh_from_db()
    assert demande.statut == DemandeOrientation.Statut.DECIDEE
    assert decision.organisation_decideuse == t.departement
    assert regles_carnet.can_edit_carnet(t.conseiller, t.carnet)
    assert referent_actif(t.carnet).utilisateur == t.conseiller
    ancienne = t.carnet.intervenants.actifs().get(utilisateur=t.referente)
    assert ancienne.role == Intervenant.Role.ACCOMPAGNATEUR
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.ORIENTATION_DECIDEE)
    assert evenement.details["avant"] == "aucune orientation"
    assert evenement.details["apres"] == "Emploi (parcours professionnel) (France Travail Dax, Marc Labat)"
    assert evenement.organisation == t.departement
    assert t.carnet.evenements.filter(type=EvenementCarnet.Type.ORIENTATION_NOTIFIEE).exists()
    destinataires = sorted(m.to[0] for m in mailoutbox)
    assert destinataires == sorted([t.conseiller.email, t.referente.email])
    au_nouveau = next(m for m in mailoutbox if m.to == [t.conseiller.email])
    assert "Vous êtes désormais son référent" in au_nouveau.body
    a_l_ancienne = next(m for m in mailoutbox if m.to == [t.referente.email])
    assert "vous restez dans son groupe de suivi comme accompagnateur" in a_l_ancienne.body


def test_les_courriels_ne_partent_qu_apres_la_validation(t, django_capture_on_commit_callbacks, mailoutbox):
    demande = t.demander(date(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        t.orienter(demande)
        assert mailoutbox == []
    assert len(rappels) == 1 and mailoutbox == []


def test_l_ancien_referent_peut_sortir_du_groupe(t):
    demande = t.demander(date(2026, 3, 2))
    t.orienter(demande, devenir="fin")
    assert not t.carnet.intervenants.actifs().filter(utilisateur=t.referente).exists()
    assert not regles_carnet.can_view_carnet(t.referente, t.carnet)  # le CCAS n'a plus d'intervenant
    assert t.carnet.evenements.filter(type=EvenementCarnet.Type.PARTAGE_RETIRE).exists()


def test_sans_referent_designe_le_referent_de_l_organisme_choisi_reste(t):
    demande = t.demander(date(2026, 3, 2))
    decision = t.orienter(demande, organisme=t.ccas, referent=None, parcours="social", devenir="")
    assert referent_actif(t.carnet).utilisateur == t.referente
    assert decision.devenir_ancien_referent == ""


def test_changer_de_referent_demande_le_devenir_de_l_ancien(t):
    demande = t.demander(date(2026, 3, 2))
    with pytest.raises(ValidationError) as erreur:
        t.orienter(demande, devenir="")
    assert "devenir_ancien_referent" in erreur.value.error_dict
    assert not DecisionOrientation.objects.exists()


def test_le_referent_doit_etre_membre_actif_de_l_organisme(t):
    demande = t.demander(date(2026, 3, 2))
    with pytest.raises(ValidationError) as erreur:
        t.orienter(demande, referent=t.referente)  # membre du CCAS, pas de France Travail
    assert "referent" in erreur.value.error_dict
    assert not DecisionOrientation.objects.exists()
    assert referent_actif(t.carnet).utilisateur == t.referente


@pytest.mark.parametrize(
    ("champs", "champ_en_erreur"),
    [
        ({"notifiee_le": AUJOURD_HUI}, "canal_notification"),
        ({"canal_notification": "courrier"}, "notifiee_le"),
        ({"notifiee_le": date(2026, 3, 17), "canal_notification": "courrier"}, "notifiee_le"),
        ({"date_decision": date(2026, 3, 17)}, "date_decision"),
        ({"date_decision": date(2026, 3, 1)}, "date_decision"),  # avant la réception de l'information
        ({"motif_prolongation": "sante"}, "motif_prolongation"),  # parcours emploi
        ({"parcours": ""}, "parcours"),
        ({"organisme_referent": "pyrenees"}, "organisme_referent"),  # hors du territoire
        ({"sens": "maintenir"}, "sens"),  # pas une réorientation
        ({"criteres": {"difficultes": {"logement": "enorme"}}}, "difficulte_logement"),
    ],
)
def test_une_mauvaise_saisie_n_ecrit_rien(t, champs, champ_en_erreur, mailoutbox):
    demande = t.demander(date(2026, 3, 2))
    if champs.get("organisme_referent") == "pyrenees":
        champs["organisme_referent"] = t.pyrenees
    evenements = t.carnet.evenements.count()
    with pytest.raises(ValidationError) as erreur:
        t.orienter(demande, **champs)
    assert champ_en_erreur in erreur.value.error_dict
    demande.refresh_from_db()
    assert demande.statut == DemandeOrientation.Statut.EN_ATTENTE
    assert not DecisionOrientation.objects.exists()
    assert t.carnet.evenements.count() == evenements
    assert mailoutbox == []


def test_une_erreur_au_milieu_ne_laisse_rien(t, django_capture_on_commit_callbacks, mailoutbox):
    demande = t.demander(date(2026, 3, 2))
    evenements = t.carnet.evenements.count()
    with (
        mock.patch("parcours.orientation.services.carnet_services._ajouter", side_effect=RuntimeError("panne")),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        t.orienter(demande)
    demande.refresh_from_db()
    assert demande.statut == DemandeOrientation.Statut.EN_ATTENTE
    assert not DecisionOrientation.objects.exists()
    assert referent_actif(t.carnet).utilisateur == t.referente
    assert not regles_carnet.can_view_carnet(t.conseiller, t.carnet)
    assert t.carnet.evenements.count() == evenements
    assert mailoutbox == []


def test_seuls_les_charges_d_orientation_et_pilotes_de_la_file_decident(t):
    demande = t.demander(date(2026, 3, 2))
    for intrus in (t.referente, t.charge_pyrenees, membre(t.departement).utilisateur):
        with pytest.raises(PermissionDenied):
            services.decider(demande, acteur=intrus, sens="orienter", date_decision=AUJOURD_HUI)
    decision = services.decider(
        demande,
        acteur=t.pilote,
        sens="orienter",
        parcours="socio_professionnel",
        organisme_referent=t.ccas,
        date_decision=AUJOURD_HUI,
    )
    assert decision.decideur == t.pilote
    with pytest.raises(ValidationError, match="déjà décidée"):
        t.orienter(demande)


def test_maintenir_renvoie_le_motif_au_referent_qui_a_demande(t, django_capture_on_commit_callbacks, mailoutbox):
    t.orienter(t.demander(date(2026, 3, 2)), organisme=t.ccas, referent=t.referente, parcours="social")
    reorientation = services.demander_reorientation(
        t.carnet, acteur=t.referente, parcours_recommande="emploi", motif_demande="Projet d'aide-soignante"
    )
    with pytest.raises(ValidationError) as erreur:
        services.decider(reorientation, acteur=t.charge, sens="maintenir", date_decision=AUJOURD_HUI)
    assert "motif" in erreur.value.error_dict
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decider(
            reorientation,
            acteur=t.charge,
            sens="maintenir",
            date_decision=AUJOURD_HUI,
            motif="La formation commence dans six mois : on en reparle à la révision.",
        )
    assert decision.parcours == "" and decision.organisme_referent is None
    assert referent_actif(t.carnet).utilisateur == t.referente
    assert t.carnet.evenements.filter(type=EvenementCarnet.Type.ORIENTATION_MAINTENUE).exists()
    (courriel,) = mailoutbox
    assert courriel.to == [t.referente.email]
    assert "Orientation maintenue" in courriel.subject
    assert "La formation commence dans six mois" in courriel.body
    # l'orientation en cours reste la première (un maintien ne fixe pas de parcours)
    assert services.orientation_en_cours(t.carnet).parcours == "social"


def test_reorienter_previent_le_demandeur_l_ancien_et_le_nouveau_referent(
    t, django_capture_on_commit_callbacks, mailoutbox
):
    t.orienter(t.demander(date(2026, 3, 2)), organisme=t.ccas, referent=t.referente, parcours="social")
    reorientation = services.demander_reorientation(
        t.carnet, acteur=t.referente, parcours_recommande="emploi", motif_demande="Prête pour l'emploi"
    )
    with django_capture_on_commit_callbacks(execute=True):
        t.orienter(reorientation, sens="reorienter", date_decision=AUJOURD_HUI)
    # la référente est à la fois l'ancienne référente et la demandeuse : un seul courriel
    assert sorted(m.to[0] for m in mailoutbox) == sorted([t.referente.email, t.conseiller.email])
    evenement = t.carnet.evenements.filter(type=EvenementCarnet.Type.ORIENTATION_DECIDEE).first()
    assert evenement.details["avant"].startswith("Social (remobilisation) (CCAS de Dax")
    assert evenement.resume.startswith("Réorienter : Social")


def test_notifier_plus_tard_demande_la_date_et_le_canal(t):
    decision = t.orienter(t.demander(date(2026, 3, 2)))
    with pytest.raises(ValidationError) as erreur:
        services.notifier(decision, acteur=t.charge, notifiee_le=AUJOURD_HUI, canal_notification="")
    assert "canal_notification" in erreur.value.error_dict
    with pytest.raises(ValidationError, match="futur"):
        services.notifier(decision, acteur=t.charge, notifiee_le=date(2026, 3, 20), canal_notification="courriel")
    with pytest.raises(PermissionDenied):
        services.notifier(decision, acteur=t.conseiller, notifiee_le=AUJOURD_HUI, canal_notification="courriel")
    decision = services.notifier(decision, acteur=t.charge, notifiee_le=AUJOURD_HUI, canal_notification="courriel")
    assert decision.date_limite_contrat == date(2026, 4, 16)
    with pytest.raises(ValidationError, match="déjà notifiée"):
        services.notifier(decision, acteur=t.charge, notifiee_le=AUJOURD_HUI, canal_notification="courrier")


def test_notifier_depuis_l_onglet_du_carnet(client, connecter, t):
    decision = t.orienter(t.demander(date(2026, 3, 2)))
    connecter(t.charge)
    onglet = client.get(reverse("parcours:carnet", args=[t.carnet.uuid]), {"onglet": "orientation"}).content.decode()
    assert "Enregistrer la notification" in onglet
    url = reverse("parcours:orientation_notifier", args=[decision.uuid])
    prefixe = f"notification-{decision.uuid}"
    reponse = client.post(url, {f"{prefixe}-notifiee_le": "2026-03-16", f"{prefixe}-canal_notification": ""})
    assert reponse.status_code == 302
    decision.refresh_from_db()
    assert decision.notifiee_le is None
    client.post(url, {f"{prefixe}-notifiee_le": "2026-03-16", f"{prefixe}-canal_notification": "courrier"})
    decision.refresh_from_db()
    assert decision.canal_notification == "courrier"
    connecter(t.charge_pyrenees)
    assert client.post(url, {}).status_code == 404


def test_les_criteres_sont_preremplis_sauf_la_sante_pour_qui_ne_la_voit_pas(t):
    diagnostic = diagnostic_valide(
        t.carnet,
        t.referente,
        sante={"appreciation": "besoin", "impact": "fort"},
        logement={"appreciation": "besoin", "impact": "moyen"},
        contraintes_familiales={"appreciation": "besoin", "impact": "sans_impact"},
    )
    pour_l_intervenante = depuis_le_diagnostic(diagnostic, voit_sensible=True)
    assert pour_l_intervenante["situation_emploi"] == "activite_recente"  # dernier emploi fin juin 2025
    assert pour_l_intervenante["qualification"] == "qualifie"
    assert pour_l_intervenante["aspirations"] == "retour_rapide"
    assert pour_l_intervenante["difficultes"] == {
        "sante": "fort",
        "logement": "moyen",
        "garde_enfant": "sans_impact",
        "proche_aidant": "sans_impact",
    }
    assert "sante" not in depuis_le_diagnostic(diagnostic, voit_sensible=False)["difficultes"]


def test_la_page_de_decision(client, connecter, t, django_capture_on_commit_callbacks):
    demande = t.demander(date(2026, 3, 2))
    diagnostic_valide(t.carnet, t.referente, logement={"appreciation": "besoin", "impact": "fort"})
    url = reverse("parcours:orientation_decider", args=[demande.uuid])
    connecter(t.charge)
    page = client.get(url).content.decode()
    assert "28 jours restants" in page
    assert "Non préremplie : elle relève des données de santé" in page
    assert re.search(r'name="difficulte_logement" value="fort"[^>]*checked', page)
    assert not re.search(r'name="difficulte_sante" value="[a-z_]+"[^>]*checked', page)
    assert t.carnet.consultations.filter(utilisateur=t.charge, onglet="decision_orientation").exists()
    donnees = {
        "sens": "orienter",
        "parcours": "emploi",
        "organisme_referent": str(t.france_travail.uuid),
        "referent": str(t.referente.uuid),  # pas membre de France Travail : absent de la liste
        "devenir_ancien_referent": "accompagnateur",
        "date_decision": "2026-03-16",
        "difficulte_logement": "fort",
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 400
    donnees["referent"] = str(t.conseiller.uuid)
    donnees["notifiee_le"] = "2026-03-16"
    reponse = client.post(url, donnees)
    assert reponse.status_code == 400 and "canal" in reponse.content.decode()
    donnees["canal_notification"] = "remise_en_main_propre"
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url, donnees)
    assert reponse.status_code == 302
    decision = DecisionOrientation.objects.get()
    assert decision.criteres["difficultes"]["logement"] == "fort"
    assert decision.referent == t.conseiller
    connecter(t.referente)
    page = client.get(reverse("parcours:carnet", args=[t.carnet.uuid]), {"onglet": "orientation"}).content.decode()
    assert "Emploi (parcours professionnel)</strong>, France Travail Dax depuis le 16/03/2026" in page
    assert "à signer au plus tard le 16/04/2026" in page


def test_une_demande_d_une_autre_file_n_existe_pas(client, connecter, t):
    demande = t.demander(date(2026, 3, 2))
    url = reverse("parcours:orientation_decider", args=[demande.uuid])
    for intrus in (t.charge_pyrenees, t.referente, membre(OrganisationFactory()).utilisateur):
        connecter(intrus)
        assert client.get(url).status_code == 404


def test_la_file_qui_oriente_garde_la_lecture_quand_l_ancien_referent_sort(client, connecter, t):
    """Le Département suit lui-même la personne ; il oriente vers France Travail et son référent sort du groupe :
    il garde la lecture (il oriente la personne), la réorientation arrive dans sa file et s'ouvre."""
    from parcours import services as carnet_services
    from parcours.models import ConsultationCarnet

    referente_dep = membre(t.departement, prenom="Anne", nom="Bordes").utilisateur
    carnet = carnet_services.ouvrir_carnet(
        acteur=referente_dep, organisation=t.departement, nom="Lartigue", prenom="Léa", date_naissance=date(1990, 2, 2)
    )
    t.carnet = carnet
    t.orienter(t.demander(date(2026, 3, 2), acteur=referente_dep), devenir="fin")
    assert regles_carnet.can_view_carnet(t.charge, carnet)
    assert not regles_carnet.can_edit_carnet(referente_dep, carnet)
    retrait = carnet.evenements.filter(type=EvenementCarnet.Type.PARTAGE_RETIRE).get()
    assert "la lecture reste" in retrait.resume
    reorientation = services.demander_reorientation(
        carnet, acteur=t.conseiller, parcours_recommande="social", motif_demande="Santé fragile"
    )
    connecter(t.charge)
    page = client.get(reverse("parcours:orientation_decider", args=[reorientation.uuid]))
    assert page.status_code == 200 and "LARTIGUE" in page.content.decode()
    assert client.get(reverse("parcours:carnet", args=[carnet.uuid])).status_code == 200
    assert ConsultationCarnet.objects.filter(carnet=carnet, utilisateur=t.charge).count() == 2


def test_une_reorientation_partage_le_carnet_en_lecture_avec_sa_file(t):
    from partenaires import permissions

    t.orienter(t.demander(date(2026, 3, 2)))
    permissions.retirer_partage(t.carnet, t.departement, "parcours.view_carnet")  # un carnet d'avant la règle
    assert not regles_carnet.can_view_carnet(t.charge, t.carnet)
    services.demander_reorientation(
        t.carnet, acteur=t.conseiller, parcours_recommande="social", motif_demande="Santé fragile"
    )
    assert regles_carnet.can_view_carnet(t.charge, t.carnet)
    assert not regles_carnet.can_edit_carnet(t.charge, t.carnet)


def test_la_demande_d_un_carnet_qu_on_ne_lit_pas_n_existe_pas(client, connecter, t):
    """Défense en profondeur : sans la lecture du carnet, ni la file, ni la page de décision, ni le service."""
    from partenaires import permissions

    demande = t.demander(date(2026, 3, 2))
    permissions.retirer_partage(t.carnet, t.departement, "parcours.view_carnet")
    connecter(t.charge)
    assert client.get(reverse("parcours:orientation_decider", args=[demande.uuid])).status_code == 404
    assert "LALANNE" not in client.get(reverse("parcours:orientation_file")).content.decode()
    with pytest.raises(PermissionDenied):
        t.orienter(demande)
    assert not DecisionOrientation.objects.exists()
