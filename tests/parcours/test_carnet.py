from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from parcours import permissions as regles
from parcours import services
from parcours.models import Carnet, ConsultationCarnet, EvenementCarnet, Intervenant, Personne
from parcours.validators import cle_nir, valider_nir
from partenaires.choix import Role
from tests.factories import OrganisationFactory, UtilisateurFactory, membre

pytestmark = pytest.mark.django_db

NIR_VALIDE = "1850340192005"  # + clé calculée ci-dessous
NIR_VALIDE += f"{cle_nir(NIR_VALIDE):02d}"


@pytest.fixture
def departement():
    return OrganisationFactory(nom="Département des Landes")


@pytest.fixture
def referente(departement):
    return membre(departement, Role.PROFESSIONNEL, prenom="Claire", nom="Duprat").utilisateur


def ouvrir(referente, departement, **identite):
    valeurs = {"nom": "Martin", "prenom": "Léa", "date_naissance": date(1990, 4, 12)} | identite
    return services.ouvrir_carnet(acteur=referente, organisation=departement, **valeurs)


def url(carnet, onglet=None):
    base = reverse("parcours:carnet", args=[carnet.uuid])
    return f"{base}?onglet={onglet}" if onglet else base


def test_ouvrir_un_carnet_fait_de_l_acteur_le_referent_et_partage_avec_son_organisation(referente, departement):
    carnet = ouvrir(referente, departement)
    referent = carnet.intervenants.get()
    assert referent.utilisateur == referente and referent.role == Intervenant.Role.REFERENT
    collegue = membre(departement).utilisateur
    assert regles.can_view_carnet(collegue, carnet) and not regles.can_edit_carnet(collegue, carnet)
    assert list(carnet.evenements.order_by("id").values_list("type", flat=True)) == [
        "carnet_ouvert",
        "partage_ajoute",
        "intervenant_ajoute",
    ]


def test_un_membre_d_une_autre_organisation_recoit_404_et_le_superutilisateur_aussi(
    client, connecter, referente, departement
):
    carnet = ouvrir(referente, departement)
    connecter(membre(OrganisationFactory(), Role.ADMINISTRATEUR).utilisateur)
    assert client.get(url(carnet)).status_code == 404
    connecter(UtilisateurFactory(is_superuser=True, is_staff=True))
    assert client.get(url(carnet)).status_code == 404
    assert not ConsultationCarnet.objects.exists()


def test_chaque_ouverture_du_carnet_est_journalisee_avec_l_onglet(client, connecter, referente, departement):
    carnet = ouvrir(referente, departement)
    connecter(referente)
    for onglet in ["situation", "groupe", "historique"]:
        assert client.get(url(carnet, onglet)).status_code == 200
    consultations = list(ConsultationCarnet.objects.order_by("id").values_list("utilisateur", "organisation", "onglet"))
    assert consultations == [(referente.pk, departement.pk, o) for o in ["situation", "groupe", "historique"]]


def test_les_doublons_sont_signales_avant_creation(client, connecter, referente, departement):
    ouvrir(referente, departement, identifiant_departement="D-123")
    autre_org = OrganisationFactory(nom="France Travail")
    conseiller = membre(autre_org).utilisateur
    connecter(conseiller)
    donnees = {"nom": "MARTIN", "prenom": "léa", "date_naissance": "1990-04-12", "nir": ""}
    reponse = client.post(reverse("parcours:carnet_ouvrir"), donnees)
    page = reponse.content.decode()
    assert "a peut-être déjà un carnet" in page and "suivi par une autre organisation" in page
    assert Carnet.objects.count() == 1
    # Même identifiant au Département, autres noms : doublon aussi.
    with pytest.raises(services.DoublonsTrouves):
        ouvrir(conseiller, autre_org, nom="Autre", prenom="Nom", identifiant_departement="D-123")
    # C'est une autre personne : on confirme.
    reponse = client.post(reverse("parcours:carnet_ouvrir"), donnees | {"confirmer": "autre_personne"})
    assert reponse.status_code == 302 and Carnet.objects.count() == 2


def test_un_doublon_visible_propose_d_ouvrir_le_carnet_existant(client, connecter, referente, departement):
    carnet = ouvrir(referente, departement)
    connecter(membre(departement).utilisateur)
    reponse = client.post(
        reverse("parcours:carnet_ouvrir"), {"nom": "Martin", "prenom": "Léa", "date_naissance": "1990-04-12"}
    )
    assert reverse("parcours:carnet", args=[carnet.uuid]) in reponse.content.decode()


def test_un_nir_a_la_mauvaise_cle_est_refuse_et_rien_n_est_ecrit(client, connecter, referente):
    connecter(referente)
    faux = NIR_VALIDE[:13] + f"{(int(NIR_VALIDE[13:]) % 97) + 1:02d}"
    donnees = {"nom": "Petit", "prenom": "Sam", "date_naissance": "1985-03-04", "nir": faux}
    reponse = client.post(reverse("parcours:carnet_ouvrir"), donnees)
    assert "La clé du NIR ne correspond pas" in reponse.content.decode()
    assert not Personne.objects.exists() and not Carnet.objects.exists()
    reponse = client.post(reverse("parcours:carnet_ouvrir"), donnees | {"nir": NIR_VALIDE})
    assert reponse.status_code == 302


def test_le_nir_n_est_montre_a_personne_pas_meme_au_referent(client, connecter, referente, departement):
    carnet = ouvrir(referente, departement, nir=NIR_VALIDE)
    for utilisateur in (referente, membre(departement).utilisateur):
        connecter(utilisateur)
        page = client.get(url(carnet)).content.decode()
        assert NIR_VALIDE not in page and "Enregistré (gardé chiffré, jamais affiché)" in page
    connecter(referente)
    assert NIR_VALIDE not in client.get(reverse("parcours:mes_carnets")).content.decode()


def test_ajouter_un_intervenant_partage_et_retirer_le_dernier_retire_le_partage(
    client, connecter, referente, departement
):
    carnet = ouvrir(referente, departement)
    mission_locale = OrganisationFactory(nom="Mission locale")
    conseiller = membre(mission_locale).utilisateur
    collegue_ml = membre(mission_locale).utilisateur
    client_collegue = connecter(collegue_ml, client=client.__class__())
    assert client_collegue.get(url(carnet)).status_code == 404

    intervention = services.ajouter_intervenant(
        carnet, acteur=referente, utilisateur=conseiller, organisation=mission_locale
    )
    assert client_collegue.get(url(carnet)).status_code == 200

    services.terminer_intervenant(intervention, acteur=referente, motif="Fin de la garantie jeunes")
    assert client_collegue.get(url(carnet)).status_code == 404  # requête suivante : plus de partage
    intervention.refresh_from_db()
    assert intervention.date_fin == timezone.localdate() and intervention.motif_fin == "Fin de la garantie jeunes"
    types = set(carnet.evenements.values_list("type", flat=True))
    assert {"intervenant_termine", "partage_retire"} <= types
    # Chaque événement porte l'organisation pour laquelle l'acteur agit, jamais celle qu'il ajoute ou retire.
    assert set(carnet.evenements.values_list("organisation", flat=True)) == {departement.pk}


def test_un_second_referent_est_refuse(referente, departement):
    carnet = ouvrir(referente, departement)
    autre = membre(departement).utilisateur
    with pytest.raises(ValidationError, match="déjà un référent"):
        services.ajouter_intervenant(
            carnet, acteur=referente, utilisateur=autre, organisation=departement, role=Intervenant.Role.REFERENT
        )
    assert carnet.intervenants.count() == 1


def test_le_referent_ne_peut_pas_etre_retire_sans_successeur(referente, departement):
    carnet = ouvrir(referente, departement)
    with pytest.raises(ValidationError, match="nommez d'abord un autre référent"):
        services.terminer_intervenant(carnet.intervenants.get(), acteur=referente, motif="Départ")


def test_une_date_de_fin_avant_le_debut_est_refusee(client, connecter, referente, departement):
    carnet = ouvrir(referente, departement)
    autre = membre(departement).utilisateur
    intervention = services.ajouter_intervenant(carnet, acteur=referente, utilisateur=autre, organisation=departement)
    connecter(referente)
    veille = (timezone.localdate() - timedelta(days=1)).isoformat()
    reponse = client.post(
        reverse("parcours:intervenant_terminer", args=[carnet.uuid, intervention.uuid]),
        {"motif": "x", "date_fin": veille},
    )
    assert "ne peut pas précéder la date de début" in reponse.content.decode()
    intervention.refresh_from_db()
    assert intervention.est_actif


def test_changer_de_referent_garde_l_ancien_comme_accompagnateur_et_l_historise(referente, departement):
    carnet = ouvrir(referente, departement)
    successeur = membre(departement, prenom="Paul", nom="Lafitte").utilisateur
    intervention = services.ajouter_intervenant(
        carnet, acteur=referente, utilisateur=successeur, organisation=departement
    )
    services.changer_referent(carnet, acteur=referente, intervenant=intervention)
    actifs = {(i.utilisateur, i.role) for i in carnet.intervenants.actifs()}
    assert actifs == {(successeur, Intervenant.Role.REFERENT), (referente, Intervenant.Role.ACCOMPAGNATEUR)}
    assert carnet.intervenants.filter(date_fin__isnull=False).count() == 2  # l'historique garde les anciens rôles
    evenement = carnet.evenements.get(type=EvenementCarnet.Type.REFERENT_CHANGE)
    assert evenement.details == {"avant": "Claire Duprat", "apres": "Paul Lafitte"}


def test_l_historique_se_filtre_par_type_et_par_periode(client, connecter, referente, departement):
    carnet = ouvrir(referente, departement)
    EvenementCarnet.objects.filter(carnet=carnet, type="carnet_ouvert").update(date=timezone.now() - timedelta(days=40))
    connecter(referente)

    def liste(parametres):
        page = client.get(url(carnet, "historique") + parametres).content.decode()
        return page.split('class="spie-historique"')[1].split("</ol>")[0]

    assert "Carnet ouvert" in liste("&type=carnet_ouvert") and "Intervenant ajouté" not in liste("&type=carnet_ouvert")
    depuis = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert "Carnet ouvert" not in liste(f"&du={depuis}") and "Intervenant ajouté" in liste(f"&du={depuis}")
    assert "Claire Duprat (Département des Landes) (référent de parcours)" in liste("")
    page = client.get(url(carnet, "historique") + "&du=2026-02-01&au=2026-01-01").content.decode()
    assert "doit précéder sa date de fin" in page


def test_un_collegue_sans_role_dans_le_carnet_ne_le_modifie_pas_mais_l_administrateur_oui(referente, departement):
    carnet = ouvrir(referente, departement)
    collegue = membre(departement).utilisateur
    admin = membre(departement, Role.ADMINISTRATEUR).utilisateur
    autre = membre(departement).utilisateur
    with pytest.raises(Exception, match="Vous ne pouvez pas modifier"):
        services.ajouter_intervenant(carnet, acteur=collegue, utilisateur=autre, organisation=departement)
    services.ajouter_intervenant(carnet, acteur=admin, utilisateur=autre, organisation=departement)
    assert carnet.intervenants.actifs().count() == 2


def test_jeune_de_moins_de_26_ans_est_deduit_de_la_date_de_naissance(referente, departement):
    aujourd_hui = timezone.localdate()
    jeune = ouvrir(referente, departement, date_naissance=aujourd_hui.replace(year=aujourd_hui.year - 25))
    assert jeune.personne.est_jeune
    adulte = ouvrir(referente, departement, nom="Autre", date_naissance=aujourd_hui.replace(year=aujourd_hui.year - 26))
    assert not adulte.personne.est_jeune


@given(st.text(alphabet="0123456789", min_size=13, max_size=13).filter(lambda t: t[0] in "12"))
def test_un_nir_avec_sa_cle_est_valide_et_avec_une_autre_cle_est_refuse(treize):
    valider_nir(treize + f"{cle_nir(treize):02d}")
    with pytest.raises(ValidationError):
        valider_nir(treize + f"{cle_nir(treize) % 97 + 1:02d}")


def test_la_synthese_imprimable_est_une_consultation_journalisee(client, connecter, referente, departement):
    carnet = ouvrir(referente, departement)
    connecter(referente)
    page = client.get(reverse("parcours:carnet_imprimer", args=[carnet.uuid])).content.decode()
    assert "Carnet de bord de Léa MARTIN" in page and "Claire Duprat" in page and "Document confidentiel" in page
    assert ConsultationCarnet.objects.get().onglet == "impression"


def test_depuis_un_doublon_on_demande_l_acces_au_referent_sans_rien_voir_du_carnet(
    client, connecter, referente, departement, django_capture_on_commit_callbacks
):
    from django.core import mail

    carnet = ouvrir(referente, departement)
    conseillere = membre(OrganisationFactory(nom="CCAS de Dax"), prenom="Ana", nom="Roux").utilisateur
    connecter(conseillere)
    page = client.post(
        reverse("parcours:carnet_ouvrir"), {"nom": "Martin", "prenom": "Léa", "date_naissance": "1990-04-12"}
    ).content.decode()
    assert "Demander l'accès à son référent" in page
    url_demande = reverse("parcours:demander_acces", args=[carnet.uuid])
    client.post(url_demande, {"motif": ""})
    assert not carnet.evenements.filter(type="acces_demande").exists()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url_demande, {"motif": "Je l'accompagne pour son logement"})
    assert reponse.status_code == 302
    evenement = carnet.evenements.get(type="acces_demande")
    assert evenement.acteur == conseillere and "CCAS de Dax" in evenement.details["demandeur"]
    assert mail.outbox[0].to == [referente.email]
    assert "Je l'accompagne pour son logement" in mail.outbox[0].body
    assert client.get(url(carnet)).status_code == 404  # toujours rien à voir tant que le référent ne l'ajoute pas


def test_le_filtre_par_referent(client, connecter, referente, departement):
    collegue = membre(departement, prenom="Paul", nom="Lafitte").utilisateur
    ouvrir(referente, departement, nom="Suivie")
    ouvrir(collegue, departement, nom="Autre")
    connecter(referente)
    reponse = client.get(reverse("parcours:mes_carnets"), {"referent": str(collegue.uuid)})
    assert [c.personne.nom for c in reponse.context["page"].object_list] == ["Autre"]
    assert "Paul Lafitte" in reponse.content.decode()
    assert client.get(reverse("parcours:mes_carnets"), {"referent": "pas-un-uuid"}).status_code == 200
