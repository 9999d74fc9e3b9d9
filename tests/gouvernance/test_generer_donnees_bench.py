"""Le jeu de données de mesure (`generer_donnees_bench`) en petite taille, sur SQLite comme sur PostgreSQL : volumes,
déterminisme, comptes du contrat (COMMUN.md), refus sur une base non vide, pages réelles."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from gouvernance.management.commands import generer_donnees_bench
from gouvernance.models import Comite, Consortium
from offre.models import Service
from parcours import permissions as regles_carnet
from parcours.models import Carnet, Diagnostic, EvenementCarnet, Intervenant, Personne
from partenaires.choix import Role
from partenaires.donnees_bench import DEPARTEMENTS
from partenaires.models import Membre, Organisation, Utilisateur

PERSONNES = 400


@pytest.fixture
def donnees(db, monkeypatch):
    # Par tranches de 150 carnets (50 000 en vrai) : le découpage ne perd ni ne double aucune ligne.
    monkeypatch.setattr(generer_donnees_bench, "TRANCHE", 150)
    sortie = StringIO()
    call_command("generer_donnees_bench", personnes=PERSONNES, graine=2026, stdout=sortie)
    return sortie.getvalue()


def _resume():
    """Ce qui doit être identique d'une génération à l'autre avec la même graine (identifiants métier)."""
    return (
        list(Organisation.objects.order_by("siret").values_list("siret", "nom", "uuid")),
        list(Utilisateur.objects.order_by("email").values_list("email", "nom", "uuid")),
        list(
            Personne.objects.order_by("identifiant_departement").values_list("identifiant_departement", "nom", "uuid")
        ),
        list(Carnet.objects.order_by("uuid").values_list("uuid", "personne__uuid", "statut", "cree_par__email")),
        list(
            Intervenant.objects.order_by("carnet__uuid", "utilisateur__email").values_list(
                "carnet__uuid", "utilisateur__email", "role"
            )
        ),
        EvenementCarnet.objects.count(),
        sorted(Service.objects.values_list("identifiant", flat=True)),
    )


def test_volumes_et_etapes(donnees):
    assert "Terminé en" in donnees and "personnes et carnets" in donnees
    assert Organisation.objects.count() == 100
    assert Membre.objects.filter(role=Role.PILOTE).count() == 5
    assert Utilisateur.objects.filter(est_personne=False).count() == 2_000
    assert Personne.objects.count() == Carnet.objects.count() == PERSONNES
    par_territoire = {d: Carnet.objects.filter(organisation_creatrice__departement=d).count() for d in DEPARTEMENTS}
    assert par_territoire[DEPARTEMENTS[0]] == PERSONNES // 4
    assert sum(par_territoire.values()) == PERSONNES
    # Un référent actif par carnet ; 1 à 4 intervenants, d'organisations différentes.
    assert Intervenant.objects.referents().count() == PERSONNES
    for carnet in Carnet.objects.all()[:50]:
        intervenants = list(carnet.intervenants.actifs())
        assert 1 <= len(intervenants) <= 4
        assert len({i.organisation_id for i in intervenants}) == len(intervenants)
    # Une dizaine d'événements par carnet en moyenne.
    assert 8 * PERSONNES <= EvenementCarnet.objects.count() <= 20 * PERSONNES
    assert Diagnostic.objects.valides().count() > PERSONNES / 2
    assert Service.objects.count() == PERSONNES // 10
    assert Service.objects.filter(latitude__isnull=False).exists()
    assert Consortium.objects.count() == 5 and Comite.objects.count() == 10


def test_comptes_du_contrat(donnees):
    referent = Utilisateur.objects.get(email="bench.referent@spie.test")
    assert Intervenant.objects.referents().filter(utilisateur=referent).count() == min(300, PERSONNES // 4)
    assert referent.membres.get().organisation.nom == "Département 1"

    organisation = Utilisateur.objects.get(email="bench.organisation@spie.test")
    france_travail = organisation.membres.get().organisation
    assert france_travail.nom == "France Travail — territoire 1"
    assert regles_carnet.visible_carnets(organisation).count() == min(20_000, PERSONNES // 10)
    assert not Intervenant.objects.filter(utilisateur=organisation).exists()

    pilote = Utilisateur.objects.get(email="bench.pilote@spie.test")
    assert pilote.membres.get(role=Role.PILOTE).organisation.departement == DEPARTEMENTS[0]

    personne = Utilisateur.objects.get(email="bench.personne@spie.test")
    assert personne.est_personne
    carnet = personne.espace_personne.personne.carnet
    assert carnet.diagnostics.valides().exists() and carnet.objectifs.exists() and carnet.evenements.count() >= 5

    for compte in (referent, organisation, pilote, personne):
        assert not compte.has_usable_password()
    for compte in (referent, organisation, pilote):
        assert compte.authenticator_set.filter(type="totp").exists()


def test_deterministe(db):
    """Deux générations avec la même graine (chacune annulée ensuite) : mêmes identifiants métier ; une autre graine
    en donne d'autres."""
    resumes = []
    for graine in (7, 7, 8):
        with transaction.atomic():
            call_command("generer_donnees_bench", personnes=PERSONNES, graine=graine, stdout=StringIO())
            resumes.append(_resume())
            transaction.set_rollback(True)
    assert resumes[0] == resumes[1]
    assert resumes[0][0] != resumes[2][0]


def test_refus_sur_base_non_vide(donnees):
    with pytest.raises(CommandError, match="déjà des personnes"):
        call_command("generer_donnees_bench", personnes=PERSONNES, stdout=StringIO())


def test_pages_reelles(donnees, connecter):
    referent = Utilisateur.objects.get(email="bench.referent@spie.test")
    client = connecter(referent)
    carnet = Carnet.objects.filter(intervenants__utilisateur=referent, diagnostics__statut="valide").first()
    assert client.get(reverse("parcours:carnet", args=[carnet.uuid])).status_code == 200
    assert client.get(reverse("parcours:mes_carnets")).status_code == 200


def test_le_pilote_voit_les_indicateurs_du_territoire_1(donnees, connecter):
    pilote = Utilisateur.objects.get(email="bench.pilote@spie.test")
    reponse = connecter(pilote).get(reverse("gouvernance:indicateurs"))
    assert reponse.status_code == 200
    assert f"{DEPARTEMENTS[0]} – Nord" in reponse.content.decode()


def test_bench_organisation_voit_les_carnets_partages(donnees, connecter):
    organisation = Utilisateur.objects.get(email="bench.organisation@spie.test")
    carnet = regles_carnet.visible_carnets(organisation).first()
    client = connecter(organisation)
    assert client.get(reverse("parcours:carnet", args=[carnet.uuid])).status_code == 200
