"""Transfert vers un autre territoire : la file d'accueil reçoit la demande, le territoire de départ perd la
modification tout de suite et la lecture 30 jours après (commande idempotente)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from parcours import permissions as regles_carnet
from parcours import services as carnet_services
from parcours.models import DemandeOrientation, EvenementCarnet, TransfertTerritoire
from parcours.orientation import services
from tests.factories import OrganisationFactory, membre
from tests.parcours import outils_orientation

pytestmark = pytest.mark.django_db
AUJOURD_HUI = date(2026, 3, 16)


@pytest.fixture
def t():
    with time_machine.travel(AUJOURD_HUI, tick=False):
        territoire = outils_orientation.territoire()
        carnet_services.ajouter_intervenant(
            territoire.carnet,
            acteur=territoire.referente,
            utilisateur=territoire.conseiller,
            organisation=territoire.france_travail,
        )
        return territoire


def transferer(t, organisation=None, jour=AUJOURD_HUI, **champs):
    with time_machine.travel(jour, tick=False):
        return services.transferer(
            t.carnet,
            acteur=t.referente,
            organisation_accueil=organisation or t.pyrenees,
            motif=champs.get("motif", "Déménagement à Bayonne"),
        )


def test_le_transfert_met_la_demande_dans_la_file_d_accueil_et_retire_la_modification(t):
    transfert = transferer(t)
    demande = transfert.demande
    assert demande.motif == DemandeOrientation.Motif.TRANSFERT
    assert demande.organisation_orientation == t.pyrenees
    assert demande.date_reception == AUJOURD_HUI and demande.date_limite == date(2026, 4, 27)
    assert (transfert.departement_origine, transfert.departement_accueil) == ("40", "64")
    assert transfert.fin_lecture_le == date(2026, 4, 15)
    assert set(transfert.organisations_sortantes.all()) == {t.ccas, t.france_travail}
    for professionnel in (t.referente, t.conseiller):
        assert regles_carnet.can_view_carnet(professionnel, t.carnet)
        assert not regles_carnet.can_edit_carnet(professionnel, t.carnet)
    assert regles_carnet.can_view_carnet(t.charge_pyrenees, t.carnet)
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.TRANSFERT_TERRITOIRE)
    assert "jusqu'au 15/04/2026" in evenement.resume


def test_la_file_d_accueil_voit_la_demande_et_l_historique(client, connecter, t):
    transferer(t)
    connecter(t.charge_pyrenees)
    with time_machine.travel(AUJOURD_HUI, tick=False):
        page = client.get(reverse("parcours:orientation_file")).content.decode()
        assert "LALANNE" in page and "Arrivée d&#x27;un autre territoire" in page
        historique = client.get(reverse("parcours:carnet", args=[t.carnet.uuid]), {"onglet": "historique"})
    assert "Carnet ouvert" in historique.content.decode()  # l'historique suit la personne


@pytest.mark.parametrize(
    ("cas", "champ"),
    [("meme_departement", "organisation_accueil"), ("sans_motif", "motif"), ("n_oriente_pas", "organisation_accueil")],
)
def test_un_transfert_mal_saisi_n_ecrit_rien(t, cas, champ):
    organisation = {
        "meme_departement": t.departement,
        "n_oriente_pas": OrganisationFactory(departement="64", type="association"),
    }.get(cas)
    with pytest.raises(ValidationError) as erreur:
        transferer(t, organisation, motif="" if cas == "sans_motif" else "Déménagement")
    assert champ in erreur.value.error_dict
    assert not TransfertTerritoire.objects.exists() and not DemandeOrientation.objects.exists()
    assert regles_carnet.can_edit_carnet(t.referente, t.carnet)


def test_pas_de_transfert_pendant_une_demande_ouverte_ni_par_qui_ne_modifie_pas(t):
    with pytest.raises(PermissionDenied):
        services.transferer(t.carnet, acteur=t.collegue_ccas, organisation_accueil=t.pyrenees, motif="x")
    with time_machine.travel(AUJOURD_HUI, tick=False):
        t.demander(AUJOURD_HUI)
    with pytest.raises(ValidationError, match="ouverte"):
        transferer(t)
    assert not TransfertTerritoire.objects.exists()


def test_la_lecture_est_retiree_apres_30_jours_par_la_commande_idempotente(t):
    transfert = transferer(t)
    with time_machine.travel(date(2026, 4, 15), tick=False):  # dernier jour de lecture
        call_command("retirer_acces_transferts")
    assert regles_carnet.can_view_carnet(t.referente, t.carnet)
    with time_machine.travel(date(2026, 4, 16), tick=False):
        call_command("retirer_acces_transferts", "--simulation")
        assert regles_carnet.can_view_carnet(t.referente, t.carnet)
        call_command("retirer_acces_transferts")
    transfert.refresh_from_db()
    assert transfert.acces_retires_le is not None
    for professionnel in (t.referente, t.conseiller):
        assert not regles_carnet.can_view_carnet(professionnel, t.carnet)
    assert not t.carnet.intervenants.actifs().filter(organisation__in=[t.ccas, t.france_travail]).exists()
    assert regles_carnet.can_view_carnet(t.charge_pyrenees, t.carnet)
    evenements = t.carnet.evenements.count()
    with time_machine.travel(date(2026, 4, 17), tick=False):
        call_command("retirer_acces_transferts")
    assert t.carnet.evenements.count() == evenements  # rien de plus la seconde fois
    retrait = t.carnet.evenements.get(type=EvenementCarnet.Type.ACCES_TRANSFERT_RETIRE)
    assert "CCAS de Dax" in retrait.resume and "France Travail Dax" in retrait.resume


def test_le_departement_qui_a_oriente_perd_aussi_la_lecture_apres_30_jours(t):
    """Toutes les organisations du territoire de départ, dont le Département qui a orienté (partage en lecture
    seule), gardent la lecture 30 jours puis la perdent ; une organisation du département d'accueil qui partageait
    déjà le carnet n'est pas du territoire de départ et le garde."""
    basque = OrganisationFactory(nom="Association basque", departement="64")
    accompagnatrice = membre(basque).utilisateur
    with time_machine.travel(date(2026, 3, 2), tick=False):
        carnet_services.ajouter_intervenant(
            t.carnet, acteur=t.referente, utilisateur=accompagnatrice, organisation=basque
        )
        t.orienter(t.demander(date(2026, 3, 2)), organisme=t.ccas, referent=t.referente)
    assert regles_carnet.can_view_carnet(t.charge, t.carnet)
    assert not regles_carnet.can_edit_carnet(t.charge, t.carnet)
    transfert = transferer(t)
    assert set(transfert.organisations_sortantes.all()) == {t.ccas, t.france_travail, t.departement}
    with time_machine.travel(date(2026, 4, 15), tick=False):
        call_command("retirer_acces_transferts")
        assert regles_carnet.can_view_carnet(t.charge, t.carnet)  # encore dans les 30 jours
    with time_machine.travel(date(2026, 4, 16), tick=False):
        call_command("retirer_acces_transferts")
    for professionnel in (t.charge, t.pilote, t.referente, t.conseiller):
        assert not regles_carnet.can_view_carnet(professionnel, t.carnet)
    assert regles_carnet.can_edit_carnet(accompagnatrice, t.carnet)
    retrait = t.carnet.evenements.get(type=EvenementCarnet.Type.ACCES_TRANSFERT_RETIRE)
    assert "Département des Landes" in retrait.resume


def test_l_ancienne_referente_gardee_comme_accompagnatrice_perd_l_acces_au_jour_31(t):
    """Le territoire d'accueil oriente et garde l'ancienne référente du CCAS comme accompagnatrice : elle travaille
    encore sur le carnet pendant les 30 jours, puis le CCAS (organisation de départ) perd l'accès, et elle sort."""
    transfert = transferer(t)
    with time_machine.travel(date(2026, 3, 20), tick=False):
        services.decider(
            transfert.demande,
            acteur=t.charge_pyrenees,
            sens="orienter",
            parcours="emploi",
            organisme_referent=t.pyrenees,
            date_decision=date(2026, 3, 20),
            devenir_ancien_referent="accompagnateur",
        )
    assert regles_carnet.can_edit_carnet(t.referente, t.carnet)
    with time_machine.travel(AUJOURD_HUI + timedelta(days=31), tick=False):
        call_command("retirer_acces_transferts")
    assert not regles_carnet.can_view_carnet(t.referente, t.carnet)
    assert not regles_carnet.can_view_carnet(t.collegue_ccas, t.carnet)
    assert not t.carnet.intervenants.actifs().filter(utilisateur=t.referente).exists()


def test_le_transfert_depuis_l_onglet(client, connecter, t):
    connecter(t.referente)
    url = reverse("parcours:orientation_transferer", args=[t.carnet.uuid])
    with time_machine.travel(AUJOURD_HUI, tick=False):
        page = client.get(url).content.decode()
        assert "Département des Pyrénées-Atlantiques (64 – Pyrénées-Atlantiques)" in page
        assert "Département des Landes (" not in page
        donnees = {"departement": "40", "organisation_accueil": str(t.pyrenees.uuid), "motif": "Déménagement"}
        reponse = client.post(url, donnees)
        assert reponse.status_code == 400
        reponse = client.post(url, donnees | {"departement": "64"})
        assert reponse.status_code == 302
    assert TransfertTerritoire.objects.get().organisation_accueil == t.pyrenees
