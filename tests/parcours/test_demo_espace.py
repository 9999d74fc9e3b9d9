"""La démonstration ouvre l'espace de Jessica Cazaux (sa parole, son accord, un partage, les consultations de son
carnet) et celui de Damien Pujol (un avis attendu), et donne des avis anonymes au dernier trimestre complet, au-delà
du secret statistique ; recharger ne crée rien deux fois."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gouvernance.indicateurs import calcul, population
from parcours.demo_espace import IDENTIFIANT_DAMIEN, IDENTIFIANT_JESSICA
from parcours.espace import evaluation
from parcours.models import (
    ActivationEspace,
    Consentement,
    ConsultationCarnet,
    EspacePersonne,
    EtapeEvaluee,
    Evaluation,
    EvenementCarnet,
    ExpressionPersonne,
    SortieParcours,
)
from partenaires.management.commands.charger_demo import MOT_DE_PASSE_DEMO
from partenaires.models import Utilisateur

pytestmark = pytest.mark.django_db


def _etat():
    modeles = [
        EspacePersonne,
        ActivationEspace,
        ExpressionPersonne,
        Consentement,
        ConsultationCarnet,
        EtapeEvaluee,
        Evaluation,
        SortieParcours,
        EvenementCarnet,
        Utilisateur,
    ]
    return {modele.__name__: modele.objects.count() for modele in modeles} | {
        "avis": sorted(Evaluation.objects.values_list("mois", "utilite", "ecoute", "recommanderait")),
        "consultations": sorted(ConsultationCarnet.objects.values_list("carnet", "utilisateur", "onglet", "date")),
    }


def test_la_demo_ouvre_l_espace_de_jessica_avec_sa_parole_et_ses_partages(client):
    call_command("charger_demo", verbosity=0)
    espace = EspacePersonne.objects.select_related("compte", "personne").get(compte__identifiant=IDENTIFIANT_JESSICA)
    assert (espace.personne.prenom, espace.personne.nom) == ("Jessica", "Cazaux") and espace.est_ouvert
    assert espace.compte.est_personne and espace.compte.email is None
    carnet = espace.personne.carnet
    assert ActivationEspace.objects.get(personne=espace.personne).canal == ActivationEspace.Canal.CODE

    types = sorted(carnet.expressions.values_list("type", flat=True))
    assert types == ["besoin", "commentaire_objectif", "souhait"]
    contrat = carnet.contrats.get()
    assert contrat.accord_personne_le == timezone.localdate()
    assert carnet.evenements.filter(type="contrat_accepte", acteur=espace.compte).exists()
    consentement = Consentement.objects.get(carnet=carnet)
    assert consentement.organisation.nom == "Association Mobilité Landes (fictive)" and consentement.retire_le is None

    # Des consultations réelles : des professionnels de son groupe de suivi, ces dernières semaines.
    consultations = ConsultationCarnet.objects.filter(carnet=carnet).select_related("utilisateur")
    lecteurs = {consultation.utilisateur.email for consultation in consultations}
    assert lecteurs == {"referente@demo.spie.fr", "conseiller.ft@demo.spie.fr"}
    groupe = set(carnet.intervenants.actifs().values_list("utilisateur__email", flat=True))
    assert lecteurs <= groupe
    jours = {(timezone.localdate() - timezone.localdate(c.date)).days for c in consultations}
    assert min(jours) >= 2 and max(jours) >= 30

    # Elle se connecte avec l'identifiant imprimé et le mot de passe de la démonstration.
    assert client.login(username=IDENTIFIANT_JESSICA, password=MOT_DE_PASSE_DEMO)
    page = client.get(reverse("parcours:espace_consultations"))
    assert page.status_code == 200 and "Mora" in page.content.decode()
    page = client.get(reverse("parcours:espace_partages"))
    assert "Association Mobilité Landes" in page.content.decode()


def test_la_demo_attend_l_avis_de_damien_et_publie_les_avis_du_dernier_trimestre(connecter, client):
    call_command("charger_demo", verbosity=0)
    damien = EspacePersonne.objects.select_related("personne__carnet").get(compte__identifiant=IDENTIFIANT_DAMIEN)
    etapes = evaluation.etapes_a_evaluer(damien.personne.carnet)
    assert [(etape.type_etape, etape.libelle) for etape in etapes] == [
        ("sortie", "Sortie du parcours (Emploi durable (CDI, CDD de 6 mois ou plus))")
    ]
    assert client.login(username=IDENTIFIANT_DAMIEN, password=MOT_DE_PASSE_DEMO)
    assert "Sortie du parcours" in client.get(reverse("parcours:espace_evaluations")).content.decode()

    periode = population.dernier_trimestre_complet(timezone.localdate())
    avis = Evaluation.objects.filter(departement="40", mois__gte=periode.debut, mois__lte=periode.fin)
    assert avis.count() >= 6 and Evaluation.objects.count() == avis.count()
    mesures = calcul.indicateurs_du_territoire(calcul.Filtres(departement="40", periode=periode))
    publiees = {
        code: mesure.valeur
        for (code, public, cle), mesure in mesures.items()
        if public == population.TOUS and cle == "periode" and not mesure.secrete
    }
    assert publiees["avis_reponses"] == avis.count()
    assert {"avis_utilite", "avis_ecoute", "avis_recommandation"} <= set(publiees)

    connecter(Utilisateur.objects.get(email="pilote@demo.spie.fr"))
    page = client.get(reverse("gouvernance:indicateurs"))
    assert page.status_code == 200 and "Avis des personnes accompagnées" in page.content.decode()


def test_recharger_la_demo_ne_change_rien():
    call_command("charger_demo", verbosity=0)
    etat = _etat()
    call_command("charger_demo", verbosity=0)
    assert _etat() == etat
