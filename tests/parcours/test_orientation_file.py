"""La file d'orientation : réservée aux chargés d'orientation et pilotes, triée par échéance, jour 42 dans les
temps et jour 43 en retard, filtres, cause du retard, nombre de requêtes fixe."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parcours import services as carnet_services
from parcours.models import DemandeOrientation, EvenementCarnet
from parcours.orientation import services
from tests.factories import OrganisationFactory, membre
from tests.parcours import outils_orientation
from tests.parcours.conftest import diagnostic_valide

pytestmark = pytest.mark.django_db
AUJOURD_HUI = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _date_figee():
    with time_machine.travel(AUJOURD_HUI, tick=False):
        yield


@pytest.fixture
def t():
    return outils_orientation.territoire()


def autre_carnet(t, numero, date_reception, motif="entree_rsa"):
    carnet = carnet_services.ouvrir_carnet(
        acteur=t.referente,
        organisation=t.ccas,
        nom=f"Personne{numero:03d}",
        prenom="Alex",
        date_naissance=date(1990, 1, 1),
    )
    return services.demander_orientation(
        carnet, acteur=t.referente, organisation_orientation=t.departement, motif=motif, date_reception=date_reception
    )


def test_jour_42_dans_les_temps_jour_43_en_retard(t):
    jour_42 = t.demander(AUJOURD_HUI - timedelta(days=42))
    assert jour_42.jours_restants() == 0 and not jour_42.en_retard()
    jour_43 = autre_carnet(t, 1, AUJOURD_HUI - timedelta(days=43))
    assert jour_43.jours_restants() == -1 and jour_43.en_retard()


def test_la_file_montre_jours_restants_retard_et_parcours_suggere_triee_par_echeance(client, connecter, t):
    diagnostic_valide(t.carnet, t.referente)
    t.demander(AUJOURD_HUI - timedelta(days=42))  # Lalanne : jour 42
    autre_carnet(t, 1, AUJOURD_HUI - timedelta(days=43))  # jour 43
    autre_carnet(t, 2, AUJOURD_HUI - timedelta(days=2), motif="premiere_orientation")  # sans délai légal
    connecter(t.charge)
    reponse = client.get(reverse("parcours:orientation_file"))
    page = reponse.content.decode()
    noms = [d.carnet.personne.nom for d in reponse.context["page"].object_list]
    assert noms == ["Personne001", "Lalanne", "Personne002"]
    assert "en retard de 1 jour" in page
    assert "dernier jour" in page
    assert "sans délai légal" in page
    assert "suggéré par le diagnostic : Emploi (parcours professionnel)" in page


def test_les_filtres(client, connecter, t):
    t.demander(AUJOURD_HUI - timedelta(days=10))
    en_retard = autre_carnet(t, 1, AUJOURD_HUI - timedelta(days=50))
    autre_carnet(t, 2, AUJOURD_HUI, motif="premiere_orientation")
    services.expliquer_retard(en_retard, acteur=t.charge, cause_retard="attente_personne", precision_retard="")
    connecter(t.pilote)
    url = reverse("parcours:orientation_file")

    def noms(**filtres):
        return [d.carnet.personne.nom for d in client.get(url, filtres).context["page"].object_list]

    assert noms(retard="oui") == ["Personne001"]
    assert noms(retard="non") == ["Lalanne", "Personne002"]
    assert noms(motif="premiere_orientation") == ["Personne002"]
    assert noms(cause="attente_personne") == ["Personne001"]
    assert noms(cause="sans") == ["Lalanne", "Personne002"]
    reponse = client.get(url, {"retard": "oui"}, HTTP_HX_REQUEST="true")
    assert "<html" not in reponse.content.decode() and "PERSONNE001" in reponse.content.decode()


def test_la_reorientation_apparait_avec_le_parcours_recommande(client, connecter, t):
    t.orienter(t.demander(date(2026, 3, 2)), organisme=t.ccas, referent=t.referente, parcours="social")
    services.demander_reorientation(
        t.carnet, acteur=t.referente, parcours_recommande="emploi", motif_demande="Projet défini"
    )
    connecter(t.charge)
    page = client.get(reverse("parcours:orientation_file")).content.decode()
    assert "Demande de réorientation" in page
    assert "recommandé par le référent : <strong>Emploi (parcours professionnel)</strong>" in page


def test_la_cause_du_retard_est_enregistree_avec_un_evenement(client, connecter, t):
    demande = t.demander(AUJOURD_HUI - timedelta(days=45))
    connecter(t.charge)
    url = reverse("parcours:orientation_retard", args=[demande.uuid])
    prefixe = f"retard-{demande.uuid}"
    client.post(url, {f"{prefixe}-cause_retard": "inconnue"})
    demande.refresh_from_db()
    assert demande.cause_retard == ""
    reponse = client.post(
        url, {f"{prefixe}-cause_retard": "information_manquante", f"{prefixe}-precision_retard": "Avis CAF attendu"}
    )
    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert demande.get_cause_retard_display() == "Information manquante"
    assert demande.precision_retard == "Avis CAF attendu"
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.RETARD_ORIENTATION_EXPLIQUE)
    assert evenement.resume == "Information manquante"  # la précision (texte libre) n'est pas dans l'historique
    with pytest.raises(PermissionDenied):
        services.expliquer_retard(demande, acteur=t.referente, cause_retard="attente_personne")
    with pytest.raises(ValidationError):
        services.expliquer_retard(demande, acteur=t.charge, cause_retard="")


@pytest.mark.parametrize(
    ("qui", "statut"),
    [("charge", 200), ("pilote", 200), ("charge_pyrenees", 200), ("referente", 403), ("conseiller", 403)],
)
def test_l_acces_a_la_file(client, connecter, t, qui, statut):
    t.demander(date(2026, 3, 2))
    connecter(getattr(t, qui))
    reponse = client.get(reverse("parcours:orientation_file"))
    assert reponse.status_code == statut
    if qui == "charge_pyrenees":
        assert reponse.context["page"].paginator.count == 0  # pas la file des Landes


def test_un_membre_sans_role_d_orientation_du_departement_n_ouvre_pas_la_file(client, connecter, t):
    connecter(membre(t.departement).utilisateur)
    assert client.get(reverse("parcours:orientation_file")).status_code == 403
    connecter(membre(OrganisationFactory(), role="administrateur").utilisateur)
    assert client.get(reverse("parcours:orientation_file")).status_code == 403


@pytest.mark.parametrize("taille", [1, 30])
def test_la_file_a_un_nombre_de_requetes_fixe(client, connecter, t, taille, django_assert_num_queries):
    for numero in range(taille):
        demande = autre_carnet(t, numero, AUJOURD_HUI - timedelta(days=numero))
        if numero % 2:
            diagnostic_valide(demande.carnet, t.referente)
    connecter(t.charge)
    client.get(reverse("parcours:orientation_file"))
    with django_assert_num_queries(NOMBRE_DE_REQUETES):
        reponse = client.get(reverse("parcours:orientation_file"))
    assert reponse.context["page"].paginator.count == taille
    assert DemandeOrientation.objects.count() == taille


NOMBRE_DE_REQUETES = (
    8  # session, utilisateur, second facteur, organisation courante, droit à la file, compte, page, menu
)
