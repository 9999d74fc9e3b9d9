"""La lecture des fichiers à importer (JSON ou CSV, en UTF-8) en objets data·inclusion v1, chacun avec sa place dans
le fichier. Un fichier illisible donne une `ValidationError` en français (jamais une autre erreur) ; les objets eux-
mêmes ne sont pas encore validés (voir `offre.echange.analyse`).

JSON : un objet `{"structures": [...], "services": [...]}` (l'une des deux clés suffit), un tableau d'objets (des
structures ou des services selon le champ du formulaire), ou une page de notre API (`{"items": [...]}`).
CSV : une ligne d'en-tête (les noms des champs v1), séparateur virgule, point-virgule ou tabulation ; les listes
dans une cellule séparées par des virgules (« mobilite--preparer-un-permis, famille--garde-denfants »), comme dans
le valideur de data·inclusion ; une cellule vide vaut null."""

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError

from offre.echange import schema
from offre.echange.schema import SERVICE, STRUCTURE

TAILLE_MAX = settings.SPIE_DEPOTS_TAILLE_MAX["import_offre"]  # par fichier ; réglage : un seul endroit
# Structures et services d'un import : l'analyse puis l'écriture se font pendant la requête (environ 3 s par
# millier d'objets, voir docs/offre-echange.md) ; au-delà, il faudrait une tâche de fond.
OBJETS_MAX = 5_000
SEPARATEURS = (",", ";", "\t")
SEPARATEUR_LISTE = ","
CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATE_FRANCAISE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
NATURES = {STRUCTURE: "structures", SERVICE: "services"}


@dataclass(frozen=True)
class Fichier:
    """Un fichier téléversé : la nature attendue (le champ du formulaire où il a été déposé), son nom, ses octets."""

    nature: str
    nom: str
    contenu: bytes


@dataclass
class Ligne:
    """Un objet lu : structure ou service, son rang dans le tableau JSON ou sa ligne dans le fichier CSV."""

    nature: str
    numero: int
    objet: object
    fichier: str
    format: str

    @property
    def identifiant(self) -> str:
        valeur = self.objet.get("id") if isinstance(self.objet, dict) else None
        return valeur if isinstance(valeur, str) else ""

    @property
    def libelle(self) -> str:
        """« Service n° 12 (id dora--x) » (JSON) ou « Structure ligne 3 (id x) » (CSV)."""
        nom = "Structure" if self.nature == STRUCTURE else "Service"
        place = f"n° {self.numero}" if self.format == "json" else f"ligne {self.numero}"
        identifiant = f" (id {self.identifiant})" if self.identifiant else ""
        return f"{nom} {place}{identifiant}"


@dataclass
class Lecture:
    lignes: list[Ligne] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)

    def de_nature(self, nature: str) -> list[Ligne]:
        return [ligne for ligne in self.lignes if ligne.nature == nature]


def lire(fichiers: list[Fichier]) -> Lecture:
    """Lit les fichiers ; lève une ValidationError qui regroupe les erreurs de tous les fichiers illisibles."""
    lecture, erreurs = Lecture(), []
    if not fichiers:
        raise ValidationError("Déposez un fichier de structures, de services, ou les deux.")
    for fichier in fichiers:
        try:
            _lire(fichier, lecture)
        except ValidationError as erreur:
            erreurs.extend(erreur.messages)
    if erreurs:
        raise ValidationError(erreurs)
    if not lecture.lignes:
        raise ValidationError("Le fichier ne contient aucune structure ni aucun service.")
    if len(lecture.lignes) > OBJETS_MAX:
        raise ValidationError(
            f"L'import compte {len(lecture.lignes)} structures et services : la limite est de {OBJETS_MAX} par "
            "import. Découpez le fichier (les structures d'abord, puis les services par lots)."
        )
    return lecture


def _lire(fichier: Fichier, lecture: Lecture) -> None:
    if len(fichier.contenu) > TAILLE_MAX:
        raise ValidationError(
            f"Le fichier « {fichier.nom} » pèse {len(fichier.contenu) / 1024 / 1024:.1f} Mo : la limite est de "
            f"{TAILLE_MAX // 1024 // 1024} Mo. Découpez-le en plusieurs fichiers."
        )
    texte = _decoder(fichier)
    if not texte.strip():
        raise ValidationError(f"Le fichier « {fichier.nom} » est vide.")
    if _est_json(fichier.nom, texte):
        _lire_json(fichier, texte, lecture)
    else:
        _lire_csv(fichier, texte, lecture)


def _decoder(fichier: Fichier) -> str:
    try:
        texte = fichier.contenu.decode("utf-8-sig")
    except UnicodeDecodeError as erreur:
        ligne = fichier.contenu[: erreur.start].count(b"\n") + 1
        raise ValidationError(
            f"Le fichier « {fichier.nom} » n'est pas encodé en UTF-8 (caractère illisible à la ligne {ligne}) : "
            "enregistrez-le en UTF-8 (dans un tableur : « CSV UTF-8 »)."
        ) from erreur
    if CONTROLE.search(texte):
        raise ValidationError(
            f"Le fichier « {fichier.nom} » contient des caractères de contrôle : ce n'est pas un fichier texte JSON ou "
            "CSV."
        )
    return texte


def _est_json(nom: str, texte: str) -> bool:
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension == "json":
        return True
    if extension in ("csv", "tsv", "txt"):
        return False
    return texte.lstrip()[:1] in ("{", "[")


# --- JSON ---------------------------------------------------------------------------------------------------


def _lire_json(fichier: Fichier, texte: str, lecture: Lecture) -> None:
    try:
        contenu = json.loads(texte)
    except json.JSONDecodeError as erreur:
        raise ValidationError(
            f"Le fichier « {fichier.nom} » n'est pas un JSON valide (ligne {erreur.lineno}, colonne {erreur.colno}) : "
            "vérifiez les virgules, guillemets et accolades."
        ) from erreur
    if isinstance(contenu, list):
        tableaux = {fichier.nature: contenu}
    elif isinstance(contenu, dict) and ("structures" in contenu or "services" in contenu):
        tableaux = {nature: contenu[cle] for nature, cle in NATURES.items() if cle in contenu}
        ignorees = sorted(set(contenu) - {"structures", "services"})
        if ignorees:
            lecture.avertissements.append(
                f"« {fichier.nom} » : clés ignorées à la racine du fichier : {', '.join(ignorees)}."
            )
    elif isinstance(contenu, dict) and "items" in contenu:
        tableaux = {fichier.nature: contenu["items"]}
    else:
        raise ValidationError(
            f"Le fichier « {fichier.nom} » n'a pas la forme attendue : un tableau d'objets, ou un objet avec une clé "
            "« structures » et/ou une clé « services » (chacune un tableau d'objets)."
        )
    for nature, objets in tableaux.items():
        if not isinstance(objets, list):
            raise ValidationError(
                f"Le fichier « {fichier.nom} » : « {NATURES[nature]} » doit être un tableau d'objets ([...])."
            )
        lecture.lignes.extend(
            Ligne(nature, numero, objet, fichier.nom, "json") for numero, objet in enumerate(objets, 1)
        )
        _signaler_champs_inconnus(fichier, nature, objets, lecture)


def _signaler_champs_inconnus(fichier: Fichier, nature: str, objets: list, lecture: Lecture) -> None:
    connus = set(schema.proprietes(nature))
    inconnus = sorted({cle for objet in objets if isinstance(objet, dict) for cle in objet} - connus)
    if inconnus:
        lecture.avertissements.append(
            f"« {fichier.nom} » : champs hors du schéma data·inclusion v1 des {NATURES[nature]}, ignorés : "
            f"{', '.join(inconnus)}."
        )


# --- CSV ----------------------------------------------------------------------------------------------------


def _separateur(premiere_ligne: str, nom: str) -> str:
    sans_guillemets = re.sub(r'"[^"]*"', "", premiere_ligne)
    comptes = {separateur: sans_guillemets.count(separateur) for separateur in SEPARATEURS}
    separateur = max(comptes, key=comptes.get)
    if comptes[separateur] == 0:
        raise ValidationError(
            f"Le fichier « {nom} » n'a pas de séparateur de colonnes sur sa ligne d'en-tête : les colonnes se "
            "séparent par une virgule, un point-virgule ou une tabulation."
        )
    return separateur


def _lire_csv(fichier: Fichier, texte: str, lecture: Lecture) -> None:
    premiere = next(ligne for ligne in texte.splitlines() if ligne.strip())
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=_separateur(premiere, fichier.nom), strict=True)
    colonnes: list[str] = []
    debut = 1  # la ligne où commence l'enregistrement (une cellule peut tenir sur plusieurs lignes)
    try:
        for cellules in lecteur:
            numero, debut = debut, lecteur.line_num + 1
            if not any(cellule.strip() for cellule in cellules):
                continue
            if not colonnes:
                colonnes = _en_tete(fichier, cellules, lecture)
                continue
            objet = {}
            for colonne, cellule in zip(colonnes, cellules, strict=False):
                if colonne and cellule.strip():
                    objet[colonne] = _valeur(fichier.nature, colonne, cellule)
            lecture.lignes.append(Ligne(fichier.nature, numero, objet, fichier.nom, "csv"))
    except csv.Error as erreur:
        raise ValidationError(
            f"Le fichier « {fichier.nom} » est un CSV mal formé vers la ligne {lecteur.line_num} (guillemet non "
            "refermé ?) : vérifiez-le dans votre tableur et enregistrez-le de nouveau."
        ) from erreur


def _en_tete(fichier: Fichier, cellules: list[str], lecture: Lecture) -> list[str]:
    """Les colonnes retenues (les champs du schéma) ; une colonne inconnue est ignorée (et signalée)."""
    noms = [cellule.strip() for cellule in cellules]
    connus = schema.proprietes(fichier.nature)
    doubles = sorted({nom for nom in noms if nom and noms.count(nom) > 1})
    if doubles:
        raise ValidationError(
            f"Le fichier « {fichier.nom} » a plusieurs colonnes du même nom : {', '.join(doubles)}. Gardez-en une."
        )
    manquantes = [nom for nom in schema.obligatoires(fichier.nature) if nom not in noms]
    if manquantes:
        raise ValidationError(
            f"Le fichier des {NATURES[fichier.nature]} « {fichier.nom} » n'a pas les colonnes obligatoires : "
            f"{', '.join(manquantes)}. La ligne d'en-tête donne les noms des champs data·inclusion v1."
        )
    inconnues = [nom for nom in noms if nom and nom not in connus]
    if inconnues:
        lecture.avertissements.append(
            f"« {fichier.nom} » : colonnes hors du schéma data·inclusion v1 des {NATURES[fichier.nature]}, ignorées : "
            f"{', '.join(inconnues)}."
        )
    return [nom if nom in connus else "" for nom in noms]


def _valeur(nature: str, champ: str, cellule: str):
    """Le texte d'une cellule converti au type du champ v1 ; une valeur inconvertible reste du texte (le schéma la
    refusera en disant pourquoi)."""
    texte = cellule.strip()
    types = schema.types_du_champ(nature, champ)
    if "array" in types:
        return [valeur.strip() for valeur in texte.split(SEPARATEUR_LISTE) if valeur.strip()]
    if "integer" in types or "number" in types:
        try:
            nombre = float(texte.replace(",", "."))
        except ValueError:
            return texte
        if not math.isfinite(nombre):
            return texte
        if "integer" in types:
            return int(nombre) if nombre.is_integer() else texte
        return nombre
    if champ == "date_maj" and (francaise := DATE_FRANCAISE.match(texte)):
        jour, mois, annee = (int(partie) for partie in francaise.groups())
        try:
            return date(annee, mois, jour).isoformat()
        except ValueError:
            return texte
    return texte
