"""Le rapport d'un passage : deux tableaux Markdown (par requête, par scénario) et le même contenu en JSON."""

from dataclasses import dataclass, field

from spie.charge.statistiques import (
    BUDGET_RSS_MO,
    BUDGETS_P95_MS,
    Resume,
    depassements,
    depassements_memoire,
    rapport_au_plancher,
)

PLANCHER = "plancher"


@dataclass
class ResultatScenario:
    nom: str
    duree_s: float
    lignes: list[Resume]
    rss_max_mo: dict[str, float]
    exemples_d_erreurs: dict[str, list[str]] = field(default_factory=dict)

    @property
    def par_seconde(self) -> float:
        return sum(ligne.nombre for ligne in self.lignes) / self.duree_s

    @property
    def erreurs(self) -> int:
        return sum(ligne.erreurs for ligne in self.lignes)

    def depassements(self) -> list[str]:
        fautes = [faute for ligne in self.lignes for faute in depassements(ligne)]
        return fautes + [f"{self.nom} : {faute}" for faute in depassements_memoire(self.rss_max_mo)]


def _ms(valeur: float | None) -> str:
    return "–" if valeur is None else f"{valeur:.0f}"


def _budget(categorie: str) -> str:
    budget = BUDGETS_P95_MS.get(categorie)
    return "–" if budget is None else f"≤ {budget}"


def plancher(resultats: list[ResultatScenario]) -> float | None:
    return next((r.par_seconde for r in resultats if r.nom == PLANCHER), None)


def en_markdown(resultats: list[ResultatScenario], contexte: dict) -> str:
    debit_plancher = plancher(resultats)
    lignes = [
        f"# Passage de charge du {contexte['date']}",
        "",
        ", ".join(f"{cle} : {valeur}" for cle, valeur in contexte.items() if cle != "date"),
        "",
        "| Scénario | Requête | Requêtes | Erreurs | p50 ms | p95 ms | p99 ms | req/s | Budget p95 ms | Verdict |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for resultat in resultats:
        for ligne in resultat.lignes:
            verdict = "dépassé" if depassements(ligne) else "ok"
            lignes.append(
                f"| {ligne.scenario} | {ligne.requete} | {ligne.nombre} | {ligne.erreurs} | {_ms(ligne.p50_ms)} | "
                f"{_ms(ligne.p95_ms)} | {_ms(ligne.p99_ms)} | {ligne.par_seconde:.1f} | {_budget(ligne.categorie)} | "
                f"{verdict} |"
            )
    lignes += [
        "",
        f"| Scénario | Durée s | req/s | × plancher | Erreurs | RSS max par worker (Mo, budget {BUDGET_RSS_MO}) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for resultat in resultats:
        rapport = rapport_au_plancher(resultat.par_seconde, debit_plancher)
        memoire = ", ".join(f"{rss:.0f}" for _, rss in sorted(resultat.rss_max_mo.items())) or "–"
        lignes.append(
            f"| {resultat.nom} | {resultat.duree_s:.0f} | {resultat.par_seconde:.1f} | "
            f"{'–' if rapport is None else f'{rapport:.2f}'} | {resultat.erreurs} | {memoire} |"
        )
    fautes = [faute for resultat in resultats for faute in resultat.depassements()]
    lignes += ["", "## Budgets dépassés" if fautes else "Tous les budgets sont tenus.", ""]
    lignes += [f"- {faute}" for faute in fautes]
    exemples = [
        f"- {nom} : {exemple}"
        for resultat in resultats
        for nom, liste in resultat.exemples_d_erreurs.items()
        for exemple in liste[:2]
    ]
    if exemples:
        lignes += ["", "## Exemples d'erreurs", "", *exemples]
    return "\n".join(lignes).rstrip() + "\n"


def en_json(resultats: list[ResultatScenario], contexte: dict) -> dict:
    debit_plancher = plancher(resultats)
    return {
        "contexte": contexte,
        "budgets": {"p95_ms": BUDGETS_P95_MS, "rss_mo": BUDGET_RSS_MO, "erreurs": 0},
        "scenarios": [
            {
                "nom": r.nom,
                "duree_s": r.duree_s,
                "par_seconde": r.par_seconde,
                "rapport_au_plancher": rapport_au_plancher(r.par_seconde, debit_plancher),
                "erreurs": r.erreurs,
                "rss_max_mo": r.rss_max_mo,
                "requetes": [ligne.en_dict() for ligne in r.lignes],
                "exemples_d_erreurs": r.exemples_d_erreurs,
                "depassements": r.depassements(),
            }
            for r in resultats
        ],
        "depassements": [faute for r in resultats for faute in r.depassements()],
    }
