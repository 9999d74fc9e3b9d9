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
        for trouve in trouves:
            self.stdout.write(str(trouve))
        resume = f"{len(pages)} pages, {examinees} requêtes examinées, {len(trouves)} Seq Scan sur une grosse table."
        if trouves:
            raise CommandError(resume)
        self.stdout.write(self.style.SUCCESS(resume))
