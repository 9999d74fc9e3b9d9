import re

from django.core.exceptions import ValidationError

from parcours import nir

FORMAT_NIR = re.compile(r"^[12378]\d{4}(\d{2}|2A|2B)\d{6}\d{2}$")


normaliser_nir = nir.normaliser


def cle_nir(treize: str) -> int:
    """Clé de contrôle : 97 moins le reste de la division par 97 (Corse : 2A → 19, 2B → 18)."""
    nombre = int(treize.replace("2A", "19", 1).replace("2B", "18", 1)) if treize[5:7] in ("2A", "2B") else int(treize)
    return 97 - nombre % 97


def valider_nir(valeur: str) -> None:
    nir = normaliser_nir(valeur)
    if not nir:
        return
    if not FORMAT_NIR.match(nir):
        raise ValidationError(
            "Le NIR comporte 13 caractères (chiffres, ou 2A/2B pour la Corse) suivis d'une clé de 2 chiffres.",
            code="nir_format",
        )
    if cle_nir(nir[:13]) != int(nir[13:]):
        raise ValidationError(
            "La clé du NIR ne correspond pas aux 13 premiers caractères : vérifiez la saisie.", code="nir_cle"
        )
