"""Les changements de situation ne cassent pas le parcours : avis de réexamen, courriel au référent, 26 ans."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from parcours import services
from parcours.models import Carnet, EvenementCarnet, Intervenant
from parcours.suivi import regles
from parcours.suivi import services as suivi_services
from tests.factories import membre
from tests.parcours import suivi_fabriques
from tests.parcours.suivi_fabriques import AUJOURD_HUI, instant

equipe, temps = suivi_fabriques.equipe, suivi_fabriques.temps  # fixtures
REEXAMEN = EvenementCarnet.Type.REEXAMEN_SUGGERE


@pytest.mark.parametrize(
    ("type_statut", "avant", "apres", "code"),
    [
        ("droit_rsa", "", "ouvert_versable", "entree_rsa"),
        ("droit_rsa", "refuse", "ouvert_suspendu", "entree_rsa"),
        ("droit_rsa", "ouvert_versable", "clos", "sortie_rsa"),
        ("droit_rsa", "ouvert_versable", "ouvert_suspendu", None),
        ("inscrit_france_travail", "non", "oui", "inscription_france_travail"),
        ("inscrit_france_travail", "oui", "oui", None),
        ("droits_et_devoirs", "", "oui", "entree_droits_et_devoirs"),
        ("droits_et_devoirs", "oui", "non", "fin_droits_et_devoirs"),
        ("rqth", "", "oui", None),
        ("parent_isole", "", "oui", None),
    ],
)
def test_les_changements_qui_appellent_un_reexamen(type_statut, avant, apres, code):
    motif = regles.motif_reexamen(type_statut, avant, apres)
    assert (motif[0] if motif else None) == code


@pytest.mark.parametrize(
    ("naissance", "jour"),
    [
        (date(2000, 5, 3), date(2026, 5, 3)),
        (date(2000, 2, 29), date(2026, 3, 1)),
        (date(2004, 2, 29), date(2030, 3, 1)),
    ],
)
def test_le_jour_des_26_ans_suit_le_calcul_de_l_age(naissance, jour):
    from parcours.models import Personne

    assert regles.anniversaire(naissance, 26) == jour
    personne = Personne(date_naissance=naissance)
    assert personne.age(jour) == 26 and personne.age(jour - timedelta(days=1)) == 25


def test_un_changement_fait_par_un_collegue_previent_le_referent_apres_commit(
    equipe, temps, django_capture_on_commit_callbacks
):
    carnet = equipe["carnet"]
    services.ajouter_intervenant(
        carnet, acteur=equipe["referente"], utilisateur=equipe["conseiller"], organisation=equipe["mission_locale"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.changer_statut(
            carnet, acteur=equipe["conseiller"], type="droit_rsa", valeur="ouvert_versable", date_debut=date(2025, 6, 2)
        )
    evenement = carnet.evenements.get(type=REEXAMEN)
    assert evenement.acteur == equipe["conseiller"] and evenement.organisation == equipe["mission_locale"]
    (courriel,) = mail.outbox
    assert courriel.to == ["claire@exemple.fr"]
    assert "Inès Lalanne" in courriel.body and "Entrée dans le RSA" in courriel.body
    assert "http://127.0.0.1:8000" + reverse("parcours:carnet", args=[carnet.uuid]) in courriel.body
    # le parcours continue : rien n'est fermé
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.ACTIF
    assert Intervenant.objects.actifs().filter(carnet=carnet).count() == 2


def test_le_referent_auteur_du_changement_n_est_pas_prevenu_et_un_statut_ordinaire_n_ecrit_rien(
    equipe, temps, django_capture_on_commit_callbacks
):
    carnet, referente = equipe["carnet"], equipe["referente"]
    with django_capture_on_commit_callbacks(execute=True):
        services.changer_statut(
            carnet, acteur=referente, type="parent_isole", valeur="oui", date_debut=date(2025, 6, 2)
        )
        services.changer_statut(
            carnet, acteur=referente, type="inscrit_france_travail", valeur="oui", date_debut=date(2025, 6, 2)
        )
    assert list(carnet.evenements.filter(type=REEXAMEN).values_list("details__code", flat=True)) == [
        "inscription_france_travail"
    ]
    assert mail.outbox == []


def test_un_changement_refuse_n_ecrit_pas_d_avis(equipe, temps):
    carnet = equipe["carnet"]
    services.changer_statut(carnet, acteur=equipe["referente"], type="droit_rsa", valeur="refuse",
                            date_debut=date(2025, 6, 2))  # fmt: skip
    with pytest.raises(Exception, match="ne peut pas commencer avant"):
        services.changer_statut(carnet, acteur=equipe["referente"], type="droit_rsa", valeur="ouvert_versable",
                                date_debut=date(2025, 6, 1))  # fmt: skip
    assert not carnet.evenements.filter(type=REEXAMEN).exists()


def test_le_courriel_n_est_envoye_qu_une_fois_si_la_tache_est_rejouee(equipe, temps):
    from parcours.suivi.taches import prevenir_referent_reexamen

    evenement = suivi_services.suggerer_reexamen(
        equipe["carnet"], acteur=equipe["conseiller"], code="test", phrase="Sortie du RSA"
    )
    prevenir_referent_reexamen(evenement.pk)
    prevenir_referent_reexamen(evenement.pk)
    assert len(mail.outbox) == 1


# --- 26 ans ------------------------------------------------------------------------------------


def _carnet_jeune(equipe, naissance, *, mission_locale=False):
    carnet = suivi_fabriques.ouvrir(
        equipe["referente"], equipe["departement"], nom="Jeune", prenom="Léo", date_naissance=naissance
    )
    if mission_locale:
        services.ajouter_intervenant(
            carnet, acteur=equipe["referente"], utilisateur=equipe["conseiller"], organisation=equipe["mission_locale"]
        )
    return carnet


def _nuit(temps, jour, django_capture_on_commit_callbacks):
    temps.move_to(instant(jour, 2), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("calculer_point_de_situation", stdout=StringIO())


def test_les_26_ans_donnent_un_seul_avis_qui_mentionne_la_mission_locale(
    equipe, temps, django_capture_on_commit_callbacks
):
    carnet = _carnet_jeune(equipe, date(2000, 3, 16), mission_locale=True)
    _nuit(temps, AUJOURD_HUI - timedelta(days=1), django_capture_on_commit_callbacks)
    assert not carnet.evenements.filter(type=REEXAMEN).exists()  # 25 ans la veille
    _nuit(temps, AUJOURD_HUI, django_capture_on_commit_callbacks)
    evenement = carnet.evenements.get(type=REEXAMEN)
    assert evenement.resume == (
        "26 ans le 16/03/2026 : la personne quitte le public jeune (Mission locale) ; revoir l'organisme référent et "
        "le contrat. (avis automatique de la plateforme)"
    )
    assert evenement.acteur == equipe["referente"] and evenement.organisation == equipe["departement"]
    (courriel,) = mail.outbox
    assert courriel.to == ["claire@exemple.fr"] and "Mission locale" in courriel.body
    _nuit(temps, AUJOURD_HUI + timedelta(days=1), django_capture_on_commit_callbacks)
    assert carnet.evenements.filter(type=REEXAMEN).count() == 1 and len(mail.outbox) == 1
    # le parcours continue, et l'avis est dans le point de situation
    carnet.refresh_from_db()
    assert carnet.statut == Carnet.Statut.ACTIF
    from parcours.models import ElementATraiter

    assert ElementATraiter.objects.filter(carnet=carnet, regle="reexamen_statut").exists()


def test_sans_mission_locale_l_avis_ne_la_mentionne_pas(equipe, temps, django_capture_on_commit_callbacks):
    carnet = _carnet_jeune(equipe, date(2000, 3, 16))
    _nuit(temps, AUJOURD_HUI, django_capture_on_commit_callbacks)
    assert "Mission locale" not in carnet.evenements.get(type=REEXAMEN).resume


@pytest.mark.parametrize(("anniversaire_il_y_a", "signale"), [(31, True), (32, False)])
def test_une_nuit_manquee_se_rattrape_dans_la_fenetre(
    equipe, temps, django_capture_on_commit_callbacks, anniversaire_il_y_a, signale
):
    jour_26 = AUJOURD_HUI - timedelta(days=anniversaire_il_y_a)
    carnet = _carnet_jeune(equipe, jour_26.replace(year=jour_26.year - 26))
    _nuit(temps, AUJOURD_HUI, django_capture_on_commit_callbacks)
    assert carnet.evenements.filter(type=REEXAMEN).exists() is signale


def test_un_parcours_clos_n_a_pas_d_avis_des_26_ans(equipe, temps, django_capture_on_commit_callbacks):
    carnet = _carnet_jeune(equipe, date(2000, 3, 16))
    suivi_services.sortir(carnet, acteur=equipe["referente"], motif="demenagement", date_sortie=date(2025, 6, 2))
    _nuit(temps, AUJOURD_HUI, django_capture_on_commit_callbacks)
    assert not carnet.evenements.filter(type=REEXAMEN).exists()


def test_sans_referent_l_avis_est_ecrit_sans_courriel(equipe, temps, django_capture_on_commit_callbacks):
    carnet = _carnet_jeune(equipe, date(2000, 3, 16))
    admin = membre(equipe["departement"], "administrateur").utilisateur
    from partenaires.services import desactiver_membre

    desactiver_membre(equipe["referente"].membres.get(), acteur=admin, motif="Départ")
    Intervenant.objects.filter(carnet=carnet).update(date_fin=date(2025, 6, 2), motif_fin="Départ")
    _nuit(temps, AUJOURD_HUI, django_capture_on_commit_callbacks)
    assert carnet.evenements.get(type=REEXAMEN).acteur == carnet.cree_par
    assert mail.outbox == []
