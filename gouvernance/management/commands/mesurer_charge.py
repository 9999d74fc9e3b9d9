"""Tests de charge reproductibles sur la base de DATABASE_URL (PostgreSQL) et le Redis de REDIS_URL, remplies par
`manage.py generer_donnees_bench` (comptes bench.referent, bench.organisation, bench.pilote, bench.personne).

1. Ouvre des sessions connectées (second facteur TOTP compris, comme après une vraie connexion) : une par
   utilisateur simulé et par profil, juste avant chaque scénario, supprimées après.
2. Démarre gunicorn sur 127.0.0.1 (port libre) comme en production : workers synchrones, DEBUG coupé, second facteur
   obligatoire ; plus la page plancher (`SPIE_PAGE_PLANCHER=1`, pour ce gunicorn seulement).
3. Passe chaque scénario sous locust sans interface, l'un après l'autre, sur le même serveur (`plancher` d'abord,
   toujours), dans deux régimes l'un après l'autre :
   - « utilisateurs » : N utilisateurs qui attendent un temps de réflexion tiré dans `--reflexion` (1 à 3 s par
     défaut, plus exigeant qu'un vrai référent qui lit sa page plusieurs secondes), `--duree` secondes ; p50/p95/p99,
     débit, erreurs, jugés contre les budgets ;
   - « saturation » : N utilisateurs sans temps d'attente (comme wrk), `--duree-saturation` secondes ; le débit, et
     son rapport à celui du plancher en saturation. Les centiles y sont affichés mais pas jugés : en boucle fermée,
     la latence vaut à peu près N ÷ débit (la file d'attente), pas le temps que voit un référent.
4. Rapporte aussi la mémoire résidente maximale de chaque worker sur tout le passage (relevée dans /proc toutes les
   0,5 s) et la charge moyenne avant et après. Écrit un tableau Markdown par régime et un JSON dans
   artefacts/bench/, affiche le rapport et signale les budgets dépassés.

Le scénario `note` écrit pour de bon des notes dans les carnets du référent (c'est le POST réel) : à passer sur une
base de mesure, jamais sur une base de production. Voir docs/BENCHMARKS.md, « Tests de charge »."""

import json
import math
import os
import platform
import random
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gouvernance import permissions as gouvernance_permissions
from gouvernance.indicateurs import memoire as indicateurs_en_cache
from offre.models import Service
from offre.recherche import communes
from parcours import permissions as regles
from parcours.models import Carnet, Intervenant, Personne
from partenaires.models import Utilisateur
from spie.charge import passage, rapport, sessions
from spie.charge.passage import Regime
from spie.charge.serveur import EchantillonneurMemoire, gunicorn
from spie.pagination import PAR_PAGE
from spie.traces import Commande
from spie.views import CHEMIN_PLANCHER

COMPTES = {
    "referent": "bench.referent@spie.test",
    "organisation": "bench.organisation@spie.test",
    "pilote": "bench.pilote@spie.test",
    "personne": "bench.personne@spie.test",
}
SCENARIOS = ("plancher", "carnet", "mes_carnets", "offre", "note", "indicateurs", "personne")
RAYON_OFFRE_KM = 30
RECHERCHES_OFFRE = 200
# Deux cœurs : trois workers synchrones, comme le Dockerfile et docker-compose.yml (voir docs/BENCHMARKS.md).
WORKERS_PAR_DEFAUT = 3


class Command(Commande):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--duree", type=int, default=120, help="secondes du régime « utilisateurs » par scénario (120)"
        )
        parser.add_argument(
            "--duree-saturation", type=int, default=30, help="secondes du régime « saturation » par scénario (30)"
        )
        parser.add_argument(
            "--reflexion",
            default="1,3",
            help="temps de réflexion du régime « utilisateurs », « min,max » en secondes (1,3 : plus exigeant qu'un "
            "vrai référent, qui lit sa page plusieurs secondes)",
        )
        parser.add_argument("--utilisateurs", type=int, default=20, help="utilisateurs simultanés (20)")
        parser.add_argument(
            "--scenarios",
            default=",".join(SCENARIOS),
            help=f"scénarios séparés par des virgules, parmi {', '.join(SCENARIOS)} (le plancher passe toujours)",
        )
        parser.add_argument("--workers", type=int, default=WORKERS_PAR_DEFAUT, help="workers gunicorn (3)")
        parser.add_argument("--graine", type=int, default=2026, help="graine des tirages (carnets, communes)")
        parser.add_argument("--sortie", default=str(Path(settings.BASE_DIR) / "artefacts" / "bench"))

    def handle(self, *args, **options):
        demandes = [nom.strip() for nom in options["scenarios"].split(",") if nom.strip()]
        inconnus = sorted(set(demandes) - set(SCENARIOS))
        if inconnus:
            raise CommandError(f"Scénarios inconnus : {', '.join(inconnus)} (connus : {', '.join(SCENARIOS)}).")
        if min(options["duree"], options["duree_saturation"], options["utilisateurs"], options["workers"]) < 1:
            raise CommandError("--duree, --duree-saturation, --utilisateurs et --workers sont des entiers positifs.")
        try:
            reflexion = passage.lire_reflexion(options["reflexion"])
        except ValueError as erreur:
            raise CommandError(f"--reflexion : {erreur}.") from None
        regimes = (Regime(options["duree"], reflexion), Regime(options["duree_saturation"]))
        if connection.vendor != "postgresql":
            raise CommandError("La mesure de charge tourne sur PostgreSQL : définissez DATABASE_URL.")
        if not settings.REDIS_URL:
            raise CommandError(
                "La mesure de charge tourne avec Redis (cache), comme en production : définissez REDIS_URL."
            )
        scenarios = ["plancher", *[nom for nom in SCENARIOS if nom in demandes and nom != "plancher"]]
        comptes = _comptes()
        plans = {nom: PLANS[nom](comptes, random.Random(options["graine"])) for nom in scenarios}
        profils = max(len(plan["profils"]) for plan in plans.values())
        if options["utilisateurs"] < profils:
            # locust répartit les utilisateurs entre les profils : avec moins d'utilisateurs, un profil n'aurait rien.
            raise CommandError(f"--utilisateurs doit valoir au moins {profils} (un par profil d'un scénario).")

        sortie = Path(options["sortie"])
        sortie.mkdir(parents=True, exist_ok=True)
        horodatage = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        journal_serveur = sortie / f"charge-{horodatage}-gunicorn.log"
        journal_locust = sortie / f"charge-{horodatage}-locust.log"
        contexte = {
            "date": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "machine": f"{os.cpu_count()} cœurs {platform.machine()}",
            "charge moyenne avant": _charge_moyenne(),
            "gunicorn": f"{options['workers']} workers sync",
            "utilisateurs": options["utilisateurs"],
            "réflexion s": f"{reflexion[0]:g} à {reflexion[1]:g}",
            "durée utilisateurs s": options["duree"],
            "durée saturation s": options["duree_saturation"],
            "personnes": Personne.objects.count(),
            "carnets": Carnet.objects.count(),
            "services": Service.objects.count(),
        }
        if "indicateurs" in scenarios:
            # Comme la tâche beat de chaque heure ouvrée (precalculer_indicateurs) : la vue par défaut de chaque
            # territoire suivi est en cache avant que les pilotes n'arrivent.
            debut = time.perf_counter()
            territoires = indicateurs_en_cache.precalculer()
            contexte["indicateurs précalculés"] = f"{', '.join(territoires)} en {time.perf_counter() - debut:.1f} s"
        resultats = []
        with (
            gunicorn(workers=options["workers"], journal=journal_serveur) as (adresse, maitre),
            EchantillonneurMemoire(maitre.pid) as memoire,
        ):
            for nom in scenarios:
                for regime in regimes:
                    self.stdout.write(
                        f"Scénario {nom}, régime {regime.nom} : {regime.duree_s} s, "
                        f"{options['utilisateurs']} utilisateurs…"
                    )
                    resultats.append(
                        _passer(nom, plans[nom], regime, comptes, options, adresse=adresse, journal=journal_locust)
                    )
        contexte["charge moyenne après"] = _charge_moyenne()

        markdown = rapport.en_markdown(resultats, contexte, memoire.maximum_mo)
        donnees = rapport.en_json(resultats, contexte, memoire.maximum_mo)
        (sortie / f"charge-{horodatage}.md").write_text(markdown, encoding="utf-8")
        (sortie / f"charge-{horodatage}.json").write_text(
            json.dumps(donnees, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        self.stdout.write(markdown)
        self.stdout.write(f"Écrit : {sortie / f'charge-{horodatage}.md'} et .json ; journaux : {journal_serveur}")
        if donnees["depassements"]:
            self.stdout.write(self.style.WARNING(f"{len(donnees['depassements'])} budget(s) dépassé(s)."))


def _passer(nom, plan, regime, comptes, options, *, adresse, journal) -> rapport.ResultatScenario:
    """Un scénario dans un régime : ses sessions (une par utilisateur simulé et par profil, neuves), puis locust."""
    ouvertes = []
    profils = []
    try:
        for profil in plan["profils"]:
            utilisateur = comptes[profil["compte"]]
            cles = [sessions.ouvrir_session(utilisateur) for _ in range(options["utilisateurs"])]
            ouvertes += cles
            profils.append({cle: valeur for cle, valeur in profil.items() if cle != "compte"} | {"sessions": cles})
        mesures = passage.lancer_locust(
            {**plan, "profils": profils, "cookie_session": settings.SESSION_COOKIE_NAME},
            regime,
            adresse=adresse,
            utilisateurs=options["utilisateurs"],
            journal=journal,
        )
    finally:
        sessions.fermer_sessions(ouvertes)
    return rapport.resultat(
        nom, regime.nom, mesures.duree_s, mesures.par_requete, plan["categories"], mesures.exemples_d_erreurs
    )


def _comptes() -> dict[str, Utilisateur]:
    trouves = {u.email: u for u in Utilisateur.objects.filter(email__in=COMPTES.values())}
    manquants = [email for email in COMPTES.values() if email not in trouves]
    if manquants:
        raise CommandError(
            f"Comptes de mesure absents : {', '.join(manquants)}. Remplissez la base avec "
            "`manage.py generer_donnees_bench --personnes N` (après migrate)."
        )
    return {role: trouves[email] for role, email in COMPTES.items()}


def _charge_moyenne() -> str:
    try:
        return ", ".join(f"{valeur:.2f}" for valeur in os.getloadavg())
    except OSError:
        return "inconnue"


def _carnets_du_referent(referent) -> list[str]:
    carnets = (
        Intervenant.objects.referents().filter(utilisateur=referent).values_list("carnet__uuid", flat=True).distinct()
    )
    chemins = sorted(reverse("parcours:carnet", args=[uuid]) for uuid in carnets)
    if not chemins:
        raise CommandError(f"{referent.email} n'est référent d'aucun carnet.")
    return chemins


def _page_profonde(utilisateur) -> str:
    """La dernière page de « Carnets de bord » de l'utilisateur : la plus profonde."""
    derniere = max(1, math.ceil(regles.visible_carnets(utilisateur).count() / PAR_PAGE))
    return f"{reverse('parcours:mes_carnets')}?{urlencode({'page': derniere})}"


def _plan(categories: dict[str, str], *profils: dict) -> dict:
    return {"categories": categories, "profils": list(profils)}


def _plan_plancher(comptes, hasard) -> dict:
    chemin = f"/{CHEMIN_PLANCHER}"
    return _plan({"plancher": ""}, {"nom": "referent", "compte": "referent", "requetes": [_get("plancher", [chemin])]})


def _get(nom: str, chemins: list[str]) -> dict:
    return {"nom": nom, "type": "get", "chemins": chemins}


def _plan_carnet(comptes, hasard) -> dict:
    chemins = _carnets_du_referent(comptes["referent"])
    return _plan({"carnet": "carnet"}, {"nom": "referent", "compte": "referent", "requetes": [_get("carnet", chemins)]})


def _plan_mes_carnets(comptes, hasard) -> dict:
    liste = reverse("parcours:mes_carnets")
    profils = []
    categories = {}
    for role in ("referent", "organisation"):
        premiere, profonde = f"mes_carnets {role} : page 1", f"mes_carnets {role} : dernière page"
        categories |= {premiere: "liste", profonde: "liste"}
        requetes = [_get(premiere, [liste]), _get(profonde, [_page_profonde(comptes[role])])]
        profils.append({"nom": role, "compte": role, "requetes": requetes})
    return _plan(categories, *profils)


def _plan_offre(comptes, hasard) -> dict:
    """Des recherches dans 30 km autour de la commune d'un service publié tiré au hasard, filtrées par l'une de ses
    thématiques (le besoin)."""
    services = list(
        Service.objects.publies()
        .exclude(code_insee="")
        .exclude(thematiques=[])
        .order_by("pk")
        .values_list("code_insee", "thematiques")
    )
    if not services:
        raise CommandError("Aucun service publié avec une commune et une thématique : l'offre est vide.")
    chemins = []
    for code_insee, thematiques in hasard.sample(services, min(RECHERCHES_OFFRE, len(services))):
        libelle = communes.libelle(code_insee)
        if libelle:
            criteres = {"commune": libelle, "rayon": RAYON_OFFRE_KM, "thematique": hasard.choice(thematiques)}
            chemins.append(f"{reverse('offre:recherche')}?{urlencode(criteres)}")
    return _plan({"offre": "liste"}, {"nom": "referent", "compte": "referent", "requetes": [_get("offre", chemins)]})


def _plan_note(comptes, hasard) -> dict:
    requete = {
        "nom": "note : formulaire",
        "nom_envoi": "note : envoi",
        "type": "note",
        "chemins": _carnets_du_referent(comptes["referent"]),
    }
    return _plan(
        {"note : formulaire": "carnet", "note : envoi": "envoi"},
        {"nom": "referent", "compte": "referent", "requetes": [requete]},
    )


def _plan_indicateurs(comptes, hasard) -> dict:
    territoires = sorted(gouvernance_permissions.departements_du_pilotage(comptes["pilote"]))
    if not territoires:
        raise CommandError(f"{comptes['pilote'].email} ne pilote aucun territoire.")
    chemin = f"{reverse('gouvernance:indicateurs')}?{urlencode({'territoire': territoires[0]})}"
    return _plan(
        {"indicateurs": "indicateurs"},
        {"nom": "pilote", "compte": "pilote", "requetes": [_get("indicateurs", [chemin])]},
    )


def _plan_personne(comptes, hasard) -> dict:
    return _plan(
        {"personne : mon espace": "carnet"},
        {
            "nom": "personne",
            "compte": "personne",
            "requetes": [_get("personne : mon espace", [reverse("parcours:espace_accueil")])],
        },
    )


PLANS = {
    "plancher": _plan_plancher,
    "carnet": _plan_carnet,
    "mes_carnets": _plan_mes_carnets,
    "offre": _plan_offre,
    "note": _plan_note,
    "indicateurs": _plan_indicateurs,
    "personne": _plan_personne,
}
