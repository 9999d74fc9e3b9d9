"""Provisoire (remplacé par la partie « comptes rendus ») : le contexte des documents d'une séance pour sa page."""


def contexte_documents(seance, user) -> dict:
    return {}
