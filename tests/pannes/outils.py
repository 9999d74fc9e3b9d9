"""Outils des pannes provoquées sur des services À NOUS : un redis-server et un cluster PostgreSQL démarrés par le
test, sur 127.0.0.1, ports libres, dossier temporaire, arrêtés à la fin même en cas d'échec. Le PostgreSQL du port
5432 et le Redis du port 6379 (partagés) ne sont jamais touchés.

Aussi : un serveur gunicorn en sous-processus, et des clients HTTP (fils) dont chaque requête est notée (début, fin,
code, corps), bornés en nombre et en temps."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

RACINE = Path(settings.BASE_DIR)
BIN_POSTGRESQL = Path("/usr/lib/postgresql/15/bin")


def port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


def attendre(condition, *, delai: float, message: str, pas: float = 0.1) -> None:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(pas)
    raise AssertionError(message)


def _repond(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class RedisAMoi:
    """Un redis-server sans persistance ; `arreter()` puis `demarrer()` le relance sur le même port (vide : comme
    un Redis de production redémarré sans persistance, ce qui est le pire cas pour la file des tâches)."""

    def __init__(self):
        self.port = port_libre()
        self.dossier = Path(tempfile.mkdtemp(prefix="spie-pannes-redis-"))
        self.processus: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def demarrer(self) -> None:
        self.processus = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.dossier), "--logfile", str(self.dossier / "redis.log")],
            start_new_session=True,
        )
        attendre(lambda: _repond(self.port), delai=10, message="mon redis-server ne démarre pas")

    def arreter(self) -> None:
        if self.processus is not None and self.processus.poll() is None:
            self.processus.terminate()
            try:
                self.processus.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.processus.kill()
                self.processus.wait(timeout=10)
        attendre(lambda: not _repond(self.port), delai=10, message="mon redis-server répond encore")

    def __enter__(self):
        self.demarrer()
        return self

    def __exit__(self, *exc):
        try:
            self.arreter()
        finally:
            shutil.rmtree(self.dossier, ignore_errors=True)


class ClusterPostgres:
    """Un cluster PostgreSQL 15 à nous (initdb, pg_ctl), lancé comme l'utilisateur `postgres` dans un dossier
    qu'il possède, authentification trust, 127.0.0.1 seulement."""

    def __init__(self):
        self.port = port_libre()
        self.dossier = Path(tempfile.mkdtemp(prefix="spie-pannes-pg-"))
        self.donnees = self.dossier / "donnees"
        shutil.chown(self.dossier, "postgres", "postgres")

    def url(self, base: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{base}"

    def _commande(self, *arguments: str, delai: float = 120) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *arguments],
            check=True,
            timeout=delai,
            stdout=subprocess.DEVNULL,
            cwd=self.dossier,
        )

    def pg_ctl(self, action: str, *options: str) -> None:
        self._commande(
            str(BIN_POSTGRESQL / "pg_ctl"),
            action,
            "-D",
            str(self.donnees),
            "-l",
            str(self.dossier / "postgresql.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dossier}",
            *options,
        )

    def __enter__(self):
        self._commande(
            str(BIN_POSTGRESQL / "initdb"), "-D", str(self.donnees), "-A", "trust", "-U", "postgres", "-E", "UTF8"
        )
        self.pg_ctl("start")
        return self

    def __exit__(self, *exc):
        try:
            subprocess.run(
                ["runuser", "-u", "postgres", "--", str(BIN_POSTGRESQL / "pg_ctl"), "stop", "-D", str(self.donnees)]
                + ["-m", "immediate", "-w", "-t", "60"],
                timeout=90,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        finally:
            shutil.rmtree(self.dossier, ignore_errors=True)


class Serveur:
    """gunicorn (un processus, 4 fils) sur 127.0.0.1 ; arrêté à la sortie, groupe de processus compris."""

    def __init__(self, dossier: Path, **environnement):
        self.port = port_libre()
        self.journal = dossier / "gunicorn.log"
        self.environnement = {
            **os.environ,
            "DJANGO_DEBUG": "0",  # la page d'erreur de production, pas celle de débogage
            "SPIE_MFA_OBLIGATOIRE": "0",
            "DJANGO_MEDIA_ROOT": str(dossier / "media"),
            **environnement,
        }
        self.processus: subprocess.Popen | None = None

    @property
    def adresse(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        with open(self.journal, "w") as journal:
            self.processus = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "spie.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
                + ["-w", "1", "--threads", "4", "--timeout", "60"],
                cwd=RACINE,
                env=self.environnement,
                stdout=journal,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        attendre(lambda: _repond(self.port), delai=60, message=f"gunicorn ne démarre pas (voir {self.journal})")
        return self

    def __exit__(self, *exc):
        if self.processus.poll() is None:
            self.processus.terminate()
            try:
                self.processus.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.processus.pid, signal.SIGKILL)
                self.processus.wait(timeout=30)

    def texte_du_journal(self) -> str:
        return self.journal.read_text(errors="replace")


class _SansRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Requete:
    nature: str
    debut: float
    fin: float
    code: int  # 0 : pas de réponse HTTP
    corps: str
    localisation: str = ""


@dataclass(eq=False)
class Client:
    """Un navigateur connecté (cookie de session), sans redirection suivie ; chaque requête est notée."""

    adresse: str
    cookies: dict[str, str]
    requetes: list[Requete] = field(default_factory=list)

    def __post_init__(self):
        self._ouvreur = urllib.request.build_opener(_SansRedirection)

    def _garder_les_cookies(self, entetes) -> None:
        for cookie in entetes.get_all("Set-Cookie") or []:
            nom, _, valeur = cookie.split(";", 1)[0].partition("=")
            self.cookies[nom.strip()] = valeur.strip()

    def envoyer(self, nature: str, chemin: str, donnees: dict | None = None, delai: float = 20) -> Requete:
        from urllib.parse import urlencode

        entetes = {"Cookie": "; ".join(f"{cle}={valeur}" for cle, valeur in self.cookies.items())}
        corps = None
        if donnees is not None:
            corps = urlencode(donnees).encode()
            entetes["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            entetes["Referer"] = self.adresse + chemin
        demande = urllib.request.Request(self.adresse + chemin, data=corps, headers=entetes)
        debut = time.monotonic()
        try:
            with self._ouvreur.open(demande, timeout=delai) as reponse:
                code, texte, localisation = reponse.status, reponse.read().decode(errors="replace"), ""
                self._garder_les_cookies(reponse.headers)
        except urllib.error.HTTPError as erreur:
            code, texte = erreur.code, erreur.read().decode(errors="replace")
            localisation = erreur.headers.get("Location", "")
            self._garder_les_cookies(erreur.headers)
        except OSError as erreur:
            code, texte, localisation = 0, repr(erreur), ""
        requete = Requete(nature, debut, time.monotonic(), code, texte, localisation)
        self.requetes.append(requete)
        return requete


class Charge:
    """Des fils qui répètent chacun `action(client, numero)` jusqu'à `arreter()`, bornés en nombre et en temps."""

    def __init__(self, action, clients: list[Client], *, pause: float, maximum: int, duree_max: float):
        self.action, self.clients, self.pause = action, clients, pause
        self.maximum, self.limite = maximum, time.monotonic() + duree_max
        self._fin = threading.Event()
        self.erreurs: list[BaseException] = []
        self.fils = [threading.Thread(target=self._boucle, args=(client,), daemon=True) for client in clients]

    def _boucle(self, client: Client) -> None:
        try:
            for numero in range(self.maximum):
                if self._fin.is_set() or time.monotonic() > self.limite:
                    return
                self.action(client, numero)
                self._fin.wait(self.pause)
        except BaseException as erreur:  # noqa: BLE001 - rapporté par arreter()
            self.erreurs.append(erreur)

    def __enter__(self):
        for fil in self.fils:
            fil.start()
        return self

    def __exit__(self, *exc):
        self._fin.set()
        for fil in self.fils:
            fil.join(timeout=60)
        assert not any(fil.is_alive() for fil in self.fils), "un client ne s'arrête pas"
        assert not self.erreurs, self.erreurs
