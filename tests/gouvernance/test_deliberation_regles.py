"""Les règles pures de la délibération : le quorum (pourcentage des membres à voix délibérative, arrondi au-dessus)
et le dépouillement d'un vote (majorité des suffrages exprimés, voix prépondérante en cas de partage)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gouvernance import regles
from gouvernance.choix import ChoixVote, ResultatDeliberation

POUR, CONTRE, ABSTENTION = ChoixVote.POUR, ChoixVote.CONTRE, ChoixVote.ABSTENTION


# --- Quorum -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("membres", "pourcentage", "requis"),
    [
        (4, 50, 2),  # la moitié des quatre sièges délibératifs du CDE des Landes
        (5, 50, 3),  # la moitié de cinq : arrondie au-dessus
        (1, 50, 1),
        (10, 33, 4),  # 3,3 arrondi à 4
        (10, 100, 10),
        (7, 1, 1),
    ],
)
def test_le_quorum_requis_est_le_pourcentage_des_membres_arrondi_au_dessus(membres, pourcentage, requis):
    assert regles.quorum(membres=membres, presents=0, representes=0, pourcentage=pourcentage).requis == requis


def test_les_membres_representes_comptent_pour_le_quorum():
    quorum = regles.quorum(membres=4, presents=1, representes=1, pourcentage=50)
    assert (quorum.comptes, quorum.atteint, quorum.manquants) == (2, True, 0)


def test_sans_assez_de_presents_ou_representes_le_quorum_n_est_pas_atteint():
    quorum = regles.quorum(membres=4, presents=1, representes=0, pourcentage=50)
    assert (quorum.atteint, quorum.manquants) == (False, 1)


def test_un_comite_sans_membre_a_voix_deliberative_n_atteint_jamais_le_quorum():
    assert not regles.quorum(membres=0, presents=0, representes=0, pourcentage=50).atteint


@given(
    membres=st.integers(min_value=1, max_value=500),
    pourcentage=st.integers(min_value=1, max_value=100),
    comptes=st.integers(min_value=0, max_value=500),
)
def test_le_quorum_est_atteint_exactement_quand_pourcentage_des_membres_est_compte(membres, pourcentage, comptes):
    comptes = min(comptes, membres)
    quorum = regles.quorum(membres=membres, presents=comptes, representes=0, pourcentage=pourcentage)
    # En entiers, sans flottant : comptes / membres >= pourcentage / 100.
    assert quorum.atteint == (comptes * 100 >= membres * pourcentage)
    assert 1 <= quorum.requis <= membres


# --- Dépouillement ------------------------------------------------------------------------------


def test_la_majorite_des_suffrages_exprimes_adopte():
    depouillement = regles.depouiller([POUR, POUR, CONTRE])
    assert (depouillement.pour, depouillement.contre, depouillement.exprimes) == (2, 1, 3)
    assert depouillement.adopte and depouillement.resultat == ResultatDeliberation.ADOPTEE
    assert not depouillement.voix_preponderante_utilisee


def test_les_abstentions_ne_sont_pas_des_suffrages_exprimes():
    depouillement = regles.depouiller([POUR, ABSTENTION, ABSTENTION, ABSTENTION])
    assert (depouillement.abstention, depouillement.exprimes, depouillement.adopte) == (3, 1, True)


def test_une_majorite_contre_rejette():
    depouillement = regles.depouiller([POUR, CONTRE, CONTRE], choix_preponderant=POUR)
    assert depouillement.resultat == ResultatDeliberation.REJETEE
    assert not depouillement.voix_preponderante_utilisee


@pytest.mark.parametrize(
    ("choix_preponderant", "resultat"),
    [(POUR, ResultatDeliberation.ADOPTEE), (CONTRE, ResultatDeliberation.REJETEE)],
)
def test_en_cas_de_partage_la_voix_preponderante_departage(choix_preponderant, resultat):
    depouillement = regles.depouiller([POUR, CONTRE, ABSTENTION], choix_preponderant=choix_preponderant)
    assert depouillement.resultat == resultat and depouillement.voix_preponderante_utilisee


@pytest.mark.parametrize("choix_preponderant", [None, ABSTENTION])
def test_un_partage_sans_voix_preponderante_exprimee_n_adopte_pas(choix_preponderant):
    depouillement = regles.depouiller([POUR, POUR, CONTRE, CONTRE], choix_preponderant=choix_preponderant)
    assert depouillement.resultat == ResultatDeliberation.REJETEE
    assert not depouillement.voix_preponderante_utilisee


def test_que_des_abstentions_n_adoptent_rien_et_ne_font_pas_jouer_la_voix_preponderante():
    depouillement = regles.depouiller([ABSTENTION, ABSTENTION], choix_preponderant=POUR)
    assert depouillement.resultat == ResultatDeliberation.REJETEE
    assert not depouillement.voix_preponderante_utilisee


@given(st.lists(st.sampled_from([POUR, CONTRE, ABSTENTION]), max_size=40), st.sampled_from([None, POUR, CONTRE]))
def test_le_depouillement_suit_la_majorite_et_ne_departage_qu_un_partage(choix, choix_preponderant):
    depouillement = regles.depouiller(choix, choix_preponderant=choix_preponderant)
    pour, contre = choix.count(POUR), choix.count(CONTRE)
    assert depouillement.pour + depouillement.contre + depouillement.abstention == len(choix)
    if pour != contre:
        assert depouillement.adopte == (pour > contre)
        assert not depouillement.voix_preponderante_utilisee
    else:
        assert depouillement.voix_preponderante_utilisee == (pour > 0 and choix_preponderant is not None)
        assert depouillement.adopte == (depouillement.voix_preponderante_utilisee and choix_preponderant == POUR)
