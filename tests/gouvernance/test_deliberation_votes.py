"""Votes et consensus sur les points d'une séance : quorum exigé, voix consultatives et absents exclus, majorité des
suffrages exprimés, voix prépondérante du co-président (le préfet) en cas de partage, revote tant qu'aucune décision
n'est prise."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gouvernance.choix import ChoixVote, ModeDecision, ResultatDeliberation, StatutPresence, StatutSeance, TypePoint
from gouvernance.deliberation import services
from gouvernance.deliberation.services import LignePresence
from gouvernance.models import Point, Vote
from tests.gouvernance import fabriques

POUR, CONTRE, ABSTENTION = ChoixVote.POUR, ChoixVote.CONTRE, ChoixVote.ABSTENTION
PRESENT, REPRESENTE, ABSENT = StatutPresence.PRESENT, StatutPresence.REPRESENTE, StatutPresence.ABSENT
QUORUM_NON_ATTEINT = (
    "Le quorum n'est pas atteint : 1 membre à voix délibérative présent ou représenté sur 2 requis. Aucune décision "
    "ne peut être adoptée."
)


@pytest.fixture
def equipe(db):
    equipe = fabriques.equipe_comite()
    seance = fabriques.seance_commencee(equipe.comite, cree_par=equipe.secretaire)
    equipe.seance = seance
    equipe.point = fabriques.point(seance, "Création d'un garage solidaire", type=TypePoint.DELIBERATION)
    return equipe


def noter(equipe, **statuts):
    """noter(equipe, etat=PRESENT, caf=(REPRESENTE, "departement"), …) ; les sièges non cités : absents."""
    lignes = []
    for nom in ("etat", "departement", "caf", "commune", "france_travail", "mission_locale"):
        valeur = statuts.get(nom, ABSENT)
        statut, porteur = valeur if isinstance(valeur, tuple) else (valeur, None)
        lignes.append(
            LignePresence(
                siege=getattr(equipe.sieges, nom),
                statut=statut,
                mandat=getattr(equipe.mandats, nom) if statut == PRESENT else None,
                represente_par=getattr(equipe.sieges, porteur) if porteur else None,
            )
        )
    services.noter_presences(equipe.seance, acteur=equipe.secretaire, lignes=lignes)


def tous_presents(equipe):
    noter(
        equipe, **dict.fromkeys(["etat", "departement", "caf", "commune", "france_travail", "mission_locale"], PRESENT)
    )


def voter(equipe, point=None, **choix):
    return services.voter(
        point or equipe.point,
        acteur=equipe.secretaire,
        choix={getattr(equipe.sieges, nom): valeur for nom, valeur in choix.items()},
    )


def resultat(point):
    point.refresh_from_db()
    return point.mode, point.resultat, point.voix_preponderante_utilisee


# --- Quorum -------------------------------------------------------------------------------------


def test_sans_quorum_aucun_vote_n_adopte(equipe):
    noter(equipe, etat=PRESENT, france_travail=PRESENT)
    with pytest.raises(ValidationError) as erreur:
        voter(equipe, etat=POUR)
    assert erreur.value.messages == [QUORUM_NON_ATTEINT]
    assert resultat(equipe.point) == ("", "", False) and not Vote.objects.exists()


def test_sans_quorum_aucun_consensus_n_adopte(equipe):
    noter(equipe, etat=PRESENT)
    with pytest.raises(ValidationError) as erreur:
        services.constater_consensus(equipe.point, acteur=equipe.secretaire)
    assert erreur.value.messages == [QUORUM_NON_ATTEINT]
    assert resultat(equipe.point) == ("", "", False)


def test_sans_presence_notee_le_quorum_n_est_pas_atteint(equipe):
    with pytest.raises(ValidationError, match="0 membre à voix délibérative présent ou représenté sur 2 requis"):
        voter(equipe, etat=POUR)


# --- Dépouillement ------------------------------------------------------------------------------


def test_la_majorite_des_suffrages_exprimes_adopte_et_les_votes_sont_gardes(equipe):
    tous_presents(equipe)
    depouillement = voter(equipe, etat=POUR, departement=POUR, caf=CONTRE, commune=ABSTENTION)
    assert (depouillement.pour, depouillement.contre, depouillement.abstention) == (2, 1, 1)
    assert resultat(equipe.point) == (ModeDecision.VOTE, ResultatDeliberation.ADOPTEE, False)
    assert dict(equipe.point.votes.values_list("siege", "choix")) == {
        equipe.sieges.etat.pk: POUR,
        equipe.sieges.departement.pk: POUR,
        equipe.sieges.caf.pk: CONTRE,
        equipe.sieges.commune.pk: ABSTENTION,
    }


@pytest.mark.parametrize(
    ("choix_du_prefet", "attendu"),
    [(POUR, ResultatDeliberation.ADOPTEE), (CONTRE, ResultatDeliberation.REJETEE)],
)
def test_en_cas_de_partage_la_voix_du_copresident_designe_l_emporte(equipe, choix_du_prefet, attendu):
    tous_presents(equipe)
    autre = CONTRE if choix_du_prefet == POUR else POUR
    voter(equipe, etat=choix_du_prefet, departement=autre, caf=choix_du_prefet, commune=autre)
    assert resultat(equipe.point) == (ModeDecision.VOTE, attendu, True)


def test_la_voix_preponderante_ne_passe_pas_par_un_pouvoir(equipe):
    """Le préfet absent a donné pouvoir à la CAF : son siège vote par elle, mais le partage n'est pas départagé
    (la voix prépondérante est celle du co-président qui siège)."""
    noter(equipe, etat=(REPRESENTE, "caf"), departement=PRESENT, caf=PRESENT)
    voter(equipe, etat=POUR, departement=CONTRE)
    assert resultat(equipe.point) == (ModeDecision.VOTE, ResultatDeliberation.REJETEE, False)


def test_un_partage_quand_le_copresident_s_abstient_n_adopte_pas(equipe):
    tous_presents(equipe)
    voter(equipe, etat=ABSTENTION, departement=POUR, caf=CONTRE)
    assert resultat(equipe.point) == (ModeDecision.VOTE, ResultatDeliberation.REJETEE, False)


def test_le_vote_d_un_siege_represente_est_exprime_par_son_porteur(equipe):
    noter(equipe, etat=PRESENT, departement=PRESENT, caf=(REPRESENTE, "departement"))
    voter(equipe, etat=CONTRE, departement=POUR, caf=POUR)
    assert resultat(equipe.point)[1] == ResultatDeliberation.ADOPTEE


# --- Refus --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choix", "message"),
    [
        ({"france_travail": POUR}, "Le siège « France Travail Landes » siège à voix consultative : il ne vote pas."),
        ({"commune": POUR}, "Le siège « Ville de Dax » est absent : il ne vote pas."),
        ({"caf": "peut-etre"}, "Choisissez pour, contre ou abstention pour le siège « CAF des Landes »."),
        ({}, "Aucune voix n'est exprimée"),
    ],
    ids=["consultatif", "absent", "choix-inconnu", "aucune-voix"],
)
def test_un_vote_irregulier_est_refuse_et_rien_n_est_ecrit(equipe, choix, message):
    noter(equipe, etat=PRESENT, departement=PRESENT, caf=PRESENT, france_travail=PRESENT)
    with pytest.raises(ValidationError) as erreur:
        voter(equipe, etat=POUR, **choix) if choix else voter(equipe)
    assert any(message in texte for texte in erreur.value.messages)
    assert resultat(equipe.point) == ("", "", False) and not Vote.objects.exists()


def test_un_siege_excuse_ne_vote_pas(equipe):
    noter(equipe, etat=PRESENT, departement=PRESENT, caf=StatutPresence.EXCUSE)
    with pytest.raises(ValidationError, match="Le siège « CAF des Landes » est excusé : il ne vote pas."):
        voter(equipe, etat=POUR, caf=POUR)


def test_un_siege_d_un_autre_comite_ne_vote_pas(equipe):
    tous_presents(equipe)
    autre_comite = fabriques.comite(equipe.consortium, nom="Comité local de Dax", type="local")
    intrus = fabriques.siege(autre_comite, equipe.caf)
    with pytest.raises(ValidationError, match="ne siège pas dans ce comité"):
        services.voter(equipe.point, acteur=equipe.secretaire, choix={intrus: POUR})


def test_seul_un_point_de_deliberation_se_vote(equipe):
    tous_presents(equipe)
    information = fabriques.point(equipe.seance, "Bilan de l'année")
    with pytest.raises(ValidationError, match="Seul un point de délibération se vote"):
        voter(equipe, point=information, etat=POUR)
    # Mais un consensus peut s'y constater.
    services.constater_consensus(information, acteur=equipe.secretaire)
    assert resultat(information) == (ModeDecision.CONSENSUS, ResultatDeliberation.ADOPTEE, False)


# --- Revote et consensus ------------------------------------------------------------------------


def test_revoter_remplace_le_vote_precedent(equipe):
    tous_presents(equipe)
    voter(equipe, etat=CONTRE, departement=CONTRE, caf=POUR)
    voter(equipe, etat=POUR, departement=POUR)
    assert resultat(equipe.point) == (ModeDecision.VOTE, ResultatDeliberation.ADOPTEE, False)
    assert sorted(equipe.point.votes.values_list("choix", flat=True)) == [POUR, POUR]


def test_un_consensus_remplace_un_vote_et_efface_ses_voix(equipe):
    tous_presents(equipe)
    voter(equipe, etat=CONTRE, departement=CONTRE)
    services.constater_consensus(equipe.point, acteur=equipe.secretaire)
    assert resultat(equipe.point) == (ModeDecision.CONSENSUS, ResultatDeliberation.ADOPTEE, False)
    assert not equipe.point.votes.exists()


def test_apres_une_decision_le_vote_ne_se_refait_plus(equipe):
    tous_presents(equipe)
    voter(equipe, etat=POUR, departement=POUR)
    services.ajouter_decision(
        equipe.point, acteur=equipe.secretaire, texte="Financer le garage", organisation_responsable=equipe.caf
    )
    for refaire in (
        lambda: voter(equipe, etat=CONTRE, departement=CONTRE),
        lambda: services.constater_consensus(equipe.point, acteur=equipe.secretaire),
    ):
        with pytest.raises(ValidationError, match="Ce point a déjà une décision"):
            refaire()
    assert sorted(equipe.point.votes.values_list("choix", flat=True)) == [POUR, POUR]


# --- Page du vote -------------------------------------------------------------------------------


def test_le_secretaire_vote_par_le_formulaire_qui_ne_propose_que_les_sieges_deliberatifs_presents(
    client, connecter, equipe
):
    noter(equipe, etat=PRESENT, departement=PRESENT, caf=(REPRESENTE, "departement"), france_travail=PRESENT)
    connecter(equipe.secretaire)
    url = reverse("gouvernance:point_voter", args=[equipe.seance.uuid, equipe.point.uuid])
    page = client.get(url).content.decode()
    assert "Préfecture des Landes (Représentant de l&#x27;État) — Pierre Préfet" in page
    assert "CAF des Landes — représenté par Département des Landes" in page
    assert f"siege-{equipe.sieges.france_travail.uuid}-vote" not in page
    assert f"siege-{equipe.sieges.commune.uuid}-vote" not in page
    reponse = client.post(
        url,
        {
            "mode": ModeDecision.VOTE,
            f"siege-{equipe.sieges.etat.uuid}-vote": POUR,
            f"siege-{equipe.sieges.departement.uuid}-vote": CONTRE,
            f"siege-{equipe.sieges.caf.uuid}-vote": "",
        },
        follow=True,
    )
    assert reponse.redirect_chain[-1][0].endswith(f"#point-{equipe.point.uuid}")
    contenu = reponse.content.decode()
    assert "adoptée grâce à la voix prépondérante (1 pour, 1 contre, 0 abstention)" in contenu
    assert "partage départagé par la voix prépondérante du co-président" in contenu
    assert equipe.point.votes.count() == 2


def test_sans_quorum_le_formulaire_de_vote_est_reaffiche_avec_le_message(client, connecter, equipe):
    noter(equipe, etat=PRESENT)
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:point_voter", args=[equipe.seance.uuid, equipe.point.uuid]),
        {"mode": ModeDecision.CONSENSUS},
    )
    assert reponse.status_code == 200
    assert "Le quorum n&#x27;est pas atteint" in reponse.content.decode()
    assert Point.objects.get(pk=equipe.point.pk).mode == ""


def test_un_copresident_ne_vote_pas_a_la_place_du_secretaire(client, connecter, equipe):
    tous_presents(equipe)
    connecter(equipe.prefet)
    url = reverse("gouvernance:point_voter", args=[equipe.seance.uuid, equipe.point.uuid])
    assert client.post(url, {"mode": ModeDecision.CONSENSUS}).status_code == 403
    assert Point.objects.get(pk=equipe.point.pk).mode == ""


def test_un_comite_sans_siege_deliberatif_n_adopte_rien(equipe):
    comite = fabriques.comite(equipe.consortium, nom="Commission inclusion", type="commission_inclusion")
    fabriques.siege(comite, equipe.france_travail, voix="consultative")
    seance = fabriques.seance(comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE, dans_jours=0)
    point = fabriques.point(seance, "Orientations", type=TypePoint.DELIBERATION)
    with pytest.raises(ValidationError, match="Le comité n'a aucun siège à voix délibérative"):
        services.constater_consensus(point, acteur=equipe.secretaire)
    assert services.message_quorum(services.quorum_de(seance)) == "aucun siège à voix délibérative — quorum impossible"
