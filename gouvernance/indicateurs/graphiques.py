"""Les graphiques SVG des indicateurs, dessinés côté serveur (aucune bibliothèque JavaScript) : pour chaque public,
une barre pour la période et une pour la période précédente. Accessible : `role="img"`, un `<title>` et une
`<desc>` ; le tableau qui l'accompagne en est l'alternative textuelle. Une valeur secrète ou absente n'a pas de
barre, seulement sa mention. WeasyPrint rend ce SVG tel quel dans le compte rendu."""

from itertools import count

from django.utils.html import escape
from django.utils.safestring import mark_safe

LARGEUR = 640
MARGE_GAUCHE = 230
LARGEUR_BARRES = 330
HAUTEUR_BARRE = 14
HAUTEUR_LIGNE = 42
HAUT = 34
COULEURS = {"periode": "#000091", "precedente": "#9a9aff"}
_numeros = count(1)


def _echelle(tableau) -> float:
    if tableau.indicateur.unite == "%":
        return 100.0
    valeurs = [v for ligne in tableau.lignes for v in (ligne.valeur, ligne.precedente) if v is not None]
    return float(max(valeurs, default=0)) or 1.0


def _barre(y: float, valeur, texte: str, couleur: str, maximum: float) -> str:
    largeur = 0 if valeur is None else max(LARGEUR_BARRES * float(valeur) / maximum, 0)
    rectangle = (
        f'<rect x="{MARGE_GAUCHE}" y="{y:.0f}" width="{largeur:.1f}" height="{HAUTEUR_BARRE}" fill="{couleur}"/>'
        if largeur
        else ""
    )
    return (
        f'{rectangle}<text x="{MARGE_GAUCHE + largeur + 6:.1f}" y="{y + HAUTEUR_BARRE - 3:.0f}" '
        f'font-size="12" fill="#161616">{escape(texte)}</text>'
    )


def barres(tableau) -> str:
    identifiant = f"graphique-{tableau.indicateur.code}-{next(_numeros)}"
    hauteur = HAUT + HAUTEUR_LIGNE * len(tableau.lignes) + 8
    maximum = _echelle(tableau)
    titre = f"{tableau.indicateur.libelle} : période et période précédente, par public"
    morceaux = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{identifiant}-titre '
        f'{identifiant}-desc" viewBox="0 0 {LARGEUR} {hauteur}" width="100%" class="spie-graphique" '
        # Largeur maximale (LARGEUR) dans spie.css et impression-gouvernance.css : un attribut style serait bloqué
        # par la Content-Security-Policy (style-src 'self').
        'font-family="Marianne, Arial, sans-serif">',
        f'<title id="{identifiant}-titre">{escape(titre)}</title>',
        f'<desc id="{identifiant}-desc">Les valeurs sont dans le tableau qui précède ; « secret » : moins de 5 '
        f"personnes.</desc>",
        f'<rect x="{MARGE_GAUCHE}" y="6" width="12" height="12" fill="{COULEURS["periode"]}"/>'
        f'<text x="{MARGE_GAUCHE + 18}" y="16" font-size="12">Période</text>'
        f'<rect x="{MARGE_GAUCHE + 100}" y="6" width="12" height="12" fill="{COULEURS["precedente"]}"/>'
        f'<text x="{MARGE_GAUCHE + 118}" y="16" font-size="12">Période précédente</text>',
    ]
    for rang, ligne in enumerate(tableau.lignes):
        y = HAUT + rang * HAUTEUR_LIGNE
        morceaux.append(
            f'<text x="0" y="{y + HAUTEUR_BARRE + 4}" font-size="12" fill="#161616">{escape(ligne.libelle_public)}'
            f"</text>"
        )
        morceaux.append(_barre(y, ligne.valeur, ligne.texte, COULEURS["periode"], maximum))
        morceaux.append(
            _barre(y + HAUTEUR_BARRE + 2, ligne.precedente, ligne.texte_precedente, COULEURS["precedente"], maximum)
        )
    morceaux.append("</svg>")
    return mark_safe("".join(morceaux))  # noqa: S308 - chaque texte variable est échappé ci-dessus
