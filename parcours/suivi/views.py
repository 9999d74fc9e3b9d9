def contexte_entete(request, carnet) -> dict:
    """La sortie de parcours et le suivi dans l'emploi, dans l'en-tête du carnet (à compléter)."""
    return {}
