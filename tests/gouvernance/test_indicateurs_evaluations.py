"""Les indicateurs « Avis des personnes accompagnées » : calculés sur les avis anonymes (`parcours.Evaluation`),
avec les filtres de la page (territoire, EPCI, organisme référent, période, public), la période précédente, le
secret statistique (de 1 à 4 réponses : « secret »), le secret secondaire par type d'étape, le CSV et la page ; les
commentaires libres, lus sur la page seule (territoire et période, à partir de 11 réponses, 50 au plus, mélangés),
jamais publiés (ni CSV, ni compte rendu)."""

import csv
import io
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gouvernance.comptes_rendus.contexte import contexte_indicateurs
from gouvernance.indicateurs import calcul, export, tableaux
from gouvernance.indicateurs import definitions as d
from gouvernance.indicateurs import population as p
from parcours.models import Evaluation
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques as fabriques_gouvernance

T3 = p.Periode(date(2026, 7, 1), date(2026, 9, 30))
AOUT, MAI = date(2026, 8, 1), date(2026, 5, 1)
EPCI_MONT_DE_MARSAN, EPCI_DAX = "244000808", "244000675"
COMMENTAIRE = "COMMENTAIRE-LIBRE-JAMAIS-PUBLIE"


def avis(nombre=1, *, mois=AOUT, type_etape="orientation_service", departement="40", epci=EPCI_MONT_DE_MARSAN,
         organisation=None, publics=(), utilite=4, ecoute=4, recommanderait="oui",
         commentaire=COMMENTAIRE):  # fmt: skip
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
            commentaire=commentaire,
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


def test_la_section_et_ses_definitions_disent_les_reponses_comptees_et_qui_lit_les_commentaires():
    assert d.AVIS in d.SECTIONS and not hasattr(d, "LACUNE_EVALUATIONS")
    codes = [code for code, indicateur in d.INDICATEURS.items() if indicateur.section == d.AVIS]
    assert codes[:4] == ["avis_reponses", "avis_utilite", "avis_ecoute", "avis_recommandation"]
    assert {"avis_utilite_sortie", "avis_reponses_orientation_service"} <= set(codes)
    for code in codes:
        definition = d.INDICATEURS[code].definition
        assert "commentaires libres ne sont jamais publiés" in definition
        # Une personne peut donner plusieurs réponses : le secret se juge sur les réponses, pas sur les personnes.
        assert "une même personne peut en donner plusieurs" in definition
        assert "le secret statistique se juge sur le nombre de réponses" in definition
        # Qui lit les commentaires, lesquels, combien, à partir de quand.
        assert "Les pilotes et secrétaires du territoire les lisent sur la page des indicateurs" in definition
        assert "50 au plus, dans un ordre mélangé" in definition and "au moins 11 réponses" in definition
        assert "anonyme" not in definition


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
    publication = tableaux.publier(filtres, arrondi=True)
    corps = export.en_csv(publication.par_section, territoire="40", periode=T3, calcules_le=publication.calcules_le)
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


PAGE = {"debut": "2026-07-01", "fin": "2026-09-30"}


def commentaires_de_la_page(client, **filtres) -> tuple[list[str], str]:
    """Les commentaires affichés (dans l'ordre de la page), et le texte de la section."""
    contenu = client.get(reverse("gouvernance:indicateurs"), {**PAGE, **filtres}).content.decode()
    section = " ".join(contenu.split('id="commentaires-personnes"')[1].split())
    return [ligne.split("</li>")[0] for ligne in section.split('<li class="fr-mb-1w">')[1:]], section


@pytest.fixture
def pilote(client, connecter, db):
    connecter(membre(OrganisationFactory(nom="Département des Landes"), Role.PILOTE).utilisateur)
    return client


def test_sous_11_reponses_du_territoire_aucun_commentaire_n_est_lu(pilote):
    avis(10, commentaire="Trop tôt pour être lu")
    avis(5, departement="64", epci="", commentaire="Autre territoire")
    avis(5, mois=date(2026, 10, 1), commentaire="Hors période")
    textes, section = commentaires_de_la_page(pilote)
    assert textes == [] and "Trop tôt pour être lu" not in section
    assert "Aucun commentaire n'est affiché : le territoire compte moins de 11 réponses sur la période" in section


def test_a_11_reponses_les_commentaires_du_territoire_et_de_la_periode_se_lisent_sans_autre_filtre(pilote):
    referent = OrganisationFactory(nom="Mission locale")
    for numero in range(6):
        avis(epci=EPCI_DAX, organisation=referent, publics=["jeunes"], commentaire=f"Dax {numero}")
    avis(4, commentaire="Mont-de-Marsan")
    avis(1, commentaire="")  # une réponse sans commentaire compte pour le seuil, sans ligne vide
    avis(3, departement="64", epci="", commentaire="Autre territoire")
    avis(3, mois=MAI, commentaire="Hors période")
    # Les filtres d'EPCI, d'organisation et de public ne s'appliquent pas aux commentaires.
    textes, section = commentaires_de_la_page(
        pilote, sous_territoire=EPCI_DAX, organisation=str(referent.uuid), public=p.JEUNES
    )
    assert sorted(textes) == sorted([*(f"Dax {numero}" for numero in range(6)), *["Mont-de-Marsan"] * 4])
    assert "Autre territoire" not in section and "Hors période" not in section
    assert "Aucun commentaire n'est affiché" not in section
    # Ni date, ni organisation, ni public, ni type d'étape à côté d'un commentaire : le texte seul.
    assert all(texte.startswith(("Dax ", "Mont-de-Marsan")) and len(texte) <= 14 for texte in textes)
    # Un ordre mélangé : celui des clés aléatoires, pas celui des réponses.
    par_cle = list(Evaluation.objects.exclude(commentaire="").filter(departement="40", mois=AOUT).order_by("pk"))
    assert textes == [evaluation.commentaire for evaluation in par_cle]


def test_au_plus_50_commentaires_se_lisent(pilote):
    for numero in range(60):
        avis(commentaire=f"Avis {numero}")
    textes, _ = commentaires_de_la_page(pilote)
    assert len(textes) == 50 and len(set(textes)) == 50


def test_a_11_reponses_sans_commentaire_la_page_le_dit(pilote):
    avis(11, commentaire="")
    textes, section = commentaires_de_la_page(pilote)
    assert textes == [] and "Aucune personne n'a laissé de commentaire sur la période." in section


@pytest.mark.parametrize("nombre", [1, 60])
def test_les_commentaires_coutent_une_requete_quel_que_soit_leur_nombre(pilote, django_assert_num_queries, nombre):
    avis(nombre)
    # Comme sans avis (test_indicateurs_page : 21), plus une requête pour les commentaires.
    with django_assert_num_queries(22):
        assert pilote.get(reverse("gouvernance:indicateurs"), PAGE).status_code == 200


@pytest.mark.django_db
def test_le_compte_rendu_ne_porte_aucun_commentaire():
    equipe = fabriques_gouvernance.equipe_comite()
    seance = fabriques_gouvernance.seance(equipe.comite, cree_par=equipe.secretaire)
    periode = p.dernier_trimestre_complet(timezone.localtime(seance.date).date())
    avis(12, mois=periode.debut)
    contexte = contexte_indicateurs(seance)
    html = render_to_string("gouvernance/indicateurs/includes/section_compte_rendu.html", contexte)
    assert contexte["indicateurs_territoire"].departement == "40"
    assert "Avis donnés" in html and COMMENTAIRE not in html
