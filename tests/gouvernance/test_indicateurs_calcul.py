"""Les indicateurs calculés sur un petit jeu de données fait main (sans base : les données chargées sont écrites
directement), chaque valeur attendue calculée à la main dans les commentaires.

Période : le 3e trimestre 2026 (du 01/07 au 30/09) ; la précédente compte autant de mois entiers : du 01/04 au
30/06.

Les carnets :
1. ouvert le 10/01/2026, né en 1990, RSA ouvert et versable ; référent de l'organisation 10 depuis le 15/01 ;
   demande « entrée RSA » reçue le 01/06, décidée le 10/07 ; contrat débuté le 20/07, accord le 25/07 ;
   premier objectif le 20/01 ; rendez-vous honorés le 01/08 et le 01/09 ; orientations vers l'offre le 20/06
   (sans réponse) et le 05/07 (refusée après 4 jours).
2. ouvert le 15/06/2026, né le 01/03/2002 (24 ans : jeune), RSA ouvert et suspendu ; référent (org. 10) du 15/06
   au 31/07, pas de successeur ; demande « entrée RSA » reçue le 10/06, décidée le 05/08 ; premier objectif le
   10/07 ; rendez-vous « absent » le 10/08 ; orientation vers l'offre le 06/07 (sans réponse).
3. ouvert le 01/11/2025, DELD depuis le 01/01/2025, parent isolé du 01/01/2025 au 31/08/2026 ; référent (org. 20)
   depuis le 05/11/2025 ; demande reçue le 01/11/2025, décidée le 20/11/2025 ; contrat du 01/12/2025 au
   31/08/2026 (sans date d'accord) ; note le 10/09 ; sortie le 15/09 (emploi durable).
4. ouvert le 01/03/2025, sorti le 01/04/2026 (emploi temporaire) ; points du suivi dans l'emploi : à 1 mois
   (01/05, fin de contrat) et à 3 mois (01/07, en emploi).
5. ouvert le 20/08/2026, né le 01/10/2000 (25 ans le 30/09 : jeune), RQTH depuis le 01/08 ; demande « transfert »
   reçue le 20/08, non décidée ; orientation vers l'offre le 25/08 à 10 h, acceptée le 27/08 à 10 h (2 jours) ;
   sorti le 20/09 (refus de la personne).
6. ouvert le 29/09/2026, né le 30/09/2000 (26 ans le 30/09 : pas jeune), droit RSA clos ; demande « entrée RSA »
   reçue le 01/09, décidée le 11/09.
"""

from datetime import date

import pytest

from gouvernance.indicateurs import calcul
from gouvernance.indicateurs import definitions as d
from gouvernance.indicateurs import population as p

T3 = p.Periode(date(2026, 7, 1), date(2026, 9, 30))
EN_EMPLOI, FIN_DE_CONTRAT = True, False


def jeu():
    return calcul.Donnees(
        ouverture={
            1: date(2026, 1, 10),
            2: date(2026, 6, 15),
            3: date(2025, 11, 1),
            4: date(2025, 3, 1),
            5: date(2026, 8, 20),
            6: date(2026, 9, 29),
        },
        naissance={
            1: date(1990, 5, 1),
            2: date(2002, 3, 1),
            3: date(1980, 1, 1),
            4: date(1985, 1, 1),
            5: date(2000, 10, 1),
            6: date(2000, 9, 30),
        },
        sorties=[
            (3, date(2026, 9, 15), None, "emploi_durable"),
            (4, date(2026, 4, 1), None, "emploi_temporaire"),
            (5, date(2026, 9, 20), None, "refus"),
        ],
        statuts=[
            (1, "droit_rsa", "ouvert_versable", date(2025, 12, 1), None),
            (2, "droit_rsa", "ouvert_suspendu", date(2026, 6, 10), None),
            (3, "deld", "oui", date(2025, 1, 1), None),
            (3, "parent_isole", "oui", date(2025, 1, 1), date(2026, 8, 31)),
            (5, "rqth", "oui", date(2026, 8, 1), None),
            (6, "droit_rsa", "clos", date(2026, 9, 29), None),
        ],
        referents=[
            (1, 10, date(2026, 1, 15), None),
            (2, 10, date(2026, 6, 15), date(2026, 7, 31)),
            (3, 20, date(2025, 11, 5), None),
        ],
        demandes=[
            (1, "entree_rsa", date(2026, 6, 1), date(2026, 7, 10)),
            (2, "entree_rsa", date(2026, 6, 10), date(2026, 8, 5)),
            (3, "entree_rsa", date(2025, 11, 1), date(2025, 11, 20)),
            (5, "transfert", date(2026, 8, 20), None),
            (6, "entree_rsa", date(2026, 9, 1), date(2026, 9, 11)),
        ],
        contrats=[
            (1, date(2026, 7, 20), None, date(2026, 7, 25)),
            (3, date(2025, 12, 1), date(2026, 8, 31), date(2025, 12, 1)),
        ],
        premier_objectif={1: date(2026, 1, 20), 2: date(2026, 7, 10)},
        derniers_contacts={
            (1, T3.fin): date(2026, 9, 1),
            (3, T3.fin): date(2026, 9, 10),
        },
        rendez_vous=[
            (1, date(2026, 8, 1), False),
            (1, date(2026, 9, 1), False),
            (2, date(2026, 8, 10), True),
        ],
        orientations=[
            (1, date(2026, 6, 20), False, False, None),
            (1, date(2026, 7, 5), False, True, 4.0),
            (2, date(2026, 7, 6), False, False, None),
            (5, date(2026, 8, 25), True, False, 2.0),
        ],
        points=[
            (4, date(2026, 4, 1), date(2026, 5, 1), FIN_DE_CONTRAT),
            (4, date(2026, 4, 1), date(2026, 7, 1), EN_EMPLOI),
        ],
    )


@pytest.fixture
def mesures():
    return calcul.calculer(jeu(), calcul.Filtres("40", T3), list(p.PUBLICS))


def valeur(mesures, code, public=p.TOUS, cle="periode"):
    return mesures[(code, public, cle)].valeur


def test_la_periode_precedente_compte_autant_de_mois_entiers():
    # T3 (3 mois) → le 2e trimestre, du 01/04 au 30/06 (et non 92 jours avant : du 31/03 au 30/06).
    assert T3.precedente == p.Periode(date(2026, 4, 1), date(2026, 6, 30))
    # Février 2028 (1 mois, 29 jours) → janvier 2028 en entier ; janvier → décembre de l'année d'avant.
    assert p.Periode(date(2028, 2, 1), date(2028, 2, 29)).precedente == p.Periode(date(2028, 1, 1), date(2028, 1, 31))
    assert p.Periode(date(2026, 1, 1), date(2026, 1, 31)).precedente == p.Periode(date(2025, 12, 1), date(2025, 12, 31))
    # Du 01/11/2025 au 31/03/2026 (5 mois) → du 01/06/2025 au 31/10/2025.
    periode = p.Periode(date(2025, 11, 1), date(2026, 3, 31))
    assert periode.precedente == p.Periode(date(2025, 6, 1), date(2025, 10, 31))


def test_la_periode_par_defaut_est_le_dernier_trimestre_complet():
    assert p.dernier_trimestre_complet(date(2026, 11, 24)) == T3
    assert p.dernier_trimestre_complet(date(2026, 1, 1)) == p.Periode(date(2025, 10, 1), date(2025, 12, 31))
    assert p.dernier_trimestre_complet(date(2026, 3, 31)) == p.Periode(date(2025, 10, 1), date(2025, 12, 31))


def test_personnes_accompagnees(mesures):
    # T3 : 1, 2, 3 (sorti le 15/09, dans la période), 5, 6 → 5 ; 4 est sorti le 01/04, avant le 01/07.
    assert valeur(mesures, "accompagnes") == 5
    # Précédente (01/04 → 30/06) : 1, 2 (ouvert le 15/06), 3, 4 (sorti le 01/04, pas avant le 01/04) → 4.
    assert valeur(mesures, "accompagnes", cle="precedente") == 4


def test_publics_lus_le_dernier_jour_de_la_periode(mesures):
    # BRSA : 1 (versable) et 2 (suspendu) ; 6 a un droit clos.
    assert valeur(mesures, "accompagnes", p.BRSA) == 2
    # Jeunes : 2 (24 ans) et 5 (25 ans, 26 le 01/10) ; 6 a 26 ans le 30/09.
    assert valeur(mesures, "accompagnes", p.JEUNES) == 2
    assert valeur(mesures, "accompagnes", p.DELD) == 1
    # Le statut de parent isolé de 3 a pris fin le 31/08 : plus personne le 30/09.
    assert valeur(mesures, "accompagnes", p.PARENTS_ISOLES) == 0
    assert valeur(mesures, "accompagnes", p.RQTH) == 1


def test_orientation(mesures):
    # Décisions au plus tard le 30/09 : 1, 2, 3, 6 sur 5 accompagnés → 80 %.
    assert valeur(mesures, "part_orientees") == 80.0
    # Délai légal échu dans T3 : 1 (01/06 + 42 j = 13/07, décidée le 10/07 : dans les temps), 2 (10/06 + 42 j =
    # 22/07, décidée le 05/08 : en retard) ; 5 (échéance le 01/10) et 6 (13/10) hors période → 1 / 2 = 50 %.
    assert valeur(mesures, "part_orientees_6_semaines") == 50.0
    # Décisions datées de T3 : 1 : 10/07 − 01/06 = 39 j ; 2 : 05/08 − 10/06 = 56 j ; 6 : 11/09 − 01/09 = 10 j.
    # Médiane : 39 ; moyenne : (39 + 56 + 10) / 3 = 35.
    assert valeur(mesures, "delai_orientation_median") == 39
    assert valeur(mesures, "delai_orientation_moyen") == 35.0


def test_contrat_referent_plan(mesures):
    # Contrat signé dans T3 : 1, accord le 25/07, décision le 10/07 → 15 jours (médiane et moyenne).
    assert valeur(mesures, "delai_accompagnement_median") == 15
    assert valeur(mesures, "delai_accompagnement_moyen") == 15.0
    # Contrat en cours le 30/09 : 1 seul (celui de 3 a fini le 31/08) → 1 / 5 = 20 %.
    assert valeur(mesures, "part_contrat") == 20.0
    # Référent en fonction le 30/09 : 1 et 3 (celui de 2 est parti le 31/07) → 2 / 5 = 40 %.
    assert valeur(mesures, "part_referent") == 40.0
    # 30e jour après l'ouverture dans T3 : 2 (15/07, objectif le 10/07 : oui), 5 (19/09, aucun objectif : non)
    # → 1 / 2 = 50 %.
    assert valeur(mesures, "part_plan_30_jours") == 50.0


def test_contact_absences_ruptures(mesures):
    # Toujours dans le parcours le 30/09 : 1, 2, 6 (3 et 5 sont sortis). Limite : 30/06.
    # 1 : rendez-vous honoré le 01/09 ; 2 : ouverture le 15/06 (l'absence ne compte pas) → sans contact ;
    # 6 : ouvert le 29/09 → 1 / 3 = 33,3 %.
    assert valeur(mesures, "part_sans_contact") == 33.3
    # Rendez-vous de T3 : 2 honorés (1) et 1 absence (2) → 1 / 3 = 33,3 %.
    assert valeur(mesures, "taux_absence") == 33.3
    # Effectifs du secret : 1 personne absente, 2 personnes avec un rendez-vous, 1 avec un rendez-vous honoré.
    assert mesures[("taux_absence", p.TOUS, "periode")].effectifs == (1, 2, 1)
    # 2 : référent parti le 31/07, personne le 30/08 (dans T3) ; 5 : sorti pour refus le 20/09 → 2.
    assert valeur(mesures, "ruptures") == 2


def test_orientations_vers_l_offre(mesures):
    # Envoyées dans T3 : 1 (05/07), 2 (06/07), 5 (25/08) → 3 ; celle de 1 du 20/06 est de la précédente.
    assert valeur(mesures, "orientations_offre") == 3
    assert valeur(mesures, "orientations_offre", cle="precedente") == 1
    # Réponses : 1 refusée, 5 acceptée → 50 % ; délais 4 et 2 jours → médiane 3.
    assert valeur(mesures, "taux_acceptation_offre") == 50.0
    assert valeur(mesures, "delai_reponse_offre_median") == 3.0


def test_sorties_et_emploi(mesures):
    # T3 : 3 (emploi durable, 15/09) et 5 (refus, 20/09) ; la précédente : 4 (emploi temporaire, 01/04).
    assert valeur(mesures, "sorties") == 2
    assert valeur(mesures, "sorties_emploi_durable") == 1
    assert valeur(mesures, "sorties_refus") == 1
    assert valeur(mesures, "sorties_emploi_temporaire") == 0
    assert valeur(mesures, "sorties", cle="precedente") == 1
    # Point à 3 mois de 4 (01/04 + 3 mois = 01/07, en emploi) → 100 % ; à 1 mois (01/05, dans la précédente,
    # fin de contrat) → 0 % ; aucun point à 1 mois dans T3 : pas de valeur.
    assert valeur(mesures, "emploi_3_mois") == 100.0
    assert valeur(mesures, "emploi_1_mois", cle="precedente") == 0.0
    assert valeur(mesures, "emploi_1_mois") is None


def test_filtre_organisation_du_referent():
    # Organisation 10 : 1 (référent en fonction) et 2 (son dernier référent, parti le 31/07) → 2.
    mesures = calcul.calculer(jeu(), calcul.Filtres("40", T3, organisation_id=10), [p.TOUS])
    assert valeur(mesures, "accompagnes") == 2
    # Leurs rendez-vous : 2 honorés, 1 absence.
    assert valeur(mesures, "taux_absence") == 33.3


def test_chaque_indicateur_defini_est_calcule(mesures):
    assert {code for code, _, _ in mesures} == set(d.INDICATEURS)


def test_rupture_evitee_par_un_successeur_ou_une_sortie():
    # 7 : référent parti le 31/07, successeur nommé le 20/08 (dans les 30 jours) → pas de rupture.
    # 8 : référent parti le 31/07, sorti le 15/08 (emploi) avant le 30/08 → pas de rupture.
    # 9 : référent parti le 31/07, successeur le 15/09 (après le 30/08) → rupture constatée le 30/08.
    # 10 : référent parti le 15/09 : le 30e jour (15/10) est après la période → pas encore de rupture.
    donnees = calcul.Donnees(
        ouverture=dict.fromkeys((7, 8, 9, 10), date(2026, 1, 1)),
        naissance=dict.fromkeys((7, 8, 9, 10), date(1980, 1, 1)),
        sorties=[(8, date(2026, 8, 15), None, "emploi_durable")],
        referents=[
            (7, 10, date(2026, 1, 1), date(2026, 7, 31)),
            (7, 10, date(2026, 8, 20), None),
            (8, 10, date(2026, 1, 1), date(2026, 7, 31)),
            (9, 10, date(2026, 1, 1), date(2026, 7, 31)),
            (9, 10, date(2026, 9, 15), None),
            (10, 10, date(2026, 1, 1), date(2026, 9, 15)),
        ],
    )
    mesures = calcul.calculer(donnees, calcul.Filtres("40", T3), [p.TOUS])
    assert mesures[("ruptures", p.TOUS, "periode")].valeur == 1


def test_une_sortie_rouverte_reste_accompagnee():
    # 11 : sorti le 01/05, rouvert le 15/08 (avant la fin de T3) → accompagné ; 12 : sorti le 01/05, rouvert le
    # 15/10 (après T3) → pas accompagné ; 13 : sorti le 01/05 sans réouverture → pas accompagné.
    donnees = calcul.Donnees(
        ouverture=dict.fromkeys((11, 12, 13), date(2026, 1, 1)),
        naissance=dict.fromkeys((11, 12, 13), date(1980, 1, 1)),
        sorties=[
            (11, date(2026, 5, 1), date(2026, 8, 15), "demenagement"),
            (12, date(2026, 5, 1), date(2026, 10, 15), "demenagement"),
            (13, date(2026, 5, 1), None, "demenagement"),
        ],
    )
    mesures = calcul.calculer(donnees, calcul.Filtres("40", T3), [p.TOUS])
    assert mesures[("accompagnes", p.TOUS, "periode")].valeur == 1
    # Toujours dans le parcours le 30/09 : 11 (rouvert), ouvert le 01/01 sans autre contact → sans contact.
    assert mesures[("part_sans_contact", p.TOUS, "periode")].valeur == 100.0
