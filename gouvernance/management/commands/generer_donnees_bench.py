"""Remplit une base VIDE (après `migrate`) avec le jeu de données de mesure commun aux aides (issue 12) : 5 territoires
(5 départements réels, le territoire 1 reçoit N/4 personnes), 100 organisations, 2 000 professionnels, N personnes et
leurs carnets (groupe de suivi de 1 à 4 intervenants de plusieurs organisations, partages par organisation, statuts,
diagnostics, plans d'action, rendez-vous, notes, orientations, environ 10 à 15 événements par carnet), le catalogue de
l'offre (20 000 services, min(20 000, N/10) si N < 200 000) et la gouvernance (consortiums, comités, séances).

Comptes garantis (sans mot de passe utilisable ; les professionnels ont une application TOTP) :
- bench.referent@spie.test : référent (Département 1) d'exactement 300 carnets — min(300, carnets du territoire 1)
  si N est petit (le territoire 1 a N/4 carnets : il faut N ≥ 1 200 pour 300) ;
- bench.organisation@spie.test : France Travail — territoire 1, qui partage min(20 000, N/10) carnets ; référent
  d'aucun carnet, intervenant d'aucun ;
- bench.pilote@spie.test : pilote du territoire 1 ;
- bench.personne@spie.test : compte de personne, avec son carnet (diagnostic validé, plan, événements).

Déterministe : même graine, mêmes identifiants métier (adresses e-mail, SIRET, noms, identifiants au Département,
UUID des organisations, comptes, personnes et carnets). Écrit en masse (COPY sur PostgreSQL), puis VACUUM ANALYZE.
Affiche le temps de chaque étape et le nombre de lignes de chaque table."""

import random
import time

from django.apps import apps
from django.core.management.base import CommandError
from django.db import connection, transaction

from gouvernance import donnees_bench as gouvernance
from offre import donnees_bench as offre
from offre.models import Service
from parcours import donnees_bench as parcours
from parcours.models import Personne
from partenaires import donnees_bench as partenaires
from spie.traces import Commande

SERVICES = 20_000
PART_SERVICES = 10  # min(20 000, N/10) services si N < 200 000
MINIMUM = 100
# Les étapes du parcours traitent les carnets par tranches : la mémoire reste bornée (un million de personnes).
TRANCHE = 50_000


class Command(Commande):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--personnes", type=int, default=200_000, help="Personnes (et carnets) ; défaut 200 000.")
        parser.add_argument("--graine", type=int, default=2026, help="Graine du hasard (défaut : 2026).")

    def handle(self, *args, personnes, graine, **options):
        if personnes < MINIMUM:
            raise CommandError(f"--personnes : {MINIMUM} au moins (cinq territoires, les comptes du contrat).")
        if Personne.objects.exists():
            raise CommandError(
                "La base contient déjà des personnes accompagnées : ce jeu de données se charge sur une base vide, "
                "juste après « manage.py migrate » (recréez la base)."
            )
        hasard = random.Random(graine)
        self.etapes = []
        debut = time.perf_counter()
        with transaction.atomic():
            lignes = self._fabriquer(personnes, hasard)
        if connection.vendor == "postgresql":
            self._etape("VACUUM ANALYZE", lambda: self._analyser())
        self.stdout.write(f"Terminé en {time.perf_counter() - debut:.1f} s ({personnes} personnes, graine {graine}).")
        self.stdout.write("Lignes écrites par l'étape :")
        for nom, nombre in lignes.items():
            self.stdout.write(f"  {nom:<38} {nombre:>10}")
        self.stdout.write("Lignes par table (les plus remplies) :")
        for table, nombre in self._tables():
            self.stdout.write(f"  {table:<50} {nombre:>10}")

    def _etape(self, nom, fabrique):
        debut = time.perf_counter()
        resultat = fabrique()
        duree = time.perf_counter() - debut
        self.etapes.append((nom, duree))
        self.stdout.write(f"  {nom:<38} {duree:7.1f} s")
        return resultat

    def _fabriquer(self, nombre, hasard) -> dict[str, int]:
        lignes = {}
        territoires = partenaires.creer_territoires()
        lignes["organisations"] = self._etape(
            "organisations", lambda: partenaires.creer_organisations(territoires, hasard)
        )
        lignes.update(self._etape("professionnels", lambda: partenaires.creer_professionnels(territoires, hasard)))
        services = min(SERVICES, nombre // PART_SERVICES) if nombre < 200_000 else SERVICES
        lignes["catalogue de l'offre"] = self._etape(
            "offre",
            lambda: offre.creer_catalogue(
                services, hasard, departements=list(partenaires.DEPARTEMENTS), jeton=f"bench{hasard.randrange(10**6)}"
            ),
        )
        repartition = partenaires.personnes_par_territoire(nombre)
        suivis = self._etape(
            "personnes et carnets", lambda: parcours.creer_personnes_et_carnets(territoires, repartition, hasard)
        )
        lignes["carnets"] = len(suivis)
        for nom, fabrique in (
            ("groupes de suivi et partages", parcours.creer_groupes_de_suivi),
            ("statuts", parcours.creer_statuts),
            ("diagnostics", parcours.creer_diagnostics),
            ("plans d'action et contrats", parcours.creer_plans),
            ("rendez-vous et notes", parcours.creer_rendez_vous_et_notes),
            ("orientations", parcours.creer_orientations),
        ):
            lignes.update(self._etape(nom, lambda fabrique=fabrique: _par_tranches(fabrique, suivis, hasard)))
        lignes.update(
            self._etape(
                "orientations vers l'offre et sorties",
                lambda: _par_tranches(parcours.creer_offre_et_sorties, suivis, hasard, self._services()),
            )
        )
        lignes.update(self._etape("gouvernance", lambda: gouvernance.creer_gouvernance(territoires, hasard)))
        self._etape("compte de personne", lambda: parcours.creer_compte_personne(suivis, hasard))
        return lignes

    def _services(self) -> dict[str, list]:
        par_departement = {}
        for service in Service.objects.filter(statut=Service.Statut.PUBLIE).only("pk", "code_insee").order_by("pk"):
            par_departement.setdefault(service.code_insee[:2], []).append(service)
        return par_departement

    def _analyser(self):
        """Statistiques du planificateur et carte de visibilité (les parcours d'index seuls ne relisent pas les
        lignes), comme après le passage de l'autovacuum en production ; dans une transaction (tests), ANALYZE seul."""
        with connection.cursor() as curseur:
            curseur.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")

    def _tables(self) -> list[tuple[str, int]]:
        comptes = []
        with connection.cursor() as curseur:
            for modele in apps.get_models(include_auto_created=True):
                table = modele._meta.db_table
                curseur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                nombre = curseur.fetchone()[0]
                if nombre:
                    comptes.append((table, nombre))
        return sorted(comptes, key=lambda ligne: -ligne[1])


def _par_tranches(fabrique, suivis, hasard, *arguments) -> dict[str, int]:
    """Appelle l'étape sur chaque tranche de carnets et additionne les lignes écrites."""
    lignes = {}
    for debut in range(0, len(suivis), TRANCHE):
        for nom, nombre in fabrique(suivis[debut : debut + TRANCHE], hasard, *arguments).items():
            lignes[nom] = lignes.get(nom, 0) + nombre
    return lignes
