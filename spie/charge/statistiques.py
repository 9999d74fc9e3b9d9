"""Le calcul pur des résultats d'un passage de charge : centiles, débit, rapport au plancher, budgets.

Aucune dépendance à Django ni à locust : des listes de durées en entrée, des nombres et des verdicts en sortie."""

import math
from dataclasses import asdict, dataclass

# Budgets du 95e centile, en millisecondes, par catégorie de requête (issue 12).
BUDGETS_P95_MS = {
    "carnet": 150,  # ouvrir un carnet (professionnel ou personne)
    "liste": 200,  # listes et recherche
    "envoi": 250,  # POST d'un formulaire
    "indicateurs": 2000,  # page des indicateurs du territoire
}
BUDGET_RSS_MO = 300  # mémoire résidente maximale d'un worker gunicorn

# Les deux régimes d'un scénario. « utilisateurs » : des personnes qui lisent la page entre deux clics (temps de
# réflexion) ; les budgets de temps s'y jugent. « saturation » : sans attente, comme wrk ; seul le débit compte.
UTILISATEURS = "utilisateurs"
SATURATION = "saturation"
ERREURS_ADMISES = 0


def centile(valeurs: list[float], rang: float) -> float:
    """Le centile `rang` (0 < rang ≤ 100) par la méthode du rang le plus proche : la plus petite valeur telle qu'au
    moins `rang` % des valeurs lui soient inférieures ou égales. Toujours une valeur mesurée (pas d'interpolation)."""
    if not valeurs:
        raise ValueError("aucune valeur : pas de centile")
    if not 0 < rang <= 100:
        raise ValueError(f"rang hors de ]0, 100] : {rang}")
    triees = sorted(valeurs)
    return triees[max(1, math.ceil(rang / 100 * len(triees))) - 1]


@dataclass(frozen=True)
class Resume:
    """Une ligne du tableau : une requête d'un scénario."""

    scenario: str
    requete: str
    categorie: str  # clé de BUDGETS_P95_MS, ou "" (le plancher n'a pas de budget)
    nombre: int
    erreurs: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    par_seconde: float

    def en_dict(self) -> dict:
        return asdict(self)


def resumer(scenario: str, requete: str, categorie: str, mesures: list[tuple[float, bool]], duree_s: float) -> Resume:
    """`mesures` : (durée en ms, réussie) de chaque requête ; les centiles portent sur toutes les requêtes, réussies
    ou non (une erreur rapide ne doit pas embellir les centiles, mais elle compte aussi comme erreur)."""
    if duree_s <= 0:
        raise ValueError("la durée du passage doit être positive")
    durees = [duree for duree, _ in mesures]
    erreurs = sum(1 for _, reussie in mesures if not reussie)
    return Resume(
        scenario=scenario,
        requete=requete,
        categorie=categorie,
        nombre=len(mesures),
        erreurs=erreurs,
        p50_ms=centile(durees, 50) if durees else None,
        p95_ms=centile(durees, 95) if durees else None,
        p99_ms=centile(durees, 99) if durees else None,
        par_seconde=len(mesures) / duree_s,
    )


def rapport_au_plancher(par_seconde: float, par_seconde_plancher: float | None) -> float | None:
    """Le débit d'un scénario rapporté à celui du plancher (1,0 : aussi rapide que la page minimale ; 0,25 : quatre
    fois plus lent). None sans plancher mesuré."""
    if not par_seconde_plancher:
        return None
    return par_seconde / par_seconde_plancher


def depassements(resume: Resume, *, juger_les_temps: bool = True) -> list[str]:
    """Les budgets que dépasse une ligne : erreurs, 95e centile de sa catégorie (seulement si `juger_les_temps` : pas
    en saturation, où le temps mesuré est celui de la file d'attente). Vide : dans les budgets."""
    fautes = []
    if resume.nombre == 0:
        fautes.append(f"{resume.scenario} / {resume.requete} : aucune requête mesurée")
    if resume.erreurs > ERREURS_ADMISES:
        fautes.append(f"{resume.scenario} / {resume.requete} : {resume.erreurs} erreur(s) (budget : 0)")
    budget = BUDGETS_P95_MS.get(resume.categorie)
    if juger_les_temps and budget is not None and resume.p95_ms is not None and resume.p95_ms > budget:
        fautes.append(f"{resume.scenario} / {resume.requete} : p95 {resume.p95_ms:.0f} ms > {budget} ms")
    return fautes


def depassements_memoire(rss_max_mo: dict[str, float]) -> list[str]:
    """Les workers (désignés par leur pid) dont la mémoire résidente maximale dépasse le budget."""
    return [
        f"worker {pid} : RSS max {rss:.0f} Mo > {BUDGET_RSS_MO} Mo"
        for pid, rss in sorted(rss_max_mo.items())
        if rss > BUDGET_RSS_MO
    ]


def lire_rss_ko(statut_proc: str) -> int | None:
    """La mémoire résidente (ko) lue dans le contenu de /proc/<pid>/status ; None si la ligne VmRSS manque
    (processus zombie ou noyau sans cette ligne)."""
    for ligne in statut_proc.splitlines():
        if ligne.startswith("VmRSS:"):
            return int(ligne.split()[1])
    return None
