"""La démonstration montre l'équipe pluridisciplinaire des Landes (une séance tenue, une à venir) et un manquement à
chaque étape de la procédure ; recharger ne crée rien deux fois."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parcours.models import DossierEquipe, EquipePluridisciplinaire, EvenementCarnet, Manquement, MembreEquipe
from partenaires.models import Utilisateur

pytestmark = pytest.mark.django_db
Statut = Manquement.Statut


def _etat():
    modeles = [EquipePluridisciplinaire, MembreEquipe, DossierEquipe, Manquement, EvenementCarnet]
    return {modele.__name__: modele.objects.count() for modele in modeles} | {
        "seances": sorted(DossierEquipe.objects.values_list("seance__date_heure", "avis", "decision"))
    }


def _manquement(identifiant) -> Manquement:
    return Manquement.objects.get(carnet__personne__identifiant_departement=identifiant)


def test_la_demo_montre_l_equipe_pluridisciplinaire_et_chaque_etape_des_manquements(connecter):
    call_command("charger_demo", verbosity=0)
    aujourd_hui = timezone.localdate()

    equipe = EquipePluridisciplinaire.objects.get()
    assert (equipe.departement, equipe.organisation.nom) == ("40", "Département des Landes")
    membres = list(equipe.membres.values_list("qualite", "utilisateur__email"))
    assert sorted(membres) == [
        ("professionnel", "conseillere.cap@demo.spie.fr"),
        ("professionnel", "orientation@demo.spie.fr"),
        ("representant_beneficiaires", None),
        ("representant_beneficiaires", None),
    ]
    tenue, a_venir = equipe.seances.order_by("date_heure")
    assert tenue.date_heure.date() == aujourd_hui - timedelta(days=20)
    assert a_venir.date_heure.date() == aujourd_hui + timedelta(days=10)

    reorientation = tenue.dossiers.get(motif=DossierEquipe.Motif.REORIENTATION)
    assert (reorientation.avis, reorientation.decision) == ("favorable", "reorientation")
    assert reorientation.decide_le == aujourd_hui - timedelta(days=18)
    assert reorientation.carnet.personne.nom == "Ferreira"
    assert reorientation.decideur.email == "orientation@demo.spie.fr"
    sur_manquements = tenue.dossiers.filter(motif=DossierEquipe.Motif.MANQUEMENT)
    assert sorted(sur_manquements.values_list("avis", "decision")) == [("favorable", ""), ("favorable", "sanction")]
    assert list(a_venir.dossiers.values_list("motif", "avis")) == [("manquement", "")]

    # Une étape par manquement : constaté, motif légitime, avis en cours, à décider, suspension levée.
    assert _manquement("DEMO-P05").statut == Statut.CONSTATE
    assert _manquement("DEMO-0011").statut == Statut.MOTIF_LEGITIME
    en_cours = _manquement("DEMO-0012")
    assert en_cours.statut == Statut.AVIS_ENVOYE and en_cours.fin_observations == aujourd_hui + timedelta(days=6)
    assert en_cours.dossiers_equipe.get().seance == a_venir
    a_decider = _manquement("DEMO-0013")
    assert a_decider.statut == Statut.AVIS_ENVOYE and a_decider.fin_observations < aujourd_hui
    assert a_decider.dossiers_equipe.get().avis == "favorable"
    avis_envoye = a_decider.carnet.evenements.get(type="manquement_avis_envoye")
    assert avis_envoye.date.date() == a_decider.avis_envoye_le == aujourd_hui - timedelta(days=40)
    assert f"jusqu'au {a_decider.fin_observations:%d/%m/%Y}" in avis_envoye.details["resume"]
    leve = _manquement("DEMO-0014")
    assert (leve.decision, leve.taux_suspension, leve.duree_mois, leve.personnes_foyer) == ("suspension", 50, 2, 1)
    assert leve.decide_le == aujourd_hui - timedelta(days=15) and leve.levee_le == aujourd_hui - timedelta(days=3)
    assert leve.decideur.email == "orientation@demo.spie.fr"
    evenements = leve.carnet.evenements.filter(type__in=["sanction_decidee", "sanction_levee"]).order_by("date")
    assert [e.date.date() for e in evenements] == [leve.decide_le, leve.levee_le]

    charge = Utilisateur.objects.get(email="orientation@demo.spie.fr")
    page = connecter(charge).get(reverse("parcours:manquements_a_decider"))
    assert page.status_code == 200
    contenu = page.content.decode()
    assert a_decider.carnet.personne.nom in contenu and en_cours.carnet.personne.nom not in contenu

    client = connecter(Utilisateur.objects.get(email="pilote@demo.spie.fr"))
    for url in (
        reverse("parcours:equipe", args=[equipe.uuid]),
        reverse("parcours:equipe_seance", args=[tenue.uuid]),
        reverse("parcours:equipe_seance", args=[a_venir.uuid]),
    ):
        assert client.get(url).status_code == 200, url

    etat = _etat()
    call_command("charger_demo", verbosity=0)
    assert _etat() == etat
