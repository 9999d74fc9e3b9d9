"""Les besoins non couverts, sur un jeu fait main des Landes (distances du grand cercle entre centres des communes :
Mont-de-Marsan → Saint-Pierre-du-Mont 3,6 km, → Dax 50,8 km, → Biscarrosse 78,8 km ; Dax → Saint-Paul-lès-Dax
5,4 km).

Services de l'offre :
- S1 mobilité, en présentiel à Mont-de-Marsan, sans restriction de zone : couvre Mont-de-Marsan et
  Saint-Pierre-du-Mont (< 30 km), pas Dax ni Biscarrosse ;
- S2 logement, en présentiel à Dax, éligible à Dax seulement : couvre Dax, pas Saint-Paul-lès-Dax (hors zone) ;
- S3 numérique, à distance, éligible dans les Landes : couvre toutes les communes des Landes ;
- S4 logement à Mont-de-Marsan, suspendu ; S5 emploi à Mont-de-Marsan, en retard d'actualisation au-delà du délai
  de grâce ; S6 mobilité à distance, éligible en Gironde seulement : aucun ne couvre.

Personnes (carnets actifs des Landes) et leurs besoins (dernier diagnostic validé) :
- P1 Mont-de-Marsan : mobilité (couvert, S1), logement (non couvert : S4 suspendu) ;
- P2 Saint-Pierre-du-Mont : mobilité (couvert), emploi (non couvert : S5 périmé) ;
- P3 Dax : logement (couvert, S2), mobilité (non couvert : S1 à 50,8 km) ;
- P4 Saint-Paul-lès-Dax : logement (non couvert : hors zone de S2), numérique (couvert, S3) ;
- P5 Biscarrosse : santé (non couvert), mobilité (non couvert) ;
- P7 Mont-de-Marsan : v1 logement, v2 mobilité (couvert) seulement, v3 en cours (emploi) ignorée ;
- P9 arrivé de Gironde à Mont-de-Marsan : isolement (non couvert) ;
- P10 sans commune : logement (compté à part).
Hors du décompte : P6 (carnet clos), P8 (carnet de la Gironde), P11 (diagnostic en cours seulement)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gouvernance.besoins import besoins
from offre import geo
from parcours.models import Carnet, EvaluationDomaine
from partenaires.choix import Role
from partenaires.referentiels import epci
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques_pilotage as f
from tests.offre import fabriques as offre

BISCARROSSE = ("40046", "Biscarrosse", "40600")
MDM, SPDM, DAX, SPLD, BISCA = "40192", "40281", "40088", "40279", "40046"
AGGLO_MDM, GRAND_DAX, GRANDS_LACS = "244000808", "244000675", "244000873"


@pytest.fixture
def landes(db):
    departement = OrganisationFactory(nom="Département des Landes", departement="40")
    gironde = OrganisationFactory(nom="Département de la Gironde", departement="33")
    auteur = membre(departement, Role.PILOTE).utilisateur
    offre.service(commune=offre.MONT_DE_MARSAN, thematiques=["mobilite--preparer-un-permis"])
    offre.service(commune=offre.DAX, thematiques=["logement-hebergement--louer-un-logement"], zone_eligibilite=[DAX])
    offre.service(
        thematiques=["numerique--acceder-a-des-services-en-ligne"],
        en_presentiel=False,
        a_distance=True,
        zone_eligibilite=["40"],
    )
    offre.service(thematiques=["logement-hebergement--louer-un-logement"], statut="suspendu", motif_suspension="Fermé")
    offre.service(
        thematiques=["trouver-un-emploi--repondre-a-des-offres-demploi"],
        date_maj=timezone.localdate() - timedelta(days=200),
        frequence_actualisation="tous-les-3-mois",
    )
    offre.service(
        thematiques=["mobilite--preparer-un-permis"], en_presentiel=False, a_distance=True, zone_eligibilite=["33"]
    )

    def personne(commune, *besoins_, organisation=departement, **champs):
        carnet = f.carnet(organisation, auteur, commune=commune, **champs)
        f.diagnostic(carnet, auteur, besoins=besoins_)
        return carnet

    personne(MDM, "mobilite", "logement")  # P1
    personne(SPDM, "mobilite", "emploi")  # P2
    personne(DAX, "logement", "mobilite")  # P3
    personne(SPLD, "logement", "numerique")  # P4
    personne(BISCA, "sante", "mobilite")  # P5
    personne(MDM, "logement", statut=Carnet.Statut.CLOS)  # P6
    p7 = f.carnet(departement, auteur, commune=MDM)
    f.diagnostic(p7, auteur, besoins=["logement"], version=1)
    f.diagnostic(p7, auteur, besoins=["mobilite"], autres={"logement": "point_fort"}, version=2)
    f.diagnostic(p7, auteur, besoins=["emploi"], version=3, valide=False)
    personne(MDM, "logement", organisation=gironde)  # P8
    p9 = personne(MDM, "isolement", organisation=gironde)
    f.transferer(p9, auteur, departement)
    personne("", "logement")  # P10
    p11 = f.carnet(departement, auteur, commune=MDM)
    f.diagnostic(p11, auteur, besoins=["logement"], valide=False)
    return {"departement": departement, "gironde": gironde, "auteur": auteur, "personne": personne}


def comptes(resultat):
    """domaine → (total avec, total non couvert, {EPCI: (avec, non couvert)})."""
    return {
        ligne.code: (
            ligne.total.avec_besoin,
            ligne.total.non_couvert,
            {e.code: (e.compte.avec_besoin, e.compte.non_couvert) for e in ligne.par_epci},
        )
        for ligne in resultat.par_domaine
    }


def test_besoins_par_domaine_et_epci(landes):
    resultat = besoins.calculer("40")
    assert comptes(resultat) == {
        # Mobilité : P1, P2, P7 (agglomération de Mont-de-Marsan, couverts), P3 (Grand Dax), P5 (Biscarrosse).
        "mobilite": (5, 2, {AGGLO_MDM: (3, 0), GRAND_DAX: (1, 1), GRANDS_LACS: (1, 1)}),
        # Logement : P1 (S4 suspendu), P3 (couvert par S2), P4 (hors zone de S2) ; P6, P8, P10, P11 n'y sont pas.
        "logement": (3, 2, {AGGLO_MDM: (1, 1), GRAND_DAX: (2, 1)}),
        "emploi": (1, 1, {AGGLO_MDM: (1, 1)}),  # P2 : S5 est périmé ; la v3 en cours de P7 ne compte pas
        "sante": (1, 1, {GRANDS_LACS: (1, 1)}),  # P5 : un domaine sensible, compté
        "numerique": (1, 0, {GRAND_DAX: (1, 0)}),  # P4 : S3 à distance, éligible dans les Landes
        "isolement": (1, 1, {AGGLO_MDM: (1, 1)}),  # P9, arrivé de Gironde : remobilisation, aucun service
    }
    # L'ordre des domaines est celui du diagnostic.
    assert [ligne.code for ligne in resultat.par_domaine] == [
        "emploi",
        "logement",
        "mobilite",
        "sante",
        "numerique",
        "isolement",
    ]
    assert resultat.sans_commune == 1  # P10


def test_liste_par_epci(landes):
    carte = {e.code: e for e in besoins.calculer("40").carte}
    # Agglomération de Mont-de-Marsan : P1 (logement), P2 (emploi), P9 (isolement) ; communes MdM (P1, P9), SPdM (P2).
    agglo = carte[AGGLO_MDM]
    assert agglo.nom == epci()[AGGLO_MDM]
    assert agglo.personnes == 3
    assert {(c.libelle, c.effectif) for c in agglo.communes} == {("Mont-de-Marsan", 2), ("Saint-Pierre-du-Mont", 1)}
    assert {(d.libelle, d.effectif) for d in agglo.domaines} == {
        ("Logement", 1),
        ("Emploi", 1),
        ("Isolement", 1),
    }
    # Grand Dax : P3 (mobilité), P4 (logement).
    assert carte[GRAND_DAX].personnes == 2
    assert {(c.libelle, c.effectif) for c in carte[GRAND_DAX].communes} == {("Dax", 1), ("Saint-Paul-lès-Dax", 1)}
    # Biscarrosse : P5, deux domaines.
    assert carte[GRANDS_LACS].personnes == 1
    assert {d.libelle for d in carte[GRANDS_LACS].domaines} == {"Mobilité", "Santé"}
    # Tous secrets (1 à 4) : rangés par nom, sans rien révéler de leur effectif.
    noms = [e.nom for e in besoins.calculer("40").carte]
    assert noms == sorted(noms, key=str.casefold)
    assert {e.personnes_publie for e in carte.values()} == {"secret"}


def test_filtre_par_domaine(landes):
    resultat = besoins.calculer("40", domaine="logement")
    assert list(comptes(resultat)) == ["logement"]
    assert {e.code for e in resultat.carte} == {AGGLO_MDM, GRAND_DAX}


def test_un_autre_territoire_ne_voit_que_les_siens(landes):
    # En Gironde : P8 seulement (P9 est parti dans les Landes).
    assert comptes(besoins.calculer("33")) == {"logement": (1, 1, {AGGLO_MDM: (1, 1)})}


def test_secret_a_l_ecran_et_arrondi_dans_l_export(landes):
    for _ in range(7):
        landes["personne"](BISCA, "mobilite")
    resultat = besoins.calculer("40", domaine="mobilite")
    ligne = resultat.par_domaine[0]
    # Mobilité : 5 + 7 = 12 personnes, non couverts : P3, P5 et les 7 de Biscarrosse = 9 ; couverts : 12 − 9 = 3,
    # de 1 à 4 : « dont non couvert » est masqué au total (sinon les 3 couverts se déduiraient).
    assert (ligne.total.avec_besoin_publie, ligne.total.non_couvert_publie) == (12, "secret")
    lignes = {(e.code, e.compte.avec_besoin_publie, e.compte.non_couvert_publie) for e in ligne.par_epci}
    # Grands Lacs : 8 (P5 + 7) ; Mont-de-Marsan : 3 avec, 0 non couvert (zéro reste affiché) ; Grand Dax : 1 et 1.
    assert lignes == {(GRANDS_LACS, 8, 8), (AGGLO_MDM, "secret", 0), (GRAND_DAX, "secret", "secret")}
    # La liste par EPCI : le plus grand effectif d'abord (8), puis les secrets.
    assert [e.code for e in resultat.carte] == [GRANDS_LACS, GRAND_DAX]
    # Export : arrondi à 5 (8 → 10, 3 → secret, 0 → 0).
    export = {(ligne_[1], ligne_[5], ligne_[6]) for ligne_ in besoins.lignes_csv(resultat)}
    assert export == {(GRANDS_LACS, 10, 10), (AGGLO_MDM, "secret", 0), (GRAND_DAX, "secret", "secret")}


def test_un_service_de_la_categorie_a_moins_de_30_km_couvre(landes):
    # Un service logement à Saint-Paul-lès-Dax sans restriction de zone couvre Saint-Paul-lès-Dax (P4) et Dax.
    offre.service(
        commune=("40279", "Saint-Paul-lès-Dax", "40990"), thematiques=["logement-hebergement--changer-de-logement"]
    )
    assert comptes(besoins.calculer("40", domaine="logement"))["logement"][2][GRAND_DAX] == (2, 0)


@pytest.mark.parametrize(("km", "couvert"), [(29.9, True), (30.1, False)])
def test_la_limite_des_30_km(landes, km, couvert):
    # Un service mobilité posé plein nord du centre de Dax (43,70067 ; -1,06014), à 29,9 km ou à 30,1 km.
    latitude = 43.70067 + km / geo.KM_PAR_DEGRE_DE_LATITUDE
    assert round(geo.distance_km(43.70067, -1.06014, latitude, -1.06014), 3) == km
    offre.service(thematiques=["mobilite--financer-ma-mobilite"], latitude=latitude, longitude=-1.06014)
    # Grand Dax, mobilité : P3 à Dax, couvert seulement à moins de 30 km.
    assert comptes(besoins.calculer("40", domaine="mobilite"))["mobilite"][2][GRAND_DAX] == (1, 0 if couvert else 1)


def test_sans_besoin(db):
    resultat = besoins.calculer("40")
    assert (resultat.par_domaine, resultat.carte, resultat.sans_commune) == ([], [], 0)


def test_une_appreciation_autre_que_besoin_ne_compte_pas(landes):
    carnet = f.carnet(landes["departement"], landes["auteur"], commune=BISCA)
    f.diagnostic(carnet, landes["auteur"], autres={"logement": EvaluationDomaine.Appreciation.POINT_FORT})
    assert GRANDS_LACS not in comptes(besoins.calculer("40"))["logement"][2]
