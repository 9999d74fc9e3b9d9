"""Signaler une erreur sur un service et traiter le signalement ; la modération du pilote : la liste de son
territoire avec ses compteurs, suspendre (motif obligatoire) et reprendre un service."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from offre import regles
from offre.models import Service, SignalementService
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.offre import fabriques


@pytest.fixture
def territoire(db):
    organisation = OrganisationFactory(nom="Mission locale des Landes")
    structure = fabriques.structure(organisation, nom="Mission locale")
    return SimpleNamespace(
        structure=structure,
        service=fabriques.service(structure, nom="Aide au permis"),
        administrateur=membre(organisation, Role.ADMINISTRATEUR, email="admin@ml.fr").utilisateur,
        conseillere=membre(organisation, email="conseillere@ml.fr").utilisateur,
        referent=membre(OrganisationFactory(nom="CCAS de Dax"), prenom="Paul", nom="Lamarque").utilisateur,
        pilote=membre(OrganisationFactory(nom="Département"), Role.PILOTE, email="pilote@landes.fr").utilisateur,
        pilote_voisin=membre(OrganisationFactory(departement="64"), Role.PILOTE).utilisateur,
    )


def signaler(client, service, **donnees):
    return client.post(
        reverse("offre:service_signaler", args=[service.uuid]),
        {"motif": "pratique", "commentaire": "Le numéro de téléphone ne répond plus.", **donnees},
    )


# --- Signalements --------------------------------------------------------------------------------


def test_un_professionnel_signale_une_erreur_et_les_editeurs_sont_prevenus(
    client, connecter, territoire, django_capture_on_commit_callbacks
):
    connecter(territoire.referent)
    assert (
        "Ce qui ne va pas"
        in client.get(reverse("offre:service_signaler", args=[territoire.service.uuid])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        reponse = signaler(client, territoire.service)
    assert reponse.status_code == 302
    signalement = SignalementService.objects.get()
    assert (signalement.auteur, signalement.motif, signalement.traite_le) == (territoire.referent, "pratique", None)
    assert sorted(message.to[0] for message in mail.outbox) == ["admin@ml.fr", "conseillere@ml.fr"]
    courriel = mail.outbox[0]
    assert courriel.subject == "[SPIE] Erreur signalée sur « Aide au permis »"
    assert "Le numéro de téléphone ne répond plus." in courriel.body and "Paul Lamarque" in courriel.body
    assert reverse("offre:service", args=[territoire.service.uuid]) + "#signalements" in courriel.body


def test_le_signalement_d_une_structure_hors_plateforme_previent_le_pilote(
    client, connecter, territoire, django_capture_on_commit_callbacks
):
    service = fabriques.service(fabriques.structure(None, courriel="asso@exemple.fr"))
    connecter(territoire.referent)
    with django_capture_on_commit_callbacks(execute=True):
        signaler(client, service)
    assert [message.to for message in mail.outbox] == [["pilote@landes.fr"]]


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"commentaire": "   "}, "le commentaire est obligatoire"),
        ({"motif": ""}, "Ce champ est obligatoire"),
        ({"motif": "inconnu"}, "Sélectionnez un choix valide"),
    ],
)
def test_un_signalement_sans_motif_ou_sans_commentaire_est_refuse(client, connecter, territoire, donnees, message):
    connecter(territoire.referent)
    reponse = signaler(client, territoire.service, **donnees)
    assert reponse.status_code == 200 and message in reponse.content.decode()
    assert not SignalementService.objects.exists() and mail.outbox == []


def test_les_editeurs_et_le_pilote_voient_et_traitent_le_signalement(client, connecter, territoire):
    signalement = SignalementService.objects.create(
        service=territoire.service, auteur=territoire.referent, motif="zone", commentaire="Pas sur Dax."
    )
    connecter(territoire.referent)
    assert "Pas sur Dax." not in client.get(reverse("offre:service", args=[territoire.service.uuid])).content.decode()
    url = reverse("offre:signalement_traiter", args=[territoire.service.uuid, signalement.uuid])
    assert client.post(url).status_code == 403
    connecter(territoire.pilote)
    page = client.get(reverse("offre:service", args=[territoire.service.uuid])).content.decode()
    assert "Pas sur Dax." in page and "Marquer comme traité" in page
    assert client.post(url).status_code == 302
    signalement.refresh_from_db()
    assert signalement.traite_par == territoire.pilote and signalement.traite_le is not None
    # Traité deux fois : un message, rien ne change.
    client.post(url)
    assert SignalementService.objects.get().traite_par == territoire.pilote


def test_le_signalement_d_un_autre_service_est_introuvable(client, connecter, territoire):
    autre = fabriques.service(territoire.structure)
    signalement = SignalementService.objects.create(
        service=autre, auteur=territoire.referent, motif="zone", commentaire="Pas sur Dax."
    )
    connecter(territoire.conseillere)
    url = reverse("offre:signalement_traiter", args=[territoire.service.uuid, signalement.uuid])
    assert client.post(url).status_code == 404


# --- Suspension et reprise -----------------------------------------------------------------------


def test_le_pilote_suspend_un_service_qui_disparait_pour_les_tiers(client, connecter, territoire):
    connecter(territoire.pilote)
    url = reverse("offre:service_suspendre", args=[territoire.service.uuid])
    reponse = client.post(url, {"motif": "Dispositif arrêté fin juin"})
    assert reponse.status_code == 302
    service = Service.objects.get(pk=territoire.service.pk)
    assert service.est_suspendu and service.motif_suspension == "Dispositif arrêté fin juin"
    assert not Service.objects.dans_les_resultats().filter(pk=service.pk).exists()
    connecter(territoire.referent)
    assert client.get(reverse("offre:service", args=[service.uuid])).status_code == 404
    assert client.get(reverse("offre:service_signaler", args=[service.uuid])).status_code == 404
    connecter(territoire.conseillere)
    page = client.get(reverse("offre:service", args=[service.uuid])).content.decode()
    assert "Service suspendu" in page and "Dispositif arrêté fin juin" in page
    assert not regles.services_visibles(territoire.referent).filter(pk=service.pk).exists()


def test_une_suspension_sans_motif_est_refusee(client, connecter, territoire):
    connecter(territoire.pilote)
    reponse = client.post(reverse("offre:service_suspendre", args=[territoire.service.uuid]), {"motif": " "})
    assert reponse.status_code == 200 and "Indiquez le motif de la suspension." in reponse.content.decode()
    assert not Service.objects.get(pk=territoire.service.pk).est_suspendu


@pytest.mark.parametrize("acteur", ["conseillere", "administrateur", "pilote_voisin", "referent"])
def test_seul_le_pilote_du_territoire_suspend(client, connecter, territoire, acteur):
    connecter(getattr(territoire, acteur))
    url = reverse("offre:service_suspendre", args=[territoire.service.uuid])
    assert client.post(url, {"motif": "Plus d'actualité"}).status_code == 403
    assert not Service.objects.get(pk=territoire.service.pk).est_suspendu


def test_le_pilote_reprend_un_service_suspendu(client, connecter, territoire):
    Service.objects.filter(pk=territoire.service.pk).update(statut="suspendu", motif_suspension="Travaux")
    url = reverse("offre:service_reprendre", args=[territoire.service.uuid])
    connecter(territoire.conseillere)
    assert client.post(url).status_code == 403
    connecter(territoire.pilote_voisin)
    assert client.post(url).status_code == 404  # suspendu : il ne le voit pas
    connecter(territoire.pilote)
    assert client.post(url).status_code == 302
    service = Service.objects.get(pk=territoire.service.pk)
    assert service.statut == Service.Statut.PUBLIE and service.motif_suspension == ""


# --- La page de modération -----------------------------------------------------------------------


def test_la_moderation_liste_les_services_a_actualiser_signales_ou_suspendus_avec_leurs_compteurs(
    client, connecter, territoire, time_machine
):
    time_machine.move_to("2026-07-01 10:00 +02:00")
    perime = fabriques.service(territoire.structure, nom="Atelier périmé", date_maj=date(2025, 1, 1))
    signale = fabriques.service(territoire.structure, nom="Atelier signalé")
    SignalementService.objects.create(service=signale, auteur=territoire.referent, motif="autre", commentaire="?")
    suspendu = fabriques.service(territoire.structure, nom="Atelier suspendu", statut="suspendu")
    fabriques.service(territoire.structure, nom="Atelier en règle")
    ailleurs = fabriques.service(
        fabriques.structure(None, commune=("64445", "Pau", "64000")), nom="Atelier de Pau", date_maj=date(2025, 1, 1)
    )
    connecter(territoire.pilote)
    reponse = client.get(reverse("offre:moderation"))
    page = reponse.content.decode()
    for service in (perime, signale, suspendu):
        assert service.nom in page
    assert "Atelier en règle" not in page and ailleurs.nom not in page
    assert reponse.context["filtres"] == [
        ("a_actualiser", "À actualiser", 1),
        ("signales", "Signalés", 1),
        ("suspendus", "Suspendus", 1),
    ]
    filtre = client.get(reverse("offre:moderation"), {"filtre": "signales"}).content.decode()
    assert signale.nom in filtre and perime.nom not in filtre
    connecter(territoire.pilote_voisin)
    page = client.get(reverse("offre:moderation")).content.decode()
    assert ailleurs.nom in page and perime.nom not in page


@pytest.mark.parametrize("acteur", ["conseillere", "administrateur", "referent"])
def test_la_moderation_est_reservee_aux_pilotes(client, connecter, territoire, acteur):
    connecter(getattr(territoire, acteur))
    assert client.get(reverse("offre:moderation")).status_code == 403


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_moderation_fait_le_meme_nombre_de_requetes_a_1_et_30_lignes(
    client, connecter, territoire, django_assert_num_queries, nombre
):
    for numero in range(nombre):
        service = fabriques.service(territoire.structure, nom=f"Service {numero:02d}", date_maj=date(2020, 1, 1))
        SignalementService.objects.create(service=service, auteur=territoire.referent, motif="autre", commentaire="?")
    connecter(territoire.pilote)
    client.get(reverse("offre:moderation"))
    with django_assert_num_queries(10):
        reponse = client.get(reverse("offre:moderation"))
    assert reponse.context["page"].paginator.count == nombre


def test_l_editeur_qui_signale_n_est_pas_prevenu_de_son_propre_signalement(
    client, connecter, territoire, django_capture_on_commit_callbacks
):
    connecter(territoire.conseillere)
    with django_capture_on_commit_callbacks(execute=True):
        signaler(client, territoire.service)
    assert [message.to for message in mail.outbox] == [["admin@ml.fr"]]
