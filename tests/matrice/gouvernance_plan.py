"""Gouvernance (plan) : déclarations de la matrice des URL (décor et attendus communs : gouvernance_commun).

Le plan d'actions et la conférence des financeurs se voient comme le consortium (VOIR_CONSORTIUM) ; les fiches se
créent et se modifient par le pilote et le secrétaire de comité (EDITER_PLAN) ; l'avancement, le budget et les
indicateurs s'actualisent en plus par les membres de l'organisation pilote de la fiche, l'organisation visée
(ACTUALISER_FICHE)."""

from django.utils import timezone

from gouvernance.models import FicheAction, IndicateurFiche, LigneBudget
from tests.matrice.acteurs import POST_SANS_GET, apres_succes
from tests.matrice.gouvernance_commun import (  # noqa: F401 - ACTEURS_SUPPLEMENTAIRES est lu par la matrice
    ACTEURS_SUPPLEMENTAIRES,
    ACTUALISER_FICHE,
    EDITER_PLAN,
    VOIR_CONSORTIUM,
)

CONSORTIUM = lambda c: [c["consortium"].uuid]  # noqa: E731
FICHE = lambda c: [c["fiche"].uuid]  # noqa: E731
LIGNE = lambda c: [c["fiche"].uuid, c["ligne_budget"].pk]  # noqa: E731
INDICATEUR = lambda c: [c["fiche"].uuid, c["indicateur"].pk]  # noqa: E731
SANS_GET = {**POST_SANS_GET, **dict.fromkeys(ACTEURS_SUPPLEMENTAIRES, 405)}


def donnees_fiche(contexte, **surcharges):
    return {
        "titre": "Plateforme mobilité des Landes",
        "programme": "spie",
        "theme": "mobilite",
        "description": "Diagnostic mobilité, prêt de véhicules, permis accompagné.",
        "objectifs": "Lever le frein de la mobilité pour 200 personnes par an.",
        "publics": ["brsa", "jeunes"],
        "organisation_pilote": str(contexte["organisation"].uuid),
        "partenaires": [str(contexte["deuxieme"].uuid)],
        "date_debut": "2026-01-01",
        "date_fin": "2027-12-31",
        **surcharges,
    }


def donnees_ligne(contexte, **surcharges):
    return {
        "financeur": "departement",
        "precision_financeur": "",
        "annee": str(timezone.localdate().year),
        "prevu": "89200",
        "engage": "",
        "depense": "",
        **surcharges,
    }


MATRICE = {
    "gouvernance:plan": (CONSORTIUM, {"GET": (VOIR_CONSORTIUM, None)}),
    "gouvernance:fiche_creer": (
        CONSORTIUM,
        {"GET": (EDITER_PLAN, None), "POST": (apres_succes(EDITER_PLAN), donnees_fiche)},
    ),
    "gouvernance:fiche": (FICHE, {"GET": (VOIR_CONSORTIUM, None)}),
    "gouvernance:fiche_modifier": (
        FICHE,
        {
            "GET": (EDITER_PLAN, None),
            "POST": (apres_succes(EDITER_PLAN), lambda c: donnees_fiche(c, titre="Garage solidaire (élargi)")),
        },
    ),
    "gouvernance:fiche_avancement": (
        FICHE,
        {
            "GET": (ACTUALISER_FICHE, None),
            "POST": (apres_succes(ACTUALISER_FICHE), lambda c: {"statut": "en_cours", "avancement": "40"}),
        },
    ),
    "gouvernance:ligne_budget_ajouter": (
        FICHE,
        {"GET": (ACTUALISER_FICHE, None), "POST": (apres_succes(ACTUALISER_FICHE), donnees_ligne)},
    ),
    "gouvernance:ligne_budget_modifier": (
        LIGNE,
        {
            "GET": (ACTUALISER_FICHE, None),
            "POST": (
                apres_succes(ACTUALISER_FICHE),
                lambda c: donnees_ligne(c, financeur="etat", prevu="356800", engage="300000", depense="120000"),
            ),
        },
    ),
    "gouvernance:ligne_budget_supprimer": (
        LIGNE,
        {"GET": (SANS_GET, None), "POST": (apres_succes(ACTUALISER_FICHE), lambda c: {})},
    ),
    "gouvernance:indicateur_ajouter": (
        FICHE,
        {
            "GET": (ACTUALISER_FICHE, None),
            "POST": (
                apres_succes(ACTUALISER_FICHE),
                lambda c: {"libelle": "Sorties en emploi", "unite": "personnes", "cible": "20"},
            ),
        },
    ),
    "gouvernance:indicateur_modifier": (
        INDICATEUR,
        {
            "GET": (ACTUALISER_FICHE, None),
            "POST": (
                apres_succes(ACTUALISER_FICHE),
                lambda c: {"libelle": "Personnes accompagnées", "unite": "personnes", "cible": "60", "valeur": "42"},
            ),
        },
    ),
    "gouvernance:financeurs": (CONSORTIUM, {"GET": (VOIR_CONSORTIUM, None)}),
    "gouvernance:financeurs_export": (CONSORTIUM, {"GET": (VOIR_CONSORTIUM, None)}),
}
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    return {}  # les objets viennent du décor commun (gouvernance_commun)


def etat():
    return (
        list(
            FicheAction.objects.order_by("pk").values_list(
                "pk",
                "numero",
                "titre",
                "programme",
                "theme",
                "description",
                "objectifs",
                "publics",
                "organisation_pilote_id",
                "date_debut",
                "date_fin",
                "decision_origine_id",
            )
        ),
        list(FicheAction.partenaires.through.objects.order_by("pk").values_list("pk", "organisation_id")),
        list(
            LigneBudget.objects.order_by("pk").values_list("pk", "financeur", "precision_financeur", "annee", "prevu")
        ),
        list(
            IndicateurFiche.objects.order_by("pk").values_list(
                "pk", "libelle", "unite", "cible", "valeur", "date_mesure"
            )
        ),
    )
