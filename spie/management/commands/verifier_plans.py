from django.core.management.base import CommandError
from django.db import connection, transaction

from spie import plans
from spie.traces import Commande


class Command(Commande):
    help = (
        "Joue les pages des scénarios de charge sur la base remplie par generer_donnees_bench, passe chaque requête "
        "SQL à EXPLAIN et échoue s'il y a un Seq Scan sur une table de plus de --seuil lignes (PostgreSQL ; lancer "
        "ANALYZE avant). Transaction annulée : rien n'est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seuil", type=int, default=plans.SEUIL_LIGNES, help="Lignes (reltuples) d'une grosse table."
        )
        parser.add_argument("--analyze", action="store_true", help="Lance ANALYZE avant de vérifier.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Les plans d'exécution se vérifient sur PostgreSQL seulement.")
        if options["analyze"]:
            with connection.cursor() as curseur:
                curseur.execute("ANALYZE")
        with transaction.atomic():
            pages = plans.pages_du_jeu_de_mesure()
            trouves, examinees = plans.verifier(pages, options["seuil"])
            transaction.set_rollback(True)
        problemes = [trouve for trouve in trouves if not trouve.admis]
        for trouve in problemes:
            self.stdout.write(str(trouve))
        admis = sorted({(trouve.page, trouve.table, trouve.admis) for trouve in trouves if trouve.admis})
        for page, table, raison in admis:
            self.stdout.write(f"Admis : [{page}] Seq Scan sur {table} ({raison}).")
        resume = (
            f"{len(pages)} pages, {examinees} requêtes examinées, {len(problemes)} Seq Scan sur une grosse table "
            f"({len(trouves) - len(problemes)} admis)."
        )
        if problemes:
            raise CommandError(resume)
        self.stdout.write(self.style.SUCCESS(resume))
