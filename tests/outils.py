"""Outils partagés par les tests (codes TOTP…)."""

import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value


def code_totp(secret: str, decalage: int = 0) -> str:
    """Le code à 6 chiffres qu'afficherait l'application d'authentification maintenant."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + decalage))


def activer_totp(utilisateur) -> str:
    """Configure le second facteur d'un utilisateur et rend son secret."""
    secret = generate_totp_secret()
    TOTP.activate(utilisateur, secret)
    return secret
