"""La gouvernance de démonstration des Landes : des comités composés, une séance tenue et archivée, une séance à
venir, un plan d'actions chiffré, les études de situations du comité technique, des indicateurs au-delà du secret
statistique ; chaque page s'ouvre avec ces données, et recharger ne crée rien deux fois."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gouvernance.besoins import flux
from gouvernance.choix import ResultatDeliberation, StatutSeance, TypeComite
from gouvernance.indicateurs import calcul, population
from gouvernance.models import Comite, Decision, EtudeSituation, FicheAction, LigneBudget, Mandat, Seance
from parcours.models import EvenementCarnet
from partenaires.models import Utilisateur

pytestmark = pytest.mark.django_db


def _etat():
    return [
        modele.objects.count()
        for modele in (Comite, Mandat, Seance, Decision, FicheAction, LigneBudget, EtudeSituation)
    ]


def test_la_demo_montre_une_seance_tenue_une_seance_a_venir_et_le_plan(
    connecter, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        call_command("charger_demo", verbosity=0)
    etat = _etat()
    assert etat[0] == 3 and etat[4] == 3
    tenue = Seance.objects.get(statut=StatutSeance.CLOTUREE)
    assert tenue.compte_rendu  # archivé à la clôture (tâches immédiates en local)
    assert tenue.points.filter(resultat=ResultatDeliberation.ADOPTEE, voix_preponderante_utilisee=True).exists()
    assert Decision.objects.ouvertes().count() == 2
    a_venir = Seance.objects.get(statut=StatutSeance.PREPARATION, comite__type=TypeComite.STRATEGIQUE)
    assert a_venir.validations.count() == 1

    connecter(Utilisateur.objects.get(email="secretaire@demo.spie.fr"))
    for url in (
        reverse("gouvernance:comites"),
        reverse("gouvernance:comite", args=[tenue.comite.uuid]),
        reverse("gouvernance:seance", args=[tenue.uuid]),
        reverse("gouvernance:seance", args=[a_venir.uuid]),
        reverse("gouvernance:plan", args=[tenue.comite.consortium.uuid]),
        reverse("gouvernance:financeurs", args=[tenue.comite.consortium.uuid]),
        reverse("gouvernance:compte_rendu_telecharger", args=[tenue.uuid]),
    ):
        reponse = client.get(url)
        assert reponse.status_code == 200, url
        if reponse.streaming:
            b"".join(reponse.streaming_content)

    call_command("charger_demo", verbosity=0)
    assert _etat() == etat


def test_la_demo_montre_les_etudes_de_situations_et_des_indicateurs_publiables(connecter, client):
    call_command("charger_demo", verbosity=0)
    aujourd_hui = timezone.localdate()
    technique = Comite.objects.get(type=TypeComite.TECHNIQUE)
    etudes = {etude.statut: etude for etude in technique.etudes.select_related("carnet__personne", "point__seance")}
    assert set(etudes) == {"soumise", "inscrite", "recommandee"}
    assert all(etude.consentement == "ecrit" and etude.consentement_le < aujourd_hui for etude in etudes.values())
    assert etudes["inscrite"].point.seance.date > timezone.now()
    recommandee = etudes["recommandee"]
    assert recommandee.point.seance.date.date() == recommandee.recommandee_le == aujourd_hui - timedelta(days=14)
    retour = recommandee.carnet.evenements.get(type=EvenementCarnet.Type.ETUDE_SITUATION_RECOMMANDATION)
    assert "plateforme mobilité" in retour.details["resume"]
    for etude in etudes.values():  # le comité ne connaît que le pseudonyme
        assert etude.carnet.personne.nom not in etude.situation + etude.question

    connecter(Utilisateur.objects.get(email="secretaire@demo.spie.fr"))
    page = client.get(reverse("gouvernance:etudes_du_comite", args=[technique.uuid]))
    assert page.status_code == 200 and recommandee.pseudonyme in page.content.decode()

    # Le dernier trimestre complet et le mois dernier : des chiffres au-delà du secret (5 personnes au moins).
    periode = population.dernier_trimestre_complet(aujourd_hui)
    mesures = calcul.indicateurs_du_territoire(calcul.Filtres(departement="40", periode=periode))
    publiees = {
        code
        for (code, public, cle), mesure in mesures.items()
        if public == population.TOUS and cle == "periode" and mesure.valeur and not mesure.secrete
    }
    assert {
        "accompagnes",
        "part_orientees",
        "part_contrat",
        "part_referent",
        "delai_orientation_median",
        "delai_accompagnement_median",
    } <= publiees
    lignes = flux.lignes_affichees("40", flux.Mois.precedent(aujourd_hui))
    assert any(ligne["nombre_decisions"] == 5 and ligne["parcours"] == "emploi" for ligne in lignes)

    connecter(Utilisateur.objects.get(email="pilote@demo.spie.fr"))
    for url, attendu in (
        (reverse("gouvernance:indicateurs"), "Personnes accompagnées"),
        (reverse("gouvernance:besoins_non_couverts"), "Mobilité"),
        (reverse("gouvernance:flux_orientations"), "France Travail Mont-de-Marsan"),
    ):
        page = client.get(url)
        assert page.status_code == 200 and attendu in page.content.decode(), url
