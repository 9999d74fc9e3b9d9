"""Plans d'exécution des pages (issue 12) : chaque requête SQL d'une page passe par `EXPLAIN (FORMAT JSON)` ; un
parcours séquentiel (« Seq Scan ») d'une table de plus de `SEUIL_LIGNES` lignes (estimation `reltuples` de
pg_class, à jour après ANALYZE) est un problème : à l'échelle nationale, la page lirait toute la table.

PostgreSQL seulement. Sert au test sur un jeu moyen (tests/test_plans_d_execution.py) et à la commande
`verifier_plans` sur la base de mesure. Les scénarios sont ceux des comptes du jeu de mesure (`generer_donnees_bench`).
Aucune application n'est importée au niveau du module (les modèles se lisent par le registre des applications)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

SEUIL_LIGNES = 10_000
INSTRUCTIONS_EXPLICABLES = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")

REFERENT = "bench.referent@spie.test"
ORGANISATION = "bench.organisation@spie.test"
PILOTE = "bench.pilote@spie.test"
PERSONNE = "bench.personne@spie.test"
DERNIERE_PAGE = {"page": "999999"}  # au-delà de la dernière, la pagination rend la dernière
INDICATEURS = "indicateurs du territoire"

# Parcours séquentiels admis (page, table) et leur raison. Les indicateurs agrègent TOUS les carnets du territoire
# (le plus grand : le quart des carnets du pays) et leurs suites sur deux périodes : lire ces tables en entier, puis
# les joindre par hachage aux carnets du territoire, est le bon plan (il coûte moins que 25 % de chaque table lue par
# l'index ; depuis le filtre `au_territoire`, PostgreSQL le choisit pour chacune des tables que lit
# `gouvernance.indicateurs.calcul.charger`, et le calcul à froid de 50 000 carnets passe de 6,4 à 3,9 s). Ce calcul
# se paie une fois, puis il est servi par le cache et le précalcul de la page (budget de 2 s).
TABLES_DES_INDICATEURS = (
    "parcours_carnet",
    "parcours_personne",
    "parcours_statut",
    "parcours_sortieparcours",
    "parcours_intervenant",
    "parcours_demandeorientation",
    "parcours_decisionorientation",
    "parcours_contratengagement",
    "parcours_objectif",
    "parcours_rendezvous",
    "parcours_note",
    "parcours_orientationservice",
    "parcours_transitionorientationservice",
    "parcours_pointsuiviemploi",
)
ADMIS = {
    (INDICATEURS, table): "agrégat de tout le territoire (≥ 20 % des carnets) : le parcours complet est le plan le "
    "moins cher ; calcul mis en cache et précalculé"
    for table in TABLES_DES_INDICATEURS
}


@dataclass(frozen=True)
class Page:
    nom: str
    email: str
    url: str
    donnees: dict = field(default_factory=dict)
    methode: str = "get"


@dataclass(frozen=True)
class SeqScan:
    page: str
    table: str
    lignes: int
    sql: str
    plan: dict

    @property
    def admis(self) -> str:
        return ADMIS.get((self.page, self.table), "")

    def __str__(self) -> str:
        plan = json.dumps(self.plan, indent=1, ensure_ascii=False)
        return f"[{self.page}] Seq Scan sur {self.table} (~{self.lignes} lignes)\n{self.sql}\n{plan}"


def grosses_tables(seuil: int = SEUIL_LIGNES, using=None) -> dict[str, int]:
    """Tables du schéma courant dont l'estimation du nombre de lignes dépasse `seuil`."""
    curseur_connexion = connection if using is None else using
    with curseur_connexion.cursor() as curseur:
        curseur.execute(
            "SELECT c.relname, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname = current_schema() AND c.reltuples > %s",
            [seuil],
        )
        return {nom: int(lignes) for nom, lignes in curseur.fetchall()}


def expliquer(sql: str) -> dict:
    """Le plan (sans exécuter la requête) d'une requête SQL déjà composée (paramètres en place)."""
    with connection.cursor() as curseur:
        curseur.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        resultat = curseur.fetchone()[0]
    return (json.loads(resultat) if isinstance(resultat, str) else resultat)[0]["Plan"]


def _noeuds(plan: dict) -> Iterator[dict]:
    yield plan
    for enfant in plan.get("Plans", []):
        yield from _noeuds(enfant)


def seq_scans(page: str, requetes: Iterable[str], tables: dict[str, int]) -> list[SeqScan]:
    """Les parcours séquentiels des grosses `tables` dans les plans des `requetes` (SQL capturé d'une page)."""
    trouves = []
    for sql in requetes:
        if not sql.lstrip().upper().startswith(INSTRUCTIONS_EXPLICABLES):
            continue  # SAVEPOINT, RELEASE, SET…
        plan = expliquer(sql)
        for noeud in _noeuds(plan):
            table = noeud.get("Relation Name")
            if noeud["Node Type"] == "Seq Scan" and table in tables:
                trouves.append(SeqScan(page, table, tables[table], sql, plan))
    return trouves


def _modele(libelle: str):
    return apps.get_model(libelle)


def pages_du_jeu_de_mesure() -> list[Page]:
    """Les pages des scénarios de charge, avec les comptes et les objets du jeu de mesure."""
    Intervenant = _modele("parcours.Intervenant")
    Service = _modele("offre.Service")
    referent = get_user_model().objects.get(email=REFERENT)
    suivi = (
        Intervenant.objects.referents()
        .filter(utilisateur=referent)
        .select_related("carnet")
        .order_by("carnet__personne__nom", "carnet_id")
        .first()
    )
    carnet = suivi.carnet
    commune = Service.objects.exclude(code_insee="").order_by("id").values_list("code_insee", flat=True).first()
    url_carnet = reverse("parcours:carnet", args=[carnet.uuid])
    onglets = ["situation", "diagnostic", "orientation", "plan", "offre", "rendez_vous", "notes", "groupe"]
    onglets += ["procedures", "historique"]
    pages = [Page(f"carnet, onglet {onglet}", REFERENT, f"{url_carnet}?onglet={onglet}") for onglet in onglets]
    mes_carnets = reverse("parcours:mes_carnets")
    pages += [
        Page("mes carnets (référent), première page", REFERENT, mes_carnets),
        Page("mes carnets (référent), dernière page", REFERENT, mes_carnets, DERNIERE_PAGE),
        Page("mes carnets (organisation), première page", ORGANISATION, mes_carnets),
        Page("mes carnets (organisation), dernière page", ORGANISATION, mes_carnets, DERNIERE_PAGE),
        Page("recherche dans l'offre", REFERENT, reverse("offre:recherche"), {"commune": commune}),
        Page("recherche d'un service depuis le carnet", REFERENT, reverse("parcours:carnet_offre", args=[carnet.uuid])),
        Page(
            "note ajoutée",
            REFERENT,
            reverse("parcours:note_ajouter", args=[carnet.uuid]),
            {"texte": "Entretien (vérification des plans)", "visibilite": "groupe"},
            "post",
        ),
        Page(INDICATEURS, PILOTE, reverse("gouvernance:indicateurs")),
    ]
    for nom in ["espace_accueil", "espace_plan", "espace_rendez_vous", "espace_exprimer"]:
        pages.append(Page(f"espace de la personne ({nom})", PERSONNE, reverse(f"parcours:{nom}")))
    return pages


def requetes_de_la_page(page: Page, client: Client) -> list[str]:
    """Joue la page par le client de test (l'utilisateur connecté) et rend le SQL capturé ; échoue si la page ne
    répond pas (200, ou 302 après un POST)."""
    client.force_login(get_user_model().objects.get(email=page.email))
    with CaptureQueriesContext(connection) as capture:
        reponse = getattr(client, page.methode)(page.url, page.donnees, secure=True)
    attendu = 302 if page.methode == "post" else 200
    if reponse.status_code != attendu:
        raise AssertionError(f"[{page.nom}] {page.url} : HTTP {reponse.status_code} (attendu {attendu})")
    return [requete["sql"] for requete in capture.captured_queries]


def verifier(pages: Iterable[Page], seuil: int = SEUIL_LIGNES) -> tuple[list[SeqScan], int]:
    """Les parcours séquentiels de grosses tables de toutes les `pages` (les admis compris, voir `ADMIS`), et le
    nombre de requêtes examinées. À appeler dans une transaction annulée ensuite (le POST d'une note écrit)."""
    tables = grosses_tables(seuil)
    client = Client()
    trouves, examinees = [], 0
    for page in pages:
        requetes = requetes_de_la_page(page, client)
        examinees += len(requetes)
        trouves += seq_scans(page.nom, requetes, tables)
    return trouves, examinees
