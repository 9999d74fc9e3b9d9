"""Le flux mensuel des orientations d'un département, pour les comités départemental et national : format stable
et versionné (`SCHEMA_VERSION`, `flux_orientations.schema.json`), décrit champ par champ dans
docs/flux-orientations.md.

Les décisions d'orientation (orienter, réorienter, maintenir) datées du mois, prises sur une demande adressée au
Département (`demande.organisation_orientation.departement`), regroupées par parcours × organisme référent × public
× nature. Le public et la date de signature d'un contrat suivent les règles des indicateurs
(`gouvernance.indicateurs.population`). Le contrat d'une décision : le premier signé à partir du jour de la décision
et avant la décision suivante du carnet, au plus tard le dernier jour du mois qui suit le mois du flux (un flux
régénéré plus tard ne change pas). Trois requêtes quel que soit le nombre de décisions : les décisions, les statuts
de leurs personnes, leurs contrats. Les effectifs sont arrondis à 5 et masqués de 1 à 4 (« secret ») ; une
médiane est masquée quand la population sur laquelle elle est calculée compte de 1 à 4 décisions
(`gouvernance.secret_statistique`)."""

import csv
import io
import json
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db.models import Min, OuterRef, Q, Subquery
from django.utils import timezone

from gouvernance import secret_statistique
from gouvernance.indicateurs import population
from parcours.delais import DELAI_ORIENTATION_JOURS
from parcours.models import ContratEngagement, DecisionOrientation, DemandeOrientation, Diagnostic, Statut
from partenaires.referentiels import departements

SCHEMA_VERSION = "2.0"
SCHEMA = Path(__file__).resolve().parent / "flux_orientations.schema.json"
MASQUE = secret_statistique.MASQUE
CSV, JSON = "csv", "json"
FORMATS = (CSV, JSON)


class Public:
    """Le public d'une décision, à la date de la décision (règles de `gouvernance.indicateurs.population`) : le
    premier qui s'applique, dans cet ordre ; « autre » sinon. Une décision n'est comptée que dans un public."""

    BRSA, DELD, JEUNES, PARENTS_ISOLES, RQTH = (
        population.BRSA,
        population.DELD,
        population.JEUNES,
        population.PARENTS_ISOLES,
        population.RQTH,
    )
    AUTRE = "autre"
    ORDRE = (BRSA, DELD, JEUNES, PARENTS_ISOLES, RQTH, AUTRE)
    LIBELLES = {**{code: population.PUBLICS[code] for code in ORDRE[:-1]}, AUTRE: "Autre public"}


class Nature:
    """La nature de la demande décidée."""

    PREMIERE_ORIENTATION = "premiere_orientation"
    REORIENTATION = "reorientation"
    LIBELLES = {PREMIERE_ORIENTATION: "Première orientation", REORIENTATION: "Demande de réorientation"}


COLONNES = [
    "departement",
    "mois",
    "parcours",
    "organisme_referent_siret",
    "organisme_referent_nom",
    "public",
    "nature",
    "nombre_decisions",
    "nombre_orientees_6_semaines",
    "delai_orientation_median_jours",
    "nombre_reorientations",
    "nombre_maintiens",
    "nombre_contrats_signes",
    "delai_accompagnement_median_jours",
]


@dataclass(frozen=True)
class Mois:
    annee: int
    numero: int

    @classmethod
    def lire(cls, texte: str) -> "Mois":
        """« 2026-10 » → le mois ; une saisie invalide lève une ValidationError en français."""
        correspondance = re.fullmatch(r"(\d{4})-(\d{2})", (texte or "").strip())
        if not correspondance or not 1 <= int(correspondance[2]) <= 12:
            raise ValidationError({"mois": "Indiquez un mois au format AAAA-MM (par exemple 2026-10)."})
        if not population.ANNEE_MIN <= int(correspondance[1]) <= population.ANNEE_MAX:
            raise ValidationError(
                {"mois": f"Choisissez un mois entre {population.ANNEE_MIN}-01 et {population.ANNEE_MAX}-12."}
            )
        return cls(int(correspondance[1]), int(correspondance[2]))

    @classmethod
    def precedent(cls, jour: date | None = None) -> "Mois":
        """Le mois qui précède celui du jour (par défaut : aujourd'hui)."""
        jour = jour or timezone.localdate()
        return cls(jour.year - 1, 12) if jour.month == 1 else cls(jour.year, jour.month - 1)

    @property
    def premier_jour(self) -> date:
        return date(self.annee, self.numero, 1)

    @property
    def suivant(self) -> "Mois":
        return Mois(self.annee + 1, 1) if self.numero == 12 else Mois(self.annee, self.numero + 1)

    @property
    def dernier_jour(self) -> date:
        return date.fromordinal(self.suivant.premier_jour.toordinal() - 1)

    @property
    def fin_des_contrats(self) -> date:
        """Les contrats signés au plus tard ce jour-là comptent : le dernier jour du mois qui suit (un flux
        régénéré plus tard donne les mêmes chiffres)."""
        return self.suivant.dernier_jour

    def __str__(self):
        return f"{self.annee:04d}-{self.numero:02d}"


@dataclass
class Ligne:
    """Une ligne du flux, avec les effectifs exacts ; `publiee()` les arrondit et les masque."""

    parcours: str
    siret: str
    organisme: str
    public: str
    nature: str
    decisions: int = 0
    dans_les_6_semaines: int = 0
    reorientations: int = 0
    maintiens: int = 0
    delais_orientation: list[int] | None = None
    delais_accompagnement: list[int] | None = None

    def publiee(self) -> dict:
        def effectif(nombre):
            valeur = secret_statistique.effectif_publie(nombre, arrondi=True)
            return MASQUE if valeur is None else valeur

        def mediane(delais):
            if not delais:
                return None
            return MASQUE if secret_statistique.est_secret(len(delais)) else _nombre(statistics.median(delais))

        return {
            "parcours": self.parcours,
            "organisme_referent_siret": self.siret,
            "organisme_referent_nom": self.organisme,
            "public": self.public,
            "nature": self.nature,
            "nombre_decisions": effectif(self.decisions),
            "nombre_orientees_6_semaines": effectif(self.dans_les_6_semaines),
            "delai_orientation_median_jours": mediane(self.delais_orientation),
            "nombre_reorientations": effectif(self.reorientations),
            "nombre_maintiens": effectif(self.maintiens),
            "nombre_contrats_signes": effectif(len(self.delais_accompagnement)),
            "delai_accompagnement_median_jours": mediane(self.delais_accompagnement),
        }


def _nombre(valeur):
    """Une médiane : entière quand elle l'est (12), sinon à la demi-journée (12.5)."""
    return int(valeur) if float(valeur).is_integer() else float(valeur)


def valider_departement(departement: str) -> str:
    if departement not in departements():
        raise ValidationError({"departement": f"Département inconnu : « {departement} »."})
    return departement


def _public(statuts: list[tuple], date_naissance: date, jour: date) -> str:
    """Le public de la décision : le premier de `Public.ORDRE` parmi ceux de la personne ce jour-là
    (`population.publics_le`, la règle des indicateurs)."""
    publics = population.publics_le(statuts, date_naissance, jour)
    return next((public for public in Public.ORDRE[:-1] if public in publics), Public.AUTRE)


def lignes(departement: str, mois: Mois) -> list[Ligne]:
    """Les lignes du flux (effectifs exacts), triées par parcours, organisme, public, nature."""
    decisions = DecisionOrientation.objects.filter(
        demande__organisation_orientation__departement=departement,
        date_decision__range=(mois.premier_jour, mois.dernier_jour),
    )
    # La décision suivante du carnet (quel que soit le mois ou le territoire) : un contrat signé à partir d'elle lui
    # revient, comme dans les indicateurs (la dernière décision qui précède la signature).
    suivante = (
        DecisionOrientation.objects.filter(carnet=OuterRef("carnet"), date_decision__gt=OuterRef("date_decision"))
        .order_by()
        .values("carnet")
        .annotate(premiere=Min("date_decision"))
        .values("premiere")
    )
    lues = list(
        decisions.annotate(suivante=Subquery(suivante))
        .order_by("date_decision", "pk")
        .values(
            "suivante",
            "carnet_id",
            "sens",
            "parcours",
            "date_decision",
            "organisme_referent__siret",
            "organisme_referent__nom",
            "demande__motif",
            "demande__date_reception",
            "carnet__personne_id",
            "carnet__personne__date_naissance",
        )
    )
    if not lues:
        return []
    statuts = defaultdict(list)
    for personne_id, *statut in (
        Statut.objects.filter(
            personne__carnet__in=decisions.values("carnet_id"),
            type__in=population.TYPES_STATUT_LUS,
            date_debut__lte=mois.dernier_jour,
        )
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=mois.premier_jour))
        .values_list("personne_id", "type", "valeur", "date_debut", "date_fin")
    ):
        statuts[personne_id].append(statut)
    contrats = defaultdict(list)
    for carnet_id, signature in (
        ContratEngagement.objects.filter(carnet__in=decisions.values("carnet_id"))
        .annotate(signature=population.DATE_DE_SIGNATURE)
        .filter(signature__gte=mois.premier_jour, signature__lte=mois.fin_des_contrats)
        .order_by("signature")
        .values_list("carnet_id", "signature")
    ):
        contrats[carnet_id].append(signature)

    par_cle: dict[tuple, Ligne] = {}
    for decision in lues:
        jour = decision["date_decision"]
        nature = (
            Nature.REORIENTATION
            if decision["demande__motif"] == DemandeOrientation.Motif.REORIENTATION
            else Nature.PREMIERE_ORIENTATION
        )
        public = _public(statuts[decision["carnet__personne_id"]], decision["carnet__personne__date_naissance"], jour)
        cle = (
            decision["parcours"],
            decision["organisme_referent__siret"] or "",
            decision["organisme_referent__nom"] or "",
            public,
            nature,
        )
        ligne = par_cle.setdefault(cle, Ligne(*cle, delais_orientation=[], delais_accompagnement=[]))
        delai = (jour - decision["demande__date_reception"]).days
        ligne.decisions += 1
        ligne.delais_orientation.append(delai)
        ligne.dans_les_6_semaines += delai <= DELAI_ORIENTATION_JOURS
        if decision["sens"] == DecisionOrientation.Sens.REORIENTER:
            ligne.reorientations += 1
        if decision["sens"] == DecisionOrientation.Sens.MAINTENIR:
            ligne.maintiens += 1
            continue  # un maintien ne relance pas l'accompagnement : pas de délai d'accompagnement
        suivante = decision["suivante"]
        premier_contrat = next(
            (
                signe
                for signe in contrats[decision["carnet_id"]]
                if signe >= jour and (suivante is None or signe < suivante)
            ),
            None,
        )
        if premier_contrat is not None:
            ligne.delais_accompagnement.append((premier_contrat - jour).days)
    return [par_cle[cle] for cle in sorted(par_cle)]


def lignes_affichees(departement: str, mois: Mois) -> list[dict]:
    """Les lignes publiées (arrondies, masquées) avec leurs libellés, pour la page."""
    parcours = dict(Diagnostic.Parcours.choices)
    return [
        {
            **publiee,
            "libelle_parcours": parcours.get(publiee["parcours"], "Maintien (parcours inchangé)"),
            "libelle_public": Public.LIBELLES[publiee["public"]],
            "libelle_nature": Nature.LIBELLES[publiee["nature"]],
        }
        for publiee in (ligne.publiee() for ligne in lignes(departement, mois))
    ]


def enveloppe(departement: str, mois: Mois, *, genere_le=None) -> dict:
    """Le flux au format JSON (valide pour `flux_orientations.schema.json`)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "departement": departement,
        "mois": str(mois),
        "genere_le": (genere_le or timezone.now()).isoformat(timespec="seconds"),
        "lignes": [ligne.publiee() for ligne in lignes(departement, mois)],
    }


def en_json(donnees: dict) -> bytes:
    return json.dumps(donnees, ensure_ascii=False, indent=2).encode("utf-8")


def _cellule(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float):
        return f"{valeur}".replace(".", ",")
    return str(valeur)


def en_csv(donnees: dict) -> bytes:
    """Le même flux en CSV : colonnes dans l'ordre de `COLONNES`, « ; », UTF-8 avec BOM, virgule décimale, cellule
    vide quand une médiane ne se calcule pas, « secret » quand elle est masquée."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(COLONNES)
    for ligne in donnees["lignes"]:
        valeurs = {"departement": donnees["departement"], "mois": donnees["mois"], **ligne}
        ecrivain.writerow([_cellule(valeurs[colonne]) for colonne in COLONNES])
    return sortie.getvalue().encode("utf-8-sig")


def exporter(departement: str, mois: Mois, format_: str) -> bytes:
    donnees = enveloppe(departement, mois)
    return en_json(donnees) if format_ == JSON else en_csv(donnees)


def nom_de_fichier(departement: str, mois: Mois, format_: str) -> str:
    return f"flux-orientations-{departement}-{mois}.{format_}"


def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))
