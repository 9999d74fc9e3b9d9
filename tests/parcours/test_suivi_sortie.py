"""Sortie de parcours, suivi dans l'emploi, réouverture : chaque workflow, chaque mauvaise saisie, les droits."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parcours.models import Carnet, EvenementCarnet, Intervenant, PointSuiviEmploi, SortieParcours
from parcours.suivi import services
from tests.factories import OrganisationFactory, membre
from tests.parcours import suivi_fabriques
from tests.parcours.suivi_fabriques import AUJOURD_HUI, OUVERTURE, instant

equipe, temps = suivi_fabriques.equipe, suivi_fabriques.temps  # fixtures
Type = EvenementCarnet.Type


@pytest.fixture
def aujourd_hui(equipe, temps):
    temps.move_to(instant(AUJOURD_HUI), tick=False)
    return equipe


def _etat(carnet):
    carnet.refresh_from_db()
    return (
        carnet.statut,
        SortieParcours.objects.count(),
        PointSuiviEmploi.objects.count(),
        carnet.evenements.count(),
    )


def _types(carnet):
    return list(carnet.evenements.order_by("date", "pk").values_list("type", flat=True))


# --- Sortie ------------------------------------------------------------------------------------


def test_sortie_avec_suivi_dans_l_emploi_prevoit_un_point_par_mois(aujourd_hui):
    carnet, referente = aujourd_hui["carnet"], aujourd_hui["referente"]
    sortie = services.sortir(
        carnet, acteur=referente, motif="emploi_durable", date_sortie=date(2026, 1, 31), suivi_emploi_mois=3
    )
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.SUIVI_EMPLOI
    assert list(sortie.points_suivi.values_list("date_prevue", flat=True)) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    evenement = carnet.evenements.get(type=Type.SORTIE)
    assert evenement.resume == (
        "Emploi durable (CDI, CDD de 6 mois ou plus), le 31/01/2026 ; suivi dans l'emploi de 3 mois"
    )
    assert evenement.organisation == aujourd_hui["departement"]
    # le groupe de suivi continue
    assert Intervenant.objects.actifs().filter(carnet=carnet).count() == 1


def test_sortie_sans_suivi_clot_le_carnet_et_garde_la_precision_hors_de_l_historique(aujourd_hui):
    carnet = aujourd_hui["carnet"]
    services.sortir(
        carnet, acteur=aujourd_hui["referente"], motif="autre", precision="Incarcération", date_sortie=AUJOURD_HUI
    )
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.CLOS
    assert SortieParcours.objects.get().precision == "Incarcération"
    assert "Incarcération" not in carnet.evenements.get(type=Type.SORTIE).resume


@pytest.mark.parametrize(
    ("champs", "champ", "message"),
    [
        ({"motif": "inconnu"}, "motif", "Choisissez un motif"),
        ({"motif": "autre", "precision": "  "}, "precision", "Précisez le motif"),
        ({"date_sortie": AUJOURD_HUI + timedelta(days=1)}, "date_sortie", "dans le futur"),
        ({"date_sortie": OUVERTURE - timedelta(days=1)}, "date_sortie", "précéder l'ouverture du carnet (02/06/2025)"),
        ({"suivi_emploi_mois": 13}, "suivi_emploi_mois", "de 0 à 12 mois"),
        ({"suivi_emploi_mois": -1}, "suivi_emploi_mois", "de 0 à 12 mois"),
        ({"motif": "deces", "suivi_emploi_mois": 2}, "suivi_emploi_mois", "sortie vers l'emploi"),
    ],
)
def test_une_mauvaise_saisie_de_sortie_n_ecrit_rien(aujourd_hui, champs, champ, message):
    carnet = aujourd_hui["carnet"]
    avant = _etat(carnet)
    donnees = {"motif": "emploi_temporaire", "date_sortie": AUJOURD_HUI, **champs}
    with pytest.raises(ValidationError) as erreur:
        services.sortir(carnet, acteur=aujourd_hui["referente"], **donnees)
    assert message in " ".join(erreur.value.message_dict[champ])
    assert _etat(carnet) == avant


@pytest.mark.parametrize("suivi", [0, 2])
def test_la_sortie_d_un_parcours_deja_clos_est_refusee_sans_rien_ecrire(aujourd_hui, suivi):
    carnet, referente = aujourd_hui["carnet"], aujourd_hui["referente"]
    services.sortir(carnet, acteur=referente, motif="emploi_durable", date_sortie=AUJOURD_HUI, suivi_emploi_mois=suivi)
    avant = _etat(carnet)
    with pytest.raises(ValidationError, match="Ce parcours est déjà clos"):
        services.sortir(carnet, acteur=referente, motif="refus", date_sortie=AUJOURD_HUI)
    assert _etat(carnet) == avant


def test_seul_qui_peut_modifier_le_carnet_le_clot(aujourd_hui):
    collegue = membre(aujourd_hui["mission_locale"]).utilisateur  # ne partage pas le carnet
    with pytest.raises(PermissionDenied):
        services.sortir(aujourd_hui["carnet"], acteur=collegue, motif="refus", date_sortie=AUJOURD_HUI)
    assert SortieParcours.objects.count() == 0


# --- Points du suivi dans l'emploi ---------------------------------------------------------------


@pytest.fixture
def en_suivi(aujourd_hui, temps):
    temps.move_to(instant(date(2026, 1, 10)), tick=False)
    services.sortir(
        aujourd_hui["carnet"], acteur=aujourd_hui["referente"], motif="creation_entreprise",
        date_sortie=date(2026, 1, 10), suivi_emploi_mois=2,
    )  # fmt: skip
    temps.move_to(instant(AUJOURD_HUI), tick=False)
    return aujourd_hui


def test_le_dernier_point_fait_termine_le_suivi(en_suivi):
    carnet, referente = en_suivi["carnet"], en_suivi["referente"]
    premier, second = PointSuiviEmploi.objects.order_by("date_prevue")
    services.enregistrer_point(premier, acteur=referente, situation="en_emploi", commentaire="Activité lancée")
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.SUIVI_EMPLOI
    services.enregistrer_point(second, acteur=referente, situation="en_emploi", fait_le=date(2026, 3, 10))
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.CLOS
    assert _types(carnet)[-3:] == [Type.POINT_SUIVI_EMPLOI, Type.POINT_SUIVI_EMPLOI, Type.FIN_SUIVI_EMPLOI]
    premier.refresh_from_db()
    assert (premier.fait_le, premier.saisi_par, premier.commentaire) == (AUJOURD_HUI, referente, "Activité lancée")
    assert "Activité lancée" not in carnet.evenements.filter(type=Type.POINT_SUIVI_EMPLOI).first().resume


@pytest.mark.parametrize(
    ("champs", "champ", "message"),
    [
        ({"situation": ""}, "situation", "Choisissez la situation"),
        ({"fait_le": AUJOURD_HUI + timedelta(days=1)}, "fait_le", "dans le futur"),
        ({"fait_le": date(2026, 1, 9)}, "fait_le", "précéder la sortie du parcours (10/01/2026)"),
    ],
)
def test_une_mauvaise_saisie_de_point_n_ecrit_rien(en_suivi, champs, champ, message):
    point = PointSuiviEmploi.objects.order_by("date_prevue").first()
    avant = _etat(en_suivi["carnet"])
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_point(point, acteur=en_suivi["referente"], **{"situation": "en_emploi", **champs})
    assert message in " ".join(erreur.value.message_dict[champ])
    assert _etat(en_suivi["carnet"]) == avant


def test_un_point_ne_s_enregistre_qu_une_fois(en_suivi):
    point = PointSuiviEmploi.objects.order_by("date_prevue").first()
    services.enregistrer_point(point, acteur=en_suivi["referente"], situation="injoignable")
    avant = _etat(en_suivi["carnet"])
    with pytest.raises(ValidationError, match="déjà enregistré"):
        services.enregistrer_point(point, acteur=en_suivi["referente"], situation="en_emploi")
    assert _etat(en_suivi["carnet"]) == avant


def test_arreter_le_suivi_clot_le_carnet_et_garde_les_points(en_suivi):
    carnet, referente = en_suivi["carnet"], en_suivi["referente"]
    with pytest.raises(ValidationError, match="Indiquez pourquoi"):
        services.terminer_suivi_emploi(carnet, acteur=referente, motif=" ")
    services.terminer_suivi_emploi(carnet, acteur=referente, motif="La personne ne souhaite plus de suivi")
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.CLOS
    assert PointSuiviEmploi.objects.filter(fait_le__isnull=True).count() == 2
    assert "2 point(s) non faits" in carnet.evenements.get(type=Type.FIN_SUIVI_EMPLOI).resume
    point = PointSuiviEmploi.objects.first()
    with pytest.raises(ValidationError, match="suivi dans l'emploi de ce parcours est terminé"):
        services.enregistrer_point(point, acteur=referente, situation="en_emploi")
    with pytest.raises(ValidationError, match="pas de suivi dans l'emploi en cours"):
        services.terminer_suivi_emploi(carnet, acteur=referente, motif="Encore")


# --- Réouverture -------------------------------------------------------------------------------


def test_rouvrir_garde_la_sortie_dans_l_histoire_et_permet_une_nouvelle_sortie(en_suivi):
    carnet, referente = en_suivi["carnet"], en_suivi["referente"]
    services.rouvrir(carnet, acteur=referente, motif="Fin de la période d'essai")
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.ACTIF
    ancienne = SortieParcours.objects.get()
    assert (ancienne.rouvert_le, ancienne.rouvert_par, ancienne.motif_reouverture) == (
        AUJOURD_HUI,
        referente,
        "Fin de la période d'essai",
    )
    assert carnet.evenements.get(type=Type.REOUVERTURE).resume.startswith("Parcours repris après la sortie du 10/01")
    services.sortir(carnet, acteur=referente, motif="formation_qualifiante", date_sortie=AUJOURD_HUI)
    assert SortieParcours.objects.count() == 2


def test_on_ne_rouvre_ni_un_parcours_en_cours_ni_sans_motif(aujourd_hui):
    carnet, referente = aujourd_hui["carnet"], aujourd_hui["referente"]
    with pytest.raises(ValidationError, match="n'est pas clos"):
        services.rouvrir(carnet, acteur=referente, motif="Retour")
    services.sortir(carnet, acteur=referente, motif="refus", date_sortie=AUJOURD_HUI)
    avant = _etat(carnet)
    with pytest.raises(ValidationError, match="pourquoi le parcours reprend"):
        services.rouvrir(carnet, acteur=referente, motif="")
    assert _etat(carnet) == avant


# --- Pages -------------------------------------------------------------------------------------


def test_le_referent_clot_le_parcours_depuis_l_en_tete_du_carnet(aujourd_hui, client, connecter):
    carnet = aujourd_hui["carnet"]
    connecter(aujourd_hui["referente"])
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid])).content.decode()
    assert reverse("parcours:sortie_parcours", args=[carnet.uuid]) in page
    url = reverse("parcours:sortie_parcours", args=[carnet.uuid])
    assert client.get(url).status_code == 200
    reponse = client.post(url, {"motif": "autre", "precision": "", "date_sortie": "2026-03-16", "suivi_emploi_mois": 0})
    assert reponse.status_code == 400 and "Précisez le motif de sortie « Autre »." in reponse.content.decode()
    reponse = client.post(
        url, {"motif": "emploi_temporaire", "date_sortie": "2026-03-16", "suivi_emploi_mois": "2"}, follow=True
    )
    page = reponse.content.decode()
    assert "suivi dans l&#x27;emploi de 2 mois" in page
    assert "Point prévu le 16/04/2026" in page and "Enregistrer ce point" in page
    assert "à venir" in page and "à faire" not in page  # aucun point n'est encore dû
    # déjà clos : message clair, rien d'écrit
    reponse = client.post(url, {"motif": "refus", "date_sortie": "2026-03-16", "suivi_emploi_mois": "0"})
    assert reponse.status_code == 400 and "Ce parcours est déjà clos" in reponse.content.decode()
    assert SortieParcours.objects.count() == 1


def test_les_boutons_de_sortie_ne_sont_montres_qu_a_qui_peut_modifier(aujourd_hui, client, connecter):
    carnet = aujourd_hui["carnet"]
    services.sortir(
        carnet, acteur=aujourd_hui["referente"], motif="emploi_durable", date_sortie=AUJOURD_HUI, suivi_emploi_mois=1
    )
    from parcours import services as carnet_services

    carnet_services.ajouter_intervenant(
        carnet, acteur=aujourd_hui["referente"], utilisateur=aujourd_hui["conseiller"],
        organisation=aujourd_hui["mission_locale"],
    )  # fmt: skip
    collegue = membre(aujourd_hui["mission_locale"]).utilisateur  # voit le carnet, ne le modifie pas
    connecter(collegue)
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid])).content.decode()
    assert "Sortie du parcours le" in page
    assert "Rouvrir le parcours" not in page and "Enregistrer ce point" not in page
    connecter(aujourd_hui["conseiller"])
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid])).content.decode()
    assert "Rouvrir le parcours" in page and "Enregistrer ce point" in page


def test_point_arret_et_reouverture_par_les_pages(en_suivi, client, connecter):
    carnet = en_suivi["carnet"]
    premier = PointSuiviEmploi.objects.order_by("date_prevue").first()
    connecter(en_suivi["referente"])
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid])).content.decode()
    assert page.count(">à faire</span>") == 2  # les points du 10/02 et du 10/03 sont dus
    url_point = reverse("parcours:point_suivi_emploi", args=[carnet.uuid, premier.uuid])
    assert client.get(url_point).status_code == 200
    assert client.post(url_point, {"situation": "", "fait_le": "2026-03-16"}).status_code == 400
    reponse = client.post(url_point, {"situation": "en_emploi", "fait_le": "2026-03-16", "commentaire": ""})
    assert reponse.status_code == 302
    url_fin = reverse("parcours:suivi_emploi_terminer", args=[carnet.uuid])
    client.post(url_fin, {"fin-motif": "Plus de suivi souhaité"})
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.CLOS
    url = reverse("parcours:carnet_rouvrir", args=[carnet.uuid])
    assert client.post(url, {"motif": ""}).status_code == 400
    assert client.post(url, {"motif": "Perte d'emploi"}).status_code == 302
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.ACTIF


def test_un_point_d_un_autre_carnet_donne_404(en_suivi, client, connecter):
    autre_organisation = OrganisationFactory(nom="CCAS")
    autre_referent = membre(autre_organisation).utilisateur
    autre = suivi_fabriques.ouvrir(autre_referent, autre_organisation, nom="Autre")
    point = PointSuiviEmploi.objects.first()
    connecter(autre_referent)
    url = reverse("parcours:point_suivi_emploi", args=[autre.uuid, point.uuid])
    assert client.get(url).status_code == 404
