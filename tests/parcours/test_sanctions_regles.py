"""Chaque borne légale des manquements et des sanctions, des deux côtés (parcours/sanctions/regles.py), au travers des
services. Le décor (`territoire`) : le 1er octobre 2025 ; l'avis de manquement est envoyé le 10 septembre, les
observations sont donc possibles jusqu'au 20 septembre inclus (10 jours)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from parcours.models import DossierEquipe, Manquement, ParametresTerritoire
from parcours.sanctions import services
from tests.parcours import sanctions_fabriques
from tests.parcours.sanctions_fabriques import (
    avis_equipe,
    manquement,
    manquement_avis_envoye,
)

territoire = sanctions_fabriques.territoire  # fixture

Decision = Manquement.Decision


def erreurs(exc_info) -> dict:
    return exc_info.value.message_dict


def constater(t, **champs):
    valeurs = {"type": "refus_contrat", "faits": "Absente aux trois rendez-vous.", "date_faits": date(2025, 9, 1)}
    return services.constater(t["carnet"], acteur=t["referente"], **(valeurs | champs))


def decider(t, m, **champs):
    valeurs = {
        "decision": Decision.SUSPENSION,
        "decide_le": date(2025, 9, 25),
        "motif": "Aucune observation, aucun motif légitime.",
        "taux": 50,
        "duree": 2,
        "personnes_foyer": 1,
    }
    return services.decider(m, acteur=t["charge"], **(valeurs | champs))


@pytest.fixture
def a_decider(territoire):
    """Un manquement dont l'avis est parti le 10/09 (observations jusqu'au 20/09), avec l'avis favorable de
    l'équipe."""
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"])
    avis_equipe(m, territoire["charge"])
    return m


# --- Constat --------------------------------------------------------------------------------------


def test_les_faits_du_jour_se_constatent_pas_ceux_de_demain(territoire):
    assert constater(territoire, date_faits=date(2025, 10, 1)).statut == Manquement.Statut.CONSTATE
    with pytest.raises(ValidationError) as exc:
        constater(territoire, date_faits=date(2025, 10, 2))
    assert "date_faits" in erreurs(exc)


def test_les_faits_sont_decrits(territoire):
    with pytest.raises(ValidationError) as exc:
        constater(territoire, faits="   ")
    assert "faits" in erreurs(exc)


# --- Motif légitime ---------------------------------------------------------------------------------


def examiner(t, m, **champs):
    valeurs = {"motif_legitime": False, "precision": "Ni santé ni garde d'enfant.", "examine_le": date(2025, 9, 5)}
    return services.examiner_motif(m, acteur=t["referente"], **(valeurs | champs))


@pytest.mark.parametrize(
    ("examine_le", "valide"),
    [(date(2025, 8, 31), False), (date(2025, 9, 1), True), (date(2025, 10, 1), True), (date(2025, 10, 2), False)],
)
def test_l_examen_du_motif_se_date_entre_les_faits_et_aujourd_hui(territoire, examine_le, valide):
    m = manquement(territoire["carnet"], territoire["referente"])
    if valide:
        assert examiner(territoire, m, examine_le=examine_le).motif_legitime is False
    else:
        with pytest.raises(ValidationError) as exc:
            examiner(territoire, m, examine_le=examine_le)
        assert "examine_le" in erreurs(exc)


def test_l_examen_du_motif_est_precise(territoire):
    m = manquement(territoire["carnet"], territoire["referente"])
    with pytest.raises(ValidationError) as exc:
        examiner(territoire, m, precision="")
    assert "precision" in erreurs(exc)


def test_un_motif_legitime_clot_la_procedure(territoire):
    m = examiner(territoire, manquement(territoire["carnet"], territoire["referente"]), motif_legitime=True)
    assert m.statut == Manquement.Statut.MOTIF_LEGITIME
    with pytest.raises(ValidationError):
        envoyer(territoire, m)
    with pytest.raises(ValidationError):
        examiner(territoire, m, motif_legitime=False)


# --- Avis -------------------------------------------------------------------------------------------


def envoyer(t, m, **champs):
    valeurs = {"avis_envoye_le": date(2025, 10, 1), "canal": "courrier"}
    return services.envoyer_avis(m, acteur=t["referente"], **(valeurs | champs))


def test_pas_d_avis_sans_examen_du_motif_legitime(territoire):
    m = manquement(territoire["carnet"], territoire["referente"])
    with pytest.raises(ValidationError) as exc:
        envoyer(territoire, m)
    assert "motif légitime" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("envoye_le", "valide"),
    [(date(2025, 9, 27), False), (date(2025, 9, 28), True), (date(2025, 10, 1), True), (date(2025, 10, 2), False)],
)
def test_l_avis_part_apres_l_examen_et_pas_dans_le_futur(territoire, envoye_le, valide):
    m = examiner(territoire, manquement(territoire["carnet"], territoire["referente"]), examine_le=date(2025, 9, 28))
    if valide:
        assert envoyer(territoire, m, avis_envoye_le=envoye_le).statut == Manquement.Statut.AVIS_ENVOYE
    else:
        with pytest.raises(ValidationError) as exc:
            envoyer(territoire, m, avis_envoye_le=envoye_le)
        assert "avis_envoye_le" in erreurs(exc)


@pytest.mark.parametrize("canal", ["courrier", "remise_en_main_propre"])
@pytest.mark.parametrize(("envoye_le", "valide"), [(date(2025, 9, 25), False), (date(2025, 9, 26), True)])
def test_un_avis_remis_s_enregistre_au_plus_tard_5_jours_apres_son_envoi(territoire, canal, envoye_le, valide):
    """Le 1er octobre, un avis envoyé le 26 septembre (5 jours plus tôt) s'enregistre : les observations courent
    jusqu'au 6 octobre ; envoyé le 25, il ne s'enregistre plus (sa fenêtre serait en partie déjà passée)."""
    m = examiner(territoire, manquement(territoire["carnet"], territoire["referente"]))
    if valide:
        assert envoyer(territoire, m, avis_envoye_le=envoye_le, canal=canal).fin_observations == date(2025, 10, 6)
    else:
        with pytest.raises(ValidationError) as exc:
            envoyer(territoire, m, avis_envoye_le=envoye_le, canal=canal)
        assert erreurs(exc)["avis_envoye_le"] == [
            "L'envoi d'un avis s'enregistre au plus tard 5 jours après : la date d'envoi ne peut pas précéder le "
            "26/09/2025."
        ]
        m.refresh_from_db()
        assert m.statut == Manquement.Statut.CONSTATE


@pytest.mark.parametrize(("envoye_le", "valide"), [(date(2025, 9, 30), False), (date(2025, 10, 1), True)])
def test_un_avis_par_courriel_part_le_jour_de_sa_saisie(territoire, envoye_le, valide):
    m = examiner(territoire, manquement(territoire["carnet"], territoire["referente"]))
    if valide:
        assert envoyer(territoire, m, avis_envoye_le=envoye_le, canal="courriel").fin_observations == date(2025, 10, 11)
    else:
        with pytest.raises(ValidationError) as exc:
            envoyer(territoire, m, avis_envoye_le=envoye_le, canal="courriel")
        assert erreurs(exc)["avis_envoye_le"] == [
            "Par courriel, l'avis part aujourd'hui : sa date d'envoi est celle du jour."
        ]


def test_les_observations_durent_10_jours_sans_reglage_du_territoire(territoire):
    m = examiner(territoire, manquement(territoire["carnet"], territoire["referente"]))
    assert envoyer(territoire, m, avis_envoye_le=date(2025, 9, 30)).fin_observations == date(2025, 10, 10)


def test_le_delai_d_observations_est_celui_du_departement_du_carnet(territoire):
    ParametresTerritoire.objects.create(departement="40", jours_observations=15)
    ParametresTerritoire.objects.create(departement="64", jours_observations=30)
    m = examiner(territoire, manquement(territoire["carnet"], territoire["referente"]))
    assert envoyer(territoire, m, avis_envoye_le=date(2025, 9, 30)).fin_observations == date(2025, 10, 15)


def test_un_avis_par_courriel_suppose_l_adresse_de_la_personne(territoire):
    personne = territoire["carnet"].personne
    personne.email = ""
    personne.save()
    m = examiner(territoire, manquement(territoire["carnet"], territoire["referente"]))
    with pytest.raises(ValidationError) as exc:
        envoyer(territoire, m, canal="courriel")
    assert "canal" in erreurs(exc)
    assert envoyer(territoire, m, canal="remise_en_main_propre").canal_avis == "remise_en_main_propre"


# --- Observations -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recues_le", "valide"),
    [(date(2025, 9, 9), False), (date(2025, 9, 10), True), (date(2025, 10, 1), True), (date(2025, 10, 2), False)],
)
def test_les_observations_se_recoivent_apres_l_avis(a_decider, territoire, recues_le, valide):
    def enregistrer():
        return services.enregistrer_observations(
            a_decider, acteur=territoire["referente"], observations="J'étais hospitalisée.", recues_le=recues_le
        )

    if valide:
        assert enregistrer().observations_recues_le == recues_le
    else:
        with pytest.raises(ValidationError) as exc:
            enregistrer()
        assert "recues_le" in erreurs(exc)


def test_pas_d_observations_apres_la_decision(a_decider, territoire):
    decider(territoire, a_decider, decision=Decision.SANS_SANCTION, taux=None, duree=None)
    with pytest.raises(ValidationError):
        services.enregistrer_observations(
            a_decider, acteur=territoire["referente"], observations="Trop tard.", recues_le=date(2025, 9, 30)
        )


# --- Décision : la fenêtre d'observations ------------------------------------------------------------


@pytest.mark.parametrize(
    ("decide_le", "valide"),
    [(date(2025, 9, 20), False), (date(2025, 9, 21), True), (date(2025, 10, 1), True), (date(2025, 10, 2), False)],
)
def test_la_decision_suit_la_fenetre_d_observations_et_n_est_pas_dans_le_futur(
    a_decider,
    territoire,
    decide_le,
    valide,
):
    if valide:
        assert decider(territoire, a_decider, decide_le=decide_le).statut == Manquement.Statut.DECIDE
    else:
        with pytest.raises(ValidationError) as exc:
            decider(territoire, a_decider, decide_le=decide_le)
        assert "decide_le" in erreurs(exc)


def test_pas_de_decision_pendant_la_fenetre_meme_sans_sanction(territoire):
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"], avis_envoye_le=date(2025, 9, 25))
    with pytest.raises(ValidationError) as exc:
        decider(territoire, m, decision=Decision.SANS_SANCTION, decide_le=date(2025, 10, 1))
    assert "decide_le" in erreurs(exc)


def test_pas_de_decision_avant_l_avis(territoire):
    m = manquement(territoire["carnet"], territoire["referente"], motif_legitime=False)
    with pytest.raises(ValidationError):
        decider(territoire, m, decision=Decision.SANS_SANCTION)


def test_la_decision_est_motivee(a_decider, territoire):
    with pytest.raises(ValidationError) as exc:
        decider(territoire, a_decider, motif=" ")
    assert "motif" in erreurs(exc)


def test_une_seule_decision(a_decider, territoire):
    decider(territoire, a_decider, decision=Decision.SANS_SANCTION)
    with pytest.raises(ValidationError):
        decider(territoire, a_decider, decision=Decision.SANS_SANCTION)


# --- Décision : l'avis de l'équipe pluridisciplinaire ------------------------------------------------


def test_sans_sanction_se_decide_sans_avis_de_l_equipe(territoire):
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"])
    m = decider(territoire, m, decision=Decision.SANS_SANCTION, taux=80, duree=3, personnes_foyer=2)
    assert (m.decision, m.taux_suspension, m.duree_mois, m.personnes_foyer) == ("sans_sanction", None, None, None)


@pytest.mark.parametrize(
    ("avis", "valide"),
    [
        (None, False),
        ("", False),
        (DossierEquipe.Avis.AJOURNE, False),
        (DossierEquipe.Avis.FAVORABLE, True),
        (DossierEquipe.Avis.DEFAVORABLE, True),
    ],
)
def test_une_suspension_suppose_l_avis_rendu_de_l_equipe(territoire, avis, valide):
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"])
    if avis is not None:
        avis_equipe(m, territoire["charge"], avis=avis)
    if valide:
        assert decider(territoire, m).decision == Decision.SUSPENSION
    else:
        with pytest.raises(ValidationError) as exc:
            decider(territoire, m)
        assert "decision" in erreurs(exc)


def test_l_avis_sur_un_autre_manquement_ne_compte_pas(territoire):
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"])
    autre = manquement_avis_envoye(territoire["carnet"], territoire["referente"], type="refus_controle")
    avis_equipe(autre, territoire["charge"])
    with pytest.raises(ValidationError) as exc:
        decider(territoire, m)
    assert "decision" in erreurs(exc)


# --- Décision : bornes d'un premier manquement ---------------------------------------------------------


@pytest.mark.parametrize(("taux", "valide"), [(None, False), (29, False), (30, True), (100, True), (101, False)])
def test_premier_manquement_taux_de_30_a_100(a_decider, territoire, taux, valide):
    if valide:
        assert decider(territoire, a_decider, taux=taux).taux_suspension == taux
    else:
        with pytest.raises(ValidationError) as exc:
            decider(territoire, a_decider, taux=taux)
        assert "taux" in erreurs(exc)


@pytest.mark.parametrize(("duree", "valide"), [(None, False), (0, False), (1, True), (2, True), (3, False)])
def test_premier_manquement_duree_de_1_a_2_mois(a_decider, territoire, duree, valide):
    if valide:
        m = decider(territoire, a_decider, duree=duree)
        assert (m.duree_mois, m.recidive) == (duree, False)
    else:
        with pytest.raises(ValidationError) as exc:
            decider(territoire, a_decider, duree=duree)
        assert "duree" in erreurs(exc)


def test_premier_manquement_pas_de_radiation(a_decider, territoire):
    with pytest.raises(ValidationError) as exc:
        decider(territoire, a_decider, decision=Decision.RADIATION, taux=None, duree=None)
    assert "répété" in erreurs(exc)["decision"][0]


# --- Décision : foyer ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("personnes", "taux", "champ"),
    [(None, 50, "personnes_foyer"), (0, 50, "personnes_foyer"), (2, 51, "taux"), (3, 100, "taux")],
)
def test_foyer_indique_et_plafond_a_50_au_dela_d_une_personne(a_decider, territoire, personnes, taux, champ):
    with pytest.raises(ValidationError) as exc:
        decider(territoire, a_decider, personnes_foyer=personnes, taux=taux)
    assert champ in erreurs(exc)


@pytest.mark.parametrize(("personnes", "taux"), [(1, 100), (2, 50), (5, 30)])
def test_foyer_dans_les_bornes(a_decider, territoire, personnes, taux):
    m = decider(territoire, a_decider, personnes_foyer=personnes, taux=taux)
    assert (m.personnes_foyer, m.taux_suspension) == (personnes, taux)


# --- Décision : manquement répété ----------------------------------------------------------------------


def sanction_anterieure(t, decision=Decision.SUSPENSION, decide_le=date(2025, 6, 20)):
    suspension = decision == Decision.SUSPENSION
    return manquement_avis_envoye(
        t["carnet"],
        t["referente"],
        date_faits=date(2025, 5, 2),
        avis_envoye_le=date(2025, 5, 10),
        statut=Manquement.Statut.DECIDE,
        decision=decision,
        decide_le=decide_le,
        taux_suspension=50 if suspension else None,
        duree_mois=1 if suspension else None,
        motif_decision="Premier manquement.",
    )


@pytest.mark.parametrize(("duree", "valide"), [(1, True), (4, True), (5, False)])
def test_manquement_repete_suspension_jusqu_a_4_mois(a_decider, territoire, duree, valide):
    sanction_anterieure(territoire)
    if valide:
        m = decider(territoire, a_decider, duree=duree)
        assert (m.duree_mois, m.recidive) == (duree, True)
    else:
        with pytest.raises(ValidationError) as exc:
            decider(territoire, a_decider, duree=duree)
        assert "duree" in erreurs(exc)


def test_manquement_repete_radiation_possible(a_decider, territoire):
    sanction_anterieure(territoire, decision=Decision.RADIATION)
    m = decider(territoire, a_decider, decision=Decision.RADIATION, taux=None, duree=None, personnes_foyer=None)
    assert (m.decision, m.recidive, m.taux_suspension, m.duree_mois) == ("radiation", True, None, None)


def test_un_manquement_anterieur_sans_sanction_ne_fait_pas_recidive(a_decider, territoire):
    sanction_anterieure(territoire, decision=Decision.SANS_SANCTION)
    with pytest.raises(ValidationError) as exc:
        decider(territoire, a_decider, duree=3)
    assert "duree" in erreurs(exc)


def test_une_sanction_decidee_apres_celle_ci_ne_fait_pas_recidive(a_decider, territoire):
    sanction_anterieure(territoire, decide_le=date(2025, 9, 26))
    assert decider(territoire, a_decider, decide_le=date(2025, 9, 25)).recidive is False


@pytest.mark.parametrize(("decide_le", "recidive"), [(date(2025, 8, 31), True), (date(2025, 9, 1), False)])
def test_est_repete_le_manquement_dont_les_faits_suivent_une_sanction(a_decider, territoire, decide_le, recidive):
    """Les faits de ce manquement sont du 1er septembre : une sanction décidée la veille en fait un manquement
    répété, une sanction décidée le jour même, non."""
    sanction_anterieure(territoire, decide_le=decide_le)
    assert decider(territoire, a_decider, duree=1).recidive is recidive


def test_l_ordre_des_decisions_ne_fait_pas_la_recidive(territoire):
    """A (faits de janvier) et B (faits de mars) : B sanctionné le premier ne fait pas de A un manquement répété."""
    t = territoire
    a = manquement_avis_envoye(t["carnet"], t["referente"], date_faits=date(2025, 1, 15))
    b = manquement_avis_envoye(t["carnet"], t["referente"], date_faits=date(2025, 3, 10), type="refus_controle")
    avis_equipe(a, t["charge"])
    avis_equipe(b, t["charge"], date_seance=date(2025, 9, 16))
    assert decider(t, b, decide_le=date(2025, 9, 21)).recidive is False
    assert decider(t, a, decide_le=date(2025, 9, 22)).recidive is False


def test_une_sanction_levee_fait_encore_recidive(a_decider, territoire):
    anterieure = sanction_anterieure(territoire)
    Manquement.objects.filter(pk=anterieure.pk).update(levee_le=date(2025, 7, 1), motif_levee="Contrat signé.")
    assert decider(territoire, a_decider, duree=4).recidive is True


def test_la_decision_verrouille_le_carnet(a_decider, territoire, monkeypatch):
    """Deux décisions simultanées sur deux manquements du même carnet se suivent : la seconde voit la première."""
    from django.db.models.query import QuerySet

    verrouilles = []
    original = QuerySet.select_for_update

    def espion(queryset, *args, **kwargs):
        verrouilles.append(queryset.model.__name__)
        return original(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", espion)
    decider(territoire, a_decider)
    assert verrouilles[0] == "Carnet"


def test_le_manquement_d_un_autre_carnet_ne_fait_pas_recidive(a_decider, territoire):
    from parcours import services as carnet_services

    autre = carnet_services.ouvrir_carnet(
        acteur=territoire["referente"],
        organisation=territoire["mission_locale"],
        nom="Autre",
        prenom="Paul",
        date_naissance=date(1990, 1, 1),
    )
    sanction_anterieure({**territoire, "carnet": autre})
    assert decider(territoire, a_decider).recidive is False


# --- Levée ---------------------------------------------------------------------------------------------


def lever(t, m, **champs):
    valeurs = {"levee_le": date(2025, 9, 25), "motif": "Le contrat est signé."}
    return services.lever(m, acteur=t["charge"], **(valeurs | champs))


@pytest.mark.parametrize(
    ("levee_le", "valide"),
    [(date(2025, 9, 24), False), (date(2025, 9, 25), True), (date(2025, 10, 1), True), (date(2025, 10, 2), False)],
)
def test_la_levee_suit_la_decision_et_n_est_pas_dans_le_futur(a_decider, territoire, levee_le, valide):
    decider(territoire, a_decider, decide_le=date(2025, 9, 25))
    if valide:
        assert lever(territoire, a_decider, levee_le=levee_le).levee_le == levee_le
    else:
        with pytest.raises(ValidationError) as exc:
            lever(territoire, a_decider, levee_le=levee_le)
        assert "levee_le" in erreurs(exc)


def test_la_levee_est_motivee_et_unique(a_decider, territoire):
    decider(territoire, a_decider)
    with pytest.raises(ValidationError) as exc:
        lever(territoire, a_decider, motif="")
    assert "motif" in erreurs(exc)
    lever(territoire, a_decider)
    with pytest.raises(ValidationError) as exc:
        lever(territoire, a_decider)
    assert "déjà levée" in exc.value.messages[0]


def test_pas_de_levee_sans_sanction(a_decider, territoire):
    decider(territoire, a_decider, decision=Decision.SANS_SANCTION)
    with pytest.raises(ValidationError):
        lever(territoire, a_decider)
    with pytest.raises(ValidationError):
        lever(territoire, manquement(territoire["carnet"], territoire["referente"]))
