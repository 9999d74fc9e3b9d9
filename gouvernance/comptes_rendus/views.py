"""Les documents d'une séance : l'ordre du jour et le compte rendu à imprimer (page), en PDF (demandé puis produit
par un worker : la page d'attente du document suit sa progression), et le compte rendu archivé à la clôture.

Ordre du jour : ceux qui voient le comité. Compte rendu : son projet au secrétaire, puis, la séance clôturée, ceux qui
voient le comité. 404 pour qui ne voit pas le comité, 403 pour qui le voit sans avoir droit au projet."""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from gouvernance import permissions
from gouvernance.comptes_rendus import documents as documents_seance
from spie import documents


def ordre_du_jour_imprimer(request, uuid):
    seance = permissions.get_seance_for_user(request.user, uuid)
    contexte = documents_seance.contexte_ordre_du_jour(seance) | {"ecran": True}
    return render(request, documents_seance.GABARIT_ORDRE_DU_JOUR, contexte)


def ordre_du_jour_pdf(request, uuid):
    """Un GET qui demande le document (une seule production même si le bouton est pressé deux fois)."""
    seance = permissions.get_seance_for_user(request.user, uuid)
    document = documents.demander(
        documents_seance.PRODUCTEUR_ORDRE_DU_JOUR,
        demandeur=request.user,
        titre=f"Ordre du jour de la séance du {timezone.localtime(seance.date):%d/%m/%Y} — {seance.comite.nom}",
        nom_fichier=documents_seance.nom_fichier_ordre_du_jour(seance),
        seance=str(seance.uuid),
    )
    return redirect("document", document.uuid)


def compte_rendu_imprimer(request, uuid):
    seance = documents_seance.get_seance_for_compte_rendu(request.user, uuid)
    contexte = documents_seance.contexte_compte_rendu(seance) | {"ecran": True}
    return render(request, documents_seance.GABARIT_COMPTE_RENDU, contexte)


def compte_rendu_pdf(request, uuid):
    """Le compte rendu d'une séance clôturée déjà archivé se télécharge tel quel ; sinon il est produit."""
    seance = documents_seance.get_seance_for_compte_rendu(request.user, uuid)
    if seance.est_cloturee and seance.compte_rendu:
        return redirect("gouvernance:compte_rendu_telecharger", seance.uuid)
    quoi = "Compte rendu" if seance.est_cloturee else "Projet de compte rendu"
    document = documents.demander(
        documents_seance.PRODUCTEUR_COMPTE_RENDU,
        demandeur=request.user,
        titre=f"{quoi} de la séance du {timezone.localtime(seance.date):%d/%m/%Y} — {seance.comite.nom}",
        nom_fichier=documents_seance.nom_fichier_compte_rendu(seance),
        seance=str(seance.uuid),
    )
    return redirect("document", document.uuid)


@never_cache
def compte_rendu_telecharger(request, uuid):
    """Le compte rendu archivé à la clôture : servi par cette vue seulement (le stockage n'est pas public)."""
    seance = permissions.get_seance_for_user(request.user, uuid)
    if not seance.est_cloturee or not seance.compte_rendu:
        raise Http404("Le compte rendu de cette séance n'est pas (encore) archivé.")
    return FileResponse(
        seance.compte_rendu.open("rb"),
        as_attachment=True,
        filename=documents_seance.nom_fichier_compte_rendu(seance),
        content_type="application/pdf",
    )
