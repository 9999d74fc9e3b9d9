"""Chargement des référentiels du parcours (voir README.md à côté). Idempotent, par code stable.

Plan d'action : thèmes, objectifs, actions. Diagnostic : domaines, situations (et les objectifs qu'elles
suggèrent), appellations ROME. Une entrée retirée du fichier devient inactive, jamais supprimée ; une entrée
ajoutée dans l'administration (source « locale ») ou modifiée dans l'administration (`modifie_localement` :
libellé, activation, liens…) n'est plus touchée par le rechargement.
"""

import csv
from pathlib import Path

from django.apps import apps as apps_courantes

from spie.texte import normaliser_recherche

DOSSIER = Path(__file__).resolve().parent
OUI = {"oui", "1", "true"}


def lire(nom: str) -> list[dict]:
    with open(DOSSIER / f"{nom}.csv", encoding="utf-8") as fichier:
        return list(csv.DictReader(fichier))


def charger_tout(apps=apps_courantes) -> dict[str, int]:
    return {**charger(apps), **charger_diagnostic(apps)}


def charger(apps=apps_courantes) -> dict[str, int]:
    """Le plan d'action (nom gardé : la migration 0005 l'appelle)."""
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


def _synchroniser(modele, source: str, entrees: dict[str, dict]) -> None:
    """Crée ou met à jour en masse les entrées d'une source ; désactive celles qui ont quitté le fichier."""
    existantes = {objet.code: objet for objet in modele.objects.filter(code__in=list(entrees))}
    a_creer, a_modifier, champs = [], [], set()
    for code, valeurs in entrees.items():
        objet = existantes.get(code)
        if objet is None:
            a_creer.append(modele(code=code, source=source, actif=True, **valeurs))
            continue
        if objet.modifie_localement:
            continue
        changes = {cle: valeur for cle, valeur in {**valeurs, "actif": True}.items() if getattr(objet, cle) != valeur}
        if changes:
            for cle, valeur in changes.items():
                setattr(objet, cle, valeur)
            champs.update(changes)
            a_modifier.append(objet)
    modele.objects.bulk_create(a_creer, batch_size=1000)
    if a_modifier:
        modele.objects.bulk_update(a_modifier, sorted(champs), batch_size=1000)
    retirees = modele.objects.filter(source=source, actif=True, modifie_localement=False)
    retirees.exclude(code__in=list(entrees)).update(actif=False)


def charger_diagnostic(apps=apps_courantes) -> dict[str, int]:
    Domaine = apps.get_model("parcours", "Domaine")
    Situation = apps.get_model("parcours", "Situation")
    AppellationRome = apps.get_model("parcours", "AppellationRome")
    ObjectifReferentiel = apps.get_model("parcours", "ObjectifReferentiel")

    domaines = {
        ligne["code"]: {
            "libelle": ligne["libelle"],
            "ordre": int(ligne["ordre"]),
            "axe_id": ligne["axe"] or None,
            "sensible": ligne["sensible"] in OUI,
            "obligatoire": ligne["obligatoire"] in OUI,
            "code_france_travail": ligne["code_france_travail"],
        }
        for ligne in lire("domaines")
    }
    _synchroniser(Domaine, "spie", domaines)

    lignes_situations = lire("situations")
    for source in {ligne["source"] for ligne in lignes_situations}:
        _synchroniser(
            Situation,
            source,
            {
                ligne["code"]: {
                    "libelle": ligne["libelle"],
                    "domaine_id": ligne["domaine"],
                    "nature": ligne["nature"],
                    "sensible": ligne["sensible"] in OUI,
                }
                for ligne in lignes_situations
                if ligne["source"] == source
            },
        )
    suggestions = lire("suggestions")
    Lien = Situation.objectifs_suggeres.through
    objectifs = set(ObjectifReferentiel.objects.values_list("code", flat=True))
    locales = set(Situation.objects.filter(modifie_localement=True).values_list("code", flat=True))
    fichier = {ligne["code"] for ligne in lignes_situations} - locales
    voulus = {
        (ligne["situation"], ligne["objectif"])
        for ligne in suggestions
        if ligne["objectif"] in objectifs and ligne["situation"] in fichier
    }
    presents = set(Lien.objects.filter(situation_id__in=fichier).values_list("situation_id", "objectifreferentiel_id"))
    Lien.objects.bulk_create(
        [Lien(situation_id=s, objectifreferentiel_id=o) for s, o in sorted(voulus - presents)], batch_size=1000
    )
    for situation, objectif in presents - voulus:
        Lien.objects.filter(situation_id=situation, objectifreferentiel_id=objectif).delete()

    appellations = {
        ligne["code"]: {
            "libelle": ligne["libelle"],
            "rome": ligne["rome"],
            "recherche": normaliser_recherche(f"{ligne['libelle']} {ligne['rome']}"),
        }
        for ligne in lire("appellations_rome")
    }
    _synchroniser(AppellationRome, "rome", appellations)
    return {
        "domaines": len(domaines),
        "situations": len(lignes_situations),
        "suggestions": len(voulus),
        "appellations": len(appellations),
    }
