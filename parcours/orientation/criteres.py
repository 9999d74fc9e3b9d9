"""Les critères nationaux d'orientation (arrêté du 21 novembre 2024) et leur cotation, tels que la décision les
enregistre (`DecisionOrientation.criteres`), préremplis depuis le dernier diagnostic validé.

La cotation « santé » est une donnée de santé : préremplie et affichée aux seuls intervenants du carnet.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from parcours.diagnostic import regles as bareme
from parcours.models import EvaluationDomaine

Impact = EvaluationDomaine.Impact

SITUATION_EMPLOI = {
    "activite_actuelle": "En activité professionnelle",
    "activite_recente": "Activité dans les deux dernières années",
    "inactivite": "Sans activité depuis plus de deux ans",
}
QUALIFICATION = {"qualifie": "Qualifiée (CAP ou plus)", "non_qualifie": "Sans qualification (infra CAP)"}
ASPIRATIONS = {
    "retour_rapide": "Se projette dans un métier : retour rapide à l'emploi",
    "projet_a_construire": "Projet professionnel à construire",
}
# Difficulté → domaines du diagnostic dont elle reprend l'impact (le plus fort).
DIFFICULTES = {
    "sante": ("Santé", ("sante", "handicap")),
    "logement": ("Logement", ("logement",)),
    "mobilite": ("Mobilité", ("mobilite",)),
    "garde_enfant": ("Garde d'enfant", ("contraintes_familiales",)),
    "proche_aidant": ("Proche aidant", ("contraintes_familiales",)),
    "autres": (
        "Autres difficultés",
        ("difficulte_financiere", "difficulte_administrative", "maitrise_langue", "numerique", "isolement"),
    ),
}
SENSIBLES = {"sante"}
CRITERES = {"situation_emploi": SITUATION_EMPLOI, "qualification": QUALIFICATION, "aspirations": ASPIRATIONS}
LIBELLES = {
    "situation_emploi": "Situation vis-à-vis de l'emploi",
    "qualification": "Niveau de qualification",
    "aspirations": "Aspirations",
}
ORDRE_IMPACT = [Impact.SANS_IMPACT, Impact.MOYEN, Impact.FORT]


def valider(criteres: dict) -> dict:
    """Les critères retenus, sans valeur inconnue ; les vides sont retirés."""
    propres = {}
    for cle, valeurs in CRITERES.items():
        valeur = criteres.get(cle) or ""
        if valeur and valeur not in valeurs:
            raise ValidationError({cle: "Cette valeur n'existe pas pour ce critère."})
        if valeur:
            propres[cle] = valeur
    difficultes = {}
    for cle in DIFFICULTES:
        valeur = (criteres.get("difficultes") or {}).get(cle) or ""
        if valeur and valeur not in Impact.values:
            raise ValidationError({f"difficulte_{cle}": "Cotez la difficulté : fort, moyen ou sans impact."})
        if valeur:
            difficultes[cle] = valeur
    if difficultes:
        propres["difficultes"] = difficultes
    return propres


def depuis_le_diagnostic(diagnostic, *, voit_sensible: bool) -> dict:
    """Ce que le diagnostic validé dit des critères (rien pour ce qu'il ne renseigne pas)."""
    if diagnostic is None:
        return {}
    lu = bareme.criteres(diagnostic, aujourd_hui=timezone.localdate())
    criteres = {}
    if diagnostic.situation_actuelle:
        if diagnostic.situation_actuelle in diagnostic.SITUATIONS_EN_ACTIVITE:
            criteres["situation_emploi"] = "activite_actuelle"
        else:
            criteres["situation_emploi"] = "activite_recente" if lu.activite_recente else "inactivite"
    if diagnostic.niveau_formation:
        criteres["qualification"] = "qualifie" if lu.qualifie else "non_qualifie"
    criteres["aspirations"] = "retour_rapide" if lu.se_projette else "projet_a_construire"
    impacts = {e.domaine_id: e.impact for e in diagnostic.evaluations.all() if e.impact}
    difficultes = {}
    for cle, (_, domaines) in DIFFICULTES.items():
        if cle in SENSIBLES and not voit_sensible:
            continue
        releves = [impacts[d] for d in domaines if d in impacts]
        if releves:
            difficultes[cle] = max(releves, key=ORDRE_IMPACT.index)
    if difficultes:
        criteres["difficultes"] = difficultes
    return criteres


def afficher(criteres: dict, *, voit_sensible: bool) -> list[tuple[str, str]]:
    """(critère, valeur) lisibles ; la santé est masquée à qui ne voit pas les données sensibles."""
    lignes = [(LIBELLES[cle], valeurs[criteres[cle]]) for cle, valeurs in CRITERES.items() if criteres.get(cle)]
    for cle, (libelle, _) in DIFFICULTES.items():
        valeur = (criteres.get("difficultes") or {}).get(cle)
        if valeur and (cle not in SENSIBLES or voit_sensible):
            lignes.append((libelle, Impact(valeur).label))
    return lignes
