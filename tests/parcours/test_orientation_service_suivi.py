"""Boucler la boucle : chercher un service depuis le carnet, la relance à 10 jours et l'expiration à 30 (la tâche du
matin, idempotente), le point de situation, la somme des heures d'activité des orientations retenues."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from parcours import services as carnet_services
from parcours.models import Action, ConsultationCarnet, ElementATraiter, EvenementCarnet, OrientationService
from parcours.orientation_service import regles, services
from parcours.suivi import point_de_situation
from partenaires.choix import Role
from tests.factories import membre
from tests.offre import fabriques
from tests.parcours import outils_orientation_service as outils
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.outils_orientation_service import MAINTENANT, avancer, courriels_a, orienter

o = outils.o
horloge = outils.horloge

pytestmark = pytest.mark.django_db


def suivre(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("suivre_orientations_service", stdout=io.StringIO())


# --- La relance à 10 jours, l'expiration à 30 ---------------------------------------------------------------


def test_la_structure_est_relancee_une_seule_fois_a_10_jours(o, horloge, django_capture_on_commit_callbacks):
    orientation = orienter(o)
    avancer(horloge, days=10, seconds=-1)
    suivre(django_capture_on_commit_callbacks)
    assert not mail.outbox
    avancer(horloge, seconds=1)
    suivre(django_capture_on_commit_callbacks)
    (relance,) = mail.outbox
    assert set(relance.to) == {o.accueil.email, o.collegue_relais.email}
    assert relance.subject == "Relance : orientation vers « Atelier CV » sans réponse"
    assert "attend votre réponse depuis le 2 mars 2026" in relance.body
    orientation.refresh_from_db()
    assert orientation.relance_envoyee_le is not None and orientation.statut == "envoyee"
    avancer(horloge, days=1)
    suivre(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # une seule relance


def test_une_orientation_a_l_etude_est_relancee_mais_pas_une_orientation_acceptee(
    o, horloge, django_capture_on_commit_callbacks
):
    a_l_etude = orienter(o)
    acceptee = orienter(o, o.location)
    services.changer_statut(a_l_etude, vers="a_l_etude", cote="structure", acteur=o.accueil)
    services.changer_statut(acceptee, vers="acceptee", cote="structure", par_lien=True)
    mail.outbox.clear()
    avancer(horloge, days=10)
    suivre(django_capture_on_commit_callbacks)
    assert [message.subject for message in mail.outbox] == ["Relance : orientation vers « Atelier CV » sans réponse"]


def test_la_relance_par_lien_porte_le_lien_signe(o, horloge, django_capture_on_commit_callbacks):
    orienter(o, o.location)
    avancer(horloge, days=10)
    suivre(django_capture_on_commit_callbacks)
    (relance,) = mail.outbox
    assert relance.to == ["location@garage-solidaire.fr"] and "/orientations-service/reponse/" in relance.body


def test_sans_reponse_a_30_jours_l_orientation_expire_une_fois(o, horloge, django_capture_on_commit_callbacks):
    orientation = orienter(o)
    avancer(horloge, days=30, seconds=-1)
    suivre(django_capture_on_commit_callbacks)
    orientation.refresh_from_db()
    assert orientation.statut == "envoyee"
    mail.outbox.clear()
    avancer(horloge, seconds=1)
    suivre(django_capture_on_commit_callbacks)
    orientation.refresh_from_db()
    assert orientation.statut == "expiree"
    transition = orientation.transitions.last()
    assert (transition.de, transition.vers, transition.acteur, transition.par_lien) == (
        "envoyee",
        "expiree",
        None,
        False,
    )
    evenement = o.carnet.evenements.filter(type=EvenementCarnet.Type.ORIENTATION_SERVICE_STATUT).get()
    assert evenement.resume == "Atelier CV — expirée (sans réponse en 30 jours)" and evenement.acteur == o.referente
    assert Action.objects.get(pk=orientation.action_id).statut == Action.Statut.ABANDONNEE
    (courriel,) = courriels_a(o.referente.email)
    assert courriel.subject == "Orientation vers « Atelier CV » : expirée (sans réponse)"
    assert "la structure n'a pas répondu en 30 jours" in courriel.body
    avant = (orientation.transitions.count(), EvenementCarnet.objects.count(), len(mail.outbox))
    avancer(horloge, days=1)
    suivre(django_capture_on_commit_callbacks)
    assert (orientation.transitions.count(), EvenementCarnet.objects.count(), len(mail.outbox)) == avant


def test_une_orientation_qui_a_recu_sa_reponse_n_expire_pas(o, horloge, django_capture_on_commit_callbacks):
    orientation = orienter(o)
    services.changer_statut(orientation, vers="acceptee", cote="structure", acteur=o.accueil)
    avancer(horloge, days=45)
    suivre(django_capture_on_commit_callbacks)
    orientation.refresh_from_db()
    assert orientation.statut == "acceptee"


# --- Le point de situation ----------------------------------------------------------------------------------


def test_le_point_de_situation_signale_l_orientation_sans_reponse_apres_10_jours(o, horloge):
    orientation = orienter(o)
    repondue = orienter(o, o.location)
    services.changer_statut(repondue, vers="refusee", cote="structure", par_lien=True, motif="non_mobile")
    aujourd_hui = MAINTENANT.date()
    assert not point_de_situation.orientations_service_sans_reponse(aujourd_hui.replace(day=12))
    services.changer_statut(orientation, vers="a_l_etude", cote="structure", acteur=o.accueil)
    point_de_situation.calculer(aujourd_hui=aujourd_hui.replace(day=13))
    element = ElementATraiter.objects.get(regle=ElementATraiter.Regle.ORIENTATION_SERVICE_SANS_REPONSE)
    assert element.carnet == o.carnet and element.referent == o.referente and element.organisation == o.departement
    assert element.echeance == aujourd_hui.replace(month=4, day=1)
    assert element.detail == (
        "Atelier CV (Relais Emploi Landes) : envoyée le 02/03/2026, sans réponse depuis 11 jours (à l'étude)"
    )


def test_le_point_de_situation_compte_les_orientations_en_une_requete(o, django_assert_num_queries):
    orienter(o)
    orienter(o, o.location)
    with django_assert_num_queries(1):
        elements = point_de_situation.orientations_service_sans_reponse(MAINTENANT.date().replace(day=20))
    assert len(elements) == 2


def test_l_element_mene_a_l_onglet_des_orientations(o, client, connecter):
    orienter(o)
    point_de_situation.calculer(aujourd_hui=MAINTENANT.date().replace(day=20))
    connecter(o.referente)
    page = client.get(reverse("parcours:a_traiter")).content.decode()
    assert "Orientation vers un service sans réponse" in page
    assert f"{reverse('parcours:carnet', args=[o.carnet.uuid])}?onglet=offre" in page


# --- Les heures d'activité -----------------------------------------------------------------------------------


def test_les_heures_retenues_sont_celles_des_orientations_acceptees_ou_commencees(o):
    from tests.offre import fabriques

    acceptee = orienter(o)
    entree = orienter(o, o.location)
    services.changer_statut(acceptee, vers="acceptee", cote="structure", acteur=o.accueil)
    services.changer_statut(entree, vers="acceptee", cote="structure", par_lien=True)
    services.changer_statut(entree, vers="entree", cote="prescripteur", acteur=o.referente)
    for heures, statut in [("3", None), ("2", "refusee"), ("8", "terminee")]:
        service = fabriques.service(o.structure, volume_horaire_hebdomadaire=Decimal(heures))
        orientation = orienter(o, service)
        if statut == "refusee":
            services.changer_statut(orientation, vers="refusee", cote="structure", acteur=o.accueil, motif="doublon")
        elif statut == "terminee":
            for vers in ("acceptee", "entree", "terminee"):
                services.changer_statut(orientation, vers=vers, cote="structure", acteur=o.accueil)
    assert regles.heures_retenues(o.carnet) == Decimal("10.5")  # 6 (acceptée) + 4,5 (entrée)


def test_les_heures_sont_nulles_sans_orientation_retenue(o):
    orienter(o)
    assert regles.heures_retenues(o.carnet) == 0


def test_le_carnet_montre_l_activite_prevue_face_au_contrat(o, client, connecter):
    carnet_services.enregistrer_contrat(
        o.carnet, acteur=o.referente, date_debut=MAINTENANT.date(), signataires="Inès Lalanne", heures_hebdomadaires=15
    )
    orientation = orienter(o, o.location)
    services.changer_statut(orientation, vers="acceptee", cote="structure", par_lien=True)
    connecter(o.referente)
    page = " ".join(
        client.get(reverse("parcours:carnet", args=[o.carnet.uuid]) + "?onglet=offre").content.decode().split()
    )
    assert (
        "Activité prévue : <strong>4,5 h par semaine</strong> — l'objectif du contrat d'engagement est de 15 h" in page
    )


# --- Chercher un service pour la personne --------------------------------------------------------------------

RECHERCHE = "parcours:carnet_offre"


@pytest.fixture
def avec_diagnostic(o):
    diagnostic_valide(
        o.carnet,
        o.referente,
        mobilite={"appreciation": "besoin", "impact": "fort"},
        sante={"appreciation": "besoin", "impact": "moyen"},
        emploi={"appreciation": "point_fort"},
    )
    return o


def test_la_recherche_part_de_la_commune_et_des_besoins_de_la_personne(avec_diagnostic, client, connecter):
    o = avec_diagnostic
    connecter(o.referente)
    reponse = client.get(reverse(RECHERCHE, args=[o.carnet.uuid]))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert reponse.context["formulaire"].cleaned_data["commune"] == "40192"
    assert "Besoin : Mobilité" in page and "Besoin : Santé" in page and "Besoin : Emploi" not in page
    assert ConsultationCarnet.objects.filter(utilisateur=o.referente, onglet="offre_recherche").exists()


def test_un_besoin_cherche_les_categories_qui_y_repondent(avec_diagnostic, client, connecter):
    o = avec_diagnostic
    connecter(o.referente)
    reponse = client.get(reverse(RECHERCHE, args=[o.carnet.uuid]), {"besoin": "mobilite"})
    services_trouves = [resultat.service for resultat in reponse.context["page"].object_list]
    assert services_trouves == [o.location]
    page = reponse.content.decode()
    nouvelle = reverse("parcours:orientation_service_nouvelle", args=[o.carnet.uuid])
    assert f'href="{nouvelle}?service={o.location.uuid}"' in page
    assert 'aria-current="true">Besoin : Mobilité</a>' in page


def test_chaque_session_qui_a_des_places_a_son_bouton(o, client, connecter):
    connecter(o.referente)
    reponse = client.get(reverse(RECHERCHE, args=[o.carnet.uuid]), {"texte": "atelier"})
    page = reponse.content.decode()
    nouvelle = reverse("parcours:orientation_service_nouvelle", args=[o.carnet.uuid])
    assert f"{nouvelle}?service={o.atelier.uuid}&amp;session={o.session.uuid}" in page
    assert "Orienter vers la session du 16/03" in page


def test_la_sante_n_est_proposee_qu_aux_intervenants(avec_diagnostic, client, connecter):
    """L'administrateur d'une organisation qui partage le carnet le modifie, sans voir les données de santé."""
    o = avec_diagnostic
    connecter(membre(o.departement, Role.ADMINISTRATEUR).utilisateur)
    page = client.get(reverse(RECHERCHE, args=[o.carnet.uuid])).content.decode()
    assert "Besoin : Mobilité" in page and "Besoin : Santé" not in page


def test_la_recherche_en_htmx_rend_le_seul_fragment(o, client, connecter):
    connecter(o.referente)
    reponse = client.get(reverse(RECHERCHE, args=[o.carnet.uuid]), {"texte": "voiture"}, headers={"HX-Request": "true"})
    page = reponse.content.decode()
    assert 'id="resultats-offre"' in page
    assert "<h1>" not in page and "Location de voiture à 1 euro" in page


@pytest.mark.parametrize(("qui", "statut"), [("collegue_ft", 403), ("accueil", 404), ("etranger", 404)])
def test_seul_qui_modifie_le_carnet_cherche_pour_la_personne(o, client, connecter, qui, statut):
    connecter(getattr(o, qui))
    assert client.get(reverse(RECHERCHE, args=[o.carnet.uuid])).status_code == statut
    assert not ConsultationCarnet.objects.filter(onglet="offre_recherche").exists()


def test_une_orientation_expiree_n_est_plus_sans_reponse(o, horloge, django_capture_on_commit_callbacks):
    orientation = orienter(o)
    avancer(horloge, days=31)
    suivre(django_capture_on_commit_callbacks)
    assert not OrientationService.objects.en_attente_de_reponse().filter(pk=orientation.pk).exists()
    assert not point_de_situation.orientations_service_sans_reponse(MAINTENANT.date().replace(month=4, day=5))


# Session, utilisateur, appartenances, second facteur, organisation courante ; le carnet et le droit de le modifier ;
# le diagnostic et ses besoins ; la consultation journalisée ; la recherche (candidats, à distance, page, sessions) ;
# la navigation ; les sections sensibles montrées, consignées avec la consultation (issue 11 : droit de voir le
# sensible, besoins de santé du dernier diagnostic). Le même nombre à 1 et à 30 services trouvés.
NOMBRE_RECHERCHE_CARNET = 20


@pytest.mark.parametrize("taille", [1, 30])
def test_la_recherche_du_carnet_a_un_nombre_de_requetes_fixe(
    avec_diagnostic, client, connecter, taille, django_assert_num_queries
):
    o = avec_diagnostic
    for rang in range(taille):
        service = fabriques.service(nom=f"Auto-école {rang:02d}", thematiques=["mobilite--preparer-un-permis"])
        fabriques.session(service)
    connecter(o.referente)
    url = reverse(RECHERCHE, args=[o.carnet.uuid])
    client.get(url, {"besoin": "mobilite"})
    with django_assert_num_queries(NOMBRE_RECHERCHE_CARNET):
        reponse = client.get(url, {"besoin": "mobilite"})
    assert len(reponse.context["resultats"]) == taille + 1  # et la location de voiture du garage, en mobilité
