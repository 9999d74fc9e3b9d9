"""Le contrôle des fichiers déposés, en un seul endroit : chaque formulaire de dépôt appelle `controler_depot`.

Le type est reconnu par le contenu (sa signature), jamais par l'extension ni par le type annoncé par le navigateur :
- PDF : commence par `%PDF-` ;
- XLSX : une archive ZIP qui contient `xl/workbook.xml` ;
- JSON : un texte décodable dont le contenu est un objet ou un tableau JSON ;
- CSV : un texte décodable (UTF-8 ou Windows-1252), sans octet nul, qui n'est pas du balisage (HTML, XML, SVG).
La taille maximale dépend de l'usage (réglage `SPIE_DEPOTS_TAILLE_MAX`, en octets)."""

import io
import json
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

PDF = "pdf"
XLSX = "xlsx"
JSON = "json"
CSV = "csv"
LIBELLES = {PDF: "un PDF", XLSX: "un classeur XLSX", JSON: "un fichier JSON", CSV: "un fichier CSV (texte)"}
ENCODAGES = ("utf-8-sig", "cp1252")


def taille_max(usage: str) -> int:
    return settings.SPIE_DEPOTS_TAILLE_MAX[usage]


def en_clair(octets: int) -> str:
    """« 10 Mo », « 2,5 Mo », « 3 ko » : une taille lisible, sans arrondir une petite limite à zéro."""
    if octets >= 1024 * 1024:
        return f"{octets / 1024 / 1024:.1f}".replace(".0", "").replace(".", ",") + " Mo"
    return f"{max(1, round(octets / 1024))} ko"


def _texte(contenu: bytes) -> str | None:
    if b"\x00" in contenu or contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for encodage in ENCODAGES:
        try:
            return contenu.decode(encodage)
        except UnicodeDecodeError:
            continue
    return None


def reconnaitre(contenu: bytes) -> str | None:
    """Le type du contenu (PDF, XLSX, JSON, CSV), ou None s'il n'est aucun de ceux-là."""
    if contenu.startswith(b"%PDF-"):
        return PDF
    if contenu.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
                return XLSX if "xl/workbook.xml" in archive.namelist() else None
        except (zipfile.BadZipFile, ValueError):
            return None
    texte = _texte(contenu)
    if texte is None:
        return None
    debut = texte.lstrip()
    if debut.startswith("<"):  # HTML, XML, SVG : du balisage, pas des données
        return None
    if debut.startswith(("{", "[")):
        try:
            json.loads(texte.lstrip("\ufeff"))
        except ValueError:
            pass
        else:
            return JSON
    return CSV


def controler_depot(fichier, *, usage: str, types) -> str:
    """Refuse (ValidationError en français) un fichier vide, trop gros pour cet usage, ou dont le contenu n'est pas
    d'un des `types` permis ; rend le type reconnu. Le fichier est relu depuis le début, puis rembobiné."""
    limite = taille_max(usage)
    if fichier.size > limite:
        raise ValidationError(
            f"Le fichier pèse {en_clair(fichier.size)} : la limite est de {en_clair(limite)}. "
            "Découpez-le en plusieurs fichiers.",
            code="trop_gros",
        )
    fichier.seek(0)
    contenu = fichier.read(limite + 1)
    fichier.seek(0)
    if not contenu.strip():
        raise ValidationError("Le fichier est vide.", code="vide")
    if len(contenu) > limite:  # la taille annoncée mentait
        raise ValidationError(
            f"Le fichier dépasse la limite de {en_clair(limite)}. Découpez-le en plusieurs fichiers.",
            code="trop_gros",
        )
    reconnu = reconnaitre(contenu)
    if reconnu not in types:
        attendus = " ou ".join(LIBELLES[t] for t in types)
        raise ValidationError(
            f"Ce fichier n'est pas {attendus} : son contenu ne correspond pas (son nom et son extension ne comptent "
            "pas). Enregistrez-le au bon format depuis votre logiciel.",
            code="type_refuse",
        )
    return reconnu
