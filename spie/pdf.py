"""Génération des PDF : le seul module qui importe WeasyPrint.

Le gabarit Django est rendu dans le processus appelant ; la conversion en PDF se fait dans un
processus enfant (`python -m spie.pdf`), borné en temps et en mémoire, qui ne sert que nos
fichiers statiques : ni réseau, ni lecture de fichiers ailleurs. Un sous-processus plutôt que
multiprocessing : un worker Celery prefork ne peut pas avoir d'enfants (démon), et on peut le tuer.
L'enfant ne configure pas Django et ne touche pas à la base : il reçoit le HTML sur l'entrée
standard, les racines statiques en argument (JSON), et écrit le PDF sur la sortie standard.
"""

import json
import logging
import mimetypes
import resource
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

# Adresse fictive du document : "/static/x.css" devient "https://spie.invalid/static/x.css".
BASE_URL = "https://spie.invalid/"
RACINE_PROJET = Path(__file__).resolve().parent.parent


class ErreurPdf(Exception):
    """La génération d'un PDF a échoué ; le message peut être montré à l'utilisateur."""


def rendre_pdf(gabarit: str, contexte: dict, *, request=None) -> bytes:
    """Rend un gabarit Django (celui de la page « Imprimer ») et le convertit en PDF."""
    from django.template.loader import render_to_string

    return html_vers_pdf(render_to_string(gabarit, contexte, request=request))


def html_vers_pdf(html: str) -> bytes:
    """Convertit du HTML en PDF dans un processus enfant borné en temps et en mémoire."""
    delai = getattr(settings, "SPIE_PDF_DELAI_SECONDES", 60)
    memoire_mo = getattr(settings, "SPIE_PDF_MEMOIRE_MO", 1024)
    parametres = {"racines": racines_statiques(), "prefixe": settings.STATIC_URL, "memoire_mo": memoire_mo}
    try:
        resultat = subprocess.run(
            [sys.executable, "-m", "spie.pdf", json.dumps(parametres)],
            input=html.encode(),
            capture_output=True,
            timeout=delai,
            cwd=RACINE_PROJET,
        )
    except subprocess.TimeoutExpired as exc:
        raise ErreurPdf(f"La génération du PDF a dépassé le délai de {delai} secondes.") from exc
    if resultat.returncode != 0 or not resultat.stdout.startswith(b"%PDF"):
        logger.error(
            "Échec de la génération du PDF (code %s) :\n%s",
            resultat.returncode,
            resultat.stderr.decode(errors="replace"),
        )
        raise ErreurPdf("La génération du PDF a échoué (mémoire ou erreur de rendu).")
    return resultat.stdout


def racines_statiques() -> list[str]:
    """Les dossiers où les finders de staticfiles cherchent, plus STATIC_ROOT s'il est défini."""
    from django.contrib.staticfiles.finders import get_finders

    racines = [
        str(storage.location)
        for finder in get_finders()
        for storage in getattr(finder, "storages", {}).values()
        if getattr(storage, "location", None)
    ]
    if settings.STATIC_ROOT:
        racines.append(str(settings.STATIC_ROOT))
    return list(dict.fromkeys(racines))


def chemin_statique(url: str, racines: list[str], prefixe: str = "/static/") -> Path | None:
    """Le fichier statique désigné par une URL du document, ou None si l'URL n'en désigne pas un."""
    morceaux = urlsplit(url)
    if f"{morceaux.scheme}://{morceaux.netloc}/" != BASE_URL or not morceaux.path.startswith(prefixe):
        return None
    relatif = Path(unquote(morceaux.path.removeprefix(prefixe)))
    if relatif.is_absolute() or ".." in relatif.parts:
        return None
    for racine in racines:
        racine = Path(racine).resolve()
        chemin = (racine / relatif).resolve()
        if chemin.is_relative_to(racine) and chemin.is_file():
            return chemin
    return None


def creer_url_fetcher(racines: list[str], prefixe: str = "/static/"):
    """Un URL fetcher WeasyPrint qui ne sert que nos fichiers statiques et les URL data:."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FetcherStatique(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            chemin = chemin_statique(url, racines, prefixe)
            if chemin is None:
                raise ValueError(f"Ressource refusée (seuls nos fichiers statiques sont servis) : {url}")
            type_mime = mimetypes.guess_type(chemin.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, chemin.read_bytes(), {"Content-Type": type_mime})

    return FetcherStatique(allowed_protocols={"data"}, allow_redirects=False)


def _convertir(html: bytes, racines: list[str], prefixe: str) -> bytes:
    from weasyprint import HTML

    fetcher = creer_url_fetcher(racines, prefixe)
    return HTML(string=html.decode(), base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


if __name__ == "__main__":
    # Processus enfant : borne la mémoire avant de charger WeasyPrint, puis convertit.
    parametres = json.loads(sys.argv[1])
    octets = parametres["memoire_mo"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (octets, octets))
    sys.stdout.buffer.write(_convertir(sys.stdin.buffer.read(), parametres["racines"], parametres["prefixe"]))
