"""La validation des valeurs d'une structure ou d'un service, réutilisée par les formulaires du catalogue et par
l'import data·inclusion : des fonctions qui prennent des valeurs simples (codes, booléens, textes), rendent la
valeur nettoyée et lèvent `ValidationError` avec un message en français qui nomme la valeur fautive.

Les listes de valeurs sont celles de data·inclusion v1 (`offre.referentiels`) ; les codes de zone sont les codes
officiels des communes, EPCI, départements et régions (`partenaires.referentiels`)."""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from offre import referentiels
from partenaires.referentiels import code_zone_existe, communes, communes_par_code_postal, departements_par_region

TOUS_PUBLICS = referentiels.TOUS_PUBLICS
EN_PRESENTIEL = "en-presentiel"
A_DISTANCE = "a-distance"

SEPARATEURS = re.compile(r"[\s,;]+")


def _liste(codes) -> list[str]:
    """Les codes sans doublon ni blanc, dans l'ordre donné ; None ou vide donne une liste vide."""
    if codes is None or codes == "":
        return []
    if isinstance(codes, str) or not isinstance(codes, Iterable):
        raise ValidationError("Une liste de codes est attendue.", code="liste")
    propres = []
    for code in codes:
        if not isinstance(code, str):
            raise ValidationError(f"« {code} » n'est pas un code (texte attendu).", code="liste")
        code = code.strip()
        if code and code not in propres:
            propres.append(code)
    return propres


def _enumerer(codes: list[str]) -> str:
    return ", ".join(f"« {code} »" for code in codes)


def lire_codes(texte: str) -> list[str]:
    """Les codes saisis dans un champ texte, séparés par des virgules, des points-virgules ou des espaces."""
    return _liste(SEPARATEURS.split(texte or ""))


def valider_codes(codes, referentiel: dict, nom_du_champ: str) -> list[str]:
    """Les codes, tous pris dans `referentiel` (dictionnaire code → libellé) ; sinon une erreur qui nomme les codes
    inconnus et le champ."""
    codes = _liste(codes)
    inconnus = [code for code in codes if code not in referentiel]
    if len(inconnus) == 1:
        raise ValidationError(
            f"{nom_du_champ} : la valeur « {inconnus[0]} » n'existe pas dans la liste de data·inclusion.",
            code="inconnu",
        )
    if inconnus:
        raise ValidationError(
            f"{nom_du_champ} : les valeurs {_enumerer(inconnus)} n'existent pas dans la liste de data·inclusion.",
            code="inconnu",
        )
    return codes


def valider_code(code, referentiel: dict, nom_du_champ: str) -> str:
    """Une valeur unique (facultative : vide donne "") prise dans `referentiel`."""
    if code is None or code == "":
        return ""
    if not isinstance(code, str):
        raise ValidationError(f"{nom_du_champ} : « {code} » n'est pas un code (texte attendu).", code="liste")
    return valider_codes([code], referentiel, nom_du_champ)[0]


def valider_thematiques(codes) -> list[str]:
    return valider_codes(codes, referentiels.thematiques(), "Thématiques")


def valider_publics(codes) -> list[str]:
    """Les publics ; « tous publics » ne se combine avec aucun autre public."""
    codes = valider_codes(codes, referentiels.publics(), "Publics")
    if TOUS_PUBLICS in codes and len(codes) > 1:
        raise ValidationError(
            "Publics : « Tous publics » ne se combine pas avec d'autres publics ; cochez soit « Tous publics », "
            "soit les publics visés.",
            code="tous_publics",
        )
    return codes


def valider_type(code) -> str:
    return valider_code(code, referentiels.types_de_services(), "Type de service")


def valider_frais(code) -> str:
    return valider_code(code, referentiels.frais(), "Frais")


def valider_modes_mobilisation(codes) -> list[str]:
    return valider_codes(codes, referentiels.modes_mobilisation(), "Modes de mobilisation")


def valider_mobilisable_par(codes) -> list[str]:
    return valider_codes(codes, referentiels.personnes_mobilisatrices(), "Mobilisable par")


def valider_reseaux_porteurs(codes) -> list[str]:
    return valider_codes(codes, referentiels.reseaux_porteurs(), "Réseaux porteurs")


def valider_modes_accueil(codes) -> tuple[bool, bool]:
    """Les modes d'accueil data·inclusion (`en-presentiel`, `a-distance`) en (en présentiel, à distance)."""
    codes = valider_codes(codes, referentiels.modes_accueil(), "Modes d'accueil")
    return EN_PRESENTIEL in codes, A_DISTANCE in codes


# Une région se saisit « R » suivi de son code INSEE (R75 : Nouvelle-Aquitaine) : data·inclusion n'a pas de code de
# région (il se confondrait avec un département : 75 est aussi Paris), elle est donc remplacée par ses départements.
PREFIXE_REGION = "R"


def _etendre_les_regions(codes: list[str]) -> list[str]:
    etendus = []
    for code in codes:
        region = code[len(PREFIXE_REGION) :] if code.startswith(PREFIXE_REGION) else None
        remplacement = departements_par_region().get(region, (code,)) if region else (code,)
        etendus += [departement for departement in remplacement if departement not in etendus]
    return etendus


def valider_zone(codes) -> list[str]:
    """Les codes de la zone d'éligibilité : commune (INSEE, 5 caractères), EPCI (SIREN, 9 chiffres), département,
    région (« R » et son code, remplacée par ses départements) ou « france ». Vide : sans restriction."""
    codes = _etendre_les_regions([code.lower() if code.lower() == "france" else code.upper() for code in _liste(codes)])
    inconnus = [code for code in codes if not code_zone_existe(code)]
    if len(inconnus) == 1:
        raise ValidationError(
            f"Zone d'éligibilité : le code « {inconnus[0]} » ne correspond à aucune commune, intercommunalité, "
            "département ou région (une région s'écrit R suivi de son code : R75).",
            code="zone_inconnue",
        )
    if inconnus:
        raise ValidationError(
            f"Zone d'éligibilité : les codes {_enumerer(inconnus)} ne correspondent à aucune commune, "
            "intercommunalité, département ou région (une région s'écrit R suivi de son code : R75).",
            code="zone_inconnue",
        )
    return codes


def valider_accueil(en_presentiel: bool, a_distance: bool, adresse: str) -> None:
    """Un service est accueilli quelque part : en présentiel (avec une adresse), à distance, ou les deux."""
    if not en_presentiel and not a_distance:
        raise ValidationError(
            "Indiquez une adresse (accueil en présentiel) ou cochez « à distance ».", code="ni_adresse_ni_distance"
        )
    if en_presentiel and not (adresse or "").strip():
        raise ValidationError(
            "L'accueil en présentiel demande une adresse : indiquez-la, ou cochez seulement « à distance ».",
            code="adresse_manquante",
        )


def valider_siret(siret) -> str:
    """Un SIRET facultatif : 14 chiffres (les espaces saisis sont ignorés)."""
    siret = re.sub(r"\s", "", siret or "")
    if siret and not re.fullmatch(r"\d{14}", siret):
        raise ValidationError("Le SIRET compte exactement 14 chiffres.", code="siret")
    return siret


def valider_commune(code_postal, code_insee="") -> tuple[str, str, str]:
    """La commune désignée par un code postal (et, s'il en dessert plusieurs, le code INSEE choisi), rendue en
    (code postal, code INSEE, nom de la commune). Sans code postal ni code INSEE : ("", "", "")."""
    code_postal = (code_postal or "").strip()
    code_insee = (code_insee or "").strip().upper()
    if not code_postal:
        if not code_insee:
            return "", "", ""
        ligne = communes().get(code_insee)
        if ligne is None:
            raise ValidationError(f"Le code INSEE « {code_insee} » ne correspond à aucune commune.", code="commune")
        return "", code_insee, ligne["nom"]
    if not re.fullmatch(r"\d{5}", code_postal):
        raise ValidationError("Le code postal compte exactement 5 chiffres.", code="code_postal")
    desservies = communes_par_code_postal().get(code_postal)
    if not desservies:
        raise ValidationError(f"Le code postal « {code_postal} » ne correspond à aucune commune.", code="code_postal")
    if code_insee:
        for code, nom in desservies:
            if code == code_insee:
                return code_postal, code, nom
        raise ValidationError(
            f"La commune choisie n'est pas desservie par le code postal « {code_postal} ».", code="commune"
        )
    if len(desservies) > 1:
        raise ValidationError(
            f"Le code postal « {code_postal} » dessert plusieurs communes : choisissez la commune "
            f"({', '.join(nom for _, nom in desservies)}).",
            code="commune_ambigue",
        )
    code, nom = desservies[0]
    return code_postal, code, nom
