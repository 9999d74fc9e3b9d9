"""Les écritures de l'offre (voir ARCHITECTURE §4) : index de recherche, géographie déduite du code INSEE, places
des sessions. Les vues et les commandes passent par ces fonctions."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from offre import referentiels
from offre.models import MODIFIER_STRUCTURE, CritereService, Service, SessionService, Structure
from partenaires import permissions
from partenaires.referentiels import FRANCE, communes
from spie.texte import normaliser_recherche


def completer_geographie(objet) -> None:
    """Département, nom de commune et coordonnées déduits du code INSEE quand ils manquent (centre de la
    commune) ; un objet sans code INSEE garde ce qu'il a."""
    ligne = communes().get(objet.code_insee or "")
    if not ligne:
        return
    objet.departement = ligne["code_departement"]
    objet.commune = objet.commune or ligne["nom"]
    if (objet.latitude is None or objet.longitude is None) and ligne["latitude"]:
        objet.latitude, objet.longitude = float(ligne["latitude"]), float(ligne["longitude"])


def texte_recherche(service) -> str:
    return normaliser_recherche(" ".join([service.nom, service.description, service.structure.nom, service.commune]))


def _criteres(service) -> list[CritereService]:
    thematiques = referentiels.thematiques()
    valeurs = {(CritereService.Nature.THEMATIQUE, code) for code in service.thematiques} | {
        (CritereService.Nature.CATEGORIE, thematiques[code][1]) for code in service.thematiques if code in thematiques
    }
    # Sans public précisé, le service est pour tous ; sans zone d'éligibilité, il n'a pas de restriction.
    valeurs |= {(CritereService.Nature.PUBLIC, code) for code in service.publics or [referentiels.TOUS_PUBLICS]}
    valeurs |= {(CritereService.Nature.ZONE, code) for code in service.zone_eligibilite or [FRANCE[0]]}
    return [CritereService(service=service, nature=nature, code=code) for nature, code in sorted(valeurs)]


def preparer(service) -> None:
    """Ce qui se déduit avant d'enregistrer un service : géographie, département, texte cherchable."""
    completer_geographie(service)
    if not service.departement:
        service.departement = service.structure.departement
    service.texte_recherche = texte_recherche(service)


def indexer(services) -> None:
    """Réécrit l'index de recherche (thématiques, catégories, publics, zones) des services donnés."""
    services = list(services)
    CritereService.objects.filter(service__in=services).delete()
    CritereService.objects.bulk_create([critere for service in services for critere in _criteres(service)])


@transaction.atomic
def enregistrer_structure(structure: Structure) -> Structure:
    """Enregistre une structure validée (création ou modification) ; celle d'une organisation partenaire est
    partagée en modification avec le groupe de l'organisation (ses membres actifs la tiennent à jour)."""
    completer_geographie(structure)
    if not structure.departement and structure.organisation_id:
        structure.departement = structure.organisation.departement
    structure.full_clean()
    structure.save()
    if structure.organisation_id:
        permissions.partager(structure, structure.organisation, MODIFIER_STRUCTURE)
    return structure


@transaction.atomic
def enregistrer_service(service: Service) -> Service:
    """Enregistre un service validé (création ou modification) et son index."""
    preparer(service)
    service.full_clean()
    service.save()
    indexer([service])
    return service


@transaction.atomic
def reserver_place(session: SessionService) -> None:
    """Prend une place de la session (verrou sur la ligne) ; refuse une session complète ou annulée."""
    session = SessionService.objects.select_for_update().get(pk=session.pk)
    if session.annulee:
        raise ValidationError(f"La session « {session.intitule} » est annulée.")
    if session.est_complete:
        raise ValidationError(f"La session « {session.intitule} » est complète.")
    try:
        with transaction.atomic():  # SQLite ignore le verrou : la contrainte en base tranche la dernière place
            SessionService.objects.filter(pk=session.pk).update(places_prises=F("places_prises") + 1)
    except IntegrityError as exc:
        raise ValidationError(f"La session « {session.intitule} » est complète.") from exc


@transaction.atomic
def liberer_place(session: SessionService) -> None:
    SessionService.objects.filter(pk=session.pk, places_prises__gt=0).update(places_prises=F("places_prises") - 1)
