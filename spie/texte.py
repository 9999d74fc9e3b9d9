"""Outils de texte partagés par les applications."""

import unicodedata


def normaliser_recherche(texte: str) -> str:
    """Minuscules, sans accents ni ponctuation : la forme cherchable d'un libellé ou d'une saisie."""
    decompose = unicodedata.normalize("NFKD", texte.lower())
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in sans_accents).split())
