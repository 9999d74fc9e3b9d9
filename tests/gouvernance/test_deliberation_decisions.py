"""Les décisions prises en séance et leur report : une décision ouverte revient à chaque séance suivante du comité
jusqu'à ce qu'un suivi la dise réalisée ou abandonnée ; la page du comité et la liste des décisions."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gouvernance.choix import ModeDecision, StatutDecision, StatutPresence, StatutSeance, TypePoint
from gouvernance.deliberation import services
from gouvernance.deliberation.contexte import contexte_decisions_comite, contexte_tenue
from gouvernance.deliberation.services import LignePresence
from gouvernance.models import Decision, Seance, SuiviDecision
from tests.factories import OrganisationFactory
from tests.gouvernance import fabriques


def seance_convoquee(equipe, *, il_y_a_jours=0):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE, dans_jours=0)
    Seance.objects.filter(pk=seance.pk).update(date=timezone.now() - timedelta(days=il_y_a_jours, hours=1))
    seance.refresh_from_db()
    return seance


def cloturer(seance):
    Seance.objects.filter(pk=seance.pk).update(statut=StatutSeance.CLOTUREE, cloturee_le=timezone.now())
    seance.refresh_from_db()


@pytest.fixture
def equipe(db):
    equipe = fabriques.equipe_comite()
    equipe.seance = seance_convoquee(equipe)
    equipe.point = fabriques.point(equipe.seance, "Création d'un garage solidaire", type=TypePoint.DELIBERATION)
    return equipe


def adopter(equipe):
    """Les quatre sièges délibératifs présents, le point adopté par consensus."""
    lignes = [
        LignePresence(
            siege=getattr(equipe.sieges, nom), statut=StatutPresence.PRESENT, mandat=getattr(equipe.mandats, nom)
        )
        for nom in ("etat", "departement", "caf", "commune")
    ]
    services.noter_presences(equipe.seance, acteur=equipe.secretaire, lignes=lignes)
    services.constater_consensus(equipe.point, acteur=equipe.secretaire)


def decider(equipe, point=None, **champs):
    champs.setdefault("texte", "Financer le garage solidaire du Marsan")
    champs.setdefault("organisation_responsable", equipe.caf)
    return services.ajouter_decision(point or equipe.point, acteur=equipe.secretaire, **champs)


# --- Décisions ----------------------------------------------------------------------------------


def test_une_decision_se_prend_sur_un_point_adopte(equipe):
    adopter(equipe)
    echeance = timezone.localdate() + timedelta(days=90)
    decision = decider(equipe, echeance=echeance)
    assert (decision.comite, decision.seance, decision.point) == (equipe.comite, equipe.seance, equipe.point)
    assert (decision.mode, decision.statut, decision.echeance) == (
        ModeDecision.CONSENSUS,
        StatutDecision.A_FAIRE,
        echeance,
    )


def test_une_decision_sur_un_point_non_adopte_est_refusee(equipe):
    with pytest.raises(ValidationError, match="Une décision se prend sur un point adopté"):
        decider(equipe)
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("champs", "champ", "message"),
    [
        (
            {"organisation_responsable": None},
            "organisation_responsable",
            "Une décision a une organisation responsable.",
        ),
        ({"texte": "  "}, "texte", "Rédigez la décision."),
        (
            {"echeance": "veille de la séance"},
            "echeance",
            "L'échéance ne peut pas précéder la séance.",
        ),
    ],
    ids=["sans-organisation", "sans-texte", "echeance-passee"],
)
def test_une_decision_incomplete_est_refusee(equipe, champs, champ, message):
    adopter(equipe)
    if champs.get("echeance") == "veille de la séance":
        # Calculée ici, sur la date de la séance (à Paris) : calculée à la collecte, elle dépendait de l'heure.
        champs = {"echeance": timezone.localdate(equipe.seance.date) - timedelta(days=1)}
    with pytest.raises(ValidationError) as erreur:
        decider(equipe, **champs)
    assert erreur.value.message_dict[champ] == [message]
    assert not Decision.objects.exists()


def test_une_organisation_etrangere_au_comite_ne_porte_pas_de_decision(equipe):
    adopter(equipe)
    etrangere = OrganisationFactory(nom="Association du Gers", departement="32")
    with pytest.raises(ValidationError, match="membre du consortium ou qui siège au comité"):
        decider(equipe, organisation_responsable=etrangere)
    assert not Decision.objects.exists()


def test_le_formulaire_sans_organisation_responsable_donne_le_message(client, connecter, equipe):
    adopter(equipe)
    connecter(equipe.secretaire)
    url = reverse("gouvernance:decision_ajouter", args=[equipe.seance.uuid, equipe.point.uuid])
    page = client.get(url).content.decode()
    assert "CAF des Landes" in page and "Association" not in page
    reponse = client.post(url, {"texte": "Financer le garage", "organisation_responsable": "", "echeance": ""})
    assert reponse.status_code == 200
    assert "Une décision a une organisation responsable." in reponse.content.decode()
    assert not Decision.objects.exists()
    reponse = client.post(
        url, {"texte": "Financer le garage", "organisation_responsable": equipe.caf.pk, "echeance": "2999-01-31"}
    )
    assert reponse.status_code == 302
    assert Decision.objects.get().echeance.isoformat() == "2999-01-31"


# --- Report de séance en séance ------------------------------------------------------------------


def a_suivre(seance, user):
    return [decision.texte for decision in contexte_tenue(seance, user)["tenue"].decisions_suivies]


def test_une_decision_ouverte_est_reportee_jusqu_a_sa_realisation(equipe):
    premiere = seance_convoquee(equipe, il_y_a_jours=300)
    decision = fabriques.decision(premiere, equipe.caf)
    cloturer(premiere)
    # Deuxième séance : la décision est à suivre ; on la dit en cours.
    deuxieme = seance_convoquee(equipe, il_y_a_jours=200)
    assert a_suivre(deuxieme, equipe.secretaire) == [decision.texte]
    services.suivre_decision(
        deuxieme, acteur=equipe.secretaire, decision=decision, statut=StatutDecision.EN_COURS, commentaire="Devis reçus"
    )
    cloturer(deuxieme)
    # Troisième : toujours à suivre (avec le suivi précédent) ; on la dit réalisée.
    troisieme = seance_convoquee(equipe, il_y_a_jours=100)
    tenue = contexte_tenue(troisieme, equipe.secretaire)["tenue"]
    (suivie,) = tenue.decisions_suivies
    assert (suivie.dernier_suivi.statut, suivie.dernier_suivi.commentaire) == (StatutDecision.EN_COURS, "Devis reçus")
    services.suivre_decision(troisieme, acteur=equipe.secretaire, decision=decision, statut=StatutDecision.REALISEE)
    decision.refresh_from_db()
    assert decision.statut == StatutDecision.REALISEE
    assert a_suivre(troisieme, equipe.secretaire) == [decision.texte]  # la séance garde ce qu'elle a suivi
    cloturer(troisieme)
    # Ensuite, plus rien à suivre ; les séances passées gardent leur liste.
    assert a_suivre(equipe.seance, equipe.secretaire) == []
    assert a_suivre(deuxieme, equipe.secretaire) == [decision.texte]


def test_une_decision_abandonnee_n_est_plus_reportee(equipe):
    precedente = seance_convoquee(equipe, il_y_a_jours=100)
    decision = fabriques.decision(precedente, equipe.caf)
    cloturer(precedente)
    intermediaire = seance_convoquee(equipe, il_y_a_jours=50)
    services.suivre_decision(
        intermediaire, acteur=equipe.secretaire, decision=decision, statut=StatutDecision.ABANDONNEE
    )
    cloturer(intermediaire)
    assert a_suivre(equipe.seance, equipe.secretaire) == []
    with pytest.raises(ValidationError, match=r"Cette décision est close \(abandonnée\)"):
        services.suivre_decision(
            equipe.seance, acteur=equipe.secretaire, decision=decision, statut=StatutDecision.EN_COURS
        )


def test_un_seul_suivi_par_seance_et_par_decision_le_refaire_le_corrige(equipe):
    precedente = seance_convoquee(equipe, il_y_a_jours=100)
    decision = fabriques.decision(precedente, equipe.caf)
    cloturer(precedente)
    services.suivre_decision(equipe.seance, acteur=equipe.secretaire, decision=decision, statut=StatutDecision.REALISEE)
    services.suivre_decision(
        equipe.seance, acteur=equipe.secretaire, decision=decision, statut=StatutDecision.EN_COURS, commentaire="Erreur"
    )
    suivi = SuiviDecision.objects.get()
    assert (suivi.statut, suivi.commentaire, suivi.seance) == (StatutDecision.EN_COURS, "Erreur", equipe.seance)
    decision.refresh_from_db()
    assert decision.statut == StatutDecision.EN_COURS


def test_une_decision_ne_se_suit_pas_lors_de_la_seance_qui_l_a_prise(equipe):
    adopter(equipe)
    decision = decider(equipe)
    with pytest.raises(ValidationError, match="pas lors de celle qui l'a prise"):
        services.suivre_decision(
            equipe.seance, acteur=equipe.secretaire, decision=decision, statut=StatutDecision.EN_COURS
        )
    assert not SuiviDecision.objects.exists()


def test_une_decision_d_un_autre_comite_ne_se_suit_pas(equipe):
    autre_comite = fabriques.comite(equipe.consortium, nom="Comité local de Dax", type="local")
    autre_seance = fabriques.seance(autre_comite, cree_par=equipe.secretaire, dans_jours=-30)
    decision = fabriques.decision(autre_seance, equipe.caf)
    with pytest.raises(ValidationError, match="Cette décision relève d'un autre comité."):
        services.suivre_decision(
            equipe.seance, acteur=equipe.secretaire, decision=decision, statut=StatutDecision.EN_COURS
        )
    assert a_suivre(equipe.seance, equipe.secretaire) == []


def test_le_secretaire_fait_le_point_sur_une_decision_par_la_page_de_suivi(client, connecter, equipe):
    precedente = seance_convoquee(equipe, il_y_a_jours=100)
    decision = fabriques.decision(precedente, equipe.caf, texte="Ouvrir un second atelier vélo")
    cloturer(precedente)
    connecter(equipe.secretaire)
    page = client.get(reverse("gouvernance:seance", args=[equipe.seance.uuid])).content.decode()
    assert "Ouvrir un second atelier vélo" in page and "Faire le point" in page
    url = reverse("gouvernance:decision_suivre", args=[equipe.seance.uuid, decision.uuid])
    reponse = client.post(url, {"statut": StatutDecision.EN_COURS, "commentaire": "Local trouvé à Dax"})
    assert reponse.status_code == 302 and reponse.url.endswith("#suivi-decisions")
    page = client.get(reponse.url).content.decode()
    assert "Local trouvé à Dax" in page


# --- Page du comité et liste des décisions ------------------------------------------------------


def test_la_page_du_comite_montre_les_decisions_ouvertes_et_les_retards(equipe):
    precedente = seance_convoquee(equipe, il_y_a_jours=100)
    en_retard = fabriques.decision(
        precedente, equipe.caf, texte="Lancer l'appel à projets", echeance=timezone.localdate() - timedelta(days=1)
    )
    fabriques.decision(precedente, equipe.commune, texte="Étendre les horaires", statut=StatutDecision.EN_COURS)
    fabriques.decision(precedente, equipe.commune, texte="Déjà faite", statut=StatutDecision.REALISEE)
    contexte = contexte_decisions_comite(equipe.comite, equipe.professionnel_caf)
    decisions = contexte["decisions_ouvertes_du_comite"]
    assert [d.texte for d in decisions] == ["Lancer l'appel à projets", "Étendre les horaires"]
    assert [d.en_retard for d in decisions] == [True, False]
    assert decisions[0].pk == en_retard.pk
    assert contexte["url_decisions_du_comite"] == reverse("gouvernance:decisions", args=[equipe.comite.uuid])


def test_la_page_du_comite_inclut_ses_decisions_ouvertes(client, connecter, equipe):
    precedente = seance_convoquee(equipe, il_y_a_jours=100)
    fabriques.decision(
        precedente, equipe.caf, texte="Lancer l'appel à projets", echeance=timezone.localdate() - timedelta(days=1)
    )
    connecter(equipe.professionnel_caf)
    page = client.get(reverse("gouvernance:comite", args=[equipe.comite.uuid])).content.decode()
    assert "Décisions à suivre" in page and "Lancer l&#x27;appel à projets" in page and "En retard" in page
    assert reverse("gouvernance:decisions", args=[equipe.comite.uuid]) in page


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_liste_des_decisions_a_un_nombre_de_requetes_fixe(
    client, connecter, equipe, django_assert_num_queries, nombre
):
    precedente = seance_convoquee(equipe, il_y_a_jours=100)
    for numero in range(nombre):
        decision = fabriques.decision(precedente, equipe.caf, texte=f"Décision {numero}")
        SuiviDecision.objects.create(decision=decision, seance=equipe.seance, statut=StatutDecision.EN_COURS)
    connecter(equipe.professionnel_caf)
    url = reverse("gouvernance:decisions", args=[equipe.comite.uuid])
    client.get(url)
    with django_assert_num_queries(10):
        reponse = client.get(url)
    assert reponse.status_code == 200
    assert "Décision 0" in reponse.content.decode()


def test_la_liste_des_decisions_se_filtre_par_statut(client, connecter, equipe):
    precedente = seance_convoquee(equipe, il_y_a_jours=100)
    fabriques.decision(precedente, equipe.caf, texte="Ouverte")
    fabriques.decision(precedente, equipe.caf, texte="Abandonnée", statut=StatutDecision.ABANDONNEE)
    connecter(equipe.professionnel_caf)
    url = reverse("gouvernance:decisions", args=[equipe.comite.uuid])
    assert "Abandonnée" in client.get(url).content.decode()
    page = client.get(url, {"statut": "ouvertes"}).content.decode()
    assert "Ouverte" in page and '<th scope="row">Abandonnée' not in page
    page = client.get(url, {"statut": StatutDecision.ABANDONNEE}).content.decode()
    assert '<th scope="row">Abandonnée' in page and '<th scope="row">Ouverte' not in page


def test_un_membre_d_une_organisation_sans_siege_ne_voit_pas_les_decisions(client, connecter, equipe):
    from partenaires.choix import Role
    from tests.factories import membre

    dehors = membre(OrganisationFactory(nom="Association du Gers", departement="32"), Role.PROFESSIONNEL).utilisateur
    connecter(dehors)
    assert client.get(reverse("gouvernance:decisions", args=[equipe.comite.uuid])).status_code == 404
