"""L'archivage du compte rendu d'une séance clôturée : un PDF rangé par l'API de stockage dans
`Seance.compte_rendu`, servi seulement par la vue protégée `gouvernance:compte_rendu_telecharger` (ceux qui voient le
comité). Une séance clôturée depuis plus de `DELAI_RELANCE` sans compte rendu voit son archivage relancé."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gouvernance.choix import StatutSeance
from gouvernance.comptes_rendus.documents import nom_fichier_compte_rendu, pdf_compte_rendu
from gouvernance.models import Seance

DELAI_RELANCE = timedelta(minutes=10)


def archiver(seance_id: int) -> bool:
    """Archive le compte rendu s'il ne l'est pas déjà ; rend True s'il vient d'être archivé. La séance est
    verrouillée pendant la production (elle est figée, rien d'autre ne l'écrit) : deux tâches simultanées ne
    produisent et ne rangent qu'un compte rendu."""
    with transaction.atomic():
        seance = Seance.objects.select_for_update().filter(pk=seance_id).first()
        if seance is None or not seance.est_cloturee or seance.compte_rendu:
            return False
        contenu = pdf_compte_rendu(seance)
        seance.compte_rendu.save(nom_fichier_compte_rendu(seance), ContentFile(contenu), save=False)
        Seance.objects.filter(pk=seance.pk).update(compte_rendu=seance.compte_rendu.name)
    return True


def seances_sans_compte_rendu(maintenant=None):
    """Les séances clôturées depuis plus de `DELAI_RELANCE` dont le compte rendu n'est pas archivé."""
    maintenant = maintenant or timezone.now()
    return Seance.objects.filter(
        statut=StatutSeance.CLOTUREE, compte_rendu="", cloturee_le__lt=maintenant - DELAI_RELANCE
    ).order_by("cloturee_le", "pk")
