"""Le lien de réponse d'une orientation, pour la structure qui n'a pas de compte sur la plateforme : signé
(`django.core.signing`, sel dédié), il porte l'orientation. Sa validité se lit sur l'orientation : jusqu'à son
expiration (30 jours après l'envoi) tant qu'elle attend une réponse ; une fois acceptée, un an après l'envoi, pour
que la structure puisse indiquer l'entrée, la fin ou l'abandon ; jamais une fois close. Le modèle est celui des
convocations (`parcours/convocations/liens.py`)."""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from parcours.models import OrientationService
from spie.liens import lien_absolu

DUREE_APRES_ACCEPTATION = timedelta(days=365)
SEL = "parcours.orientation_service.reponse"


class LienInvalide(Exception):
    """Lien falsifié, tronqué ou mal recopié (page 400, sans rien dire de plus)."""


class LienExpire(Exception):
    """Lien authentique, mais passé sa date d'expiration (page 410)."""


@dataclass(frozen=True)
class Jeton:
    orientation: str  # uuid public de l'orientation


def signer(orientation) -> str:
    return signing.dumps({"o": str(orientation.uuid)}, salt=SEL, compress=True)


def lire(valeur: str) -> Jeton:
    try:
        return Jeton(str(signing.loads(valeur, salt=SEL)["o"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LienInvalide from exc


def valide_jusqu_au(orientation):
    """Sans réponse : l'expiration de l'orientation ; acceptée ou commencée : un an après l'envoi."""
    if orientation.statut in OrientationService.STATUTS_SANS_REPONSE:
        return orientation.expire_le
    return orientation.envoyee_le + DUREE_APRES_ACCEPTATION


def verifier(orientation, *, maintenant=None) -> None:
    """Lève `LienExpire` quand le lien de cette orientation n'est plus valable."""
    if (maintenant or timezone.now()) >= valide_jusqu_au(orientation):
        raise LienExpire


def url_reponse(orientation) -> str:
    """L'adresse absolue du lien de réponse, pour un courriel."""
    return lien_absolu(reverse("parcours:orientation_lien", args=[signer(orientation)]))
