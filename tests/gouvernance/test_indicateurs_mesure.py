"""La commande de mesure des indicateurs, en petite taille : elle fabrique, calcule, rapporte et laisse la base
inchangée."""

from io import StringIO

from django.core.management import call_command

from parcours.models import Carnet
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre


def test_mesurer_indicateurs_en_petite_taille(db):
    sortie = StringIO()
    call_command("mesurer_indicateurs", carnets=40, repetitions=2, stdout=sortie)
    texte = sortie.getvalue()
    assert "40 carnets" in texte
    assert "requêtes par calcul" in texte and "médiane" in texte and "p95" in texte
    assert "Cache chaud (2 lectures, 0 requête(s) chacune" in texte
    assert "Page entière sans filtre, cache chaud (2 fois" in texte
    assert Carnet.objects.count() == 0


def test_mesurer_indicateurs_du_territoire_d_un_pilote_sans_rien_fabriquer(db):
    pilote = membre(OrganisationFactory(departement="40"), role=Role.PILOTE).utilisateur
    sortie = StringIO()
    call_command("mesurer_indicateurs", repetitions=1, pilote=pilote.email, stdout=sortie)
    texte = sortie.getvalue()
    assert f"Territoire 40 de {pilote.email}, tel qu'il est en base : 0 carnets." in texte
    assert "requêtes par calcul" in texte and "Territoire fabriqué" not in texte
    assert Carnet.objects.count() == 0
