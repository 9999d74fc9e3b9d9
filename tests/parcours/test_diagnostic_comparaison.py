"""La comparaison d'une version avec la précédente : ce qui a changé, par partie et par domaine."""

import pytest
from django.urls import reverse

from parcours.diagnostic import services
from parcours.diagnostic.comparaison import comparer
from tests.parcours.conftest import diagnostic_valide, evaluations

pytestmark = pytest.mark.django_db
SANS_TRANSPORT = "mobilite.aucun_moyen_de_transport_a_disposition"
PERMIS_EN_COURS = "mobilite.permis_et_ou_code_en_cours"


@pytest.fixture
def deux_versions(equipe):
    carnet, referente = equipe["carnet"], equipe["referente"]
    premiere = diagnostic_valide(
        carnet,
        referente,
        mobilite={"appreciation": "besoin", "impact": "fort", "situations": [SANS_TRANSPORT]},
        sante={"appreciation": "besoin", "impact": "moyen", "commentaire": "Suivi psychiatrique"},
    )
    seconde = services.commencer(carnet, acteur=referente)
    services.enregistrer(
        seconde,
        acteur=referente,
        evaluations=evaluations(
            mobilite={"appreciation": "besoin", "impact": "moyen", "situations": [SANS_TRANSPORT, PERMIS_EN_COURS]},
            sante={"appreciation": "besoin", "impact": "fort", "commentaire": "Hospitalisation prévue"},
        ),
        situation_actuelle="formation",
        niveau_formation="NV5",
    )
    return premiere, services.valider(seconde, acteur=referente, parcours_retenu="socio_professionnel")


def test_la_comparaison_montre_chaque_changement_par_domaine(deux_versions):
    premiere, seconde = deux_versions
    parties = {p.titre: p for p in comparer(premiere, seconde, voit_sensible=True)}
    assert set(parties) == {"Situation professionnelle", "Mobilité", "Santé"}
    situation = {c.quoi: (c.avant, c.apres) for c in parties["Situation professionnelle"].changements}
    assert situation == {"situation actuelle": ("En recherche d'emploi", "En formation")}
    mobilite = {c.quoi: (c.avant, c.apres) for c in parties["Mobilité"].changements}
    assert mobilite["impact sur la recherche d'emploi"] == ("Fort", "Moyen")
    assert mobilite["situation : Permis et/ou code en cours"] == ("—", "observée")
    sante = {c.quoi: (c.avant, c.apres) for c in parties["Santé"].changements}
    assert sante["commentaire du professionnel"] == ("Suivi psychiatrique", "Hospitalisation prévue")


def test_un_domaine_sensible_dit_seulement_qu_il_a_change(deux_versions):
    premiere, seconde = deux_versions
    sante = next(p for p in comparer(premiere, seconde, voit_sensible=False) if p.titre == "Santé")
    assert sante.reservee and [(c.avant, c.apres) for c in sante.changements] == [("information réservée", "modifié")]


def test_sans_changement_la_comparaison_est_vide(equipe):
    premiere = diagnostic_valide(equipe["carnet"], equipe["referente"])
    seconde = services.valider(
        services.commencer(equipe["carnet"], acteur=equipe["referente"]), acteur=equipe["referente"]
    )
    assert comparer(premiere, seconde, voit_sensible=True) == []


def test_le_carnet_montre_la_version_courante_et_ce_qui_a_change(deux_versions, equipe, client, connecter):
    connecter(equipe["referente"])
    page = client.get(reverse("parcours:carnet", args=[equipe["carnet"].uuid]) + "?onglet=diagnostic").content.decode()
    assert "<strong>Version 2</strong>" in page and "Ce qui a changé depuis la version 1" in page
    assert "Permis et/ou code en cours" in page and "Hospitalisation prévue" in page
    assert "Version 1</a>" in page  # la liste des versions


@pytest.mark.parametrize("taille", ["petit", "grand"])
def test_l_onglet_a_un_nombre_de_requetes_fixe(equipe, client, connecter, taille, django_assert_num_queries):
    """Une ou beaucoup de situations et de projets, une ou deux versions : le même nombre de requêtes."""
    from parcours.models import Situation

    carnet, referente = equipe["carnet"], equipe["referente"]
    domaines, metiers = ["mobilite"], ["D1102.boulanger_boulangere"]
    if taille == "grand":
        domaines = ["mobilite", "logement", "numerique", "sante"]
        metiers += ["D1102.aide_boulanger_aide_boulangere", "F1703.macon_maconne"]
    par_domaine = {
        domaine: {"appreciation": "besoin", "impact": "moyen",
                  "situations": list(Situation.objects.filter(domaine=domaine).values_list("code", flat=True))}
        for domaine in domaines
    }  # fmt: skip
    diagnostic_valide(carnet, referente, **par_domaine)
    seconde = services.commencer(carnet, acteur=referente)
    for metier in metiers:
        services.ajouter_projet(seconde, acteur=referente, appellation=metier)
    services.valider(seconde, acteur=referente)
    services.commencer(carnet, acteur=referente)
    connecter(referente)
    url = reverse("parcours:carnet", args=[carnet.uuid]) + "?onglet=diagnostic"
    client.get(url)
    with django_assert_num_queries(NOMBRE_ONGLET_DIAGNOSTIC):
        client.get(url)


NOMBRE_ONGLET_DIAGNOSTIC = 28  # dont l'orientation de l'en-tête et 2 pour les sections sensibles du journal
