"""Le texte d'un PDF (flux compressés compris), pour y chercher un nom : la sentinelle de la matrice des URL, les
tests de contenu. Un octet cherché dans le PDF brut ne voit rien : WeasyPrint compresse le texte des pages."""

import functools
import html
import io

from pypdf import PdfReader


def texte_pdf(contenu: bytes) -> str:
    """Le texte de toutes les pages. Un PDF illisible lève une erreur (pas de texte vide qui ferait passer le test)."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(contenu), strict=True).pages)


def pdf_contient(contenu: bytes, nom: str) -> bool:
    """Le nom est-il dans le texte du PDF, sans tenir compte des espaces ni de la casse (une feuille de style peut
    écrire un nom en capitales ; l'extraction coupe parfois un mot en deux) ?"""
    texte = "".join(texte_pdf(contenu).split()).casefold()
    return "".join(nom.split()).casefold() in texte


@functools.cache
def pdf_de_test(texte: str) -> bytes:
    """Un vrai PDF (WeasyPrint, texte compressé) qui dit `texte` : pour les fichiers servis par la matrice, rendu une
    fois par processus (une à deux secondes)."""
    from spie.pdf import html_vers_pdf

    return html_vers_pdf(f"<!doctype html><html lang='fr'><body><p>{html.escape(texte)}</p></body></html>")
