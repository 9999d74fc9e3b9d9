"""L'horloge du contrat d'engagement (un mois après la notification, relancée par une nouvelle orientation), les
heures d'activité aménagées et la révision d'un parcours social."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from parcours import services as carnet_services
from parcours.models import ContratEngagement
from parcours.orientation import services
from parcours.orientation.horloges import etat_du_carnet
from tests.parcours import outils_orientation

pytestmark = pytest.mark.django_db
NOTIFICATION = date(2026, 1, 31)


@pytest.fixture
def t():
    with time_machine.travel(NOTIFICATION, tick=False):
        return outils_orientation.territoire()


def orienter_et_notifier(t, jour, **champs):
    with time_machine.travel(jour, tick=False):
        demande = t.demander(jour) if not champs.pop("reorientation", False) else champs.pop("demande")
        return t.orienter(demande, notifiee_le=jour, canal_notification="courrier", date_decision=jour, **champs)


def contrat(t, debut, acteur=None, **champs):
    return carnet_services.enregistrer_contrat(
        t.carnet, acteur=acteur or t.conseiller, date_debut=debut, signataires="Inès Lalanne", **champs
    )


def test_le_contrat_est_attendu_un_mois_apres_la_notification(t):
    orienter_et_notifier(t, NOTIFICATION)
    etat = etat_du_carnet(t.carnet, aujourd_hui=date(2026, 2, 28))
    assert etat.contrat.date_limite == date(2026, 2, 28)  # 31 janvier + 1 mois : fin février
    assert etat.contrat.jours_restants == 0 and not etat.contrat.en_retard
    etat = etat_du_carnet(t.carnet, aujourd_hui=date(2026, 3, 1))
    assert etat.contrat.en_retard and etat.contrat.jours_de_retard == 1


def test_un_contrat_signe_depuis_la_notification_arrete_l_horloge(t):
    orienter_et_notifier(t, NOTIFICATION)
    contrat(t, date(2026, 1, 15))  # avant la notification : ne compte pas
    assert etat_du_carnet(t.carnet, aujourd_hui=date(2026, 3, 1)).contrat.en_retard
    signe = contrat(t, date(2026, 2, 10))
    etat = etat_du_carnet(t.carnet, aujourd_hui=date(2026, 3, 1))
    assert etat.contrat.signe and etat.contrat.contrat == signe and not etat.contrat.en_retard


def test_une_nouvelle_orientation_relance_le_mois(t):
    orienter_et_notifier(t, NOTIFICATION)
    contrat(t, date(2026, 2, 10))
    with time_machine.travel(date(2026, 5, 4), tick=False):
        reorientation = services.demander_reorientation(
            t.carnet, acteur=t.conseiller, parcours_recommande="social", motif_demande="Santé fragile"
        )
    orienter_et_notifier(
        t, date(2026, 5, 4), reorientation=True, demande=reorientation, sens="reorienter", organisme=t.ccas,
        referent=t.referente, parcours="social",
    )  # fmt: skip
    etat = etat_du_carnet(t.carnet, aujourd_hui=date(2026, 6, 5))
    assert etat.orientation.parcours == "social"
    assert etat.contrat.date_limite == date(2026, 6, 4)
    assert etat.contrat.en_retard  # le contrat de février ne compte plus


def test_sans_notification_l_horloge_attend(t):
    with time_machine.travel(NOTIFICATION, tick=False):
        t.orienter(t.demander(NOTIFICATION), date_decision=NOTIFICATION)
    etat = etat_du_carnet(t.carnet, aujourd_hui=date(2026, 6, 1))
    assert etat.contrat.en_attente_de_notification and not etat.contrat.en_retard


@pytest.mark.parametrize(("motif", "revision"), [("", date(2026, 7, 31)), ("logement", date(2027, 1, 31))])
def test_la_revision_du_parcours_social(t, motif, revision):
    decision = orienter_et_notifier(
        t, NOTIFICATION, organisme=t.ccas, referent=t.referente, parcours="social", motif_prolongation=motif
    )
    assert decision.date_revision == revision
    assert not etat_du_carnet(t.carnet, aujourd_hui=date(2026, 7, 30)).revision_due
    assert etat_du_carnet(t.carnet, aujourd_hui=revision).revision_due


@pytest.mark.parametrize(("motif", "revision"), [("", date(2026, 11, 30)), ("sante", date(2027, 5, 31))])
def test_un_maintien_relance_la_revision_depuis_sa_date(client, connecter, t, motif, revision):
    """Un maintien après examen relance la révision (6 mois, ou 12 avec le motif légal de l'orientation) ; le
    point de situation du jour de la révision la relève à la même date."""
    from parcours.models import ElementATraiter
    from parcours.suivi import point_de_situation

    orienter_et_notifier(
        t, NOTIFICATION, organisme=t.ccas, referent=t.referente, parcours="social", motif_prolongation=motif
    )
    with time_machine.travel(date(2026, 5, 31), tick=False):
        demande = services.demander_reorientation(
            t.carnet, acteur=t.referente, parcours_recommande="emploi", motif_demande="Projet professionnel"
        )
        services.decider(
            demande, acteur=t.charge, sens="maintenir", motif="Parcours adapté", date_decision=date(2026, 5, 31)
        )
    veille = date.fromordinal(revision.toordinal() - 1)
    assert etat_du_carnet(t.carnet, aujourd_hui=veille).date_revision == revision
    assert not etat_du_carnet(t.carnet, aujourd_hui=veille).revision_due
    assert etat_du_carnet(t.carnet, aujourd_hui=revision).revision_due
    regle = ElementATraiter.Regle.REVISION_PARCOURS_SOCIAL
    assert not [e for e in point_de_situation.revisions_parcours_social(veille) if e.regle == regle]
    assert [e.echeance for e in point_de_situation.revisions_parcours_social(revision)] == [revision]
    with time_machine.travel(revision, tick=False):
        connecter(t.referente)
        page = client.get(reverse("parcours:carnet", args=[t.carnet.uuid])).content.decode()
    assert "(orientation maintenue le 31/05/2026)" in page and f"due depuis le {revision:%d/%m/%Y}" in page


def test_l_en_tete_du_carnet_montre_l_horloge_et_la_revision(client, connecter, t):
    orienter_et_notifier(t, NOTIFICATION, organisme=t.ccas, referent=t.referente, parcours="social")
    connecter(t.referente)
    url = reverse("parcours:carnet", args=[t.carnet.uuid])
    with time_machine.travel(date(2026, 3, 2), tick=False):
        page = client.get(url).content.decode()
        assert "en retard : attendu au plus tard le 28/02/2026" in page
        assert "Révision du parcours social" in page and "le 31/07/2026" in page
        contrat(t, date(2026, 3, 2), acteur=t.referente)
        page = client.get(url, {"onglet": "plan"}).content.decode()
        assert "signé (début le 2/03/2026)" in page


def test_sous_15_heures_la_raison_et_le_motif_sont_exiges(client, connecter, t):
    connecter(t.referente)
    url = reverse("parcours:contrat_ajouter", args=[t.carnet.uuid])
    donnees = {
        "type": "contrat_engagement",
        "date_debut": "2026-02-01",
        "signataires": "Inès Lalanne",
        "heures_hebdomadaires": "0",
        "motif_amenagement": "Hospitalisation",
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 400
    assert "indiquez la raison de l&#x27;aménagement" in reponse.content.decode()
    assert not ContratEngagement.objects.exists()
    reponse = client.post(url, donnees | {"raison_amenagement": "sante"})
    assert reponse.status_code == 302
    page = client.get(reverse("parcours:carnet", args=[t.carnet.uuid]), {"onglet": "plan"}).content.decode()
    assert "0 h d'activité par semaine (aménagement – santé : Hospitalisation)" in page
    with pytest.raises(ValidationError, match="raison"):
        contrat(t, date(2026, 2, 1), acteur=t.referente, heures_hebdomadaires=10, motif_amenagement="Garde")
