"""Ce que chaque commande de mesure dit de la machine et de la base (docs/BENCHMARKS.md)."""

import os

from django.db import connection


def coeurs() -> int:
    """Les cœurs dont dispose le processus (l'affinité, pas seulement ceux de la machine)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def base_de_donnees() -> str:
    """Le moteur et sa version, par exemple « PostgreSQL 15.20 (Debian …) »."""
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("SHOW server_version")
            return f"PostgreSQL {curseur.fetchone()[0]}"
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    return connection.display_name
