"""Lecture d'un fichier de personnes (CSV ou XLSX) en un tableau de textes : format, encodage, séparateur,
en-têtes et lignes. Tout fichier illisible donne une `ValidationError` en français, jamais une autre erreur."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError

TAILLE_MAX = settings.SPIE_DEPOTS_TAILLE_MAX["import_personnes"]  # réglage : un seul endroit
LIGNES_MAX = 20_000
COLONNES_MAX = 100
CELLULE_MAX = 1_000
SEPARATEURS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
ENCODAGES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 avec BOM", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
# Des caractères de contrôle dans un texte décodé : ce n'est pas un CSV (fichier binaire, UTF-16…).
CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0"  # ancien format Excel (.xls)


@dataclass
class Tableau:
    format: str
    colonnes: list[str]
    # (numéro de la ligne dans le fichier, en-tête = 1 ; ses cellules en texte), lignes vides omises
    lignes: list[tuple[int, list[str]]] = field(default_factory=list)
    encodage: str = ""
    separateur: str = ""
    ligne_en_tete: int = 1


def _format(nom: str, contenu: bytes) -> str:
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension == "xls" or contenu.startswith(OLE):
        raise ValidationError(
            "Le format Excel 97-2003 (.xls) n'est pas pris en charge : enregistrez le fichier en .xlsx ou en CSV."
        )
    if extension == "xlsx" or contenu.startswith(ZIP):
        return "xlsx"
    if extension in ("csv", "txt", "tsv", ""):
        return "csv"
    raise ValidationError(f"Le format « .{extension} » n'est pas pris en charge : envoyez un fichier CSV ou XLSX.")


def lire(nom: str, contenu: bytes) -> Tableau:
    if len(contenu) > TAILLE_MAX:
        raise ValidationError(
            f"Le fichier pèse {len(contenu) / 1024 / 1024:.1f} Mo : la limite est de {TAILLE_MAX // 1024 // 1024} Mo. "
            "Découpez-le en plusieurs fichiers."
        )
    if not contenu.strip():
        raise ValidationError("Le fichier est vide.")
    tableau = _lire_xlsx(contenu) if _format(nom, contenu) == "xlsx" else _lire_csv(contenu)
    if not tableau.lignes:
        raise ValidationError("Le fichier n'a aucune ligne de données sous la ligne d'en-tête.")
    return tableau


def _decoder(contenu: bytes) -> tuple[str, str]:
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in contenu[:4096]:
        raise ValidationError(
            "Le fichier est en UTF-16 ou n'est pas un texte : enregistrez-le en « CSV UTF-8 » ou en XLSX."
        )
    for encodage in ("utf-8-sig", "cp1252"):
        try:
            texte = contenu.decode(encodage)
        except UnicodeDecodeError:
            continue
        break
    else:
        encodage, texte = "latin-1", contenu.decode("latin-1")
    if encodage == "utf-8-sig" and not contenu.startswith(b"\xef\xbb\xbf"):
        encodage = "utf-8"
    if CONTROLE.search(texte):
        raise ValidationError(
            "Le fichier contient des caractères illisibles : ce n'est pas un fichier CSV (enregistrez-le en "
            "« CSV UTF-8 » ou en XLSX)."
        )
    return encodage, texte


def _separateur(premiere_ligne: str) -> str:
    """Le séparateur le plus fréquent de la ligne d'en-tête, hors guillemets."""
    sans_guillemets = re.sub(r'"[^"]*"', "", premiere_ligne)
    comptes = {sep: sans_guillemets.count(sep) for sep in SEPARATEURS}
    separateur = max(comptes, key=comptes.get)
    if comptes[separateur] == 0:
        raise ValidationError(
            "Séparateur de colonnes introuvable sur la ligne d'en-tête : les colonnes se séparent par un "
            "point-virgule, une virgule ou une tabulation."
        )
    return separateur


def _en_tetes(cellules: list[str]) -> list[str]:
    """Les en-têtes, sans vide ni doublon (« Colonne 3 », « Nom (2) »)."""
    colonnes: list[str] = []
    for numero, cellule in enumerate(cellules, 1):
        nom = " ".join(cellule.split())[:100] or f"Colonne {numero}"
        base, suffixe = nom, 2
        while nom in colonnes:
            nom, suffixe = f"{base} ({suffixe})", suffixe + 1
        colonnes.append(nom)
    while colonnes and colonnes[-1].startswith("Colonne ") and not cellules[len(colonnes) - 1].strip():
        colonnes.pop()  # colonnes vides en fin d'en-tête (séparateur final)
    if len(colonnes) > COLONNES_MAX:
        raise ValidationError(f"Le fichier a {len(colonnes)} colonnes : la limite est de {COLONNES_MAX}.")
    return colonnes


def _ajouter(tableau: Tableau, numero: int, cellules: list[str]) -> None:
    if not any(c.strip() for c in cellules):
        return
    if len(tableau.lignes) >= LIGNES_MAX:
        raise ValidationError(
            f"Le fichier dépasse {LIGNES_MAX:,} lignes de données : découpez-le en plusieurs fichiers.".replace(
                ",", "\u202f"
            )
        )
    tableau.lignes.append((numero, cellules))


def _lire_csv(contenu: bytes) -> Tableau:
    encodage, texte = _decoder(contenu)
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    separateur = _separateur(premiere)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur, strict=False)
    tableau = Tableau(format="csv", colonnes=[], encodage=encodage, separateur=separateur)
    try:
        for numero, cellules in enumerate(lecteur, 1):
            if not tableau.colonnes:
                if any(c.strip() for c in cellules):
                    tableau.colonnes, tableau.ligne_en_tete = _en_tetes(cellules), numero
                continue
            _ajouter(tableau, numero, cellules)
    except csv.Error as erreur:
        raise ValidationError(
            "Le fichier CSV est mal formé (guillemets non refermés ou cellule démesurée, vers la ligne "
            f"{lecteur.line_num}) : vérifiez-le dans votre tableur et enregistrez-le de nouveau."
        ) from erreur
    return tableau


def _texte_cellule(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        return valeur.date().isoformat() if valeur.time() == time(0) else valeur.isoformat(sep=" ")
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return CONTROLE.sub("", str(valeur))


def _lire_xlsx(contenu: bytes) -> Tableau:
    from openpyxl import load_workbook  # noqa: PLC0415 - chargé seulement pour un XLSX

    tableau = Tableau(format="xlsx", colonnes=[])
    try:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=False)
        try:
            feuille = classeur.worksheets[0]
            for numero, valeurs in enumerate(feuille.iter_rows(values_only=True), 1):
                cellules = [_texte_cellule(v) for v in valeurs[: COLONNES_MAX + 1]]
                if not tableau.colonnes:
                    if any(c.strip() for c in cellules):
                        tableau.colonnes, tableau.ligne_en_tete = _en_tetes(cellules), numero
                    continue
                _ajouter(tableau, numero, cellules)
        finally:
            classeur.close()
    except ValidationError:
        raise
    except Exception as erreur:  # noqa: BLE001 - openpyxl lève des erreurs de toutes sortes sur un fichier abîmé
        raise ValidationError(
            "Le fichier XLSX est illisible ou corrompu : ouvrez-le dans votre tableur et enregistrez-le de nouveau."
        ) from erreur
    return tableau


def en_csv(tableau: Tableau) -> bytes:
    """Le tableau en CSV UTF-8 (point-virgule), chaque ligne à son numéro d'origine : un XLSX est rangé ainsi, pour
    que l'aperçu et l'import le relisent vite."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    par_numero = dict(tableau.lignes)
    dernier = tableau.lignes[-1][0] if tableau.lignes else tableau.ligne_en_tete
    for numero in range(1, dernier + 1):
        if numero == tableau.ligne_en_tete:
            ecrivain.writerow(tableau.colonnes)
        else:
            ecrivain.writerow(par_numero.get(numero, []))
    return sortie.getvalue().encode("utf-8")
