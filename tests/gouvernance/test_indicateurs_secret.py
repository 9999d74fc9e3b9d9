"""Le secret statistique des indicateurs publiés : un chiffre qui compte 1 à 4 personnes est masqué (écran, CSV,
compte rendu) ; un taux ou une médiane est masqué si sa population (numérateur ou dénominateur) compte 1 à 4
personnes ; les effectifs sont arrondis à 5 dans les exports et les documents des comités, pas à l'écran."""

import pytest

from gouvernance.indicateurs import calcul, tableaux
from gouvernance.indicateurs import definitions as d
from gouvernance.indicateurs import population as p

ACCOMPAGNES = d.INDICATEURS["accompagnes"]
PART_CONTRAT = d.INDICATEURS["part_contrat"]
DELAI = d.INDICATEURS["delai_orientation_median"]
ORIENTATIONS = d.INDICATEURS["orientations_offre"]


def personnes(nombre):
    return [(carnet, 1, 0) for carnet in range(nombre)]


@pytest.mark.parametrize(
    ("nombre", "ecran", "export"),
    [(0, 0, 0), (1, None, None), (4, None, None), (5, 5, 5), (7, 7, 5), (8, 8, 10), (12, 12, 10)],
)
def test_effectif_masque_de_1_a_4_et_arrondi_a_5_dans_les_exports(nombre, ecran, export):
    mesure = calcul.mesurer(ACCOMPAGNES, personnes(nombre))
    assert mesure.publiee(d.EFFECTIF, arrondi=False) == ecran
    assert mesure.publiee(d.EFFECTIF, arrondi=True) == export


def test_un_effectif_d_orientations_se_juge_sur_les_personnes():
    # 6 orientations pour 2 personnes : masqué ; 6 orientations pour 5 personnes : publié (6, arrondi à 5).
    deux = calcul.mesurer(ORIENTATIONS, [(carnet % 2, 1, 0) for carnet in range(6)])
    assert deux.valeur == 6 and deux.publiee(d.EFFECTIF, arrondi=False) is None
    cinq = calcul.mesurer(ORIENTATIONS, [(carnet % 5, 1, 0) for carnet in range(6)])
    assert cinq.publiee(d.EFFECTIF, arrondi=False) == 6
    assert cinq.publiee(d.EFFECTIF, arrondi=True) == 5


@pytest.mark.parametrize(
    ("avec", "sans", "attendu"),
    [
        (0, 10, 0.0),  # 0 / 10 : zéro n'identifie personne
        (1, 9, None),  # numérateur de 1 personne
        (4, 6, None),  # numérateur de 4 personnes
        (5, 5, 50.0),  # 5 / 10
        (5, 0, 100.0),  # 5 / 5
        (3, 0, None),  # dénominateur de 3 personnes
        (6, 4, None),  # 60 % de 10 : les 4 « sans » se déduiraient (revue, point 3d)
        (96, 4, None),  # 96 % de 100 : exactement 4 sans contrat
        (95, 5, 95.0),  # 5 sans : publiable
    ],
)
def test_taux_masque_si_numerateur_denominateur_ou_complement_de_1_a_4(avec, sans, attendu):
    liste = [(carnet, 1, 1) for carnet in range(avec)] + [(100 + carnet, 0, 1) for carnet in range(sans)]
    assert calcul.mesurer(PART_CONTRAT, liste).publiee(d.TAUX, arrondi=True) == attendu


def test_taux_sans_population_n_a_pas_de_valeur_et_n_est_pas_secret():
    mesure = calcul.mesurer(PART_CONTRAT, [])
    assert mesure.publiee(d.TAUX, arrondi=False) is None
    assert not mesure.secrete


@pytest.mark.parametrize(("nombre", "attendu"), [(1, None), (4, None), (5, 30)])
def test_mediane_masquee_si_population_de_1_a_4(nombre, attendu):
    # 5 durées de 10, 20, 30, 40, 50 jours : médiane 30.
    liste = [(carnet, 10 * (carnet + 1), 0) for carnet in range(nombre)]
    mesure = calcul.mesurer(DELAI, liste)
    assert mesure.publiee(d.MEDIANE, arrondi=True) == attendu


def test_tableaux_affichent_secret_et_ecart_seulement_entre_valeurs_publiees():
    mesures = {}
    for code, indicateur in d.INDICATEURS.items():
        mesures[(code, p.TOUS, "periode")] = calcul.mesurer(indicateur, [])
        mesures[(code, p.TOUS, "precedente")] = calcul.mesurer(indicateur, [])
    mesures[("accompagnes", p.TOUS, "periode")] = calcul.mesurer(ACCOMPAGNES, personnes(12))
    mesures[("accompagnes", p.TOUS, "precedente")] = calcul.mesurer(ACCOMPAGNES, personnes(3))
    mesures[("sorties", p.TOUS, "periode")] = calcul.mesurer(ACCOMPAGNES, personnes(12))
    mesures[("sorties", p.TOUS, "precedente")] = calcul.mesurer(ACCOMPAGNES, personnes(7))

    ecran = {
        t.indicateur.code: t
        for section in tableaux.tableaux(mesures, [p.TOUS], arrondi=False).values()
        for t in section
    }
    ligne = ecran["accompagnes"].lignes[0]
    assert (ligne.texte, ligne.texte_precedente, ligne.texte_ecart) == ("12", "secret", "–")
    # À l'écran : 12 − 7 = +5 ; dans les documents : 10 − 5 = +5 (arrondis) ; jamais le chiffre brut.
    assert ecran["sorties"].lignes[0].texte_ecart == "+5"
    export = {
        t.indicateur.code: t for section in tableaux.tableaux(mesures, [p.TOUS], arrondi=True).values() for t in section
    }
    ligne = export["sorties"].lignes[0]
    assert (ligne.texte, ligne.texte_precedente, ligne.texte_ecart) == ("10", "5", "+5")
    assert export["part_contrat"].lignes[0].texte == "–"


def test_le_graphique_n_a_pas_de_barre_pour_une_valeur_secrete():
    mesures = {}
    for code, indicateur in d.INDICATEURS.items():
        for cle in ("periode", "precedente"):
            mesures[(code, p.TOUS, cle)] = calcul.mesurer(indicateur, [])
    mesures[("accompagnes", p.TOUS, "periode")] = calcul.mesurer(ACCOMPAGNES, personnes(12))
    mesures[("accompagnes", p.TOUS, "precedente")] = calcul.mesurer(ACCOMPAGNES, personnes(3))
    tableau = tableaux.tableaux(mesures, [p.TOUS], arrondi=False)[d.ACCOMPAGNEMENT][0]
    svg = str(tableau.graphique)
    assert 'role="img"' in svg and "<title" in svg
    assert svg.count("<rect") == 2 + 1  # les deux pastilles de la légende et une seule barre (12)
    assert ">secret</text>" in svg and ">3<" not in svg


def test_pas_de_graphique_quand_rien_n_est_publie():
    mesures = {}
    for code, indicateur in d.INDICATEURS.items():
        for cle in ("periode", "precedente"):
            mesures[(code, p.TOUS, cle)] = calcul.mesurer(indicateur, [])
    mesures[("accompagnes", p.TOUS, "periode")] = calcul.mesurer(ACCOMPAGNES, personnes(3))
    tableau = tableaux.tableaux(mesures, [p.TOUS], arrondi=False)[d.ACCOMPAGNEMENT][0]
    # 3 personnes (secret) et aucune la période précédente (0 est publié) : un graphique ; tout secret : aucun.
    assert tableau.graphique
    mesures[("accompagnes", p.TOUS, "precedente")] = calcul.mesurer(ACCOMPAGNES, personnes(2))
    assert tableaux.tableaux(mesures, [p.TOUS], arrondi=False)[d.ACCOMPAGNEMENT][0].graphique == ""


def _mesures_vides():
    return {
        (code, p.TOUS, cle): calcul.mesurer(indicateur, [])
        for code, indicateur in d.INDICATEURS.items()
        for cle in ("periode", "precedente")
    }


def test_sorties_par_motif_secret_secondaire():
    # 15 sorties (15 personnes) : emploi durable 7, déménagement 5, refus 3. Le refus est secret ; sans secret
    # secondaire, 15 − 7 − 5 = 3 le donnerait : le déménagement (5, le plus petit autre non nul) est masqué aussi.
    mesures = _mesures_vides()
    sorties = d.INDICATEURS["sorties"]
    for code, nombre in (("sorties", 15), ("sorties_emploi_durable", 7), ("sorties_demenagement", 5),
                         ("sorties_refus", 3)):  # fmt: skip
        mesures[(code, p.TOUS, "periode")] = calcul.mesurer(sorties, personnes(nombre))
    par_code = {
        t.indicateur.code: t.lignes[0]
        for section in tableaux.tableaux(mesures, [p.TOUS], arrondi=False).values()
        for t in section
    }
    assert [par_code[code].texte for code in ("sorties", "sorties_emploi_durable", "sorties_demenagement")] == [
        "15",
        "7",
        "secret",
    ]
    assert par_code["sorties_refus"].texte == "secret"
    assert par_code["sorties_demenagement"].valeur is None and par_code["sorties_demenagement"].texte_ecart == "–"
    # La période précédente, sans aucune sortie : rien de masqué (zéro partout).
    assert par_code["sorties_demenagement"].texte_precedente == "0"


def test_les_sorties_sont_des_sorties_pas_des_personnes():
    # Une personne sortie, rouverte, sortie à nouveau : deux sorties (revue, point 15) ; l'unité le dit.
    assert {d.INDICATEURS[code].unite for code in d.REPARTITIONS_SORTIES} == {"sorties"}
    assert "compte deux sorties" in d.INDICATEURS["sorties"].definition
