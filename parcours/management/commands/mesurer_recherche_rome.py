"""Mesure de la recherche de métiers (ROME) telle qu'un professionnel la reçoit.

Chaque saisie passe par le `Client` de test de Django : toute la pile des middlewares (session, authentification,
connexion obligatoire, organisation courante, second facteur), la résolution d'URL, la vue `parcours:rome` et le
rendu du fragment. La même saisie est aussi chronométrée sur `rechercher_appellations` seule (la partie SQL).
Le professionnel mesuré est créé dans une transaction annulée à la fin : la base reste inchangée.
"""

import os
import platform
import secrets
import statistics
import time

import django
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.diagnostic.views import rechercher_appellations
from parcours.models import AppellationRome
from partenaires import services
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Organisation, Utilisateur
from partenaires.validators import somme_luhn
from spie.mesures import base_de_donnees as _base
from spie.mesures import coeurs as _coeurs
from spie.traces import Commande

# Des saisies réalistes de conseillers : 1 à 3 mots, avec et sans accents, au féminin, des codes ROME.
SAISIES = [
    "aide soignante",
    "aide-soignant",
    "boulanger",
    "cariste",
    "électricien bâtiment",
    "electricien batiment",
    "agent d'entretien",
    "auxiliaire de vie",
    "vendeur",
    "maçon",
    "macon",
    "chauffeur poids lourd",
    "assistante maternelle",
    "F1602",
    "J1501",
    "serveur",
    "cuisinier",
    "plombier",
    "peintre en bâtiment",
    "secrétaire",
    "comptable",
    "agent de sécurité",
    "magasinier",
    "préparateur de commandes",
    "caissière",
    "coiffeuse",
    "infirmier",
    "jardinier paysagiste",
    "mécanicien automobile",
    "agent de propreté",
    "manutentionnaire",
    "développeur informatique",
]

# Les saisies dont on affiche le plan d'exécution avec --expliquer : un mot court, deux mots, trois mots, un code.
SAISIES_EXPLIQUEES = ["vendeur", "aide soignante", "chauffeur poids lourd", "F1602"]

BUDGET_MS = 100


class Command(Commande):
    help = (
        "Mesure la recherche de métiers ROME : requête HTTP complète d'un professionnel connecté (second facteur "
        "compris) et requête SQL seule, sur une liste fixe de saisies. Ne modifie pas la base (transaction annulée)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repetitions", type=int, default=20, help="Nombre de passages sur la liste des saisies (défaut : 20)."
        )
        parser.add_argument(
            "--expliquer",
            action="store_true",
            help="Affiche le plan d'exécution (EXPLAIN ANALYZE) de quelques saisies, sur PostgreSQL.",
        )

    def handle(self, *args, repetitions, expliquer, **options):
        if repetitions < 1:
            raise CommandError("--repetitions doit valoir au moins 1.")
        self.verbosity = options["verbosity"]
        self._afficher_machine()
        charge_avant = os.getloadavg()[0]
        with transaction.atomic():
            client = Client()
            client.force_login(self._professionnel())
            url = reverse("parcours:rome")

            def par_http(saisie):
                reponse = client.get(url, {"metier": saisie})
                if reponse.status_code != 200:
                    raise CommandError(f"« {saisie} » : réponse {reponse.status_code} au lieu de 200.")

            # Échauffement : gabarits compilés, résolveur d'URL chargé, pages de la table en mémoire partagée.
            for saisie in SAISIES:
                par_http(saisie)
                rechercher_appellations(saisie)

            http = self._chronometrer(par_http, repetitions)
            sql = self._chronometrer(rechercher_appellations, repetitions)
            requetes = self._compter_requetes(par_http)

            self._afficher("Requête HTTP complète (Client de test, middlewares, vue, gabarit)", http)
            self._afficher("rechercher_appellations seule (SQL + construction des objets)", sql)
            self.stdout.write(
                f"Requêtes SQL par appel HTTP : {min(requetes.values())} à {max(requetes.values())} "
                f"(sur {len(SAISIES)} saisies)."
            )
            if self.verbosity >= 2:
                self._afficher_detail(http, sql)
            if expliquer:
                self._expliquer()
            transaction.set_rollback(True)

        self.stdout.write(
            f"Charge moyenne sur 1 min : {charge_avant:.2f} avant, {os.getloadavg()[0]:.2f} après "
            f"(au-delà de {_coeurs()}, d'autres processus se disputent les cœurs et gonflent les chiffres)."
        )
        p99 = _centiles(_toutes(http))[99]
        tenu = "tenu" if p99 < BUDGET_MS else "DÉPASSÉ"
        self.stdout.write(
            self.style.SUCCESS(
                f"Recherche ROME sur {_base()} ({self._nombre_appellations()} appellations, "
                f"{_coeurs()} cœurs) : requête HTTP p50 {_centiles(_toutes(http))[50]:.1f} ms, p99 {p99:.1f} ms ; "
                f"SQL seul p50 {_centiles(_toutes(sql))[50]:.1f} ms, p99 {_centiles(_toutes(sql))[99]:.1f} ms ; "
                f"{max(requetes.values())} requêtes SQL par appel. Budget de {BUDGET_MS} ms (p99 HTTP) : {tenu}."
            )
        )

    def _professionnel(self) -> Utilisateur:
        """Un professionnel d'une organisation active, avec son application d'authentification (TOTP)."""
        organisation = services.enregistrer_organisation(
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
        services.ajouter_membre(utilisateur, organisation, role=Role.PROFESSIONNEL, acteur=None)
        TOTP.activate(utilisateur, generate_totp_secret())
        return utilisateur

    def _chronometrer(self, fonction, repetitions) -> dict[str, list[float]]:
        """Les durées en millisecondes, par saisie ; les saisies alternent à chaque passage."""
        durees = {saisie: [] for saisie in SAISIES}
        for _ in range(repetitions):
            for saisie in SAISIES:
                debut = time.perf_counter_ns()
                fonction(saisie)
                durees[saisie].append((time.perf_counter_ns() - debut) / 1e6)
        return durees

    def _compter_requetes(self, par_http) -> dict[str, int]:
        requetes = {}
        for saisie in SAISIES:
            with CaptureQueriesContext(connection) as capture:
                par_http(saisie)
            requetes[saisie] = len(capture.captured_queries)
            if self.verbosity >= 3:
                self.stdout.write(f"SQL pour « {saisie} » :")
                for requete in capture.captured_queries:
                    self.stdout.write(f"  {requete['sql']}")
        return requetes

    def _expliquer(self):
        if connection.vendor != "postgresql":
            self.stdout.write("EXPLAIN ANALYZE : seulement sur PostgreSQL.")
            return
        for saisie in SAISIES_EXPLIQUEES:
            with CaptureQueriesContext(connection) as capture:
                rechercher_appellations(saisie)
            requete = capture.captured_queries[-1]["sql"]
            with connection.cursor() as curseur:
                curseur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {requete}")
                plan = [ligne[0] for ligne in curseur.fetchall()]
            self.stdout.write(f"\nPlan pour « {saisie} » :\n  {requete}")
            for ligne in plan:
                self.stdout.write(f"  {ligne}")

    def _afficher_machine(self):
        self.stdout.write(
            f"Machine : {_coeurs()} cœurs ({platform.machine()}), Python {platform.python_version()}, "
            f"Django {django.get_version()}, DEBUG={settings.DEBUG}."
        )
        self.stdout.write(
            f"Base : {_base()} ; {self._nombre_appellations()} appellations ROME "
            f"({AppellationRome.objects.filter(actif=True).count()} actives) ; {len(SAISIES)} saisies."
        )

    def _nombre_appellations(self) -> str:
        return f"{AppellationRome.objects.count():,}".replace(",", " ")

    def _afficher(self, titre, durees):
        centiles = _centiles(_toutes(durees))
        self.stdout.write(
            f"{titre}, {len(_toutes(durees))} mesures : p50 {centiles[50]:.2f} ms, p95 {centiles[95]:.2f} ms, "
            f"p99 {centiles[99]:.2f} ms, max {max(_toutes(durees)):.2f} ms."
        )

    def _afficher_detail(self, http, sql):
        self.stdout.write("Médiane par saisie (HTTP / SQL seul, ms) :")
        for saisie in sorted(SAISIES, key=lambda s: -statistics.median(http[s])):
            self.stdout.write(
                f"  {saisie:<28} {statistics.median(http[saisie]):7.2f} {statistics.median(sql[saisie]):7.2f}"
                f"  ({len(rechercher_appellations(saisie))} résultats)"
            )


def _toutes(durees: dict[str, list[float]]) -> list[float]:
    return [duree for liste in durees.values() for duree in liste]


def _centiles(valeurs: list[float]) -> dict[int, float]:
    coupures = statistics.quantiles(valeurs, n=100, method="inclusive")
    return {50: coupures[49], 95: coupures[94], 99: coupures[98]}


def _siret_libre() -> str:
    """Un SIRET valide (clé de Luhn) qu'aucune organisation n'utilise."""
    while True:
        base = f"9{secrets.randbelow(10**12):012d}"
        siret = next(base + str(cle) for cle in range(10) if somme_luhn(base + str(cle)) % 10 == 0)
        if not Organisation.objects.filter(siret=siret).exists():
            return siret
