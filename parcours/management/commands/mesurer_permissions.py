"""Mesure du queryset des carnets visibles (`regles.visible_carnets_et_leurs_cles`, bâti sur la façade
`partenaires.permissions`) tel que la liste « Mes carnets » l'exécute, pour un professionnel membre de 1, 2 puis 3
organisations : celles avec qui le plus de carnets sont partagés (le pire cas de la base). Pour chacune : le nombre
de carnets visibles (le comptage de la liste, seul), la première page (au premier passage, référents du filtre lus,
puis au retour sur la liste, référents en cache), la page du milieu et la dernière page (requête HTTP complète par
le `Client` de test, puis les requêtes SQL de comptage, de page et de référents qu'elle a émises, rejouées seules),
p50/p95/max et nombre de requêtes.
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

from parcours import liste_carnets
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
            comptage = _centiles(resultat["comptage"])
            pages = {titre: _centiles(durees) for titre, durees in resultat["pages"].items()}
            tenu = max(centiles[95] for centiles in pages.values()) < BUDGET_MS
            par_page = " ; ".join(
                f"{titre} HTTP p50 {centiles[50]:.1f} ms, p95 {centiles[95]:.1f} ms"
                for titre, centiles in pages.items()
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{nombre} organisation(s) : {resultat['visibles']} carnets visibles ; "
                    f"comptage p50 {comptage[50]:.1f} ms ; {par_page} ; {resultat['requetes']} requêtes par page au "
                    f"plus. Budget de {BUDGET_MS} ms (p95 HTTP de chaque page) : {'tenu' if tenu else 'DÉPASSÉ'}."
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
        _, cles = regles.visible_carnets_et_leurs_cles(utilisateur)
        nombre_visibles = liste_carnets.compter_les_visibles(cles)
        derniere = max(1, math.ceil(nombre_visibles / PAR_PAGE))
        milieu = max(
            1, derniere // 2
        )  # la dernière de la première moitié : celle que l'on lit avec le plus long OFFSET
        client = Client()
        client.force_login(utilisateur)
        url = reverse("parcours:mes_carnets")

        def page(numero, referents_en_cache=True):
            if not referents_en_cache:
                liste_carnets.oublier_referents_du_filtre(utilisateur, cles)
            reponse = client.get(url, {"page": numero})
            if reponse.status_code != 200:
                raise CommandError(f"Page {numero} de la liste : réponse {reponse.status_code} au lieu de 200.")

        pages = {
            "première page, premier passage": lambda: page(1, referents_en_cache=False),
            "première page, retour sur la liste": lambda: page(1),
            f"page {milieu} (milieu)": lambda: page(milieu),
            f"page {derniere} (dernière)": lambda: page(derniere),
        }
        page(1)  # échauffement : gabarits compilés, pages des tables en mémoire partagée
        comptage = self._chronometrer(lambda: liste_carnets.compter_les_visibles(cles), repetitions)
        self._afficher(f"Comptage de la liste seul ({nombre_visibles} carnets)", comptage)
        durees, requetes = {}, {}
        for titre, appel in pages.items():
            durees[titre] = self._chronometrer(appel, repetitions)
            requetes[titre] = self._requetes(appel)
            self._afficher(f"Liste, {titre} (HTTP complet)", durees[titre])
        for titre in pages:
            for nature, sql in _requetes_de_la_liste(requetes[titre]).items():
                self._afficher(f"SQL seul, {nature}, {titre}", self._chronometrer(lambda s=sql: _executer(s), 5))
                if self.expliquer:
                    self._expliquer(f"{nature}, {titre}", sql)
        self.stdout.write(
            "  Requêtes SQL par appel HTTP : " + ", ".join(f"{len(requetes[titre])} ({titre})" for titre in pages) + "."
        )
        return {
            "visibles": nombre_visibles,
            "comptage": comptage,
            "pages": durees,
            "requetes": max(len(capturees) for capturees in requetes.values()),
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
