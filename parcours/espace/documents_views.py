"""La page « Mes documents » de la personne : ses deux téléchargements (le PDF de son carnet, toutes ses données en
JSON), produits en arrière-plan par `spie.documents` puis suivis sur la page commune d'un document, et ses demandes
récentes."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from parcours.espace.acces import personne_requise
from spie import documents
from spie.models import DocumentGenere

DOCUMENTS_RECENTS = 10


@require_GET
@personne_requise
def mes_documents(request, carnet):
    recents = DocumentGenere.objects.filter(demandeur=request.user).order_by("-date_demande", "-pk")[:DOCUMENTS_RECENTS]
    return render(
        request,
        "parcours/espace/documents/documents.html",
        {"documents": list(recents), "duree_heures": settings.SPIE_DOCUMENTS_DUREE_HEURES},
    )


@require_POST
@personne_requise
def carnet_pdf(request, carnet):
    document = documents.demander(
        "parcours.espace_carnet",
        demandeur=request.user,
        titre="Mon carnet de bord (PDF)",
        nom_fichier="mon-carnet-de-bord.pdf",
        carnet=carnet.uuid,
    )
    return redirect("document", document.uuid)


@require_POST
@personne_requise
def mes_donnees(request, carnet):
    document = documents.demander(
        "parcours.espace_donnees",
        demandeur=request.user,
        titre="Toutes mes données (JSON)",
        nom_fichier="mes-donnees-spie.json",
        carnet=carnet.uuid,
    )
    return redirect("document", document.uuid)
