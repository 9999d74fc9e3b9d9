"""Documents produits en arrière-plan (PDF…) : une ligne `DocumentGenere` par demande, une tâche Celery qui la
produit, une page qui en suit la progression. Chaque application déclare ses producteurs :

    @producteur("parcours.diagnostic")
    def diagnostic_pdf(demandeur, **parametres) -> bytes: ...

Le producteur reçoit le demandeur et revérifie ses droits par la façade au moment de produire (un accès retiré
entre-temps fait échouer la production) ; il rend le contenu du fichier.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from spie.models import DocumentGenere
from spie.pdf import ErreurPdf

PRODUCTEURS: dict[str, Callable[..., bytes]] = {}


def producteur(nom: str):
    def enregistrer(fonction):
        PRODUCTEURS[nom] = fonction
        return fonction

    return enregistrer


def demander(nom_producteur: str, *, demandeur, titre: str, nom_fichier: str, **parametres) -> DocumentGenere:
    """Enregistre la demande et confie la production à un worker, après le commit."""
    from spie.tasks import produire_document

    if nom_producteur not in PRODUCTEURS:
        raise ValueError(f"Producteur inconnu : {nom_producteur}")
    document = DocumentGenere.objects.create(
        demandeur=demandeur,
        producteur=nom_producteur,
        parametres=parametres,
        titre=titre,
        nom_fichier=nom_fichier,
        expire_le=timezone.now() + timedelta(hours=settings.SPIE_DOCUMENTS_DUREE_HEURES),
    )
    transaction.on_commit(lambda: produire_document.delay(document.pk))
    return document


def produire(document_id: int) -> None:
    """Produit le document s'il ne l'est pas déjà (idempotent : une tâche rejouée ne refait rien)."""
    with transaction.atomic():
        document = DocumentGenere.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.est_termine:
            return
        document.statut, document.progression = DocumentGenere.Statut.EN_COURS, 10
        document.save(update_fields=["statut", "progression"])
    try:
        contenu = PRODUCTEURS[document.producteur](document.demandeur, **document.parametres)
    except (ErreurPdf, PermissionDenied, Http404) as erreur:
        _terminer(document, DocumentGenere.Statut.ECHEC, erreur=_message(erreur))
        return
    document.fichier.save(document.nom_fichier, ContentFile(contenu), save=False)
    _terminer(document, DocumentGenere.Statut.PRET)


def _message(erreur) -> str:
    if isinstance(erreur, ErreurPdf):
        return str(erreur)
    return "Vous n'avez plus accès à ce dossier : le document n'a pas été produit."


def _terminer(document, statut, erreur="") -> None:
    document.statut, document.erreur, document.date_fin = statut, erreur, timezone.now()
    document.progression = 100
    document.save(update_fields=["statut", "erreur", "date_fin", "progression", "fichier"])


def purger(maintenant=None) -> int:
    """Supprime les documents expirés et leurs fichiers ; rend leur nombre."""
    expires = list(DocumentGenere.objects.expires(maintenant))
    for document in expires:
        if document.fichier:
            document.fichier.delete(save=False)
        document.delete()
    return len(expires)
