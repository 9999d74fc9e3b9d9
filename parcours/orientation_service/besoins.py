"""Des besoins du diagnostic aux besoins de l'offre : la table de correspondance entre les domaines du diagnostic
(freins et ressources) et les catégories de thématiques de data·inclusion, et celle des catégories vers les axes du
plan d'action (pour ranger l'action d'une orientation sous un objectif)."""

from dataclasses import dataclass

from offre import referentiels
from parcours.models import Diagnostic, EvaluationDomaine

# Domaine du diagnostic → catégories de thématiques data·inclusion qui y répondent.
CATEGORIES_PAR_DOMAINE = {
    "emploi": ("trouver-un-emploi", "preparer-sa-candidature", "choisir-un-metier"),
    "formation": ("se-former",),
    "logement": ("logement-hebergement",),
    "mobilite": ("mobilite",),
    "sante": ("sante",),
    "handicap": ("sante",),
    "contraintes_familiales": ("famille",),
    "difficulte_financiere": ("difficultes-financieres", "equipement-et-alimentation"),
    "difficulte_administrative": ("difficultes-administratives-ou-juridiques",),
    "maitrise_langue": ("lecture-ecriture-calcul",),
    "numerique": ("numerique",),
    "isolement": ("remobilisation",),
}

# Catégorie de thématiques → axe de travail du plan d'action (codes du référentiel `parcours/referentiels`) :
# l'axe du domaine qui y répond, et l'emploi pour les catégories qui ne répondent à aucun domaine.
AXE_PAR_CATEGORIE = {
    "trouver-un-emploi": "emploi",
    "preparer-sa-candidature": "emploi",
    "choisir-un-metier": "emploi",
    "creer-une-entreprise": "emploi",
    "souvrir-a-linternational": "emploi",
    "se-former": "formation",
    "logement-hebergement": "logement",
    "mobilite": "mobilite",
    "sante": "sante",
    "famille": "contraintes_familiales",
    "remobilisation": "contraintes_familiales",
    "difficultes-financieres": "difficulte_financiere",
    "equipement-et-alimentation": "difficulte_financiere",
    "difficultes-administratives-ou-juridiques": "difficulte_administrative",
    "lecture-ecriture-calcul": "maitrise_langue",
    "numerique": "numerique",
}
AXE_PAR_DEFAUT = "emploi"


@dataclass(frozen=True)
class Besoin:
    """Un domaine du diagnostic apprécié « besoin », et les catégories de l'offre qui y répondent."""

    domaine: str
    libelle: str
    categories: tuple[str, ...]


def categorie(code_thematique: str) -> str:
    """La catégorie d'une thématique (« mobilite--preparer-un-permis » → « mobilite ») ; une catégorie reste telle
    quelle."""
    ligne = referentiels.thematiques().get(code_thematique)
    return ligne[1] if ligne else code_thematique.split("--", 1)[0]


def libelle_thematique(code: str) -> str:
    """Le libellé d'une thématique ou d'une catégorie (le code s'il est inconnu)."""
    if code in referentiels.thematiques():
        return referentiels.thematiques()[code][0]
    return referentiels.categories().get(code, code)


def axe_du_besoin(code_thematique: str) -> str:
    return AXE_PAR_CATEGORIE.get(categorie(code_thematique), AXE_PAR_DEFAUT) if code_thematique else AXE_PAR_DEFAUT


def besoins_du_diagnostic(carnet, *, voit_sensible: bool) -> list[Besoin]:
    """Les domaines en « besoin » du dernier diagnostic validé du carnet, dans l'ordre du diagnostic. Un domaine
    sensible (santé, handicap) n'apparaît qu'à qui voit les données sensibles du carnet."""
    diagnostic = Diagnostic.objects.valides().filter(carnet=carnet).order_by("-version").first()
    if diagnostic is None:
        return []
    evaluations = (
        EvaluationDomaine.objects.filter(diagnostic=diagnostic, appreciation=EvaluationDomaine.Appreciation.BESOIN)
        .select_related("domaine")
        .order_by("domaine__ordre")
    )
    return [
        Besoin(evaluation.domaine.code, evaluation.domaine.libelle, CATEGORIES_PAR_DOMAINE[evaluation.domaine.code])
        for evaluation in evaluations
        if evaluation.domaine.code in CATEGORIES_PAR_DOMAINE and (voit_sensible or not evaluation.domaine.sensible)
    ]
