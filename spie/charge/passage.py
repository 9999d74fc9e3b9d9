"""Un scénario passé sous locust (processus à part, sans interface) dans l'un des deux régimes, et ses mesures
relues."""

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from spie.charge.statistiques import SATURATION, UTILISATEURS

LOCUSTFILE = Path(__file__).resolve().with_name("locustfile.py")


@dataclass(frozen=True)
class Regime:
    """Comment les utilisateurs simulés enchaînent leurs requêtes : avec un temps de réflexion tiré entre
    `reflexion_s[0]` et `reflexion_s[1]` secondes (régime « utilisateurs »), ou sans attente (None : « saturation »)."""

    duree_s: int
    reflexion_s: tuple[float, float] | None = None

    @property
    def nom(self) -> str:
        return UTILISATEURS if self.reflexion_s else SATURATION


def lire_reflexion(texte: str) -> tuple[float, float]:
    """« 1,3 » → (1.0, 3.0) : les bornes du temps de réflexion, en secondes (0 ≤ min ≤ max, max > 0)."""
    morceaux = [morceau.strip() for morceau in texte.split(",")]
    try:
        minimum, maximum = (float(morceau) for morceau in morceaux)
    except ValueError:
        raise ValueError(f"temps de réflexion « {texte} » : deux nombres de secondes attendus, « min,max »") from None
    if not 0 <= minimum <= maximum or maximum <= 0:
        raise ValueError(f"temps de réflexion « {texte} » : il faut 0 ≤ min ≤ max et max > 0")
    return minimum, maximum


@dataclass
class Mesures:
    duree_s: float
    par_requete: dict[str, list[tuple[float, bool]]]
    exemples_d_erreurs: dict[str, list[str]] = field(default_factory=dict)


def lire_mesures(donnees: dict) -> Mesures:
    """Regroupe par nom de requête les mesures écrites par le locustfile."""
    par_requete: dict[str, list[tuple[float, bool]]] = {}
    for nom, duree, reussie in donnees["mesures"]:
        par_requete.setdefault(nom, []).append((float(duree), bool(reussie)))
    return Mesures(
        duree_s=donnees["fin"] - donnees["debut"],
        par_requete=par_requete,
        exemples_d_erreurs=donnees.get("exemples_d_erreurs", {}),
    )


def lancer_locust(plan: dict, regime: Regime, *, adresse: str, utilisateurs: int, journal: Path) -> Mesures:
    """Lance locust sur `plan` dans `regime` : `utilisateurs` démarrés d'un coup, pendant `regime.duree_s` secondes."""
    duree_s = regime.duree_s
    with tempfile.TemporaryDirectory(prefix="spie-charge-") as dossier:
        chemin_plan = Path(dossier) / "plan.json"
        chemin_mesures = Path(dossier) / "mesures.json"
        chemin_plan.write_text(json.dumps({**plan, "reflexion_s": regime.reflexion_s}), encoding="utf-8")
        commande = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(utilisateurs),
            "--spawn-rate",
            str(utilisateurs),
            "--run-time",
            f"{duree_s}s",
            "--stop-timeout",
            "10",
            "--host",
            adresse,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        env = {**os.environ, "SPIE_CHARGE_PLAN": str(chemin_plan), "SPIE_CHARGE_MESURES": str(chemin_mesures)}
        with open(journal, "a") as sortie:
            # locust sort avec le code 1 dès qu'une requête a échoué : les erreurs se lisent dans les mesures.
            subprocess.run(
                commande, env=env, stdout=sortie, stderr=subprocess.STDOUT, check=False, timeout=duree_s + 120
            )
        if not chemin_mesures.exists():
            raise RuntimeError(f"locust n'a écrit aucune mesure : voir {journal}")
        return lire_mesures(json.loads(chemin_mesures.read_text(encoding="utf-8")))
