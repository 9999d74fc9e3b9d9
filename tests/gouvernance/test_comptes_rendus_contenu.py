"""Le contenu des documents de séance, lu dans le PDF produit par WeasyPrint (texte extrait par pypdf) : feuille de
présence, quorum, votes et voix prépondérante, consensus, décisions et leur suivi, fiches revues ; mention « Projet »
tant que la séance n'est pas clôturée, « page X / Y » et en-têtes de tableaux répétés sur chaque page. Le nombre de
requêtes des contextes ne dépend pas de la taille de la séance."""

import html
import io
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader

from gouvernance.choix import ChoixVote, StatutPresence, StatutSeance, TypePoint
from gouvernance.comptes_rendus import documents
from gouvernance.models import Seance, Vote
from tests.gouvernance import fabriques
from tests.gouvernance.test_comptes_rendus_decor import presences, seance_tenue

pytestmark = pytest.mark.django_db


def rendu(gabarit, contexte) -> str:
    """Le HTML du gabarit (celui de la page « Imprimer » et du PDF), texte déséchappé, espaces normalisés."""
    return " ".join(html.unescape(render_to_string(gabarit, contexte)).split())


def ligne(texte, *cellules) -> bool:
    """Les cellules se suivent dans le texte (pypdf colle parfois deux cellules voisines)."""
    return re.search(r"\s?".join(re.escape(cellule.strip()) for cellule in cellules), texte) is not None


def pages(pdf: bytes) -> list[str]:
    """Le texte de chaque page, espaces normalisés."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def cloturer(seance):
    Seance.objects.filter(pk=seance.pk).update(statut=StatutSeance.CLOTUREE, cloturee_le=timezone.now())
    seance.refresh_from_db()


@pytest.fixture
def decor():
    return seance_tenue()


def test_le_compte_rendu_en_pdf_dit_presences_quorum_votes_decisions_et_suivi(decor):
    texte = " ".join(pages(documents.pdf_compte_rendu(decor.seance)))
    # En-tête.
    assert "Consortium SPIE des Landes".upper() in texte
    assert "Comité départemental pour l'emploi" in texte
    assert "Hôtel du Département, Mont-de-Marsan" in texte and "https://visio.exemple.fr/cde-landes" in texte
    assert "Pierre Préfet (Préfecture des Landes (Représentant de l'État)), voix prépondérante" in texte
    assert "Paule Présidente (Département des Landes)" in texte
    assert "Secrétariat Sacha Secrétaire" in texte
    # Feuille de présence : statut, personne présente, pouvoir.
    assert "4 présents, 1 représenté, 1 excusé, 0 absent sur 6 sièges." in texte
    assert ligne(texte, "CAF des Landes", "Délibérative", "Présent", "Claire Directrice")
    assert ligne(texte, "Ville de Dax", "Délibérative", "Représenté (pouvoir)", "–", "Département des Landes")
    assert ligne(texte, "France Travail Landes", "Consultative", "Présent", "Fanny Directrice")
    assert ligne(texte, "Mission locale des Landes", "Consultative", "Excusé")
    # Quorum.
    assert (
        "4 membres à voix délibérative présents ou représentés (3 présents, 1 représenté) sur 4 ; quorum requis : 2 "
        "(50 % des membres à voix délibérative). Quorum atteint." in texte
    )
    # Vote départagé par la voix prépondérante, vote rejeté, consensus.
    assert "2. Création d'un garage solidaire" in texte
    assert "Pour : 2 – contre : 2 – abstention : 0 (4 suffrages exprimés)." in texte
    assert "Partage des voix : la voix prépondérante de Pierre Préfet" in texte and "a départagé." in texte
    assert ligne(texte, "Ville de Dax (pouvoir porté par Département des Landes)", "Contre")
    assert "Résultat : Adoptée." in texte
    assert "Pour : 1 – contre : 2 – abstention : 1 (3 suffrages exprimés)." in texte
    assert "Résultat : Rejetée." in texte
    assert "Décision par consensus : adoptée." in texte
    # Présentation et échanges.
    assert "Présentation par le Département des chiffres du RSA dans les Landes." in texte
    assert "La CAF signale une hausse des demandes dans le Marsan." in texte
    # Décisions prises, avec leur organisation responsable et leur échéance.
    echeance = decor.decisions.garage.echeance
    assert "Ouvrir le garage solidaire de Mont-de-Marsan Point : Création d'un garage solidaire (vote) " in texte
    assert ligne(texte, "Département des Landes", f"{echeance:%d/%m/%Y}", "À faire")
    assert "Réunir le comité chaque trimestre en 2027 Point : Calendrier des comités 2027 (consensus) CAF des" in texte
    # Suivi d'une décision d'une séance précédente.
    assert "Cartographier l'offre de mobilité du Marsan" in texte
    assert f"Séance du {timezone.localtime(decor.precedente.date):%d/%m/%Y}" in texte
    assert ligne(texte, "En cours", "Cartographie livrée à 80 %.")
    # Fiche action revue : statut, avancement, budget de la fiche (tous financeurs).
    assert re.search(
        r"N° 1 – Garage solidaire du Marsan .*En cours 40 % 356\s800 € ?200\s000 € ?99\s500 € ?Local", texte
    )
    # Synthèse.
    assert "Le comité salue l'avancée du garage solidaire" in texte


def test_le_projet_porte_la_mention_sur_chaque_page_puis_la_perd_a_la_cloture(decor):
    projet = pages(documents.pdf_compte_rendu(decor.seance))
    assert len(projet) >= 2
    for numero, texte in enumerate(projet, start=1):
        assert "PROJET – séance non clôturée" in texte
        assert f"page {numero} / {len(projet)}" in texte
    assert "Projet de compte rendu de la séance" in projet[0]
    cloturer(decor.seance)
    final = pages(documents.pdf_compte_rendu(decor.seance))
    assert not any("PROJET" in texte or "Projet" in texte for texte in final)
    assert "Compte rendu de la séance" in final[0] and "Séance clôturée le" in final[0]
    assert f"page {len(final)} / {len(final)}" in final[-1]


def test_les_en_tetes_des_tableaux_se_repetent_sur_chaque_page(decor):
    for numero in range(60):
        fabriques.decision(decor.seance, decor.equipe.caf, texte=f"Décision d'essai numéro {numero}")
    textes = pages(documents.pdf_compte_rendu(decor.seance))
    avec_decisions = [t for t in textes if re.search(r"Décision d'essai numéro \d+ ", t)]
    assert len(avec_decisions) >= 2
    for texte in avec_decisions:
        assert re.search(r"Décision Organisation responsable ?Échéance Statut", texte)


def test_sans_quorum_le_compte_rendu_le_dit():
    equipe = fabriques.equipe_comite()
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE)
    presences(
        seance,
        equipe,
        departement=StatutPresence.EXCUSE,
        caf=StatutPresence.ABSENT,
        commune=StatutPresence.EXCUSE,
    )
    texte = rendu(documents.GABARIT_COMPTE_RENDU, documents.contexte_compte_rendu(seance))
    assert "1 membre à voix délibérative présent ou représenté (1 présent, 0 représenté) sur 4" in texte
    assert "Quorum non atteint : aucune décision ne peut être adoptée." in texte


def test_une_seance_sans_presences_notees_le_montre():
    equipe = fabriques.equipe_comite()
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE)
    texte = rendu(documents.GABARIT_COMPTE_RENDU, documents.contexte_compte_rendu(seance))
    assert "6 présences non notées sur 6 sièges" in texte
    assert "Aucun point n'était inscrit à l'ordre du jour." in texte
    assert "Aucune décision n'a été prise." in texte


def test_l_ordre_du_jour_en_pdf(decor):
    texte = " ".join(pages(documents.pdf_ordre_du_jour(decor.seance)))
    assert "Ordre du jour de la séance du" in texte and "PROJET" not in texte
    assert "5 points – durée prévue : 50 minutes" in texte
    titres = ["Diagnostic territorial", "Création d'un garage", "Adhésion au réseau", "Calendrier des", "Avancement"]
    positions = [texte.index(titre) for titre in titres]
    assert positions == sorted(positions)
    assert "Fiche action n° 1 : Garage solidaire du Marsan (pilote : Département des Landes)" in texte
    assert "Validé par Pierre Préfet, co-président" in texte and "Validé par Paule Présidente, co-président" in texte
    assert "page 1 / 1" in texte


def test_l_ordre_du_jour_non_valide_est_un_projet():
    equipe = fabriques.equipe_comite()
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire)
    fabriques.point(seance, "Bilan du plan mobilité", type=TypePoint.DELIBERATION)
    texte = " ".join(pages(documents.pdf_ordre_du_jour(seance)))
    assert "PROJET – ordre du jour non validé" in texte and "Projet d'ordre du jour" in texte
    assert "Projet : l'ordre du jour n'est pas encore validé par les co-présidents." in texte
    assert "L'ordre du jour n'a encore été validé par aucun co-président." in texte
    assert "Bilan du plan mobilité" in texte


def test_le_compte_rendu_porte_les_indicateurs_du_territoire_sans_rien_inventer(decor):
    """Les indicateurs du territoire viennent des carnets (tests/gouvernance/test_indicateurs_compte_rendu.py) ;
    les avis des personnes viennent de leurs réponses anonymes : sans réponse, « – », rien d'inventé."""
    texte = render_to_string(documents.GABARIT_COMPTE_RENDU, documents.contexte_compte_rendu(decor.seance))
    assert "Indicateurs du territoire" in texte
    assert "Avis donnés" in texte and "commentaires libres ne sont jamais publiés" in texte
    assert "ne les recueille pas encore" not in texte


# --- Nombre de requêtes ---------------------------------------------------------------------------------------------


def seance_de(taille):
    """Une séance tenue de `taille` points de délibération votés, chacun avec une décision, autant de décisions
    suivies et de fiches revues."""
    equipe = fabriques.equipe_comite()
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE)
    presences(seance, equipe, commune=(StatutPresence.REPRESENTE, "departement"))
    precedente = fabriques.seance(
        equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CLOTUREE, dans_jours=-90
    )
    for numero in range(taille):
        fiche = fabriques.fiche(equipe.consortium, equipe.caf, titre=f"Fiche {numero}")
        fabriques.ligne_budget(fiche)
        point = fabriques.point(seance, f"Point {numero}", type=TypePoint.DELIBERATION, fiche_action=fiche)
        for siege in (equipe.sieges.etat, equipe.sieges.caf, equipe.sieges.commune):
            Vote.objects.create(point=point, siege=siege, choix=ChoixVote.POUR)
        point.mode, point.resultat = "vote", "adoptee"
        point.save()
        fabriques.decision(seance, equipe.caf, point=point, texte=f"Décision {numero}")
        ancienne = fabriques.decision(precedente, equipe.caf, texte=f"Ancienne {numero}")
        seance.suivis_decisions.create(decision=ancienne, statut="en_cours")
        seance.suivis_fiches.create(fiche=fiche, statut="en_cours", avancement=numero)
    return Seance.objects.get(pk=seance.pk)


@pytest.mark.parametrize("taille", [1, 30])
def test_le_contexte_du_compte_rendu_lit_un_nombre_fixe_de_requetes(taille, django_assert_num_queries):
    seance = seance_de(taille)
    with django_assert_num_queries(23):
        contexte = documents.contexte_compte_rendu(seance)
        texte = render_to_string(documents.GABARIT_COMPTE_RENDU, contexte)
    assert texte.count("Détail du vote") == taille and f"Ancienne {taille - 1}" in texte


@pytest.mark.parametrize("taille", [1, 30])
def test_le_contexte_de_l_ordre_du_jour_lit_tout_en_quatre_requetes(taille, django_assert_num_queries):
    seance = seance_de(taille)
    with django_assert_num_queries(4):
        texte = render_to_string(documents.GABARIT_ORDRE_DU_JOUR, documents.contexte_ordre_du_jour(seance))
    assert f"Point {taille - 1}" in texte
