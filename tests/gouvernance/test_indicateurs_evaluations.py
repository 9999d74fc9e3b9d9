"""Les indicateurs « Avis des personnes accompagnées » : calculés sur les avis anonymes (`parcours.Evaluation`),
avec les filtres de la page (territoire, EPCI, organisme référent, période, public), la période précédente, le
secret statistique (de 1 à 4 réponses : « secret »), le secret secondaire par type d'étape, le CSV et la page, et
jamais un commentaire libre."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from gouvernance.indicateurs import calcul, export, tableaux
from gouvernance.indicateurs import definitions as d
from gouvernance.indicateurs import population as p
from parcours.models import Evaluation
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

T3 = p.Periode(date(2026, 7, 1), date(2026, 9, 30))
AOUT, MAI = date(2026, 8, 1), date(2026, 5, 1)
EPCI_MONT_DE_MARSAN, EPCI_DAX = "244000808", "244000675"
COMMENTAIRE = "COMMENTAIRE-LIBRE-JAMAIS-PUBLIE"


def avis(nombre=1, *, mois=AOUT, type_etape="orientation_service", departement="40", epci=EPCI_MONT_DE_MARSAN,
         organisation=None, publics=(), utilite=4, ecoute=4, recommanderait="oui"):  # fmt: skip
    for _ in range(nombre):
        Evaluation.objects.create(
            type_etape=type_etape,
            mois=mois,
            departement=departement,
            code_epci=epci,
            organisation_referente=organisation,
            publics=list(publics),
            utilite=utilite,
            ecoute=ecoute,
            recommanderait=recommanderait,
            commentaire=COMMENTAIRE,
        )


def publies(filtres=None, public=p.TOUS, periode="periode"):
    """Code → (valeur publiée, secrète ?) pour un public, à l'écran (sans arrondi)."""
    filtres = filtres or calcul.Filtres("40", T3)
    publics = list(p.PUBLICS) if filtres.public == p.TOUS else [filtres.public]
    par_section = tableaux.tableaux(calcul.indicateurs_du_territoire(filtres), publics, arrondi=False)
    resultat = {}
    for tableau in par_section[d.AVIS]:
        ligne = next(ligne for ligne in tableau.lignes if ligne.public == public)
        if periode == "periode":
            resultat[tableau.indicateur.code] = (ligne.valeur, ligne.secret)
        else:
            resultat[tableau.indicateur.code] = (ligne.precedente, ligne.secret_precedente)
    return resultat


def test_la_section_et_ses_definitions_disent_l_anonymat_et_les_commentaires_non_publies():
    assert d.AVIS in d.SECTIONS and not hasattr(d, "LACUNE_EVALUATIONS")
    codes = [code for code, indicateur in d.INDICATEURS.items() if indicateur.section == d.AVIS]
    assert codes[:4] == ["avis_reponses", "avis_utilite", "avis_ecoute", "avis_recommandation"]
    assert {"avis_utilite_sortie", "avis_reponses_orientation_service"} <= set(codes)
    for code in codes:
        assert "commentaires libres ne sont jamais publiés" in d.INDICATEURS[code].definition


@pytest.mark.django_db
def test_quatre_reponses_sont_secretes_cinq_sont_publiees():
    avis(4)
    chiffres = publies()
    for code in ("avis_reponses", "avis_utilite", "avis_ecoute", "avis_recommandation"):
        assert chiffres[code] == (None, True), code
    avis(1)
    chiffres = publies()
    assert chiffres["avis_reponses"] == (5, False)
    assert chiffres["avis_utilite"] == (100.0, False)
    assert chiffres["avis_ecoute"] == (100.0, False)
    assert chiffres["avis_recommandation"] == (100.0, False)


@pytest.mark.django_db
def test_les_parts_comptent_plutot_et_tout_a_fait_et_le_seul_oui():
    avis(5, utilite=3, ecoute=4, recommanderait="oui")
    avis(5, utilite=2, ecoute=1, recommanderait="ne_sait_pas")
    chiffres = publies()
    assert chiffres["avis_reponses"] == (10, False)
    assert chiffres["avis_utilite"] == (50.0, False)
    assert chiffres["avis_ecoute"] == (50.0, False)
    assert chiffres["avis_recommandation"] == (50.0, False)


@pytest.mark.django_db
def test_une_part_dont_les_reponses_hors_du_numerateur_sont_1_a_4_est_secrete():
    # Comme tout taux de la page : 9 sur 10 trahirait l'unique réponse négative.
    avis(9)
    avis(1, utilite=1)
    chiffres = publies()
    assert chiffres["avis_reponses"] == (10, False)
    assert chiffres["avis_utilite"] == (None, True)
    assert chiffres["avis_ecoute"] == (100.0, False)


@pytest.mark.django_db
def test_la_periode_precedente_est_comparee():
    avis(5, mois=MAI, ecoute=1)
    avis(6, mois=AOUT)
    assert publies()["avis_reponses"] == (6, False)
    precedente = publies(periode="precedente")
    assert precedente["avis_reponses"] == (5, False) and precedente["avis_ecoute"] == (0.0, False)


@pytest.mark.django_db
def test_les_filtres_territoire_epci_organisation_public_et_periode():
    referent = OrganisationFactory(nom="Mission locale")
    avis(5, publics=["brsa", "jeunes"], organisation=referent)
    avis(6, epci=EPCI_DAX, publics=["deld"])
    avis(7, departement="64", epci="")
    avis(8, mois=date(2026, 10, 1))  # après la période
    assert publies()["avis_reponses"] == (11, False)
    assert publies(calcul.Filtres("40", T3, epci=EPCI_DAX))["avis_reponses"] == (6, False)
    assert publies(calcul.Filtres("40", T3, organisation_id=referent.pk))["avis_reponses"] == (5, False)
    assert publies(calcul.Filtres("40", T3, public=p.BRSA), public=p.BRSA)["avis_reponses"] == (5, False)
    assert publies(calcul.Filtres("40", T3, public=p.DELD), public=p.DELD)["avis_reponses"] == (6, False)
    # Sans filtre de public, chaque ligne de public compte les siens.
    assert publies(public=p.JEUNES)["avis_reponses"] == (5, False)
    assert publies(public=p.RQTH)["avis_reponses"] == (0, False)
    assert publies(calcul.Filtres("64", T3))["avis_reponses"] == (7, False)


@pytest.mark.django_db
def test_une_etape_secrete_masque_l_autre_et_leurs_parts():
    avis(7, type_etape="orientation_service")
    avis(3, type_etape="sortie")
    chiffres = publies()
    assert chiffres["avis_reponses"] == (10, False) and chiffres["avis_utilite"] == (100.0, False)
    # 3 sorties : secret ; les 7 orientations le trahiraient par soustraction (10 − 7) : secret aussi.
    assert chiffres["avis_reponses_sortie"] == (None, True)
    assert chiffres["avis_reponses_orientation_service"] == (None, True)
    for code in ("avis_utilite", "avis_ecoute", "avis_recommandation"):
        assert chiffres[f"{code}_sortie"] == (None, True)
        assert chiffres[f"{code}_orientation_service"] == (None, True)


@pytest.mark.django_db
def test_par_type_d_etape_quand_chacune_compte_assez_de_reponses():
    avis(5, type_etape="orientation_service")
    avis(6, type_etape="sortie", recommanderait="non")
    chiffres = publies()
    assert chiffres["avis_reponses_orientation_service"] == (5, False)
    assert chiffres["avis_reponses_sortie"] == (6, False)
    assert chiffres["avis_recommandation_orientation_service"] == (100.0, False)
    assert chiffres["avis_recommandation_sortie"] == (0.0, False)


@pytest.mark.django_db
def test_le_csv_porte_les_avis_arrondis_et_masques_sans_commentaire():
    avis(7)
    avis(2, type_etape="sortie")
    filtres = calcul.Filtres("40", T3)
    corps = export.en_csv(tableaux.calculer_tableaux(filtres, arrondi=True), territoire="40", periode=T3)
    texte = corps.decode("utf-8-sig")
    lignes = {(ligne["code"], ligne["public"]): ligne for ligne in csv.DictReader(io.StringIO(texte), delimiter=";")}
    assert lignes[("avis_reponses", "Tous les publics")]["valeur"] == "10"  # 9 arrondi à 5
    assert lignes[("avis_reponses_sortie", "Tous les publics")]["valeur"] == "secret"
    assert "commentaires libres" in lignes[("avis_reponses", "Tous les publics")]["définition"]
    assert COMMENTAIRE not in texte


@pytest.mark.django_db
def test_la_page_montre_la_section_sans_commentaire_et_sans_la_lacune(client, connecter):
    landes = OrganisationFactory(nom="Département des Landes")
    connecter(membre(landes, Role.PILOTE).utilisateur)
    avis(6)
    reponse = client.get(reverse("gouvernance:indicateurs"), {"debut": "2026-07-01", "fin": "2026-09-30"})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Avis des personnes accompagnées" in contenu
    assert 'id="indicateur-avis_utilite"' in contenu
    assert "ne les recueille pas encore" not in contenu
    assert COMMENTAIRE not in contenu
