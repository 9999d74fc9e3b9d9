"""Journaux : rien qui ressemble à un NIR n'y est écrit (filtre branché sur chaque sortie dans `LOGGING`)."""

import logging
import re

# Ce qui ressemble à un NIR : sexe, année, mois, département (2A/2B pour la Corse), commune, ordre et clé, avec ou
# sans espaces (« 1 88 05 40 192 005 28 »). Large exprès : mieux vaut masquer un faux NIR qu'en laisser passer un.
MOTIF_NIR = re.compile(r"(?<![\dA-Za-z])[1-478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AaBb])\s?\d{3}\s?\d{3}(?:\s?\d{2})?(?!\d)")
MASQUE = "[NIR masqué]"


def masquer_nir(texte: str) -> str:
    return MOTIF_NIR.sub(MASQUE, texte)


class MasquerNIR(logging.Filter):
    """Réécrit le message déjà formaté (arguments compris) sans ce qui ressemble à un NIR ; la pile d'une exception
    est formatée ici aussi, pour que le gestionnaire n'y retrouve pas le NIR."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masque = masquer_nir(message)
        if masque != message:
            record.msg, record.args = masque, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = masquer_nir(record.exc_text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = masquer_nir(record.stack_info)
        return True
