"""Provisoire (remplacé par la partie « délibération ») : le contexte de la tenue d'une séance pour sa page."""


def contexte_tenue(seance, user) -> dict:
    return {}


def contexte_decisions_comite(comite, user) -> dict:
    return {}
