from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parcours import services
from parcours.models import Action, ContratEngagement, EvenementCarnet, Objectif
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db

OBJECTIF_MOBILITE = "mobilite.travailler_la_mobilite_psychologique"


@pytest.fixture
def contexte():
    departement = OrganisationFactory(nom="Département")
    referente = membre(departement).utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Martin", prenom="Léa", date_naissance=date(1990, 4, 12)
    )
    return {"carnet": carnet, "departement": departement, "referente": referente}


def test_les_referentiels_sont_charges_avec_des_codes_stables():
    from parcours.models import ActionReferentiel, ObjectifReferentiel, Theme

    assert Theme.objects.count() == 16 and Theme.objects.filter(code="emploi", axe="emploi").exists()
    assert ObjectifReferentiel.objects.count() == 58 and ActionReferentiel.objects.count() == 134
    assert ObjectifReferentiel.objects.get(code="choisir_un_metier.confirmer_son_choix_de_metier").theme.axe == "emploi"


def test_un_objectif_du_referentiel_et_une_action_forment_le_plan(client, connecter, contexte):
    from parcours.models import ObjectifReferentiel

    carnet, referente = contexte["carnet"], contexte["referente"]
    code = ObjectifReferentiel.objects.filter(theme__axe="mobilite").values_list("code", flat=True).first()
    objectif = services.ajouter_objectif(carnet, acteur=referente, axe="mobilite", referentiel=code)
    action = services.ajouter_action(
        objectif, acteur=referente, libelle_libre="Inscription au code", date_debut=date(2026, 3, 1),
        date_echeance=date(2026, 5, 1), porteur=contexte["departement"],
    )  # fmt: skip
    services.changer_statut_action(action, acteur=referente, statut="en_cours")
    connecter(referente)
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid]) + "?onglet=plan").content.decode()
    assert objectif.libelle in page and "Inscription au code" in page and "saisie libre" in page
    types = list(carnet.evenements.values_list("type", flat=True))
    assert {"objectif_ajoute", "action_ajoutee", "action_modifiee"} <= set(types)


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"axe": "mobilite", "referentiel": "mobilite.code_inconnu"}, "n'existe pas dans le référentiel"),
        ({"axe": "inconnu", "libelle_libre": "x"}, "axe de travail n'existe pas"),
        (
            {"axe": "logement", "referentiel": "choisir_un_metier.confirmer_son_choix_de_metier"},
            "ne relève pas de l'axe",
        ),
        ({"axe": "logement"}, "pas les deux"),
        (
            {"axe": "emploi", "referentiel": "choisir_un_metier.confirmer_son_choix_de_metier", "libelle_libre": "x"},
            "pas les deux",
        ),
    ],
)
def test_un_objectif_mal_choisi_est_refuse(contexte, champs, message):
    with pytest.raises(ValidationError, match=message):
        services.ajouter_objectif(contexte["carnet"], acteur=contexte["referente"], **champs)
    assert not Objectif.objects.exists()


def test_une_echeance_avant_le_debut_est_refusee_et_rien_n_est_ecrit(client, connecter, contexte):
    carnet, referente = contexte["carnet"], contexte["referente"]
    objectif = services.ajouter_objectif(carnet, acteur=referente, axe="logement", libelle_libre="Trouver un logement")
    connecter(referente)
    prefixe = f"action-{objectif.uuid}"
    reponse = client.post(
        reverse("parcours:action_ajouter", args=[carnet.uuid, objectif.uuid]),
        {f"{prefixe}-libelle_libre": "Demande de logement social", f"{prefixe}-date_debut": "2026-05-01",
         f"{prefixe}-date_echeance": "2026-04-01"},
    )  # fmt: skip
    assert reponse.status_code == 400 and "L&#x27;échéance ne peut pas précéder le début" in reponse.content.decode()
    assert not Action.objects.exists()
    with pytest.raises(ValidationError, match="ne relève pas de l'axe"):
        services.ajouter_action(
            objectif, acteur=referente, referentiel=_une_action("mobilite"), date_debut=date(2026, 1, 1)
        )


def _une_action(axe):
    from parcours.models import ActionReferentiel

    return ActionReferentiel.objects.filter(theme_id=axe).values_list("code", flat=True).first()


def test_l_action_est_portee_par_une_organisation_du_groupe(contexte):
    carnet, referente = contexte["carnet"], contexte["referente"]
    objectif = services.ajouter_objectif(carnet, acteur=referente, axe="logement", libelle_libre="Logement")
    with pytest.raises(ValidationError, match="organisation du groupe de suivi"):
        services.ajouter_action(
            objectif, acteur=referente, libelle_libre="x", date_debut=date(2026, 1, 1), porteur=OrganisationFactory()
        )


def test_le_contrat_d_engagement_ses_heures_et_l_accord_de_la_personne(contexte):
    carnet, referente = contexte["carnet"], contexte["referente"]
    with pytest.raises(ValidationError, match="indiquez la raison de l'aménagement"):
        services.enregistrer_contrat(
            carnet, acteur=referente, date_debut=date(2026, 1, 1), signataires="Léa Martin", heures_hebdomadaires=8
        )
    with pytest.raises(ValidationError, match="indiquez le motif de l'aménagement"):
        services.enregistrer_contrat(
            carnet, acteur=referente, date_debut=date(2026, 1, 1), signataires="Léa Martin", heures_hebdomadaires=8,
            raison_amenagement="parent_isole_sans_garde",
        )  # fmt: skip
    assert not ContratEngagement.objects.exists()
    with pytest.raises(ValidationError, match="ne peut pas précéder son début"):
        services.enregistrer_contrat(
            carnet, acteur=referente, date_debut=date(2026, 3, 1), date_fin=date(2026, 2, 1), signataires="Léa Martin"
        )
    contrat = services.enregistrer_contrat(
        carnet, acteur=referente, date_debut=date(2026, 1, 1), signataires="Léa Martin, Claire Duprat",
        heures_hebdomadaires=8, raison_amenagement="parent_isole_sans_garde",
        motif_amenagement="Aucune place en crèche avant septembre",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="ne peut pas précéder le début du contrat"):
        services.enregistrer_accord(contrat, acteur=referente, date_accord=date(2025, 12, 1))
    services.enregistrer_accord(contrat, acteur=referente, date_accord=date(2026, 1, 2))
    assert ContratEngagement.objects.get().accord_personne_le == date(2026, 1, 2)
    objectif = services.ajouter_objectif(
        carnet, acteur=referente, axe="emploi", libelle_libre="Trouver un CDI", contrat=contrat
    )
    assert objectif.contrat == contrat
    types = set(carnet.evenements.values_list("type", flat=True))
    assert {EvenementCarnet.Type.CONTRAT_ENREGISTRE, EvenementCarnet.Type.CONTRAT_ACCEPTE} <= types


@pytest.mark.parametrize("taille", [1, 20])
def test_l_onglet_plan_a_un_nombre_de_requetes_fixe(client, connecter, contexte, taille, django_assert_num_queries):
    carnet, referente = contexte["carnet"], contexte["referente"]
    for numero in range(taille):
        objectif = services.ajouter_objectif(
            carnet, acteur=referente, axe="logement", libelle_libre=f"Objectif {numero}"
        )
        services.ajouter_action(
            objectif, acteur=referente, libelle_libre=f"Action {numero}", date_debut=date(2026, 1, 1)
        )
    connecter(referente)
    url = reverse("parcours:carnet", args=[carnet.uuid]) + "?onglet=plan"
    client.get(url)
    with django_assert_num_queries(NOMBRE_PLAN):
        client.get(url)


NOMBRE_PLAN = 20  # dont l'orientation de l'en-tête (demandes et décisions) et 1 pour les sections sensibles du journal


def test_un_collegue_qui_voit_le_carnet_sans_le_modifier_lit_le_plan_sans_formulaire(client, connecter, contexte):
    """Un collègue du Département, qui n'est pas intervenant, voit le carnet mais ne le modifie pas : l'onglet
    s'affiche (gabarits stricts : aucune variable inconnue), avec le plan et sans aucun formulaire d'ajout."""
    carnet, referente = contexte["carnet"], contexte["referente"]
    services.ajouter_objectif(carnet, acteur=referente, axe="mobilite", referentiel=OBJECTIF_MOBILITE)
    collegue = membre(contexte["departement"]).utilisateur
    connecter(collegue)
    reponse = client.get(reverse("parcours:carnet", args=[carnet.uuid]) + "?onglet=plan")
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Travailler la mobilité psychologique" in page
    assert "Ajouter un objectif" not in page and "Ajouter une action" not in page
    assert "Enregistrer un contrat" not in page
