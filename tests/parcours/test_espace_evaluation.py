"""L'avis de la personne sur les étapes closes de son accompagnement : seules ses étapes closes, une seule fois,
le refus de répondre, et l'absence de lien (aucun lien vers la personne, aucun ordre d'enregistrement lisible, rien
dans l'historique), dit sans promettre davantage."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from parcours import services
from parcours.espace import evaluation
from parcours.models import (
    Carnet,
    EtapeEvaluee,
    Evaluation,
    EvenementCarnet,
    OrientationService,
    Personne,
    SortieParcours,
    TransitionOrientationService,
)
from tests.offre import fabriques as offre
from tests.parcours.espace_fabriques import ouvrir_espace

MONT_DE_MARSAN, EPCI_MONT_DE_MARSAN = "40192", "244000808"
REPONSES = {"utilite": "4", "ecoute": "2", "recommanderait": "ne_sait_pas", "commentaire": "Un atelier utile."}


def orientation(carnet, acteur, organisation, *, statut=OrientationService.Statut.TERMINEE, il_y_a=1, nom="Atelier"):
    """Une orientation vers un service, passée à `statut` il y a `il_y_a` jours."""
    quand = timezone.now() - timedelta(days=il_y_a)
    cree = OrientationService.objects.create(
        carnet=carnet,
        service=offre.service(nom=nom),
        statut=statut,
        consentement_le=quand - timedelta(days=30),
        prescripteur=acteur,
        organisation=organisation,
        envoyee_le=quand - timedelta(days=30),
        expire_le=quand,
    )
    TransitionOrientationService.objects.create(orientation=cree, de="entree", vers=statut, acteur=acteur, date=quand)
    return cree


def sortie(carnet, acteur, organisation, *, le=None):
    return SortieParcours.objects.create(
        carnet=carnet,
        motif=SortieParcours.Motif.values[0],
        date_sortie=le or timezone.localdate() - timedelta(days=2),
        auteur=acteur,
        organisation=organisation,
    )


@pytest.fixture
def t(equipe):
    carnet, referente = equipe["carnet"], equipe["referente"]
    personne = carnet.personne
    personne.code_commune = MONT_DE_MARSAN
    personne.save(update_fields=["code_commune"])
    services.changer_statut(
        carnet, acteur=referente, type="droit_rsa", valeur="ouvert_versable", date_debut=date(2025, 1, 1)
    )
    return {
        **equipe,
        "compte": ouvrir_espace(carnet),
        "close": orientation(carnet, referente, equipe["departement"], nom="Atelier CV"),
    }


@pytest.fixture
def chez_soi(t, connecter):
    return connecter(t["compte"])


def url_evaluer(type_etape, objet_id):
    return reverse("parcours:espace_evaluer", args=[type_etape, objet_id])


def test_la_liste_montre_les_seules_etapes_closes_et_dit_ce_que_deviennent_les_reponses(t, chez_soi):
    carnet, referente, departement = t["carnet"], t["referente"], t["departement"]
    orientation(carnet, referente, departement, statut=OrientationService.Statut.ACCEPTEE, nom="Atelier en cours")
    orientation(carnet, referente, departement, il_y_a=400, nom="Atelier trop ancien")
    sortie(carnet, referente, departement)
    contenu = " ".join(chez_soi.get(reverse("parcours:espace_evaluations")).content.decode().split())
    assert "Orientation vers « Atelier CV" in contenu and "Sortie du parcours" in contenu
    assert "Atelier en cours" not in contenu and "Atelier trop ancien" not in contenu
    assert "sans votre nom et sans lien avec votre carnet" in contenu
    assert "Votre référent ne les voit pas" in contenu and "seulement à partir de 5 réponses" in contenu
    assert "anonyme" not in contenu  # pas de promesse d'anonymat absolu
    assert url_evaluer("orientation_service", t["close"].pk) in contenu


def test_le_questionnaire_pose_trois_questions_en_groupes_de_boutons_radio(t, chez_soi):
    contenu = " ".join(chez_soi.get(url_evaluer("orientation_service", t["close"].pk)).content.decode().split())
    assert contenu.count('<fieldset class="fr-fieldset') == 3
    for question in (
        "Cette étape vous a-t-elle été utile ?",
        "Vous êtes-vous senti(e) écouté(e) ?",
        "Recommanderiez-vous cet accompagnement à un proche ?",
    ):
        assert question in contenu
    assert "Plutôt pas" in contenu and "Je ne sais pas" in contenu
    assert 'name="ne_pas_repondre"' in contenu and "Je ne souhaite pas répondre" in contenu
    assert '<label class="fr-label" for="id_commentaire">' in contenu
    assert "sans lien avec votre carnet" in contenu and "anonyme" not in contenu
    assert (
        "Votre commentaire pourra être lu, sans votre nom, par les pilotes du territoire : n&#x27;y écrivez rien qui "
        "permette de vous reconnaître."
    ) in contenu


def test_l_avis_est_enregistre_sans_lien_vers_la_personne_ni_evenement(t, chez_soi):
    carnet = t["carnet"]
    evenements = EvenementCarnet.objects.filter(carnet=carnet).count()
    reponse = chez_soi.post(url_evaluer("orientation_service", t["close"].pk), REPONSES)
    assert reponse.status_code == 302 and reponse.url == reverse("parcours:espace_evaluations")
    etape = EtapeEvaluee.objects.get(carnet=carnet)
    assert (etape.type_etape, etape.objet_id, etape.repondu) == ("orientation_service", t["close"].pk, True)
    avis = Evaluation.objects.get()
    assert (avis.utilite, avis.ecoute, avis.recommanderait) == (4, 2, "ne_sait_pas")
    assert avis.commentaire == "Un atelier utile."
    assert avis.type_etape == "orientation_service"
    assert avis.mois == timezone.localdate().replace(day=1)
    assert (avis.departement, avis.code_epci) == ("40", EPCI_MONT_DE_MARSAN)
    assert avis.organisation_referente == t["departement"]
    assert avis.publics == ["brsa"]
    # Rien dans l'historique du carnet : le groupe de suivi ne lit pas les réponses.
    assert EvenementCarnet.objects.filter(carnet=carnet).count() == evenements


def test_le_modele_de_l_avis_n_a_aucun_lien_vers_la_personne_ou_son_carnet():
    liees = {champ.related_model for champ in Evaluation._meta.get_fields() if champ.is_relation}
    assert liees.isdisjoint({Carnet, Personne}) and all(
        modele._meta.label in ("partenaires.Organisation",) for modele in liees
    )
    assert "date" not in {champ.name for champ in Evaluation._meta.get_fields()}  # le mois seulement


def test_rien_dans_l_avis_ni_dans_l_etape_evaluee_ne_dit_l_ordre_des_reponses(t, client, connecter, time_machine):
    """Deux personnes répondent l'une après l'autre : ni identifiant entier, ni horodatage ne permet de ranger les
    avis dans l'ordre de leur enregistrement, donc de les apparier aux `EtapeEvaluee` (rangées, elles, par id)."""
    referente, departement = t["referente"], t["departement"]
    autre = services.ouvrir_carnet(
        acteur=referente, organisation=departement, nom="Petit", prenom="Sam", date_naissance=date(1990, 7, 14)
    )
    fermee = orientation(autre, referente, departement, nom="Atelier numérique")
    compte_autre = ouvrir_espace(autre)
    time_machine.move_to(timezone.now().replace(day=10, hour=9), tick=False)
    connecter(t["compte"]).post(url_evaluer("orientation_service", t["close"].pk), REPONSES)
    time_machine.move_to(timezone.now() + timedelta(days=2, hours=3), tick=False)
    connecter(compte_autre).post(url_evaluer("orientation_service", fermee.pk), {**REPONSES, "commentaire": "B"})
    assert EtapeEvaluee.objects.filter(repondu=True).count() == Evaluation.objects.count() == 2
    # La clé de l'avis est un UUID aléatoire (version 4), pas un entier séquentiel.
    assert isinstance(Evaluation._meta.pk, models.UUIDField)
    assert all(uuid.UUID(str(pk)).version == 4 for pk in Evaluation.objects.values_list("pk", flat=True))
    # Aucun champ entier auto-incrémenté, aucune date ni heure autre que le mois, identique pour les deux avis.
    for champ in Evaluation._meta.concrete_fields:
        assert not isinstance(champ, models.AutoField | models.BigAutoField | models.DateTimeField), champ.name
        assert not isinstance(champ, models.DateField) or champ.name == "mois", champ.name
    assert Evaluation.objects.values("mois").distinct().count() == 1
    # L'étape évaluée ne garde aucune date.
    assert not [champ.name for champ in EtapeEvaluee._meta.concrete_fields if isinstance(champ, models.DateField)]


def test_l_ordre_des_cles_des_avis_ne_suit_pas_l_ordre_des_reponses(t):
    # Huit avis donnés l'un après l'autre : rangés par clé, ils retrouveraient leur ordre une fois sur 40 320.
    etapes = [t["close"]] + [
        orientation(t["carnet"], t["referente"], t["departement"], nom=f"Atelier {numero}") for numero in range(7)
    ]
    for numero, etape in enumerate(etapes):
        evaluation.donner_avis(
            t["carnet"], "orientation_service", etape.pk, acteur=t["compte"], utilite=4, ecoute=4,
            recommanderait="oui", commentaire=str(numero),
        )  # fmt: skip
    par_cle = list(Evaluation.objects.order_by("pk").values_list("commentaire", flat=True))
    assert sorted(par_cle) == [str(numero) for numero in range(8)]
    assert par_cle != sorted(par_cle)


def test_une_etape_evaluee_ne_se_reevalue_pas(t, chez_soi):
    url = url_evaluer("orientation_service", t["close"].pk)
    chez_soi.post(url, REPONSES)
    assert chez_soi.get(url).status_code == 404
    assert chez_soi.post(url, REPONSES).status_code == 404
    assert Evaluation.objects.count() == 1
    assert "Aucune étape n'attend votre avis" in chez_soi.get(reverse("parcours:espace_evaluations")).content.decode()


def test_ne_pas_repondre_retient_l_etape_sans_enregistrer_d_avis(t, chez_soi):
    url = url_evaluer("orientation_service", t["close"].pk)
    reponse = chez_soi.post(url, {"ne_pas_repondre": "1"})
    assert reponse.status_code == 302
    assert EtapeEvaluee.objects.get(carnet=t["carnet"]).repondu is False
    assert not Evaluation.objects.exists()
    assert chez_soi.get(url).status_code == 404


def test_une_sortie_du_parcours_s_evalue_aussi(t, chez_soi):
    fin = sortie(t["carnet"], t["referente"], t["departement"])
    assert chez_soi.post(url_evaluer("sortie", fin.pk), REPONSES).status_code == 302
    assert Evaluation.objects.get().type_etape == "sortie"


@pytest.mark.parametrize("cas", ["future", "rouverte"])
def test_une_sortie_future_ou_rouverte_n_est_pas_une_etape_close(t, chez_soi, cas):
    if cas == "future":
        fin = sortie(t["carnet"], t["referente"], t["departement"], le=timezone.localdate() + timedelta(days=3))
    else:
        fin = sortie(t["carnet"], t["referente"], t["departement"], le=timezone.localdate() - timedelta(days=10))
        SortieParcours.objects.filter(pk=fin.pk).update(
            rouvert_le=timezone.localdate() - timedelta(days=1), motif_reouverture="Reprise de l'accompagnement."
        )
    assert "sortie" not in {etape.type_etape for etape in evaluation.etapes_a_evaluer(t["carnet"])}
    assert "Sortie du parcours" not in chez_soi.get(reverse("parcours:espace_evaluations")).content.decode()
    url = url_evaluer("sortie", fin.pk)
    assert chez_soi.get(url).status_code == 404
    assert chez_soi.post(url, REPONSES).status_code == 404
    assert not Evaluation.objects.exists()


def test_une_sortie_du_jour_est_close(t, chez_soi):
    fin = sortie(t["carnet"], t["referente"], t["departement"], le=timezone.localdate())
    assert chez_soi.get(url_evaluer("sortie", fin.pk)).status_code == 200


@pytest.mark.parametrize("cas", ["autre_personne", "pas_close", "type_inconnu", "inexistante"])
def test_une_etape_qui_n_est_pas_a_evaluer_repond_404(t, chez_soi, cas):
    referente, departement = t["referente"], t["departement"]
    if cas == "autre_personne":
        autre = services.ouvrir_carnet(
            acteur=referente, organisation=departement, nom="Petit", prenom="Sam", date_naissance=date(1990, 7, 14)
        )
        url = url_evaluer("orientation_service", orientation(autre, referente, departement).pk)
    elif cas == "pas_close":
        en_cours = orientation(t["carnet"], referente, departement, statut=OrientationService.Statut.ENTREE)
        url = url_evaluer("orientation_service", en_cours.pk)
    elif cas == "type_inconnu":
        url = url_evaluer("rendez_vous", t["close"].pk)
    else:
        url = url_evaluer("sortie", 999999)
    assert chez_soi.get(url).status_code == 404
    assert chez_soi.post(url, REPONSES).status_code == 404
    assert not EtapeEvaluee.objects.exists() and not Evaluation.objects.exists()


def test_des_reponses_manquantes_ou_trop_longues_sont_refusees_en_francais(t, chez_soi):
    url = url_evaluer("orientation_service", t["close"].pk)
    contenu = chez_soi.post(url, {"utilite": "4"}).content.decode()
    assert "Choisissez une réponse." in contenu
    contenu = chez_soi.post(url, {**REPONSES, "commentaire": "x" * 2001}).content.decode()
    assert "2000 caractères" in contenu
    assert not EtapeEvaluee.objects.exists() and not Evaluation.objects.exists()


def test_seule_la_personne_donne_son_avis(t):
    with pytest.raises(ValidationError):
        evaluation.donner_avis(
            t["carnet"], "orientation_service", t["close"].pk, acteur=t["referente"], utilite=4, ecoute=4,
            recommanderait="oui",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        evaluation.donner_avis(
            t["carnet"], "orientation_service", t["close"].pk, acteur=t["compte"], utilite=5, ecoute=4,
            recommanderait="oui",
        )  # fmt: skip
    assert not EtapeEvaluee.objects.exists() and not Evaluation.objects.exists()


def test_un_professionnel_ne_voit_pas_les_pages_d_avis(t, client, connecter):
    connecter(t["referente"])
    assert client.get(reverse("parcours:espace_evaluations")).status_code == 404


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_liste_coute_autant_de_requetes_a_1_et_a_20_etapes(t, chez_soi, django_assert_num_queries, nombre):
    for numero in range(nombre - 1):
        orientation(t["carnet"], t["referente"], t["departement"], nom=f"Atelier {numero}")
    url = reverse("parcours:espace_evaluations")
    chez_soi.get(url)  # la session est écrite une première fois
    # Session (lue ; réécrite au plus une fois par minute, pas ici), compte, espace, étapes déjà évaluées,
    # orientations closes, sorties : autant à 1 qu'à 20 étapes.
    with django_assert_num_queries(6):
        contenu = chez_soi.get(url).content.decode()
    assert contenu.count("Donner mon avis") == nombre
