"""Ce qui a changé d'une version du diagnostic à la suivante, par partie et par domaine.

Un domaine sensible ne montre jamais son contenu à qui ne peut pas le voir : seulement qu'il a changé.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects

from parcours.models import Diagnostic, EvaluationDomaine, ProjetProfessionnel

INFORMATION_RESERVEE = "information réservée"

CHAMPS_SITUATION = [champ for champ in Diagnostic.CHAMPS_SITUATION if champ != "permis"]


@dataclass
class Changement:
    quoi: str
    avant: str
    apres: str


@dataclass
class Partie:
    titre: str
    changements: list[Changement] = field(default_factory=list)
    reservee: bool = False


def charger_contenu(*diagnostics) -> None:
    """Charge en trois requêtes les appréciations (avec domaines et situations) et les projets des versions
    données : ensuite, `evaluations.all()` et `projets.all()` ne font plus de requête."""
    prefetch_related_objects(
        [d for d in diagnostics if d is not None],
        Prefetch(
            "evaluations",
            queryset=EvaluationDomaine.objects.select_related("domaine").prefetch_related("situations"),
        ),
        Prefetch("projets", queryset=ProjetProfessionnel.objects.select_related("appellation")),
    )


def _valeur(objet, champ) -> str:
    if objet is None:
        return "—"
    affichage = getattr(objet, f"get_{champ}_display", None)
    valeur = affichage() if affichage else getattr(objet, champ)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if hasattr(valeur, "strftime"):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur) if valeur not in (None, "") else "—"


def _champs(ancien, nouveau, champs, modele) -> list[Changement]:
    changements = []
    for champ in champs:
        avant, apres = _valeur(ancien, champ), _valeur(nouveau, champ)
        if avant != apres:
            changements.append(Changement(str(modele._meta.get_field(champ).verbose_name), avant, apres))
    return changements


def _situations(evaluation, voit_sensible) -> set[str]:
    """Les situations observées ; une situation sensible ne se nomme pas à qui ne peut pas la voir."""
    if evaluation is None:
        return set()
    return {s.libelle for s in evaluation.situations.all() if voit_sensible or not s.sensible}


def _projets(diagnostic) -> dict[str, str]:
    return {
        str(p.appellation): ", ".join(
            filter(
                None,
                [
                    p.get_type_contrat_display(),
                    p.get_temps_display(),
                    f"{p.rayon_mobilite_km} km" if p.rayon_mobilite_km is not None else "",
                    f"{p.salaire_horaire_minimum} €/h" if p.salaire_horaire_minimum is not None else "",
                ],
            )
        )
        for p in diagnostic.projets.all()
    }


def comparer(ancien: Diagnostic, nouveau: Diagnostic, *, voit_sensible: bool) -> list[Partie]:
    """Les parties qui ont changé (les parties inchangées sont omises)."""
    charger_contenu(ancien, nouveau)
    parties = []
    situation = Partie("Situation professionnelle", _champs(ancien, nouveau, CHAMPS_SITUATION, Diagnostic))
    if not voit_sensible and (ancien.situation_sensible or nouveau.situation_sensible):
        for changement in situation.changements:
            if changement.quoi == "situation actuelle":
                changement.avant = changement.apres = INFORMATION_RESERVEE
    if set(ancien.permis) != set(nouveau.permis):
        situation.changements.append(
            Changement(
                "permis de conduire",
                ", ".join(ancien.libelles_permis) or "—",
                ", ".join(nouveau.libelles_permis) or "—",
            )
        )
    parties.append(situation)

    projets_avant, projets_apres = _projets(ancien), _projets(nouveau)
    projets = Partie("Projets professionnels")
    for metier in sorted(projets_avant.keys() | projets_apres.keys()):
        avant, apres = projets_avant.get(metier), projets_apres.get(metier)
        if avant != apres:
            projets.changements.append(
                Changement(
                    metier,
                    "—" if avant is None else (avant or "projet"),
                    "retiré" if apres is None else (apres or "projet"),
                )
            )
    parties.append(projets)

    evaluations_avant = {e.domaine_id: e for e in ancien.evaluations.all()}
    for evaluation in nouveau.evaluations.all():
        precedente = evaluations_avant.get(evaluation.domaine_id)
        changements = _champs(precedente, evaluation, EvaluationDomaine.CHAMPS, EvaluationDomaine)
        situations_avant = _situations(precedente, voit_sensible)
        situations_apres = _situations(evaluation, voit_sensible)
        for libelle in sorted(situations_apres - situations_avant):
            changements.append(Changement(f"situation : {libelle}", "—", "observée"))
        for libelle in sorted(situations_avant - situations_apres):
            changements.append(Changement(f"situation : {libelle}", "observée", "plus observée"))
        partie = Partie(evaluation.domaine.libelle, changements)
        if evaluation.domaine.sensible and not voit_sensible and changements:
            partie = Partie(evaluation.domaine.libelle, [Changement("contenu", INFORMATION_RESERVEE, "modifié")], True)
        parties.append(partie)
    return [partie for partie in parties if partie.changements]
