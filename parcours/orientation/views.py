def contexte_entete(request, carnet) -> dict:
    """L'orientation en cours, affichée dans l'en-tête du carnet (à compléter)."""
    return {}


def contexte_onglet(request, carnet) -> dict:
    return {}
