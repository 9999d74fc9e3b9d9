"""Un point d'ordre du jour supprimé (par le secrétaire, depuis la page de la séance) rend son étude « soumise » :
elle peut être inscrite à une autre séance. Un carnet anonymisé (conservation, `parcours.conservation`) perd les
textes de ses études de situation. Branché par `GouvernanceConfig.ready` et par les services des études."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from gouvernance.models import EtudeSituation, Point
from parcours.conservation import efface
from parcours.signals import carnets_anonymises


@receiver(pre_delete, sender=Point, dispatch_uid="gouvernance-etudes-point-supprime")
def point_supprime(sender, instance, **kwargs):
    from gouvernance.etudes.services import remettre_soumises

    remettre_soumises(instance.etudes.all())


@receiver(carnets_anonymises, dispatch_uid="gouvernance-etudes-carnets-anonymises")
def carnets_anonymises_recus(sender, ids, **kwargs):
    """Les initiales, la situation, la question et la recommandation : effacées (le numéro et les dates restent)."""
    EtudeSituation.objects.filter(carnet__in=ids).update(
        initiales="", **{champ: efface(champ) for champ in ["situation", "question", "recommandation"]}
    )
