from django.core.exceptions import ValidationError

SIREN_LA_POSTE = "356000000"


def somme_luhn(chiffres: str) -> int:
    total = 0
    for rang, caractere in enumerate(reversed(chiffres)):
        chiffre = int(caractere)
        if rang % 2 == 1:
            chiffre *= 2
            if chiffre > 9:
                chiffre -= 9
        total += chiffre
    return total


def siret_est_valide(siret: str) -> bool:
    """14 chiffres et clé de Luhn ; les établissements de La Poste suivent leur propre règle."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(SIREN_LA_POSTE) and siret != "35600000000048":
        return sum(int(c) for c in siret) % 5 == 0
    return somme_luhn(siret) % 10 == 0


def valider_siret(valeur: str) -> None:
    siret = (valeur or "").replace(" ", "")
    if len(siret) != 14 or not siret.isdigit():
        raise ValidationError("Le SIRET doit comporter exactement 14 chiffres.", code="siret_format")
    if not siret_est_valide(siret):
        raise ValidationError(
            "Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez les 14 chiffres.",
            code="siret_cle",
        )
