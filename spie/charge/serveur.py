"""Le serveur mesuré (gunicorn comme en production, DEBUG coupé) et l'échantillonnage de la mémoire de ses workers."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from spie.charge.statistiques import lire_rss_ko


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attendre(url: str, processus: subprocess.Popen, secondes: int = 60) -> None:
    limite = time.monotonic() + secondes
    while time.monotonic() < limite:
        if processus.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté (code {processus.returncode}) : voir son journal")
        try:
            with urllib.request.urlopen(url, timeout=2) as reponse:
                if reponse.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} ne répond pas après {secondes} s")


def environnement_du_serveur(base: dict[str, str]) -> dict[str, str]:
    """L'environnement de gunicorn : celui de la commande (même base, même Redis, même clé secrète, donc mêmes
    sessions), DEBUG coupé, second facteur obligatoire, et la page plancher branchée."""
    return {**base, "DJANGO_DEBUG": "0", "SPIE_MFA_OBLIGATOIRE": "1", "SPIE_PAGE_PLANCHER": "1"}


@contextmanager
def gunicorn(*, workers: int, journal: Path):
    """Démarre `gunicorn spie.wsgi` sur 127.0.0.1 (port libre), attend /sante/, rend (adresse, processus maître),
    puis l'arrête. Workers synchrones, délai de 60 s : la commande du Dockerfile et de docker-compose.yml."""
    port = port_libre()
    commande = [
        sys.executable,
        "-m",
        "gunicorn",
        "spie.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
    ]
    journal.parent.mkdir(parents=True, exist_ok=True)
    racine = Path(__file__).resolve().parent.parent.parent
    with open(journal, "w") as sortie:
        processus = subprocess.Popen(
            commande,
            cwd=racine,
            env=environnement_du_serveur(dict(os.environ)),
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )
        try:
            adresse = f"http://127.0.0.1:{port}"
            attendre(f"{adresse}/sante/", processus)
            yield adresse, processus
        finally:
            processus.terminate()
            try:
                processus.wait(timeout=30)
            except subprocess.TimeoutExpired:
                processus.kill()
                processus.wait()


def enfants(pid: int) -> list[int]:
    """Les processus fils de `pid` (les workers de gunicorn), lus dans /proc."""
    fils = []
    for entree in Path("/proc").iterdir():
        if not entree.name.isdigit():
            continue
        try:
            stat = (entree / "stat").read_text()
        except OSError:
            continue
        # « pid (nom) état ppid … » : le nom peut contenir des espaces, on repart de la dernière parenthèse.
        champs = stat[stat.rfind(")") + 2 :].split()
        if len(champs) > 1 and int(champs[1]) == pid:
            fils.append(int(entree.name))
    return sorted(fils)


class EchantillonneurMemoire:
    """Relève la mémoire résidente de chaque worker toutes les `periode` secondes dans un fil à part, et garde le
    maximum par worker (en Mo). Un worker remplacé pendant la mesure apparaît sous son propre pid."""

    def __init__(self, maitre: int, periode: float = 0.5):
        self.maitre = maitre
        self.periode = periode
        self.maximum_mo: dict[str, float] = {}
        self._arret = threading.Event()
        self._fil = threading.Thread(target=self._boucle, daemon=True)

    def __enter__(self):
        self._releve()
        self._fil.start()
        return self

    def __exit__(self, *exc):
        self._arret.set()
        self._fil.join()
        self._releve()

    def _boucle(self) -> None:
        while not self._arret.wait(self.periode):
            self._releve()

    def _releve(self) -> None:
        for pid in enfants(self.maitre):
            try:
                ko = lire_rss_ko(Path(f"/proc/{pid}/status").read_text())
            except OSError:
                continue
            if ko is not None:
                self.maximum_mo[str(pid)] = max(self.maximum_mo.get(str(pid), 0.0), ko / 1024)
