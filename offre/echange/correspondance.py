"""La correspondance, champ pour champ, entre un objet data·inclusion v1 et nos modèles `Structure` et `Service`
(voir docs/offre-echange.md). Un texte vide ou une liste vide de nos modèles s'écrit `null` en v1, et inversement.

Ce qui n'est pas dans le schéma v1 ne sort pas : capacité, sessions, fréquence d'actualisation, statut et motif de
suspension, organisation partenaire, département (déduit). Les « documents à fournir » (`justificatifs`), que v1 a
fondus dans `conditions_acces`, y sont ajoutés après la mention « Documents à fournir : » et en sont séparés de
nouveau à l'import."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# L'ordre des colonnes des fichiers CSV (toutes les propriétés du schéma v1, un test le vérifie).
CHAMPS_STRUCTURE = (
    "source",
    "id",
    "nom",
    "date_maj",
    "siret",
    "description",
    "reseaux_porteurs",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "lien_source",
)
CHAMPS_SERVICE = (
    "source",
    "id",
    "structure_id",
    "nom",
    "description",
    "date_maj",
    "type",
    "thematiques",
    "publics",
    "publics_precisions",
    "frais",
    "frais_precisions",
    "modes_accueil",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "zone_eligibilite",
    "modes_mobilisation",
    "mobilisable_par",
    "mobilisation_precisions",
    "lien_mobilisation",
    "conditions_acces",
    "contact_nom_prenom",
    "courriel",
    "telephone",
    "horaires_accueil",
    "volume_horaire_hebdomadaire",
    "nombre_semaines",
    "lien_source",
)
# Les champs v1 qui portent le même nom (et le même sens) que le champ du modèle, sauf `id` → `identifiant`.
TEXTES_STRUCTURE = (
    "nom",
    "siret",
    "description",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "lien_source",
)
TEXTES_SERVICE = (
    "nom",
    "description",
    "type",
    "publics_precisions",
    "frais",
    "frais_precisions",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "mobilisation_precisions",
    "lien_mobilisation",
    "contact_nom_prenom",
    "courriel",
    "telephone",
    "horaires_accueil",
    "lien_source",
)
LISTES_SERVICE = ("thematiques", "publics", "zone_eligibilite", "modes_mobilisation", "mobilisable_par")
# Les données de contact d'une personne : jamais montrées par l'API publique.
CONTACTS_SERVICE = ("contact_nom_prenom", "courriel", "telephone")

EN_PRESENTIEL = "en-presentiel"
A_DISTANCE = "a-distance"
DOCUMENTS = "Documents à fournir : "

# Le champ v1 d'où vient chaque champ du modèle (pour nommer le champ v1 dans une erreur du modèle).
CHAMP_V1 = {
    "identifiant": "id",
    "en_presentiel": "modes_accueil",
    "a_distance": "modes_accueil",
    "justificatifs": "conditions_acces",
}


def _texte(valeur) -> str | None:
    return valeur if valeur not in ("", None) else None


def _liste(valeur) -> list | None:
    return list(valeur) if valeur else None


def _nombre(valeur) -> float | None:
    return float(valeur) if isinstance(valeur, Decimal) else valeur


def _heures(valeur) -> Decimal | None:
    """Le volume horaire hebdomadaire à un dixième d'heure près (précision de notre modèle)."""
    if valeur is None:
        return None
    return Decimal(str(valeur)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def structure_vers_v1(structure, *, avec_contacts: bool = True) -> dict:
    objet = {"source": structure.source, "id": structure.identifiant, "date_maj": structure.date_maj.isoformat()}
    objet |= {champ: _texte(getattr(structure, champ)) for champ in TEXTES_STRUCTURE}
    objet |= {
        "reseaux_porteurs": _liste(structure.reseaux_porteurs),
        "latitude": structure.latitude,
        "longitude": structure.longitude,
    }
    if not avec_contacts:  # l'API publique : le courriel d'une structure hors plateforme reçoit les liens signés
        objet |= dict.fromkeys(("courriel", "telephone"))
    return {champ: objet[champ] for champ in CHAMPS_STRUCTURE}


def conditions_v1(conditions: str, justificatifs: str) -> str | None:
    parties = [conditions.strip()] if conditions.strip() else []
    if justificatifs.strip():
        parties.append(DOCUMENTS + justificatifs.strip())
    return "\n\n".join(parties) or None


def separer_conditions(texte: str | None) -> tuple[str, str]:
    """`conditions_acces` v1 → (conditions d'accès, documents à fournir)."""
    texte = (texte or "").strip()
    if texte.startswith(DOCUMENTS):
        return "", texte.removeprefix(DOCUMENTS).strip()
    conditions, separateur, documents = texte.rpartition("\n\n" + DOCUMENTS)
    if separateur:
        return conditions.strip(), documents.strip()
    return texte, ""


def modes_accueil_v1(service) -> list[str] | None:
    modes = [EN_PRESENTIEL] if service.en_presentiel else []
    modes += [A_DISTANCE] if service.a_distance else []
    return modes or None


def service_vers_v1(service, *, avec_contacts: bool = True) -> dict:
    """Le service en objet v1 ; sans contacts (API publique) : nom, courriel et téléphone du contact à `null`."""
    objet = {
        "source": service.source,
        "id": service.identifiant,
        "structure_id": service.structure.identifiant,
        "date_maj": service.date_maj.isoformat(),
    }
    objet |= {champ: _texte(getattr(service, champ)) for champ in TEXTES_SERVICE}
    objet |= {champ: _liste(getattr(service, champ)) for champ in LISTES_SERVICE}
    objet |= {
        "modes_accueil": modes_accueil_v1(service),
        "conditions_acces": conditions_v1(service.conditions_acces, service.justificatifs),
        "latitude": service.latitude,
        "longitude": service.longitude,
        "volume_horaire_hebdomadaire": _nombre(service.volume_horaire_hebdomadaire),
        "nombre_semaines": service.nombre_semaines,
    }
    if not avec_contacts:
        objet |= dict.fromkeys(CONTACTS_SERVICE)
    return {champ: objet[champ] for champ in CHAMPS_SERVICE}


def valeurs_structure(objet: dict) -> dict:
    """Les champs du modèle `Structure` donnés par un objet v1 valide (un champ absent ou null vide le champ)."""
    valeurs = {"source": objet["source"], "identifiant": objet["id"], "date_maj": date.fromisoformat(objet["date_maj"])}
    valeurs |= {champ: objet.get(champ) or "" for champ in TEXTES_STRUCTURE}
    valeurs |= {
        "reseaux_porteurs": list(objet.get("reseaux_porteurs") or []),
        "latitude": objet.get("latitude"),
        "longitude": objet.get("longitude"),
    }
    return valeurs


def valeurs_service(objet: dict) -> dict:
    """Les champs du modèle `Service` donnés par un objet v1 valide (hors structure, résolue à part). Sans mode
    d'accueil, le service est en présentiel s'il a une adresse."""
    modes = objet.get("modes_accueil")
    if modes:
        en_presentiel, a_distance = EN_PRESENTIEL in modes, A_DISTANCE in modes
    else:
        en_presentiel, a_distance = bool(objet.get("adresse")), False
    conditions, justificatifs = separer_conditions(objet.get("conditions_acces"))
    valeurs = {"source": objet["source"], "identifiant": objet["id"], "date_maj": date.fromisoformat(objet["date_maj"])}
    valeurs |= {champ: objet.get(champ) or "" for champ in TEXTES_SERVICE}
    valeurs |= {champ: list(objet.get(champ) or []) for champ in LISTES_SERVICE}
    valeurs |= {
        "en_presentiel": en_presentiel,
        "a_distance": a_distance,
        "conditions_acces": conditions,
        "justificatifs": justificatifs,
        "latitude": objet.get("latitude"),
        "longitude": objet.get("longitude"),
        "volume_horaire_hebdomadaire": _heures(objet.get("volume_horaire_hebdomadaire")),
        "nombre_semaines": objet.get("nombre_semaines"),
    }
    return valeurs
