from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


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
