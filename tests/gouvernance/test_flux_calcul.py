"""Le flux mensuel des orientations, sur un jeu fait main (octobre 2026, Landes) :

- D1 orienter, emploi, association A, entrée RSA reçue le 01/09, décidée le 01/10 (premier jour : 30 jours,
  dans les 6 semaines), BRSA ; contrat signé le 15/10 (14 jours ; un contrat de mai, antérieur, ne compte pas) ;
- D2 orienter, emploi, A, reçue le 01/09, décidée le 31/10 (dernier jour : 60 jours, hors délai), BRSA, sans contrat ;
- D3 orienter, emploi, A, reçue le 20/09, décidée le 10/10 (20 jours), BRSA (droit ouvert et suspendu) ; contrat le
  jour même (0 jour) ;
- D4 orienter, emploi, A, première orientation reçue le 01/10, décidée le 05/10 (4 jours), 22 ans, sans statut :
  jeunes ;
- D5 orienter, emploi, A, reçue le 01/08, décidée le 20/10 (80 jours) ; droit RSA clos la veille, RQTH en cours :
  rqth ;
- D6 réorienter, social, association B, demande de réorientation reçue le 01/10, décidée le 15/10 (14 jours),
  BRSA ; contrat le 02/11 (18 jours) ;
- D7 maintenir, demande de réorientation reçue le 01/10, décidée le 12/10 (11 jours), BRSA.
Hors du mois : D8 le 30/09, D9 le 01/11 ; hors du territoire : D10 (Gironde), le 15/10."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gouvernance.besoins import flux
from gouvernance.indicateurs import population
from parcours.models import DecisionOrientation, DemandeOrientation, Statut
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques_pilotage as f

OCTOBRE = flux.Mois(2026, 10)
REORIENTATION = DemandeOrientation.Motif.REORIENTATION


@pytest.fixture
def jeu(db):
    departement = OrganisationFactory(nom="Département des Landes", departement="40")
    gironde = OrganisationFactory(nom="Département de la Gironde", departement="33")
    a = OrganisationFactory(nom="Association A", type="association", departement="40")
    b = OrganisationFactory(nom="Association B", type="association", departement="40")
    auteur = membre(departement, Role.PILOTE).utilisateur

    def personne(*, naissance=date(1980, 1, 1), brsa="ouvert_versable", organisation=departement):
        carnet = f.carnet(organisation, auteur, naissance=naissance)
        if brsa:
            f.statut(carnet, auteur, Statut.Type.DROIT_RSA, brsa, date(2026, 1, 1))
        return carnet

    def decider(carnet, reception, le, **champs):
        champs.setdefault("organisme", a)
        return f.decision(carnet, auteur, champs.pop("departement", departement), reception=reception, le=le, **champs)

    p1 = personne()
    decider(p1, date(2026, 9, 1), date(2026, 10, 1))
    f.contrat(p1, auteur, date(2026, 5, 1))
    f.contrat(p1, auteur, date(2026, 10, 15))
    decider(personne(), date(2026, 9, 1), date(2026, 10, 31))
    p3 = personne(brsa="ouvert_suspendu")
    decider(p3, date(2026, 9, 20), date(2026, 10, 10))
    f.contrat(p3, auteur, date(2026, 10, 10))
    p4 = personne(naissance=date(2004, 6, 1), brsa="")
    decider(p4, date(2026, 10, 1), date(2026, 10, 5), motif=DemandeOrientation.Motif.PREMIERE_ORIENTATION)
    p5 = f.carnet(departement, auteur)
    f.statut(p5, auteur, Statut.Type.DROIT_RSA, "ouvert_versable", date(2026, 1, 1), fin=date(2026, 10, 19))
    f.statut(p5, auteur, Statut.Type.RQTH, "oui", date(2025, 1, 1))
    decider(p5, date(2026, 8, 1), date(2026, 10, 20))
    p6 = personne()
    decider(
        p6,
        date(2026, 10, 1),
        date(2026, 10, 15),
        sens=DecisionOrientation.Sens.REORIENTER,
        motif=REORIENTATION,
        parcours="social",
        organisme=b,
    )
    f.contrat(p6, auteur, date(2026, 11, 2))
    decider(
        personne(), date(2026, 10, 1), date(2026, 10, 12), sens=DecisionOrientation.Sens.MAINTENIR, motif=REORIENTATION
    )
    decider(personne(), date(2026, 9, 1), date(2026, 9, 30))  # D8
    decider(personne(), date(2026, 9, 1), date(2026, 11, 1))  # D9
    decider(
        personne(organisation=gironde), date(2026, 10, 1), date(2026, 10, 15), departement=gironde, organisme=gironde
    )
    return {"departement": departement, "a": a, "b": b, "auteur": auteur, "personne": personne, "decider": decider}


def exactes(lignes):
    return [
        (
            ligne.parcours,
            ligne.organisme,
            ligne.public,
            ligne.nature,
            ligne.decisions,
            ligne.dans_les_6_semaines,
            sorted(ligne.delais_orientation),
            ligne.reorientations,
            ligne.maintiens,
            sorted(ligne.delais_accompagnement),
        )
        for ligne in lignes
    ]


def test_lignes_exactes(jeu):
    assert exactes(flux.lignes("40", OCTOBRE)) == [
        # Le maintien (D7) : ni parcours ni organisme.
        ("", "", "brsa", "reorientation", 1, 1, [11], 0, 1, []),
        # D1, D2, D3 : deux dans les 6 semaines (30 et 20 jours), deux contrats (14 et 0 jours).
        ("emploi", "Association A", "brsa", "premiere_orientation", 3, 2, [20, 30, 60], 0, 0, [0, 14]),
        ("emploi", "Association A", "jeunes", "premiere_orientation", 1, 1, [4], 0, 0, []),  # D4
        ("emploi", "Association A", "rqth", "premiere_orientation", 1, 0, [80], 0, 0, []),  # D5
        ("social", "Association B", "brsa", "reorientation", 1, 1, [14], 1, 0, [18]),  # D6
    ]
    assert flux.lignes("40", OCTOBRE)[1].siret == jeu["a"].siret


def test_mois_sans_decision(jeu):
    assert flux.lignes("40", flux.Mois(2026, 8)) == []
    # Septembre : D8 seule (le 30/09).
    assert [ligne.decisions for ligne in flux.lignes("40", flux.Mois(2026, 9))] == [1]


def test_publiee_masque_les_petits_effectifs(jeu):
    publiees = [ligne.publiee() for ligne in flux.lignes("40", OCTOBRE)]
    # Tout compte de 1 à 4 : « secret », médianes comprises ; zéro reste zéro ; sans contrat, pas de médiane.
    assert publiees[0] == {
        "parcours": "",
        "organisme_referent_siret": "",
        "organisme_referent_nom": "",
        "public": "brsa",
        "nature": "reorientation",
        "nombre_decisions": "secret",
        "nombre_orientees_6_semaines": "secret",
        "delai_orientation_median_jours": "secret",
        "nombre_reorientations": 0,
        "nombre_maintiens": "secret",
        "nombre_contrats_signes": 0,
        "delai_accompagnement_median_jours": None,
    }


def test_arrondi_a_5_et_medianes(jeu):
    # Quatre décisions de plus dans la ligne BRSA × emploi × A, reçues le 01/10, décidées le 11/10 (10 jours), un
    # contrat le 16/10 (5 jours) : 7 décisions ; dans les 6 semaines : 2 + 4 = 6 ; délais d'orientation
    # 10, 10, 10, 10, 20, 30, 60 : médiane 10 ; contrats : 0, 5, 5, 5, 5, 14 → 6 contrats, médiane (5 + 5) / 2 = 5.
    for _ in range(4):
        carnet = jeu["personne"]()
        jeu["decider"](carnet, date(2026, 10, 1), date(2026, 10, 11))
        f.contrat(carnet, jeu["auteur"], date(2026, 10, 16))
    ligne = flux.lignes("40", OCTOBRE)[1]
    assert (ligne.decisions, ligne.dans_les_6_semaines, len(ligne.delais_accompagnement)) == (7, 6, 6)
    publiee = ligne.publiee()
    assert publiee["nombre_decisions"] == 5  # 7 → 5
    assert publiee["nombre_orientees_6_semaines"] == 5  # 6 → 5
    assert publiee["delai_orientation_median_jours"] == 10
    assert publiee["nombre_contrats_signes"] == 5  # 6 → 5
    assert publiee["delai_accompagnement_median_jours"] == 5
    # Une huitième, en 11 jours : 8 → 10 ; délais 10, 10, 10, 10, 11, 20, 30, 60 → médiane (10 + 11) / 2 = 10,5.
    jeu["decider"](jeu["personne"](), date(2026, 10, 1), date(2026, 10, 12))
    publiee = flux.lignes("40", OCTOBRE)[1].publiee()
    assert publiee["nombre_decisions"] == 10
    assert publiee["nombre_orientees_6_semaines"] == 5  # 7 → 5
    assert publiee["delai_orientation_median_jours"] == 10.5


@pytest.mark.parametrize(
    ("statuts", "age", "attendu"),
    [
        ({Statut.Type.DROIT_RSA: "ouvert_versable", Statut.Type.RQTH: "oui"}, 22, "brsa"),  # le premier l'emporte
        ({Statut.Type.DROIT_RSA: "clos", Statut.Type.DELD: "oui"}, 22, "deld"),
        ({Statut.Type.DELD: "non"}, 25, "jeunes"),
        ({Statut.Type.PARENT_ISOLE: "oui", Statut.Type.RQTH: "oui"}, 26, "parents_isoles"),
        ({Statut.Type.RQTH: "oui"}, 40, "rqth"),
        ({}, 26, "autre"),
    ],
)
def test_public_a_la_date_de_la_decision(statuts, age, attendu):
    jour = date(2026, 10, 15)
    lus = [(type_, valeur, date(2026, 1, 1), None) for type_, valeur in statuts.items()]
    assert flux._public(lus, date(jour.year - age, 10, 15), jour) == attendu


def test_un_statut_termine_ou_futur_ne_compte_pas():
    jour = date(2026, 10, 15)

    def lu(type_, debut, fin):
        return (type_, "ouvert_versable" if type_ == "droit_rsa" else "oui", debut, fin)

    lus = [
        lu(Statut.Type.DROIT_RSA, date(2026, 1, 1), date(2026, 10, 14)),  # fini la veille
        lu(Statut.Type.DELD, date(2026, 10, 16), None),  # commence le lendemain
        lu(Statut.Type.RQTH, date(2026, 1, 1), date(2026, 10, 15)),  # la date de fin est incluse
    ]
    assert flux._public(lus, date(1980, 1, 1), jour) == "rqth"


@pytest.mark.parametrize(
    ("texte", "premier", "dernier"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        (" 2026-04 ", date(2026, 4, 1), date(2026, 4, 30)),
    ],
)
def test_bornes_du_mois(texte, premier, dernier):
    mois = flux.Mois.lire(texte)
    assert (mois.premier_jour, mois.dernier_jour) == (premier, dernier)


@pytest.mark.parametrize("texte", ["2026-13", "2026-00", "2026-1", "10/2026", "", "abcd-ef"])
def test_mois_invalide(texte):
    with pytest.raises(ValidationError) as erreur:
        flux.Mois.lire(texte)
    assert erreur.value.message_dict == {"mois": ["Indiquez un mois au format AAAA-MM (par exemple 2026-10)."]}


@pytest.mark.parametrize("texte", ["0999-01", "1999-12", "2101-01", "9999-12"])
def test_mois_hors_des_annees_2000_a_2100(texte):
    # 9999-12 faisait une erreur serveur (le dernier jour cherchait l'an 10000) ; revue, point 10.
    with pytest.raises(ValidationError) as erreur:
        flux.Mois.lire(texte)
    assert erreur.value.message_dict == {"mois": ["Choisissez un mois entre 2000-01 et 2100-12."]}
    assert flux.Mois.lire("2100-12").dernier_jour == date(2100, 12, 31)


def test_mois_precedent():
    assert flux.Mois.precedent(date(2026, 11, 24)) == flux.Mois(2026, 10)
    assert flux.Mois.precedent(date(2027, 1, 1)) == flux.Mois(2026, 12)


def test_contrat_signe_date_de_signature_decision_suivante_et_borne(jeu):
    """Janvier 2027 (revue, points 7 et 15), toutes BRSA, emploi, association A sauf la réorientation :
    - E1 décidée le 05/01 ; contrat débuté le 20/12/2026, accord de la personne le 08/01 : signé le 08/01 → 3 jours
      (avant : ignoré, son début précédait la décision) ;
    - E2 décidée le 04/01, réorientée (social, B) le 20/01 ; contrat signé le 25/01 : il revient à la réorientation
      (5 jours), pas à la première décision (avant : 21 jours aussi) ;
    - E3 décidée le 10/01 ; contrat signé le 28/02, dernier jour du mois qui suit : compté, 21 + 28 = 49 jours ;
    - E4 décidée le 11/01 ; contrat signé le 01/03, après : pas compté (avant : 49 jours)."""
    auteur, personne, decider = jeu["auteur"], jeu["personne"], jeu["decider"]
    e1, e2, e3, e4 = (personne() for _ in range(4))
    decider(e1, date(2027, 1, 2), date(2027, 1, 5))
    f.contrat(e1, auteur, date(2026, 12, 20), accord=date(2027, 1, 8))
    decider(e2, date(2027, 1, 2), date(2027, 1, 4))
    decider(
        e2,
        date(2027, 1, 10),
        date(2027, 1, 20),
        sens=DecisionOrientation.Sens.REORIENTER,
        motif=REORIENTATION,
        parcours="social",
        organisme=jeu["b"],
    )
    f.contrat(e2, auteur, date(2027, 1, 25))
    decider(e3, date(2027, 1, 2), date(2027, 1, 10))
    f.contrat(e3, auteur, date(2027, 2, 28))
    decider(e4, date(2027, 1, 2), date(2027, 1, 11))
    f.contrat(e4, auteur, date(2027, 3, 1))
    premiere, reorientation = flux.lignes("40", flux.Mois(2027, 1))
    assert (premiere.organisme, premiere.decisions, sorted(premiere.delais_accompagnement)) == (
        "Association A",
        4,
        [3, 49],
    )
    assert (reorientation.organisme, reorientation.delais_accompagnement) == ("Association B", [5])
    assert flux.Mois(2027, 1).fin_des_contrats == date(2027, 2, 28)


def test_le_public_du_flux_est_celui_des_indicateurs():
    # Une seule règle (revue, point 8) : `population.publics_le`, puis le premier dans l'ordre du flux.
    jour = date(2026, 10, 15)
    statuts = [(Statut.Type.DELD, "oui", date(2026, 1, 1), None), (Statut.Type.RQTH, "oui", date(2026, 1, 1), None)]
    assert population.publics_le(statuts, date(2002, 1, 1), jour) == {"deld", "rqth", "jeunes"}
    assert flux._public(statuts, date(2002, 1, 1), jour) == "deld"
