"""Le secret statistique des chiffres publiés (règle des données ouvertes de la CAF) : un chiffre qui compte de 1 à 4
personnes est masqué, partout ; dans les exports et les documents des comités, les effectifs sont en plus arrondis
à 5. Zéro n'identifie personne : il reste affiché."""

SEUIL_SECRET = 5
PAS_ARRONDI = 5
MASQUE = "secret"


def est_secret(effectif: int | None) -> bool:
    """Vrai si l'effectif compte de 1 à 4 personnes."""
    return effectif is not None and 0 < effectif < SEUIL_SECRET


def arrondir(effectif: int) -> int:
    """L'effectif arrondi au multiple de 5 le plus proche (3 → 5, 7 → 5, 8 → 10, 12 → 10)."""
    return (effectif + PAS_ARRONDI // 2) // PAS_ARRONDI * PAS_ARRONDI


def effectif_publie(effectif: int, *, arrondi: bool) -> int | None:
    """L'effectif tel qu'on peut le publier : None s'il est secret, arrondi à 5 si demandé."""
    if est_secret(effectif):
        return None
    return arrondir(effectif) if arrondi else effectif


def resultat_publie(valeur, *effectifs: int):
    """Un résultat calculé sur des personnes (taux, délai médian…) : None si l'un des effectifs dont il dépend
    (numérateur, dénominateur, population mesurée) compte de 1 à 4 personnes."""
    return None if any(est_secret(e) for e in effectifs) else valeur
