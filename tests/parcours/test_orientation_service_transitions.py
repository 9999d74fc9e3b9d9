"""Le cycle de vie d'une orientation vers un service : chaque transition permise (son journal, son événement, l'action
liée, les courriels, les places de la session) et chaque transition interdite (ValidationError, rien d'écrit)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from offre.models import SessionService
from parcours.models import Action, EvenementCarnet, OrientationService, TransitionOrientationService
from parcours.orientation_service import regles, services
from tests.parcours import outils_orientation_service as outils
from tests.parcours.outils_orientation_service import MAINTENANT, avancer, courriels_a, lien_du_courriel, orienter

o = outils.o
horloge = outils.horloge

pytestmark = pytest.mark.django_db

S, P, PL = regles.STRUCTURE, regles.PRESCRIPTEUR, regles.PLATEFORME
STATUTS = OrientationService.Statut.values

# Le cycle de vie attendu (docs/orientations-service.md), écrit ici à la main : (de, vers) → côtés permis.
PERMISES = {
    ("envoyee", "a_l_etude"): {S},
    ("envoyee", "acceptee"): {S},
    ("envoyee", "refusee"): {S},
    ("envoyee", "expiree"): {PL},
    ("envoyee", "abandonnee"): {P},
    ("a_l_etude", "acceptee"): {S},
    ("a_l_etude", "refusee"): {S},
    ("a_l_etude", "expiree"): {PL},
    ("a_l_etude", "abandonnee"): {P},
    ("acceptee", "entree"): {S, P},
    ("acceptee", "abandonnee"): {S, P},
    ("entree", "terminee"): {S, P},
    ("entree", "abandonnee"): {S, P},
}
# Comment amener une orientation à chaque statut.
CHEMINS = {
    "envoyee": [],
    "a_l_etude": [("a_l_etude", S)],
    "acceptee": [("acceptee", S)],
    "refusee": [("refusee", S)],
    "entree": [("acceptee", S), ("entree", S)],
    "terminee": [("acceptee", S), ("entree", S), ("terminee", S)],
    "abandonnee": [("abandonnee", P)],
    "expiree": [("expiree", PL)],
}
ACTION_ATTENDUE = {
    "envoyee": "en_projet",
    "a_l_etude": "en_projet",
    "acceptee": "en_projet",
    "entree": "en_cours",
    "terminee": "realisee",
    "refusee": "abandonnee",
    "expiree": "abandonnee",
    "abandonnee": "abandonnee",
}


def acteur(o, cote):
    return {S: o.accueil, P: o.referente, PL: None}[cote]


def faire(o, orientation, vers, cote, **champs):
    if vers == "refusee":
        champs.setdefault("motif", "non_eligible")
    return services.changer_statut(orientation, vers=vers, cote=cote, acteur=acteur(o, cote), **champs)


def amener(o, statut, **champs):
    orientation = orienter(o, **champs)
    for vers, cote in CHEMINS[statut]:
        faire(o, orientation, vers, cote)
    orientation.refresh_from_db()
    return orientation


def etat(orientation):
    orientation.refresh_from_db()
    return (
        orientation.statut,
        orientation.motif_refus,
        orientation.repondue_le,
        TransitionOrientationService.objects.count(),
        EvenementCarnet.objects.count(),
        Action.objects.get(pk=orientation.action_id).statut,
        list(SessionService.objects.values_list("places_prises", flat=True)),
    )


def test_le_cycle_de_vie_est_celui_de_la_documentation():
    assert regles.TRANSITIONS == PERMISES
    assert regles.STATUT_ACTION == ACTION_ATTENDUE


@pytest.mark.parametrize(
    ("de", "vers", "cote"),
    [(de, vers, cote) for (de, vers), cotes in PERMISES.items() for cote in sorted(cotes)],
)
def test_chaque_transition_permise_ecrit_son_journal_son_evenement_et_l_action(o, de, vers, cote):
    orientation = amener(o, de)
    avant = TransitionOrientationService.objects.count()
    faire(o, orientation, vers, cote, commentaire="  Vu au téléphone  ")
    orientation.refresh_from_db()
    assert orientation.statut == vers
    transition = orientation.transitions.last()
    assert (transition.de, transition.vers, transition.acteur) == (de, vers, acteur(o, cote))
    assert transition.commentaire == "Vu au téléphone" and not transition.par_lien
    assert TransitionOrientationService.objects.count() == avant + 1
    evenement = o.carnet.evenements.filter(type=EvenementCarnet.Type.ORIENTATION_SERVICE_STATUT).first()
    attendu = {
        "refusee": "Atelier CV — refusée (Personne non éligible (ne répond pas aux prérequis))",
        "expiree": "Atelier CV — expirée (sans réponse en 30 jours)",
    }.get(vers, f"Atelier CV — {OrientationService.Statut(vers).label.lower()}")
    assert evenement.resume == attendu
    assert evenement.acteur == (acteur(o, cote) or o.referente)
    assert evenement.organisation == {S: o.relais, P: o.departement, PL: o.departement}[cote]
    assert Action.objects.get(pk=orientation.action_id).statut == ACTION_ATTENDUE[vers]


@pytest.mark.parametrize("de", STATUTS)
def test_chaque_transition_interdite_est_refusee_sans_rien_ecrire(o, de):
    orientation = amener(o, de)
    interdites = [
        (vers, cote) for vers in STATUTS for cote in (S, P, PL) if cote not in PERMISES.get((de, vers), set())
    ]
    assert interdites
    avant = etat(orientation)
    for vers, cote in interdites:
        with pytest.raises(ValidationError) as erreur:
            faire(o, orientation, vers, cote)
        assert erreur.value.messages[0].endswith(".")
        assert etat(orientation) == avant, f"{de} → {vers} ({cote}) a écrit"


def test_une_transition_interdite_dit_pourquoi_en_francais(o):
    orientation = amener(o, "acceptee")
    with pytest.raises(
        ValidationError, match="Une orientation acceptée ne peut pas passer à « refusée » de votre côté"
    ):
        faire(o, orientation, "refusee", S)
    with pytest.raises(
        ValidationError, match="Vous avez déjà répondu : l'orientation est acceptée depuis le 02/03/2026"
    ):
        faire(o, orientation, "acceptee", S)
    close = orienter(o, o.location)
    services.changer_statut(close, vers="refusee", cote=S, par_lien=True, motif="non_mobile")
    with pytest.raises(
        ValidationError, match="Cette orientation est close \\(refusée\\) : elle ne change plus de statut"
    ):
        services.changer_statut(close, vers="acceptee", cote=S, par_lien=True)


def test_un_refus_porte_son_motif_et_autre_se_precise(o):
    orientation = orienter(o)
    avant = etat(orientation)
    with pytest.raises(ValidationError) as erreur:
        services.changer_statut(orientation, vers="refusee", cote=S, acteur=o.accueil)
    assert erreur.value.message_dict == {"motif": ["Choisissez le motif du refus dans la liste."]}
    with pytest.raises(ValidationError) as erreur:
        services.changer_statut(orientation, vers="refusee", cote=S, acteur=o.accueil, motif="autre", commentaire=" ")
    assert erreur.value.message_dict == {"commentaire": ["Précisez le motif « Autre » dans le commentaire."]}
    with pytest.raises(ValidationError, match="Un motif ne s'indique que pour un refus"):
        services.changer_statut(orientation, vers="acceptee", cote=S, acteur=o.accueil, motif="autre")
    assert etat(orientation) == avant
    services.changer_statut(
        orientation, vers="refusee", cote=S, acteur=o.accueil, motif="autre", commentaire="Trop loin"
    )
    orientation.refresh_from_db()
    assert orientation.motif_refus == "autre" and orientation.transitions.last().motif == "autre"


def test_la_premiere_reponse_de_la_structure_est_datee(o, horloge):
    orientation = orienter(o)
    avancer(horloge, days=2)
    faire(o, orientation, "a_l_etude", S)
    avancer(horloge, days=3)
    faire(o, orientation, "acceptee", S)
    orientation.refresh_from_db()
    assert orientation.repondue_le.date() == (MAINTENANT.date().replace(day=7))
    faire(o, orientation, "entree", P)
    orientation.refresh_from_db()
    assert orientation.repondue_le.date() == MAINTENANT.date().replace(day=7)


# --- Qui agit -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["referente", "conseiller", "etranger"])
def test_seuls_les_membres_de_la_structure_repondent_pour_elle(o, qui):
    orientation = orienter(o)
    avant = etat(orientation)
    with pytest.raises(PermissionDenied):
        services.changer_statut(orientation, vers="acceptee", cote=S, acteur=getattr(o, qui))
    assert etat(orientation) == avant


@pytest.mark.parametrize("qui", ["collegue_ft", "accueil", "etranger"])
def test_seul_qui_modifie_le_carnet_agit_comme_prescripteur(o, qui):
    orientation = amener(o, "acceptee")
    avant = etat(orientation)
    with pytest.raises(PermissionDenied):
        services.changer_statut(orientation, vers="entree", cote=P, acteur=getattr(o, qui))
    assert etat(orientation) == avant


def test_la_reponse_par_le_lien_est_attribuee_a_la_structure(o):
    orientation = orienter(o, o.location)
    transition = services.changer_statut(orientation, vers="acceptee", cote=S, par_lien=True)
    assert transition.acteur is None and transition.par_lien
    evenement = o.carnet.evenements.filter(type=EvenementCarnet.Type.ORIENTATION_SERVICE_STATUT).get()
    assert evenement.resume == "Location de voiture à 1 euro — acceptée par la structure (lien reçu par courriel)"
    assert evenement.acteur == o.referente and evenement.organisation is None


# --- Les places de la session ---------------------------------------------------------------------------------


def places_prises(o):
    o.session.refresh_from_db()
    return o.session.places_prises


def test_accepter_une_orientation_sur_une_session_prend_une_place(o):
    orientation = orienter(o, session=o.session)
    faire(o, orientation, "acceptee", S)
    assert places_prises(o) == 1


def test_une_session_devenue_complete_fait_refuser_l_acceptation_sans_rien_ecrire(o):
    orientation = orienter(o, session=o.session)
    SessionService.objects.filter(pk=o.session.pk).update(places_prises=2)
    avant = etat(orientation)
    with pytest.raises(ValidationError, match="La session « Atelier CV collectif » est complète."):
        faire(o, orientation, "acceptee", S)
    assert etat(orientation) == avant


def test_une_session_passee_ne_s_accepte_plus(o):
    orientation = orienter(o, session=o.session)
    SessionService.objects.filter(pk=o.session.pk).update(debut=MAINTENANT - timedelta(hours=1))
    avant = etat(orientation)
    with pytest.raises(ValidationError, match="a déjà eu lieu"):
        faire(o, orientation, "acceptee", S)
    assert etat(orientation) == avant and places_prises(o) == 0


def test_une_orientation_arrivee_a_expiration_ne_se_repond_plus_meme_avant_la_tache(o, horloge):
    orientation = orienter(o)
    avancer(horloge, days=30)  # la tâche du matin ne l'a pas encore fait expirer
    avant = etat(orientation)
    with pytest.raises(ValidationError, match="a expiré le"):
        faire(o, orientation, "acceptee", S)
    assert etat(orientation) == avant


def test_l_abandon_apres_acceptation_libere_la_place(o):
    orientation = amener(o, "acceptee", session=o.session)
    assert places_prises(o) == 1
    faire(o, orientation, "abandonnee", P)
    assert places_prises(o) == 0


def test_l_abandon_apres_l_entree_garde_la_place_occupee(o):
    orientation = amener(o, "entree", session=o.session)
    faire(o, orientation, "abandonnee", S)
    assert places_prises(o) == 1


# --- Les courriels au prescripteur --------------------------------------------------------------------------


def test_l_acceptation_et_le_refus_sont_annonces_au_prescripteur(o, django_capture_on_commit_callbacks):
    acceptee = orienter(o)
    refusee = orienter(o, o.location)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        faire(o, acceptee, "acceptee", S)
        services.changer_statut(refusee, vers="refusee", cote=S, par_lien=True, motif="autre", commentaire="Trop loin")
    accepte, refuse = courriels_a(o.referente.email)
    assert accepte.subject == "Orientation vers « Atelier CV » : acceptée"
    assert "Relais Emploi Landes a accepté l'orientation que vous avez envoyée le" in accepte.body
    assert "vers « Atelier CV »." in accepte.body
    assert lien_du_courriel(accepte) == reverse("parcours:carnet", args=[o.carnet.uuid]) + "?onglet=offre"
    assert refuse.subject == "Orientation vers « Location de voiture à 1 euro » : refusée"
    assert "Motif : Autre (précisé dans le commentaire)" in refuse.body
    # Un courriel ne nomme jamais la personne, ni ne recopie ce qu'en dit la structure.
    for courriel in (accepte, refuse):
        assert "Lalanne" not in courriel.body and "Inès" not in courriel.body and "Trop loin" not in courriel.body


@pytest.mark.parametrize(("vers", "cote"), [("a_l_etude", S), ("abandonnee", P)])
def test_les_autres_transitions_n_ecrivent_a_personne(o, django_capture_on_commit_callbacks, vers, cote):
    orientation = orienter(o)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        faire(o, orientation, vers, cote)
    assert not mail.outbox


# --- Depuis le carnet : le suivi par le prescripteur -----------------------------------------------------------


def test_l_onglet_du_carnet_montre_les_orientations_leur_historique_et_les_boutons(o, client, connecter):
    orientation = amener(o, "acceptee")
    orienter(o, o.location)
    connecter(o.referente)
    reponse = client.get(reverse("parcours:carnet", args=[o.carnet.uuid]) + "?onglet=offre")
    assert reponse.status_code == 200
    page = " ".join(reponse.content.decode().split())
    assert "Orientations vers un service</a>" in page
    assert "Atelier CV" in page and "Location de voiture à 1 euro" in page
    assert "l'orientation expirera le 1/04/2026 (30 jours)." in page
    assert f"par {o.accueil}" in page
    statut = reverse("parcours:orientation_service_statut", args=[o.carnet.uuid, orientation.uuid])
    assert f'action="{statut}"' in page
    assert 'value="entree"' in page and 'value="abandonnee"' in page


def test_le_collegue_qui_lit_le_carnet_ne_voit_pas_les_boutons(o, client, connecter):
    amener(o, "acceptee")
    connecter(o.collegue_ft)
    page = client.get(reverse("parcours:carnet", args=[o.carnet.uuid]) + "?onglet=offre").content.decode()
    assert "Atelier CV" in page and 'value="entree"' not in page


def test_le_prescripteur_confirme_l_entree_depuis_le_carnet(o, client, connecter):
    orientation = amener(o, "acceptee")
    connecter(o.referente)
    url = reverse("parcours:orientation_service_statut", args=[o.carnet.uuid, orientation.uuid])
    reponse = client.post(url, {"statut": "entree"}, follow=True)
    assert "Orientation vers « Atelier CV » : entrée effective." in reponse.content.decode()
    orientation.refresh_from_db()
    assert orientation.statut == "entree"


def test_une_transition_refusee_depuis_le_carnet_le_dit_et_n_ecrit_rien(o, client, connecter):
    orientation = orienter(o)
    connecter(o.referente)
    avant = etat(orientation)
    url = reverse("parcours:orientation_service_statut", args=[o.carnet.uuid, orientation.uuid])
    reponse = client.post(url, {"statut": "acceptee"}, follow=True)
    assert "Une orientation envoyée ne peut pas passer à « acceptée » de votre côté." in reponse.content.decode()
    assert etat(orientation) == avant


@pytest.mark.parametrize("taille", [1, 20])
def test_l_onglet_a_un_nombre_de_requetes_fixe(o, client, connecter, taille, django_assert_num_queries):
    from tests.offre import fabriques

    for numero in range(taille):
        service = fabriques.service(o.structure, nom=f"Service {numero}", thematiques=[outils.CV])
        orientation = orienter(o, service, session=fabriques.session(service) if numero % 2 else None)
        if numero % 3 == 0:
            faire(o, orientation, "acceptee", S)
    connecter(o.referente)
    url = reverse("parcours:carnet", args=[o.carnet.uuid]) + "?onglet=offre"
    client.get(url)
    with django_assert_num_queries(NOMBRE_ONGLET):
        reponse = client.get(url)
    assert len(reponse.context["orientations_service"]) == taille


NOMBRE_ONGLET = (
    17  # dont l'en-tête du carnet et 1 pour les sections sensibles du journal ; l'onglet : orientations, transitions,
)
# heures, contrat en cours
