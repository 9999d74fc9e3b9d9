"""Le journal des consultations des carnets (issue 11, « Audit ») : en ajout seul dans l'application et, sur
PostgreSQL, dans la base ; purgé après 12 mois par une commande explicite ; une ligne, et une seule, par lecture."""

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from parcours import services
from parcours.models import ConsultationCarnet
from parcours.models.carnet import JournalEnAjoutSeul, limite_conservation_consultations, purger_consultations
from parcours.views import ONGLETS
from partenaires.choix import Role
from spie.celery import app as celery_app
from tests.factories import OrganisationFactory, membre
from tests.parcours.conftest import diagnostic_valide

pytestmark = pytest.mark.django_db


@pytest.fixture
def departement():
    return OrganisationFactory(nom="Département des Landes")


@pytest.fixture
def referente(departement):
    return membre(departement, Role.PROFESSIONNEL, prenom="Claire", nom="Duprat").utilisateur


@pytest.fixture
def carnet(referente, departement):
    return services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Lalanne", prenom="Inès", date_naissance=date(1988, 5, 3)
    )


def consulter(carnet, utilisateur, organisation, *, onglet="situation", date_consultation=None):
    valeurs = {"date": date_consultation} if date_consultation else {}
    return ConsultationCarnet.objects.create(
        carnet=carnet, utilisateur=utilisateur, organisation=organisation, onglet=onglet, **valeurs
    )


def lignes():
    return list(ConsultationCarnet.objects.order_by("id").values_list("id", "onglet", "date"))


# --- En ajout seul, dans l'application -----------------------------------------------------------------------


def test_le_queryset_refuse_update_et_delete(carnet, referente, departement):
    consulter(carnet, referente, departement)
    avant = lignes()
    with pytest.raises(JournalEnAjoutSeul, match="en ajout seul : une consultation enregistrée ne se modifie pas"):
        ConsultationCarnet.objects.filter(carnet=carnet).update(onglet="historique")
    with pytest.raises(JournalEnAjoutSeul, match="purger_consultations"):
        ConsultationCarnet.objects.all().delete()
    with pytest.raises(JournalEnAjoutSeul):
        carnet.consultations.all().delete()
    assert lignes() == avant


def test_une_consultation_enregistree_ne_se_sauve_ni_ne_se_supprime(carnet, referente, departement):
    consultation = consulter(carnet, referente, departement)
    avant = lignes()
    consultation.onglet = "historique"
    with pytest.raises(JournalEnAjoutSeul, match="ne se modifie pas"):
        consultation.save()
    # bulk_update ouvre un bloc atomique sans point de sauvegarde : le nôtre garde le test utilisable après le refus.
    with pytest.raises(JournalEnAjoutSeul), transaction.atomic():
        ConsultationCarnet.objects.bulk_update([consultation], ["onglet"])
    with pytest.raises(JournalEnAjoutSeul, match="ne se supprime pas"):
        consultation.delete()
    assert lignes() == avant


def test_l_ajout_reste_permis_seul_et_en_lot(rf, carnet, referente, departement):
    services.enregistrer_consultation(carnet, utilisateur=referente, organisation=departement, onglet="plan")
    requete = rf.get("/")
    requete.user = referente
    requete.membre_courant = referente.membres.get()
    services.enregistrer_consultations(requete, [carnet.pk, carnet.pk], onglet="seance")
    assert [onglet for _, onglet, _ in lignes()] == ["plan", "seance"]


# --- Purge -----------------------------------------------------------------------------------------------------


@pytest.fixture
def journal_sur_deux_ans(carnet, referente, departement):
    """Deux consultations en mars et en avril d'il y a plus d'un an, une à la limite moins une minute (purgeable),
    une à la limite plus une minute (12 mois moins une minute : gardée), une d'aujourd'hui."""
    limite = limite_conservation_consultations()
    maintenant = timezone.now()
    anciennes = [
        consulter(carnet, referente, departement, date_consultation=maintenant - timedelta(days=600)),
        consulter(carnet, referente, departement, date_consultation=maintenant - timedelta(days=570)),
        consulter(carnet, referente, departement, date_consultation=limite - timedelta(minutes=1)),
    ]
    recentes = [
        consulter(carnet, referente, departement, date_consultation=limite + timedelta(minutes=1)),
        consulter(carnet, referente, departement),
    ]
    return anciennes, recentes


def test_la_limite_est_douze_mois_calendaires_en_utc(settings):
    assert settings.SPIE_CONSULTATIONS_DUREE_MOIS == 12
    # Le 29 février 2028 à 23 h 30 UTC (déjà le 1er mars à Paris) : 12 mois plus tôt, le 28 février 2027 en UTC.
    maintenant = datetime(2028, 2, 29, 23, 30, tzinfo=UTC)
    assert limite_conservation_consultations(maintenant) == datetime(2027, 2, 28, 23, 30, tzinfo=UTC)


def test_la_simulation_compte_par_mois_et_ne_supprime_rien(journal_sur_deux_ans, capsys):
    anciennes, _ = journal_sur_deux_ans
    avant = lignes()
    call_command("purger_consultations")
    sortie = capsys.readouterr().out
    assert lignes() == avant
    attendu = {}
    for consultation in anciennes:
        mois = timezone.localtime(consultation.date).strftime("%Y-%m")
        attendu[mois] = attendu.get(mois, 0) + 1
    for mois, nombre in attendu.items():
        assert f"  {mois} : {nombre}\n" in sortie
    assert len([ligne for ligne in sortie.splitlines() if ligne.startswith("  ")]) == len(attendu)
    assert "3 consultation(s) de plus de 12 mois à supprimer" in sortie
    assert "Simulation : rien n'est supprimé, relancez avec --executer." in sortie


def test_l_execution_supprime_exactement_les_lignes_de_plus_de_douze_mois(journal_sur_deux_ans, capsys):
    _, recentes = journal_sur_deux_ans
    call_command("purger_consultations", "--executer")
    assert "3 consultation(s) de plus de 12 mois supprimée(s)" in capsys.readouterr().out
    assert sorted(ConsultationCarnet.objects.values_list("id", flat=True)) == [c.pk for c in recentes]
    call_command("purger_consultations", "--executer")
    assert "0 consultation(s)" in capsys.readouterr().out
    assert ConsultationCarnet.objects.count() == 2


def test_purger_rend_le_decompte_par_mois(journal_sur_deux_ans):
    par_mois = purger_consultations()
    assert sum(nombre for _, nombre in par_mois) == 3 and ConsultationCarnet.objects.count() == 5
    assert all(mois.day == 1 for mois, _ in par_mois)
    assert purger_consultations(executer=True) == par_mois and ConsultationCarnet.objects.count() == 2


def test_une_duree_de_moins_de_douze_mois_est_refusee(journal_sur_deux_ans, settings):
    settings.SPIE_CONSULTATIONS_DUREE_MOIS = 6
    with pytest.raises(CommandError, match="au moins 12 mois"):
        call_command("purger_consultations", "--executer")
    assert ConsultationCarnet.objects.count() == 5


def test_la_tache_de_nuit_purge_pour_de_bon_et_le_journalise(journal_sur_deux_ans, caplog):
    from parcours import tasks

    with caplog.at_level(logging.INFO, logger="parcours.management.commands.purger_consultations"):
        tasks.purger_consultations.delay()
    assert ConsultationCarnet.objects.count() == 2
    assert "Purge du journal des consultations : 3 consultation(s) de plus de 12 mois supprimée(s)." in caplog.text


def test_la_tache_est_planifiee_chaque_nuit():
    planifiees = {entree["task"]: entree["schedule"] for entree in settings.CELERY_BEAT_SCHEDULE.values()}
    horaire = planifiees["parcours.tasks.purger_consultations"]
    assert horaire.hour == {3} and horaire.minute == {15} and len(horaire.day_of_week) == 7
    assert "parcours.tasks.purger_consultations" in celery_app.tasks


# --- En ajout seul, dans la base (PostgreSQL) -------------------------------------------------------------------

sur_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Le déclencheur d'ajout seul (migration parcours 0013) n'existe que sur PostgreSQL.",
)


def _sql(requete, *parametres):
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(requete, parametres)
        return curseur.rowcount


@sur_postgresql
def test_la_base_refuse_update_et_delete_bruts_d_une_ligne_recente(carnet, referente, departement):
    consultation = consulter(carnet, referente, departement, date_consultation=timezone.now() - timedelta(days=364))
    avant = lignes()
    with pytest.raises(DatabaseError, match="ne se modifie pas"):
        _sql("UPDATE parcours_consultationcarnet SET onglet = 'historique' WHERE id = %s", consultation.pk)
    with pytest.raises(DatabaseError, match="moins de 12 mois ne se supprime pas"):
        _sql("DELETE FROM parcours_consultationcarnet WHERE id = %s", consultation.pk)
    with pytest.raises(DatabaseError, match="moins de 12 mois ne se supprime pas"):
        _sql("DELETE FROM parcours_consultationcarnet")
    assert lignes() == avant


@sur_postgresql
def test_la_base_refuse_de_modifier_une_ligne_ancienne_mais_la_laisse_purger(carnet, referente, departement):
    ancienne = consulter(carnet, referente, departement, date_consultation=timezone.now() - timedelta(days=400))
    with pytest.raises(DatabaseError, match="ne se modifie pas"):
        _sql("UPDATE parcours_consultationcarnet SET date = now() WHERE id = %s", ancienne.pk)
    assert _sql("DELETE FROM parcours_consultationcarnet WHERE id = %s", ancienne.pk) == 1


@sur_postgresql
def test_le_declencheur_est_installe_par_la_migration():
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'parcours_consultationcarnet'::regclass AND NOT tgisinternal"
        )
        assert [nom for (nom,) in curseur.fetchall()] == ["parcours_consultation_en_ajout_seul"]


# --- Une ligne par lecture, nombre exact -----------------------------------------------------------------------


@pytest.fixture
def diagnostic(carnet, referente):
    return diagnostic_valide(carnet, referente)


def _carnet(carnet, _diagnostic):
    return reverse("parcours:carnet", args=[carnet.uuid])


def _onglet(onglet):
    return lambda carnet, _diagnostic: f"{reverse('parcours:carnet', args=[carnet.uuid])}?onglet={onglet}"


PAGES = {
    **{f"onglet {onglet}": (_onglet(onglet), onglet) for onglet in ONGLETS},
    "carnet sans onglet": (_carnet, "situation"),
    "onglet inconnu": (_onglet("inconnu"), "situation"),
    "impression du carnet": (lambda c, d: reverse("parcours:carnet_imprimer", args=[c.uuid]), "impression"),
    "version du diagnostic": (lambda c, d: reverse("parcours:diagnostic", args=[c.uuid, d.uuid]), "diagnostic"),
    "impression du diagnostic": (
        lambda c, d: reverse("parcours:diagnostic_imprimer", args=[c.uuid, d.uuid]),
        "diagnostic_impression",
    ),
    "PDF du diagnostic": (lambda c, d: reverse("parcours:diagnostic_pdf", args=[c.uuid, d.uuid]), "diagnostic_pdf"),
    "espace personnel (côté professionnel)": (
        lambda c, d: reverse("parcours:espace_gerer", args=[c.uuid]),
        "espace",
    ),
    "études en comité technique": (lambda c, d: reverse("gouvernance:etudes_du_carnet", args=[c.uuid]), "etudes"),
}


@pytest.mark.parametrize("page", PAGES)
def test_une_lecture_ajoute_exactement_une_ligne(page, carnet, diagnostic, referente, departement, client, connecter):
    adresse, onglet = PAGES[page]
    connecter(referente)
    avant = ConsultationCarnet.objects.count()
    reponse = client.get(adresse(carnet, diagnostic))
    assert reponse.status_code in (200, 302)
    ajoutees = ConsultationCarnet.objects.order_by("id")[avant:]
    assert [(c.carnet_id, c.utilisateur_id, c.organisation_id, c.lecteur, c.onglet) for c in ajoutees] == [
        (carnet.pk, referente.pk, departement.pk, "", onglet)
    ]


@pytest.mark.parametrize("page", PAGES)
def test_une_lecture_refusee_n_ajoute_rien(page, carnet, diagnostic, client, connecter):
    adresse, _ = PAGES[page]
    connecter(membre(OrganisationFactory(nom="Une autre structure")).utilisateur)
    avant = lignes()
    assert client.get(adresse(carnet, diagnostic)).status_code in (403, 404)
    assert lignes() == avant
