"""L'analyse à blanc d'un import data·inclusion v1 : chaque objet lu est validé contre le schéma v1 livré, PUIS contre
nos règles (référentiels, codes de zone et de commune qui existent, service en présentiel avec adresse ou à distance,
structure du service connue, territoire du pilote) ; chaque structure et chaque service valide devient une instance
prête à écrire (création ou mise à jour, clé `source` + `id`). Rien n'est écrit ici.

Territoire : un service est importé s'il est dans un département que pilote l'importateur (son département est
celui de sa commune, sinon celui de sa structure) ; une structure aussi, ou si elle porte dans le même fichier un
service valide du territoire (une structure voisine qui intervient chez nous). Un objet déjà en base dans un autre
territoire n'est pas touché (erreur)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from offre import fraicheur, services, validation
from offre.echange import correspondance, schema
from offre.echange.lecture import Fichier, Lecture, Ligne, lire
from offre.echange.schema import SERVICE, STRUCTURE
from offre.models import Service, Structure
from partenaires.models import Organisation
from partenaires.referentiels import FRANCE, communes, communes_par_code_postal

CREATION = "creation"
MISE_A_JOUR = "mise_a_jour"
INCHANGE = "inchange"


GEOGRAPHIE = {"code_insee", "code_postal"}

# Les champs du modèle qu'écrit un import (le reste, hors data·inclusion, est gardé tel quel).
CHAMPS_STRUCTURE = (
    "source",
    "identifiant",
    "date_maj",
    *correspondance.TEXTES_STRUCTURE,
    "reseaux_porteurs",
    "latitude",
    "longitude",
    "departement",
    "organisation",
)
CHAMPS_SERVICE = (
    "source",
    "identifiant",
    "date_maj",
    *correspondance.TEXTES_SERVICE,
    *correspondance.LISTES_SERVICE,
    "en_presentiel",
    "a_distance",
    "conditions_acces",
    "justificatifs",
    "latitude",
    "longitude",
    "volume_horaire_hebdomadaire",
    "nombre_semaines",
    "structure",
    "departement",
    "texte_recherche",
    "a_actualiser_le",
)
# Les contrôles de nos champs que le schéma v1 ne fait pas : longueurs (v1 n'en fixe pas pour l'adresse, le
# téléphone…), nombres (heures par semaine à un dixième près, 999,9 au plus), identifiants.
CONTROLES_STRUCTURE = (
    "source",
    "identifiant",
    "adresse",
    "complement_adresse",
    "commune",
    "telephone",
    "courriel",
    "horaires_accueil",
    "latitude",
    "longitude",
)
CONTROLES_SERVICE = (*CONTROLES_STRUCTURE, "contact_nom_prenom", "volume_horaire_hebdomadaire", "nombre_semaines")
INDEXES = {"thematiques", "publics", "zone_eligibilite"}  # ce dont dépend l'index de recherche d'un service


@dataclass
class Resultat:
    """Le verdict sur un objet du fichier : ses erreurs, ou l'instance à créer ou mettre à jour. Une ligne en erreur
    de schéma est tout de même passée à nos règles, champs fautifs mis de côté : toutes ses fautes sont rendues d'un
    coup (son instance, brouillon, n'est jamais écrite)."""

    ligne: Ligne
    erreurs: list[str] = field(default_factory=list)
    fautifs: set[str] = field(default_factory=set)  # champs v1 refusés par le schéma
    objet: Structure | Service | None = None
    action: str = ""
    avant: dict = field(default_factory=dict)  # les valeurs en base d'un objet existant, avant l'import
    modifies: list[str] = field(default_factory=list)  # les champs qu'une mise à jour change
    ancien_departement: str = ""
    structure: "Resultat | None" = None  # pour un service : la structure du fichier à laquelle il se rattache
    liee_a_une_organisation: bool = False  # structure rattachée à l'organisation partenaire de même SIRET
    doublon: bool = False  # même `source` + `id` qu'une ligne plus haut : seule la première compte

    @property
    def valide(self) -> bool:
        return not self.erreurs and self.objet is not None

    @property
    def cle(self) -> tuple[str, str] | None:
        objet = self.ligne.objet
        if not isinstance(objet, dict) or not isinstance(objet.get("source"), str) or not self.ligne.identifiant:
            return None
        return objet["source"], self.ligne.identifiant

    @property
    def geographie_sure(self) -> bool:
        return not (self.fautifs & GEOGRAPHIE)

    def analysable(self, *cles: str) -> bool:
        """Nos règles s'appliquent si la clé de l'objet et sa date sont lisibles."""
        return (
            self.cle is not None and not self.doublon and not (self.fautifs & {"", "source", "id", "date_maj", *cles})
        )

    def champs_propres(self) -> dict:
        return {champ: valeur for champ, valeur in self.ligne.objet.items() if champ not in self.fautifs}

    def erreur_de_schema(self, erreurs: list[tuple[str, str]]) -> None:
        self.erreurs = [message for _, message in erreurs]
        self.fautifs = {champ for champ, _ in erreurs}

    def messages(self) -> list[str]:
        return [f"{self.ligne.libelle} : {erreur}" for erreur in self.erreurs]


@dataclass
class Analyse:
    structures: list[Resultat]
    services: list[Resultat]
    avertissements: list[str]

    @property
    def resultats(self) -> list[Resultat]:
        return self.structures + self.services

    @property
    def erreurs(self) -> list[str]:
        return [message for resultat in self.resultats for message in resultat.messages()]

    @property
    def nb_en_erreur(self) -> int:
        return sum(not resultat.valide for resultat in self.resultats)

    def compte(self) -> dict[str, int]:
        def nombre(resultats, action):
            return sum(r.valide and r.action == action for r in resultats)

        return {
            "structures_creees": nombre(self.structures, CREATION),
            "structures_mises_a_jour": nombre(self.structures, MISE_A_JOUR),
            "structures_inchangees": nombre(self.structures, INCHANGE),
            "services_crees": nombre(self.services, CREATION),
            "services_mis_a_jour": nombre(self.services, MISE_A_JOUR),
            "services_inchanges": nombre(self.services, INCHANGE),
            "en_erreur": self.nb_en_erreur,
            "valides": len(self.resultats) - self.nb_en_erreur,
            "lignes": len(self.resultats),
        }


def analyser_fichiers(fichiers: list[Fichier], *, departements: set[str]) -> Analyse:
    """Lit puis analyse les fichiers (ValidationError si un fichier est illisible)."""
    return analyser(lire(fichiers), departements=departements)


def analyser(lecture: Lecture, *, departements: set[str]) -> Analyse:
    """Valide tout le fichier pour un importateur qui pilote `departements` (quelques requêtes, quel que soit le
    nombre de lignes)."""
    structures = [Resultat(ligne) for ligne in lecture.de_nature(STRUCTURE)]
    services_ = [Resultat(ligne) for ligne in lecture.de_nature(SERVICE)]
    for resultat in structures:
        resultat.erreur_de_schema(schema.erreurs_par_champ(STRUCTURE, resultat.ligne.objet))
    for resultat in services_:
        resultat.erreur_de_schema(schema.erreurs_par_champ(SERVICE, resultat.ligne.objet))
    _doublons(structures, "structure")
    _doublons(services_, "service")
    _preparer_structures(structures, departements)
    _preparer_services(services_, structures, departements)
    _territoire_des_structures(structures, services_, departements)
    for resultat in services_:
        if resultat.structure is not None and not resultat.structure.valide:
            resultat.erreurs.append(f"sa structure ({resultat.structure.ligne.libelle}) est en erreur")
    return Analyse(structures, services_, lecture.avertissements)


def _doublons(resultats: list[Resultat], nom: str) -> None:
    vus: dict[tuple[str, str], Resultat] = {}
    for resultat in resultats:
        if resultat.cle is None:
            continue
        if resultat.cle in vus:
            resultat.doublon = True
            resultat.erreurs.append(
                f"cette {nom} figure déjà plus haut dans le fichier ({vus[resultat.cle].ligne.libelle})"
                if nom == "structure"
                else f"ce {nom} figure déjà plus haut dans le fichier ({vus[resultat.cle].ligne.libelle})"
            )
        else:
            vus[resultat.cle] = resultat


def _regle(resultat: Resultat, champs: tuple[str, ...], fonction, *arguments):
    """Applique une fonction de `offre.validation` si ses champs ont passé le schéma ; son erreur devient une erreur
    de la ligne (et ses champs, fautifs, ne sont plus contrôlés ensuite)."""
    if resultat.fautifs & set(champs):
        return None
    try:
        return fonction(*arguments)
    except ValidationError as erreur:
        resultat.erreurs.extend(erreur.messages)
        resultat.fautifs.update(champs)
        return None


def _verifier_modele(resultat: Resultat, objet, controles: tuple[str, ...]) -> None:
    """Les contrôles de nos champs que le schéma v1 ne fait pas (les champs déjà refusés ne sont pas repris)."""
    for nom in controles:
        if correspondance.CHAMP_V1.get(nom, nom) in resultat.fautifs:
            continue
        champ = objet._meta.get_field(nom)
        try:
            setattr(objet, champ.attname, champ.clean(getattr(objet, champ.attname), objet))
        except ValidationError as erreur:
            resultat.erreurs.extend(f"« {correspondance.CHAMP_V1.get(nom, nom)} » : {m}" for m in erreur.messages)


def _valeurs(objet, champs: tuple[str, ...]) -> dict:
    return {nom: getattr(objet, objet._meta.get_field(nom).attname) for nom in champs}


def _existant(resultat: Resultat, objet, champs: tuple[str, ...]) -> None:
    """Note l'action (création ou mise à jour) et, pour un objet en base, ses valeurs avant l'import."""
    resultat.action = MISE_A_JOUR if objet.pk else CREATION
    resultat.avant = _valeurs(objet, champs) if objet.pk else {}
    resultat.ancien_departement = objet.departement if objet.pk else ""


def _comparer(resultat: Resultat, champs: tuple[str, ...]) -> None:
    """Une mise à jour qui ne change rien est « inchangée » : rien ne sera écrit pour elle."""
    if resultat.action != MISE_A_JOUR:
        return
    apres = _valeurs(resultat.objet, champs)
    resultat.modifies = [nom for nom in champs if apres[nom] != resultat.avant[nom]]
    if not resultat.modifies:
        resultat.action = INCHANGE


def _departement_du_code_postal(code_postal: str) -> str:
    departements = {communes()[code]["code_departement"] for code, _ in communes_par_code_postal().get(code_postal, ())}
    return departements.pop() if len(departements) == 1 else ""


def _situer(structure: Structure) -> None:
    """Le département de la structure, déduit du fichier : sa commune, sinon son code postal, sinon celui de son
    organisation partenaire."""
    structure.departement = ""
    services.completer_geographie(structure)
    if not structure.departement and structure.code_postal:
        structure.departement = _departement_du_code_postal(structure.code_postal)
    if not structure.departement and structure.organisation_id:
        structure.departement = structure.organisation.departement


def _preparer_structures(resultats: list[Resultat], departements: set[str]) -> None:
    a_analyser = [resultat for resultat in resultats if resultat.analysable()]
    identifiants = {resultat.cle[1] for resultat in a_analyser}
    existantes = {(s.source, s.identifiant): s for s in Structure.objects.filter(identifiant__in=identifiants)}
    sirets = {r.ligne.objet.get("siret") for r in a_analyser if "siret" not in r.fautifs} - {None, ""}
    organisations = {
        organisation.siret: organisation
        for organisation in Organisation.objects.filter(siret__in=sirets, departement__in=departements, is_active=True)
    }
    for resultat in a_analyser:
        valeurs = correspondance.valeurs_structure(resultat.champs_propres())
        _regle(resultat, ("reseaux_porteurs",), validation.valider_reseaux_porteurs, valeurs["reseaux_porteurs"])
        if valeurs["code_insee"]:
            _regle(resultat, ("code_insee",), validation.valider_commune, "", valeurs["code_insee"])
        if valeurs["nom"].rstrip().endswith("."):
            resultat.erreurs.append(f"« nom » : « {valeurs['nom']} » ne doit pas se terminer par un point")
        structure = existantes.get(resultat.cle) or Structure(**valeurs)
        _existant(resultat, structure, CHAMPS_STRUCTURE)
        for champ, valeur in valeurs.items():
            setattr(structure, champ, valeur)
        if not structure.organisation_id and valeurs["siret"] in organisations:
            structure.organisation = organisations[valeurs["siret"]]
            resultat.liee_a_une_organisation = True
        _situer(structure)
        _verifier_modele(resultat, structure, CONTROLES_STRUCTURE)
        resultat.objet = structure
        _comparer(resultat, CHAMPS_STRUCTURE)


def _structures_par_identifiant(resultats: list[Resultat]) -> dict[str, list[Resultat]]:
    par_identifiant = defaultdict(list)
    for resultat in resultats:
        if resultat.cle and not resultat.doublon:
            par_identifiant[resultat.cle[1]].append(resultat)
    return par_identifiant


def _preparer_services(resultats: list[Resultat], structures: list[Resultat], departements: set[str]) -> None:
    a_analyser = [resultat for resultat in resultats if resultat.analysable("structure_id")]
    identifiants = {resultat.cle[1] for resultat in a_analyser}
    existants = {
        (s.source, s.identifiant): s
        for s in Service.objects.filter(identifiant__in=identifiants).select_related("structure__organisation")
    }
    du_fichier = _structures_par_identifiant(structures)
    references = {resultat.ligne.objet["structure_id"] for resultat in a_analyser}
    en_base = defaultdict(list)
    for structure in Structure.objects.filter(identifiant__in=references).select_related("organisation"):
        en_base[structure.identifiant].append(structure)
    for resultat in a_analyser:
        _preparer_service(resultat, existants, du_fichier, en_base, departements)


def _rattacher(resultat: Resultat, du_fichier, en_base) -> Structure | None:
    """La structure du service : parmi celles du fichier et de la base (celle du fichier l'emporte sur la même en
    base) qui portent son `structure_id`, celle de la même source que le service, sinon la seule."""
    source, reference = resultat.ligne.objet["source"], resultat.ligne.objet["structure_id"]
    dans_le_fichier = du_fichier.get(reference, [])
    cles = {candidat.cle for candidat in dans_le_fichier}
    candidats = [(candidat.cle[0], candidat) for candidat in dans_le_fichier] + [
        (structure.source, structure)
        for structure in en_base.get(reference, [])
        if (structure.source, structure.identifiant) not in cles
    ]
    retenus = [candidat for candidat in candidats if candidat[0] == source] or candidats
    if not retenus:
        resultat.erreurs.append(
            f"« structure_id » : la structure « {reference} » est inconnue (ni dans le fichier, ni dans la base)"
        )
        return None
    if len(retenus) > 1:
        resultat.erreurs.append(
            f"« structure_id » : plusieurs structures de sources différentes portent l'identifiant « {reference} »"
        )
        return None
    choisie = retenus[0][1]
    if isinstance(choisie, Resultat):
        resultat.structure = choisie
        return choisie.objet
    return choisie


def _preparer_service(resultat: Resultat, existants, du_fichier, en_base, departements: set[str]) -> None:
    valeurs = correspondance.valeurs_service(resultat.champs_propres())
    zone = [FRANCE[0] if code in FRANCE else code for code in valeurs["zone_eligibilite"]]  # 99100 : « france »
    valeurs["zone_eligibilite"] = _regle(resultat, ("zone_eligibilite",), validation.valider_zone, zone) or []
    _regle(resultat, ("thematiques",), validation.valider_thematiques, valeurs["thematiques"])
    _regle(resultat, ("publics",), validation.valider_publics, valeurs["publics"])
    _regle(resultat, ("modes_mobilisation",), validation.valider_modes_mobilisation, valeurs["modes_mobilisation"])
    _regle(resultat, ("mobilisable_par",), validation.valider_mobilisable_par, valeurs["mobilisable_par"])
    accueil = (valeurs["en_presentiel"], valeurs["a_distance"], valeurs["adresse"])
    _regle(resultat, ("modes_accueil", "adresse"), validation.valider_accueil, *accueil)
    if valeurs["code_insee"]:
        _regle(resultat, ("code_insee",), validation.valider_commune, "", valeurs["code_insee"])
    structure = _rattacher(resultat, du_fichier, en_base)
    service = existants.get(resultat.cle) or Service(**valeurs)  # (un défaut calculé de moins par champ donné)
    _existant(resultat, service, CHAMPS_SERVICE)
    for champ, valeur in valeurs.items():
        setattr(service, champ, valeur)
    service.a_actualiser_le = fraicheur.a_actualiser_le(service.date_maj, service.frequence_actualisation)
    _verifier_modele(resultat, service, CONTROLES_SERVICE)
    resultat.objet = service
    if structure is None:
        return
    service.structure = structure
    service.departement = ""
    services.preparer(service)
    _comparer(resultat, CHAMPS_SERVICE)
    if resultat.structure is None and structure.departement not in departements:
        resultat.erreurs.append(
            f"sa structure « {structure.nom} » (id {structure.identifiant}) est hors de votre territoire "
            f"(département {structure.departement or 'inconnu'})"
        )
    situe_par_sa_structure = not service.code_insee and resultat.structure is not None
    if resultat.geographie_sure and not (situe_par_sa_structure and not resultat.structure.geographie_sure):
        _verifier_territoire(resultat, service.departement, departements, "le service")


def _verifier_territoire(resultat: Resultat, departement: str, departements: set[str], nom: str) -> None:
    if resultat.ancien_departement and resultat.ancien_departement not in departements:
        resultat.erreurs.append(
            f"{nom} existe déjà dans un autre territoire (département {resultat.ancien_departement}) : seul son "
            "pilote le met à jour"
        )
    elif departement not in departements:
        situe = (
            f"dans le département {departement}" if departement else "impossible à situer (ni commune ni code postal)"
        )
        resultat.erreurs.append(
            f"{nom} est hors de votre territoire : il est {situe}, vous pilotez {_lister(departements)}"
            if nom == "le service"
            else f"{nom} est hors de votre territoire : elle est {situe}, vous pilotez {_lister(departements)}"
        )


def _lister(departements: set[str]) -> str:
    return ", ".join(sorted(departements)) or "aucun département"


def _territoire_des_structures(structures: list[Resultat], services_: list[Resultat], departements: set[str]):
    """Une structure hors du territoire passe si un service valide du territoire s'y rattache dans le fichier (sauf
    la structure d'une organisation partenaire d'un autre territoire : ses membres la tiennent à jour)."""
    portees = {
        id(resultat.structure)
        for resultat in services_
        if resultat.valide and resultat.structure is not None and resultat.objet.departement in departements
    }
    for resultat in structures:
        if resultat.objet is None or not resultat.geographie_sure:
            continue
        d_ailleurs = resultat.ancien_departement and resultat.ancien_departement not in departements
        if id(resultat) in portees and not (d_ailleurs and resultat.objet.organisation_id):
            continue
        _verifier_territoire(resultat, resultat.objet.departement, departements, "la structure")
