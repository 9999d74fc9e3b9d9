"""Fiches action revues en séance, notes, synthèse et clôture : une séance se clôt une fois tenue et chaque présence
notée ; son compte rendu est alors archivé en arrière-plan, et plus rien ne la modifie."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gouvernance.choix import StatutDecision, StatutFiche, StatutPresence, StatutSeance, TypePoint
from gouvernance.deliberation import services
from gouvernance.deliberation.services import LignePresence
from gouvernance.models import FicheAction, Seance, SuiviFiche
from tests.factories import OrganisationFactory
from tests.gouvernance import fabriques

NOMS = ("etat", "departement", "caf", "commune", "france_travail", "mission_locale")


@pytest.fixture
def equipe(db):
    equipe = fabriques.equipe_comite()
    seance = fabriques.seance_commencee(equipe.comite, cree_par=equipe.secretaire)
    equipe.seance = seance
    equipe.fiche = fabriques.fiche(equipe.consortium, equipe.caf, titre="Garage solidaire du Marsan")
    equipe.point = fabriques.point(
        seance, "Création d'un garage solidaire", type=TypePoint.DELIBERATION, fiche_action=equipe.fiche
    )
    return equipe


@pytest.fixture
def archivages(monkeypatch):
    """Les demandes d'archivage du compte rendu (la tâche de la partie comptes rendus), sans la lancer."""
    from gouvernance.comptes_rendus import taches

    demandes = []

    class Tache:
        @staticmethod
        def delay(seance_id):
            demandes.append(seance_id)

    monkeypatch.setattr(taches, "archiver_compte_rendu", Tache, raising=False)
    return demandes


def tous_presents(equipe, seance=None):
    lignes = [
        LignePresence(
            siege=getattr(equipe.sieges, nom), statut=StatutPresence.PRESENT, mandat=getattr(equipe.mandats, nom)
        )
        for nom in NOMS
    ]
    services.noter_presences(seance or equipe.seance, acteur=equipe.secretaire, lignes=lignes)


# --- Fiches action revues -----------------------------------------------------------------------


def test_la_revue_d_une_fiche_met_a_jour_son_statut_et_son_avancement(equipe):
    suivi = services.revoir_fiche(
        equipe.seance,
        acteur=equipe.secretaire,
        fiche=equipe.fiche,
        statut=StatutFiche.EN_COURS,
        avancement=40,
        commentaire="Locaux trouvés",
    )
    equipe.fiche.refresh_from_db()
    assert (equipe.fiche.statut, equipe.fiche.avancement) == (StatutFiche.EN_COURS, 40)
    assert (suivi.seance, suivi.commentaire) == (equipe.seance, "Locaux trouvés")


def test_une_seule_revue_par_seance_et_par_fiche_la_refaire_la_corrige(equipe):
    for avancement in (40, 45):
        services.revoir_fiche(
            equipe.seance,
            acteur=equipe.secretaire,
            fiche=equipe.fiche,
            statut=StatutFiche.EN_COURS,
            avancement=avancement,
        )
    assert SuiviFiche.objects.get().avancement == 45
    assert FicheAction.objects.get(pk=equipe.fiche.pk).avancement == 45


def test_une_fiche_d_un_autre_consortium_ne_se_revoit_pas(equipe):
    gers = OrganisationFactory(nom="Département du Gers", departement="32")
    fiche_du_gers = fabriques.fiche(fabriques.consortium(gers), gers)
    with pytest.raises(ValidationError, match="Cette fiche action relève d'un autre consortium."):
        services.revoir_fiche(
            equipe.seance, acteur=equipe.secretaire, fiche=fiche_du_gers, statut=StatutFiche.EN_COURS, avancement=10
        )
    assert not SuiviFiche.objects.exists()
    assert FicheAction.objects.get(pk=fiche_du_gers.pk).avancement == 0


def test_un_avancement_hors_pourcentage_est_refuse(equipe):
    with pytest.raises(ValidationError) as erreur:
        services.revoir_fiche(
            equipe.seance, acteur=equipe.secretaire, fiche=equipe.fiche, statut=StatutFiche.EN_COURS, avancement=120
        )
    assert erreur.value.message_dict == {"avancement": ["L'avancement est un pourcentage, de 0 à 100."]}
    assert not SuiviFiche.objects.exists()


def test_la_fiche_d_un_autre_consortium_est_introuvable_par_la_page_de_revue(client, connecter, equipe):
    gers = OrganisationFactory(nom="Département du Gers", departement="32")
    fiche_du_gers = fabriques.fiche(fabriques.consortium(gers), gers)
    connecter(equipe.secretaire)
    url = reverse("gouvernance:fiche_revoir", args=[equipe.seance.uuid, fiche_du_gers.uuid])
    assert client.get(url).status_code == 404


def test_le_secretaire_revoit_une_fiche_a_l_ordre_du_jour_depuis_la_page_de_la_seance(client, connecter, equipe):
    connecter(equipe.secretaire)
    page = client.get(reverse("gouvernance:seance", args=[equipe.seance.uuid])).content.decode()
    assert "Fiches action en cours à revoir" in page and "À l'ordre du jour" in page
    url = reverse("gouvernance:fiche_revoir", args=[equipe.seance.uuid, equipe.fiche.uuid])
    reponse = client.post(url, {"statut": StatutFiche.EN_COURS, "avancement": "150", "commentaire": ""})
    assert "L&#x27;avancement est un pourcentage, de 0 à 100." in reponse.content.decode()
    reponse = client.post(url, {"statut": StatutFiche.EN_COURS, "avancement": "35", "commentaire": "Atelier ouvert"})
    assert reponse.status_code == 302 and reponse.url.endswith("#fiches-revues")
    page = client.get(reponse.url).content.decode()
    assert "Fiches action revues lors de la séance" in page and "Atelier ouvert" in page and "35 %" in page


# --- Notes et synthèse --------------------------------------------------------------------------


def test_le_secretaire_prend_des_notes_et_la_synthese(client, connecter, equipe):
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:point_notes", args=[equipe.seance.uuid, equipe.point.uuid]),
        {"notes": "  Le Département propose un local.  "},
    )
    assert reponse.status_code == 302 and reponse.url.endswith(f"#point-{equipe.point.uuid}")
    reponse = client.post(
        reverse("gouvernance:seance_synthese", args=[equipe.seance.uuid]), {"synthese": "Séance constructive."}
    )
    assert reponse.status_code == 302
    equipe.point.refresh_from_db()
    equipe.seance.refresh_from_db()
    assert (equipe.point.notes, equipe.seance.synthese) == ("Le Département propose un local.", "Séance constructive.")


def test_les_notes_ne_se_prennent_pas_avant_la_convocation(client, connecter, equipe):
    Seance.objects.filter(pk=equipe.seance.pk).update(statut=StatutSeance.ORDRE_DU_JOUR_VALIDE)
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:point_notes", args=[equipe.seance.uuid, equipe.point.uuid]),
        {"notes": "Trop tôt"},
        follow=True,
    )
    assert "La séance n&#x27;est pas encore convoquée" in reponse.content.decode()
    equipe.point.refresh_from_db()
    assert equipe.point.notes == ""


# --- Clôture ------------------------------------------------------------------------------------


def test_une_seance_sans_toutes_ses_presences_ne_se_cloture_pas(equipe, archivages):
    services.noter_presences(
        equipe.seance,
        acteur=equipe.secretaire,
        lignes=[LignePresence(siege=equipe.sieges.etat, statut=StatutPresence.PRESENT, mandat=equipe.mandats.etat)],
    )
    with pytest.raises(ValidationError) as erreur:
        services.cloturer_seance(equipe.seance, acteur=equipe.secretaire)
    assert erreur.value.messages == ["Notez la présence de chaque siège avant de clôturer."]
    equipe.seance.refresh_from_db()
    assert (equipe.seance.statut, equipe.seance.cloturee_le) == (StatutSeance.CONVOQUEE, None)
    assert archivages == []


def test_une_seance_pas_encore_commencee_ne_se_cloture_pas(equipe, archivages):
    tous_presents(equipe)
    Seance.objects.filter(pk=equipe.seance.pk).update(date=timezone.now() + timedelta(hours=2))
    with pytest.raises(ValidationError, match="La séance n'a pas encore commencé"):
        services.cloturer_seance(equipe.seance, acteur=equipe.secretaire)
    assert Seance.objects.get(pk=equipe.seance.pk).statut == StatutSeance.CONVOQUEE


def test_une_seance_en_preparation_ne_se_cloture_pas(equipe, archivages):
    Seance.objects.filter(pk=equipe.seance.pk).update(statut=StatutSeance.PREPARATION)
    with pytest.raises(ValidationError, match="Seule une séance convoquée se clôture."):
        services.cloturer_seance(equipe.seance, acteur=equipe.secretaire)


def test_la_cloture_fige_la_seance_et_demande_l_archivage_du_compte_rendu_apres_validation(
    equipe, archivages, django_capture_on_commit_callbacks
):
    tous_presents(equipe)
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        services.cloturer_seance(equipe.seance, acteur=equipe.secretaire)
    assert archivages == []  # rien avant la validation de la transaction
    for rappel in rappels:
        rappel()
    assert archivages == [equipe.seance.pk]
    seance = Seance.objects.get(pk=equipe.seance.pk)
    assert seance.statut == StatutSeance.CLOTUREE and seance.cloturee_le is not None
    with pytest.raises(ValidationError, match="La séance est déjà clôturée."):
        services.cloturer_seance(seance, acteur=equipe.secretaire)


def test_une_seance_sans_quorum_se_cloture_quand_meme(equipe, archivages, django_capture_on_commit_callbacks):
    services.noter_presences(
        equipe.seance,
        acteur=equipe.secretaire,
        lignes=[LignePresence(siege=getattr(equipe.sieges, nom), statut=StatutPresence.EXCUSE) for nom in NOMS],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.cloturer_seance(equipe.seance, acteur=equipe.secretaire)
    assert archivages == [equipe.seance.pk]


@pytest.mark.parametrize(
    "action",
    [
        "noter_presences",
        "enregistrer_notes",
        "voter",
        "constater_consensus",
        "ajouter_decision",
        "suivre_decision",
        "revoir_fiche",
        "enregistrer_synthese",
    ],
)
def test_une_seance_cloturee_est_figee(equipe, archivages, action):
    tous_presents(equipe)
    services.constater_consensus(equipe.point, acteur=equipe.secretaire)
    precedente = fabriques.seance(
        equipe.comite,
        cree_par=equipe.secretaire,
        statut=StatutSeance.CLOTUREE,
        dans_jours=-90,
        cloturee_le=timezone.now(),
    )
    ancienne = fabriques.decision(precedente, equipe.caf)
    services.cloturer_seance(equipe.seance, acteur=equipe.secretaire)
    s, acteur = equipe.seance, equipe.secretaire
    actions = {
        "noter_presences": lambda: services.noter_presences(s, acteur=acteur, lignes=[]),
        "enregistrer_notes": lambda: services.enregistrer_notes(equipe.point, acteur=acteur, notes="Ajout"),
        "voter": lambda: services.voter(equipe.point, acteur=acteur, choix={equipe.sieges.etat: "pour"}),
        "constater_consensus": lambda: services.constater_consensus(equipe.point, acteur=acteur),
        "ajouter_decision": lambda: services.ajouter_decision(
            equipe.point, acteur=acteur, texte="Tard", organisation_responsable=equipe.caf
        ),
        "suivre_decision": lambda: services.suivre_decision(
            s, acteur=acteur, decision=ancienne, statut=StatutDecision.REALISEE
        ),
        "revoir_fiche": lambda: services.revoir_fiche(
            s, acteur=acteur, fiche=equipe.fiche, statut=StatutFiche.REALISEE, avancement=100
        ),
        "enregistrer_synthese": lambda: services.enregistrer_synthese(s, acteur=acteur, synthese="Ajout"),
    }
    with pytest.raises(ValidationError, match="La séance est clôturée : elle est figée"):
        actions[action]()


def test_le_secretaire_cloture_depuis_la_page_de_la_seance(client, connecter, equipe, archivages):
    connecter(equipe.secretaire)
    url = reverse("gouvernance:seance_cloturer", args=[equipe.seance.uuid])
    reponse = client.post(url, follow=True)
    assert "Notez la présence de chaque siège avant de clôturer." in reponse.content.decode()
    tous_presents(equipe)
    reponse = client.post(url, follow=True)
    contenu = reponse.content.decode()
    assert "Séance clôturée : elle est figée" in contenu
    assert "Clôturer la séance" not in contenu and "Noter les présences" not in contenu
    assert Seance.objects.get(pk=equipe.seance.pk).statut == StatutSeance.CLOTUREE


def test_un_copresident_ne_cloture_pas_la_seance(client, connecter, equipe, archivages):
    tous_presents(equipe)
    connecter(equipe.prefet)
    assert client.post(reverse("gouvernance:seance_cloturer", args=[equipe.seance.uuid])).status_code == 403
    assert Seance.objects.get(pk=equipe.seance.pk).statut == StatutSeance.CONVOQUEE
