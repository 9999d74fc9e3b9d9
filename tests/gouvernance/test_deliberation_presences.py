"""Les présences d'une séance et les pouvoirs, le quorum calculé en direct : le CDE des Landes a quatre sièges à voix
délibérative (État, Département, CAF, commune ; quorum à 2) et deux consultatifs (France Travail, mission locale)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gouvernance.choix import ChoixVote, StatutPresence, StatutSeance, TypePoint
from gouvernance.composition import services as composition
from gouvernance.deliberation import services
from gouvernance.deliberation.services import LignePresence
from gouvernance.models import Presence, Seance
from tests.gouvernance import fabriques

PRESENT, REPRESENTE, EXCUSE, ABSENT = (
    StatutPresence.PRESENT,
    StatutPresence.REPRESENTE,
    StatutPresence.EXCUSE,
    StatutPresence.ABSENT,
)


@pytest.fixture
def equipe(db):
    equipe = fabriques.equipe_comite()
    seance = fabriques.seance_commencee(equipe.comite, cree_par=equipe.secretaire)
    equipe.seance = seance
    equipe.point = fabriques.point(seance, "Création d'un garage solidaire", type=TypePoint.DELIBERATION)
    return equipe


def ligne(equipe, nom, statut, porteur=None, mandat=None):
    siege = getattr(equipe.sieges, nom)
    if statut == PRESENT and mandat is None:
        mandat = getattr(equipe.mandats, nom)
    return LignePresence(
        siege=siege,
        statut=statut,
        mandat=mandat,
        represente_par=getattr(equipe.sieges, porteur) if porteur else None,
    )


def noter(equipe, **statuts):
    """noter(equipe, etat=PRESENT, caf=(REPRESENTE, "departement"), …) ; les sièges non cités : absents."""
    lignes = []
    for nom in ("etat", "departement", "caf", "commune", "france_travail", "mission_locale"):
        valeur = statuts.get(nom, ABSENT)
        statut, porteur = valeur if isinstance(valeur, tuple) else (valeur, None)
        lignes.append(ligne(equipe, nom, statut, porteur))
    return services.noter_presences(equipe.seance, acteur=equipe.secretaire, lignes=lignes)


def etat_des_presences(seance):
    return sorted(seance.presences.values_list("siege_id", "statut", "mandat_id", "represente_par_id"))


# --- Quorum et pouvoirs -------------------------------------------------------------------------


def test_tous_presents_le_quorum_est_atteint_et_annonce_en_clair(equipe):
    quorum = noter(equipe, etat=PRESENT, departement=PRESENT, caf=PRESENT, commune=PRESENT, france_travail=PRESENT)
    assert (quorum.membres, quorum.presents, quorum.requis, quorum.atteint) == (4, 4, 2, True)
    assert services.message_quorum(quorum) == (
        "4 présents ou représentés sur 4 membres à voix délibérative — quorum (2) atteint"
    )
    assert equipe.seance.presences.count() == 6


def test_un_siege_represente_compte_pour_le_quorum(equipe):
    quorum = noter(equipe, etat=PRESENT, departement=PRESENT, caf=(REPRESENTE, "departement"), commune=EXCUSE)
    assert (quorum.presents, quorum.representes, quorum.comptes) == (2, 1, 3)
    assert services.message_quorum(quorum) == (
        "3 présents ou représentés sur 4 membres à voix délibérative — quorum (2) atteint"
    )
    caf = equipe.seance.presences.get(siege=equipe.sieges.caf)
    assert (caf.statut, caf.represente_par, caf.mandat) == (REPRESENTE, equipe.sieges.departement, None)


def test_les_sieges_consultatifs_ne_comptent_pas_pour_le_quorum(equipe):
    quorum = noter(equipe, etat=PRESENT, france_travail=PRESENT, mission_locale=PRESENT)
    assert (quorum.comptes, quorum.atteint) == (1, False)
    assert services.message_quorum(quorum) == (
        "1 présent ou représenté sur 4 membres à voix délibérative — quorum (2) non atteint, il manque 1"
    )


def test_le_quorum_suit_le_pourcentage_du_comite(equipe):
    equipe.comite.quorum_pourcentage = 75
    composition.enregistrer_comite(equipe.comite, acteur=equipe.pilote)
    quorum = noter(equipe, etat=PRESENT, departement=PRESENT)
    assert (quorum.requis, quorum.atteint) == (3, False)


def test_le_suppleant_peut_sieger_a_la_place_du_titulaire(equipe):
    suppleante = equipe.mandats.etat_suppleant
    lignes = [ligne(equipe, "etat", PRESENT, mandat=suppleante), ligne(equipe, "departement", PRESENT)]
    services.noter_presences(equipe.seance, acteur=equipe.secretaire, lignes=lignes)
    assert equipe.seance.presences.get(siege=equipe.sieges.etat).mandat == suppleante


@pytest.mark.parametrize(
    ("lignes", "message"),
    [
        (
            lambda e: [ligne(e, "caf", REPRESENTE, "caf")],
            "Le siège « CAF des Landes » ne peut pas se donner pouvoir à lui-même.",
        ),
        (
            lambda e: [ligne(e, "etat", PRESENT), ligne(e, "france_travail", REPRESENTE, "etat")],
            "Le siège « France Travail Landes » siège à voix consultative : il ne donne pas de pouvoir.",
        ),
        (
            lambda e: [ligne(e, "france_travail", PRESENT), ligne(e, "caf", REPRESENTE, "france_travail")],
            "Le siège « France Travail Landes » siège à voix consultative : il ne reçoit pas de pouvoir.",
        ),
        (
            lambda e: [ligne(e, "departement", EXCUSE), ligne(e, "caf", REPRESENTE, "departement")],
            "Le pouvoir de « CAF des Landes » est donné à « Département des Landes », qui n'est pas présent.",
        ),
        (
            lambda e: [ligne(e, "caf", REPRESENTE)],
            "Indiquez le siège qui détient le pouvoir de « CAF des Landes ».",
        ),
        (
            lambda e: [
                ligne(e, "departement", PRESENT),
                ligne(e, "caf", REPRESENTE, "departement"),
                ligne(e, "commune", REPRESENTE, "departement"),
            ],
            "Le siège « Département des Landes » reçoit 2 pouvoirs (« CAF des Landes », « Ville de Dax ») : un "
            "membre présent en détient au plus 1.",
        ),
        (
            lambda e: [LignePresence(siege=e.sieges.caf, statut=PRESENT)],
            "Indiquez qui siège pour « CAF des Landes » : son titulaire ou son suppléant.",
        ),
        (
            lambda e: [ligne(e, "caf", PRESENT, mandat=e.mandats.commune)],
            "Marc Maire n'a pas de mandat en cours sur le siège « CAF des Landes » à la date de la séance.",
        ),
    ],
    ids=[
        "pouvoir-a-soi-meme",
        "consultatif-donne",
        "consultatif-recoit",
        "porteur-absent",
        "pouvoir-sans-porteur",
        "deux-pouvoirs",
        "present-sans-personne",
        "mandat-d-un-autre-siege",
    ],
)
def test_une_presence_invalide_est_refusee_et_rien_n_est_note(equipe, lignes, message):
    noter(equipe, etat=PRESENT, departement=PRESENT, caf=PRESENT, commune=PRESENT)
    avant = etat_des_presences(equipe.seance)
    with pytest.raises(ValidationError) as erreur:
        services.noter_presences(equipe.seance, acteur=equipe.secretaire, lignes=lignes(equipe))
    assert message in erreur.value.messages
    assert etat_des_presences(equipe.seance) == avant


def test_un_mandat_termine_a_la_date_de_la_seance_ne_siege_pas(equipe):
    composition.terminer_mandat(
        equipe.mandats.caf, acteur=equipe.pilote, date_fin=timezone.localdate() - timedelta(days=2)
    )
    with pytest.raises(ValidationError, match="Claire Directrice n'a pas de mandat en cours"):
        noter(equipe, caf=PRESENT)
    assert not Presence.objects.exists()


def test_l_enregistrement_est_tout_ou_rien(equipe):
    noter(equipe, etat=PRESENT, departement=PRESENT)
    avant = etat_des_presences(equipe.seance)
    with pytest.raises(ValidationError):
        noter(equipe, etat=PRESENT, departement=PRESENT, caf=PRESENT, commune=(REPRESENTE, "france_travail"))
    assert etat_des_presences(equipe.seance) == avant


def test_une_presence_laissee_a_noter_efface_la_precedente(equipe):
    noter(equipe, etat=PRESENT, departement=PRESENT)
    services.noter_presences(
        equipe.seance, acteur=equipe.secretaire, lignes=[LignePresence(siege=equipe.sieges.departement, statut="")]
    )
    assert not equipe.seance.presences.filter(siege=equipe.sieges.departement).exists()
    assert equipe.seance.presences.filter(siege=equipe.sieges.etat).exists()


def test_un_siege_qui_a_vote_reste_present_ou_represente(equipe):
    noter(equipe, etat=PRESENT, departement=PRESENT)
    services.voter(equipe.point, acteur=equipe.secretaire, choix={equipe.sieges.etat: ChoixVote.POUR})
    with pytest.raises(ValidationError, match="a voté lors de cette séance : il reste présent ou représenté"):
        noter(equipe, etat=EXCUSE, departement=PRESENT)
    # Représenté par un siège présent, il garde sa voix.
    noter(equipe, etat=(REPRESENTE, "departement"), departement=PRESENT)


@pytest.mark.parametrize(
    ("statut", "message"),
    [
        (StatutSeance.PREPARATION, "La séance n'est pas encore convoquée"),
        (StatutSeance.ORDRE_DU_JOUR_VALIDE, "La séance n'est pas encore convoquée"),
        (StatutSeance.CLOTUREE, "La séance est clôturée"),
    ],
)
def test_les_presences_ne_se_notent_que_sur_une_seance_convoquee(equipe, statut, message):
    Seance.objects.filter(pk=equipe.seance.pk).update(statut=statut)
    with pytest.raises(ValidationError, match=message):
        noter(equipe, etat=PRESENT)
    assert not Presence.objects.exists()


# --- Pages --------------------------------------------------------------------------------------


def donnees_formulaire(equipe, **statuts):
    donnees = {}
    for nom in ("etat", "departement", "caf", "commune", "france_travail", "mission_locale"):
        siege = getattr(equipe.sieges, nom)
        valeur = statuts.get(nom, ABSENT)
        statut, porteur = valeur if isinstance(valeur, tuple) else (valeur, None)
        donnees[f"siege-{siege.uuid}-statut"] = statut
        donnees[f"siege-{siege.uuid}-mandat"] = str(getattr(equipe.mandats, nom).uuid)
        if siege.est_deliberatif:
            donnees[f"siege-{siege.uuid}-pouvoir"] = str(getattr(equipe.sieges, porteur).uuid) if porteur else ""
    return donnees


def test_le_secretaire_note_les_presences_et_revient_a_la_seance_avec_le_quorum(client, connecter, equipe):
    connecter(equipe.secretaire)
    url = reverse("gouvernance:presences", args=[equipe.seance.uuid])
    page = client.get(url).content.decode()
    assert "France Travail Landes" in page and "Pierre Préfet (titulaire)" in page
    assert "0 présent ou représenté sur 4 membres à voix délibérative — quorum (2) non atteint" in page
    reponse = client.post(
        url, donnees_formulaire(equipe, etat=PRESENT, departement=PRESENT, caf=(REPRESENTE, "etat"), commune=EXCUSE)
    )
    assert reponse.status_code == 302
    assert reponse.url == reverse("gouvernance:seance", args=[equipe.seance.uuid]) + "#presences"
    # Le titulaire est proposé aux présents ; la liste restée remplie d'un absent est ignorée.
    assert etat_des_presences(equipe.seance) == sorted(
        [
            (equipe.sieges.etat.pk, PRESENT, equipe.mandats.etat.pk, None),
            (equipe.sieges.departement.pk, PRESENT, equipe.mandats.departement.pk, None),
            (equipe.sieges.caf.pk, REPRESENTE, None, equipe.sieges.etat.pk),
            (equipe.sieges.commune.pk, EXCUSE, None, None),
            (equipe.sieges.france_travail.pk, ABSENT, None, None),
            (equipe.sieges.mission_locale.pk, ABSENT, None, None),
        ]
    )
    page = client.get(reponse.url).content.decode()
    assert "3 présents ou représentés sur 4 membres à voix délibérative — quorum (2) atteint" in page


def test_une_saisie_refusee_reaffiche_le_formulaire_avec_le_message(client, connecter, equipe):
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:presences", args=[equipe.seance.uuid]),
        donnees_formulaire(equipe, etat=PRESENT, caf=(REPRESENTE, "departement")),
    )
    assert reponse.status_code == 200
    assert "qui n&#x27;est pas présent" in reponse.content.decode()
    assert not Presence.objects.exists()


def test_avec_htmx_le_formulaire_est_remplace_et_le_quorum_recharge(client, connecter, equipe):
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:presences", args=[equipe.seance.uuid]),
        donnees_formulaire(equipe, etat=PRESENT, departement=PRESENT),
        headers={"HX-Request": "true"},
    )
    assert reponse.status_code == 200 and reponse.headers["HX-Trigger"] == "presences-notees"
    page = reponse.content.decode()
    assert page.lstrip().startswith('<form id="formulaire-presences"')
    assert "Présences enregistrées." in page
    fragment = client.get(reverse("gouvernance:quorum", args=[equipe.seance.uuid]), headers={"HX-Request": "true"})
    assert (
        "2 présents ou représentés sur 4 membres à voix délibérative — quorum (2) atteint" in fragment.content.decode()
    )


def test_un_membre_du_comite_lit_le_quorum_mais_ne_note_pas_les_presences(client, connecter, equipe):
    noter(equipe, etat=PRESENT)
    avant = etat_des_presences(equipe.seance)
    connecter(equipe.professionnel_caf)
    quorum = client.get(reverse("gouvernance:quorum", args=[equipe.seance.uuid]))
    assert (
        "1 présent ou représenté sur 4 membres à voix délibérative — quorum (2) non atteint" in quorum.content.decode()
    )
    assert client.get(reverse("gouvernance:presences", args=[equipe.seance.uuid])).status_code == 403
    reponse = client.post(
        reverse("gouvernance:presences", args=[equipe.seance.uuid]),
        donnees_formulaire(equipe, etat=PRESENT, departement=PRESENT, caf=PRESENT),
    )
    assert reponse.status_code == 403
    assert etat_des_presences(equipe.seance) == avant


def test_la_page_des_presences_d_une_seance_cloturee_ne_propose_plus_de_formulaire(client, connecter, equipe):
    Seance.objects.filter(pk=equipe.seance.pk).update(statut=StatutSeance.CLOTUREE, cloturee_le=timezone.now())
    connecter(equipe.secretaire)
    page = client.get(reverse("gouvernance:presences", args=[equipe.seance.uuid])).content.decode()
    assert "La séance est clôturée" in page and "formulaire-presences" not in page
