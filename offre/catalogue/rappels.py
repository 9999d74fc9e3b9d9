"""Le rappel mensuel d'actualisation : pour chaque éditeur, ses services publiés passés leur date d'actualisation
(lecture seule ; la commande `rappeler_actualisation` envoie les courriels)."""

from dataclasses import dataclass, field

from django.utils import timezone

from offre.catalogue.regles import editeurs
from offre.models import Service


@dataclass
class Rappel:
    destinataire: object
    services: list = field(default_factory=list)


def rappels(jour=None) -> list[Rappel]:
    """Un rappel par éditeur qui a au moins un service à actualiser, dans l'ordre des utilisateurs ; chaque liste
    triée par structure puis par nom de service."""
    jour = jour or timezone.localdate()
    services = list(
        Service.objects.publies().a_actualiser(jour).select_related("structure").order_by("structure__nom", "nom", "pk")
    )
    structures = {service.structure_id: service.structure for service in services}
    par_structure = editeurs(structures.values())
    par_editeur: dict[int, Rappel] = {}
    for service in services:
        for utilisateur in par_structure[service.structure_id]:
            par_editeur.setdefault(utilisateur.pk, Rappel(utilisateur)).services.append(service)
    return [par_editeur[pk] for pk in sorted(par_editeur)]
