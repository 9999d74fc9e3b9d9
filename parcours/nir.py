"""Le NIR (numéro de sécurité sociale) : seul module qui le normalise, le chiffre, le déchiffre et en calcule
l'empreinte.

- En base, la personne garde le NIR chiffré (Fernet : AES-128-CBC et HMAC-SHA256) et son empreinte (HMAC-SHA256 par
  une clé distincte). Seule l'empreinte sert à rapprocher des identités (import, doublons, recherche exacte) : deux
  NIR égaux ont la même empreinte, qui ne se renverse pas sans la clé.
- `SPIE_CLES_NIR` : liste de clés Fernet, la première chiffre, toutes déchiffrent (rotation : ajouter la nouvelle en
  tête, `manage.py rechiffrer_nir --wet-run`, puis retirer l'ancienne). `SPIE_CLE_EMPREINTE_NIR` : la clé de
  l'empreinte (la changer oblige à recalculer toutes les empreintes, ce que fait la même commande).
- En développement, sans ces réglages, des clés dérivées de SECRET_KEY ; la production refuse de démarrer sans
  clés explicites (`spie.settings.verifier_production`).
"""

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from spie.journaux import MOTIF_NIR


def normaliser(valeur: str | None) -> str:
    """« 1 88 05 2a 192 005 28 » → « 188052A19200528 » : sans espaces, en capitales."""
    return re.sub(r"\s", "", valeur or "").upper()


def ressemble_a_un_nir(texte: str | None) -> bool:
    """Le texte est-il (à peu près) un NIR ? Pour ne jamais le laisser aller dans une URL ni un journal."""
    return bool(texte) and bool(MOTIF_NIR.search(texte))


def _derivee(usage: str) -> bytes:
    return hashlib.sha256(f"spie:{usage}:{settings.SECRET_KEY}".encode()).digest()


def cles_de_chiffrement() -> tuple[str, ...]:
    cles = tuple(settings.SPIE_CLES_NIR)
    return cles or (base64.urlsafe_b64encode(_derivee("nir-chiffrement")).decode(),)


def cle_d_empreinte() -> bytes:
    return settings.SPIE_CLE_EMPREINTE_NIR.encode() or _derivee("nir-empreinte")


@lru_cache(maxsize=4)
def _fernet(cles: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(cle) for cle in cles])


def chiffrer(nir: str) -> str:
    nir = normaliser(nir)
    return _fernet(cles_de_chiffrement()).encrypt(nir.encode()).decode() if nir else ""


def dechiffrer(jeton: str) -> str:
    """Le NIR en clair. Une clé manquante lève une erreur qui ne contient ni le jeton ni le NIR."""
    if not jeton:
        return ""
    try:
        return _fernet(cles_de_chiffrement()).decrypt(jeton.encode()).decode()
    except InvalidToken:
        raise ValueError("NIR illisible : aucune des clés de SPIE_CLES_NIR ne le déchiffre.") from None


def empreinte(nir: str) -> str:
    nir = normaliser(nir)
    return hmac.new(cle_d_empreinte(), nir.encode(), hashlib.sha256).hexdigest() if nir else ""


def proteger(nir: str) -> tuple[str, str]:
    """(chiffré, empreinte) du NIR, deux chaînes vides s'il n'y en a pas."""
    return chiffrer(nir), empreinte(nir)


def rechiffrer(jeton: str) -> str:
    """Le même NIR chiffré par la première clé (rotation)."""
    return _fernet(cles_de_chiffrement()).rotate(jeton.encode()).decode() if jeton else ""


def a_jour(jeton: str, empreinte_gardee: str) -> bool:
    """Le NIR est-il chiffré par la première clé, et son empreinte calculée par la clé d'empreinte actuelle ?"""
    if not jeton:
        return not empreinte_gardee
    try:
        clair = Fernet(cles_de_chiffrement()[0]).decrypt(jeton.encode()).decode()
    except InvalidToken:
        return False
    return hmac.compare_digest(empreinte(clair), empreinte_gardee)
