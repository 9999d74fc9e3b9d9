"""Mesure de la recherche dans l'offre sur un catalogue national réaliste (20 000 services par défaut).

Les services sont créés autour des centres des communes réelles (tirées selon leur population : les services sont
là où vivent les gens), avec des thématiques, des publics, des types, des zones d'éligibilité et des dates de mise à
jour variés, environ 10 % à distance, quelques sessions et quelques services suspendus. Puis N recherches tirées
avec une graine fixe (commune, rayon de 10, 20 ou 50 km, avec ou sans thématique, public ou texte) passent :

- par le `Client` de test de Django, `GET /offre/recherche/` d'un professionnel connecté (middlewares, second
  facteur, vue, formulaire, moteur, rendu de la page) : le chemin réel d'une requête, hors serveur WSGI et réseau ;
- par le moteur seul : `rechercher(criteres)` et le chargement de la première page de résultats.

Avec `--catalogue-en-place`, rien n'est créé : on mesure le catalogue déjà en base (celui du jeu de données de mesure,
`generer_donnees_bench`).

Tout se passe dans une transaction annulée à la fin : la base reste inchangée (sur PostgreSQL, un `VACUUM` des tables
de l'offre retire d'abord les lignes mortes laissées par les mesures précédentes). Voir docs/BENCHMARKS.md."""

import os
import platform
import random
import secrets
import statistics
import time

import django
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import CommandError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offre import referentiels
from offre.donnees_bench import PUBLICS, creer_catalogue
from offre.models import CritereService, Service, SessionService, Structure
from offre.recherche.moteur import Criteres, rechercher
from offre.recherche.views import PAR_PAGE
from partenaires import services as partenaires_services
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Organisation, Utilisateur
from partenaires.referentiels import communes
from partenaires.validators import somme_luhn
from spie.mesures import base_de_donnees as _base
from spie.mesures import coeurs as _coeurs
from spie.traces import Commande

BUDGET_MS = 150  # p95 de la requête HTTP complète
RAYONS = (10, 20, 50)
TEXTES = ["permis", "cv", "logement", "numerique", "garde enfants", "francais", "sante mentale", "velo", "creche"]


class Command(Commande):
    help = (
        "Mesure la recherche dans l'offre sur un catalogue réaliste (20 000 services par défaut) : requête HTTP "
        "complète d'un professionnel et moteur seul. Ne modifie pas la base (transaction annulée)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--services", dest="nombre", type=int, default=20_000, help="Services créés (défaut : 20 000)."
        )
        parser.add_argument("--recherches", type=int, default=300, help="Recherches mesurées (défaut : 300).")
        parser.add_argument(
            "--catalogue-en-place",
            action="store_true",
            help="Mesure le catalogue déjà en base (jeu de données de mesure) sans créer de services.",
        )
        parser.add_argument("--graine", type=int, default=2026, help="Graine du tirage (défaut : 2026).")
        parser.add_argument(
            "--expliquer",
            action="store_true",
            help="Affiche le plan d'exécution (EXPLAIN ANALYZE) des requêtes du moteur, sur PostgreSQL.",
        )

    def handle(self, *args, nombre, recherches, graine, expliquer, catalogue_en_place, **options):
        if nombre < 1 or recherches < 1:
            raise CommandError("--services et --recherches valent au moins 1.")
        self.verbosity = options["verbosity"]
        self.stdout.write(
            f"Machine : {_coeurs()} cœurs ({platform.machine()}), Python {platform.python_version()}, "
            f"Django {django.get_version()}, {_base()}, DEBUG={settings.DEBUG}."
        )
        tables = ", ".join(m._meta.db_table for m in (Structure, Service, CritereService, SessionService))
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Les lignes des mesures précédentes, annulées, restent en place jusqu'au passage de l'autovacuum et
            # gonflent les parcours de table : on les retire d'abord, pour des mesures reproductibles.
            with connection.cursor() as curseur:
                curseur.execute(f"VACUUM {tables}")
        charge_avant = os.getloadavg()[0]
        hasard = random.Random(graine)
        with transaction.atomic():
            debut = time.perf_counter()
            if catalogue_en_place:
                nombre = Service.objects.count()
                if not nombre:
                    raise CommandError("Aucun service en base : sans --catalogue-en-place, la commande en crée.")
                catalogue = f"{Structure.objects.count()} structures, {nombre} services"
                self.stdout.write(
                    f"Catalogue en place : {catalogue} ; {CritereService.objects.count()} lignes d'index."
                )
            else:
                catalogue = creer_catalogue(nombre, hasard)
                self.stdout.write(
                    f"Catalogue créé en {time.perf_counter() - debut:.1f} s : {catalogue} ; "
                    f"{CritereService.objects.count()} lignes d'index."
                )
            if connection.vendor == "postgresql":
                with connection.cursor() as curseur:  # les statistiques du planificateur, comme en production
                    curseur.execute(f"ANALYZE {tables}")
            tirages = tirer_recherches(recherches, hasard)
            client = Client()
            client.force_login(_professionnel())
            url = reverse("offre:recherche")
            for parametres, criteres in tirages[: min(20, len(tirages))]:  # échauffement
                client.get(url, parametres)
                _moteur(criteres)
            mesures = [self._mesurer(client, url, parametres, criteres) for parametres, criteres in tirages]
            self._afficher(mesures)
            if expliquer:
                self._expliquer()
            transaction.set_rollback(True)
        self.stdout.write(
            f"Charge moyenne sur 1 min : {charge_avant:.2f} avant, {os.getloadavg()[0]:.2f} après "
            f"(au-delà de {_coeurs()}, d'autres processus se disputent les cœurs et gonflent les chiffres)."
        )
        http = _centiles([mesure["http"] for mesure in mesures])
        tenu = "tenu" if http[95] < BUDGET_MS else "DÉPASSÉ"
        self.stdout.write(
            self.style.SUCCESS(
                f"Recherche dans l'offre sur {_base()} ({nombre} services, {recherches} recherches) : requête HTTP "
                f"médiane {http[50]:.1f} ms, p95 {http[95]:.1f} ms, max {http[100]:.1f} ms. "
                f"Budget de {BUDGET_MS} ms (p95 HTTP) : {tenu}."
            )
        )

    def _mesurer(self, client, url, parametres, criteres) -> dict:
        debut = time.perf_counter_ns()
        with CaptureQueriesContext(connection) as requetes_http:
            reponse = client.get(url, parametres)
        http = (time.perf_counter_ns() - debut) / 1e6
        if reponse.status_code != 200 or "La recherche n&#x27;a pas pu être faite".encode() in reponse.content:
            raise CommandError(f"{parametres} : réponse {reponse.status_code}, ou formulaire refusé.")
        debut = time.perf_counter_ns()
        with CaptureQueriesContext(connection) as requetes_moteur:
            resultats = _moteur(criteres)
        moteur = (time.perf_counter_ns() - debut) / 1e6
        if self.verbosity >= 2:
            self.stdout.write(
                f"  {http:7.1f} ms HTTP {moteur:7.1f} ms moteur {len(resultats.sur_place):5} proches "
                f"{len(resultats.a_distance):5} à distance  {parametres}"
            )
        return {
            "http": http,
            "moteur": moteur,
            "requetes_http": len(requetes_http),
            "requetes_moteur": len(requetes_moteur),
            "sur_place": len(resultats.sur_place),
            "a_distance": len(resultats.a_distance),
            "rayon": criteres.rayon_km,
            "thematique": bool(criteres.thematiques),
            "texte": bool(criteres.texte),
        }

    def _afficher(self, mesures):
        def ligne(titre, choisies):
            if not choisies:
                return
            http = _centiles([m["http"] for m in choisies])
            moteur = _centiles([m["moteur"] for m in choisies])
            proches = statistics.median(m["sur_place"] for m in choisies)
            self.stdout.write(
                f"  {titre:<26} {len(choisies):4}  HTTP {http[50]:6.1f} / {http[95]:6.1f} / {http[100]:6.1f}   "
                f"moteur {moteur[50]:6.1f} / {moteur[95]:6.1f} / {moteur[100]:6.1f}   "
                f"proches (médiane) {proches:6.0f}, max {max(m['sur_place'] for m in choisies):5}"
            )

        self.stdout.write("Durées en ms (médiane / p95 / max) :")
        ligne("toutes les recherches", mesures)
        for rayon in RAYONS:
            ligne(f"rayon {rayon} km", [m for m in mesures if m["rayon"] == rayon])
        ligne("avec thématique", [m for m in mesures if m["thematique"]])
        ligne("sans thématique", [m for m in mesures if not m["thematique"]])
        ligne("avec texte", [m for m in mesures if m["texte"]])
        requetes_http = {m["requetes_http"] for m in mesures}
        requetes_moteur = {m["requetes_moteur"] for m in mesures}
        self.stdout.write(
            f"Requêtes SQL par recherche : {_etendue(requetes_http)} pour la requête HTTP, "
            f"{_etendue(requetes_moteur)} pour le moteur (la page vide n'a rien à charger)."
        )
        self.stdout.write(
            f"Résultats par recherche : en présentiel, médiane {statistics.median(m['sur_place'] for m in mesures):.0f}"
            f" et max {max(m['sur_place'] for m in mesures)} ; à distance, médiane "
            f"{statistics.median(m['a_distance'] for m in mesures):.0f} et max {max(m['a_distance'] for m in mesures)}."
        )

    def _expliquer(self):
        if connection.vendor != "postgresql":
            self.stdout.write("EXPLAIN ANALYZE : seulement sur PostgreSQL.")
            return
        # La recherche la plus chargée (50 km, sans thématique) et une recherche ordinaire (20 km, une thématique).
        exemples = [
            Criteres(code_commune="69123", rayon_km=50),
            Criteres(code_commune="40192", rayon_km=20, thematiques=("mobilite",), publics=("jeunes",)),
        ]
        for criteres in exemples:
            with CaptureQueriesContext(connection) as capture:
                rechercher(criteres)
            # Les deux requêtes du moteur : les candidats en présentiel (boîte englobante), les services à distance.
            for titre, requete in zip(
                ("candidats en présentiel", "services à distance"),
                [q["sql"] for q in capture.captured_queries],
                strict=True,
            ):
                with connection.cursor() as curseur:
                    curseur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {requete}")
                    plan = [ligne[0] for ligne in curseur.fetchall()]
                self.stdout.write(f"\nPlan de la requête des {titre} pour {criteres} :\n  {requete}")
                for ligne in plan:
                    self.stdout.write(f"  {ligne}")


def tirer_recherches(nombre: int, hasard: random.Random) -> list[tuple[dict, Criteres]]:
    """Des recherches de référents : la commune d'une personne (selon la population), un rayon, souvent un
    besoin, parfois un public ou des mots-clés. Rend les paramètres GET et les critères qu'ils donnent."""
    lignes = [ligne for ligne in communes().values() if ligne["latitude"] and ligne["population"].isdigit()]
    poids = [int(ligne["population"]) + 1 for ligne in lignes]
    categories, thematiques = list(referentiels.categories()), list(referentiels.thematiques())
    tirages = []
    for ligne in hasard.choices(lignes, weights=poids, k=nombre):
        parametres = {"commune": ligne["code_insee"], "rayon": str(hasard.choice(RAYONS))}
        tirage = hasard.random()
        if tirage < 0.35:
            parametres["thematique"] = hasard.choice(categories)
        elif tirage < 0.6:
            parametres["thematique"] = hasard.choice(thematiques)
        if hasard.random() < 0.2:
            parametres["public"] = hasard.choice(PUBLICS)
        if hasard.random() < 0.25:
            parametres["texte"] = hasard.choice(TEXTES)
        criteres = Criteres(
            thematiques=(parametres["thematique"],) if "thematique" in parametres else (),
            publics=(parametres["public"],) if "public" in parametres else (),
            texte=parametres.get("texte", ""),
            code_commune=ligne["code_insee"],
            rayon_km=int(parametres["rayon"]),
        )
        tirages.append((parametres, criteres))
    return tirages


def _moteur(criteres):
    """Le moteur comme la vue l'appelle : la recherche, puis la première page de résultats chargée."""
    resultats = rechercher(criteres)
    for resultat in Paginator(resultats, PAR_PAGE).get_page(1):
        resultat.service.structure  # noqa: B018 (déjà chargée : aucune requête)
    return resultats


def _professionnel() -> Utilisateur:
    """Un professionnel d'une organisation active, avec son application d'authentification (TOTP)."""
    organisation = partenaires_services.enregistrer_organisation(
        acteur=None,
        nom="Organisation de mesure",
        type=TypeOrganisation.DEPARTEMENT,
        siret=_siret_libre(),
        adresse="1 rue de la Mesure",
        code_postal="40000",
        commune="Mont-de-Marsan",
        departement="40",
    )
    utilisateur = Utilisateur.objects.create_user(f"mesure-{secrets.token_hex(6)}@mesure.invalid")
    partenaires_services.ajouter_membre(utilisateur, organisation, role=Role.PROFESSIONNEL, acteur=None)
    TOTP.activate(utilisateur, generate_totp_secret())
    return utilisateur


def _siret_libre() -> str:
    """Un SIRET valide (clé de Luhn) qu'aucune organisation n'utilise."""
    while True:
        base = f"9{secrets.randbelow(10**12):012d}"
        siret = next(base + str(cle) for cle in range(10) if somme_luhn(base + str(cle)) % 10 == 0)
        if not Organisation.objects.filter(siret=siret).exists():
            return siret


def _centiles(valeurs: list[float]) -> dict[int, float]:
    if len(valeurs) < 2:
        return dict.fromkeys((50, 95, 100), valeurs[0])
    coupures = statistics.quantiles(valeurs, n=100, method="inclusive")
    return {50: statistics.median(valeurs), 95: coupures[94], 100: max(valeurs)}


def _etendue(valeurs: set[int]) -> str:
    return str(min(valeurs)) if len(valeurs) == 1 else f"{min(valeurs)} à {max(valeurs)}"
