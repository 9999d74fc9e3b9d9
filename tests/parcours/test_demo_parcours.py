"""La démonstration montre chaque écran du parcours sans rupture avec des données (et ne crée rien deux fois)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from parcours.models import (
    Carnet,
    DecisionOrientation,
    DemandeOrientation,
    ElementATraiter,
    EvenementCarnet,
    OrientationService,
    RendezVous,
    SortieParcours,
)
from partenaires.models import Organisation, Utilisateur

pytestmark = pytest.mark.django_db
Regle = ElementATraiter.Regle


def _etat():
    modeles = [
        Carnet,
        DemandeOrientation,
        DecisionOrientation,
        SortieParcours,
        RendezVous,
        EvenementCarnet,
        OrientationService,
    ]
    return {modele.__name__: modele.objects.count() for modele in modeles} | {
        "elements": sorted(ElementATraiter.objects.values_list("regle", "carnet_id", "referent_id", "organisation_id"))
    }


def test_la_demo_remplit_la_file_les_sorties_et_le_point_de_situation_une_seule_fois(connecter):
    call_command("charger_demo", verbosity=0)
    etat = _etat()
    call_command("charger_demo", verbosity=0)
    assert _etat() == etat

    dax = Organisation.objects.get(nom__startswith="SDSeI de Dax")
    file = DemandeOrientation.objects.en_attente().filter(organisation_orientation=dax)
    assert set(file.values_list("motif", flat=True)) == set(DemandeOrientation.Motif.values) - {"premiere_orientation"}
    en_retard = [demande for demande in file if demande.en_retard()]
    assert len(en_retard) == 1 and en_retard[0].cause_retard
    assert file.get(motif="reorientation").parcours_recommande
    assert Organisation.objects.get(departement="64").nom == "Département des Pyrénées-Atlantiques"

    decisions = DecisionOrientation.objects.all()
    assert any(d.date_limite_contrat and not d.carnet.contrats.signes_depuis(d.notifiee_le) for d in decisions)
    assert decisions.filter(parcours="social").exclude(motif_prolongation="").exists()
    assert SortieParcours.objects.filter(motif="emploi_durable", suivi_emploi_mois=3).exists()
    assert SortieParcours.objects.filter(motif="formation_qualifiante", suivi_emploi_mois=0).exists()
    confirme = RendezVous.objects.get(reponse=RendezVous.Reponse.CONFIRME)
    assert confirme.convocation_envoyee_le and confirme.carnet.personne.email.endswith("@exemple.fr")

    referente = Utilisateur.objects.get(email="referente@demo.spie.fr")
    regles = set(ElementATraiter.objects.filter(referent=referente).values_list("regle", flat=True))
    assert {
        Regle.PERDU_DE_VUE,
        Regle.CONTRAT_EN_RETARD,
        Regle.ACTION_ECHUE,
        Regle.POINT_SUIVI_EMPLOI,
        Regle.REEXAMEN_STATUT,
    } <= regles
    assert ElementATraiter.objects.filter(referent=referente, regle=Regle.PERDU_DE_VUE).count() == 3
    assert "Mission locale" in ElementATraiter.objects.get(regle=Regle.REEXAMEN_STATUT).detail

    page = connecter(referente).get(reverse("parcours:a_traiter"))
    assert page.status_code == 200 and "Aucun élément à traiter" not in page.content.decode()
    assert "garrigues" in page.content.decode().lower()  # une personne perdue de vue

    client = connecter(referente)
    for carnet in Carnet.objects.filter(
        personne__identifiant_departement__startswith="DEMO-P", intervenants__utilisateur=referente
    ).distinct():
        for onglet in ("orientation", "situation", "plan", "rendez_vous", "historique"):
            assert client.get(reverse("parcours:carnet", args=[carnet.uuid]), {"onglet": onglet}).status_code == 200

    charge = Utilisateur.objects.get(email="orientation@demo.spie.fr")
    page = connecter(charge).get(reverse("parcours:orientation_file"), {"retard": "oui"})
    assert page.status_code == 200 and "dubourdieu" in page.content.decode().lower()

    pilote = Utilisateur.objects.get(email="pilote@demo.spie.fr")
    page = connecter(pilote).get(reverse("parcours:point_de_situation"))
    contenu = page.content.decode()
    assert page.status_code == 200 and "Aucun élément à traiter" not in contenu
    assert "SDSeI de Dax" in contenu and "PLIE du Marsan" in contenu


def test_la_demo_remplit_les_boites_de_reception_de_l_offre(connecter):
    call_command("charger_demo", verbosity=0)
    assert OrientationService.objects.count() == 4
    acceptee = OrientationService.objects.get(statut=OrientationService.Statut.ACCEPTEE)
    assert acceptee.heures_hebdomadaires and acceptee.action.statut == "en_projet"
    conseiller = Utilisateur.objects.get(email="conseiller.ft@demo.spie.fr")
    page = connecter(conseiller).get(reverse("parcours:orientations_recues")).content.decode()
    assert "Atelier CV" in page and "Club de recherche" not in page  # celle du PLIE n'est pas pour France Travail
