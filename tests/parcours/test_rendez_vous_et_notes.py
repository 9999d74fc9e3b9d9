from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours import services
from parcours.models import EvenementCarnet, Note, RendezVous
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db


@pytest.fixture
def contexte():
    departement = OrganisationFactory(nom="Département")
    mission_locale = OrganisationFactory(nom="Mission locale")
    referente = membre(departement, prenom="Claire", nom="Duprat").utilisateur
    conseiller = membre(mission_locale, prenom="Hugo", nom="Larrieu").utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Martin", prenom="Léa", date_naissance=date(1990, 4, 12)
    )
    services.ajouter_intervenant(carnet, acteur=referente, utilisateur=conseiller, organisation=mission_locale)
    return {
        "carnet": carnet,
        "departement": departement,
        "mission_locale": mission_locale,
        "referente": referente,
        "conseiller": conseiller,
        "collegue_departement": membre(departement).utilisateur,
    }


def onglet(client, carnet, nom):
    return client.get(reverse("parcours:carnet", args=[carnet.uuid]) + f"?onglet={nom}").content.decode()


def test_un_partenaire_ne_voit_jamais_une_note_qui_ne_lui_est_pas_destinee(client, connecter, contexte):
    carnet, referente, departement = contexte["carnet"], contexte["referente"], contexte["departement"]
    for visibilite, texte in [
        ("groupe", "Texte pour le groupe"),
        ("organisation", "Texte du Département"),
        ("moi", "Texte perso"),
    ]:
        services.ajouter_note(carnet, acteur=referente, organisation=departement, texte=texte, visibilite=visibilite)

    connecter(contexte["conseiller"])
    page = onglet(client, carnet, "notes")
    assert "Texte pour le groupe" in page and "Texte du Département" not in page and "Texte perso" not in page
    historique = onglet(client, carnet, "historique").split('class="spie-historique"')[1]
    assert historique.count("Note d&#x27;entretien ajoutée") == 3 and "Texte du Département" not in historique

    connecter(contexte["collegue_departement"])
    page = onglet(client, carnet, "notes")
    assert "Texte pour le groupe" in page and "Texte du Département" in page and "Texte perso" not in page

    connecter(referente)
    page = onglet(client, carnet, "notes")
    assert all(t in page for t in ["Texte pour le groupe", "Texte du Département", "Texte perso"])


def test_une_visibilite_que_l_auteur_ne_peut_pas_donner_est_refusee(client, connecter, contexte):
    carnet, departement = contexte["carnet"], contexte["departement"]
    admin = membre(departement, Role.ADMINISTRATEUR).utilisateur  # modifie le carnet sans être intervenant
    with pytest.raises(ValidationError, match="cette visibilité"):
        services.ajouter_note(carnet, acteur=admin, organisation=departement, texte="x", visibilite="groupe")
    connecter(admin)
    reponse = client.post(reverse("parcours:note_ajouter", args=[carnet.uuid]), {"texte": "x", "visibilite": "groupe"})
    assert reponse.status_code == 400 and "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Note.objects.exists()
    reponse = client.post(
        reverse("parcours:note_ajouter", args=[carnet.uuid]), {"texte": "Vu", "visibilite": "organisation"}
    )
    assert reponse.status_code == 302 and Note.objects.get().visibilite == "organisation"


def test_prevoir_un_rendez_vous_l_affiche_en_en_tete_et_dans_l_historique(client, connecter, contexte):
    carnet, referente = contexte["carnet"], contexte["referente"]
    connecter(referente)
    quand = (timezone.localtime() + timedelta(days=3)).replace(hour=10, minute=30)
    donnees = {
        "date_heure": quand.strftime("%Y-%m-%dT%H:%M"),
        "intervenant": str(contexte["conseiller"].uuid),
        "objet": "Atelier CV",
        "lieu": "",
    }
    reponse = client.post(reverse("parcours:rendez_vous_ajouter", args=[carnet.uuid]), donnees)
    assert reponse.status_code == 400 and "Indiquez le lieu du rendez-vous" in reponse.content.decode()
    assert not RendezVous.objects.exists()
    reponse = client.post(reverse("parcours:rendez_vous_ajouter", args=[carnet.uuid]), donnees | {"a_distance": "on"})
    assert reponse.status_code == 302
    rendez_vous = RendezVous.objects.get()
    assert rendez_vous.organisation == contexte["mission_locale"] and rendez_vous.statut == "prevu"
    page = onglet(client, carnet, "situation")
    assert "Prochain rendez-vous" in page and "Hugo Larrieu" in page and quand.strftime("%H:%M") in page
    assert carnet.evenements.filter(type=EvenementCarnet.Type.RENDEZ_VOUS_PREVU).exists()


def test_un_rendez_vous_a_venir_ne_peut_pas_etre_honore(contexte):
    carnet, referente = contexte["carnet"], contexte["referente"]
    rendez_vous = services.prevoir_rendez_vous(
        carnet,
        acteur=referente,
        intervenant=referente,
        date_heure=timezone.now() + timedelta(days=1),
        objet="x",
        lieu="y",
    )
    with pytest.raises(ValidationError, match="ne peut pas encore être honoré"):
        services.mettre_a_jour_rendez_vous(rendez_vous, acteur=referente, statut="honore")
    RendezVous.objects.filter(pk=rendez_vous.pk).update(date_heure=timezone.now() - timedelta(hours=1))
    rendez_vous.refresh_from_db()
    services.mettre_a_jour_rendez_vous(
        rendez_vous, acteur=referente, statut="absent", compte_rendu="Pas venue, rappeler"
    )
    rendez_vous.refresh_from_db()
    assert rendez_vous.statut == "absent" and rendez_vous.compte_rendu == "Pas venue, rappeler"


def test_le_rendez_vous_se_prend_avec_un_membre_du_groupe_de_suivi(contexte):
    etranger = membre(OrganisationFactory()).utilisateur
    with pytest.raises(ValidationError, match="membre du groupe de suivi"):
        services.prevoir_rendez_vous(
            contexte["carnet"],
            acteur=contexte["referente"],
            intervenant=etranger,
            date_heure=timezone.now() + timedelta(days=1),
            objet="x",
            lieu="y",
        )
    assert not RendezVous.objects.exists()
