"""Analyse d'un fichier de personnes : chaque ligne validée cellule par cellule, les doublons du fichier, puis le
rapprochement avec les personnes déjà connues (identifiant SI, NIR, ou nom + prénom + date de naissance).
Rien n'est écrit ici : l'analyse sert à l'aperçu, puis de nouveau à l'import confirmé (la base a pu changer)."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from parcours import conservation
from parcours import nir as nir_protege
from parcours.choix import MODIFIER_CARNET
from parcours.imports.champs import CHAMPS, OBLIGATOIRES, PAR_CODE
from parcours.imports.lecture import CELLULE_MAX, Tableau
from parcours.models import Carnet, Personne, Statut
from parcours.validators import normaliser_nir, valider_nir
from partenaires import permissions
from partenaires.referentiels import communes, communes_par_code_postal
from spie.texte import normaliser_recherche

CLES_SI = ("identifiant_departement", "numero_caf_msa", "identifiant_france_travail")
LONGUEURS = {
    f.name: f.max_length for f in Personne._meta.concrete_fields if f.max_length and f.name in {c.code for c in CHAMPS}
}
FORMULE = re.compile(r"^\s*[=+\-@]")
NOMBRE = re.compile(r"^\s*[+-]?[\d\s.,()]+$")  # « +33 6 12 34 56 78 » ou « -3 » : pas une formule
FORMATS_DATE = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S")
OUI = {"oui", "o", "1", "vrai", "x", "yes"}
NON = {"non", "n", "0", "faux", "no"}
TELEPHONE = re.compile(r"^[\d\s+().-]{6,30}$")
LOT = 500
# Ce que voit l'organisation d'une personne dont le carnet ne lui est pas partagé : le message de l'écran des doublons
# de l'ouverture d'un carnet, rien de plus (ni NIR, ni identité, ni rien qui la compare à la ligne).
ACCOMPAGNEE_AILLEURS = (
    "Cette personne est déjà accompagnée par une autre organisation : ouvrez son carnet depuis « Ouvrir un carnet » "
    "pour demander l'accès à son référent."
)


@dataclass
class Ligne:
    numero: int
    valeurs: dict[str, str] = field(default_factory=dict)
    date_naissance: date | None = None
    cellules: dict[str, list[str]] = field(default_factory=dict)
    generales: list[str] = field(default_factory=list)
    empreinte_nir: str = ""  # seule forme du NIR qui sert à rapprocher (parcours/nir.py)

    @property
    def valide(self) -> bool:
        return not self.cellules and not self.generales

    def erreur(self, champ: str | None, message: str) -> None:
        if champ is None:
            self.generales.append(message)
        else:
            self.cellules.setdefault(champ, []).append(message)

    def en_json(self) -> dict:
        return {"ligne": self.numero, "cellules": self.cellules, "generales": self.generales}

    @property
    def identite(self) -> tuple[str, str, date | None]:
        return (self.valeurs["nom"].casefold(), self.valeurs["prenom"].casefold(), self.date_naissance)


@dataclass
class Contexte:
    aujourd_hui: date
    emails_referents: set[str]


def _date(texte: str) -> date | None:
    for format_date in FORMATS_DATE:
        try:
            return datetime.strptime(texte, format_date).date()
        except ValueError:
            continue
    return None


def _verifier_date(ligne: Ligne, texte: str, contexte: Contexte) -> None:
    jour = _date(texte)
    if jour is None:
        ligne.erreur("date_naissance", "Date illisible : écrivez-la JJ/MM/AAAA.")
    elif jour > contexte.aujourd_hui:
        ligne.erreur("date_naissance", "La date de naissance est dans le futur.")
    elif jour.year < 1900:
        ligne.erreur("date_naissance", "La date de naissance est antérieure à 1900 : vérifiez l'année.")
    else:
        ligne.date_naissance = jour
        ligne.valeurs["date_naissance"] = jour.isoformat()


def _verifier_nir(ligne: Ligne, texte: str) -> None:
    nir = normaliser_nir(texte)
    try:
        valider_nir(nir)
    except ValidationError as erreur:
        ligne.erreur("nir", erreur.messages[0])
        return
    ligne.valeurs["nir"] = nir
    ligne.empreinte_nir = nir_protege.empreinte(nir)
    mois = int(nir[3:5])
    naissance = ligne.date_naissance
    if naissance and 1 <= mois <= 12 and (nir[1:3] != f"{naissance.year % 100:02d}" or mois != naissance.month):
        ligne.erreur("nir", "Le NIR ne correspond pas à la date de naissance (année et mois, caractères 2 à 5).")


def _verifier_email(ligne: Ligne, champ: str, texte: str) -> str:
    email = texte.lower()
    try:
        validate_email(email)
    except ValidationError:
        ligne.erreur(champ, "Adresse e-mail invalide.")
    return email


def _verifier_commune(ligne: Ligne) -> None:
    """Code postal et code INSEE contre le référentiel ; le code INSEE manquant est déduit quand il n'y a qu'une
    commune possible (une seule pour ce code postal, ou une seule de ce nom)."""
    code_postal = ligne.valeurs.get("code_postal", "")
    code_commune = ligne.valeurs.get("code_commune", "")
    desservies: tuple[tuple[str, str], ...] = ()
    if code_postal:
        if len(code_postal) == 4 and code_postal.isdigit():
            code_postal = ligne.valeurs["code_postal"] = f"0{code_postal}"  # un tableur a mangé le zéro
        desservies = communes_par_code_postal().get(code_postal, ())
        if not re.fullmatch(r"\d{5}", code_postal):
            ligne.erreur("code_postal", "Le code postal s'écrit en 5 chiffres.")
        elif not desservies:
            ligne.erreur("code_postal", f"Le code postal {code_postal} n'existe pas dans le référentiel des communes.")
    if code_commune:
        code_commune = ligne.valeurs["code_commune"] = code_commune.upper()
        if code_commune not in communes():
            ligne.erreur("code_commune", f"Le code INSEE {code_commune[:5]} n'est pas celui d'une commune.")
        elif desservies and code_commune not in {code for code, _ in desservies}:
            ligne.erreur("code_commune", f"La commune {code_commune} n'est pas desservie par le code postal.")
    elif desservies:
        nom = normaliser_recherche(ligne.valeurs.get("commune", ""))
        possibles = [code for code, libelle in desservies if normaliser_recherche(libelle) == nom] or [
            code for code, _ in desservies
        ]
        if len(possibles) == 1:
            ligne.valeurs["code_commune"] = possibles[0]


def _valeur_statut(ligne: Ligne, champ: str, texte: str) -> None:
    cle = normaliser_recherche(texte)
    if champ == "inscrit_france_travail":
        if cle in OUI | NON:
            ligne.valeurs[champ] = "oui" if cle in OUI else "non"
        else:
            ligne.erreur(champ, "Écrivez oui ou non.")
        return
    valeurs = Statut.VALEURS_RSA
    trouvee = next((c for c, lib in valeurs.items() if cle in (normaliser_recherche(c), normaliser_recherche(lib))), "")
    if trouvee:
        ligne.valeurs[champ] = trouvee
    else:
        ligne.erreur(champ, "Valeur inconnue : " + ", ".join(valeurs) + ".")


def valider_ligne(numero: int, brutes: dict[str, str], contexte: Contexte) -> Ligne:
    """Les erreurs d'une ligne, cellule par cellule, sans regarder la base ni les autres lignes."""
    ligne = Ligne(numero=numero)
    propres = {}
    for champ, brute in brutes.items():
        texte = " ".join(str(brute).split())
        if FORMULE.match(texte) and not NOMBRE.match(texte):
            ligne.erreur(champ, "Cellule refusée : elle commence par =, +, - ou @ (une formule de tableur).")
        elif len(texte) > CELLULE_MAX or len(texte) > LONGUEURS.get(champ, CELLULE_MAX):
            ligne.erreur(champ, f"Texte trop long ({len(texte)} caractères).")
        elif texte:
            propres[champ] = texte
    for champ in OBLIGATOIRES:
        if champ not in propres and champ not in ligne.cellules:
            ligne.erreur(champ, f"{PAR_CODE[champ].libelle} : obligatoire.")
    for champ in ("nom", "prenom", "adresse", "commune", *CLES_SI):
        if champ in propres:
            ligne.valeurs[champ] = propres[champ]
    if "date_naissance" in propres:
        _verifier_date(ligne, propres["date_naissance"], contexte)
    if "nir" in propres:
        _verifier_nir(ligne, propres["nir"])
    for champ in ("email", "email_referent"):
        if champ in propres:
            ligne.valeurs[champ] = _verifier_email(ligne, champ, propres[champ])
    if "email_referent" in ligne.valeurs and ligne.valeurs["email_referent"] not in contexte.emails_referents:
        if "email_referent" not in ligne.cellules:
            ligne.erreur("email_referent", "Aucun membre actif de votre organisation n'a cette adresse.")
    if "telephone" in propres:
        if TELEPHONE.match(propres["telephone"]):
            ligne.valeurs["telephone"] = propres["telephone"]
        else:
            ligne.erreur("telephone", "Numéro de téléphone illisible.")
    for champ in ("code_postal", "code_commune"):
        if champ in propres:
            ligne.valeurs[champ] = propres[champ].replace(" ", "")
    _verifier_commune(ligne)
    for champ in ("droit_rsa", "inscrit_france_travail"):
        if champ in propres:
            _valeur_statut(ligne, champ, propres[champ])
    return ligne


def cles(ligne: Ligne) -> list[tuple[str, tuple]]:
    """Ce qui désigne une personne : chacun de ses identifiants, son NIR, son identité."""
    resultat = [(champ, (ligne.valeurs[champ],)) for champ in CLES_SI if ligne.valeurs.get(champ)]
    if ligne.empreinte_nir:
        resultat.append(("nir", (ligne.empreinte_nir,)))
    if ligne.date_naissance and "nom" in ligne.valeurs and "prenom" in ligne.valeurs:
        resultat.append(("identite", ligne.identite))
    return resultat


LIBELLES_CLES = {
    "identite": "mêmes nom, prénom et date de naissance",
    "nir": "même NIR",
    **{champ: f"même {PAR_CODE[champ].libelle.lower()}" for champ in CLES_SI},
}


def verifier_doublons(lignes: list[Ligne]) -> None:
    """Une personne ne figure qu'une fois dans le fichier : la seconde ligne qui la désigne est en erreur."""
    vues: dict[tuple[str, tuple], int] = {}
    for ligne in lignes:
        for cle in cles(ligne):
            if cle in vues:
                ligne.erreur(None, f"Doublon de la ligne {vues[cle]} ({LIBELLES_CLES[cle[0]]}).")
                break
        else:
            for cle in cles(ligne):
                vues[cle] = ligne.numero


def _lots(valeurs: Iterable, taille: int = LOT):
    valeurs = list(valeurs)
    for debut in range(0, len(valeurs), taille):
        yield valeurs[debut : debut + taille]


def _connues(lignes: list[Ligne]) -> dict[tuple[str, tuple], list[Personne]]:
    """Les personnes déjà en base que désignent les clés des lignes, par clé (quelques requêtes par lot)."""
    index: dict[tuple[str, tuple], list[Personne]] = {}
    vues: set[int] = set()

    def indexer(personne):
        if personne.pk in vues:
            return
        vues.add(personne.pk)
        for champ in CLES_SI:
            if getattr(personne, champ):
                index.setdefault((champ, (getattr(personne, champ),)), []).append(personne)
        if personne.nir_empreinte:
            index.setdefault(("nir", (personne.nir_empreinte,)), []).append(personne)
        identite = (personne.nom.strip().casefold(), personne.prenom.strip().casefold(), personne.date_naissance)
        index.setdefault(("identite", identite), []).append(personne)

    colonnes = {**{champ: champ for champ in CLES_SI}, "nir": "nir_empreinte"}  # le NIR : par son empreinte
    for champ, colonne in colonnes.items():
        valeurs = sorted({valeur[0] for ligne in lignes for cle, valeur in cles(ligne) if cle == champ})
        for lot in _lots(valeurs):
            for personne in Personne.objects.filter(**{f"{colonne}__in": lot}):
                indexer(personne)
    avec_identite = [ligne for ligne in lignes if ligne.date_naissance]
    for lot in _lots(avec_identite):
        noms = {ligne.valeurs["nom"].lower() for ligne in lot}
        dates = {ligne.date_naissance for ligne in lot}
        for personne in Personne.objects.alias(nom_min=Lower("nom")).filter(nom_min__in=noms, date_naissance__in=dates):
            indexer(personne)
    return index


def _non_partagees(personnes: Iterable[int], organisation) -> set[int]:
    """Parmi ces personnes, celles qui ont un carnet que l'organisation ne peut pas modifier (une requête par lot) :
    mettre à jour une personne par import, c'est modifier son carnet ; une lecture seule (la file d'orientation
    d'un Département, par exemple) n'y suffit pas."""
    partages = permissions.partages_de_l_organisation(Carnet.objects.all(), organisation, MODIFIER_CARNET)
    resultat: set[int] = set()
    for lot in _lots(sorted(personnes)):
        carnets = Carnet.objects.filter(personne__in=lot).exclude(pk__in=partages.values("pk"))
        resultat.update(carnets.values_list("personne_id", flat=True))
    return resultat


def rapprocher(lignes: list[Ligne], organisation) -> dict[int, Personne]:
    """Numéro de ligne → la personne déjà connue qu'elle désigne. Les lignes ambiguës (plusieurs personnes, NIR
    porté par quelqu'un d'autre, deux lignes pour une même personne) passent en erreur, comme celles qui désignent
    une personne dont le carnet n'est pas partagé avec l'organisation qui importe (elle n'en apprend rien d'autre
    que le message de l'écran des doublons)."""
    valides = [ligne for ligne in lignes if ligne.valide]
    index = _connues(valides)
    connues = {p.pk for liste in index.values() for p in liste}
    fermees = _non_partagees(connues, organisation)
    opposees = conservation.personnes_en_opposition(connues)
    trouvees: dict[int, Personne] = {}
    premiere_ligne: dict[int, int] = {}
    for ligne in valides:
        par_cle = {cle[0]: index.get(cle, []) for cle in cles(ligne)}
        autres = {p.pk: p for champ, liste in par_cle.items() if champ != "nir" for p in liste}
        par_nir = {p.pk: p for p in par_cle.get("nir", [])}
        if opposees & (autres.keys() | par_nir.keys()):
            ligne.erreur(None, conservation.MOTIF_IMPORT)
            continue
        if fermees & (autres.keys() | par_nir.keys()):
            ligne.erreur(None, ACCOMPAGNEE_AILLEURS)
            continue
        if len(autres) > 1 or (not autres and len(par_nir) > 1):
            ligne.erreur(
                None,
                "Cette ligne désigne plusieurs personnes déjà connues (par ses identifiants ou son identité) : "
                "corrigez le fichier.",
            )
            continue
        if par_nir and autres and set(par_nir) != set(autres):
            ligne.erreur("nir", "Ce NIR est déjà porté par une autre personne.")
            continue
        personne = next(iter((autres or par_nir).values()), None)
        if personne is None:
            continue
        if ligne.empreinte_nir and personne.nir_empreinte and personne.nir_empreinte != ligne.empreinte_nir:
            ligne.erreur("nir", "Cette personne est déjà connue avec un autre NIR : vérifiez-le.")
            continue
        if not autres and (
            personne.date_naissance != ligne.date_naissance
            or normaliser_recherche(personne.nom) != normaliser_recherche(ligne.valeurs["nom"])
        ):
            ligne.erreur("nir", "Ce NIR est déjà porté par une autre personne (autre nom ou date de naissance).")
            continue
        if personne.pk in premiere_ligne:
            ligne.erreur(None, f"Même personne que la ligne {premiere_ligne[personne.pk]}.")
            continue
        premiere_ligne[personne.pk] = ligne.numero
        trouvees[ligne.numero] = personne
    return trouvees


def brutes(tableau: Tableau, correspondance: dict[str, str], cellules: list[str]) -> dict[str, str]:
    """Les cellules de la ligne pour chaque champ relié à une colonne."""
    resultat = {}
    for champ, colonne in correspondance.items():
        if champ in PAR_CODE and colonne in tableau.colonnes:
            indice = tableau.colonnes.index(colonne)
            resultat[champ] = cellules[indice] if indice < len(cellules) else ""
    return resultat


def colonnes_manquantes(correspondance: dict[str, str], colonnes: list[str]) -> list[str]:
    return [PAR_CODE[c].libelle for c in OBLIGATOIRES if correspondance.get(c) not in colonnes]


def valider(
    tableau: Tableau,
    correspondance: dict[str, str],
    contexte: Contexte,
    progression: Callable[[int], None] = lambda pourcentage: None,
) -> list[Ligne]:
    """Toutes les lignes validées cellule par cellule, puis les doublons du fichier (sans lire les personnes en
    base) ; la progression va de 0 à 60 %."""
    manquantes = colonnes_manquantes(correspondance, tableau.colonnes)
    if manquantes:
        raise ValidationError("Colonne obligatoire sans correspondance : " + ", ".join(manquantes) + ".")
    lignes = []
    total = len(tableau.lignes)
    for rang, (numero, cellules) in enumerate(tableau.lignes, 1):
        lignes.append(valider_ligne(numero, brutes(tableau, correspondance, cellules), contexte))
        if rang % 1000 == 0:
            progression(int(60 * rang / total))
    verifier_doublons(lignes)
    return lignes
