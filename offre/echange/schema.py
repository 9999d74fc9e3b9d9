"""La validation d'un objet contre le schéma data·inclusion v1 livré avec le projet (JSON Schema, Draft 2020-12), et
la traduction de chaque erreur du schéma en une phrase française qui nomme le champ et la valeur fautive.

Les formats `email`, `uri` et `date` sont vérifiés (par les validateurs de Django pour les deux premiers), comme le
ferait data·inclusion ; les champs hors schéma ne sont pas refusés (le schéma ne fixe pas `additionalProperties`)."""

import re
from datetime import date
from functools import cache

from django.core.exceptions import ValidationError as ErreurDjango
from django.core.validators import URLValidator, validate_email
from jsonschema import Draft202012Validator, FormatChecker

from offre import referentiels

STRUCTURE = "structure"
SERVICE = "service"

# Ce que désigne une valeur inconnue d'une liste fermée, champ par champ (« thématique inconnue « foo » »).
INCONNUES = {
    "thematiques": "thématique inconnue",
    "publics": "public inconnu",
    "type": "type de service inconnu",
    "frais": "valeur de frais inconnue",
    "modes_accueil": "mode d'accueil inconnu",
    "modes_mobilisation": "mode de mobilisation inconnu",
    "mobilisable_par": "personne mobilisatrice inconnue",
    "reseaux_porteurs": "réseau porteur inconnu",
}
# Le format attendu des champs à motif.
FORMATS = {
    "code_postal": "un code postal de 5 chiffres",
    "code_insee": "un code INSEE de commune (5 caractères)",
    "siret": "un SIRET de 14 chiffres",
    "zone_eligibilite": "un code de commune (5 caractères), de département (2 ou 3), d'EPCI (9 chiffres), de pays "
    "(99xxx) ou « france »",
}
TYPES = {
    "string": "un texte",
    "number": "un nombre",
    "integer": "un nombre entier",
    "array": "une liste",
    "object": "un objet",
    "boolean": "vrai ou faux",
}
DATE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _verificateur() -> FormatChecker:
    verificateur = FormatChecker(formats=())

    @verificateur.checks("email", raises=ErreurDjango)
    def _courriel(valeur) -> bool:
        if isinstance(valeur, str):
            validate_email(valeur)
        return True

    @verificateur.checks("uri", raises=ErreurDjango)
    def _lien(valeur) -> bool:
        if isinstance(valeur, str):
            URLValidator()(valeur)
        return True

    @verificateur.checks("date", raises=ValueError)
    def _date(valeur) -> bool:
        if isinstance(valeur, str):
            if not DATE_ISO.match(valeur):
                raise ValueError(valeur)
            date.fromisoformat(valeur)
        return True

    return verificateur


def compiler(schema: dict) -> dict:
    """Le schéma v1 sans `$ref` (définitions recopiées en place) ni branche `null` pour les champs facultatifs :
    l'objet est validé privé de ses champs facultatifs null (absent ou null, c'est tout un pour v1). Même verdict,
    quatre fois moins de travail pour jsonschema (2 000 services s'analysent en quelques secondes)."""
    definitions = schema.get("$defs", {})

    def recopier(noeud):
        if isinstance(noeud, dict):
            if "$ref" in noeud:
                return recopier(definitions[noeud["$ref"].removeprefix("#/$defs/")])
            return {cle: recopier(valeur) for cle, valeur in noeud.items() if cle != "$defs"}
        if isinstance(noeud, list):
            return [recopier(element) for element in noeud]
        return noeud

    compile_ = recopier(schema)
    for nom, propriete in compile_["properties"].items():
        branches = propriete.get("anyOf", [])
        utiles = [branche for branche in branches if branche != {"type": "null"}]
        if len(branches) == 2 and len(utiles) == 1:
            compile_["properties"][nom] = {
                **{cle: valeur for cle, valeur in propriete.items() if cle not in ("anyOf", "default")},
                **utiles[0],
            }
    return compile_


@cache
def validateur(nature: str) -> Draft202012Validator:
    """Le validateur du schéma (compilé) d'une structure ou d'un service ; les schémas sont vérifiés une fois."""
    schema = referentiels.schema(nature)
    Draft202012Validator.check_schema(schema)
    compile_ = compiler(schema)
    Draft202012Validator.check_schema(compile_)
    return Draft202012Validator(compile_, format_checker=_verificateur())


@cache
def proprietes(nature: str) -> tuple[str, ...]:
    return tuple(referentiels.schema(nature)["properties"])


@cache
def obligatoires(nature: str) -> tuple[str, ...]:
    return tuple(referentiels.schema(nature)["required"])


@cache
def types_du_champ(nature: str, champ: str) -> frozenset[str]:
    """Les types JSON admis par un champ (hors `null`) : `string`, `number`, `integer`, `array`."""
    definition = referentiels.schema(nature)["properties"][champ]
    branches = definition.get("anyOf", [definition])
    return frozenset(b["type"] for b in branches if b.get("type") and b["type"] != "null") or frozenset({"string"})


def erreurs(nature: str, objet) -> list[str]:
    """Les erreurs de l'objet au regard du schéma v1, en français (liste vide : l'objet est valide)."""
    return [message for _, message in erreurs_par_champ(nature, objet)]


def erreurs_par_champ(nature: str, objet) -> list[tuple[str, str]]:
    """Les erreurs du schéma, chacune avec le champ fautif (« » pour l'objet entier)."""
    if not isinstance(objet, dict):
        return [("", "ce n'est pas un objet JSON (une accolade ouvrante « { » est attendue)")]
    requis = set(obligatoires(nature))
    objet = {champ: valeur for champ, valeur in objet.items() if valeur is not None or champ in requis}
    resultat = []
    for erreur in sorted(validateur(nature).iter_errors(objet), key=lambda e: [str(p) for p in e.absolute_path]):
        champ = _champ_manquant(erreur) or (str(erreur.absolute_path[0]) if erreur.absolute_path else "")
        for message in _messages(erreur):
            if (champ, message) not in resultat:
                resultat.append((champ, message))
    return resultat


def _champ_manquant(erreur) -> str:
    manquant = re.match(r"^'(.+)' is a required property$", erreur.message) if erreur.validator == "required" else None
    return manquant.group(1) if manquant else ""


def _branches_utiles(erreur):
    """Dans un `anyOf` (valeur ou null), les erreurs des branches autres que `null`."""
    return [e for e in erreur.context if not (e.validator == "type" and e.validator_value == "null")]


def _messages(erreur) -> list[str]:
    chemin = list(erreur.absolute_path)
    champ = str(chemin[0]) if chemin else ""
    if erreur.validator == "required":
        return [f"le champ « {_champ_manquant(erreur) or erreur.message} » est obligatoire"]
    if champ == "zone_eligibilite" and len(chemin) == 2:
        return [f"« zone_eligibilite » : « {erreur.instance} » n'est pas {FORMATS['zone_eligibilite']}"]
    if erreur.validator == "anyOf":
        utiles = _branches_utiles(erreur)
        if erreur.instance is None or not utiles:
            return [f"« {champ} » : valeur invalide"]
        # Une valeur du mauvais type (le texte « beaucoup » au lieu d'un nombre) : une seule phrase.
        if all(e.validator == "type" and not list(e.relative_path) for e in utiles):
            attendus = " ou ".join(TYPES.get(e.validator_value, e.validator_value) for e in utiles)
            return [f"« {champ} » : {_montrer(erreur.instance)} n'est pas {attendus}"]
        return [message for e in utiles for message in _messages(e)]
    return [_message(erreur, champ)]


def _montrer(valeur) -> str:
    if isinstance(valeur, str):
        return f"« {valeur} »"
    if valeur is None:
        return "la valeur vide (null)"
    if isinstance(valeur, list):
        return "une liste"
    if isinstance(valeur, dict):
        return "un objet"
    return f"« {valeur} »"


def _message(erreur, champ: str) -> str:
    valeur, regle, attendu = erreur.instance, erreur.validator, erreur.validator_value
    if regle == "enum" and champ in INCONNUES:
        return f"{INCONNUES[champ]} {_montrer(valeur)}"
    if regle == "type":
        if valeur is None:
            return f"le champ « {champ} » est obligatoire (null n'est pas admis)"
        attendus = attendu if isinstance(attendu, list) else [attendu]
        return f"« {champ} » : {_montrer(valeur)} n'est pas {' ou '.join(TYPES.get(t, t) for t in attendus)}"
    if regle in ("pattern", "minLength", "maxLength") and champ in FORMATS:
        return f"« {champ} » : {_montrer(valeur)} n'est pas {FORMATS[champ]}"
    if regle == "minLength":
        return f"« {champ} » : {attendu} caractères au moins (ici {len(valeur)})"
    if regle == "maxLength":
        return f"« {champ} » : {attendu} caractères au plus (ici {len(valeur)})"
    if regle == "format":
        formats = {
            "email": "une adresse électronique valide",
            "uri": "une adresse web valide (https://…)",
            "date": "une date au format AAAA-MM-JJ",
        }
        return f"« {champ} » : {_montrer(valeur)} n'est pas {formats.get(attendu, attendu)}"
    if regle == "uniqueItems":
        return f"« {champ} » : une valeur y figure deux fois"
    if regle == "minItems":
        return f"« {champ} » : la liste est vide (laissez le champ vide, ou null, s'il ne s'applique pas)"
    if regle == "minimum":
        return f"« {champ} » : {valeur:g} est inférieur au minimum ({attendu:g})"
    if regle == "const":
        return f"« {champ} » : {_montrer(valeur)} au lieu de « {attendu} »"
    return f"« {champ} » : valeur invalide ({erreur.message})"
