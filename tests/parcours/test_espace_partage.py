"""Espace personnel : qui voit mon carnet et pourquoi, les accords de partage de la personne, ses demandes
d'opposition et la réponse de l'organisation de son référent."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours import permissions as regles_carnet
from parcours import population
from parcours import services as carnet_services
from parcours.choix import VOIR_CARNET
from parcours.espace import partage
from parcours.models import Consentement, DemandeOpposition, EvenementCarnet, Intervenant
from parcours.orientation import services as orientation_services
from partenaires import permissions
from partenaires.choix import Role, TypeOrganisation
from tests.factories import OrganisationFactory, membre
from tests.parcours import outils_orientation
from tests.parcours.espace_fabriques import ouvrir_espace

pytestmark = pytest.mark.django_db

URL_PARTAGES = reverse("parcours:espace_partages")
URL_ACCORD = reverse("parcours:espace_consentement_donner")
URL_OPPOSITION = reverse("parcours:espace_opposition")


@pytest.fixture
def t():
    """Le territoire des Landes : la référente du CCAS suit le carnet, avec un conseiller France Travail ; une
    association du département ne le voit pas ; la personne a ouvert son espace."""
    territoire = outils_orientation.territoire()
    carnet_services.ajouter_intervenant(
        territoire.carnet,
        acteur=territoire.referente,
        utilisateur=territoire.conseiller,
        organisation=territoire.france_travail,
    )
    territoire.association = OrganisationFactory(
        nom="Association Trait d'union", type=TypeOrganisation.ASSOCIATION, departement="40"
    )
    territoire.benevole = membre(territoire.association, prenom="Jo", nom="Bénévole").utilisateur
    territoire.compte = ouvrir_espace(territoire.carnet)
    return territoire


def raisons_par_nom(carnet) -> dict:
    return {p.organisation.nom: p for p in partage.raisons_du_partage(carnet)}


def url_retirer(organisation):
    return reverse("parcours:espace_consentement_retirer", args=[organisation.uuid])


def url_carnet(carnet, suite=""):
    return reverse("parcours:carnet", args=[carnet.uuid]) + suite


# --- Pourquoi une organisation voit le carnet ---------------------------------------------------------------


def test_le_groupe_de_suivi_voit_le_carnet_parce_qu_il_accompagne_la_personne(t):
    partages = raisons_par_nom(t.carnet)
    assert set(partages) == {"CCAS de Dax", "France Travail Dax"}
    ccas = partages["CCAS de Dax"]
    assert ccas.cadre_legal and ccas.modifie and ccas.consentement is None
    assert ccas.raisons == ["vous accompagne : Rose Lafitte (référent de parcours)"]
    assert ccas.niveau == "peut lire et compléter votre carnet"
    assert partages["France Travail Dax"].raisons == ["vous accompagne : Marc Labat (accompagnateur)"]


def test_la_file_qui_oriente_lit_le_carnet_pour_decider_de_l_orientation(t):
    t.demander(timezone.localdate())
    departement = raisons_par_nom(t.carnet)["Département des Landes"]
    assert departement.raisons == ["décide de votre orientation (elle reçoit les demandes d'orientation)"]
    assert not departement.modifie and departement.niveau == "peut lire votre carnet"


def test_un_transfert_explique_la_lecture_du_territoire_de_depart_et_l_accueil(t):
    with time_machine.travel(date(2026, 3, 16), tick=False):
        orientation_services.transferer(
            t.carnet, acteur=t.referente, organisation_accueil=t.pyrenees, motif="Déménagement à Bayonne"
        )
    partages = raisons_par_nom(t.carnet)
    assert partages["France Travail Dax"].raisons == [
        "vous accompagne : Marc Labat (accompagnateur)",
        "garde la lecture jusqu'au 15/04/2026, car votre dossier a été transféré le 16/03/2026 "
        "vers un autre département",
    ]
    assert not partages["France Travail Dax"].modifie
    accueil = partages["Département des Pyrénées-Atlantiques"].raisons
    assert "a reçu votre dossier, transféré le 16/03/2026 à votre changement de département" in accueil
    # Le territoire du carnet devient celui d'accueil : les organisations à qui consentir sont celles du 64.
    assert population.territoire_de(t.carnet) == "64"
    assert t.association not in partage.organisations_a_qui_consentir(t.carnet)


def test_une_organisation_qui_suit_le_parcours_sans_intervenant_a_une_raison_legale(t):
    permissions.partager(t.carnet, t.association, VOIR_CARNET, "parcours.change_carnet")  # un import, par exemple
    assert raisons_par_nom(t.carnet)["Association Trait d'union"].raisons == [partage.SUIT_LE_PARCOURS]


def test_une_organisation_sans_raison_retrouvee_est_montree_a_part_jamais_comme_prevue_par_la_loi(t, client, connecter):
    permissions.partager(t.carnet, t.association, VOIR_CARNET)  # un reliquat : ni intervenant, ni file, ni accord
    association = raisons_par_nom(t.carnet)["Association Trait d'union"]
    assert association.sans_raison and not association.cadre_legal and association.raisons == []
    assert [p.organisation.nom for p in partage.raisons_du_partage(t.carnet)][-1] == "Association Trait d'union"
    assert not raisons_par_nom(t.carnet)["CCAS de Dax"].sans_raison
    connecter(t.compte)
    contenu = client.get(URL_PARTAGES).content.decode()
    legal, suite = contenu.split("<h2>Avec votre accord</h2>")
    accord, sans_raison = suite.split("Accès sans raison retrouvée : demandez à votre référent</h2>")
    assert "Association Trait d&#x27;union" not in legal and "Association Trait d&#x27;union" not in accord
    assert "Association Trait d&#x27;union" in sans_raison
    assert "Nous ne retrouvons pas pourquoi elle voit votre carnet : demandez à votre référent." in sans_raison
    # Avec un accord en cours, elle passe sous « Avec votre accord » et la rubrique disparaît.
    Consentement.objects.create(carnet=t.carnet, organisation=t.association, donne_par=t.compte)
    assert not raisons_par_nom(t.carnet)["Association Trait d'union"].sans_raison
    assert "sans raison retrouvée" not in client.get(URL_PARTAGES).content.decode()


def test_la_page_dit_ce_que_l_organisation_lira_avant_le_bouton(t, client, connecter):
    connecter(t.compte)
    contenu = client.get(URL_PARTAGES).content.decode()
    avant_le_bouton = " ".join(contenu.split("Donner mon accord")[0].split())
    lu = avant_le_bouton.split('id="contenus-lus"')[1]
    for contenu_lu in (
        "votre diagnostic, avec les commentaires écrits par les professionnels",
        "vos rendez-vous et leurs comptes rendus",
        "les notes d'entretien que les professionnels partagent avec tout le groupe de suivi",
        "vos orientations",
        "manquements, sanctions",
    ):
        assert contenu_lu in lu
    assert "des informations que votre espace ne vous montre pas" in avant_le_bouton
    assert "Elle ne lira pas vos données de santé, de handicap ni votre reconnaissance" in avant_le_bouton


def test_le_choix_des_organisations_est_groupe_par_type(t, client, connecter):
    OrganisationFactory(nom="Mission locale des Landes", type=TypeOrganisation.MISSION_LOCALE, departement="40")
    connecter(t.compte)
    contenu = client.get(URL_PARTAGES).content.decode()
    select = contenu.split('name="organisation"')[1].split("</select>")[0]
    assert '<optgroup label="Association">' in select and '<optgroup label="Mission locale">' in select
    association = select.split('<optgroup label="Association">')[1].split("</optgroup>")[0]
    assert "Association Trait d&#x27;union" in association and "Mission locale des Landes" not in association
    # Le formulaire reste valide avec le choix groupé.
    reponse = client.post(URL_ACCORD, {"organisation": str(t.association.uuid)})
    assert reponse.status_code == 302 and Consentement.objects.filter(organisation=t.association).exists()


def test_sans_organisation_a_proposer_la_page_le_dit_sans_menu(t, client, connecter):
    for organisation in partage.organisations_a_qui_consentir(t.carnet):
        organisation.is_active = False
        organisation.save()
    connecter(t.compte)
    contenu = client.get(URL_PARTAGES).content.decode()
    assert "Toutes les organisations de votre département voient déjà votre carnet." in contenu
    assert 'name="organisation"' not in contenu


def test_la_page_separe_le_cadre_legal_des_accords(t, client, connecter):
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    connecter(t.compte)
    reponse = client.get(URL_PARTAGES)
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    legal, accord = contenu.split("<h2>Avec votre accord</h2>")
    assert "CCAS de Dax" in legal and "Elle vous accompagne : Rose Lafitte (référent de parcours)." in legal
    assert "Association Trait d&#x27;union" not in legal
    assert "Association Trait d&#x27;union" in accord and "Elle peut lire votre carnet." in accord
    assert "Retirer mon accord" in accord
    assert reverse("parcours:espace_opposition") in contenu


def test_le_choix_propose_les_organisations_du_departement_qui_ne_voient_pas_le_carnet(t, client, connecter):
    ailleurs = OrganisationFactory(nom="Association du Béarn", departement="64")
    fermee = OrganisationFactory(nom="Association fermée", departement="40")
    fermee.is_active = False
    fermee.save()
    proposees = set(partage.organisations_a_qui_consentir(t.carnet))
    assert t.association in proposees and t.departement in proposees
    assert not proposees & {t.ccas, t.france_travail, ailleurs, fermee}
    connecter(t.compte)
    contenu = client.get(URL_PARTAGES).content.decode()
    assert str(t.association.uuid) in contenu and str(t.ccas.uuid) not in contenu


def nombre_de_requetes(client, url) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def test_la_page_des_partages_a_un_nombre_de_requetes_constant(t, client, connecter, django_assert_num_queries):
    connecter(t.compte)
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    une_ligne = nombre_de_requetes(client, URL_PARTAGES)
    for numero in range(8):
        organisation = OrganisationFactory(nom=f"Association {numero}", departement="40")
        consentement = partage.donner_consentement(t.carnet, acteur=t.compte, organisation=organisation)
        if numero % 2:
            partage.retirer_consentement(consentement, acteur=t.compte)
    carnet_services.ajouter_intervenant(
        t.carnet, acteur=t.referente, utilisateur=membre(t.departement).utilisateur, organisation=t.departement
    )
    t.demander(timezone.localdate())
    with django_assert_num_queries(une_ligne):
        reponse = client.get(URL_PARTAGES)
    assert reponse.content.decode().count("Retirer mon accord") == 5


# --- Accords de partage ------------------------------------------------------------------------------------


def test_l_accord_donne_la_lecture_mais_pas_la_modification(t, client, connecter):
    connecter(t.benevole)
    assert client.get(url_carnet(t.carnet)).status_code == 404
    connecter(t.compte)
    reponse = client.post(URL_ACCORD, {"organisation": str(t.association.uuid)})
    assert reponse.status_code == 302 and reponse.url == URL_PARTAGES
    consentement = Consentement.objects.get(carnet=t.carnet)
    assert consentement.organisation == t.association and consentement.donne_par == t.compte
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.CONSENTEMENT_DONNE)
    assert evenement.acteur == t.compte and evenement.organisation is None
    assert "Association Trait d'union" in evenement.details["resume"]
    connecter(t.benevole)
    assert client.get(url_carnet(t.carnet)).status_code == 200
    assert client.get(reverse("parcours:intervenant_ajouter", args=[t.carnet.uuid])).status_code == 403
    assert not regles_carnet.can_edit_carnet(t.benevole, t.carnet)


def test_retirer_l_accord_retire_la_lecture_a_la_requete_suivante(t, client, connecter):
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    connecter(t.benevole)
    assert client.get(url_carnet(t.carnet)).status_code == 200
    connecter(t.compte)
    reponse = client.post(url_retirer(t.association), follow=True)
    assert "ne voit plus votre carnet" in reponse.content.decode()
    consentement = Consentement.objects.get(carnet=t.carnet)
    assert consentement.retire_le is not None and consentement.retire_par == t.compte
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.CONSENTEMENT_RETIRE)
    assert "ne voit plus son carnet" in evenement.details["resume"]
    connecter(t.benevole)
    assert client.get(url_carnet(t.carnet)).status_code == 404
    # L'accord peut être donné de nouveau (une seule ligne en cours à la fois, l'historique reste).
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    assert Consentement.objects.filter(carnet=t.carnet).count() == 2


def test_une_organisation_devenue_intervenante_garde_l_acces_apres_le_retrait(t, client, connecter):
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    carnet_services.ajouter_intervenant(
        t.carnet, acteur=t.referente, utilisateur=t.benevole, organisation=t.association
    )
    connecter(t.compte)
    reponse = client.post(url_retirer(t.association), follow=True)
    assert "garde l&#x27;accès à votre carnet, car elle vous accompagne : Jo Bénévole" in reponse.content.decode()
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.CONSENTEMENT_RETIRE)
    assert "garde l'accès" in evenement.details["resume"]
    connecter(t.benevole)
    assert client.get(url_carnet(t.carnet)).status_code == 200
    assert regles_carnet.can_edit_carnet(t.benevole, t.carnet)


def test_le_dernier_intervenant_qui_sort_laisse_la_lecture_si_l_accord_est_en_cours(t, client, connecter):
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    intervention = carnet_services.ajouter_intervenant(
        t.carnet, acteur=t.referente, utilisateur=t.benevole, organisation=t.association
    )
    carnet_services.terminer_intervenant(intervention, acteur=t.referente, motif="Fin de l'atelier")
    assert regles_carnet.can_view_carnet(t.benevole, t.carnet)
    assert not regles_carnet.can_edit_carnet(t.benevole, t.carnet)
    evenement = t.carnet.evenements.filter(type=EvenementCarnet.Type.PARTAGE_RETIRE).get()
    assert evenement.details["nom"].endswith("(modification ; la lecture reste : accord de la personne)")
    # Sans accord, le dernier intervenant qui sort emporte le partage (règle inchangée).
    intervention = carnet_services.ajouter_intervenant(
        t.carnet, acteur=t.referente, utilisateur=t.pilote, organisation=t.departement
    )
    carnet_services.terminer_intervenant(intervention, acteur=t.referente, motif="Relais pris")
    assert not regles_carnet.can_view_carnet(t.pilote, t.carnet)


def test_apres_un_transfert_l_organisation_consentie_garde_la_lecture_au_bout_des_30_jours(t):
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    transfert = orientation_services.transferer(
        t.carnet, acteur=t.referente, organisation_accueil=t.pyrenees, motif="Déménagement à Bayonne"
    )
    assert t.association in transfert.organisations_sortantes.all()
    assert orientation_services.retirer_acces(transfert, aujourd_hui=timezone.localdate() + timedelta(days=31))
    assert regles_carnet.can_view_carnet(t.benevole, t.carnet)
    assert not regles_carnet.can_view_carnet(t.conseiller, t.carnet)
    assert raisons_par_nom(t.carnet)["Association Trait d'union"].raisons == []


def test_une_organisation_du_cadre_legal_ne_peut_pas_recevoir_d_accord(t, client, connecter):
    with pytest.raises(ValidationError) as erreur:
        partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.france_travail)
    assert "votre accord n'est pas nécessaire" in str(erreur.value)
    connecter(t.compte)
    evenements = EvenementCarnet.objects.count()
    reponse = client.post(URL_ACCORD, {"organisation": str(t.france_travail.uuid)})
    assert reponse.status_code == 200
    assert "Choisissez une organisation de la liste." in reponse.content.decode()
    assert not Consentement.objects.exists() and EvenementCarnet.objects.count() == evenements


def test_un_accord_en_cours_ne_se_donne_pas_deux_fois(t):
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    with pytest.raises(ValidationError) as erreur:
        partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    assert "Vous avez déjà donné votre accord à cette organisation." in str(erreur.value)
    assert Consentement.objects.count() == 1


def test_une_organisation_d_un_autre_departement_ne_recoit_pas_d_accord(t):
    with pytest.raises(ValidationError, match="de votre département"):
        partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.pyrenees)
    assert not Consentement.objects.exists()


def test_sans_accord_en_cours_retirer_repond_404(t, client, connecter):
    connecter(t.compte)
    assert client.post(url_retirer(t.association)).status_code == 404  # jamais donné
    assert client.post(url_retirer(t.france_travail)).status_code == 404  # cadre légal : rien à retirer
    consentement = partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    partage.retirer_consentement(consentement, acteur=t.compte)
    assert client.post(url_retirer(t.association)).status_code == 404  # déjà retiré
    assert permissions.organisations_partageant(t.carnet, VOIR_CARNET).filter(pk=t.france_travail.pk).exists()


def test_une_personne_ne_retire_pas_l_accord_d_une_autre(t, client, connecter):
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    autre_carnet = carnet_services.ouvrir_carnet(
        acteur=t.referente, organisation=t.ccas, nom="Petit", prenom="Sam", date_naissance=date(1990, 7, 14)
    )
    connecter(ouvrir_espace(autre_carnet, email="sam@exemple.fr"))
    assert client.post(url_retirer(t.association)).status_code == 404
    assert Consentement.objects.get().retire_le is None
    assert "Association Trait" not in client.get(URL_PARTAGES).content.decode().split("Mes accords")[1]


def test_seule_la_personne_donne_son_accord(t):
    with pytest.raises(PermissionDenied):
        partage.donner_consentement(t.carnet, acteur=t.referente, organisation=t.association)
    assert not Consentement.objects.exists()


# --- Opposition --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jour", "echeance"),
    [
        (date(2026, 3, 16), date(2026, 4, 16)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 5, 31), date(2026, 6, 30)),
    ],
)
def test_l_echeance_est_un_mois_calendaire_apres_la_demande(jour, echeance):
    assert partage.echeance_opposition(jour) == echeance


def test_la_personne_demande_a_s_opposer_et_le_referent_est_prevenu(
    t, client, connecter, django_capture_on_commit_callbacks
):
    connecter(t.compte)
    page = client.get(URL_OPPOSITION).content.decode()
    assert "article 21" in page and "1 mois" in page and "2 mois" in page and "CCAS de Dax" in page
    with time_machine.travel("2026-01-31 10:00 +01:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            reponse = client.post(URL_OPPOSITION, {"motif": "Je ne veux plus être relancée par SMS."})
    assert reponse.status_code == 302
    demande = DemandeOpposition.objects.get()
    assert demande.organisation == t.ccas and demande.echeance == date(2026, 2, 28)
    assert demande.statut == DemandeOpposition.Statut.EN_ATTENTE and demande.demandee_par == t.compte
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.OPPOSITION_DEMANDEE)
    assert "réponse due au plus tard le 28/02/2026" in evenement.details["resume"]
    assert "SMS" not in evenement.details["resume"]
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == [t.referente.email] and "28/02/2026" in courriel.subject
    assert reverse("parcours:espace_opposition_repondre", args=[t.carnet.uuid, demande.uuid]) in courriel.body
    personne = t.carnet.personne
    for texte in (courriel.subject, courriel.body):  # le lien suffit : ni le nom, ni le prénom de la personne
        assert personne.nom not in texte and personne.prenom not in texte and "SMS" not in texte


def test_sans_adresse_du_referent_seuls_les_membres_qui_modifient_le_carnet_sont_prevenus(
    t, django_capture_on_commit_callbacks
):
    t.referente.email, t.referente.identifiant = None, "rose.lafitte"  # un compte sans adresse e-mail
    t.referente.save()
    t.ccas.email_contact = "accueil@ccas-dax.fr"  # une boîte partagée : jamais
    t.ccas.save()
    administratrice = membre(t.ccas, Role.ADMINISTRATEUR, email="direction@ccas-dax.fr").utilisateur
    t.collegue_ccas.email = "collegue@ccas-dax.fr"  # voit le carnet sans pouvoir le modifier : jamais
    t.collegue_ccas.save()
    with django_capture_on_commit_callbacks(execute=True):
        demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Motif")
    assert [courriel.to for courriel in mail.outbox] == [[administratrice.email]]
    assert partage.peut_repondre(administratrice, demande) and not partage.peut_repondre(t.collegue_ccas, demande)


def test_l_administrateur_d_une_organisation_qui_ne_modifie_pas_le_carnet_n_est_pas_prevenu(t):
    from parcours.espace.partage_taches import destinataires_opposition

    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Motif")
    demande.organisation = t.departement  # saisi, mais ne voit pas le carnet
    membre(t.departement, Role.ADMINISTRATEUR, email="direction@landes.fr")
    t.departement.email_contact = "contact@landes.fr"
    t.departement.save()
    assert destinataires_opposition(demande) == []


def test_la_personne_est_prevenue_de_la_reponse_sans_son_contenu(t, django_capture_on_commit_callbacks):
    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Motif")
    # Le compte de l'espace n'a pas d'adresse (un identifiant) : celle de la fiche de la personne sert.
    t.carnet.personne.email = "personne@exemple.fr"
    t.carnet.personne.save()
    with django_capture_on_commit_callbacks(execute=True):
        partage.repondre_opposition(
            demande, acteur=t.referente, statut="refusee", reponse="Le suivi du RSA est une obligation légale."
        )
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["personne@exemple.fr"] and "a reçu une réponse" in courriel.subject
    assert "Lisez-la dans votre espace personnel" in courriel.body
    assert reverse("parcours:espace_opposition") in courriel.body
    assert "RSA" not in courriel.body and "refus" not in courriel.body.lower() and "Motif" not in courriel.body


def test_l_adresse_du_compte_passe_avant_celle_de_la_fiche_et_sans_adresse_rien_ne_part(
    t, django_capture_on_commit_callbacks
):
    autre = carnet_services.ouvrir_carnet(
        acteur=t.referente, organisation=t.ccas, nom="Petit", prenom="Sam", date_naissance=date(1990, 7, 14)
    )
    autre.personne.email = "fiche@exemple.fr"
    autre.personne.save()
    compte = ouvrir_espace(autre, email="compte@exemple.fr")
    demande = partage.demander_opposition(autre, acteur=compte, motif="Motif")
    with django_capture_on_commit_callbacks(execute=True):
        partage.repondre_opposition(demande, acteur=t.referente, statut="acceptee", reponse="Fait.")
    assert [courriel.to for courriel in mail.outbox] == [["compte@exemple.fr"]]
    mail.outbox.clear()
    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Motif")  # ni compte ni fiche
    with django_capture_on_commit_callbacks(execute=True):
        partage.repondre_opposition(demande, acteur=t.referente, statut="acceptee", reponse="Fait.")
    assert mail.outbox == []


def test_une_seule_demande_en_attente_a_la_fois(t, client, connecter):
    partage.demander_opposition(t.carnet, acteur=t.compte, motif="Premier motif")
    with pytest.raises(ValidationError, match="déjà une demande en attente"):
        partage.demander_opposition(t.carnet, acteur=t.compte, motif="Second motif")
    connecter(t.compte)
    page = client.get(URL_OPPOSITION).content.decode()
    assert "Vous avez une demande en attente de réponse" in page and 'name="motif"' not in page
    reponse = client.post(URL_OPPOSITION, {"motif": "Second motif"})
    assert reponse.status_code == 200 and "déjà une demande en attente" in reponse.content.decode()
    assert DemandeOpposition.objects.count() == 1


def test_une_demande_sans_motif_est_refusee(t, client, connecter):
    connecter(t.compte)
    reponse = client.post(URL_OPPOSITION, {"motif": "   "})
    assert reponse.status_code == 200 and "Écrivez à quoi vous vous opposez" in reponse.content.decode()
    assert not DemandeOpposition.objects.exists()


def test_le_service_borne_la_longueur_du_motif_comme_le_formulaire(t):
    with pytest.raises(ValidationError) as erreur:
        partage.demander_opposition(t.carnet, acteur=t.compte, motif="x" * (partage.MOTIF_OPPOSITION_MAX + 1))
    assert "5000 caractères au plus" in str(erreur.value)
    assert not DemandeOpposition.objects.exists()
    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="x" * partage.MOTIF_OPPOSITION_MAX)
    assert len(demande.motif) == partage.MOTIF_OPPOSITION_MAX


def test_sans_referent_la_demande_va_a_l_organisation_qui_a_ouvert_le_carnet(t):
    Intervenant.objects.filter(carnet=t.carnet, role=Intervenant.Role.REFERENT).update(
        date_fin=timezone.localdate(), motif_fin="Départ"
    )
    nouveau = carnet_services.ouvrir_carnet(
        acteur=t.conseiller, organisation=t.france_travail, nom="Roux", prenom="Ana", date_naissance=date(1991, 1, 1)
    )
    Intervenant.objects.filter(carnet=nouveau).update(date_fin=timezone.localdate(), motif_fin="Départ")
    demande = partage.demander_opposition(nouveau, acteur=ouvrir_espace(nouveau), motif="Motif")
    assert demande.organisation == t.france_travail
    assert partage.demander_opposition(t.carnet, acteur=t.compte, motif="Motif").organisation == t.ccas


def url_repondre(demande):
    return reverse("parcours:espace_opposition_repondre", args=[demande.carnet.uuid, demande.uuid])


def test_la_reponse_vient_de_l_organisation_saisie_seulement(t, client, connecter):
    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Je m'oppose aux relances.")
    connecter(t.conseiller)  # voit et modifie le carnet, mais France Travail n'est pas saisi
    assert client.get(url_repondre(demande)).status_code == 403
    assert client.post(url_repondre(demande), {"statut": "acceptee", "reponse": "D'accord"}).status_code == 403
    connecter(t.collegue_ccas)  # membre du CCAS, voit le carnet sans pouvoir le modifier
    assert client.get(url_repondre(demande)).status_code == 403
    connecter(t.charge_pyrenees)  # ne voit pas le carnet
    assert client.get(url_repondre(demande)).status_code == 404
    with pytest.raises(PermissionDenied):
        partage.repondre_opposition(demande, acteur=t.conseiller, statut="acceptee", reponse="D'accord")
    demande.refresh_from_db()
    assert demande.statut == DemandeOpposition.Statut.EN_ATTENTE
    connecter(t.referente)
    page = client.get(url_repondre(demande)).content.decode()
    assert "Je m&#x27;oppose aux relances." in page
    reponse = client.post(
        url_repondre(demande), {"statut": "refusee", "reponse": "Le suivi du RSA est une obligation légale."}
    )
    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert demande.statut == DemandeOpposition.Statut.REFUSEE and demande.repondu_par == t.referente
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.OPPOSITION_REPONDUE)
    assert evenement.organisation == t.ccas and "refusée" in evenement.details["resume"]
    connecter(t.compte)
    page = client.get(URL_OPPOSITION).content.decode()
    assert "Le suivi du RSA est une obligation légale." in page and 'name="motif"' in page


def test_une_demande_deja_repondue_ne_l_est_pas_deux_fois(t, client, connecter):
    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Motif")
    partage.repondre_opposition(demande, acteur=t.referente, statut="acceptee", reponse="Données retirées.")
    with pytest.raises(ValidationError, match="déjà reçu une réponse"):
        partage.repondre_opposition(demande, acteur=t.referente, statut="refusee", reponse="Finalement non.")
    connecter(t.referente)
    reponse = client.post(url_repondre(demande), {"statut": "refusee", "reponse": "Finalement non."})
    assert reponse.status_code == 200 and "déjà reçu une réponse" in reponse.content.decode()
    demande.refresh_from_db()
    assert demande.statut == DemandeOpposition.Statut.ACCEPTEE and demande.reponse == "Données retirées."


def test_la_reponse_est_motivee(t, client, connecter):
    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Motif")
    connecter(t.referente)
    reponse = client.post(url_repondre(demande), {"statut": "acceptee", "reponse": ""})
    assert reponse.status_code == 200 and "Motivez la réponse" in reponse.content.decode()
    with pytest.raises(ValidationError):
        partage.repondre_opposition(demande, acteur=t.referente, statut="en_attente", reponse="Texte")
    demande.refresh_from_db()
    assert demande.statut == DemandeOpposition.Statut.EN_ATTENTE


def test_le_carnet_liste_les_demandes_en_attente_avec_leur_echeance(t):
    from django.template.loader import render_to_string

    assert partage.oppositions_du_carnet(t.carnet) == []
    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Motif")
    oppositions = partage.oppositions_du_carnet(t.carnet, lecteur=t.referente)
    assert oppositions == [demande] and oppositions[0].lecteur_peut_repondre
    html = render_to_string(
        "parcours/espace/includes/oppositions_carnet.html", {"carnet": t.carnet, "oppositions": oppositions}
    )
    assert url_repondre(demande) in html and f"{demande.echeance:%d/%m/%Y}" in html
    # Le conseiller de France Travail (qui n'est pas saisi) voit la demande, pas le lien vers une page en 403.
    oppositions = partage.oppositions_du_carnet(t.carnet, lecteur=t.conseiller)
    assert not oppositions[0].lecteur_peut_repondre
    html = render_to_string(
        "parcours/espace/includes/oppositions_carnet.html", {"carnet": t.carnet, "oppositions": oppositions}
    )
    assert url_repondre(demande) not in html and f"{demande.echeance:%d/%m/%Y}" in html
    assert "Les professionnels de CCAS de Dax qui suivent le carnet y répondent." in html
    partage.repondre_opposition(demande, acteur=t.referente, statut="acceptee", reponse="Fait.")
    assert partage.oppositions_du_carnet(t.carnet) == []


def test_un_membre_de_l_organisation_d_un_autre_role_ne_repond_pas_sans_modifier_le_carnet(t):
    administratrice = membre(t.ccas, Role.ADMINISTRATEUR).utilisateur  # administre une organisation qui partage
    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Motif")
    assert partage.peut_repondre(administratrice, demande)
    assert not partage.peut_repondre(t.collegue_ccas, demande)


# --- Côté professionnel : l'onglet « Groupe de suivi » du carnet --------------------------------------------------


def test_l_onglet_groupe_dit_qui_voit_le_carnet_l_accord_de_la_personne_et_l_opposition_a_traiter(t, client, connecter):
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    demande = partage.demander_opposition(t.carnet, acteur=t.compte, motif="Je refuse le partage avec la CAF.")
    connecter(t.referente)
    html = client.get(url_carnet(t.carnet, "?onglet=groupe")).content.decode()
    assert "Organisations qui voient le carnet (3)" in html
    assert f"accord de la personne depuis le {timezone.localdate():%-d/%m/%Y}" in html
    assert "cadre légal de l'accompagnement" in html
    assert f"réponse due au plus tard le {demande.echeance:%-d/%m/%Y}" in html
    assert reverse("parcours:espace_opposition_repondre", args=[t.carnet.uuid, demande.uuid]) in html
    assert "Ouvert depuis le" in html and reverse("parcours:espace_gerer", args=[t.carnet.uuid]) in html
    assert "Je refuse le partage" not in html  # la parole de la personne se lit sur la page de la demande
    for qui in (t.conseiller, t.collegue_ccas):  # voient le carnet, mais la demande ne leur est pas adressée
        connecter(qui)
        html = client.get(url_carnet(t.carnet, "?onglet=groupe")).content.decode()
        assert f"réponse due au plus tard le {demande.echeance:%-d/%m/%Y}" in html
        assert reverse("parcours:espace_opposition_repondre", args=[t.carnet.uuid, demande.uuid]) not in html
