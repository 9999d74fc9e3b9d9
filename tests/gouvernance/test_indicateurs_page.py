"""La page des indicateurs et son export CSV, sur un jeu en base fait main : le territoire d'un carnet (transferts),
le sous-territoire (EPCI), le chargement depuis les vrais modèles, le secret à l'écran, l'arrondi dans le CSV, les
filtres invalides, l'accès, le nombre de requêtes.

Période : 3e trimestre 2026. Les carnets (les « A » et D ouverts par le Département des Landes, référente nommée) :
- A1 à A5 à Mont-de-Marsan, A6 à Dax, ouverts le 01/02/2026 ; A1 est au RSA (droit ouvert) ;
- B ouvert dans les Pyrénées-Atlantiques le 01/01/2026 (Dax, sans référent), arrivé dans les Landes le 01/03 ;
- C ouvert dans les Landes le 01/01/2026, parti dans les Pyrénées-Atlantiques le 01/03 (il ne compte plus) ;
- D ouvert le 01/01/2025 à Mont-de-Marsan, sorti le 15/06/2026 (avant la période).
"""

from datetime import date

import pytest
from django.urls import reverse

from gouvernance.indicateurs import calcul
from gouvernance.indicateurs import population as p
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques_indicateurs as f
from tests.offre import fabriques as fabriques_offre

T3 = {"debut": "2026-07-01", "fin": "2026-09-30"}
URL = reverse("gouvernance:indicateurs")
EXPORT = reverse("gouvernance:indicateurs_export")


@pytest.fixture
def landes(db):
    landes = OrganisationFactory(nom="Département des Landes")
    pyrenees = OrganisationFactory(
        nom="Département des Pyrénées-Atlantiques", departement="64", commune="Pau", code_postal="64000"
    )
    pilote = membre(landes, Role.PILOTE).utilisateur
    referente = membre(landes).utilisateur
    a = [
        f.carnet(landes, referente, ouvert_le=date(2026, 2, 1), commune=f.MONT_DE_MARSAN if i < 5 else f.DAX)
        for i in range(6)
    ]
    b = f.carnet(pyrenees, referente, ouvert_le=date(2026, 1, 1), commune=f.DAX, referent=False)
    f.transfert(b, landes, referente, de="64", vers="40", le=date(2026, 3, 1))
    c = f.carnet(landes, referente, ouvert_le=date(2026, 1, 1))
    f.transfert(c, pyrenees, referente, de="40", vers="64", le=date(2026, 3, 1))
    d = f.carnet(landes, referente, ouvert_le=date(2025, 1, 1))
    f.statut(a[0], "droit_rsa", "ouvert_versable", date(2025, 1, 1), referente)
    f.demande(a[0], landes, referente, recue_le=date(2026, 6, 1), decidee_le=date(2026, 7, 10))
    f.contrat(a[0], referente, debut=date(2026, 7, 20), accord=date(2026, 7, 25))
    f.rendez_vous(a[0], landes, referente, le=date(2026, 8, 1))
    f.rendez_vous(a[1], landes, referente, le=date(2026, 8, 10), statut_="absent")
    f.rendez_vous(c, landes, referente, le=date(2026, 8, 12), statut_="absent")
    f.note(a[2], landes, referente, le=date(2026, 9, 10))
    f.objectif(a[4], referente, le=date(2026, 2, 5))
    f.sortie(a[3], landes, referente, le=date(2026, 9, 15))
    f.sortie(
        d,
        landes,
        referente,
        le=date(2026, 6, 15),
        points=[(date(2026, 7, 15), "en_emploi"), (date(2026, 9, 15), "fin_de_contrat")],
    )
    service = fabriques_offre.service()
    f.orientation_service(
        a[5],
        service,
        referente,
        envoyee_le=f.moment(date(2026, 8, 25)),
        reponse="acceptee",
        repondue_le=f.moment(date(2026, 8, 27)),
    )
    f.orientation_service(
        a[1],
        service,
        referente,
        envoyee_le=f.moment(date(2026, 7, 5)),
        reponse="refusee",
        repondue_le=f.moment(date(2026, 7, 9)),
    )
    return {"landes": landes, "pilote": pilote, "referente": referente, "a": a}


def brut(**filtres):
    mesures = calcul.indicateurs_du_territoire(
        calcul.Filtres("40", p.Periode(date(2026, 7, 1), date(2026, 9, 30)), **filtres)
    )
    return lambda code, public=p.TOUS: mesures[(code, public, "periode")].valeur


def test_chargement_depuis_la_base_et_territoire_du_carnet(landes):
    valeur = brut()
    # A1 à A6 et B (arrivé) ; C est parti, D est sorti avant la période → 7.
    assert valeur("accompagnes") == 7
    assert valeur("accompagnes", p.BRSA) == 1
    # A1 : 10/07 − 01/06 = 39 jours ; contrat : 25/07 − 10/07 = 15 jours.
    assert valeur("delai_orientation_median") == 39
    assert valeur("delai_accompagnement_median") == 15
    # Rendez-vous : A1 honoré, A2 absent (celui de C, parti, ne compte pas) → 1 / 2 = 50 %.
    assert valeur("taux_absence") == 50.0
    # Toujours dans le parcours le 30/09 : A1, A2, A3, A5, A6, B (A4 est sorti). Contact après le 30/06 : A1
    # (rendez-vous honoré), A3 (note) ; l'objectif de A5 n'est pas un contact → 4 / 6 = 66,7 %.
    assert valeur("part_sans_contact") == 66.7
    # Référent : les six « A », pas B → 6 / 7 = 85,7 %.
    assert valeur("part_referent") == 85.7
    # Offre : 2 orientations, 1 acceptée (A6, 2 jours), 1 refusée (A2, 4 jours) → 50 %, médiane 3 jours.
    assert valeur("orientations_offre") == 2
    assert valeur("taux_acceptation_offre") == 50.0
    assert valeur("delai_reponse_offre_median") == 3.0
    # Sorties : A4 le 15/09 ; D : point à 1 mois (15/07) en emploi, à 3 mois (15/09) fin de contrat.
    assert valeur("sorties") == 1
    assert valeur("emploi_1_mois") == 100.0
    assert valeur("emploi_3_mois") == 0.0


def test_sous_territoire_epci(landes):
    # Mont-de-Marsan Agglomération : A1 à A5 → 5 ; Grand Dax : A6 et B → 2.
    assert brut(epci="244000808")("accompagnes") == 5
    assert brut(epci="244000675")("accompagnes") == 2


def test_page_du_pilote_avec_definitions_et_secret(client, connecter, landes):
    connecter(landes["pilote"])
    reponse = client.get(URL, T3)
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Personnes accompagnées" in contenu
    assert "Définition :" in contenu and "ne sont pas sorties du parcours avant son premier jour" in contenu
    assert '<td class="fr-cell--right">7</td>' in contenu  # à l'écran, pas d'arrondi
    assert 'role="img"' in contenu
    assert "Avis des personnes accompagnées" in contenu  # les avis anonymes ont leur section (plus de lacune)
    # Grand Dax : 2 personnes → « secret ».
    reponse = client.get(URL, {**T3, "sous_territoire": "244000675"})
    tableau = reponse.content.decode().split('id="indicateur-accompagnes"')[1].split("</table>")[0]
    assert "secret" in tableau and ">2<" not in tableau


def test_periode_par_defaut_le_dernier_trimestre_complet(client, connecter, landes):
    from django.utils import timezone

    connecter(landes["pilote"])
    periode = p.dernier_trimestre_complet(timezone.localdate())
    assert periode.libelle in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"debut": "2026-09-01", "fin": "2026-07-31"}, "La fin de la période ne peut pas précéder son début."),
        # Des mois entiers : un jour de différence entre deux périodes isolerait une personne (revue, 3c).
        ({"debut": "2026-07-02"}, "La période commence le premier jour d&#x27;un mois."),
        ({"fin": "2026-09-29"}, "La période finit le dernier jour d&#x27;un mois."),
        # Années bornées : l'an 1 faisait déborder la période précédente (erreur serveur, revue 10).
        ({"debut": "0001-01-01", "fin": "0001-02-28"}, "Choisissez une date entre 2000 et 2100."),
        ({"debut": "9999-12-01", "fin": "9999-12-31"}, "Choisissez une date entre 2000 et 2100."),
        ({"debut": "pas une date"}, "Saisissez une date valide."),
        ({"territoire": "64"}, "Sélectionnez un choix valide."),
        ({"sous_territoire": "200066298"}, "Cet EPCI n&#x27;est pas dans le territoire choisi."),
        ({"organisation": "pas-un-uuid"}, "Saisissez un UUID valide."),
        ({"public": "retraites"}, "Sélectionnez un choix valide."),
    ],
)
def test_filtres_invalides_message_en_francais(client, connecter, landes, parametres, message):
    connecter(landes["pilote"])
    reponse = client.get(URL, {**T3, **parametres})
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert "Personnes accompagnées" not in reponse.content.decode()
    assert client.get(EXPORT, {**T3, **parametres}).status_code == 400


def test_organisation_d_un_autre_territoire_refusee(client, connecter, landes):
    ailleurs = OrganisationFactory(departement="64", commune="Pau", code_postal="64000")
    connecter(landes["pilote"])
    reponse = client.get(URL, {**T3, "organisation": str(ailleurs.uuid)})
    assert "Cette organisation n&#x27;est pas dans le territoire choisi." in reponse.content.decode()
    reponse = client.get(URL, {**T3, "organisation": str(landes["landes"].uuid)})
    assert '<td class="fr-cell--right">6</td>' in reponse.content.decode()  # les six « A » (B n'a pas de référent)


def test_ni_pilote_ni_secretaire_404(client, connecter, landes):
    connecter(landes["referente"])
    assert client.get(URL, T3).status_code == 404
    assert client.get(EXPORT, T3).status_code == 404


def test_export_csv_arrondi_et_masque(client, connecter, landes):
    connecter(landes["pilote"])
    reponse = client.get(EXPORT, T3)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="indicateurs-40-20260701-20260930.csv"' in reponse["Content-Disposition"]
    assert reponse.content.startswith(b"\xef\xbb\xbf")
    lignes = [ligne.split(";") for ligne in reponse.content.decode("utf-8-sig").split("\r\n") if ligne]
    assert lignes[0][:6] == ["code", "indicateur", "public", "territoire", "période", "valeur"]
    par_cle = {(ligne[0], ligne[2]): ligne for ligne in lignes[1:]}
    accompagnes = par_cle[("accompagnes", "Tous les publics")]
    # 7 personnes → arrondi à 5 ; la période précédente (31/03 → 30/06) : A1-A6, B, C ? non, C est parti → 7 + D → 8
    # → arrondi à 10 ; écart des chiffres publiés : 5 − 10 = −5.
    assert accompagnes[5:8] == ["5", "10", "-5"]
    assert accompagnes[-1].startswith("Personnes dont le carnet de bord est ouvert")
    # Le public BRSA : 1 personne → secret ; un taux sur 2 rendez-vous → secret.
    assert par_cle[("accompagnes", "Bénéficiaires du RSA (droit ouvert)")][5] == "secret"
    assert par_cle[("taux_absence", "Tous les publics")][5] == "secret"
    assert par_cle[("accompagnes", "Parents isolés")][5] == "0"


@pytest.mark.parametrize("nombre", [1, 30])
def test_nombre_de_requetes_borne(client, connecter, db, django_assert_num_queries, nombre):
    landes = OrganisationFactory(nom="Département des Landes")
    pilote = membre(landes, Role.PILOTE).utilisateur
    referente = membre(landes).utilisateur
    service = fabriques_offre.service()
    for _ in range(nombre):
        carnet = f.carnet(landes, referente, ouvert_le=date(2026, 2, 1))
        f.statut(carnet, "droit_rsa", "ouvert_versable", date(2025, 1, 1), referente)
        f.demande(carnet, landes, referente, recue_le=date(2026, 6, 1), decidee_le=date(2026, 7, 10))
        f.contrat(carnet, referente, debut=date(2026, 7, 20))
        f.rendez_vous(carnet, landes, referente, le=date(2026, 8, 1))
        f.note(carnet, landes, referente, le=date(2026, 8, 2))
        f.objectif(carnet, referente, le=date(2026, 2, 5))
        f.orientation_service(carnet, service, referente, envoyee_le=f.moment(date(2026, 8, 25)))
    connecter(pilote)
    # Session, utilisateur, second facteur, menu (4), territoires du pilote (2), données (12), avis (1), commentaires
    # des personnes (1), appartenances du menu (1), organisations du filtre (1) : 22, quel que soit le nombre de
    # carnets.
    with django_assert_num_queries(22):
        assert client.get(URL, T3).status_code == 200
