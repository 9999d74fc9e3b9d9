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


def test_le_regime_se_lit_dans_le_temps_de_reflexion():
    assert passage.Regime(120, (1.0, 3.0)).nom == statistiques.UTILISATEURS
    assert passage.Regime(30).nom == statistiques.SATURATION


@pytest.mark.parametrize("texte, attendu", [("1,3", (1.0, 3.0)), (" 0.5 , 2 ", (0.5, 2.0)), ("0,4", (0.0, 4.0))])
def test_lire_le_temps_de_reflexion(texte, attendu):
    assert passage.lire_reflexion(texte) == attendu


@pytest.mark.parametrize("texte", ["3", "1,2,3", "a,b", "3,1", "0,0", "-1,2"])
def test_un_temps_de_reflexion_impossible_est_refuse(texte):
    with pytest.raises(ValueError, match="temps de réflexion"):
        passage.lire_reflexion(texte)


def test_en_saturation_les_temps_ne_sont_pas_juges_mais_les_erreurs_si():
    lente = _ligne("carnet", 2000)
    assert depassements(lente, juger_les_temps=False) == []
    assert depassements(_ligne("carnet", 2000, erreurs=2), juger_les_temps=False) == [
        "s / r : 2 erreur(s) (budget : 0)"
    ]
    mesures = {"carnet": [(2000.0, True)] * 10}
    assert rapport.resultat("carnet", statistiques.SATURATION, 1.0, mesures, {"carnet": "carnet"}).depassements() == []
    utilisateurs = rapport.resultat("carnet", statistiques.UTILISATEURS, 1.0, mesures, {"carnet": "carnet"})
    assert utilisateurs.depassements() == ["[utilisateurs] carnet / carnet : p95 2000 ms > 150 ms"]


def test_le_resultat_reunit_les_requetes_et_signale_celles_jamais_faites():
    par_requete = {"page 1": [(10.0, True), (30.0, False)], "page 9": [(20.0, True), (40.0, True)]}
    categories = {"page 1": "liste", "page 9": "liste", "jamais": "liste"}
    r = rapport.resultat("mes_carnets", statistiques.SATURATION, 2.0, par_requete, categories)
    assert [ligne.requete for ligne in r.lignes] == ["page 1", "page 9", "jamais"]
    assert (r.ensemble.nombre, r.erreurs, r.par_seconde) == (4, 1, 2.0)
    assert (r.ensemble.p50_ms, r.ensemble.p99_ms) == (20.0, 40.0)
    assert r.depassements() == [
        "[saturation] mes_carnets / page 1 : 1 erreur(s) (budget : 0)",
        "[saturation] mes_carnets / jamais : aucune requête mesurée",
    ]


def _resultats():
    utilisateurs, saturation = statistiques.UTILISATEURS, statistiques.SATURATION
    carnet_lent = [(100.0, True)] * 445 + [(180.0, True)] * 4 + [(180.0, False)]
    return [
        rapport.resultat("plancher", utilisateurs, 10.0, {"plancher": [(4.0, True)] * 100}, {"plancher": ""}),
        # En saturation, les centiles du plancher sont longs (la file d'attente) : affichés, jamais jugés.
        rapport.resultat("plancher", saturation, 10.0, {"plancher": [(90.0, True)] * 2000}, {"plancher": ""}),
        rapport.resultat(
            "carnet",
            utilisateurs,
            10.0,
            {"carnet": carnet_lent},
            {"carnet": "carnet"},
            {"carnet": ["statut 500 (attendu 200) "]},
        ),
        rapport.resultat("carnet", saturation, 10.0, {"carnet": [(400.0, True)] * 450}, {"carnet": "carnet"}),
    ]


def test_rapport_markdown_et_json():
    resultats = _resultats()
    memoire = {"11": 95.0, "12": 310.0}
    texte = rapport.en_markdown(resultats, {"date": "2026-11-25 04:00", "utilisateurs": 20}, memoire)
    utilisateurs, saturation = texte.split("## Saturation")
    assert "| carnet | carnet | 450 | 1 | 100 | 100 | 180 | 45.0 | ≤ 150 | dépassé |" in utilisateurs
    assert "| plancher | plancher | 100 | 0 | 4 | 4 | 4 | 10.0 | – | ok |" in utilisateurs
    assert "× plancher" not in utilisateurs  # un rapport de débits n'a de sens qu'à saturation
    assert "| plancher | 10 | 2000 | 0 | 200.0 | 1.00 | 90 | 90 | 90 |" in saturation
    assert "| carnet | 10 | 450 | 0 | 45.0 | 0.23 | 400 | 400 | 400 |" in saturation  # 45 req/s contre 200
    assert "loi de Little" in saturation
    assert "RSS maximal de chaque worker sur tout le passage (budget 300 Mo) : 95 Mo, 310 Mo." in texte
    assert "- [utilisateurs] carnet / carnet : 1 erreur(s) (budget : 0)" in texte
    assert "- worker 12 : RSS max 310 Mo > 300 Mo" in texte
    assert "- [utilisateurs] carnet : statut 500 (attendu 200)" in texte
    assert "p95 400" not in texte  # le carnet à saturation n'est pas jugé
    donnees = rapport.en_json(resultats, {"date": "2026-11-25 04:00"}, memoire)
    regimes = donnees["regimes"]
    assert regimes["utilisateurs"]["centiles_juges"] is True
    assert regimes["saturation"]["centiles_juges"] is False
    assert "loi de Little" in regimes["saturation"]["pourquoi"]
    carnet = regimes["saturation"]["scenarios"][1]
    assert carnet["rapport_au_plancher"] == pytest.approx(0.225)
    assert "rapport_au_plancher" not in regimes["utilisateurs"]["scenarios"][1]
    assert regimes["utilisateurs"]["scenarios"][1]["requetes"][0]["p99_ms"] == 180.0
    assert donnees["rss_max_mo"] == memoire
    assert len(donnees["depassements"]) == 2


def test_rapport_sans_depassement():
    plancher = rapport.resultat("plancher", statistiques.SATURATION, 1.0, {"plancher": [(5.0, True)]}, {"plancher": ""})
    assert "Tous les budgets sont tenus." in rapport.en_markdown([plancher], {"date": "2026-11-25"}, {"11": 90.0})
