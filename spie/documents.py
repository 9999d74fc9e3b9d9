"""Documents produits en arrière-plan (PDF…) : une ligne `DocumentGenere` par demande, une tâche Celery qui la
produit, une page qui en suit la progression. Chaque application déclare ses producteurs :

    @producteur("parcours.diagnostic")
    def diagnostic_pdf(demandeur, **parametres) -> bytes: ...

Le producteur reçoit le demandeur et revérifie ses droits par la façade au moment de produire (un accès retiré
entre-temps fait échouer la production) ; il rend le contenu du fichier.

Fiabilité :
- une seule production par demande : un second clic (ou une seconde requête simultanée) rend le document identique
  encore en attente ou en cours, au lieu d'en créer un autre ;
- rien ne se perd : `relancer` (commande `relancer_documents`, lancée par beat) ré-enfile les documents restés en
  attente (tâche perdue avec Redis) ou « en cours » au-delà du délai de production (worker mort) ;
- `produire` est idempotent et tient le verrou de la ligne pendant la production : une tâche rejouée pendant qu'un
  autre worker produit attend, puis trouve le document prêt et ne refait rien.
"""

import json
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from spie.models import DocumentGenere
from spie.pdf import ErreurPdf

logger = logging.getLogger(__name__)

PRODUCTEURS: dict[str, Callable[..., bytes]] = {}
# Une demande en attente depuis plus longtemps a perdu sa tâche (Redis redémarré, message perdu) : on la ré-enfile.
ATTENTE_MAX = timedelta(minutes=2)
# Au-delà du délai du PDF et de cette marge (gabarit, lectures, rangement du fichier), un document « en cours » n'a
# plus de worker vivant pour le produire.
MARGE_PRODUCTION = timedelta(minutes=2)
EN_COURS_OU_EN_ATTENTE = (DocumentGenere.Statut.EN_ATTENTE, DocumentGenere.Statut.EN_COURS)
ERREUR_INATTENDUE = "La production du document a échoué. Réessayez ; si l'erreur revient, signalez-la au support."


def producteur(nom: str):
    def enregistrer(fonction):
        PRODUCTEURS[nom] = fonction
        return fonction

    return enregistrer


def duree_production_max() -> timedelta:
    return timedelta(seconds=getattr(settings, "SPIE_PDF_DELAI_SECONDES", 60)) + MARGE_PRODUCTION


def demander(nom_producteur: str, *, demandeur, titre: str, nom_fichier: str, **parametres) -> DocumentGenere:
    """Enregistre la demande et confie la production à un worker, après le commit. Le même document (même
    demandeur, même producteur, mêmes paramètres) encore en attente ou en cours est rendu tel quel : deux clics ne
    produisent qu'un document. La ligne du demandeur est verrouillée le temps de chercher puis d'écrire, si bien que
    deux requêtes simultanées ne créent pas deux documents."""
    from spie.tasks import produire_document

    if nom_producteur not in PRODUCTEURS:
        raise ValueError(f"Producteur inconnu : {nom_producteur}")
    parametres = json.loads(json.dumps(parametres, cls=DjangoJSONEncoder))  # tels que relus depuis la base
    maintenant = timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=demandeur.pk).first()
        existant = next(
            (
                document
                for document in DocumentGenere.objects.filter(
                    demandeur=demandeur, producteur=nom_producteur, statut__in=EN_COURS_OU_EN_ATTENTE
                ).order_by("-date_demande", "-pk")
                if document.parametres == parametres
            ),
            None,
        )
        if existant is not None:
            if existant.statut == DocumentGenere.Statut.EN_ATTENTE and existant.date_demande < maintenant - ATTENTE_MAX:
                # Sa tâche s'est sans doute perdue : le nouveau clic la relance sans attendre le balayage.
                transaction.on_commit(lambda: produire_document.delay(existant.pk))
            return existant
        document = DocumentGenere.objects.create(
            demandeur=demandeur,
            producteur=nom_producteur,
            parametres=parametres,
            titre=titre,
            nom_fichier=nom_fichier,
            date_demande=maintenant,
            expire_le=maintenant + timedelta(hours=settings.SPIE_DOCUMENTS_DUREE_HEURES),
        )
        transaction.on_commit(lambda: produire_document.delay(document.pk))
    return document


def produire(document_id: int) -> None:
    """Produit le document s'il ne l'est pas déjà (idempotent : une tâche rejouée ne refait rien).

    Le statut « en cours » est d'abord publié (la page d'attente le lit), puis la ligne est verrouillée pendant la
    production : une seconde tâche pour le même document attend la fin de la première et ne refait rien ; si le
    worker meurt, la base libère le verrou et le document reste « en cours » jusqu'à ce que `relancer` le ré-enfile.
    """
    with transaction.atomic():
        document = DocumentGenere.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.est_termine:
            return
        document.statut, document.progression = DocumentGenere.Statut.EN_COURS, 10
        document.save(update_fields=["statut", "progression"])
    with transaction.atomic():
        document = DocumentGenere.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.est_termine:
            return
        try:
            # Un point de sauvegarde : une erreur de base dans le producteur n'empêche pas de noter l'échec.
            with transaction.atomic():
                contenu = PRODUCTEURS[document.producteur](document.demandeur, **document.parametres)
        except (ErreurPdf, PermissionDenied, Http404) as erreur:
            _terminer(document, DocumentGenere.Statut.ECHEC, erreur=_message(erreur))
            return
        except Exception:
            # Une erreur de programmation : le demandeur le sait tout de suite (pas de relance sans fin), et
            # l'erreur est journalisée avec sa pile.
            logger.exception("Échec inattendu de la production du document %s (%s)", document.pk, document.producteur)
            _terminer(document, DocumentGenere.Statut.ECHEC, erreur=ERREUR_INATTENDUE)
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


def a_relancer(maintenant=None):
    """Les documents dont la production s'est perdue : en attente depuis plus de `ATTENTE_MAX`, ou « en cours »
    depuis leur demande au-delà du délai de production (le modèle ne garde pas l'heure du début de production ;
    `produire` tient le verrou de la ligne, si bien qu'un document encore en production n'est jamais produit deux
    fois, et sur PostgreSQL `relancer` l'écarte d'emblée)."""
    maintenant = maintenant or timezone.now()
    return DocumentGenere.objects.filter(
        statut=DocumentGenere.Statut.EN_ATTENTE, date_demande__lt=maintenant - ATTENTE_MAX
    ) | DocumentGenere.objects.filter(
        statut=DocumentGenere.Statut.EN_COURS, date_demande__lt=maintenant - duree_production_max()
    )


def relancer(maintenant=None) -> int:
    """Ré-enfile (après le commit) les documents dont la production s'est perdue ; rend leur nombre. Sur
    PostgreSQL, une ligne verrouillée est en cours de production par un worker vivant : elle est laissée."""
    from spie.tasks import produire_document

    with transaction.atomic():
        documents = a_relancer(maintenant).order_by("date_demande", "pk")
        if connection.features.has_select_for_update_skip_locked:
            documents = documents.select_for_update(skip_locked=True)
        ids = list(documents.values_list("pk", flat=True))
        for document_id in ids:
            transaction.on_commit(lambda document_id=document_id: produire_document.delay(document_id))
    return len(ids)


def purger(maintenant=None) -> int:
    """Supprime les documents expirés et leurs fichiers ; rend leur nombre."""
    expires = list(DocumentGenere.objects.expires(maintenant))
    for document in expires:
        if document.fichier:
            document.fichier.delete(save=False)
        document.delete()
    return len(expires)
