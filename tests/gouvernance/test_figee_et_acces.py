"""Ce que la relecture a montré, fixé par des tests : un secrétaire ou un co-président partis perdent l'accès ; la
page d'une fiche ne montre pas ce qui s'est dit dans un comité qu'on ne voit pas ; une séance clôturée garde son
quorum quand la composition change ; une décision exige le quorum au moment où elle s'écrit, et une seule fois ;
l'ordre du jour validé suit les co-présidences."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gouvernance import permissions
from gouvernance.choix import ChoixVote, StatutPresence, StatutSeance, TypePoint, Voix
from gouvernance.composition import services as composition
from gouvernance.deliberation import services as deliberation
from gouvernance.deliberation.services import LignePresence
from gouvernance.models import Siege
from gouvernance.seances import services as seances
from partenaires import services as partenaires
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques

PRESENT, ABSENT = StatutPresence.PRESENT, StatutPresence.ABSENT


@pytest.fixture
def equipe(db):
    equipe = fabriques.equipe_comite()
    equipe.seance = fabriques.seance_commencee(equipe.comite, cree_par=equipe.secretaire)
    equipe.point = fabriques.point(equipe.seance, "Garage solidaire", type=TypePoint.DELIBERATION)
    return equipe


def _noter(equipe, **statuts):
    lignes = [
        LignePresence(
            siege=getattr(equipe.sieges, nom),
            statut=statuts.get(nom, ABSENT),
            mandat=getattr(equipe.mandats, nom) if statuts.get(nom) == PRESENT else None,
        )
        for nom in ("etat", "departement", "caf", "commune", "france_travail", "mission_locale")
    ]
    deliberation.noter_presences(equipe.seance, acteur=equipe.secretaire, lignes=lignes)


def _quitter(utilisateur, organisation):
    """L'administrateur de l'organisation désactive l'appartenance (départ, mutation)."""
    administrateur = membre(organisation, Role.ADMINISTRATEUR).utilisateur
    appartenance = utilisateur.membres.get(organisation=organisation, is_active=True)
    partenaires.desactiver_membre(appartenance, acteur=administrateur, motif="Départ")


# --- Accès de ceux qui sont partis ----------------------------------------------------------------


def test_le_secretaire_parti_ne_voit_plus_ni_ne_tient_le_comite(equipe, client, connecter):
    _quitter(equipe.secretaire, equipe.departement)
    membre(OrganisationFactory(nom="Association voisine"), Role.PROFESSIONNEL, utilisateur=equipe.secretaire)
    assert not permissions.can_edit_seances(equipe.secretaire, equipe.comite)
    assert not permissions.can_edit_plan(equipe.secretaire, equipe.consortium)
    connecter(equipe.secretaire)
    assert client.get(reverse("gouvernance:comite", args=[equipe.comite.uuid])).status_code == 404
    assert client.get(reverse("gouvernance:seance_creer", args=[equipe.comite.uuid])).status_code == 404


def test_secretaire_ailleurs_ne_tient_plus_les_comites_d_ici(equipe):
    """Devenu secrétaire de comité dans un autre département (organisation hors du consortium des Landes)."""
    _quitter(equipe.secretaire, equipe.departement)
    membre(
        OrganisationFactory(nom="Département voisin", departement="64"),
        Role.SECRETAIRE_COMITE,
        utilisateur=equipe.secretaire,
    )
    assert not permissions.can_edit_seances(equipe.secretaire, equipe.comite)
    assert not permissions.visible_comites(equipe.secretaire).exists()


def test_le_copresident_parti_ne_valide_plus(equipe, client, connecter):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire)
    fabriques.point(seance, "Bilan")
    _quitter(equipe.prefet, equipe.prefecture)
    membre(OrganisationFactory(nom="Autre préfecture", departement="64"), utilisateur=equipe.prefet)
    connecter(equipe.prefet)
    reponse = client.post(reverse("gouvernance:ordre_du_jour_valider", args=[seance.uuid]))
    assert reponse.status_code == 404
    assert not seance.validations.exists()


# --- Une fiche ne révèle pas un comité qu'on ne voit pas ----------------------------------------------


def test_la_fiche_tait_la_decision_et_les_revues_d_un_comite_qu_on_ne_voit_pas(equipe, client, connecter):
    sante = fabriques.comite(equipe.consortium, nom="Comité technique santé", type="technique", theme="sante")
    fabriques.siege(sante, equipe.departement)
    seance = fabriques.seance(sante, cree_par=equipe.secretaire, statut=StatutSeance.CLOTUREE, dans_jours=-30)
    decision = fabriques.decision(seance, equipe.departement, texte="Texte confidentiel de la décision santé")
    fiche = fabriques.fiche(equipe.consortium, equipe.departement, decision_origine=decision)
    fiche.suivis.create(seance=seance, statut="en_cours", avancement=10, commentaire="Commentaire de séance santé")
    # La CAF est membre du consortium (elle voit le plan) mais ne siège pas au comité santé.
    connecter(equipe.professionnel_caf)
    reponse = client.get(reverse("gouvernance:fiche", args=[fiche.uuid]))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Texte confidentiel" not in contenu and "Commentaire de séance santé" not in contenu
    assert "Issue d'une décision d'un comité que vous ne voyez pas" in contenu


# --- Une séance clôturée est figée ----------------------------------------------------------------


def test_le_quorum_d_une_seance_cloturee_ne_bouge_plus_avec_la_composition(equipe):
    _noter(equipe, etat=PRESENT, departement=PRESENT, caf=PRESENT, commune=PRESENT, france_travail=PRESENT)
    deliberation.voter(
        equipe.point,
        acteur=equipe.secretaire,
        choix={equipe.sieges.etat: ChoixVote.POUR, equipe.sieges.caf: ChoixVote.POUR},
    )
    deliberation.cloturer_seance(equipe.seance, acteur=equipe.secretaire)
    avant = deliberation.quorum_de(equipe.seance)
    assert (avant.membres, avant.comptes, avant.requis, avant.atteint) == (4, 4, 2, True)
    # Après la clôture : deux sièges délibératifs de plus, la CAF passe consultative, le quorum monte à 100 %.
    for nom in ("Région", "ARS"):
        fabriques.siege(equipe.comite, OrganisationFactory(nom=nom))
    Siege.objects.filter(pk=equipe.sieges.caf.pk).update(voix=Voix.CONSULTATIVE)
    equipe.comite.quorum_pourcentage = 100
    equipe.comite.save(update_fields=["quorum_pourcentage"])
    equipe.seance.refresh_from_db()
    apres = deliberation.quorum_de(equipe.seance)
    assert (apres.membres, apres.comptes, apres.requis, apres.atteint) == (4, 4, 2, True)


# --- Décisions : le quorum au moment d'écrire, une seule fois ----------------------------------------


def test_une_decision_exige_encore_le_quorum_quand_elle_s_ecrit(equipe):
    _noter(equipe, etat=PRESENT, departement=PRESENT, caf=PRESENT)
    deliberation.constater_consensus(equipe.point, acteur=equipe.secretaire)
    _noter(equipe, etat=PRESENT)  # le Département et la CAF sont partis
    with pytest.raises(ValidationError, match="Le quorum n'est pas atteint"):
        deliberation.ajouter_decision(
            equipe.point, acteur=equipe.secretaire, texte="Lancer l'étude", organisation_responsable=equipe.caf
        )
    assert not equipe.point.decisions.exists()


def test_une_decision_pressee_deux_fois_n_est_ecrite_qu_une_fois(equipe):
    _noter(equipe, etat=PRESENT, departement=PRESENT, caf=PRESENT)
    deliberation.constater_consensus(equipe.point, acteur=equipe.secretaire)
    champs = {"acteur": equipe.secretaire, "texte": "Lancer l'étude", "organisation_responsable": equipe.caf}
    deliberation.ajouter_decision(equipe.point, **champs)
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        deliberation.ajouter_decision(equipe.point, **champs)
    assert equipe.point.decisions.count() == 1


# --- L'ordre du jour validé suit les co-présidences ---------------------------------------------------


def test_un_copresident_ajoute_apres_la_validation_doit_valider_a_son_tour(equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire)
    fabriques.point(seance, "Bilan")
    for copresidence in (equipe.copresidences.etat, equipe.copresidences.departement):
        seances.valider_ordre_du_jour(seance, acteur=copresidence.utilisateur, copresidence=copresidence)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE
    composition.retirer_copresidence(equipe.copresidences.departement, acteur=equipe.pilote)
    nouvelle = composition.ajouter_copresidence(
        equipe.comite, acteur=equipe.pilote, siege=equipe.sieges.caf, utilisateur=equipe.professionnel_caf
    )
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.PREPARATION
    with pytest.raises(ValidationError, match="doit d'abord être validé"):
        seances.envoyer_convocation(seance, acteur=equipe.secretaire)
    seances.valider_ordre_du_jour(seance, acteur=equipe.professionnel_caf, copresidence=nouvelle)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE


def test_retirer_le_copresident_qui_n_avait_pas_valide_debloque_la_seance(equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire)
    fabriques.point(seance, "Bilan")
    seances.valider_ordre_du_jour(seance, acteur=equipe.prefet, copresidence=equipe.copresidences.etat)
    composition.retirer_copresidence(equipe.copresidences.departement, acteur=equipe.pilote)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE
    assert seances.envoyer_convocation(seance, acteur=equipe.secretaire) > 0
