"""Un point d'ordre du jour supprimé (par le secrétaire, depuis la page de la séance) rend son étude « soumise » :
elle peut être inscrite à une autre séance. Branché par `GouvernanceConfig.ready` et par les services des études."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from gouvernance.models import Point


@receiver(pre_delete, sender=Point, dispatch_uid="gouvernance-etudes-point-supprime")
def point_supprime(sender, instance, **kwargs):
    from gouvernance.etudes.services import remettre_soumises

    remettre_soumises(instance.etudes.all())
