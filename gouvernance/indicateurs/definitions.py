"""Les définitions des indicateurs du territoire : code, libellé, définition écrite (affichée sur la page, dans le
CSV et le compte rendu), unité et nature du calcul. Les calculs sont dans `calcul.py`, la population comptée dans
`population.py` ; la documentation complète est `docs/indicateurs.md`.

Natures :
- « effectif » : un nombre (de personnes, d'orientations, de sorties) ; masqué de 1 à 4 personnes, arrondi à 5
  dans les exports et les documents des comités ;
- « taux » : numérateur / dénominateur en % ; masqué si le numérateur, le dénominateur ou leur différence compte de
  1 à 4 personnes ;
- « mediane » / « moyenne » : d'une durée en jours ; masquée si la population mesurée compte de 1 à 4 personnes.

Les avis des personnes accompagnées (section `AVIS`, `parcours.Evaluation`) sont enregistrés sans nom et sans lien
avec le carnet : ils se comptent en réponses. Une personne peut en donner plusieurs (une par orientation close, plus
sa sortie) : le secret se juge sur les réponses, pas sur les personnes (la même règle de 1 à 4 que pour les
personnes). Leurs commentaires libres ne sont jamais publiés (ni chiffres, ni CSV, ni compte rendu) : les pilotes et
secrétaires les lisent sur la page seulement (`COMMENTAIRES_AVIS`), à partir de `SEUIL_COMMENTAIRES` réponses.
"""

from dataclasses import dataclass

from parcours.delais import DELAI_ORIENTATION_JOURS
from parcours.models import SortieParcours, TypeEtape

EFFECTIF = "effectif"
TAUX = "taux"
MEDIANE = "mediane"
MOYENNE = "moyenne"

JOURS_PLAN_ACTION = 30
MOIS_SANS_CONTACT = 3
JOURS_SANS_SUCCESSEUR = 30
MOIS_SUIVI_EMPLOI = (1, 3, 6, 12)


@dataclass(frozen=True)
class Indicateur:
    code: str
    libelle: str
    definition: str
    unite: str
    nature: str
    section: str


ACCOMPAGNEMENT = "Accompagnement"
ORIENTATION = "Orientation"
CONTRAT = "Contrat, référent et plan d'action"
CONTACT = "Contact et continuité"
OFFRE = "Orientations vers l'offre"
SORTIES = "Sorties et emploi"
AVIS = "Avis des personnes accompagnées"
SECTIONS = (ACCOMPAGNEMENT, ORIENTATION, CONTRAT, CONTACT, OFFRE, SORTIES, AVIS)

# Les commentaires libres des avis : lus sur la page par les pilotes et secrétaires, jamais publiés.
SEUIL_COMMENTAIRES = 11  # réponses du territoire sur la période, tous filtres d'organisation, public, EPCI ignorés
COMMENTAIRES_MAX = 50
COMMENTAIRES_AVIS = (
    "Les commentaires libres ne sont jamais publiés : ni dans les chiffres, ni dans l'export CSV, ni dans les "
    "comptes rendus des comités. Les pilotes et secrétaires du territoire les lisent sur la page des indicateurs "
    "(« Commentaires des personnes ») : ceux du territoire et de la période seulement (les filtres d'organisation, "
    f"de public et d'EPCI ne s'y appliquent pas), {COMMENTAIRES_MAX} au plus, dans un ordre mélangé, sans aucune "
    f"autre information, et seulement si le territoire compte au moins {SEUIL_COMMENTAIRES} réponses sur la période "
    "(un commentaire peut faire reconnaître la personne)"
)
# Les avis : la population (qui est compté) est la même pour les quatre indicateurs, par type d'étape ou non.
POPULATION_AVIS = (
    "les avis donnés dans la période par les personnes accompagnées, depuis leur espace personnel, après une étape "
    "close (orientation vers un service terminée, sortie du parcours), enregistrés sans nom et sans lien avec le "
    "carnet ; le mois de la réponse est dans la période, le territoire et l'EPCI, l'organisme référent et le public "
    "sont ceux de la personne au jour de sa réponse. On compte des réponses, pas des personnes : une même personne "
    "peut en donner plusieurs (une par orientation close, plus sa sortie), si bien que plusieurs réponses d'un "
    "petit effectif peuvent venir d'une ou deux personnes ; le secret statistique se juge sur le nombre de réponses "
    f"(de 1 à 4 : « secret »). {COMMENTAIRES_AVIS}"
)
# Code → (libellé, définition du numérateur) des parts publiées à côté du nombre de réponses.
PARTS_AVIS = {
    "utilite": ("Avis : étape utile", "« plutôt » ou « tout à fait » à « cette étape vous a-t-elle été utile ? »"),
    "ecoute": ("Avis : personne écoutée", "« plutôt » ou « tout à fait » à « vous êtes-vous senti(e) écouté(e) ? »"),
    "recommandation": (
        "Avis : recommanderait l'accompagnement",
        "« oui » à « recommanderiez-vous cet accompagnement à un proche ? » (« non » et « je ne sais pas » comptent "
        "au dénominateur)",
    ),
}

_DEFINITIONS = [
    Indicateur(
        "accompagnes",
        "Personnes accompagnées",
        "Personnes dont le carnet de bord est ouvert au plus tard le dernier jour de la période et qui ne sont pas "
        "sorties du parcours avant son premier jour (une sortie rouverte avant la fin de la période ne compte pas).",
        "personnes",
        EFFECTIF,
        ACCOMPAGNEMENT,
    ),
    Indicateur(
        "part_orientees",
        "Part des personnes orientées",
        "Parmi les personnes accompagnées, la part qui a reçu une décision d'orientation datée au plus tard du "
        "dernier jour de la période.",
        "%",
        TAUX,
        ORIENTATION,
    ),
    Indicateur(
        "part_orientees_6_semaines",
        "Part des orientations décidées dans les 6 semaines",
        f"Parmi les demandes d'orientation (ouverture du droit au RSA ou arrivée d'un autre territoire) des "
        f"personnes accompagnées dont le délai légal de {DELAI_ORIENTATION_JOURS} jours échoit dans la période, la "
        f"part décidée au plus tard le {DELAI_ORIENTATION_JOURS}e jour après la réception de l'information.",
        "%",
        TAUX,
        ORIENTATION,
    ),
    Indicateur(
        "delai_orientation_median",
        "Délai d'orientation médian",
        "Pour les décisions d'orientation datées de la période (ouverture du droit au RSA ou arrivée d'un autre "
        "territoire), le nombre médian de jours entre la réception de l'information par le Département et la "
        "décision.",
        "jours",
        MEDIANE,
        ORIENTATION,
    ),
    Indicateur(
        "delai_orientation_moyen",
        "Délai d'orientation moyen",
        "Les mêmes décisions que le délai médian : la moyenne des jours entre la réception de l'information et la "
        "décision.",
        "jours",
        MOYENNE,
        ORIENTATION,
    ),
    Indicateur(
        "delai_accompagnement_median",
        "Délai d'accompagnement médian",
        "Pour les contrats d'engagement signés dans la période (date d'accord de la personne, à défaut date de "
        "début), le nombre médian de jours entre la dernière décision d'orientation qui précède la signature et la "
        "signature.",
        "jours",
        MEDIANE,
        CONTRAT,
    ),
    Indicateur(
        "delai_accompagnement_moyen",
        "Délai d'accompagnement moyen",
        "Les mêmes contrats que le délai médian : la moyenne des jours entre la décision d'orientation et la "
        "signature.",
        "jours",
        MOYENNE,
        CONTRAT,
    ),
    Indicateur(
        "part_contrat",
        "Part des personnes avec un contrat",
        "Parmi les personnes accompagnées, la part qui a un contrat en cours le dernier jour de la période (début "
        "au plus tard ce jour, sans fin ou fin ce jour ou après).",
        "%",
        TAUX,
        CONTRAT,
    ),
    Indicateur(
        "part_referent",
        "Part des personnes avec un référent nommé",
        "Parmi les personnes accompagnées, la part qui a un référent de parcours en fonction le dernier jour de la "
        "période.",
        "%",
        TAUX,
        CONTRAT,
    ),
    Indicateur(
        "part_plan_30_jours",
        "Part des plans d'action dans les 30 jours",
        f"Parmi les personnes accompagnées dont le {JOURS_PLAN_ACTION}e jour après l'ouverture du carnet tombe dans "
        f"la période, la part dont le premier objectif du plan d'action a été saisi au plus tard ce jour-là.",
        "%",
        TAUX,
        CONTRAT,
    ),
    Indicateur(
        "part_sans_contact",
        "Part des personnes sans contact depuis plus de 3 mois",
        f"Parmi les personnes accompagnées et toujours dans le parcours le dernier jour de la période, la part dont "
        f"le dernier contact (rendez-vous honoré, note, ou à défaut ouverture du carnet) date de plus de "
        f"{MOIS_SANS_CONTACT} mois avant ce jour.",
        "%",
        TAUX,
        CONTACT,
    ),
    Indicateur(
        "taux_absence",
        "Taux d'absence aux rendez-vous",
        "Parmi les rendez-vous des personnes accompagnées tenus dans la période et dont l'issue est connue "
        "(honoré ou absent ; les rendez-vous excusés, annulés ou encore prévus ne comptent pas), la part des "
        "absences. Masqué si les personnes absentes ou les personnes ayant eu un rendez-vous sont 1 à 4.",
        "%",
        TAUX,
        CONTACT,
    ),
    Indicateur(
        "ruptures",
        "Ruptures d'accompagnement",
        f"Personnes accompagnées dont (a) le référent a quitté le suivi sans qu'un nouveau référent soit nommé dans "
        f"les {JOURS_SANS_SUCCESSEUR} jours alors qu'elles sont toujours dans le parcours (comptée le "
        f"{JOURS_SANS_SUCCESSEUR}e jour, s'il tombe dans la période), ou (b) sorties du parcours dans la période "
        f"pour « refus de la personne ». Une personne compte une fois.",
        "personnes",
        EFFECTIF,
        CONTACT,
    ),
    Indicateur(
        "orientations_offre",
        "Orientations vers l'offre",
        "Orientations vers un service de l'offre d'insertion envoyées dans la période pour les personnes "
        "accompagnées (masquées si elles concernent 1 à 4 personnes).",
        "orientations",
        EFFECTIF,
        OFFRE,
    ),
    Indicateur(
        "taux_acceptation_offre",
        "Taux d'acceptation des orientations vers l'offre",
        "Parmi les orientations vers l'offre envoyées dans la période qui ont reçu une réponse (acceptée ou "
        "refusée), la part acceptée par la structure (acceptée, même si la personne n'est pas encore entrée).",
        "%",
        TAUX,
        OFFRE,
    ),
    Indicateur(
        "delai_reponse_offre_median",
        "Délai médian de réponse des structures",
        "Pour les orientations vers l'offre envoyées dans la période qui ont reçu une réponse, le délai médian en "
        "jours (à une décimale) entre l'envoi et la réponse.",
        "jours",
        MEDIANE,
        OFFRE,
    ),
    Indicateur(
        "sorties",
        "Sorties du parcours",
        "Sorties du parcours datées de la période, tous motifs (personnes du territoire, quel que soit leur statut "
        "à la date de sortie). Ce sont des sorties, pas des personnes : une personne sortie, rouverte puis sortie à "
        "nouveau dans la période compte deux sorties ; le secret se juge sur les personnes.",
        "sorties",
        EFFECTIF,
        SORTIES,
    ),
    *[
        Indicateur(
            f"sorties_{motif}",
            f"Sorties : {libelle}",
            f"Sorties du parcours datées de la période pour le motif « {libelle} ».",
            "sorties",
            EFFECTIF,
            SORTIES,
        )
        for motif, libelle in SortieParcours.Motif.choices
    ],
    *[
        Indicateur(
            f"emploi_{mois}_mois",
            f"En emploi {mois} mois après la sortie",
            f"Parmi les points du suivi dans l'emploi prévus {mois} mois après la sortie, tombant dans la période "
            f"et faits, la part où la personne est toujours en emploi.",
            "%",
            TAUX,
            SORTIES,
        )
        for mois in MOIS_SUIVI_EMPLOI
    ],
]


def _indicateurs_avis(suffixe: str = "", libelle_etape: str = "") -> list[Indicateur]:
    """Les quatre indicateurs des avis, pour toutes les étapes ou pour un type d'étape (`suffixe` : « _sortie »)."""
    precision = f" – {libelle_etape.lower()}" if libelle_etape else ""
    seules = f" Seuls les avis sur une étape « {libelle_etape.lower()} » comptent." if libelle_etape else ""
    return [
        Indicateur(
            f"avis_reponses{suffixe}",
            f"Avis donnés{precision}",
            f"Nombre de réponses au questionnaire d'avis : {POPULATION_AVIS}.{seules}",
            "réponses",
            EFFECTIF,
            AVIS,
        ),
        *[
            Indicateur(
                f"avis_{code}{suffixe}",
                f"{libelle}{precision}",
                f"La part des réponses {numerateur}, parmi {POPULATION_AVIS}.{seules}",
                "%",
                TAUX,
                AVIS,
            )
            for code, (libelle, numerateur) in PARTS_AVIS.items()
        ],
    ]


_DEFINITIONS += [
    *_indicateurs_avis(),
    *[
        indicateur
        for type_etape, libelle in TypeEtape.choices
        for indicateur in _indicateurs_avis(f"_{type_etape}", libelle)
    ],
]

INDICATEURS = {indicateur.code: indicateur for indicateur in _DEFINITIONS}
CODES_AVIS = tuple(code for code, indicateur in INDICATEURS.items() if indicateur.section == AVIS)
# Une répartition publiée à côté de son total (le secret secondaire s'y applique) : les sorties et leurs motifs.
REPARTITIONS_SORTIES = ("sorties", *(f"sorties_{motif}" for motif in SortieParcours.Motif.values))
# De même pour les avis par type d'étape ; une étape dont le nombre de réponses est masqué voit aussi ses parts
# masquées (sans quoi le total et l'autre étape les trahiraient).
REPARTITIONS_AVIS = ("avis_reponses", *(f"avis_reponses_{type_etape}" for type_etape in TypeEtape.values))
REPARTITIONS = (REPARTITIONS_SORTIES, REPARTITIONS_AVIS)
# Chaque indicateur des avis → ses déclinaisons par type d'étape (type → code).
AVIS_PAR_ETAPE = {
    base: {type_etape: f"{base}_{type_etape}" for type_etape in TypeEtape.values}
    for base in ("avis_reponses", *(f"avis_{code}" for code in PARTS_AVIS))
}
