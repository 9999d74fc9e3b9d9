"""La commande de mesure du compte rendu, en petite taille : elle fabrique la séance, produit le PDF, rapporte le
temps et la mémoire de pointe totale (enfant WeasyPrint + parent) contre le budget du ticket, et laisse la base
inchangée ; avec --pilote, la séance est tenue dans le territoire du pilote (son consortium s'il existe)."""

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gouvernance.choix import Theme
from gouvernance.models import Comite, Consortium, FicheAction, Seance
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db


def test_la_mesure_rapporte_temps_et_memoire_totale_contre_le_budget_dans_le_territoire_du_pilote():
    organisation = OrganisationFactory(departement="40")
    pilote = membre(organisation, role=Role.PILOTE).utilisateur
    consortium = Consortium.objects.create(nom="Consortium des Landes", departement="40")
    FicheAction.objects.create(
        consortium=consortium,
        numero=1,
        titre="Fiche existante",
        theme=list(Theme)[0],
        objectifs="Accompagner.",
        organisation_pilote=organisation,
        date_debut=date(2026, 1, 1),
    )
    sortie = StringIO()

    call_command(
        "mesurer_compte_rendu", "--sieges=4", "--points=2", "--repetitions=1", f"--pilote={pilote.email}", stdout=sortie
    )

    texte = sortie.getvalue()
    budget = re.search(
        r"Budget du ticket \(≤ 15 s par production, ≤ 800 Mo de pointe\) : temps max ([\d.]+) s, mémoire de pointe "
        r"totale (\d+) Mo \(enfant \+ parent, majorant\) : (tenu|DÉPASSÉ)\.",
        texte,
    )
    assert budget, texte
    enfant, parent = (int(m) for m in re.search(r"WeasyPrint (\d+) Mo .*parent (\d+) Mo", texte).groups())
    assert enfant > 0 and parent > 0 and int(budget[2]) in (enfant + parent - 1, enfant + parent, enfant + parent + 1)
    assert (Consortium.objects.count(), Comite.objects.count(), Seance.objects.count()) == (1, 0, 0)
    assert FicheAction.objects.count() == 1


def test_la_mesure_refuse_un_compte_qui_ne_pilote_rien():
    professionnel = membre(OrganisationFactory()).utilisateur
    with pytest.raises(CommandError, match="ne pilote aucun territoire"):
        call_command("mesurer_compte_rendu", f"--pilote={professionnel.email}", stdout=StringIO())
