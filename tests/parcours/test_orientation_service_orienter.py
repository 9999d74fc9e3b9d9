"""Orienter une personne vers un service depuis son carnet : le formulaire pré-rempli, le dossier transmis (sans donnée
sensible), l'action du plan, l'événement, les courriels ; et chaque mauvaise entrée, refusée sans rien écrire."""

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from offre import services as offre_services
from offre.models import Service
from parcours import services as carnet_services
from parcours.models import (
    Action,
    ConsultationCarnet,
    EvenementCarnet,
    Objectif,
    OrientationService,
    TransitionOrientationService,
)
from parcours.orientation_service import liens
from tests.offre import fabriques
from tests.parcours import outils_orientation_service as outils
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.outils_orientation_service import CV, MAINTENANT, lien_du_courriel, orienter

o = outils.o
horloge = outils.horloge

pytestmark = pytest.mark.django_db


def etat():
    return (
        OrientationService.objects.count(),
        TransitionOrientationService.objects.count(),
        Action.objects.count(),
        Objectif.objects.count(),
        EvenementCarnet.objects.count(),
    )


def test_orienter_cree_l_orientation_sa_transition_son_action_et_son_evenement(o, django_capture_on_commit_callbacks):
    objectif = carnet_services.ajouter_objectif(
        o.carnet, acteur=o.referente, axe="emploi", libelle_libre="Retrouver un emploi de vendeuse"
    )
    with django_capture_on_commit_callbacks(execute=True):
        orientation = orienter(o, objectif=objectif, message="Elle a un entretien la semaine prochaine.")
    assert orientation.statut == OrientationService.Statut.ENVOYEE
    assert orientation.envoyee_le == MAINTENANT and orientation.consentement_le == MAINTENANT
    assert orientation.expire_le == MAINTENANT.astimezone(UTC) + timedelta(days=30)  # 30 fois 24 heures
    assert orientation.heures_hebdomadaires == Decimal("6")
    assert orientation.prescripteur == o.referente and orientation.organisation == o.departement
    transition = orientation.transitions.get()
    assert (transition.de, transition.vers, transition.acteur) == ("", "envoyee", o.referente)
    action = orientation.action
    assert action.objectif == objectif and action.libelle == "Orientation : Atelier CV"
    assert action.statut == Action.Statut.EN_PROJET and action.porteur == o.relais
    evenement = o.carnet.evenements.get(type=EvenementCarnet.Type.ORIENTATION_SERVICE_ENVOYEE)
    assert evenement.resume == "Atelier CV (Relais Emploi Landes) — envoyée"
    assert evenement.acteur == o.referente and evenement.organisation == o.departement


def test_le_dossier_transmis_porte_l_identite_le_contact_le_besoin_et_qui_oriente(o):
    orientation = orienter(o, message="Disponible le matin.", telephone="07 00 00 00 00")
    assert orientation.dossier == {
        "identite": {"nom": "Lalanne", "prenom": "Inès", "date_naissance": "03/05/1988"},
        "contact": {"courriel": "ines.lalanne@exemple.fr", "telephone": "07 00 00 00 00"},
        "besoin": "Réaliser un CV et/ou une lettre de motivation",
        "objectif": "Préparer sa candidature",
        "service": "Atelier CV",
        "session": "",
        "message": "Disponible le matin.",
        "documents": [],
        "prescripteur": {
            "nom": "Claire Duprat",
            "organisation": "Département des Landes",
            "courriel": o.referente.email,
            "telephone": "05 58 12 34 56",
        },
    }


def test_les_documents_choisis_sont_resumes_sans_donnee_de_sante(o):
    diagnostic_valide(
        o.carnet,
        o.referente,
        mobilite={
            "appreciation": "besoin",
            "impact": "fort",
            "situations": ["mobilite.aucun_moyen_de_transport_a_disposition"],
        },
        sante={"appreciation": "besoin", "impact": "fort", "commentaire": "Suivi psychiatrique"},
        numerique={"appreciation": "point_fort"},
    )
    carnet_services.enregistrer_contrat(
        o.carnet,
        acteur=o.referente,
        date_debut=MAINTENANT.date() - timedelta(days=10),
        signataires="Inès Lalanne",
        heures_hebdomadaires=10,
        raison_amenagement="sante",
        motif_amenagement="Soins réguliers",
    )
    objectif_sante = carnet_services.ajouter_objectif(
        o.carnet, acteur=o.referente, axe="sante", libelle_libre="Reprendre un suivi médical"
    )
    carnet_services.ajouter_objectif(o.carnet, acteur=o.referente, axe="mobilite", libelle_libre="Passer le permis")
    orientation = orienter(o, documents=["diagnostic", "contrat", "plan"])
    textes = {document["titre"]: document["texte"] for document in orientation.dossier["documents"]}
    assert set(textes) == {
        "Synthèse du diagnostic (version 1)",
        "Contrat d'engagement en cours",
        "Plan d'action (objectifs en cours)",
    }
    diagnostic = textes["Synthèse du diagnostic (version 1)"]
    assert "Besoins : Mobilité (aucun moyen de transport à disposition)." in diagnostic
    assert "Points forts : Numérique." in diagnostic
    assert "Projets professionnels : Aide-soignant / Aide-soignante (J1501)." in diagnostic
    assert textes["Contrat d'engagement en cours"].endswith(": 10 h d'activité par semaine.")
    assert "Mobilité – Passer le permis" in textes["Plan d'action (objectifs en cours)"]
    tout = str(orientation.dossier)
    for sensible in ("Santé", "santé", "psychiatrique", "Soins réguliers", objectif_sante.libelle):
        assert sensible not in tout


@pytest.mark.parametrize("documents", [["casier"], ["diagnostic"]])
def test_un_document_que_le_carnet_n_a_pas_est_refuse(o, documents):
    avant = etat()
    with pytest.raises(ValidationError, match="Ce document n'existe pas dans le carnet"):
        orienter(o, documents=documents)
    assert etat() == avant


def test_la_structure_partenaire_recoit_un_courriel_vers_sa_boite_sans_le_nom_de_la_personne(
    o, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        orientation = orienter(o)
    (courriel,) = mail.outbox
    assert set(courriel.to) == {o.accueil.email, o.collegue_relais.email}
    assert courriel.subject == "Nouvelle orientation vers « Atelier CV »"
    assert "Claire Duprat (Département des Landes) vous adresse une personne" in courriel.body
    assert lien_du_courriel(courriel) == reverse("parcours:orientation_recue", args=[orientation.uuid])
    assert "Lalanne" not in courriel.body and "Inès" not in courriel.body


def test_une_structure_sans_compte_recoit_le_lien_signe_a_l_adresse_du_service(o, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        orientation = orienter(o, o.location)
    (courriel,) = mail.outbox
    assert courriel.to == ["location@garage-solidaire.fr"]
    chemin = lien_du_courriel(courriel)
    assert chemin.startswith("/orientations-service/reponse/")
    jeton = liens.lire(chemin.split("/")[-2])
    assert jeton.orientation == str(orientation.uuid) and liens.valide_jusqu_au(orientation) == orientation.expire_le
    assert "Ne transférez pas ce courriel" in courriel.body


def test_sans_adresse_du_service_le_lien_part_a_l_adresse_de_la_structure(o, django_capture_on_commit_callbacks):
    Service.objects.filter(pk=o.location.pk).update(courriel="")
    with django_capture_on_commit_callbacks(execute=True):
        orienter(o, o.location)
    assert mail.outbox[0].to == ["contact@garage-solidaire.fr"]


def test_une_structure_injoignable_est_refusee_avec_son_telephone(o):
    structure = fabriques.structure(nom="Épicerie solidaire", telephone="05 58 00 11 22")
    service = fabriques.service(structure, courriel="", telephone="", thematiques=[CV])
    avant = etat()
    with pytest.raises(ValidationError, match="n'a ni membre sur la plateforme ni adresse e-mail.*05 58 00 11 22"):
        orienter(o, service)
    assert etat() == avant


def test_un_service_suspendu_est_refuse(o):
    o.atelier.statut, o.atelier.motif_suspension = Service.Statut.SUSPENDU, "Fermeture estivale"
    offre_services.enregistrer_service(o.atelier)
    avant = etat()
    with pytest.raises(ValidationError, match="Le service « Atelier CV » est suspendu \\(Fermeture estivale\\)"):
        orienter(o)
    assert etat() == avant


def test_l_absence_de_consentement_est_refusee(o):
    avant = etat()
    with pytest.raises(ValidationError, match="Recueillez l'accord de la personne"):
        orienter(o, consentement=False)
    assert etat() == avant


@pytest.mark.parametrize(
    ("changement", "message"),
    [
        ({"places_prises": 2}, "La session « Atelier CV collectif » est complète."),
        ({"annulee": True}, "La session « Atelier CV collectif » est annulée."),
        ({"debut": MAINTENANT - timedelta(hours=1)}, "La session « Atelier CV collectif » est passée."),
    ],
)
def test_une_session_complete_annulee_ou_passee_est_refusee(o, changement, message):
    type(o.session).objects.filter(pk=o.session.pk).update(**changement)
    avant = etat()
    with pytest.raises(ValidationError) as erreur:
        orienter(o, session=o.session)
    assert erreur.value.message_dict == {"session": [message]}
    assert etat() == avant


def test_une_session_d_un_autre_service_est_refusee(o):
    autre = fabriques.session(o.location)
    with pytest.raises(ValidationError, match="Cette session n'est pas une session de ce service"):
        orienter(o, session=autre)


def test_une_orientation_deja_ouverte_vers_le_meme_service_est_refusee(o):
    orienter(o)
    avant = etat()
    with pytest.raises(ValidationError, match="Une orientation vers « Atelier CV » est déjà en cours.*02/03/2026"):
        orienter(o)
    assert etat() == avant


def test_une_orientation_close_n_empeche_pas_d_orienter_de_nouveau(o):
    from parcours.orientation_service import services

    premiere = orienter(o)
    services.changer_statut(premiere, vers="abandonnee", cote="prescripteur", acteur=o.referente)
    assert orienter(o).pk != premiere.pk


def test_qui_ne_modifie_pas_le_carnet_ne_peut_pas_orienter(o):
    avant = etat()
    with pytest.raises(PermissionDenied):
        orienter(o, acteur=o.collegue_ft)
    assert etat() == avant


def test_un_besoin_hors_des_thematiques_du_service_est_refuse(o):
    with pytest.raises(ValidationError, match="Choisissez le besoin parmi les thématiques du service"):
        orienter(o, besoin="mobilite--preparer-un-permis")


def test_sans_objectif_choisi_l_action_va_sous_l_objectif_en_cours_de_l_axe_du_besoin(o):
    ancien = carnet_services.ajouter_objectif(o.carnet, acteur=o.referente, axe="emploi", libelle_libre="Ancien")
    recent = carnet_services.ajouter_objectif(o.carnet, acteur=o.referente, axe="emploi", libelle_libre="Récent")
    carnet_services.ajouter_objectif(o.carnet, acteur=o.referente, axe="mobilite", libelle_libre="Bouger")
    assert ancien.pk != recent.pk
    assert orienter(o).objectif == recent


def test_sans_objectif_de_l_axe_un_objectif_est_cree_au_libelle_de_la_categorie(o):
    carnet_services.ajouter_objectif(o.carnet, acteur=o.referente, axe="emploi", libelle_libre="Trouver")
    orientation = orienter(o, o.location)
    assert orientation.objectif.axe_id == "mobilite" and orientation.objectif.libelle_libre == "Mobilité"
    assert orientation.action.porteur is None  # le garage n'est pas une organisation partenaire
    assert o.carnet.evenements.filter(type=EvenementCarnet.Type.OBJECTIF_AJOUTE).count() == 2


def test_un_objectif_d_un_autre_carnet_est_refuse(o):
    autre = carnet_services.ouvrir_carnet(
        acteur=o.referente, organisation=o.departement, nom="Autre", prenom="Personne", date_naissance=MAINTENANT.date()
    )
    objectif = carnet_services.ajouter_objectif(autre, acteur=o.referente, axe="emploi", libelle_libre="Autre")
    with pytest.raises(ValidationError, match="Choisissez un objectif en cours du plan d'action"):
        orienter(o, objectif=objectif)


# --- Les pages : le formulaire pré-rempli, l'envoi --------------------------------------------------------------


def url_nouvelle(o, service, **parametres):
    chaine = "&".join(f"{cle}={valeur}" for cle, valeur in {"service": service.uuid, **parametres}.items())
    return f"{reverse('parcours:orientation_service_nouvelle', args=[o.carnet.uuid])}?{chaine}"


def test_le_formulaire_est_pre_rempli_depuis_le_carnet(o, client, connecter):
    diagnostic_valide(o.carnet, o.referente)
    connecter(o.referente)
    reponse = client.get(url_nouvelle(o, o.atelier, session=o.session.uuid))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Inès LALANNE, née ou né le 3/05/1988" in page
    assert 'value="ines.lalanne@exemple.fr"' in page and 'value="06 12 34 56 78"' in page
    formulaire = reponse.context["form"]
    assert formulaire["session"].value() == str(o.session.uuid)
    assert formulaire["besoin"].value() == CV
    assert formulaire["documents"].value() == []  # rien ne part sans être coché
    assert "Synthèse du diagnostic (version 1)" in page
    assert "Atelier CV collectif du 16/03/2026 à 09:00 – 2 places restantes" in page
    assert "La personne a donné son accord pour cette orientation et la transmission de ces informations" in page
    assert ConsultationCarnet.objects.filter(onglet="orientation_service", utilisateur=o.referente).exists()


def test_envoyer_le_formulaire_oriente_et_revient_au_carnet(o, client, connecter, django_capture_on_commit_callbacks):
    connecter(o.referente)
    donnees = {"besoin": CV, "session": str(o.session.uuid), "message": "Motivée", "consentement": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url_nouvelle(o, o.atelier), donnees)
    assert reponse.status_code == 302
    assert reponse.url == reverse("parcours:carnet", args=[o.carnet.uuid]) + "?onglet=offre"
    orientation = OrientationService.objects.get()
    assert orientation.session == o.session and orientation.message == "Motivée"
    assert len(mail.outbox) == 1


def test_sans_la_case_d_accord_le_formulaire_est_refuse_et_rien_n_est_ecrit(o, client, connecter):
    connecter(o.referente)
    avant = etat()
    reponse = client.post(url_nouvelle(o, o.atelier), {"besoin": CV})
    assert reponse.status_code == 400
    assert "L&#x27;accord de la personne est obligatoire pour l&#x27;orienter." in reponse.content.decode()
    assert etat() == avant


def test_une_session_complete_n_est_pas_proposee(o, client, connecter):
    type(o.session).objects.filter(pk=o.session.pk).update(places_prises=2)
    connecter(o.referente)
    reponse = client.get(url_nouvelle(o, o.atelier, session=o.session.uuid))
    assert reponse.context["form"]["session"].value() == ""
    assert "Atelier CV collectif" not in reponse.content.decode()


def test_sans_service_choisi_on_revient_a_la_recherche(o, client, connecter):
    connecter(o.referente)
    reponse = client.get(reverse("parcours:orientation_service_nouvelle", args=[o.carnet.uuid]))
    assert reponse.status_code == 302
    assert reponse.url == reverse("parcours:carnet_offre", args=[o.carnet.uuid])


@pytest.mark.parametrize("service", ["pas-un-uuid", "9b0e8a55-3a8e-4a3c-9f57-3c1b0c1c0c0c"])
def test_un_service_inconnu_donne_404(o, client, connecter, service):
    connecter(o.referente)
    url = f"{reverse('parcours:orientation_service_nouvelle', args=[o.carnet.uuid])}?service={service}"
    assert client.get(url).status_code == 404


def test_un_service_suspendu_d_une_autre_structure_donne_404(o, client, connecter):
    Service.objects.filter(pk=o.atelier.pk).update(statut=Service.Statut.SUSPENDU)
    connecter(o.referente)
    assert client.get(url_nouvelle(o, o.atelier)).status_code == 404


@pytest.mark.parametrize(("qui", "statut"), [("collegue_ft", 403), ("etranger", 404), ("accueil", 404)])
def test_qui_ne_modifie_pas_le_carnet_n_ouvre_pas_le_formulaire(o, client, connecter, qui, statut):
    connecter(getattr(o, qui))
    assert client.get(url_nouvelle(o, o.atelier)).status_code == statut


def test_un_parcours_clos_ne_s_oriente_pas(o):
    type(o.carnet).objects.filter(pk=o.carnet.pk).update(statut="clos")
    avant = etat()
    with pytest.raises(ValidationError, match="Le parcours de cette personne est clos : rouvrez-le"):
        orienter(o)
    assert etat() == avant


def test_l_objectif_d_un_axe_sensible_ne_part_pas_dans_le_dossier(o):
    # Un service de santé : l'action va sous l'objectif en cours de l'axe santé, mais son libellé reste au carnet.
    o.atelier.thematiques = ["sante--sante-mentale"]
    o.atelier.save(update_fields=["thematiques"])
    objectif = carnet_services.ajouter_objectif(
        o.carnet, acteur=o.referente, axe="sante", libelle_libre="Suivi en addictologie"
    )
    orientation = orienter(o, besoin="sante--sante-mentale")
    assert orientation.objectif == objectif
    assert orientation.dossier["objectif"] == "" and "addictologie" not in str(orientation.dossier)
