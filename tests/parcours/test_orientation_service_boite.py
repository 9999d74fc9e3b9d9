"""La boîte de réception des structures : les orientations reçues (sans réponse d'abord, puis les plus anciennes),
le dossier transmis (jamais le carnet), les réponses ; réservée aux membres de l'organisation de la structure."""

from datetime import timedelta

import pytest
from django.urls import reverse

from parcours.models import ConsultationCarnet, OrientationService
from parcours.orientation_service import services
from partenaires import services as partenaires_services
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.offre import fabriques
from tests.parcours import outils_orientation_service as outils
from tests.parcours.outils_orientation_service import CV, MAINTENANT, avancer, orienter

o = outils.o
horloge = outils.horloge

pytestmark = pytest.mark.django_db

BOITE = reverse("parcours:orientations_recues")


def url_recue(orientation, action=""):
    nom = "parcours:orientation_recue_repondre" if action else "parcours:orientation_recue"
    return reverse(nom, args=[orientation.uuid])


def test_les_membres_de_la_structure_voient_les_orientations_recues(o, client, connecter, horloge):
    premiere = orienter(o)
    avancer(horloge, days=3)
    autre_service = fabriques.service(o.structure, nom="Job dating", thematiques=[CV])
    seconde = orienter(o, autre_service)
    orienter(o, o.location)  # le garage n'est pas une structure du Relais
    connecter(o.collegue_relais)
    reponse = client.get(BOITE)
    assert reponse.status_code == 200
    assert list(reponse.context["page"].object_list) == [premiere, seconde]
    page = " ".join(reponse.content.decode().split())
    assert "LALANNE Inès" in page and "orientée par Claire Duprat (Département des Landes)" in page
    assert "27 jours pour répondre" in page and "30 jours pour répondre" in page
    assert "Location de voiture" not in page


def test_sans_reponse_d_abord_puis_les_plus_anciennes(o, client, connecter, horloge):
    ancienne_acceptee = orienter(o)
    services.changer_statut(ancienne_acceptee, vers="acceptee", cote="structure", acteur=o.accueil)
    avancer(horloge, days=1)
    job = orienter(o, fabriques.service(o.structure, nom="Job dating", thematiques=[CV]))
    avancer(horloge, days=1)
    atelier = orienter(o, fabriques.service(o.structure, nom="Atelier numérique", thematiques=[CV]))
    services.changer_statut(atelier, vers="a_l_etude", cote="structure", acteur=o.accueil)
    connecter(o.accueil)
    assert list(client.get(BOITE).context["page"].object_list) == [job, atelier, ancienne_acceptee]
    filtree = client.get(BOITE, {"statut": "acceptee"})
    assert list(filtree.context["page"].object_list) == [ancienne_acceptee]
    assert list(client.get(BOITE, {"statut": "inconnu"}).context["page"].object_list) == [
        job,
        atelier,
        ancienne_acceptee,
    ]


def test_le_filtre_htmx_rend_le_seul_fragment(o, client, connecter):
    orienter(o)
    connecter(o.accueil)
    reponse = client.get(BOITE, {"statut": "envoyee"}, headers={"HX-Request": "true"})
    page = reponse.content.decode()
    assert "<table>" in page and "<h1>" not in page


@pytest.mark.parametrize("qui", ["referente", "conseiller", "etranger", "pilote"])
def test_qui_ne_tient_pas_de_structure_a_une_boite_vide(o, client, connecter, qui):
    """Le pilote du territoire modère le catalogue, mais ne reçoit pas les dossiers des personnes orientées."""
    o.pilote = membre(OrganisationFactory(nom="Département pilote", departement="40"), Role.PILOTE).utilisateur
    orientation = orienter(o)
    connecter(getattr(o, qui))
    page = client.get(BOITE).content.decode()
    assert "ne tient encore aucune structure" in page and orientation.dossier["identite"]["nom"].upper() not in page
    assert client.get(url_recue(orientation)).status_code == 404
    assert client.post(url_recue(orientation, "repondre"), {"statut": "acceptee"}).status_code == 404
    assert OrientationService.objects.get().statut == "envoyee"


def test_le_membre_d_une_autre_structure_ne_voit_pas_l_orientation(o, client, connecter):
    orientation = orienter(o)
    autre = OrganisationFactory(nom="Mission locale", type="mission_locale")
    fabriques.structure(organisation=autre)
    connecter(membre(autre).utilisateur)
    assert client.get(BOITE).status_code == 200
    assert client.get(url_recue(orientation)).status_code == 404


def test_un_membre_desactive_perd_la_boite(o, client, connecter):
    orientation = orienter(o)
    connecter(o.accueil)
    assert client.get(url_recue(orientation)).status_code == 200
    administratrice = membre(o.relais, Role.ADMINISTRATEUR).utilisateur
    partenaires_services.desactiver_membre(o.accueil.membres.get(), acteur=administratrice, motif="Départ")
    assert client.get(url_recue(orientation)).status_code in (403, 404)
    assert client.get(BOITE).status_code == 403


def test_le_dossier_se_lit_sans_le_carnet_et_la_lecture_est_journalisee(o, client, connecter):
    orientation = orienter(o, session=o.session, message="Préfère les matinées.")
    connecter(o.accueil)
    reponse = client.get(url_recue(orientation))
    assert reponse.status_code == 200
    page = " ".join(reponse.content.decode().split())
    assert "Inès LALANNE" in page and "Préfère les matinées." in page
    assert "Atelier CV – Atelier CV collectif du 16/03/2026 à 09:00" in page
    assert "À traiter avant le 1 avril 2026 (30 jours)" in page
    assert 'value="acceptee"' in page and 'name="motif"' in page
    consultation = ConsultationCarnet.objects.get(utilisateur=o.accueil)
    assert consultation.onglet == "orientation_service_dossier" and consultation.organisation == o.relais
    assert client.get(reverse("parcours:carnet", args=[o.carnet.uuid])).status_code == 404


def test_repondre_depuis_la_boite(o, client, connecter):
    orientation = orienter(o)
    connecter(o.accueil)
    reponse = client.post(url_recue(orientation, "repondre"), {"statut": "a_l_etude"}, follow=True)
    assert "Orientation vers « Atelier CV » : à l&#x27;étude." in reponse.content.decode()
    reponse = client.post(
        url_recue(orientation, "repondre"),
        {"statut": "refusee", "motif": "autre", "commentaire": "Plus de places cette année"},
        follow=True,
    )
    orientation.refresh_from_db()
    assert (orientation.statut, orientation.motif_refus) == ("refusee", "autre")
    page = " ".join(reponse.content.decode().split())
    assert "Cette orientation est close : il n'y a plus rien à répondre." in page
    assert "« Plus de places cette année »" in page and f"par {o.accueil}" in page


def test_une_reponse_impossible_le_dit_sans_rien_ecrire(o, client, connecter):
    orientation = orienter(o)
    connecter(o.accueil)
    reponse = client.post(url_recue(orientation, "repondre"), {"statut": "terminee"}, follow=True)
    assert "Une orientation envoyée ne peut pas passer à « terminée » de votre côté." in reponse.content.decode()
    assert orientation.transitions.count() == 1


def test_le_carnet_partage_par_ailleurs_avec_la_structure_reste_visible(o, client, connecter):
    """La structure ne voit pas le carnet du fait de l'orientation ; s'il lui est partagé (elle accompagne la
    personne), elle le voit comme tout partenaire du groupe de suivi."""
    from parcours import services as carnet_services

    orienter(o)
    carnet_services.ajouter_intervenant(o.carnet, acteur=o.referente, utilisateur=o.accueil, organisation=o.relais)
    connecter(o.accueil)
    assert client.get(reverse("parcours:carnet", args=[o.carnet.uuid])).status_code == 200


@pytest.mark.parametrize("taille", [1, 30])
def test_la_boite_a_un_nombre_de_requetes_fixe(o, client, connecter, taille, django_assert_num_queries):
    for numero in range(taille):
        service = fabriques.service(o.structure, nom=f"Service {numero}", thematiques=[CV])
        session = fabriques.session(service, debut=MAINTENANT + timedelta(days=3)) if numero % 2 else None
        orientation = orienter(o, service, session=session)
        if numero % 3 == 0:
            services.changer_statut(orientation, vers="acceptee", cote="structure", acteur=o.accueil)
    connecter(o.accueil)
    client.get(BOITE)
    with django_assert_num_queries(NOMBRE_DE_REQUETES):
        reponse = client.get(BOITE)
    assert reponse.context["page"].paginator.count == taille


NOMBRE_DE_REQUETES = 9  # session, utilisateur, second facteur, organisation courante, accès, compte, page, menu,
# « tient-on une structure ? » (pour expliquer une boîte vide)
