"""Demander une orientation, une réorientation : qui peut, ce qui est partagé, une seule demande ouverte."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parcours import permissions as regles_carnet
from parcours import services as carnet_services
from parcours.models import DemandeOrientation, EvenementCarnet
from parcours.orientation import services
from tests.parcours import outils_orientation

pytestmark = pytest.mark.django_db
AUJOURD_HUI = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _date_figee():
    with time_machine.travel(AUJOURD_HUI, tick=False):
        yield


@pytest.fixture
def t():
    return outils_orientation.territoire()


def test_un_professionnel_de_l_organisation_qui_oriente_ajoute_au_groupe_modifie_le_carnet(t):
    """La lecture donnée à la file devient un partage complet quand un de ses professionnels rejoint le groupe."""
    t.demander(date(2026, 3, 2))
    assert not regles_carnet.can_edit_carnet(t.charge, t.carnet)
    carnet_services.ajouter_intervenant(t.carnet, acteur=t.referente, utilisateur=t.charge, organisation=t.departement)
    assert regles_carnet.can_edit_carnet(t.charge, t.carnet)


def test_la_demande_va_dans_la_file_du_departement_qui_lit_le_carnet_sans_le_modifier(t):
    assert not regles_carnet.can_view_carnet(t.charge, t.carnet)
    demande = t.demander(date(2026, 3, 2))
    assert demande.statut == DemandeOrientation.Statut.EN_ATTENTE
    assert demande.organisation_demandeuse == t.ccas
    assert demande.date_limite == date(2026, 4, 13)
    assert regles_carnet.can_view_carnet(t.charge, t.carnet)
    assert not regles_carnet.can_edit_carnet(t.charge, t.carnet)
    evenement = t.carnet.evenements.filter(type=EvenementCarnet.Type.ORIENTATION_DEMANDEE).get()
    assert "au plus tard le 13/04/2026" in evenement.resume


def test_une_seule_demande_ouverte_par_carnet(t):
    t.demander(date(2026, 3, 2))
    with pytest.raises(ValidationError, match="déjà ouverte"):
        t.demander(date(2026, 3, 3), motif="premiere_orientation")
    assert DemandeOrientation.objects.count() == 1


def test_la_date_de_reception_ne_peut_pas_etre_dans_le_futur(t):
    with pytest.raises(ValidationError, match="futur") as erreur:
        t.demander(date(2026, 3, 17))
    assert "date_reception" in erreur.value.error_dict
    assert not DemandeOrientation.objects.exists()
    assert not regles_carnet.can_view_carnet(t.charge, t.carnet)


def test_seule_une_organisation_qui_oriente_du_territoire_recoit_la_demande(t):
    for organisation in (t.france_travail, t.pyrenees):  # ni Département ni chargé d'orientation ; autre territoire
        with pytest.raises(ValidationError) as erreur:
            services.demander_orientation(
                t.carnet,
                acteur=t.referente,
                organisation_orientation=organisation,
                motif="entree_rsa",
                date_reception=AUJOURD_HUI,
            )
        assert "organisation_orientation" in erreur.value.error_dict
    assert not DemandeOrientation.objects.exists()


def test_un_collegue_qui_ne_peut_pas_modifier_le_carnet_ne_demande_pas(t):
    with pytest.raises(PermissionDenied):
        t.demander(AUJOURD_HUI, acteur=t.collegue_ccas)


def test_la_demande_depuis_le_carnet(client, connecter, t):
    connecter(t.referente)
    url = reverse("parcours:orientation_demander", args=[t.carnet.uuid])
    page = client.get(url).content.decode()
    assert "Département des Landes" in page and "France Travail Dax" not in page
    reponse = client.post(
        url,
        {"organisation_orientation": str(t.departement.uuid), "motif": "entree_rsa", "date_reception": "2026-03-20"},
    )
    assert reponse.status_code == 400 and "futur" in reponse.content.decode()
    reponse = client.post(
        url,
        {"organisation_orientation": str(t.departement.uuid), "motif": "entree_rsa", "date_reception": "2026-03-02"},
    )
    assert reponse.status_code == 302
    onglet = client.get(reponse.url).content.decode()
    assert "en attente de décision" in onglet
    assert "28 jours pour décider" in onglet  # l'en-tête : jusqu'au 13 avril
    assert "Demander une orientation" not in onglet  # une demande est ouverte


def test_la_reorientation_est_demandee_par_le_referent_a_la_file_qui_a_oriente(t):
    demande = t.demander(date(2026, 3, 2))
    t.orienter(demande, organisme=t.ccas, referent=t.referente, parcours="social")
    reorientation = services.demander_reorientation(
        t.carnet, acteur=t.referente, parcours_recommande="emploi", motif_demande="Projet de formation d'aide-soignante"
    )
    assert reorientation.motif == DemandeOrientation.Motif.REORIENTATION
    assert reorientation.organisation_orientation == t.departement
    assert reorientation.date_reception == AUJOURD_HUI
    assert reorientation.date_limite is None  # pas de délai légal
    assert t.carnet.evenements.filter(type=EvenementCarnet.Type.REORIENTATION_DEMANDEE).exists()


def test_une_reorientation_alors_qu_une_demande_est_ouverte_est_refusee_sans_rien_ecrire(t):
    demande = t.demander(date(2026, 3, 2))
    t.orienter(demande, organisme=t.ccas, referent=t.referente)
    services.demander_reorientation(t.carnet, acteur=t.referente, parcours_recommande="social", motif_demande="Santé")
    evenements = t.carnet.evenements.count()
    with pytest.raises(ValidationError, match="déjà ouverte"):
        services.demander_reorientation(
            t.carnet, acteur=t.referente, parcours_recommande="emploi", motif_demande="Autre idée"
        )
    assert DemandeOrientation.objects.count() == 2
    assert t.carnet.evenements.count() == evenements


def test_la_reorientation_demande_une_orientation_un_parcours_et_un_motif(t):
    with pytest.raises(ValidationError, match="pas encore d'orientation"):
        services.demander_reorientation(t.carnet, acteur=t.referente, parcours_recommande="emploi", motif_demande="x")
    demande = t.demander(date(2026, 3, 2))
    t.orienter(demande, organisme=t.ccas, referent=t.referente)
    with pytest.raises(ValidationError) as erreur:
        services.demander_reorientation(t.carnet, acteur=t.referente, parcours_recommande="emploi", motif_demande=" ")
    assert "motif_demande" in erreur.value.error_dict
    with pytest.raises(ValidationError) as erreur:
        services.demander_reorientation(t.carnet, acteur=t.referente, parcours_recommande="autre", motif_demande="x")
    assert "parcours_recommande" in erreur.value.error_dict


def test_seul_le_referent_demande_une_reorientation(client, connecter, t):
    demande = t.demander(date(2026, 3, 2))
    t.orienter(demande, organisme=t.ccas, referent=t.referente)
    carnet_services.ajouter_intervenant(
        t.carnet, acteur=t.referente, utilisateur=t.conseiller, organisation=t.france_travail
    )
    with pytest.raises(PermissionDenied):
        services.demander_reorientation(t.carnet, acteur=t.conseiller, parcours_recommande="emploi", motif_demande="x")
    connecter(t.conseiller)  # accompagnateur : il voit et modifie le carnet, il n'est pas référent
    url = reverse("parcours:orientation_reorienter", args=[t.carnet.uuid])
    assert client.get(url).status_code == 403
    connecter(t.referente)
    assert (
        "Demander une réorientation"
        in client.get(reverse("parcours:carnet", args=[t.carnet.uuid]), {"onglet": "orientation"}).content.decode()
    )
    reponse = client.post(url, {"parcours_recommande": "emploi", "motif_demande": "Prête pour l'emploi"})
    assert reponse.status_code == 302
    reponse = client.post(url, {"parcours_recommande": "emploi", "motif_demande": "Encore"})
    assert reponse.status_code == 400 and "déjà ouverte" in reponse.content.decode()
