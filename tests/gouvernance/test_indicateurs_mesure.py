"""La commande de mesure des indicateurs, en petite taille : elle fabrique, calcule, rapporte et laisse la base
inchangée."""

from io import StringIO

from django.core.management import call_command

from parcours.models import Carnet


def test_mesurer_indicateurs_en_petite_taille(db):
    sortie = StringIO()
    call_command("mesurer_indicateurs", carnets=40, repetitions=2, stdout=sortie)
    texte = sortie.getvalue()
    assert "40 carnets" in texte
    assert "requêtes par calcul" in texte and "médiane" in texte and "p95" in texte
    assert "Cache chaud (2 lectures, 0 requête(s) chacune" in texte
    assert "Page entière sans filtre, cache chaud (2 fois" in texte
    assert Carnet.objects.count() == 0
