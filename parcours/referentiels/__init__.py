"""Chargement des référentiels du plan d'action (voir README.md à côté). Idempotent, par code stable."""

import csv
from pathlib import Path

from django.apps import apps as apps_courantes

DOSSIER = Path(__file__).resolve().parent


def lire(nom: str) -> list[dict]:
    with open(DOSSIER / f"{nom}.csv", encoding="utf-8") as fichier:
        return list(csv.DictReader(fichier))


def charger(apps=apps_courantes) -> dict[str, int]:
    Theme = apps.get_model("parcours", "Theme")
    ObjectifReferentiel = apps.get_model("parcours", "ObjectifReferentiel")
    ActionReferentiel = apps.get_model("parcours", "ActionReferentiel")
    themes = {}
    for ligne in lire("themes"):
        themes[ligne["code"]], _ = Theme.objects.update_or_create(
            code=ligne["code"], defaults={"libelle": ligne["libelle"], "axe": ligne["axe"]}
        )
    comptes = {"themes": len(themes)}
    for modele, nom in [(ObjectifReferentiel, "objectifs"), (ActionReferentiel, "actions")]:
        lignes = lire(nom)
        for ligne in lignes:
            modele.objects.update_or_create(
                code=ligne["code"],
                defaults={"theme": themes[ligne["theme"]], "libelle": ligne["libelle"], "actif": True},
            )
        modele.objects.exclude(code__in=[ligne["code"] for ligne in lignes]).update(actif=False)
        comptes[nom] = len(lignes)
    return comptes
