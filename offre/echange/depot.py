"""Le fichier analysé, gardé dans la session de l'importateur (compressé) jusqu'à sa confirmation : l'import
confirmé est exactement celui qui a été analysé, sans second téléversement. Son empreinte SHA-256, montrée sur la
page et renvoyée par le formulaire de confirmation, garantit qu'on confirme bien le fichier qu'on a sous les yeux
(une nouvelle analyse, dans un autre onglet, remplace la précédente). La session expire avec le navigateur."""

import base64
import hashlib
import zlib
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from offre.echange.analyse import Analyse
from offre.echange.lecture import Fichier

CLE = "offre_echange_import"
ERREURS_GARDEES = 1000  # les premières erreurs, montrées sur la page (le compte, lui, est complet)


@dataclass
class Depot:
    empreinte: str
    fichiers: list[Fichier]
    analyse_le: object
    compte: dict
    erreurs: list[str]
    nb_erreurs: int
    avertissements: list[str]

    @property
    def noms(self) -> list[str]:
        return [fichier.nom for fichier in self.fichiers]


def empreinte(fichiers: list[Fichier]) -> str:
    calcul = hashlib.sha256()
    for fichier in fichiers:
        for partie in (fichier.nature.encode(), fichier.nom.encode(), fichier.contenu):
            calcul.update(len(partie).to_bytes(8, "big"))
            calcul.update(partie)
    return calcul.hexdigest()


def garder(session, fichiers: list[Fichier], analyse: Analyse) -> None:
    session[CLE] = {
        "empreinte": empreinte(fichiers),
        "fichiers": [
            {
                "nature": fichier.nature,
                "nom": fichier.nom,
                "contenu": base64.b64encode(zlib.compress(fichier.contenu)).decode("ascii"),
            }
            for fichier in fichiers
        ],
        "analyse_le": timezone.now().isoformat(),
        "compte": analyse.compte(),
        "erreurs": analyse.erreurs[:ERREURS_GARDEES],
        "nb_erreurs": len(analyse.erreurs),
        "avertissements": analyse.avertissements,
    }


def reprendre(session) -> Depot | None:
    donnees = session.get(CLE)
    if not donnees:
        return None
    fichiers = [
        Fichier(f["nature"], f["nom"], zlib.decompress(base64.b64decode(f["contenu"]))) for f in donnees["fichiers"]
    ]
    if empreinte(fichiers) != donnees["empreinte"]:
        return None
    return Depot(
        empreinte=donnees["empreinte"],
        fichiers=fichiers,
        analyse_le=parse_datetime(donnees["analyse_le"]),
        compte=donnees["compte"],
        erreurs=donnees["erreurs"],
        nb_erreurs=donnees["nb_erreurs"],
        avertissements=donnees["avertissements"],
    )


def oublier(session) -> None:
    session.pop(CLE, None)
