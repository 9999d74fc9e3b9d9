"""Provisoire (remplacé par la partie « séances ») : les séances d'un comité, pour la page du comité."""


def contexte_comite(comite, user) -> dict:
    return {}
