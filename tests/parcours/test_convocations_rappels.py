"""La commande horaire `envoyer_rappels` : rappel 2 jours avant, relance d'une convocation sans réponse depuis
3 jours ; idempotente, en requêtes ensemblistes."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.convocations import services
from parcours.models import EvenementCarnet, RendezVous
from tests.parcours import outils_convocations
from tests.parcours.outils_convocations import (
    EMAIL_PERSONNE,
    MAINTENANT,
    RENDEZ_VOUS_LE,
    liens_du_courriel,
    prevoir,
)

# Les fixtures partagées des convocations.
equipe_convocation = outils_convocations.equipe_convocation
horloge = outils_convocations.horloge

pytestmark = pytest.mark.django_db
RAPPEL = EvenementCarnet.Type.RAPPEL_RENDEZ_VOUS
RELANCE = EvenementCarnet.Type.CONVOCATION_RELANCEE


@pytest.fixture
def lancer(django_capture_on_commit_callbacks):
    def _lancer() -> str:
        sortie = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("envoyer_rappels", stdout=sortie)
        return sortie.getvalue()

    return _lancer


def evenements(type_evenement):
    return list(EvenementCarnet.objects.filter(type=type_evenement))


@pytest.fixture
def convoquee(equipe_convocation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.convoquer(equipe_convocation.rendez_vous, acteur=equipe_convocation.referente)
    mail.outbox.clear()
    return equipe_convocation


def test_rappel_a_47_heures_du_rendez_vous_pas_a_49(equipe_convocation, horloge, lancer):
    e = equipe_convocation
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=49))
    assert lancer() == "0 rappel(s) et 0 relance(s) de convocation confiés à l'envoi.\n"
    assert not mail.outbox and not evenements(RAPPEL)
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=47))
    assert lancer().startswith("1 rappel(s)")
    [courriel] = mail.outbox
    assert courriel.to == [EMAIL_PERSONNE]
    assert courriel.subject == "Rappel : rendez-vous le mardi 10 mars à 14h30"
    assert "Nous vous rappelons votre rendez-vous." in courriel.body
    assert set(liens_du_courriel(courriel)) == {"Je viendrai", "Je ne pourrai pas venir"}  # pas encore de réponse
    e.rendez_vous.refresh_from_db()
    assert e.rendez_vous.rappel_envoye_le == RENDEZ_VOUS_LE - timedelta(hours=47)
    [evenement] = evenements(RAPPEL)
    assert evenement.acteur == e.referente and evenement.organisation.nom == "Département des Landes"
    assert evenement.resume == "Rendez-vous du 10/03/2026 à 14:30 (Premier entretien) : rappel envoyé par courriel"


def test_relancer_la_commande_n_envoie_rien_deux_fois(convoquee, horloge, lancer):
    horloge.move_to(MAINTENANT + timedelta(days=3, minutes=1))
    lancer()
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=47))
    lancer()
    assert [m.subject.split(" :")[0] for m in mail.outbox] == ["Merci de répondre", "Rappel"]
    for minutes in (0, 1, 60):
        horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=47) + timedelta(minutes=minutes))
        assert lancer() == "0 rappel(s) et 0 relance(s) de convocation confiés à l'envoi.\n"
    assert len(mail.outbox) == 2 and len(evenements(RAPPEL)) == 1 and len(evenements(RELANCE)) == 1


def test_relance_trois_jours_apres_la_convocation_sans_reponse(convoquee, horloge, lancer):
    e = convoquee
    horloge.move_to(MAINTENANT + timedelta(days=3) - timedelta(minutes=1))
    lancer()
    assert not mail.outbox and not evenements(RELANCE)
    horloge.move_to(MAINTENANT + timedelta(days=3, minutes=1))
    assert lancer() == "0 rappel(s) et 1 relance(s) de convocation confiés à l'envoi.\n"
    [courriel] = mail.outbox
    assert courriel.subject == "Merci de répondre : rendez-vous le mardi 10 mars à 14h30"
    assert "Nous n'avons pas encore votre réponse." in courriel.body
    assert set(liens_du_courriel(courriel)) == {"Je viendrai", "Je ne pourrai pas venir"}
    e.rendez_vous.refresh_from_db()
    assert e.rendez_vous.relance_envoyee_le == MAINTENANT + timedelta(days=3, minutes=1)
    [evenement] = evenements(RELANCE)
    assert evenement.acteur == e.referente
    assert evenement.resume == (
        "Rendez-vous du 10/03/2026 à 14:30 (Premier entretien) : convocation relancée par courriel "
        "(sans réponse depuis 3 jours)"
    )


def test_pas_de_relance_quand_la_personne_a_repondu(convoquee, horloge, lancer):
    services.repondre(convoquee.rendez_vous, reponse=RendezVous.Reponse.CONFIRME)
    horloge.move_to(MAINTENANT + timedelta(days=4))
    lancer()
    assert not mail.outbox and not evenements(RELANCE)
    # Le rappel part quand même, sans liens de réponse (elle a déjà répondu).
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=47))
    lancer()
    [rappel] = mail.outbox
    assert liens_du_courriel(rappel) == {} and "Répondez-nous" not in rappel.body


def test_dans_les_48_heures_le_rappel_tient_lieu_de_relance(equipe_convocation, horloge, lancer):
    """Convoquée 4 jours avant, sans réponse : à 3 jours (la veille), le rappel (avec ses liens) est déjà parti."""
    e = equipe_convocation
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(days=4))
    services.convoquer(e.rendez_vous, acteur=e.referente)
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=47))
    lancer()
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(days=1) + timedelta(minutes=1))
    lancer()
    assert len(evenements(RAPPEL)) == 1 and not evenements(RELANCE)


def test_pas_de_rappel_quand_la_convocation_est_partie_dans_les_48_heures(equipe_convocation, horloge, lancer):
    e = equipe_convocation
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=30))
    services.convoquer(e.rendez_vous, acteur=e.referente)
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=29))
    lancer()
    assert not evenements(RAPPEL)


@pytest.mark.parametrize(
    "changer",
    [
        {"statut": RendezVous.Statut.ANNULE},
        {"reponse": RendezVous.Reponse.EMPECHE},
        {"date_heure": RENDEZ_VOUS_LE - timedelta(hours=48)},  # déjà passé à l'heure du passage
    ],
)
def test_pas_de_rappel_ni_de_relance_hors_des_cas_prevus(convoquee, horloge, lancer, changer):
    RendezVous.objects.filter(pk=convoquee.rendez_vous.pk).update(**changer)
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=47))
    lancer()
    assert not mail.outbox and not evenements(RAPPEL) and not evenements(RELANCE)


def test_pas_de_courriel_a_qui_n_a_pas_d_adresse(convoquee, horloge, lancer):
    convoquee.personne.email = ""
    convoquee.personne.save()
    horloge.move_to(MAINTENANT + timedelta(days=3, minutes=1))
    lancer()
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=47))
    lancer()
    assert not mail.outbox and not evenements(RAPPEL) and not evenements(RELANCE)


def test_un_rendez_vous_annule_apres_la_selection_ne_recoit_pas_le_courriel(equipe_convocation, horloge):
    """La tâche relit l'état du rendez-vous : annulé entre le passage et l'envoi, rien ne part."""
    from parcours.convocations import taches

    e = equipe_convocation
    horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=47))
    services.envoyer("rappels")
    RendezVous.objects.filter(pk=e.rendez_vous.pk).update(statut=RendezVous.Statut.ANNULE)
    taches.envoyer_rappel(e.rendez_vous.pk)
    assert not mail.outbox


def test_le_passage_se_fait_en_requetes_ensemblistes(equipe_convocation, horloge):
    e = equipe_convocation

    def requetes(nombre):
        RendezVous.objects.update(rappel_envoye_le=None)
        for heure in range(nombre - RendezVous.objects.count()):
            prevoir(e.carnet, e.referente, RENDEZ_VOUS_LE + timedelta(minutes=heure + 1))
        horloge.move_to(RENDEZ_VOUS_LE - timedelta(hours=47))
        with CaptureQueriesContext(connection) as capture:
            assert services.envoyer("rappels") == nombre
        return len(capture)

    assert requetes(1) == requetes(20)
