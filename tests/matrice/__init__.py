"""Déclarations de la matrice des URL par partie du parcours (voir tests/test_matrice_urls.py).

Chaque module expose : `MATRICE` (nom de l'URL → (arguments, {méthode: (attendus, données)})), `fabriques(contexte)`
(entrées paresseuses du contexte : nom → fonction sans argument qui rend un dict), `etat()` (ce qu'un POST
refusé ne doit pas changer) et `GET_QUI_ECRIVENT`.
"""

from tests.matrice import (
    conservation,
    convocations,
    equipes,
    espace_activation,
    espace_carnet,
    espace_documents,
    espace_partage,
    gouvernance_commun,
    gouvernance_composition,
    gouvernance_comptes_rendus,
    gouvernance_deliberation,
    gouvernance_etudes,
    gouvernance_plan,
    gouvernance_seances,
    imports,
    offre_catalogue,
    offre_echange,
    offre_recherche,
    orientation,
    orientation_service,
    pilotage_besoins,
    pilotage_indicateurs,
    sanctions,
    suivi,
)

EXTENSIONS = [
    orientation,
    suivi,
    convocations,
    imports,
    offre_catalogue,
    offre_recherche,
    offre_echange,
    orientation_service,
    gouvernance_commun,
    gouvernance_composition,
    gouvernance_seances,
    gouvernance_deliberation,
    gouvernance_plan,
    gouvernance_comptes_rendus,
    gouvernance_etudes,
    pilotage_indicateurs,
    pilotage_besoins,
    sanctions,
    equipes,
    espace_partage,
    espace_activation,
    espace_documents,
    espace_carnet,
    conservation,
]
