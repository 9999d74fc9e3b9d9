"""Le barème national d'orientation (une branche, un cas), les objectifs suggérés et la correspondance avec
France Travail."""

from datetime import date

import pytest

from parcours.diagnostic import france_travail
from parcours.diagnostic import services as diagnostic_services
from parcours.diagnostic.regles import Criteres, criteres, objectifs_suggeres, suggerer_parcours
from tests.parcours.conftest import diagnostic_valide, remplir

AUJOURD_HUI = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("cas", "attendu", "raison"),
    [
        # Activité récente, se projette ou qualifiée
        (Criteres(True, True, False), "emploi", "se projette dans un métier"),
        (Criteres(True, False, True, impacts_moyens=2), "emploi", "qualifiée (CAP ou plus)"),
        (Criteres(True, True, True, impacts_forts=1), "socio_professionnel", "1 difficulté à impact fort"),
        # Activité récente, ni projet ni qualification
        (Criteres(True, False, False, impacts_moyens=1), "emploi", "pas encore de projet"),
        (Criteres(True, False, False, impacts_moyens=2), "socio_professionnel", "2 à impact moyen"),
        (Criteres(True, False, False, impacts_forts=1), "socio_professionnel", "1 difficulté à impact fort"),
        # Pas d'activité depuis plus de deux ans
        (Criteres(False, True, True, impacts_forts=2), "social", "2 difficultés à impact fort"),
        (Criteres(False, True, False, impacts_forts=1), "socio_professionnel", "se projette dans un métier"),
        (Criteres(False, False, True, impacts_forts=1), "social", "pas de projet professionnel défini"),
        (Criteres(False, True, True), "emploi", "se projette dans un métier et qualifiée"),
        (Criteres(False, True, True, impacts_moyens=1), "socio_professionnel", "plus de deux ans"),
        (Criteres(False, False, False), "socio_professionnel", "aucune difficulté"),
    ],
)
def test_chaque_branche_du_bareme(cas, attendu, raison):
    suggestion = suggerer_parcours(cas)
    assert suggestion.parcours == attendu
    toutes = [*suggestion.raisons, suggestion.difficultes]
    assert any(raison in r for r in toutes), toutes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("situation", "fin_dernier_emploi", "activite_recente"),
    [
        ("emploi", None, True),
        ("iae", None, True),
        ("recherche_emploi", date(2024, 11, 25), True),  # 729 jours
        ("recherche_emploi", date(2024, 11, 24), True),  # 730 jours : encore dans les deux ans
        ("recherche_emploi", date(2024, 11, 23), False),
        ("au_foyer", None, False),
    ],
)
def test_l_activite_des_deux_dernieres_annees(equipe, situation, fin_dernier_emploi, activite_recente):
    diagnostic = diagnostic_services.commencer(equipe["carnet"], acteur=equipe["referente"])
    diagnostic.situation_actuelle = situation
    diagnostic.date_fin_dernier_emploi = fin_dernier_emploi
    assert criteres(diagnostic, aujourd_hui=AUJOURD_HUI).activite_recente is activite_recente


@pytest.mark.django_db
def test_les_criteres_viennent_du_diagnostic(equipe):
    diagnostic = diagnostic_services.commencer(equipe["carnet"], acteur=equipe["referente"])
    remplir(
        diagnostic,
        equipe["referente"],
        avec_projet=False,
        logement={"appreciation": "besoin", "impact": "fort"},
        sante={"appreciation": "besoin", "impact": "moyen"},
        mobilite={"appreciation": "besoin", "impact": "fort"},
    )
    c = criteres(diagnostic, aujourd_hui=AUJOURD_HUI)
    assert c == Criteres(activite_recente=True, se_projette=False, qualifie=True, impacts_forts=2, impacts_moyens=1)


@pytest.mark.django_db
def test_les_freins_des_domaines_en_besoin_suggerent_des_objectifs(equipe):
    diagnostic = diagnostic_valide(
        equipe["carnet"],
        equipe["referente"],
        mobilite={
            "appreciation": "besoin",
            "impact": "fort",
            "situations": ["mobilite.aucun_moyen_de_transport_a_disposition", "mobilite.permis_b"],
        },
        # Un frein dans un domaine qui n'est pas en besoin (point fort) ne suggère rien.
        logement={"appreciation": "point_fort", "situations": ["logement.difficulte_a_payer_le_loyer"]},
    )
    codes = [o.code for o in objectifs_suggeres(diagnostic)]
    assert "mobilite.faire_un_point_complet_sur_sa_mobilite" in codes
    assert all(code.startswith("mobilite.") for code in codes)


@pytest.mark.django_db
def test_chaque_frein_suggere_au_moins_un_objectif_et_jamais_une_ressource():
    from parcours.models import Situation

    freins = Situation.objects.filter(nature="frein")
    assert freins.count() > 50
    assert not freins.filter(objectifs_suggeres__isnull=True).exists()
    assert not Situation.objects.exclude(nature="frein").filter(objectifs_suggeres__isnull=False).exists()


@pytest.mark.django_db
def test_la_correspondance_france_travail_garde_codes_et_valeurs(equipe):
    from parcours import services as carnet_services

    diagnostic = diagnostic_valide(
        equipe["carnet"],
        equipe["referente"],
        mobilite={
            "appreciation": "besoin",
            "impact": "fort",
            "situations": ["mobilite.aucun_moyen_de_transport_a_disposition"],
        },
        logement={"appreciation": "point_fort"},
        difficulte_financiere={"appreciation": "cloture"},
    )
    carnet_services.ajouter_objectif(
        equipe["carnet"],
        acteur=equipe["referente"],
        axe="mobilite",
        referentiel="mobilite.obtenir_le_permis_de_conduire_code_conduite",
    )
    contraintes = {c["code"]: c for c in france_travail.contraintes(diagnostic)}
    assert set(contraintes) == {"23", "24", "25", "26", "27", "28", "29"}
    assert (contraintes["23"]["valeur"], contraintes["27"]["valeur"], contraintes["28"]["valeur"]) == (
        "OUI",
        "NON",
        "CLOTUREE",
    )
    assert contraintes["24"]["valeur"] == "NON_ABORDEE"
    situations = {s["code"]: s["valeur"] for s in contraintes["23"]["situations"]}
    assert situations["mobilite.aucun_moyen_de_transport_a_disposition"] == "OUI"
    assert situations["mobilite.permis_b"] == "NON"
    assert contraintes["23"]["objectifs"] == [
        {
            "code": "mobilite.obtenir_le_permis_de_conduire_code_conduite",
            "libelle": "Obtenir le permis de conduire (code / conduite)",
            "valeur": "EN_COURS",
        }
    ]
    # L'aller-retour ne perd rien : chaque valeur de contrainte redonne l'appréciation.
    for evaluation in diagnostic.evaluations.exclude(domaine__code_france_travail=""):
        valeur = contraintes[evaluation.domaine.code_france_travail]["valeur"]
        assert france_travail.APPRECIATION[valeur] == (evaluation.appreciation or "non_aborde")
