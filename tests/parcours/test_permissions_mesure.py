"""La commande de mesure du queryset des carnets visibles, sur un petit jeu : elle choisit les organisations qui
partagent le plus de carnets, compte ce que voit un professionnel membre de 1, 2 puis 3 d'entre elles, mesure la
liste (première page au premier passage et au retour, page du milieu, dernière page) et laisse la base inchangée."""

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parcours import services
from parcours.models import Carnet
from partenaires.models import Membre, Utilisateur
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db


def ouvrir(organisation, nombre, debut):
    referente = membre(organisation).utilisateur
    for numero in range(debut, debut + nombre):
        services.ouvrir_carnet(
            acteur=referente,
            organisation=organisation,
            nom=f"Nom{numero:03d}",
            prenom="Alex",
            date_naissance=date(1980, 1, 1),
        )
    return referente


def test_la_mesure_compte_ce_que_voient_1_2_et_3_organisations_puis_annule_tout():
    grande, moyenne, petite, oubliee = (OrganisationFactory() for _ in range(4))
    ouvrir(grande, 30, 0)
    ouvrir(moyenne, 12, 100)
    ouvrir(petite, 3, 200)
    ouvrir(oubliee, 1, 300)
    utilisateurs, membres = Utilisateur.objects.count(), Membre.objects.count()
    sortie = StringIO()

    call_command("mesurer_permissions", "--repetitions=3", "--expliquer", stdout=sortie)

    texte = sortie.getvalue()
    assert re.findall(r"(\d) organisation\(s\) : (\d+) carnets visibles", texte) == [
        ("1", "30"),
        ("2", "42"),
        ("3", "45"),
    ]
    assert "« Organisation" in texte and "(30 partages)" in texte and "(1 partages)" not in texte
    assert "Comptage de la liste seul (30 carnets), 3 mesures" in texte
    assert "Liste, première page, premier passage (HTTP complet), 3 mesures" in texte
    assert "Liste, première page, retour sur la liste (HTTP complet), 3 mesures" in texte
    assert "Liste, page 1 (milieu) (HTTP complet)" in texte and "Liste, page 2 (dernière) (HTTP complet)" in texte
    assert (
        "SQL seul, comptage, première page, premier passage" in texte and "SQL seul, page, page 2 (dernière)" in texte
    )
    # les référents du filtre : lus au premier passage, en cache au retour sur la liste
    assert "SQL seul, référents, première page, premier passage" in texte
    assert "SQL seul, référents, première page, retour sur la liste" not in texte
    requetes = re.findall(
        r"Requêtes SQL par appel HTTP : (\d+) \(première page, premier passage\), (\d+) \(première page, retour sur la "
        r"liste\), (\d+) \(page \d+ \(milieu\)\), (\d+) \(page \d+ \(dernière\)\)",
        texte,
    )
    assert len(requetes) == 3
    assert all(
        int(premier) == int(retour) + 1 and int(retour) == int(milieu) == int(derniere) > 0
        for premier, retour, milieu, derniere in requetes
    )
    assert "Charge moyenne sur 1 min" in texte and "Budget de 200 ms (p95 HTTP de chaque page)" in texte
    assert (Utilisateur.objects.count(), Membre.objects.count(), Carnet.objects.count()) == (utilisateurs, membres, 46)


def test_la_mesure_refuse_une_base_sans_partage():
    with pytest.raises(CommandError, match="Aucun carnet"):
        call_command("mesurer_permissions", stdout=StringIO())
