"""Le rapport d'un passage : un tableau Markdown par régime (« utilisateurs », jugé contre les budgets ; « saturation »,
débit rapporté au plancher), la mémoire des workers sur tout le passage, et le même contenu en JSON."""

from dataclasses import dataclass, field

from spie.charge.statistiques import (
    BUDGET_RSS_MO,
    BUDGETS_P95_MS,
    SATURATION,
    UTILISATEURS,
    Resume,
    depassements,
    depassements_memoire,
    rapport_au_plancher,
    resumer,
)

PLANCHER = "plancher"
TOUTES = "toutes"

POURQUOI = {
    UTILISATEURS: (
        "Jugé contre les budgets : chaque utilisateur simulé attend un temps de réflexion tiré entre deux bornes avant "
        "sa requête suivante, comme une personne qui lit la page entre deux clics. Les bornes par défaut (1 à 3 s) "
        "sont plus exigeantes qu'un vrai référent, qui lit sa page plusieurs secondes : le serveur reçoit plus de "
        "requêtes que de 20 personnes réelles."
    ),
    SATURATION: (
        "Débit seulement : sans temps de réflexion, les utilisateurs enchaînent leurs requêtes (boucle fermée, comme "
        "wrk) et gardent le serveur plein. Chaque requête attend alors son tour derrière les autres : la latence vaut "
        "à peu près utilisateurs ÷ débit (loi de Little), quelle que soit la page. Elle mesure la file d'attente à "
        "saturation, pas le temps que voit un référent : les centiles sont affichés, pas jugés (les erreurs, si). Le "
        "débit rapporté à celui du plancher (× plancher) dit ce que coûte la page par rapport à la page minimale."
    ),
}


@dataclass
class ResultatScenario:
    """Un scénario passé dans un régime : une ligne par requête, et `ensemble` pour toutes ses requêtes réunies."""

    nom: str
    regime: str  # UTILISATEURS ou SATURATION
    duree_s: float
    lignes: list[Resume]
    ensemble: Resume
    exemples_d_erreurs: dict[str, list[str]] = field(default_factory=dict)

    @property
    def par_seconde(self) -> float:
        return self.ensemble.par_seconde

    @property
    def erreurs(self) -> int:
        return self.ensemble.erreurs

    def depassements(self) -> list[str]:
        juger = self.regime == UTILISATEURS
        fautes = [faute for ligne in self.lignes for faute in depassements(ligne, juger_les_temps=juger)]
        return [f"[{self.regime}] {faute}" for faute in fautes]


def resultat(
    nom: str,
    regime: str,
    duree_s: float,
    par_requete: dict[str, list[tuple[float, bool]]],
    categories: dict[str, str],
    exemples_d_erreurs: dict[str, list[str]] | None = None,
) -> ResultatScenario:
    """Le résultat d'un scénario à partir des mesures de locust (durée en ms, réussie) regroupées par requête ; une
    requête du plan jamais faite a sa ligne vide (comptée comme dépassement)."""
    lignes = [
        resumer(nom, requete, categories.get(requete, ""), valeurs, duree_s)
        for requete, valeurs in sorted(par_requete.items())
    ]
    lignes += [
        resumer(nom, requete, categorie, [], duree_s)
        for requete, categorie in categories.items()
        if requete not in par_requete
    ]
    toutes = [mesure for valeurs in par_requete.values() for mesure in valeurs]
    ensemble = resumer(nom, TOUTES, "", toutes, duree_s)
    return ResultatScenario(nom, regime, duree_s, lignes, ensemble, exemples_d_erreurs or {})


def du_regime(resultats: list[ResultatScenario], regime: str) -> list[ResultatScenario]:
    return [r for r in resultats if r.regime == regime]


def plancher(resultats: list[ResultatScenario]) -> float | None:
    """Le débit du plancher en saturation (le seul régime où un rapport de débits a un sens)."""
    return next((r.par_seconde for r in du_regime(resultats, SATURATION) if r.nom == PLANCHER), None)


def tous_les_depassements(resultats: list[ResultatScenario], rss_max_mo: dict[str, float]) -> list[str]:
    return [faute for r in resultats for faute in r.depassements()] + depassements_memoire(rss_max_mo)


def _ms(valeur: float | None) -> str:
    return "–" if valeur is None else f"{valeur:.0f}"


def _budget(categorie: str) -> str:
    budget = BUDGETS_P95_MS.get(categorie)
    return "–" if budget is None else f"≤ {budget}"


def _tableau_utilisateurs(resultats: list[ResultatScenario]) -> list[str]:
    lignes = [
        "| Scénario | Requête | Requêtes | Erreurs | p50 ms | p95 ms | p99 ms | req/s | Budget p95 ms | Verdict |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in du_regime(resultats, UTILISATEURS):
        for ligne in r.lignes:
            verdict = "dépassé" if depassements(ligne) else "ok"
            lignes.append(
                f"| {ligne.scenario} | {ligne.requete} | {ligne.nombre} | {ligne.erreurs} | {_ms(ligne.p50_ms)} | "
                f"{_ms(ligne.p95_ms)} | {_ms(ligne.p99_ms)} | {ligne.par_seconde:.1f} | {_budget(ligne.categorie)} | "
                f"{verdict} |"
            )
    return lignes


def _tableau_saturation(resultats: list[ResultatScenario]) -> list[str]:
    debit_plancher = plancher(resultats)
    lignes = [
        "| Scénario | Durée s | Requêtes | Erreurs | req/s | × plancher | p50 ms (non jugé) | p95 ms (non jugé) "
        "| p99 ms (non jugé) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in du_regime(resultats, SATURATION):
        rapport = rapport_au_plancher(r.par_seconde, debit_plancher)
        e = r.ensemble
        lignes.append(
            f"| {r.nom} | {r.duree_s:.0f} | {e.nombre} | {e.erreurs} | {r.par_seconde:.1f} | "
            f"{'–' if rapport is None else f'{rapport:.2f}'} | {_ms(e.p50_ms)} | {_ms(e.p95_ms)} | {_ms(e.p99_ms)} |"
        )
    return lignes


def en_markdown(resultats: list[ResultatScenario], contexte: dict, rss_max_mo: dict[str, float]) -> str:
    lignes = [
        f"# Passage de charge du {contexte['date']}",
        "",
        ", ".join(f"{cle} : {valeur}" for cle, valeur in contexte.items() if cle != "date"),
        "",
        "## Utilisateurs (budgets)",
        "",
        POURQUOI[UTILISATEURS],
        "",
        *_tableau_utilisateurs(resultats),
        "",
        "## Saturation (débit, × plancher)",
        "",
        POURQUOI[SATURATION],
        "",
        *_tableau_saturation(resultats),
        "",
        "## Mémoire",
        "",
        f"RSS maximal de chaque worker sur tout le passage (budget {BUDGET_RSS_MO} Mo) : "
        + (", ".join(f"{rss:.0f} Mo" for _, rss in sorted(rss_max_mo.items())) or "non relevé")
        + ".",
    ]
    fautes = tous_les_depassements(resultats, rss_max_mo)
    lignes += ["", "## Budgets dépassés" if fautes else "Tous les budgets sont tenus.", ""]
    lignes += [f"- {faute}" for faute in fautes]
    exemples = [
        f"- [{r.regime}] {nom} : {exemple}"
        for r in resultats
        for nom, liste in r.exemples_d_erreurs.items()
        for exemple in liste[:2]
    ]
    if exemples:
        lignes += ["", "## Exemples d'erreurs", "", *exemples]
    return "\n".join(lignes).rstrip() + "\n"


def en_json(resultats: list[ResultatScenario], contexte: dict, rss_max_mo: dict[str, float]) -> dict:
    debit_plancher = plancher(resultats)

    def scenario(r: ResultatScenario) -> dict:
        donnees = {
            "nom": r.nom,
            "duree_s": r.duree_s,
            "par_seconde": r.par_seconde,
            "erreurs": r.erreurs,
            "ensemble": r.ensemble.en_dict(),
            "requetes": [ligne.en_dict() for ligne in r.lignes],
            "exemples_d_erreurs": r.exemples_d_erreurs,
            "depassements": r.depassements(),
        }
        if r.regime == SATURATION:
            donnees["rapport_au_plancher"] = rapport_au_plancher(r.par_seconde, debit_plancher)
        return donnees

    return {
        "contexte": contexte,
        "budgets": {"p95_ms": BUDGETS_P95_MS, "rss_mo": BUDGET_RSS_MO, "erreurs": 0},
        "regimes": {
            regime: {"pourquoi": POURQUOI[regime], "centiles_juges": regime == UTILISATEURS}
            | {"scenarios": [scenario(r) for r in du_regime(resultats, regime)]}
            for regime in (UTILISATEURS, SATURATION)
        },
        "rss_max_mo": rss_max_mo,
        "depassements": tous_les_depassements(resultats, rss_max_mo),
    }
