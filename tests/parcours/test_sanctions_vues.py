"""Les pages des manquements : listes (contenu, visibilité, nombre de requêtes), page d'un manquement (étapes et
formulaires selon qui regarde), envoi des formulaires et erreurs."""

from datetime import date

import pytest
from django.urls import reverse

from parcours import services as carnet_services
from parcours.models import ConsultationCarnet, Manquement
from tests.factories import OrganisationFactory, membre
from tests.parcours import sanctions_fabriques
from tests.parcours.sanctions_fabriques import (
    AUJOURD_HUI,
    avis_equipe,
    le,
    manquement,
    manquement_avis_envoye,
)

territoire = sanctions_fabriques.territoire  # fixture

FORMULAIRES = ["motif_form", "avis_form", "observations_form", "decision_form", "levee_form"]


def formulaires(reponse) -> list[str]:
    return [nom for nom in FORMULAIRES if reponse.context[nom] is not None]


def autre_carnet(t, nom, organisation=None):
    return carnet_services.ouvrir_carnet(
        acteur=t["referente"],
        organisation=organisation or t["mission_locale"],
        nom=nom,
        prenom="Alex",
        date_naissance=date(1990, 1, 1),
    )


# --- Liste du carnet ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qui", "statut", "bouton"),
    [
        ("referente", 200, True),
        ("collegue", 200, False),
        ("charge", 200, True),
        ("pilote", 404, False),
        ("charge_voisin", 404, False),
        ("etranger", 404, False),
    ],
)
def test_la_liste_du_carnet(client, connecter, territoire, qui, statut, bouton):
    t = territoire
    manquement(t["carnet"], t["referente"])
    connecter(t[qui])
    reponse = client.get(reverse("parcours:manquements", args=[t["carnet"].uuid]))
    assert reponse.status_code == statut
    consultations = ConsultationCarnet.objects.filter(carnet=t["carnet"], utilisateur=t[qui], onglet="manquements")
    if statut == 200:
        page = reponse.content.decode()
        assert "Refus d&#x27;élaborer ou d&#x27;actualiser le contrat d&#x27;engagement" in page
        assert (reverse("parcours:manquement_constater", args=[t["carnet"].uuid]) in page) is bouton
        assert consultations.count() == 1
    else:
        assert not consultations.exists()


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_liste_du_carnet_en_un_nombre_fixe_de_requetes(
    client,
    connecter,
    territoire,
    django_assert_num_queries,
    nombre,
):
    for _ in range(nombre):
        manquement(territoire["carnet"], territoire["referente"])
    connecter(territoire["referente"])
    url = reverse("parcours:manquements", args=[territoire["carnet"].uuid])
    client.get(url)
    with django_assert_num_queries(12):  # dont la consultation notée
        reponse = client.get(url)
    assert reponse.context["page"].paginator.count == nombre


# --- Constat -------------------------------------------------------------------------------------------


def test_constater_un_manquement(client, connecter, territoire):
    t = territoire
    connecter(t["referente"])
    url = reverse("parcours:manquement_constater", args=[t["carnet"].uuid])
    assert client.get(url).status_code == 200
    reponse = client.post(url, {"type": "refus_controle", "faits": "A refusé le contrôle.", "date_faits": "2025-09-30"})
    m = Manquement.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("parcours:manquement", args=[m.uuid])
    assert (m.type, m.date_faits) == ("refus_controle", date(2025, 9, 30))


def test_constater_dans_le_futur_est_refuse_sur_le_champ(client, connecter, territoire):
    t = territoire
    connecter(t["referente"])
    url = reverse("parcours:manquement_constater", args=[t["carnet"].uuid])
    reponse = client.post(url, {"type": "refus_controle", "faits": "A refusé.", "date_faits": "2025-10-02"})
    assert reponse.status_code == 400
    assert reponse.context["form"].errors["date_faits"] == ["La date ne peut pas être dans le futur."]
    assert Manquement.objects.count() == 0


# --- Page d'un manquement : qui voit quoi ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("qui", "statut", "attendus"),
    [
        ("referente", 200, ["motif_form"]),
        ("charge", 200, ["motif_form"]),
        ("collegue", 200, []),
        ("pilote", 404, None),
        ("charge_voisin", 404, None),
    ],
)
def test_la_page_d_un_manquement_constate(client, connecter, territoire, qui, statut, attendus):
    m = manquement(territoire["carnet"], territoire["referente"])
    connecter(territoire[qui])
    reponse = client.get(reverse("parcours:manquement", args=[m.uuid]))
    assert reponse.status_code == statut
    if statut == 200:
        assert formulaires(reponse) == attendus
        assert ConsultationCarnet.objects.filter(utilisateur=territoire[qui], onglet="manquement").count() == 1


def test_apres_l_examen_vient_l_avis(client, connecter, territoire):
    m = manquement(
        territoire["carnet"], territoire["referente"], motif_legitime=False, motif_legitime_examine_le=date(2025, 9, 5)
    )
    connecter(territoire["referente"])
    assert formulaires(client.get(reverse("parcours:manquement", args=[m.uuid]))) == ["avis_form"]


@pytest.mark.parametrize(
    ("avis_envoye_le", "qui", "attendus"),
    [
        (date(2025, 9, 21), "charge", ["observations_form"]),  # observations jusqu'au 1er octobre inclus
        (date(2025, 9, 20), "charge", ["observations_form", "decision_form"]),  # jusqu'au 30 septembre
        (date(2025, 9, 20), "referente", ["observations_form"]),
        (date(2025, 9, 20), "collegue", []),
    ],
)
def test_la_decision_s_ouvre_au_chargee_apres_la_fenetre(client, connecter, territoire, avis_envoye_le, qui, attendus):
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"], avis_envoye_le=avis_envoye_le)
    connecter(territoire[qui])
    reponse = client.get(reverse("parcours:manquement", args=[m.uuid]))
    assert formulaires(reponse) == attendus


def test_une_sanction_en_cours_se_leve_par_la_chargee(client, connecter, territoire):
    m = manquement_avis_envoye(
        territoire["carnet"],
        territoire["referente"],
        statut="decide",
        decision="suspension",
        decide_le=date(2025, 9, 25),
        taux_suspension=50,
        duree_mois=2,
        personnes_foyer=1,
        motif_decision="Aucune observation.",
    )
    url = reverse("parcours:manquement", args=[m.uuid])
    connecter(territoire["referente"])
    assert formulaires(client.get(url)) == []
    connecter(territoire["charge"])
    reponse = client.get(url)
    assert formulaires(reponse) == ["levee_form"]
    assert "de 50 % pendant 2 mois" in reponse.content.decode()


# --- Envoi des formulaires -----------------------------------------------------------------------------


def test_la_procedure_par_les_pages(client, connecter, territoire, time_machine):
    t = territoire
    le(time_machine, date(2025, 9, 12))  # l'avis s'enregistre dans les 5 jours de son envoi
    m = manquement(t["carnet"], t["referente"])
    connecter(t["referente"])
    url = lambda nom: reverse(f"parcours:{nom}", args=[m.uuid])  # noqa: E731
    page = reverse("parcours:manquement", args=[m.uuid])
    assert (
        client.post(
            url("manquement_motif"), {"motif_legitime": "non", "precision": "Rien.", "examine_le": "2025-09-05"}
        )["Location"]
        == page
    )
    assert (
        client.post(url("manquement_avis"), {"avis_envoye_le": "2025-09-10", "canal": "courrier"})["Location"] == page
    )
    reponse = client.post(url("manquement_observations"), {"observations": "Je conteste.", "recues_le": "2025-09-12"})
    assert reponse["Location"] == page
    le(time_machine, AUJOURD_HUI)
    avis_equipe(m, t["charge"])
    connecter(t["charge"])
    donnees = {
        "decision": "suspension",
        "taux": "30",
        "duree": "1",
        "personnes_foyer": "2",
        "motif": "Non probant.",
        "decide_le": "2025-09-21",
    }
    assert client.post(url("manquement_decider"), donnees)["Location"] == page
    assert client.post(url("manquement_lever"), {"levee_le": "2025-09-30", "motif": "Conforme."})["Location"] == page
    m.refresh_from_db()
    assert (m.observations, m.decision, m.taux_suspension, m.duree_mois, m.personnes_foyer, m.levee_le) == (
        "Je conteste.",
        "suspension",
        30,
        1,
        2,
        date(2025, 9, 30),
    )


def test_une_decision_hors_bornes_revient_sur_la_page_avec_l_erreur(client, connecter, territoire):
    t = territoire
    m = manquement_avis_envoye(t["carnet"], t["referente"])
    avis_equipe(m, t["charge"])
    connecter(t["charge"])
    donnees = {
        "decision": "suspension",
        "taux": "60",
        "duree": "1",
        "personnes_foyer": "2",
        "motif": "x",
        "decide_le": "2025-09-21",
    }
    reponse = client.post(reverse("parcours:manquement_decider", args=[m.uuid]), donnees)
    assert reponse.status_code == 400
    assert reponse.context["decision_form"].errors["taux"] == [
        "Pour un foyer de plus d'une personne, la suspension est plafonnée à 50 %."
    ]
    assert "plafonnée à 50" in reponse.content.decode()
    m.refresh_from_db()
    assert m.decision == ""


def test_la_referente_ne_decide_pas(client, connecter, territoire):
    m = manquement_avis_envoye(territoire["carnet"], territoire["referente"])
    connecter(territoire["referente"])
    donnees = {"decision": "sans_sanction", "motif": "x", "decide_le": "2025-09-21"}
    assert client.post(reverse("parcours:manquement_decider", args=[m.uuid]), donnees).status_code == 403


# --- Manquements à décider du territoire ---------------------------------------------------------------


def test_les_manquements_a_decider_du_territoire(client, connecter, territoire):
    t = territoire
    a_decider = manquement_avis_envoye(t["carnet"], t["referente"], avis_envoye_le=date(2025, 9, 20))
    manquement_avis_envoye(t["carnet"], t["referente"], avis_envoye_le=date(2025, 9, 21))  # jusqu'au 1er octobre
    manquement(t["carnet"], t["referente"])  # pas encore d'avis
    manquement_avis_envoye(
        t["carnet"], t["referente"], statut="decide", decision="sans_sanction", decide_le=date(2025, 9, 25)
    )
    ailleurs = OrganisationFactory(nom="CCAS de Pau", departement="64")
    referent_pau = membre(ailleurs).utilisateur
    carnet_pau = carnet_services.ouvrir_carnet(
        acteur=referent_pau, organisation=ailleurs, nom="Pau", prenom="Léa", date_naissance=date(1990, 1, 1)
    )
    manquement_avis_envoye(carnet_pau, referent_pau)
    connecter(t["charge"])
    reponse = client.get(reverse("parcours:manquements_a_decider"))
    assert [m.pk for m in reponse.context["page"].object_list] == [a_decider.pk]
    assert "à demander" in reponse.content.decode()
    # la personne montrée, une fois, au nom du Département de la chargée d'orientation
    assert list(ConsultationCarnet.objects.values_list("carnet", "utilisateur", "organisation", "onglet")) == [
        (t["carnet"].pk, t["charge"].pk, t["departement"].pk, "manquements")
    ]


@pytest.mark.parametrize("qui", ["referente", "pilote", "etranger"])
def test_les_manquements_a_decider_aux_seuls_charges_d_orientation(client, connecter, territoire, qui):
    connecter(territoire[qui])
    assert client.get(reverse("parcours:manquements_a_decider")).status_code == 403


@pytest.mark.parametrize("nombre", [1, 30])
def test_les_manquements_a_decider_en_un_nombre_fixe_de_requetes(
    client,
    connecter,
    territoire,
    django_assert_num_queries,
    nombre,
):
    t = territoire
    for numero in range(nombre):
        m = manquement_avis_envoye(autre_carnet(t, f"Personne {numero}"), t["referente"])
        if numero % 2:
            avis_equipe(m, t["charge"])
    connecter(t["charge"])
    url = reverse("parcours:manquements_a_decider")
    client.get(url)
    with django_assert_num_queries(10):  # dont la consultation notée, en une requête, des personnes de la page
        reponse = client.get(url)
    assert reponse.context["page"].paginator.count == nombre
    assert ConsultationCarnet.objects.filter(utilisateur=t["charge"], onglet="manquements").count() == 2 * min(
        nombre, 25
    )


def test_les_carnets_du_territoire_en_une_requete_quel_que_soit_le_nombre_d_organisations(territoire):
    """Les carnets suivis par l'une des organisations du département du chargé d'orientation : une seule sous-requête
    sur les partages, pas une par organisation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parcours.sanctions import acces

    t = territoire
    suivis = [t["carnet"]]
    for numero, departement in enumerate(["40", "40", "40", "64"]):
        ccas = OrganisationFactory(nom=f"CCAS {numero}", type="ccas_commune_epci", departement=departement)
        carnet = carnet_services.ouvrir_carnet(
            acteur=membre(ccas).utilisateur,
            organisation=ccas,
            nom=f"Suivi {numero}",
            prenom="Alex",
            date_naissance=date(1990, 1, 1),
        )
        if departement == "40":
            suivis.append(carnet)
    with CaptureQueriesContext(connection) as requetes:
        carnets = list(acces.carnets_du_territoire(t["charge"]).order_by("pk"))
    assert carnets == suivis
    assert len(requetes) == 2  # les départements du chargé, puis les carnets
    assert requetes[1]["sql"].count('"auth_permission"') == 1
