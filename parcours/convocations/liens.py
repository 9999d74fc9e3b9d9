"""Les liens de réponse d'une convocation : signés (`django.core.signing`, sel dédié), ils portent le rendez-vous,
la réponse proposée et leur date d'expiration (la date et l'heure du rendez-vous)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from spie.liens import lien_absolu

SEL = "parcours.convocations.reponse"


class LienInvalide(Exception):
    """Lien falsifié, tronqué ou mal recopié : on n'en dit pas plus (page 404)."""


class LienExpire(Exception):
    """Lien authentique, mais le rendez-vous est passé (page 400)."""


@dataclass(frozen=True)
class Jeton:
    rendez_vous: str  # uuid public du rendez-vous
    reponse: str  # une valeur de RendezVous.Reponse
    expire_le: datetime


def signer(rendez_vous, reponse: str) -> str:
    charge = {"r": str(rendez_vous.uuid), "c": reponse, "e": int(rendez_vous.date_heure.timestamp())}
    return signing.dumps(charge, salt=SEL, compress=True)


def lire(valeur: str, *, maintenant=None) -> Jeton:
    from parcours.models import RendezVous

    try:
        charge = signing.loads(valeur, salt=SEL)
        jeton = Jeton(charge["r"], charge["c"], datetime.fromtimestamp(charge["e"], tz=UTC))
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise LienInvalide from exc
    if jeton.reponse not in RendezVous.Reponse.values:
        raise LienInvalide
    if (maintenant or timezone.now()) >= jeton.expire_le:
        raise LienExpire
    return jeton


def url_reponse(rendez_vous, reponse: str) -> str:
    """L'adresse absolue du lien de réponse, pour un courriel."""
    chemin = reverse("parcours:convocation_repondre", args=[signer(rendez_vous, reponse)])
    return lien_absolu(chemin)
