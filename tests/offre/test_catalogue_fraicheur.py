"""La fraîcheur d'un service : le badge de la fiche, « toujours à jour » en un clic, et le rappel mensuel (un
courriel par éditeur qui liste ses services à actualiser ; rien à qui n'en a pas ; rien d'écrit en base)."""

import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from offre.catalogue import services as catalogue_services
from offre.catalogue import taches
from offre.models import Service
from partenaires import services as partenaires_services
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.offre import fabriques

TROIS_MOIS = "tous-les-3-mois"


@pytest.fixture
def territoire(db, time_machine):
    time_machine.move_to("2026-07-01 07:00 +02:00")
    mission_locale = OrganisationFactory(nom="Mission locale des Landes")
    ccas = OrganisationFactory(nom="CCAS de Dax")
    return SimpleNamespace(
        mission_locale=mission_locale,
        ccas=ccas,
        structure=fabriques.structure(mission_locale, nom="Mission locale"),
        structure_ccas=fabriques.structure(ccas, nom="CCAS"),
        hors_plateforme=fabriques.structure(None, nom="Association Trait d'union", courriel="asso@exemple.fr"),
        administrateur=membre(mission_locale, Role.ADMINISTRATEUR, email="admin@ml.fr").utilisateur,
        conseillere=membre(mission_locale, email="conseillere@ml.fr").utilisateur,
        agent_ccas=membre(ccas, email="agent@ccas.fr").utilisateur,
        pilote=membre(OrganisationFactory(nom="Département"), Role.PILOTE, email="pilote@landes.fr").utilisateur,
        pilote_voisin=membre(OrganisationFactory(departement="64"), Role.PILOTE, email="pilote@pa.fr").utilisateur,
    )


def perime(structure, nom, **champs):
    """Un service mis à jour le 1er décembre 2025, à actualiser tous les 3 mois : à actualiser depuis le 1er mars."""
    return fabriques.service(
        structure, nom=nom, date_maj=date(2025, 12, 1), frequence_actualisation=TROIS_MOIS, **champs
    )


def courriels_par_destinataire():
    return {message.to[0]: message for message in mail.outbox}


def test_la_fiche_d_un_service_perime_dit_depuis_quand_et_jusqu_a_quand_il_reste_dans_les_resultats(
    client, connecter, territoire
):
    service = perime(territoire.structure, "Aide au permis")
    connecter(territoire.agent_ccas)
    page = client.get(reverse("offre:service", args=[service.uuid])).content.decode()
    assert "à actualiser depuis le 1 mars 2026" in page
    # 90 jours de grâce après le 1er mars : il sort des résultats par défaut le 30 mai.
    assert "il quitte les résultats de recherche le 30 mai 2026" in page
    assert "Mis à jour le 1 décembre 2025" in page


def test_un_service_recent_est_a_jour(client, connecter, territoire):
    service = fabriques.service(territoire.structure, frequence_actualisation=TROIS_MOIS)
    connecter(territoire.agent_ccas)
    page = client.get(reverse("offre:service", args=[service.uuid])).content.decode()
    assert 'fr-badge--success">à jour' in page and "à actualiser depuis" not in page


def test_toujours_a_jour_en_un_clic_remet_la_date_du_jour(client, connecter, territoire):
    service = perime(territoire.structure, "Aide au permis")
    connecter(territoire.conseillere)
    page = client.get(reverse("offre:service_confirmer", args=[service.uuid])).content.decode()
    assert "Oui, toujours à jour" in page
    reponse = client.post(reverse("offre:service_confirmer", args=[service.uuid]))
    assert reponse.status_code == 302
    service.refresh_from_db()
    assert service.date_maj == date(2026, 7, 1) and service.a_actualiser_le == date(2026, 10, 1)
    assert not service.est_a_actualiser
    assert Service.objects.dans_les_resultats().filter(pk=service.pk).exists()


def test_un_autre_professionnel_ne_confirme_pas(client, connecter, territoire):
    service = perime(territoire.structure, "Aide au permis")
    connecter(territoire.agent_ccas)
    assert client.get(reverse("offre:service_confirmer", args=[service.uuid])).status_code == 403
    assert client.post(reverse("offre:service_confirmer", args=[service.uuid])).status_code == 403
    service.refresh_from_db()
    assert service.date_maj == date(2025, 12, 1)


def test_le_rappel_mensuel_envoie_un_courriel_par_editeur_avec_ses_seuls_services(territoire):
    permis = perime(territoire.structure, "Aide au permis")
    cv = perime(territoire.structure, "Atelier CV")
    fabriques.service(territoire.structure, nom="Service récent", frequence_actualisation=TROIS_MOIS)
    perime(territoire.structure, "Dispositif arrêté", statut=Service.Statut.SUSPENDU)
    epicerie = perime(territoire.structure_ccas, "Épicerie solidaire")
    garage = perime(territoire.hors_plateforme, "Garage solidaire")
    ancienne = membre(territoire.mission_locale, email="partie@ml.fr")
    partenaires_services.desactiver_membre(ancienne, acteur=territoire.administrateur, motif="Départ")
    # La conseillère est aussi membre du CCAS : un seul courriel pour ses services des deux structures.
    membre(territoire.ccas, utilisateur=territoire.conseillere)
    avant = list(Service.objects.order_by("pk").values())

    call_command("rappeler_actualisation", stdout=io.StringIO())

    courriels = courriels_par_destinataire()
    assert len(mail.outbox) == len(courriels) == 4
    assert set(courriels) == {"admin@ml.fr", "conseillere@ml.fr", "agent@ccas.fr", "pilote@landes.fr"}
    admin = courriels["admin@ml.fr"]
    assert admin.subject == "[SPIE] 2 services à actualiser dans l'offre du territoire"
    assert "Aide au permis" in admin.body and "Atelier CV" in admin.body
    assert "Service récent" not in admin.body and "Dispositif arrêté" not in admin.body
    assert "Épicerie solidaire" not in admin.body
    assert reverse("offre:service", args=[permis.uuid]) in admin.body
    assert reverse("offre:service_confirmer", args=[cv.uuid]) in admin.body
    assert "http://" in admin.body or "https://" in admin.body
    conseillere = courriels["conseillere@ml.fr"].body
    assert "Aide au permis" in conseillere and "Atelier CV" in conseillere and epicerie.nom in conseillere
    assert courriels["agent@ccas.fr"].subject == "[SPIE] 1 service à actualiser dans l'offre du territoire"
    # Une structure hors plateforme : c'est le pilote de son département qui la tient à jour.
    assert garage.nom in courriels["pilote@landes.fr"].body and permis.nom not in courriels["pilote@landes.fr"].body
    assert list(Service.objects.order_by("pk").values()) == avant


def test_le_rappel_n_envoie_rien_quand_tout_est_a_jour(territoire):
    fabriques.service(territoire.structure, frequence_actualisation=TROIS_MOIS)
    call_command("rappeler_actualisation", stdout=io.StringIO())
    assert mail.outbox == []


def test_un_service_confirme_ne_fait_plus_l_objet_d_un_rappel(territoire, time_machine):
    service = perime(territoire.structure_ccas, "Épicerie solidaire")
    call_command("rappeler_actualisation", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    catalogue_services.confirmer_service(service, acteur=territoire.agent_ccas)
    time_machine.move_to("2026-08-01 07:00 +02:00")
    call_command("rappeler_actualisation", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_la_tache_de_beat_lance_le_rappel(territoire):
    perime(territoire.structure_ccas, "Épicerie solidaire")
    taches.rappeler_actualisation.delay()
    assert [message.to for message in mail.outbox] == [["agent@ccas.fr"]]


def test_un_envoi_en_echec_n_empeche_pas_les_suivants(territoire, monkeypatch):
    from offre.management.commands import rappeler_actualisation

    perime(territoire.structure, "Aide au permis")
    envoyer = rappeler_actualisation.send_mail

    def envoyer_sauf_a_l_administrateur(**arguments):
        if arguments["recipient_list"] == ["admin@ml.fr"]:
            raise OSError("serveur de courriel indisponible")
        return envoyer(**arguments)

    monkeypatch.setattr(rappeler_actualisation, "send_mail", envoyer_sauf_a_l_administrateur)
    call_command("rappeler_actualisation", stdout=io.StringIO())
    assert [message.to for message in mail.outbox] == [["conseillere@ml.fr"]]
