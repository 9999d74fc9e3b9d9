"""Mesure du queryset des carnets visibles (`regles.visible_carnets`, bâti sur `permissions.partages_avec`) tel que
la liste « Mes carnets » l'exécute, pour un professionnel membre de 1, 2 puis 3 organisations : celles avec qui le
plus de carnets sont partagés (le pire cas de la base). Pour chacune : le nombre de carnets visibles (la requête
seule), la première page et une page profonde de la liste (requête HTTP complète par le `Client` de test, puis les
requêtes SQL de comptage et de page qu'elle a émises, rejouées seules), p50/p95/max et nombre de requêtes.
Le professionnel et ses appartenances sont créés dans une transaction annulée à la fin : la base reste inchangée.
"""

import math
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
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours import permissions as regles
from parcours.choix import VOIR_CARNET
from parcours.models import Carnet, CarnetPermissionGroupe
from partenaires import services
from partenaires.choix import Role
from partenaires.models import Organisation, Utilisateur
from spie.mesures import base_de_donnees as _base
from spie.mesures import coeurs as _coeurs
from spie.traces import Commande

PAR_PAGE = 25  # celui de `spie.pagination.paginer`, que la liste utilise
BUDGET_MS = 200  # issue 12 : listes et recherche, p95 ≤ 200 ms (requête HTTP, première page et page profonde)


class Command(Commande):
    help = (
        "Mesure le queryset des carnets visibles (liste « Mes carnets ») pour un professionnel membre de 1, 2 et 3 "
        "organisations : comptage, première page, page profonde. Ne modifie pas la base (transaction annulée)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repetitions", type=int, default=10, help="Mesures de chaque requête (défaut : 10).")
        parser.add_argument(
            "--organisations", type=int, default=3, help="Jusqu'à combien d'organisations (défaut : 3)."
        )
        parser.add_argument(
            "--expliquer", action="store_true", help="Plan d'exécution (EXPLAIN ANALYZE) du comptage et des pages."
        )

    def handle(self, *args, repetitions, organisations, expliquer, **options):
        if repetitions < 1 or organisations < 1:
            raise CommandError("--repetitions et --organisations doivent valoir au moins 1.")
        self.expliquer = expliquer
        self.stdout.write(
            f"Machine : {_coeurs()} cœurs ({platform.machine()}), Python {platform.python_version()}, "
            f"Django {django.get_version()}, {_base()}, DEBUG={settings.DEBUG} ; "
            f"{Carnet.objects.count()} carnets, {CarnetPermissionGroupe.objects.count()} permissions de partage."
        )
        charge_avant = os.getloadavg()[0]
        resultats = []
        with transaction.atomic():
            plus_partagees = self._organisations_les_plus_partagees(organisations)
            if not plus_partagees:
                raise CommandError("Aucun carnet n'est partagé avec une organisation active : rien à mesurer.")
            utilisateur = self._professionnel()
            for nombre, (organisation, partages) in enumerate(plus_partagees, start=1):
                services.ajouter_membre(utilisateur, organisation, role=Role.PROFESSIONNEL, acteur=None)
                self.stdout.write(
                    f"\nMembre de {nombre} organisation(s), + « {organisation.nom} » ({partages} partages)"
                )
                resultats.append((nombre, self._mesurer(utilisateur, repetitions)))
            transaction.set_rollback(True)
        self.stdout.write(
            f"\nCharge moyenne sur 1 min : {charge_avant:.2f} avant, {os.getloadavg()[0]:.2f} après "
            f"(au-delà de {_coeurs()}, d'autres processus se disputent les cœurs et gonflent les chiffres)."
        )
        for nombre, resultat in resultats:
            comptage, premiere, profonde = (
                _centiles(resultat[cle]) for cle in ("comptage", "premiere_http", "profonde_http")
            )
            tenu = max(premiere[95], profonde[95]) < BUDGET_MS
            self.stdout.write(
                self.style.SUCCESS(
                    f"{nombre} organisation(s) : {resultat['visibles']} carnets visibles ; "
                    f"comptage p50 {comptage[50]:.1f} ms ; "
                    f"première page HTTP p50 {premiere[50]:.1f} ms, p95 {premiere[95]:.1f} ms ; "
                    f"page {resultat['page_profonde']} HTTP p50 {profonde[50]:.1f} ms, p95 {profonde[95]:.1f} ms ; "
                    f"{resultat['requetes']} requêtes par page. Budget de {BUDGET_MS} ms (p95 HTTP des deux pages) : "
                    f"{'tenu' if tenu else 'DÉPASSÉ'}."
                )
            )

    # --- Données ------------------------------------------------------------------------------------------------

    def _organisations_les_plus_partagees(self, nombre) -> list[tuple[Organisation, int]]:
        """Les organisations actives avec qui le plus de carnets sont partagés (lecture), en deux requêtes."""
        partages = dict(
            CarnetPermissionGroupe.objects.filter(permission__codename=VOIR_CARNET.split(".")[-1])
            .values("group")
            .annotate(nombre=Count("pk"))
            .values_list("group", "nombre")
        )
        actives = Organisation.objects.filter(is_active=True, groupe_id__in=partages)
        classees = sorted(actives, key=lambda organisation: (-partages[organisation.groupe_id], organisation.pk))
        return [(organisation, partages[organisation.groupe_id]) for organisation in classees[:nombre]]

    def _professionnel(self) -> Utilisateur:
        utilisateur = Utilisateur.objects.create_user(f"mesure-{secrets.token_hex(6)}@mesure.invalid")
        TOTP.activate(utilisateur, generate_totp_secret())
        return utilisateur

    # --- Mesure -------------------------------------------------------------------------------------------------

    def _mesurer(self, utilisateur, repetitions) -> dict:
        visibles = regles.visible_carnets(utilisateur)
        nombre_visibles = visibles.count()
        page_profonde = max(1, math.ceil(nombre_visibles / PAR_PAGE))
        client = Client()
        client.force_login(utilisateur)
        url = reverse("parcours:mes_carnets")

        def page(numero):
            reponse = client.get(url, {"page": numero})
            if reponse.status_code != 200:
                raise CommandError(f"Page {numero} de la liste : réponse {reponse.status_code} au lieu de 200.")

        page(1)  # échauffement : gabarits compilés, pages des tables en mémoire partagée
        comptage = self._chronometrer(lambda: visibles.count(), repetitions)
        premiere_http = self._chronometrer(lambda: page(1), repetitions)
        profonde_http = self._chronometrer(lambda: page(page_profonde), repetitions)
        requetes_premiere = self._requetes(lambda: page(1))
        requetes_profonde = self._requetes(lambda: page(page_profonde))
        self._afficher(f"Comptage seul ({nombre_visibles} carnets)", comptage)
        self._afficher("Liste, première page (HTTP complet)", premiere_http)
        self._afficher(f"Liste, page {page_profonde} (HTTP complet)", profonde_http)
        for titre, requetes in (("première page", requetes_premiere), (f"page {page_profonde}", requetes_profonde)):
            for nature, sql in _requetes_de_la_liste(requetes).items():
                self._afficher(f"SQL seul, {nature} de la {titre}", self._chronometrer(lambda s=sql: _executer(s), 5))
                if self.expliquer:
                    self._expliquer(f"{nature} de la {titre}", sql)
        self.stdout.write(
            f"  Requêtes SQL par appel HTTP : {len(requetes_premiere)} (première page), "
            f"{len(requetes_profonde)} (page {page_profonde})."
        )
        return {
            "visibles": nombre_visibles,
            "page_profonde": page_profonde,
            "comptage": comptage,
            "premiere_http": premiere_http,
            "profonde_http": profonde_http,
            "requetes": max(len(requetes_premiere), len(requetes_profonde)),
        }

    def _chronometrer(self, fonction, repetitions) -> list[float]:
        durees = []
        for _ in range(repetitions):
            debut = time.perf_counter_ns()
            fonction()
            durees.append((time.perf_counter_ns() - debut) / 1e6)
        return durees

    def _requetes(self, fonction) -> list[str]:
        with CaptureQueriesContext(connection) as capture:
            fonction()
        return [requete["sql"] for requete in capture.captured_queries]

    def _afficher(self, titre, durees):
        centiles = _centiles(durees)
        self.stdout.write(
            f"  {titre}, {len(durees)} mesures : p50 {centiles[50]:.1f} ms, p95 {centiles[95]:.1f} ms, "
            f"max {max(durees):.1f} ms."
        )

    def _expliquer(self, titre, sql):
        if connection.vendor != "postgresql":
            self.stdout.write("  EXPLAIN ANALYZE : seulement sur PostgreSQL.")
            return
        with connection.cursor() as curseur:
            curseur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = [ligne[0] for ligne in curseur.fetchall()]
        self.stdout.write(f"  Plan du {titre} :")
        for ligne in plan:
            self.stdout.write(f"    {ligne}")


def _requetes_de_la_liste(requetes: list[str]) -> dict[str, str]:
    """Parmi les requêtes d'une page de la liste, celles qui parcourent les carnets visibles : le comptage du
    paginateur (sur la table des carnets, ou sur celle de leurs partages quand la liste n'est pas filtrée), la page
    elle-même (LIMIT) et la liste des référents du filtre (page entière)."""
    carnets = f'FROM "{Carnet._meta.db_table}"'
    partages = f'FROM "{CarnetPermissionGroupe._meta.db_table}"'
    referents = f'FROM "{Utilisateur._meta.db_table}"'
    trouvees = {}
    for sql in requetes:
        if sql.startswith("SELECT COUNT(*)") and (carnets in sql or partages in sql):
            trouvees.setdefault("comptage", sql)
        elif carnets in sql and " LIMIT " in sql:
            trouvees.setdefault("page", sql)
        elif sql.startswith("SELECT") and referents in sql and partages in sql:
            trouvees.setdefault("référents", sql)
    return trouvees


def _executer(sql):
    with connection.cursor() as curseur:
        curseur.execute(sql)
        curseur.fetchall()


def _centiles(valeurs: list[float]) -> dict[int, float]:
    if len(valeurs) == 1:
        return {50: valeurs[0], 95: valeurs[0]}
    coupures = statistics.quantiles(valeurs, n=100, method="inclusive")
    return {50: coupures[49], 95: coupures[94]}
