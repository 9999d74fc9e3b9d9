"""Nombre de requêtes SQL des pages des scénarios de charge (issue 12) qui n'étaient pas encore épinglées : les onglets
du carnet vus par le référent, l'enregistrement d'une note, la liste « mes carnets » en page profonde et pour une
organisation avec laquelle beaucoup de carnets sont partagés. Chaque page coûte le même nombre de requêtes avec peu
et beaucoup de données (1 et 30 intervenants, rendez-vous, notes, statuts, événements ; 30 et 80 carnets).

Les autres pages des scénarios sont épinglées à côté de leur code : onglet diagnostic
(parcours/test_diagnostic_comparaison.py), plan (parcours/test_plan_d_action.py), orientations vers un service
(parcours/test_orientation_service_transitions.py), recherche dans l'offre (offre/test_recherche_vues.py,
parcours/test_orientation_service_suivi.py), première page de « mes carnets » (parcours/test_mes_carnets.py),
indicateurs (gouvernance/test_indicateurs_page.py), espace de la personne (parcours/test_espace_carnet.py)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours import services
from parcours.models import Note
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db


def _ouvrir(referente, departement, numero):
    return services.ouvrir_carnet(
        acteur=referente,
        organisation=departement,
        nom=f"Nom{numero:03d}",
        prenom="Alex",
        date_naissance=date(1980, 1, 1),
    )


@pytest.fixture
def departement():
    return OrganisationFactory(nom="Département")


@pytest.fixture
def referente(departement):
    return membre(departement, prenom="Claire", nom="Duprat").utilisateur


def _remplir(carnet, referente, departement, taille):
    """`taille` intervenants (chacun de sa propre organisation, qui reçoit le partage), rendez-vous passés et à
    venir, notes, changements de statut ; chaque ajout écrit aussi son événement dans l'historique."""
    for numero in range(taille):
        partenaire = OrganisationFactory(nom=f"Partenaire {numero}")
        collegue = membre(partenaire, prenom=f"Prénom{numero}", nom=f"Collègue{numero}").utilisateur
        services.ajouter_intervenant(carnet, acteur=referente, utilisateur=collegue, organisation=partenaire)
        services.prevoir_rendez_vous(
            carnet,
            acteur=referente,
            intervenant=referente,
            date_heure=timezone.now() + timedelta(days=numero - taille // 2, hours=1),
            objet=f"Entretien {numero}",
            lieu="Agence",
        )
        services.ajouter_note(
            carnet,
            acteur=referente,
            organisation=departement,
            texte=f"Note {numero}",
            visibilite=Note.Visibilite.GROUPE,
        )
        services.changer_statut(
            carnet,
            acteur=referente,
            type="deld",
            valeur="oui" if numero % 2 == 0 else "non",
            date_debut=date(2025, 1, 1) + timedelta(days=numero),
        )


# La page du carnet : session, compte, second facteur, membre courant, carnet et partage, consultation notée,
# en-tête (intervenants, droits, prochain rendez-vous, statuts en cours, orientation, suivi) ; puis l'onglet.
ONGLETS = {
    "situation": 15,
    "orientation": 20,
    "rendez_vous": 15,
    "notes": 16,
    "groupe": 30,  # état de l'espace, oppositions, raisons du partage, conservation
    "procedures": 16,
    "historique": 15,
}


@pytest.mark.parametrize("taille", [1, 30])
@pytest.mark.parametrize("onglet", list(ONGLETS))
def test_chaque_onglet_du_carnet_a_le_meme_nombre_de_requetes_a_1_et_30(
    client, connecter, departement, referente, taille, onglet, django_assert_num_queries
):
    carnet = _ouvrir(referente, departement, 1)
    _remplir(carnet, referente, departement, taille)
    connecter(referente)
    url = f"{reverse('parcours:carnet', args=[carnet.uuid])}?onglet={onglet}"
    client.get(url)  # session et second facteur déjà en place
    with django_assert_num_queries(ONGLETS[onglet]):
        reponse = client.get(url)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    if onglet == "notes":
        assert f"Note {taille - 1}" in page
    elif onglet == "rendez_vous":
        assert f"Entretien {taille - 1}" in page
    elif onglet == "groupe":
        assert f"COLLÈGUE{taille - 1}" in page.upper()


NOTE_AJOUTEE = 18  # droits, visibilités permises, verrou, note, événement, message, session


@pytest.mark.parametrize("taille", [1, 30])
def test_enregistrer_une_note_a_le_meme_nombre_de_requetes_a_1_et_30(
    client, connecter, departement, referente, taille, django_assert_num_queries
):
    carnet = _ouvrir(referente, departement, 1)
    _remplir(carnet, referente, departement, taille)
    connecter(referente)
    client.get(reverse("parcours:carnet", args=[carnet.uuid]))
    donnees = {"texte": "Entretien du jour", "visibilite": Note.Visibilite.GROUPE}
    with django_assert_num_queries(NOTE_AJOUTEE):
        reponse = client.post(reverse("parcours:note_ajouter", args=[carnet.uuid]), donnees)
    assert reponse.status_code == 302
    assert carnet.notes.count() == taille + 1


MES_CARNETS = 8  # comme la première page au retour sur la liste (parcours/test_mes_carnets.py : référents en cache)


@pytest.mark.parametrize(("taille", "page"), [(30, 2), (80, 4)])
def test_la_derniere_page_de_mes_carnets_a_le_meme_nombre_de_requetes(
    client, connecter, departement, referente, taille, page, django_assert_num_queries
):
    for numero in range(taille):
        _ouvrir(referente, departement, numero)
    connecter(referente)
    client.get(reverse("parcours:mes_carnets"))
    with django_assert_num_queries(MES_CARNETS):
        reponse = client.get(reverse("parcours:mes_carnets"), {"page": page})
    assert reponse.context["page"].number == page
    assert len(reponse.context["page"].object_list) == 5  # 30 = 25 + 5 ; 80 = 3 × 25 + 5


@pytest.mark.parametrize("taille", [1, 30])
def test_mes_carnets_d_une_organisation_qui_partage_beaucoup_a_le_meme_nombre_de_requetes(
    client, connecter, departement, referente, taille, django_assert_num_queries
):
    """Le professionnel d'une organisation avec laquelle les carnets sont partagés, sans en être référent."""
    partenaire = OrganisationFactory(nom="France Travail")
    conseiller = membre(partenaire).utilisateur
    collegue = membre(partenaire).utilisateur
    for numero in range(taille):
        carnet = _ouvrir(referente, departement, numero)
        services.ajouter_intervenant(carnet, acteur=referente, utilisateur=collegue, organisation=partenaire)
    connecter(conseiller)
    client.get(reverse("parcours:mes_carnets"))
    with django_assert_num_queries(MES_CARNETS):
        reponse = client.get(reverse("parcours:mes_carnets"))
    assert reponse.context["page"].paginator.count == taille
