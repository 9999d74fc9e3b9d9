"""Le calcul pur des résultats d'un passage de charge (spie/charge) : centiles, débit, rapport au plancher, budgets,
mémoire, regroupement des mesures et rapport. Aucun serveur ni locust ici (la mesure elle-même est une commande)."""

import pytest

from spie.charge import passage, rapport, statistiques
from spie.charge.statistiques import Resume, centile, depassements, depassements_memoire, resumer


def test_centile_par_le_rang_le_plus_proche():
    valeurs = list(range(100, 0, -1))  # 100 … 1, dans le désordre
    assert centile(valeurs, 50) == 50
    assert centile(valeurs, 95) == 95
    assert centile(valeurs, 99) == 99
    assert centile(valeurs, 100) == 100
    assert centile([7.5], 99) == 7.5
    # Dix valeurs : le 95e centile est la dixième (rang ⌈9,5⌉), le médian la cinquième ; jamais d'interpolation.
    assert centile([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000], 95) == 1000
    assert centile([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000], 50) == 50


@pytest.mark.parametrize("valeurs, rang", [([], 50), ([1.0], 0), ([1.0], 101)])
def test_centile_refuse_l_impossible(valeurs, rang):
    with pytest.raises(ValueError):
        centile(valeurs, rang)


def test_resumer_compte_les_erreurs_et_le_debit():
    mesures = [(10.0, True)] * 18 + [(500.0, False), (900.0, True)]
    resume = resumer("carnet", "carnet", "carnet", mesures, duree_s=4.0)
    assert resume.nombre == 20
    assert resume.erreurs == 1
    assert resume.par_seconde == 5.0
    assert (resume.p50_ms, resume.p95_ms, resume.p99_ms) == (10.0, 500.0, 900.0)  # l'erreur lente compte aussi


def test_resumer_sans_requete_et_duree_nulle():
    vide = resumer("offre", "offre", "liste", [], duree_s=2.0)
    assert (vide.nombre, vide.p95_ms, vide.par_seconde) == (0, None, 0.0)
    assert depassements(vide) == ["offre / offre : aucune requête mesurée"]
    with pytest.raises(ValueError):
        resumer("offre", "offre", "liste", [(1.0, True)], duree_s=0)


def test_rapport_au_plancher():
    assert statistiques.rapport_au_plancher(50.0, 200.0) == 0.25
    assert statistiques.rapport_au_plancher(200.0, 200.0) == 1.0
    assert statistiques.rapport_au_plancher(50.0, None) is None
    assert statistiques.rapport_au_plancher(50.0, 0.0) is None


def _ligne(categorie: str, p95: float, erreurs: int = 0, requete: str = "r") -> Resume:
    return Resume("s", requete, categorie, 100, erreurs, p95 / 2, p95, p95 * 1.5, 10.0)


@pytest.mark.parametrize(
    "categorie, limite",
    [("carnet", 150), ("liste", 200), ("envoi", 250), ("indicateurs", 2000)],
)
def test_verdict_du_95e_centile_par_categorie(categorie, limite):
    assert depassements(_ligne(categorie, limite)) == []
    assert depassements(_ligne(categorie, limite + 0.5)) == [f"s / r : p95 {limite + 0.5:.0f} ms > {limite} ms"]


def test_toute_erreur_depasse_le_budget_meme_au_plancher():
    assert depassements(_ligne("", 10_000)) == []  # le plancher n'a pas de budget de temps
    assert depassements(_ligne("", 1, erreurs=1)) == ["s / r : 1 erreur(s) (budget : 0)"]
    assert len(depassements(_ligne("carnet", 400, erreurs=3))) == 2


def test_memoire_des_workers():
    assert depassements_memoire({"101": 120.0, "102": 300.0}) == []
    assert depassements_memoire({"101": 120.0, "102": 300.4}) == ["worker 102 : RSS max 300 Mo > 300 Mo"]


def test_lire_rss_dans_proc():
    statut = "Name:\tgunicorn\nVmPeak:\t  300000 kB\nVmRSS:\t  123456 kB\nThreads:\t1\n"
    assert statistiques.lire_rss_ko(statut) == 123456
    assert statistiques.lire_rss_ko("Name:\tzombie\nState:\tZ (zombie)\n") is None


def test_lire_les_mesures_de_locust():
    mesures = passage.lire_mesures(
        {
            "debut": 100.0,
            "fin": 112.5,
            "mesures": [["carnet", 12.5, True], ["plancher", 3, True], ["carnet", 40, False]],
            "exemples_d_erreurs": {"carnet": ["statut 302 (attendu 200) /comptes/login/"]},
        }
    )
    assert mesures.duree_s == 12.5
    assert mesures.par_requete == {"carnet": [(12.5, True), (40.0, False)], "plancher": [(3.0, True)]}
    assert mesures.exemples_d_erreurs["carnet"] == ["statut 302 (attendu 200) /comptes/login/"]


def _resultats():
    plancher = rapport.ResultatScenario(
        "plancher", 10.0, [resumer("plancher", "plancher", "", [(5.0, True)] * 2000, 10.0)], {"11": 90.0}
    )
    carnet = rapport.ResultatScenario(
        "carnet",
        10.0,
        [resumer("carnet", "carnet", "carnet", [(100.0, True)] * 445 + [(180.0, True)] * 4 + [(180.0, False)], 10.0)],
        {"11": 95.0, "12": 310.0},
        {"carnet": ["statut 500 (attendu 200) "]},
    )
    return [plancher, carnet]


def test_rapport_markdown_et_json():
    resultats = _resultats()
    texte = rapport.en_markdown(resultats, {"date": "2026-11-25 04:00", "utilisateurs": 20})
    assert "| carnet | carnet | 450 | 1 | 100 | 100 | 180 | 45.0 | ≤ 150 | dépassé |" in texte
    assert "| plancher | plancher | 2000 | 0 | 5 | 5 | 5 | 200.0 | – | ok |" in texte
    assert "| carnet | 10 | 45.0 | 0.23 | 1 | 95, 310 |" in texte  # 45 req/s contre 200 au plancher
    assert "- carnet / carnet : 1 erreur(s) (budget : 0)" in texte
    assert "- carnet : worker 12 : RSS max 310 Mo > 300 Mo" in texte
    assert "- carnet : statut 500 (attendu 200)" in texte
    donnees = rapport.en_json(resultats, {"date": "2026-11-25 04:00"})
    carnet = donnees["scenarios"][1]
    assert carnet["rapport_au_plancher"] == pytest.approx(0.225)
    assert carnet["requetes"][0]["p99_ms"] == 180.0
    assert len(donnees["depassements"]) == 2


def test_rapport_sans_depassement():
    plancher = rapport.ResultatScenario(
        "plancher", 1.0, [resumer("plancher", "plancher", "", [(5.0, True)], 1.0)], {"11": 90.0}
    )
    assert "Tous les budgets sont tenus." in rapport.en_markdown([plancher], {"date": "2026-11-25"})
