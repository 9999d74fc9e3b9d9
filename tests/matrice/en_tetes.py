"""Les en-têtes de sécurité, vérifiés sur chaque réponse de la matrice des URL (tests/test_matrice_urls.py).

Les valeurs attendues sont écrites ici en clair, pas relues dans les réglages : un réglage affaibli fait échouer.
"""

import re

# Les directives de la Content-Security-Policy que chaque réponse doit porter telles quelles.
DIRECTIVES_ATTENDUES = {
    "default-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}


# Ce que la CSP bloquerait dans une page : un attribut style, une balise <style>, un script en ligne sans nonce.
EN_LIGNE = re.compile(r"<script\b[^>]*>|<style\b[^>]*>|<[^>]+\sstyle\s*=", re.IGNORECASE)


def en_ligne_bloque(html: str) -> list[str]:
    """Les morceaux d'une page HTML que la CSP bloquerait (les blocs JSON de json_script sont inertes)."""
    return [
        morceau[:120]
        for morceau in EN_LIGNE.findall(html)
        if not (morceau.startswith("<script") and re.search(r"\ssrc=|\snonce=|application/json", morceau))
    ]


def directives_csp(reponse) -> dict[str, set[str]]:
    """La Content-Security-Policy d'une réponse, directive → ensemble des sources."""
    politique = reponse.headers.get("Content-Security-Policy")
    assert politique, "réponse sans en-tête Content-Security-Policy"
    directives = {}
    for directive in politique.split(";"):
        nom, *sources = directive.split()
        directives[nom] = set(sources)
    return directives


def verifier_en_tetes(reponse, connecte: bool) -> None:
    """La réponse porte la CSP, nosniff, Referrer-Policy, X-Frame-Options DENY, COOP ; pas de cache si connecté ;
    une page HTML n'a rien que la CSP bloquerait ; chaque cookie posé est HttpOnly et SameSite=Lax."""
    directives = directives_csp(reponse)
    for nom, sources in DIRECTIVES_ATTENDUES.items():
        assert directives.get(nom) == sources, f"CSP {nom} : {directives.get(nom)} au lieu de {sources}"
    script = directives.get("script-src", set())
    assert "'self'" in script and not script & {"'unsafe-inline'", "'unsafe-eval'"}, f"CSP script-src : {script}"
    assert all(source == "'self'" or source.startswith("'nonce-") for source in script), script
    assert reponse.headers.get("X-Content-Type-Options") == "nosniff"
    assert reponse.headers.get("Referrer-Policy") == "same-origin"
    assert reponse.headers.get("X-Frame-Options") == "DENY"
    assert reponse.headers.get("Cross-Origin-Opener-Policy") == "same-origin"
    if connecte:
        cache = {valeur.strip() for valeur in reponse.headers.get("Cache-Control", "").split(",")}
        assert {"no-store", "private"} <= cache, f"Cache-Control d'une réponse à un connecté : {cache}"
    if not reponse.streaming and reponse.headers.get("Content-Type", "").startswith("text/html"):
        bloques = en_ligne_bloque(reponse.content.decode())
        assert not bloques, f"la CSP bloquerait dans la page : {bloques}"
    for nom, cookie in reponse.cookies.items():
        if not cookie.value and cookie["max-age"] == 0:
            continue  # un cookie effacé (déconnexion, messages lus) : rien n'est posé
        assert cookie["httponly"], f"le cookie {nom} est lisible par JavaScript"
        assert cookie["samesite"] == "Lax", f"le cookie {nom} : SameSite={cookie['samesite']!r}"
