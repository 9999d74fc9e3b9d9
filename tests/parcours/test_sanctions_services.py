"""Les services des manquements : qui agit, ce qui est écrit (historique du carnet, dossiers de l'équipe), le courriel
de l'avis (une seule fois), rien d'écrit à moitié."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parcours.models import DossierEquipe, EvenementCarnet, Manquement
from parcours.sanctions import services, taches
from tests.parcours import sanctions_fabriques
from tests.parcours.sanctions_fabriques import (
    AUJOURD_HUI,
    avis_equipe,
    le,
    manquement,
    manquement_avis_envoye,
)

territoire = sanctions_fabriques.territoire  # fixture

Type = EvenementCarnet.Type


def evenements(carnet):
    return [(e.type, e.resume) for e in carnet.evenements.filter(type__startswith="manquement").order_by("id")] + [
        (e.type, e.resume) for e in carnet.evenements.filter(type__startswith="sanction").order_by("id")
    ]


def constater(t, acteur):
    return services.constater(
        t["carnet"], acteur=acteur, type="refus_controle", faits="A refusé le contrôle.", date_faits=date(2025, 9, 1)
    )


# --- Qui agit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["referente", "charge"])
def test_la_referente_et_la_chargee_d_orientation_du_territoire_constatent(territoire, qui):
    m = constater(territoire, territoire[qui])
    attendue = territoire["mission_locale"] if qui == "referente" else territoire["departement"]
    assert (m.constate_par, m.organisation) == (territoire[qui], attendue)


@pytest.mark.parametrize("qui", ["collegue", "pilote", "charge_voisin", "etranger"])
def test_les_autres_ne_constatent_pas(territoire, qui):
    with pytest.raises(PermissionDenied):
        constater(territoire, territoire[qui])
    assert Manquement.objects.count() == 0


@pytest.mark.parametrize("qui", ["referente", "collegue", "pilote", "charge_voisin"])
def test_seule_la_chargee_d_orientation_du_territoire_decide_et_leve(territoire, qui):
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"])
    with pytest.raises(PermissionDenied):
        services.decider(m, acteur=territoire[qui], decision="sans_sanction", decide_le=date(2025, 9, 25), motif="-")
    m.refresh_from_db()
    assert m.statut == Manquement.Statut.AVIS_ENVOYE


def test_la_chargee_d_une_mission_locale_n_est_pas_le_departement(territoire):
    from partenaires.choix import Role
    from tests.factories import membre

    charge_ml = membre(territoire["mission_locale"], Role.CHARGE_ORIENTATION).utilisateur
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"])
    with pytest.raises(PermissionDenied):
        services.decider(m, acteur=charge_ml, decision="sans_sanction", decide_le=date(2025, 9, 25), motif="-")


# --- La procédure complète et son historique -----------------------------------------------------------


def test_procedure_complete_jusqu_a_la_levee(territoire, time_machine):
    t = territoire
    le(time_machine, date(2025, 9, 10))  # l'avis s'enregistre le jour de son envoi
    m = constater(t, t["referente"])
    m = services.examiner_motif(
        m, acteur=t["referente"], motif_legitime=False, precision="Aucun justificatif.", examine_le=date(2025, 9, 5)
    )
    m = services.envoyer_avis(m, acteur=t["referente"], avis_envoye_le=date(2025, 9, 10), canal="courrier")
    le(time_machine, AUJOURD_HUI)
    m = services.enregistrer_observations(
        m, acteur=t["referente"], observations="Je ne savais pas.", recues_le=date(2025, 9, 15)
    )
    dossier = avis_equipe(m, t["charge"], avis=DossierEquipe.Avis.DEFAVORABLE)
    m = services.decider(
        m,
        acteur=t["charge"],
        decision="suspension",
        decide_le=date(2025, 9, 22),
        motif="Observations non probantes.",
        taux=40,
        duree=1,
        personnes_foyer=3,
    )
    m = services.lever(m, acteur=t["charge"], levee_le=date(2025, 9, 30), motif="Contrôle accepté.")

    m.refresh_from_db()
    assert (m.statut, m.decideur, m.organisation_decideuse, m.levee_par) == (
        Manquement.Statut.DECIDE,
        t["charge"],
        t["departement"],
        t["charge"],
    )
    dossier.refresh_from_db()
    assert (dossier.decision, dossier.motif_decision, dossier.decide_le, dossier.decideur) == (
        DossierEquipe.Decision.SANCTION,
        "Suspension du RSA de 40 % pendant 1 mois",  # la décision en clair, jamais son motif
        date(2025, 9, 22),
        t["charge"],
    )
    assert evenements(t["carnet"]) == [
        (Type.MANQUEMENT_CONSTATE, "Refus de se soumettre à un contrôle (faits du 01/09/2025)"),
        (
            Type.MANQUEMENT_MOTIF_LEGITIME,
            "aucun motif légitime retenu : un avis de manquement va être adressé à la personne",
        ),
        (
            Type.MANQUEMENT_AVIS_ENVOYE,
            "le 10/09/2025 (courrier postal) : observations possibles jusqu'au 20/09/2025 inclus",
        ),
        (Type.MANQUEMENT_OBSERVATIONS, "reçues le 15/09/2025"),
        (Type.SANCTION_DECIDEE, "suspension du RSA de 40 % pendant 1 mois (décidée le 22/09/2025)"),
        (Type.SANCTION_LEVEE, "le 30/09/2025 : la personne s'est conformée à ses obligations"),
    ]
    decision = t["carnet"].evenements.get(type=Type.SANCTION_DECIDEE)
    assert (decision.acteur, decision.organisation, decision.details["manquement"]) == (
        t["charge"],
        t["departement"],
        str(m.uuid),
    )


def test_l_historique_ne_dit_ni_les_faits_ni_les_observations(territoire):
    t = territoire
    m = manquement_avis_envoye(t["carnet"], t["referente"], faits="Détail confidentiel des faits")
    services.enregistrer_observations(
        m, acteur=t["referente"], observations="Mon fils était malade", recues_le=date(2025, 9, 12)
    )
    textes = " ".join(str(e.details) for e in t["carnet"].evenements.all())
    assert "confidentiel" not in textes
    assert "malade" not in textes


@pytest.mark.parametrize(
    ("decision", "champs", "libelle"),
    [
        ("suspension", {"taux": 50, "duree": 2, "personnes_foyer": 1}, "Suspension du RSA de 50 % pendant 2 mois"),
        ("sans_sanction", {}, "Pas de sanction"),
    ],
)
def test_l_equipe_ne_lit_que_la_decision_en_clair_pas_son_motif(territoire, decision, champs, libelle):
    t = territoire
    m = manquement_avis_envoye(t["carnet"], t["referente"])
    dossier = avis_equipe(m, t["charge"])
    services.decider(
        m, acteur=t["charge"], decision=decision, decide_le=date(2025, 9, 25), motif="Motivation détaillée.", **champs
    )
    dossier.refresh_from_db()
    assert dossier.motif_decision == libelle
    m.refresh_from_db()
    assert m.motif_decision == "Motivation détaillée."


def test_la_chargee_d_un_autre_departement_du_territoire_decide_aussi(territoire):
    """Tout chargé d'orientation d'une organisation de type Département du département du carnet est délégataire
    du président (parcours.delegation), la décision est prise au nom de son organisation."""
    from partenaires.choix import Role
    from tests.factories import OrganisationFactory, membre

    antenne = OrganisationFactory(nom="Département des Landes, antenne de Dax", departement="40")
    charge_antenne = membre(antenne, Role.CHARGE_ORIENTATION).utilisateur
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"])
    m = services.decider(
        m, acteur=charge_antenne, decision="sans_sanction", decide_le=date(2025, 9, 25), motif="Régularisé."
    )
    assert (m.decideur, m.organisation_decideuse) == (charge_antenne, antenne)


def test_la_decision_sans_sanction_s_ecrit_sur_les_dossiers_avec_avis_seulement(territoire):
    t = territoire
    m = manquement_avis_envoye(t["carnet"], t["referente"])
    rendu = avis_equipe(m, t["charge"])
    ajourne = avis_equipe(m, t["charge"], avis=DossierEquipe.Avis.AJOURNE, date_seance=date(2025, 9, 8))
    en_attente = avis_equipe(m, t["charge"], avis="", date_seance=date(2025, 9, 9))
    services.decider(m, acteur=t["charge"], decision="sans_sanction", decide_le=date(2025, 9, 21), motif="Régularisé.")
    rendu.refresh_from_db()
    ajourne.refresh_from_db()
    en_attente.refresh_from_db()
    assert rendu.decision == DossierEquipe.Decision.SANS_SANCTION
    assert (ajourne.decision, en_attente.decision) == ("", "")
    resumes = [e.resume for e in t["carnet"].evenements.filter(type=Type.SANCTION_DECIDEE)]
    assert resumes == ["pas de sanction (décidé le 21/09/2025)"]


def test_une_decision_refusee_n_ecrit_rien(territoire):
    t = territoire
    m = manquement_avis_envoye(t["carnet"], t["referente"])
    dossier = avis_equipe(m, t["charge"])
    nombre = EvenementCarnet.objects.count()
    with pytest.raises(ValidationError):
        services.decider(
            m,
            acteur=t["charge"],
            decision="suspension",
            decide_le=date(2025, 9, 25),
            motif="x",
            taux=10,
            duree=1,
            personnes_foyer=1,
        )
    m.refresh_from_db()
    dossier.refresh_from_db()
    assert (m.statut, m.decision, dossier.decision, EvenementCarnet.objects.count()) == ("avis_envoye", "", "", nombre)


def test_motif_legitime_reconnu(territoire):
    t = territoire
    m = services.examiner_motif(
        manquement(t["carnet"], t["referente"]),
        acteur=t["charge"],
        motif_legitime=True,
        precision="Hospitalisation du 28/08 au 05/09.",
        examine_le=date(2025, 9, 8),
    )
    assert (m.statut, m.motif_legitime, m.motif_legitime_examine_le) == ("motif_legitime", True, date(2025, 9, 8))
    evenement = t["carnet"].evenements.get(type=Type.MANQUEMENT_MOTIF_LEGITIME)
    assert (evenement.resume, evenement.organisation) == (
        "motif légitime reconnu : la procédure est close, sans sanction",
        t["departement"],
    )


# --- Le courriel de l'avis -------------------------------------------------------------------------------


def envoyer_par_courriel(t, m):
    return services.envoyer_avis(m, acteur=t["referente"], avis_envoye_le=date(2025, 9, 10), canal="courriel")


def test_l_avis_par_courriel_part_une_seule_fois(
    territoire, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    t = territoire
    le(time_machine, date(2025, 9, 10))
    m = manquement(t["carnet"], t["referente"], motif_legitime=False, motif_legitime_examine_le=date(2025, 9, 5))
    with django_capture_on_commit_callbacks(execute=True):
        envoyer_par_courriel(t, m)
    assert len(mailoutbox) == 1
    courriel = mailoutbox[0]
    assert courriel.to == ["ines.lalanne@exemple.fr"]
    assert "20 septembre 2025" in courriel.subject
    assert "Refus d'élaborer ou d'actualiser le contrat d'engagement" in courriel.body
    assert "Ne s'est pas présentée aux trois rendez-vous" in courriel.body
    assert "samedi 20 septembre 2025 inclus" in courriel.body
    assert "Mission locale des Landes" in courriel.body

    evenement = t["carnet"].evenements.get(type=Type.MANQUEMENT_AVIS_ENVOYE)
    assert evenement.details["courriel_envoye_le"]
    taches.envoyer_avis(evenement.pk)
    assert len(mailoutbox) == 1


def test_l_avis_par_courrier_n_envoie_pas_de_courriel(territoire, django_capture_on_commit_callbacks, mailoutbox):
    t = territoire
    m = manquement(t["carnet"], t["referente"], motif_legitime=False, motif_legitime_examine_le=date(2025, 9, 5))
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        services.envoyer_avis(m, acteur=t["referente"], avis_envoye_le=date(2025, 9, 30), canal="courrier")
    assert (len(rappels), len(mailoutbox)) == (0, 0)


def test_un_avis_refuse_n_envoie_rien(territoire, django_capture_on_commit_callbacks, mailoutbox):
    t = territoire
    m = manquement(t["carnet"], t["referente"])  # motif légitime pas encore examiné
    with django_capture_on_commit_callbacks(execute=True) as rappels, pytest.raises(ValidationError):
        envoyer_par_courriel(t, m)
    assert (len(rappels), len(mailoutbox)) == (0, 0)
