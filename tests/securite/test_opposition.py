"""Opposition au partage : la personne (dans son espace) ou l'organisation de son référent (à sa demande) l'enregistre.
Seule l'organisation du référent garde le carnet (les autres le perdent à la requête suivante), tout nouveau partage
est refusé avec un message clair, l'import de personnes refuse la ligne (motif « opposition »). Levée tracée."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parcours import conservation
from parcours import permissions as regles_carnet
from parcours import services as carnet_services
from parcours.choix import VOIR_CARNET
from parcours.espace import partage
from parcours.models import Consentement, EvenementCarnet, Intervenant, OppositionPartage, Personne
from partenaires import permissions
from partenaires.choix import Role
from tests.factories import membre
from tests.parcours.espace_fabriques import ouvrir_espace
from tests.parcours.fichiers_import import EN_TETES, csv_octets, erreurs_de, importer, ligne
from tests.parcours.test_espace_partage import t  # noqa: F401 - fixture : le territoire des Landes

pytestmark = pytest.mark.django_db


def test_la_personne_s_oppose_et_seule_l_organisation_de_son_referent_garde_le_carnet(t, connecter):  # noqa: F811
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    client = connecter(t.conseiller)
    url = reverse("parcours:carnet", args=[t.carnet.uuid])
    assert client.get(url).status_code == 200
    assert regles_carnet.can_view_carnet(t.benevole, t.carnet)

    effet = conservation.enregistrer_opposition(t.carnet, acteur=t.compte)

    assert effet.organisations_retirees == ["Association Trait d'union", "France Travail Dax"]
    assert list(permissions.organisations_partageant(t.carnet, VOIR_CARNET)) == [t.ccas]
    assert client.get(url).status_code == 404  # la requête suivante, sans cache
    assert not regles_carnet.can_view_carnet(t.benevole, t.carnet)
    assert regles_carnet.can_edit_carnet(t.referente, t.carnet)
    conseiller = Intervenant.objects.get(utilisateur=t.conseiller)
    assert (
        conseiller.date_fin is not None and conseiller.motif_fin == "Opposition de la personne au partage de son carnet"
    )
    assert Consentement.objects.get().retire_par == t.compte
    opposition = OppositionPartage.objects.get()
    assert (opposition.par_la_personne, opposition.organisation, opposition.enregistree_par) == (True, t.ccas, t.compte)
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.OPPOSITION_PARTAGE)
    assert evenement.acteur == t.compte and evenement.organisation is None
    assert "seule « CCAS de Dax » garde le carnet" in evenement.details["resume"]


def test_le_referent_enregistre_l_opposition_a_la_demande_de_la_personne(t):  # noqa: F811
    with pytest.raises(PermissionDenied):
        conservation.enregistrer_opposition(t.carnet, acteur=t.conseiller)  # France Travail : pas l'organisation
    with pytest.raises(PermissionDenied):
        conservation.enregistrer_opposition(t.carnet, acteur=t.benevole)
    assert not OppositionPartage.objects.exists()
    conservation.enregistrer_opposition(t.carnet, acteur=t.referente)
    opposition = OppositionPartage.objects.get()
    assert not opposition.par_la_personne and opposition.enregistree_par == t.referente
    evenement = t.carnet.evenements.get(type=EvenementCarnet.Type.OPPOSITION_PARTAGE)
    assert evenement.organisation == t.ccas
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        conservation.enregistrer_opposition(t.carnet, acteur=t.compte)


def test_tout_nouveau_partage_est_refuse_avec_un_message_clair(t):  # noqa: F811
    conservation.enregistrer_opposition(t.carnet, acteur=t.compte)
    collegue_ft = membre(t.france_travail).utilisateur
    with pytest.raises(ValidationError) as erreur:
        carnet_services.ajouter_intervenant(
            t.carnet, acteur=t.referente, utilisateur=collegue_ft, organisation=t.france_travail
        )
    assert erreur.value.messages == [conservation.MESSAGE_PARTAGE_REFUSE]
    with pytest.raises(ValidationError, match="s'oppose au partage"):
        partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    with pytest.raises(ValidationError, match="s'oppose au partage"):
        permissions.partager(t.carnet, t.departement, VOIR_CARNET)  # même par la façade, directement
    assert list(permissions.organisations_partageant(t.carnet, VOIR_CARNET)) == [t.ccas]
    # L'organisation du référent, elle, reste libre d'ajouter un collègue.
    carnet_services.ajouter_intervenant(t.carnet, acteur=t.referente, utilisateur=t.collegue_ccas, organisation=t.ccas)


def test_la_levee_est_tracee_et_rouvre_le_partage_sans_rendre_les_acces_retires(t):  # noqa: F811
    conservation.enregistrer_opposition(t.carnet, acteur=t.compte)
    with pytest.raises(PermissionDenied):
        conservation.lever_opposition(t.carnet, acteur=t.conseiller)
    conservation.lever_opposition(t.carnet, acteur=t.compte)
    opposition = OppositionPartage.objects.get()
    assert opposition.levee_par == t.compte and opposition.levee_le is not None
    assert t.carnet.evenements.filter(type=EvenementCarnet.Type.OPPOSITION_PARTAGE_LEVEE).count() == 1
    assert not regles_carnet.can_view_carnet(t.conseiller, t.carnet)
    partage.donner_consentement(t.carnet, acteur=t.compte, organisation=t.association)
    assert regles_carnet.can_view_carnet(t.benevole, t.carnet)
    with pytest.raises(ValidationError, match="Aucune opposition"):
        conservation.lever_opposition(t.carnet, acteur=t.compte)


def test_une_personne_d_un_autre_carnet_ne_s_oppose_pas_pour_elle(t):  # noqa: F811
    autre = carnet_services.ouvrir_carnet(
        acteur=t.referente, organisation=t.ccas, nom="Darrigade", prenom="Maëlle", date_naissance=date(1994, 8, 23)
    )
    with pytest.raises(PermissionDenied):
        conservation.enregistrer_opposition(autre, acteur=t.compte)
    compte_autre = ouvrir_espace(autre)
    compte_autre.espace_personne.ferme_le = compte_autre.date_joined
    compte_autre.espace_personne.save()
    with pytest.raises(PermissionDenied):  # espace fermé
        conservation.enregistrer_opposition(autre, acteur=compte_autre)


# --- L'import de personnes ----------------------------------------------------------------------------------


def test_l_import_ne_recree_ni_ne_met_a_jour_un_dossier_en_opposition(t):  # noqa: F811
    """Le CCAS (l'organisation du référent, qui garde le carnet) réimporte la personne : la ligne est refusée avec
    le motif « opposition » ; ni la personne, ni son carnet, ni un nouveau carnet."""
    admin = membre(t.ccas, Role.ADMINISTRATEUR, email="admin@ccas.fr").utilisateur
    importeur = {"organisation": t.ccas, "admin": admin}
    conservation.enregistrer_opposition(t.carnet, acteur=t.compte)
    fichier = csv_octets(
        [ligne(), ligne(nom="Darrigade", prenom="Maëlle", naissance="23/08/1994", cp="40990", commune="Herm")],
        en_tetes=EN_TETES,
    )
    avant = list(Personne.objects.order_by("pk").values())
    evenements = t.carnet.evenements.count()

    resultat = importer(importeur, fichier, valides_seulement=True)

    assert erreurs_de(resultat, 2)["generales"] == [conservation.MOTIF_IMPORT]
    assert resultat.rapport == {"creees": [3], "mises_a_jour": [], "inchangees": []}
    assert list(Personne.objects.exclude(nom="Darrigade").order_by("pk").values()) == avant
    assert t.carnet.evenements.count() == evenements
    # Levée, la même ligne redevient importable (la personne est reconnue, rien de neuf à écrire).
    conservation.lever_opposition(t.carnet, acteur=t.compte)
    resultat = importer(importeur, fichier, valides_seulement=True)
    assert resultat.rapport["inchangees"] == [2] or resultat.rapport["mises_a_jour"] == [2]
    assert "opposition" not in str(resultat.erreurs).lower()


# --- Les pages ---------------------------------------------------------------------------------------------------


def test_la_personne_s_oppose_depuis_son_espace_et_le_referent_voit_l_etat(t, connecter, client):  # noqa: F811
    from django.test import Client

    personne = connecter(t.compte)
    url = reverse("parcours:espace_opposition_partage")
    assert url in personne.get(reverse("parcours:espace_opposition")).content.decode()
    page = personne.get(url).content.decode()
    assert "Je m'oppose au partage de mon carnet" in page and "CCAS de Dax" in page
    assert personne.post(url).status_code == 302
    assert OppositionPartage.objects.actives().count() == 1
    assert "Lever l'opposition" in personne.get(url).content.decode()

    referente = connecter(t.referente, client=Client())
    url_pro = reverse("parcours:carnet_opposition_partage", args=[t.carnet.uuid])
    page = referente.get(url_pro).content.decode()
    assert "par la personne dans son espace" in page and "Lever l'opposition" in page
    assert personne.post(url).status_code == 302  # la personne lève son opposition
    assert not OppositionPartage.objects.actives().exists()
    assert connecter(t.conseiller, client=Client()).get(url_pro).status_code == 404  # France Travail a perdu l'accès


def test_sous_opposition_un_transfert_de_territoire_passe_car_il_releve_du_cadre_legal(t, connecter):  # noqa: F811
    """Le transfert au Département d'accueil relève du cadre légal du RSA (RGPD, article 21 : pas d'opposition à un
    traitement nécessaire à une obligation légale) : la page l'accepte, l'organisation d'accueil voit le carnet."""
    from parcours.models import DemandeOrientation, TransfertTerritoire

    conservation.enregistrer_opposition(t.carnet, acteur=t.compte)
    client = connecter(t.referente)
    url = reverse("parcours:orientation_transferer", args=[t.carnet.uuid])
    donnees = {"departement": "64", "organisation_accueil": str(t.pyrenees.uuid), "motif": "Déménagement à Bayonne"}
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302
    transfert = TransfertTerritoire.objects.get()
    assert transfert.organisation_accueil == t.pyrenees
    assert DemandeOrientation.objects.get().organisation_orientation == t.pyrenees
    assert regles_carnet.can_view_carnet(t.charge_pyrenees, t.carnet)
    # L'association, hors du cadre légal, reste refusée.
    with pytest.raises(ValidationError, match="s'oppose au partage"):
        permissions.partager(t.carnet, t.association, VOIR_CARNET)


def test_sous_opposition_la_demande_d_orientation_au_departement_passe_et_la_decision_aussi(t):  # noqa: F811
    """L'orientation RSA par le Département relève du cadre légal : la demande partage le carnet avec sa file, la
    décision avec l'organisme référent qu'elle désigne. Un partage direct avec une autre organisation, hors de ces
    deux raisons, reste refusé."""
    conservation.enregistrer_opposition(t.carnet, acteur=t.compte)
    assert not regles_carnet.can_view_carnet(t.charge, t.carnet)
    demande = t.demander(date(2026, 1, 5))
    assert regles_carnet.can_view_carnet(t.charge, t.carnet)
    with pytest.raises(ValidationError, match="s'oppose au partage"):
        permissions.partager(t.carnet, t.france_travail, VOIR_CARNET)  # pas encore désignée : hors du cadre légal
    t.orienter(demande)  # vers France Travail, avec Marc Labat pour référent
    assert regles_carnet.can_view_carnet(t.conseiller, t.carnet)
    with pytest.raises(ValidationError, match="s'oppose au partage"):
        permissions.partager(t.carnet, t.association, VOIR_CARNET)


def test_le_cadre_legal_se_lit_dans_les_donnees_du_carnet(t):  # noqa: F811
    """La règle seule : la file de la dernière demande d'orientation et l'organisme référent de la dernière décision
    d'orientation relèvent du cadre légal ; le Département sans demande, une association, non."""
    groupe = {o: o.groupe_id for o in (t.departement, t.france_travail, t.association, t.ccas)}
    carnet_id = t.carnet.pk
    assert not any(conservation.partage_du_cadre_legal(carnet_id, g) for g in groupe.values())
    demande = t.demander(date(2026, 1, 5))
    assert conservation.partage_du_cadre_legal(carnet_id, groupe[t.departement])
    assert not conservation.partage_du_cadre_legal(carnet_id, groupe[t.france_travail])
    t.orienter(demande)
    assert conservation.partage_du_cadre_legal(carnet_id, groupe[t.france_travail])
    assert not conservation.partage_du_cadre_legal(carnet_id, groupe[t.association])


def test_l_onglet_groupe_mene_a_l_opposition_et_au_gel_legal_seulement_qui_peut_les_enregistrer(t, client, connecter):  # noqa: F811
    """Les deux pages ne sont pas des adresses à connaître : l'onglet « Groupe de suivi » y mène, à qui y a droit."""
    administratrice = membre(t.ccas, Role.ADMINISTRATEUR).utilisateur
    url = reverse("parcours:carnet", args=[t.carnet.uuid]) + "?onglet=groupe"
    opposition = reverse("parcours:carnet_opposition_partage", args=[t.carnet.uuid])
    gel = reverse("parcours:carnet_gel_legal", args=[t.carnet.uuid])
    attendus = {
        administratrice: (True, True),
        t.referente: (True, False),  # l'organisation du référent, sans être administratrice
        t.conseiller: (False, False),  # France Travail voit le carnet, mais n'est pas l'organisation du référent
    }
    for utilisateur, (lien_opposition, lien_gel) in attendus.items():
        html = connecter(utilisateur).get(url).content.decode()
        assert (f'href="{opposition}"' in html, f'href="{gel}"' in html) == (lien_opposition, lien_gel), utilisateur
        for adresse, montre in ((opposition, lien_opposition), (gel, lien_gel)):
            assert client.get(adresse).status_code == (200 if montre else 403), (utilisateur, adresse)
