from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from spie.models import DocumentGenere

CHEMIN_PLANCHER = "plancher/"


@login_not_required
def accueil(request):
    if not request.user.is_authenticated:
        return render(request, "accueil_public.html")
    return render(request, "accueil.html", {"membres": getattr(request, "membres_actifs", [])})


@login_not_required
@never_cache
def sante(request):
    """Sonde de vie pour l'orchestrateur : base de données et cache répondent."""
    etat = {}
    try:
        with connection.cursor() as curseur:
            curseur.execute("SELECT 1")
        etat["base_de_donnees"] = "ok"
    except Exception as exc:  # noqa: BLE001 - la sonde rapporte toute panne
        etat["base_de_donnees"] = f"erreur : {exc.__class__.__name__}"
    try:
        cache.set("sonde-sante", "ok", 5)
        etat["cache"] = "ok" if cache.get("sonde-sante") == "ok" else "erreur"
    except Exception as exc:  # noqa: BLE001
        etat["cache"] = f"erreur : {exc.__class__.__name__}"
    statut = 200 if all(valeur == "ok" for valeur in etat.values()) else 503
    return JsonResponse(etat, status=statut)


def plancher(request):
    """La page plancher des tests de charge (branchée seulement si `SPIE_PAGE_PLANCHER`) : réservée aux comptes
    connectés comme toute page (LoginRequiredMiddleware), elle traverse toute la pile d'intergiciels (session, second
    facteur, comptes séparés…) et ne fait rien d'autre. Son débit est le plafond du serveur pour une page connectée."""
    return HttpResponse("plancher\n", content_type="text/plain; charset=utf-8")


def _document(request, uuid) -> DocumentGenere:
    """Un document généré n'est montré qu'à qui l'a demandé (404 pour tout autre, sans oracle)."""
    document = DocumentGenere.objects.filter(uuid=uuid, demandeur=request.user).first()
    if document is None:
        raise Http404("Document introuvable.")
    return document


@never_cache
def document(request, uuid):
    """La page d'attente d'un document : sa progression, relue par htmx (ou par rafraîchissement sans JavaScript)
    jusqu'au lien de téléchargement."""
    document = _document(request, uuid)
    gabarit = "spie/includes/document_etat.html" if request.htmx else "spie/document.html"
    return render(request, gabarit, {"document": document})


@never_cache
def document_telecharger(request, uuid):
    document = _document(request, uuid)
    if document.statut != DocumentGenere.Statut.PRET:
        raise Http404("Ce document n'est pas (ou plus) disponible.")
    return FileResponse(document.fichier.open("rb"), as_attachment=True, filename=document.nom_fichier)
