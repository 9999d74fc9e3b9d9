"""Le secret statistique des chiffres publiés (règle des données ouvertes de la CAF) : un chiffre qui compte de 1 à 4
personnes est masqué, partout ; dans les exports et les documents des comités, les effectifs sont en plus arrondis
à 5. Zéro n'identifie personne : il reste affiché. Quand une répartition est publiée à côté de son total, le secret
est secondaire aussi (`masquer_repartition`) : aucun chiffre masqué ne doit se retrouver par soustraction."""

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


def masquer_repartition(effectifs: dict, *, deja_masques=()) -> set:
    """Les clés à masquer dans une répartition publiée avec son total : `effectifs` donne, clé → effectif, tous les
    chiffres liés par une même addition (les cellules et, s'il est publié, leur total). Masqués : ceux de 1 à 4
    personnes et ceux de `deja_masques` (par une autre règle) ; si un seul l'est, le total moins les autres le
    donnerait : on masque en plus le plus petit autre chiffre non nul (à égalité, le premier dans l'ordre du dict).
    Zéro n'est jamais masqué en second : il n'identifie personne.

    {"total": 20, "a": 3, "b": 7, "c": 10} → {"a", "b"} ; {"total": 20, "a": 0, "b": 8, "c": 12} → rien."""
    masques = {cle for cle, effectif in effectifs.items() if est_secret(effectif) or cle in deja_masques}
    candidats = [(effectif, rang, cle) for rang, (cle, effectif) in enumerate(effectifs.items()) if effectif]
    candidats = [candidat for candidat in candidats if candidat[2] not in masques]
    if len(masques) == 1 and candidats:
        masques.add(min(candidats)[2])  # le rang départage : les clés ne sont jamais comparées
    return masques
