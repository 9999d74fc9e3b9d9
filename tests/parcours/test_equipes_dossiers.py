"""Équipes pluridisciplinaires : inscrire un dossier depuis le carnet, l'avis de l'équipe, la décision du président
(services), et ce qu'en dit l'historique du carnet."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.equipes import services
from parcours.models import DossierEquipe, EquipePluridisciplinaire, EvenementCarnet, Manquement
from parcours.services import ouvrir_carnet
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.parcours.equipes_fabriques import (
    decor,
    demande_reorientation,
    dossier_equipe,
    equipe_pluridisciplinaire,
    seance_equipe,
)
from tests.parcours.sanctions_fabriques import manquement, manquement_avis_envoye

Motif = DossierEquipe.Motif
Type = EvenementCarnet.Type
RESUME = "Suivi social depuis 2023 ; projet de formation prêt, santé stabilisée."


@pytest.fixture
def d(equipe):
    d = decor(equipe)
    d["seance"] = seance_equipe(d["ep"], d["pilote"], dans_jours=14)
    return d


def _inscrire(d, *, acteur=None, **champs):
    valeurs = {"seance": d["seance"], "motif": Motif.REORIENTATION, "resume": RESUME} | champs
    return services.inscrire_dossier(d["carnet"], acteur=acteur or d["referente"], **valeurs)


def _evenements(carnet, type_evenement):
    return list(carnet.evenements.filter(type=type_evenement).order_by("id"))


# --- Inscription ---------------------------------------------------------------------------------------------------


def test_la_referente_inscrit_une_reorientation_avec_son_resume(d):
    dossier = _inscrire(d)
    assert (dossier.seance, dossier.motif, dossier.resume, dossier.presente_par, dossier.organisation) == (
        d["seance"],
        Motif.REORIENTATION,
        RESUME,
        d["referente"],
        d["departement"],
    )
    [evenement] = _evenements(d["carnet"], Type.EQUIPE_DOSSIER_INSCRIT)
    quand = timezone.localtime(d["seance"].date_heure)
    assert evenement.resume == f"Réorientation – séance du {quand:%d/%m/%Y} de l'équipe « EP du Pays dacquois »"
    assert RESUME not in str(evenement.details)
    assert evenement.organisation == d["departement"]


def test_la_demande_de_reorientation_en_attente_du_carnet_peut_etre_liee(d):
    demande = demande_reorientation(d["carnet"], d["referente"], d["porteur"])
    assert _inscrire(d, demande_orientation=demande).demande_orientation == demande


def test_la_demande_d_un_autre_carnet_est_refusee(d):
    autre = ouvrir_carnet(
        acteur=d["referente"], organisation=d["departement"], nom="Autre", prenom="Eva", date_naissance="1990-01-01"
    )
    demande = demande_reorientation(autre, d["referente"], d["porteur"])
    with pytest.raises(ValidationError) as erreur:
        _inscrire(d, demande_orientation=demande)
    assert set(erreur.value.message_dict) == {"demande_orientation"}


def test_un_manquement_dont_l_avis_est_envoye_s_inscrit(d):
    faute = manquement_avis_envoye(d["carnet"], d["referente"])
    dossier = _inscrire(d, motif=Motif.MANQUEMENT, manquement=faute)
    assert (dossier.motif, dossier.manquement) == (Motif.MANQUEMENT, faute)
    [evenement] = _evenements(d["carnet"], Type.EQUIPE_DOSSIER_INSCRIT)
    assert evenement.resume.startswith("Manquement présumé – séance du ")


@pytest.mark.parametrize(
    "etape",
    [
        {"statut": Manquement.Statut.CONSTATE},
        {"statut": Manquement.Statut.MOTIF_LEGITIME, "motif_legitime": True},
    ],
)
def test_un_manquement_pas_encore_notifie_ou_classe_ne_s_inscrit_pas(d, etape):
    faute = manquement(d["carnet"], d["referente"], **etape)
    with pytest.raises(ValidationError) as erreur:
        _inscrire(d, motif=Motif.MANQUEMENT, manquement=faute)
    assert erreur.value.message_dict["manquement"] == [
        "Seul un manquement de ce carnet dont l'avis a été envoyé à la personne, et pas encore décidé, se présente à "
        "l'équipe."
    ]


def test_un_manquement_d_un_autre_carnet_ou_absent_est_refuse(d):
    autre = ouvrir_carnet(
        acteur=d["referente"], organisation=d["departement"], nom="Autre", prenom="Eva", date_naissance="1990-01-01"
    )
    with pytest.raises(ValidationError) as erreur:
        _inscrire(d, motif=Motif.MANQUEMENT, manquement=manquement_avis_envoye(autre, d["referente"]))
    assert set(erreur.value.message_dict) == {"manquement"}
    with pytest.raises(ValidationError) as erreur:
        _inscrire(d, motif=Motif.MANQUEMENT)
    assert erreur.value.message_dict == {"manquement": ["Choisissez le manquement présenté à l'équipe."]}


def test_le_resume_est_obligatoire_et_borne(d):
    with pytest.raises(ValidationError) as erreur:
        _inscrire(d, resume="   ")
    assert erreur.value.message_dict == {"resume": ["Écrivez le résumé de la situation partagé avec l'équipe."]}
    with pytest.raises(ValidationError) as erreur:
        _inscrire(d, resume="x" * 3001)
    assert erreur.value.message_dict == {"resume": ["Le résumé tient en 3000 caractères au plus (il en compte 3001)."]}
    assert _inscrire(d, resume="x" * 3000).resume == "x" * 3000


def test_seule_une_seance_a_venir_d_une_equipe_active_du_territoire_convient(d):
    passee = seance_equipe(d["ep"], d["pilote"], dans_jours=-1)
    ailleurs = equipe_pluridisciplinaire(OrganisationFactory(nom="Département 64", departement="64"), d["pilote"])
    inactive = equipe_pluridisciplinaire(d["porteur"], d["pilote"], nom="EP en sommeil", active=False)
    for seance in (passee, seance_equipe(ailleurs, d["pilote"]), seance_equipe(inactive, d["pilote"]), None):
        with pytest.raises(ValidationError) as erreur:
            _inscrire(d, seance=seance)
        assert erreur.value.message_dict == {
            "seance": ["Choisissez une séance à venir d'une équipe pluridisciplinaire active du territoire du carnet."]
        }
    assert not DossierEquipe.objects.exists()
    assert not _evenements(d["carnet"], Type.EQUIPE_DOSSIER_INSCRIT)


@pytest.mark.parametrize("qui", ["collegue_ft", "pilote", "representante"])
def test_seul_qui_modifie_le_carnet_inscrit_un_dossier(d, qui):
    with pytest.raises(PermissionDenied):
        _inscrire(d, acteur=d[qui])


def test_le_conseiller_intervenant_inscrit_aussi_au_nom_de_son_organisation(d):
    assert _inscrire(d, acteur=d["conseiller"]).organisation == d["france_travail"]


def test_un_dossier_en_attente_d_examen_ne_s_inscrit_pas_deux_fois(d):
    _inscrire(d)
    suivante = seance_equipe(d["ep"], d["pilote"], dans_jours=30)
    with pytest.raises(ValidationError) as erreur:
        _inscrire(d, seance=suivante)
    quand = timezone.localtime(d["seance"].date_heure)
    assert erreur.value.message_dict == {
        "seance": [
            f"Ce dossier est déjà inscrit à la séance du {quand:%d/%m/%Y} de l'équipe « EP du Pays dacquois », en "
            "attente de l'avis de l'équipe."
        ]
    }


def test_un_dossier_ajourne_s_inscrit_a_une_seance_suivante(d):
    passee = seance_equipe(d["ep"], d["pilote"], dans_jours=-3)
    dossier_equipe(passee, d["carnet"], d["referente"], avis=DossierEquipe.Avis.AJOURNE)
    assert _inscrire(d).seance == d["seance"]


def test_un_manquement_deja_examine_attend_sa_decision(d):
    faute = manquement_avis_envoye(d["carnet"], d["referente"])
    passee = seance_equipe(d["ep"], d["pilote"], dans_jours=-3)
    dossier_equipe(
        passee, d["carnet"], d["referente"], motif=Motif.MANQUEMENT, manquement=faute, avis=DossierEquipe.Avis.FAVORABLE
    )
    with pytest.raises(ValidationError) as erreur:
        _inscrire(d, motif=Motif.MANQUEMENT, manquement=faute)
    assert erreur.value.message_dict == {
        "manquement": ["L'équipe a déjà rendu son avis sur ce manquement : il attend la décision."]
    }


# --- Avis ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def dossier(d):
    """Un dossier de réorientation à une séance commencée hier."""
    return dossier_equipe(seance_equipe(d["ep"], d["pilote"], dans_jours=-1), d["carnet"], d["referente"])


def test_le_gestionnaire_saisit_l_avis_une_fois_la_seance_commencee(d, dossier):
    services.rendre_avis(dossier, acteur=d["admin"], avis="favorable", motif_avis="  Projet réaliste. ")
    dossier.refresh_from_db()
    assert (dossier.avis, dossier.motif_avis, dossier.avis_le, dossier.avis_saisi_par) == (
        "favorable",
        "Projet réaliste.",
        timezone.localdate(),
        d["admin"],
    )
    [evenement] = _evenements(d["carnet"], Type.EQUIPE_AVIS)
    quand = timezone.localtime(dossier.seance.date_heure)
    assert evenement.resume == (
        f"Réorientation : avis favorable (séance du {quand:%d/%m/%Y} de l'équipe « EP du Pays dacquois »)"
    )
    assert (evenement.acteur, evenement.organisation) == (d["admin"], d["porteur"])
    assert dossier.resume not in str(evenement.details)


def test_pas_d_avis_avant_la_seance(d):
    dossier = dossier_equipe(d["seance"], d["carnet"], d["referente"])
    with pytest.raises(ValidationError) as erreur:
        services.rendre_avis(dossier, acteur=d["pilote"], avis="favorable", motif_avis="Oui.")
    assert erreur.value.messages == ["L'avis se saisit une fois la séance commencée."]
    assert not _evenements(d["carnet"], Type.EQUIPE_AVIS)


def test_l_avis_et_son_motif_sont_obligatoires(d, dossier):
    with pytest.raises(ValidationError) as erreur:
        services.rendre_avis(dossier, acteur=d["pilote"], avis="peut_etre", motif_avis=" ")
    assert erreur.value.message_dict == {
        "avis": ["Choisissez l'avis de l'équipe."],
        "motif_avis": ["Indiquez le motif de l'avis."],
    }


def test_l_avis_se_corrige_jusqu_a_la_decision(d, dossier):
    services.rendre_avis(dossier, acteur=d["pilote"], avis="ajourne", motif_avis="Pièces manquantes.")
    services.rendre_avis(dossier, acteur=d["pilote"], avis="defavorable", motif_avis="Projet à mûrir.")
    assert [e.resume.split(" (")[0] for e in _evenements(d["carnet"], Type.EQUIPE_AVIS)] == [
        "Réorientation : examen ajourné",
        "Réorientation : avis défavorable",
    ]
    services.decider(dossier, acteur=d["charge"], decision="maintien", motif_decision="Suivant l'avis.")
    with pytest.raises(ValidationError) as erreur:
        services.rendre_avis(dossier, acteur=d["pilote"], avis="favorable", motif_avis="Revu.")
    assert erreur.value.messages == ["La décision est prise : l'avis de l'équipe ne se modifie plus."]
    dossier.refresh_from_db()
    assert dossier.avis == "defavorable"


@pytest.mark.parametrize("qui", ["representante", "pilote_64", "referente", "professionnel_departement"])
def test_seuls_les_gestionnaires_saisissent_l_avis(d, dossier, qui):
    with pytest.raises(PermissionDenied):
        services.rendre_avis(dossier, acteur=d[qui], avis="favorable", motif_avis="Oui.")


# --- Décision ------------------------------------------------------------------------------------------------------


def _avise(dossier, avis="favorable"):
    DossierEquipe.objects.filter(pk=dossier.pk).update(avis=avis, motif_avis="Avis motivé.")
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def charge_antenne(d):
    """Le chargé d'orientation d'une autre organisation de type Département du 40 que le porteur de l'équipe."""
    return membre(OrganisationFactory(nom="Département des Landes, antenne sud"), Role.CHARGE_ORIENTATION).utilisateur


@pytest.mark.parametrize("qui", ["charge", "charge_antenne"])
def test_le_delegataire_du_president_decide_apres_l_avis(d, dossier, charge_antenne, qui):
    """Le délégataire du président (parcours.delegation) : un chargé d'orientation d'un Département du département
    de l'équipe, porteur ou non."""
    acteur = {"charge": d["charge"], "charge_antenne": charge_antenne}[qui]
    services.decider(_avise(dossier), acteur=acteur, decision="reorientation", motif_decision="  Avis suivi. ")
    dossier.refresh_from_db()
    assert (dossier.decision, dossier.motif_decision, dossier.decide_le, dossier.decideur) == (
        "reorientation",
        "Avis suivi.",
        timezone.localdate(),
        acteur,
    )
    [evenement] = _evenements(d["carnet"], Type.EQUIPE_DECISION)
    assert evenement.resume == "Réorientation décidée après l'avis de l'équipe « EP du Pays dacquois »"
    assert evenement.organisation == d["porteur"]


@pytest.mark.parametrize("qui", ["pilote", "admin", "representante", "referente", "pilote_64", "charge_france_travail"])
def test_les_autres_ne_decident_pas(d, dossier, qui):
    """Ni le pilote (il pilote, il ne décide pas des dossiers), ni le chargé d'orientation d'une organisation qui
    n'est pas un Département."""
    d["charge_france_travail"] = membre(d["france_travail"], Role.CHARGE_ORIENTATION).utilisateur
    with pytest.raises(PermissionDenied):
        services.decider(_avise(dossier), acteur=d[qui], decision="maintien", motif_decision="Non.")
    dossier.refresh_from_db()
    assert dossier.decision == ""


def test_pas_de_decision_sans_avis_ni_apres_un_ajournement(d, dossier):
    with pytest.raises(ValidationError) as erreur:
        services.decider(dossier, acteur=d["charge"], decision="maintien", motif_decision="Non.")
    assert erreur.value.messages == ["La décision suit l'avis de l'équipe : il n'est pas encore rendu."]
    with pytest.raises(ValidationError) as erreur:
        services.decider(_avise(dossier, "ajourne"), acteur=d["charge"], decision="maintien", motif_decision="Non.")
    assert erreur.value.messages == [
        "L'examen est ajourné : inscrivez le dossier à une prochaine séance avant de décider."
    ]
    assert not _evenements(d["carnet"], Type.EQUIPE_DECISION)


def test_une_seule_decision(d, dossier):
    services.decider(_avise(dossier), acteur=d["charge"], decision="maintien", motif_decision="Non.")
    with pytest.raises(ValidationError) as erreur:
        services.decider(dossier, acteur=d["charge"], decision="reorientation", motif_decision="Si.")
    assert erreur.value.messages == ["La décision est déjà prise (orientation maintenue)."]


def test_decision_et_motif_sont_ceux_d_une_reorientation(d, dossier):
    with pytest.raises(ValidationError) as erreur:
        services.decider(_avise(dossier), acteur=d["charge"], decision="sanction", motif_decision="")
    assert erreur.value.message_dict == {
        "decision": ["Choisissez : réorientation ou maintien de l'orientation."],
        "motif_decision": ["Indiquez le motif de la décision."],
    }


def test_un_manquement_se_decide_dans_la_procedure_de_sanction(d):
    faute = manquement_avis_envoye(d["carnet"], d["referente"])
    dossier = dossier_equipe(
        seance_equipe(d["ep"], d["pilote"], dans_jours=-1),
        d["carnet"],
        d["referente"],
        motif=Motif.MANQUEMENT,
        manquement=faute,
        avis="favorable",
    )
    with pytest.raises(ValidationError) as erreur:
        services.decider(dossier, acteur=d["charge"], decision="maintien", motif_decision="Non.")
    assert "La décision sur un manquement s'enregistre dans la procédure de sanction." in erreur.value.messages


def test_une_equipe_desactivee_garde_ses_avis_et_decisions(d, dossier):
    EquipePluridisciplinaire.objects.filter(pk=d["ep"].pk).update(active=False)
    services.rendre_avis(dossier, acteur=d["pilote"], avis="favorable", motif_avis="Oui.")
    services.decider(dossier, acteur=d["charge"], decision="reorientation", motif_decision="Oui.")
    dossier.refresh_from_db()
    assert dossier.decision == "reorientation"


def test_l_avis_est_possible_des_l_heure_de_la_seance(d):
    seance = seance_equipe(d["ep"], d["pilote"], dans_jours=0)
    seance.date_heure = timezone.now() - timedelta(minutes=1)
    seance.save()
    dossier = dossier_equipe(seance, d["carnet"], d["referente"])
    services.rendre_avis(dossier, acteur=d["charge"], avis="favorable", motif_avis="Oui.")
    dossier.refresh_from_db()
    assert dossier.avis == "favorable"


# --- Un manquement décidé sans attendre l'avis --------------------------------------------------------------------


@pytest.mark.parametrize("avis", ["", "ajourne"])
def test_pas_d_avis_sur_un_manquement_deja_decide(d, avis):
    """Le manquement est décidé (sans sanction, qui n'attend pas l'avis) : son dossier encore en attente, ou ajourné,
    n'attend plus d'avis de l'équipe."""
    faute = manquement_avis_envoye(
        d["carnet"],
        d["referente"],
        statut=Manquement.Statut.DECIDE,
        decision="sans_sanction",
        decide_le=timezone.localdate(),
    )
    dossier = dossier_equipe(
        seance_equipe(d["ep"], d["pilote"], dans_jours=-1),
        d["carnet"],
        d["referente"],
        motif=Motif.MANQUEMENT,
        manquement=faute,
        avis=avis,
    )
    with pytest.raises(ValidationError) as erreur:
        services.rendre_avis(dossier, acteur=d["charge"], avis="favorable", motif_avis="Oui.")
    assert erreur.value.messages == [
        "Le manquement est déjà décidé dans la procédure de sanction : l'équipe n'a plus d'avis à rendre."
    ]
    dossier.refresh_from_db()
    assert dossier.avis == avis
    assert not _evenements(d["carnet"], Type.EQUIPE_AVIS)


def test_l_avis_sur_un_manquement_pas_encore_decide_se_rend(d):
    faute = manquement_avis_envoye(d["carnet"], d["referente"])
    dossier = dossier_equipe(
        seance_equipe(d["ep"], d["pilote"], dans_jours=-1),
        d["carnet"],
        d["referente"],
        motif=Motif.MANQUEMENT,
        manquement=faute,
    )
    services.rendre_avis(dossier, acteur=d["charge"], avis="defavorable", motif_avis="Situation à revoir.")
    dossier.refresh_from_db()
    assert dossier.avis == "defavorable"
