"""La tenue sur la page de la séance : le secrétaire y a les actions, les autres membres du comité lisent tout ; un
nombre de requêtes fixe quel que soit le nombre de points."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gouvernance.choix import ChoixVote, StatutDecision, StatutFiche, StatutPresence, StatutSeance, TypePoint
from gouvernance.deliberation import services
from gouvernance.deliberation.contexte import contexte_tenue
from gouvernance.deliberation.services import LignePresence
from gouvernance.models import Seance
from tests.gouvernance import fabriques

NOMS = ("etat", "departement", "caf", "commune", "france_travail", "mission_locale")


@pytest.fixture
def equipe(db):
    equipe = fabriques.equipe_comite()
    seance = fabriques.seance_commencee(equipe.comite, cree_par=equipe.secretaire)
    equipe.seance = seance
    lignes = [
        LignePresence(
            siege=getattr(equipe.sieges, nom), statut=StatutPresence.PRESENT, mandat=getattr(equipe.mandats, nom)
        )
        for nom in NOMS
        if nom != "commune"
    ]
    lignes.append(
        LignePresence(siege=equipe.sieges.commune, statut=StatutPresence.REPRESENTE, represente_par=equipe.sieges.caf)
    )
    services.noter_presences(seance, acteur=equipe.secretaire, lignes=lignes)
    return equipe


def tenir(equipe, nombre_de_points):
    """Des points votés avec chacun une décision, une décision précédente suivie, une fiche revue."""
    for numero in range(nombre_de_points):
        point = fabriques.point(
            equipe.seance, f"Délibération {numero}", type=TypePoint.DELIBERATION, notes=f"Notes {numero}"
        )
        services.voter(
            point,
            acteur=equipe.secretaire,
            choix={equipe.sieges.etat: ChoixVote.POUR, equipe.sieges.departement: ChoixVote.CONTRE},
        )
        services.ajouter_decision(
            point, acteur=equipe.secretaire, texte=f"Décision {numero}", organisation_responsable=equipe.caf
        )
    precedente = fabriques.seance(
        equipe.comite,
        cree_par=equipe.secretaire,
        statut=StatutSeance.CLOTUREE,
        dans_jours=-90,
        cloturee_le=timezone.now(),
    )
    ancienne = fabriques.decision(precedente, equipe.commune, texte="Étendre les horaires de la navette")
    services.suivre_decision(
        equipe.seance, acteur=equipe.secretaire, decision=ancienne, statut=StatutDecision.EN_COURS, commentaire="Devis"
    )
    fiche = fabriques.fiche(equipe.consortium, equipe.caf, titre="Garage solidaire du Marsan")
    fabriques.fiche(equipe.consortium, equipe.caf, titre="Auto-école sociale")
    services.revoir_fiche(
        equipe.seance, acteur=equipe.secretaire, fiche=fiche, statut=StatutFiche.EN_COURS, avancement=30
    )


def test_le_secretaire_voit_la_tenue_complete_avec_ses_actions(client, connecter, equipe):
    tenir(equipe, 1)
    connecter(equipe.secretaire)
    page = client.get(reverse("gouvernance:seance", args=[equipe.seance.uuid])).content.decode()
    for attendu in (
        "4 présents ou représentés sur 4 membres",
        "Pouvoir donné à CAF des Landes",
        "Pierre Préfet (titulaire)",
        "Adoptée",
        "1 pour, 1 contre, 0 abstention",
        "partage départagé par la voix prépondérante du co-président",
        "Décision 0",
        "Étendre les horaires de la navette",
        "Devis",
        "Garage solidaire du Marsan",
        "Auto-école sociale",
        "Noter les présences",
        "Enregistrer les notes",
        "Clôturer la séance",
        "Faire le point",
    ):
        assert attendu in page, attendu


def test_un_membre_du_comite_lit_la_tenue_sans_les_actions(client, connecter, equipe):
    tenir(equipe, 1)
    connecter(equipe.professionnel_caf)
    page = client.get(reverse("gouvernance:seance", args=[equipe.seance.uuid])).content.decode()
    assert "4 présents ou représentés sur 4 membres" in page and "Notes 0" in page and "Décision 0" in page
    assert "Étendre les horaires de la navette" in page and "Garage solidaire du Marsan" in page
    for action in ("Noter les présences", "Enregistrer les notes", "Clôturer la séance", "Faire le point", "Revoir"):
        assert action not in page, action
    assert "Auto-école sociale" not in page  # les fiches à revoir ne concernent que le secrétaire


def test_une_seance_en_preparation_n_a_pas_encore_de_tenue(equipe):
    Seance.objects.filter(pk=equipe.seance.pk).update(statut=StatutSeance.PREPARATION)
    equipe.seance.refresh_from_db()
    assert contexte_tenue(equipe.seance, equipe.secretaire) == {"tenue": None}
    assert render_to_string("gouvernance/deliberation/includes/tenue.html", {"tenue": None}).strip() == ""


def test_une_seance_cloturee_se_lit_sans_aucune_action_meme_pour_le_secretaire(equipe):
    tenir(equipe, 1)
    Seance.objects.filter(pk=equipe.seance.pk).update(statut=StatutSeance.CLOTUREE, cloturee_le=timezone.now())
    equipe.seance.refresh_from_db()
    contexte = contexte_tenue(equipe.seance, equipe.secretaire)
    assert not contexte["tenue"].peut_tenir and contexte["tenue"].a_revoir == []
    page = render_to_string("gouvernance/deliberation/includes/tenue.html", contexte)
    assert "Séance clôturée le" in page and "Décision 0" in page and "Clôturer la séance" not in page


@pytest.mark.parametrize("nombre_de_points", [1, 30])
def test_la_tenue_a_un_nombre_de_requetes_fixe(equipe, django_assert_num_queries, nombre_de_points):
    tenir(equipe, nombre_de_points)
    seance = Seance.objects.select_related("comite__consortium", "comite__secretaire").get(pk=equipe.seance.pk)
    with django_assert_num_queries(10):
        contexte = contexte_tenue(seance, equipe.secretaire)
        page = render_to_string("gouvernance/deliberation/includes/tenue.html", contexte)
    assert f"Délibération {nombre_de_points - 1}" in page
