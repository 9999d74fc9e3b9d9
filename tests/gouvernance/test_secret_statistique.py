"""Le secret secondaire (`secret_statistique.masquer_repartition`) : dans une répartition publiée à côté de son
total, un seul chiffre masqué se retrouverait par soustraction ; on masque alors aussi le plus petit autre chiffre non
nul (revue de l'issue 9, point 3)."""

import pytest

from gouvernance import secret_statistique


@pytest.mark.parametrize(
    ("effectifs", "attendu"),
    [
        # Rien de secret : rien de masqué ; zéro n'identifie personne.
        ({"total": 20, "a": 0, "b": 8, "c": 12}, set()),
        # a (3) est secret : 20 − 7 − 10 le donnerait → on masque aussi b (7), le plus petit autre non nul.
        ({"total": 20, "a": 3, "b": 7, "c": 10}, {"a", "b"}),
        # Le zéro n'est jamais le second masqué : b (0) est sauté, c (9) l'est.
        ({"total": 11, "a": 2, "b": 0, "c": 9}, {"a", "c"}),
        # Deux secrets : 20 − 16 = 4 ne dit pas comment ils se partagent → rien de plus.
        ({"total": 20, "a": 1, "b": 3, "c": 16}, {"a", "b"}),
        # À égalité, le premier dans l'ordre : b (6) avant c (6).
        ({"a": 4, "b": 6, "c": 6, "total": 16}, {"a", "b"}),
        # Seul le total reste non nul : c'est lui, le second masqué (la cellule le vaudrait sinon).
        ({"a": 4, "b": 0, "total": 4}, {"a", "total"}),
    ],
)
def test_masquer_repartition(effectifs, attendu):
    assert secret_statistique.masquer_repartition(effectifs) == attendu


def test_un_chiffre_masque_par_une_autre_regle_compte():
    # « b » (8) est masqué par une autre règle : seul masqué, il se retrouverait (20 − 12) → a (12) l'est aussi.
    effectifs = {"total": 20, "b": 8, "a": 12}
    assert secret_statistique.masquer_repartition(effectifs, deja_masques={"b"}) == {"a", "b"}
    # Une clé étrangère à la répartition est ignorée.
    assert secret_statistique.masquer_repartition(effectifs, deja_masques={"x"}) == set()
