"""La page d'une séance (en-tête, ordre du jour, validations, convocation, boutons selon le rôle) et les séances d'un
comité (pour la page du comité) : ce que chacun voit, en un nombre de requêtes qui ne dépend pas du nombre de points
ni de séances."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from gouvernance.choix import StatutSeance, TypePoint
from gouvernance.seances import contexte as contexte_seances
from gouvernance.seances import services
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques


@pytest.fixture
def equipe(db):
    return fabriques.equipe_comite()


@pytest.fixture
def seance(equipe):
    seance = fabriques.seance(
        equipe.comite,
        cree_par=equipe.secretaire,
        lieu="Préfecture, salle Borda",
        lien_visio="https://visio.gouv.fr/cde",
    )
    fiche = fabriques.fiche(equipe.consortium, equipe.departement, titre="Garage solidaire du Marsan")
    fabriques.point(seance, "Installation du comité", duree_minutes=15, description="Tour de table des membres.")
    fabriques.point(seance, "Garage solidaire", type=TypePoint.SUIVI_FICHE, fiche_action=fiche, duree_minutes=30)
    return seance


def _page(client, seance) -> str:
    reponse = client.get(reverse("gouvernance:seance", args=[seance.uuid]))
    assert reponse.status_code == 200
    return " ".join(html.unescape(strip_tags(reponse.content.decode())).split())


def test_un_membre_du_comite_voit_l_en_tete_et_l_ordre_du_jour_sans_bouton(client, connecter, equipe, seance):
    connecter(equipe.professionnel_caf)
    page = _page(client, seance)
    assert "Comité départemental pour l'emploi – Consortium SPIE des Landes" in page
    assert "En préparation" in page and "Préfecture, salle Borda" in page and "Rejoindre la visioconférence" in page
    assert "Installation du comité" in page and "Tour de table des membres." in page
    assert "Suivi d'une fiche action" in page and "Fiche 1 – Garage solidaire du Marsan" in page
    assert "Durée prévue : 45 minutes." in page
    assert "Pierre Préfet" in page and "voix prépondérante" in page and "Paule Présidente" in page
    for bouton in ("Ajouter un point", "Modifier la date et le lieu", "Valider l'ordre du jour", "Retirer"):
        assert bouton not in page


def test_le_secretaire_compose_l_ordre_du_jour_et_envoie_la_convocation_une_fois_validee(
    client, connecter, equipe, seance
):
    connecter(equipe.secretaire)
    page = _page(client, seance)
    assert "Ajouter un point" in page and "Modifier la date et le lieu" in page
    assert "Monter le point 2" in page and "Descendre le point 1" in page and "Retirer le point 1" in page
    assert "Monter le point 1" not in page and "Descendre le point 2" not in page
    assert "Elle ira à 7 personnes" in page and "Envoyer la convocation" not in page
    for copresidence in (equipe.copresidences.etat, equipe.copresidences.departement):
        services.valider_ordre_du_jour(seance, acteur=copresidence.utilisateur, copresidence=copresidence)
    page = _page(client, seance)
    assert "Ordre du jour validé" in page and "Envoyer la convocation" in page
    assert "Modifier l'ordre du jour efface les validations des co-présidents" in page


def test_le_copresident_voit_le_bouton_de_validation_tant_qu_il_n_a_pas_valide(client, connecter, equipe, seance):
    connecter(equipe.prefet)
    assert "Valider l'ordre du jour" in _page(client, seance)
    assert "Ajouter un point" not in _page(client, seance)
    services.valider_ordre_du_jour(seance, acteur=equipe.prefet, copresidence=equipe.copresidences.etat)
    assert "Valider l'ordre du jour" not in _page(client, seance)


def test_une_organisation_sans_siege_ne_voit_pas_la_seance(client, connecter, seance):
    connecter(
        membre(OrganisationFactory(nom="Association sans siège", departement="40"), Role.ADMINISTRATEUR).utilisateur
    )
    assert client.get(reverse("gouvernance:seance", args=[seance.uuid])).status_code == 404


def _mesurer(client, seance) -> int:
    with CaptureQueriesContext(connection) as requetes:
        _page(client, seance)
    return len(requetes.captured_queries)


def _points(seance, fiche, nombre):
    for rang in range(nombre):
        fabriques.point(seance, f"Point {rang}", fiche_action=None if rang % 2 else fiche, duree_minutes=10)


@pytest.mark.parametrize("statut", [StatutSeance.PREPARATION, StatutSeance.CONVOQUEE])
@pytest.mark.parametrize("utilisateur", ["secretaire", "prefet", "professionnel_caf"])
def test_la_page_de_la_seance_coute_autant_de_requetes_a_1_et_a_30_points(
    client, connecter, equipe, django_assert_num_queries, statut, utilisateur
):
    fiche = fabriques.fiche(equipe.consortium, equipe.departement)
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=statut)
    _points(seance, fiche, 1)
    connecter(getattr(equipe, utilisateur))
    _page(client, seance)  # sessions et caches chauds
    pour_un = _mesurer(client, seance)
    _points(seance, fiche, 29)
    with django_assert_num_queries(pour_un):
        _page(client, seance)


# --- Les séances du comité (pour la page du comité) ---------------------------------------------


def _seances_du_comite(equipe, utilisateur) -> str:
    contexte = contexte_seances.contexte_comite(equipe.comite, utilisateur)
    rendu = render_to_string("gouvernance/seances/includes/seances_du_comite.html", contexte)
    return " ".join(html.unescape(rendu).split())


def test_le_comite_montre_ses_seances_a_venir_et_passees(equipe, seance):
    passee = fabriques.seance(
        equipe.comite,
        cree_par=equipe.secretaire,
        statut=StatutSeance.CLOTUREE,
        dans_jours=-90,
        lieu="Hôtel du Département",
        cloturee_le=timezone.now(),
    )
    contexte = contexte_seances.contexte_comite(equipe.comite, equipe.professionnel_caf)["seances_du_comite"]
    assert (contexte["a_venir"], contexte["passees"]) == ([seance], [passee])
    rendu = _seances_du_comite(equipe, equipe.professionnel_caf)
    assert reverse("gouvernance:seance", args=[seance.uuid]) in rendu and "2 points" in rendu
    assert reverse("gouvernance:seance", args=[passee.uuid]) in rendu and "Clôturée" in rendu
    assert "Nouvelle séance" not in rendu


def test_seul_le_secretaire_a_le_bouton_nouvelle_seance(equipe):
    url = reverse("gouvernance:seance_creer", args=[equipe.comite.uuid])
    assert url in _seances_du_comite(equipe, equipe.secretaire)
    for autre in (equipe.pilote, equipe.prefet, equipe.professionnel_caf):
        assert url not in _seances_du_comite(equipe, autre)


def test_une_seance_commencee_est_passee_celle_de_demain_est_a_venir(equipe):
    commencee = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE)
    commencee.date = timezone.now() - timedelta(hours=1)
    commencee.save(update_fields=["date"])
    bientot = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, dans_jours=1)
    contexte = contexte_seances.contexte_comite(equipe.comite, equipe.secretaire)["seances_du_comite"]
    assert (contexte["a_venir"], contexte["passees"]) == ([bientot], [commencee])


def test_les_seances_du_comite_coutent_autant_de_requetes_a_1_et_a_30_seances(equipe, django_assert_num_queries):
    fabriques.seance(equipe.comite, cree_par=equipe.secretaire)
    with CaptureQueriesContext(connection) as pour_une:
        _seances_du_comite(equipe, equipe.secretaire)
    for jours in range(-15, 14):
        fabriques.seance(equipe.comite, cree_par=equipe.secretaire, dans_jours=jours or 20)
    with django_assert_num_queries(len(pour_une.captured_queries)):
        _seances_du_comite(equipe, equipe.secretaire)


def test_les_contextes_inclus_ne_masquent_pas_celui_de_la_page(equipe, seance):
    """La page fusionne les contextes de la tenue (délibération) et des documents (comptes rendus) : une clé commune
    doit désigner la même chose, sinon l'une des deux inclusions afficherait les données de l'autre."""
    from gouvernance.comptes_rendus.contexte import contexte_documents
    from gouvernance.deliberation.contexte import contexte_tenue

    for statut in (StatutSeance.PREPARATION, StatutSeance.CONVOQUEE):
        seance.statut = statut
        page = contexte_seances.contexte_seance(seance, equipe.secretaire)
        for inclus in (contexte_tenue(seance, equipe.secretaire), contexte_documents(seance, equipe.secretaire)):
            communes = {cle for cle in set(inclus) & set(page) if inclus[cle] != page[cle]}
            assert not communes, f"clés masquées : {communes}"


def test_le_lien_vers_la_fiche_action_n_est_donne_qu_a_qui_voit_le_plan_d_actions(client, connecter, equipe, seance):
    fiche = seance.points.get(titre="Garage solidaire").fiche_action
    url_fiche = reverse("gouvernance:fiche", args=[fiche.uuid])
    connecter(equipe.professionnel_caf)  # la CAF est membre du consortium
    assert url_fiche in client.get(reverse("gouvernance:seance", args=[seance.uuid])).content.decode()
    invitee = OrganisationFactory(nom="Chambre de commerce des Landes", departement="40")
    fabriques.siege(equipe.comite, invitee, voix="consultative")  # siège au comité sans être membre du consortium
    connecter(membre(invitee, Role.PROFESSIONNEL).utilisateur)
    contenu = client.get(reverse("gouvernance:seance", args=[seance.uuid])).content.decode()
    assert "Garage solidaire du Marsan" in contenu and url_fiche not in contenu
