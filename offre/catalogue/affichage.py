"""Les libellés des codes du catalogue, pour les fiches : thématiques groupées par catégorie, valeurs des listes
data·inclusion, noms des zones d'éligibilité (commune, intercommunalité, département, France)."""

from offre import referentiels
from partenaires.referentiels import FRANCE, communes, departements, epci


def libelles(codes, referentiel: dict) -> list[str]:
    """Les libellés des codes, dans l'ordre ; un code inconnu (donnée importée ancienne) reste affiché tel quel."""
    return [referentiel.get(code, code) for code in codes or []]


def thematiques_par_categorie(codes) -> list[tuple[str, list[str]]]:
    """[(libellé de la catégorie, [libellés des thématiques])], dans l'ordre des catégories de data·inclusion."""
    thematiques, categories = referentiels.thematiques(), referentiels.categories()
    groupes: dict[str, list[str]] = {}
    for code in codes or []:
        libelle, categorie = thematiques.get(code, (code, ""))
        groupes.setdefault(categorie, []).append(libelle)
    ordre = list(categories)
    return [
        (categories.get(categorie, "Autres"), sorted(liste))
        for categorie, liste in sorted(
            groupes.items(), key=lambda item: ordre.index(item[0]) if item[0] in ordre else 99
        )
    ]


def nommer_zone(code: str) -> str:
    """Le nom lisible d'un code de zone (commune, EPCI, département ou France entière)."""
    if code in FRANCE:
        return "France entière"
    if code in communes():
        ligne = communes()[code]
        return f"{ligne['nom']} (commune, {ligne['code_departement']})"
    if code in epci():
        return f"{epci()[code]} (intercommunalité)"
    if code in departements():
        return f"{departements()[code]} (département {code})"
    return code


def zone(codes) -> list[str]:
    return [nommer_zone(code) for code in codes or []]
