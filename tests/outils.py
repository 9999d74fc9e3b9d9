"""Outils partagés par les tests (codes TOTP…)."""

import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value


def code_totp(secret: str, decalage: int = 0) -> str:
    """Le code à 6 chiffres qu'afficherait l'application d'authentification maintenant."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + decalage))


def code_totp_a_saisir(secret: str) -> str:
    """Le code à saisir dans un formulaire, par un vrai navigateur ou le client de test : si la fenêtre de 30 s se
    ferme dans moins de 5 s, on attend la suivante. Sinon le code peut changer entre le calcul et l'envoi, et la
    connexion échoue par hasard (allauth n'accepte que la fenêtre en cours)."""
    reste = 30 - time.time() % 30
    if reste < 5:
        time.sleep(reste + 0.2)
    return code_totp(secret)


def activer_totp(utilisateur) -> str:
    """Configure le second facteur d'un utilisateur et rend son secret."""
    secret = generate_totp_secret()
    TOTP.activate(utilisateur, secret)
    return secret
