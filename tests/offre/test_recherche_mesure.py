"""Le banc de mesure de la recherche dans l'offre tourne de bout en bout et ne laisse rien en base."""

import io
import random
import re

import pytest
from django.core.management import CommandError, call_command

from offre.donnees_bench import creer_catalogue
from offre.models import CritereService, Service, SessionService, Structure

pytestmark = pytest.mark.django_db


def test_la_mesure_cree_un_catalogue_mesure_les_recherches_puis_annule_tout():
    sortie = io.StringIO()
    call_command("mesurer_recherche_offre", "--services=200", "--recherches=8", "--graine=7", stdout=sortie)
    texte = sortie.getvalue()
    assert "200 services (" in texte
    requetes = re.search(r"Requêtes SQL par recherche : (\d+)(?: à (\d+))? pour la requête HTTP", texte)
    assert requetes and int(requetes[2] or requetes[1]) <= 10  # le nombre épinglé par test_recherche_vues
    assert "Recherche dans l'offre sur" in texte and "Budget de 150 ms (p95 HTTP)" in texte
    assert [modele.objects.count() for modele in (Structure, Service, CritereService, SessionService)] == [0, 0, 0, 0]


def test_la_mesure_refuse_des_nombres_nuls():
    with pytest.raises(CommandError, match="au moins 1"):
        call_command("mesurer_recherche_offre", "--services=0")


def test_la_mesure_du_catalogue_en_place_ne_cree_rien():
    with pytest.raises(CommandError, match="Aucun service en base"):
        call_command("mesurer_recherche_offre", "--catalogue-en-place", stdout=io.StringIO())
    creer_catalogue(40, random.Random(3))  # le catalogue « en place », hors de la commande
    avant = [modele.objects.count() for modele in (Structure, Service, CritereService, SessionService)]
    sortie = io.StringIO()
    call_command("mesurer_recherche_offre", "--catalogue-en-place", "--recherches=5", stdout=sortie)
    texte = sortie.getvalue()
    assert f"Catalogue en place : {avant[0]} structures, 40 services ; {avant[2]} lignes d'index." in texte
    assert "Catalogue créé" not in texte and "(40 services, 5 recherches)" in texte
    assert [modele.objects.count() for modele in (Structure, Service, CritereService, SessionService)] == avant
