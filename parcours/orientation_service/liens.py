"""Le lien de réponse d'une orientation, pour la structure qui n'a pas de compte sur la plateforme : signé
(`django.core.signing`, sel dédié), il porte l'orientation et sa date d'expiration (celle de l'orientation, 30 jours
après l'envoi). Le modèle est celui des convocations (`parcours/convocations/liens.py`)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from spie.liens import lien_absolu

SEL = "parcours.orientation_service.reponse"


class LienInvalide(Exception):
    """Lien falsifié, tronqué ou mal recopié (page 400, sans rien dire de plus)."""


class LienExpire(Exception):
    """Lien authentique, mais passé sa date d'expiration (page 410)."""


@dataclass(frozen=True)
class Jeton:
    orientation: str  # uuid public de l'orientation
    expire_le: datetime


def signer(orientation) -> str:
    charge = {"o": str(orientation.uuid), "e": int(orientation.expire_le.timestamp())}
    return signing.dumps(charge, salt=SEL, compress=True)


def lire(valeur: str, *, maintenant=None) -> Jeton:
    try:
        charge = signing.loads(valeur, salt=SEL)
        jeton = Jeton(str(charge["o"]), datetime.fromtimestamp(charge["e"], tz=UTC))
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise LienInvalide from exc
    if (maintenant or timezone.now()) >= jeton.expire_le:
        raise LienExpire
    return jeton


def url_reponse(orientation) -> str:
    """L'adresse absolue du lien de réponse, pour un courriel."""
    return lien_absolu(reverse("parcours:orientation_lien", args=[signer(orientation)]))
