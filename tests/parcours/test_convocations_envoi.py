"""Convoquer la personne à un rendez-vous : par courriel (avec les liens de réponse), ou par la lettre imprimable."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from parcours import services as carnet_services
from parcours.convocations import services
from parcours.models import ConsultationCarnet, EvenementCarnet, RendezVous
from spie import documents
from spie.models import DocumentGenere
from tests.parcours import outils_convocations
from tests.parcours.outils_convocations import (
    EMAIL_PERSONNE,
    MAINTENANT,
    TELEPHONE_REFERENTE,
    liens_du_courriel,
    prevoir,
)

# Les fixtures partagées des convocations.
equipe_convocation = outils_convocations.equipe_convocation
horloge = outils_convocations.horloge

pytestmark = pytest.mark.django_db


def url(nom, equipe, rendez_vous=None):
    return reverse(f"parcours:{nom}", args=[equipe.carnet.uuid, (rendez_vous or equipe.rendez_vous).uuid])


def onglet(client, equipe) -> str:
    return client.get(reverse("parcours:carnet", args=[equipe.carnet.uuid]) + "?onglet=rendez_vous").content.decode()


def test_la_referente_convoque_par_courriel_en_francais_simple(
    equipe_convocation, client, connecter, django_capture_on_commit_callbacks
):
    e = equipe_convocation
    connecter(e.referente)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("convocation_envoyer", e))
    assert reponse.status_code == 302 and reponse.url.endswith("?onglet=rendez_vous")
    e.rendez_vous.refresh_from_db()
    assert e.rendez_vous.convocation_envoyee_le == MAINTENANT
    [courriel] = mail.outbox
    assert courriel.to == [EMAIL_PERSONNE]
    assert courriel.subject == "Convocation : rendez-vous le mardi 10 mars à 14h30"
    corps = courriel.body
    for attendu in (
        "Bonjour Inès Lalanne,",
        "Le mardi 10 mars 2026 à 14h30.",
        "Maison départementale, 5 rue Gambetta, Dax",
        "Claire Duprat (Département des Landes)",
        "Premier entretien",
        "- une pièce d'identité",
        f"Appelez Claire Duprat au {TELEPHONE_REFERENTE}.",
    ):
        assert attendu in corps
    assert set(liens_du_courriel(courriel)) == {"Je viendrai", "Je ne pourrai pas venir"}
    evenement = e.carnet.evenements.get(type=EvenementCarnet.Type.CONVOCATION_ENVOYEE)
    assert evenement.acteur == e.referente and evenement.organisation.nom == "Département des Landes"
    assert evenement.resume == (
        "Rendez-vous du 10/03/2026 à 14:30 (Premier entretien) : convocation envoyée par courriel"
    )
    page = onglet(client, e)
    assert "Convocation envoyée par courriel à ines.lalanne@exemple.fr." in page
    assert "Envoyée le 2/03/2026" in page and "Sans réponse" in page


def test_un_rendez_vous_a_distance_le_dit_et_sans_telephone_on_ecrit_a_la_referente(
    equipe_convocation, django_capture_on_commit_callbacks
):
    e = equipe_convocation
    e.referente.telephone = ""
    e.referente.save()
    rendez_vous = prevoir(e.carnet, e.referente, MAINTENANT + timedelta(days=5), lieu="", a_distance=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.convoquer(rendez_vous, acteur=e.referente)
    corps = mail.outbox[0].body
    assert "À distance, par téléphone ou en visio." in corps
    assert f"Écrivez à Claire Duprat : {e.referente.email}" in corps


def test_sans_adresse_e_mail_rien_n_est_ecrit_et_la_lettre_reste_proposee(equipe_convocation, client, connecter):
    e = equipe_convocation
    e.personne.email = ""
    e.personne.save()
    connecter(e.referente)
    avant = EvenementCarnet.objects.count()
    reponse = client.post(url("convocation_envoyer", e), follow=True)
    page = reponse.content.decode()
    assert "Inès Lalanne n&#x27;a pas d&#x27;adresse e-mail" in page
    assert "Imprimez la lettre de convocation" in page
    e.rendez_vous.refresh_from_db()
    assert e.rendez_vous.convocation_envoyee_le is None and EvenementCarnet.objects.count() == avant
    assert not mail.outbox
    assert "Pas d'adresse e-mail : convoquez par lettre." in page
    assert url("convocation_pdf", e) in page and url("convocation_envoyer", e) not in page


@pytest.mark.parametrize(
    ("changer", "message"),
    [
        ({"statut": RendezVous.Statut.ANNULE}, "Ce rendez-vous n'est plus prévu (annulé)."),
        ({"date_heure": MAINTENANT - timedelta(minutes=1)}, "Ce rendez-vous est passé."),
        ({"convocation_envoyee_le": MAINTENANT - timedelta(days=1)}, "La convocation a déjà été envoyée le 01/03/2026"),
    ],
)
def test_on_ne_convoque_qu_une_fois_a_un_rendez_vous_prevu_et_a_venir(equipe_convocation, changer, message):
    e = equipe_convocation
    RendezVous.objects.filter(pk=e.rendez_vous.pk).update(**changer)
    avant = EvenementCarnet.objects.count()
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.convoquer(e.rendez_vous, acteur=e.referente)
    assert EvenementCarnet.objects.count() == avant and not mail.outbox


@pytest.mark.parametrize(("qui", "statut"), [("conseiller", 302), ("collegue", 403), ("etranger", 404)])
def test_convoquer_est_reserve_a_qui_peut_modifier_le_carnet(equipe_convocation, client, connecter, qui, statut):
    e = equipe_convocation
    connecter(getattr(e, qui))
    assert client.post(url("convocation_envoyer", e)).status_code == statut
    e.rendez_vous.refresh_from_db()
    assert (e.rendez_vous.convocation_envoyee_le is not None) == (statut == 302)


def test_le_service_refuse_un_professionnel_qui_ne_peut_pas_modifier(equipe_convocation):
    with pytest.raises(PermissionDenied):
        services.convoquer(equipe_convocation.rendez_vous, acteur=equipe_convocation.collegue)


def texte_du_pdf(contenu: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages).split())


def test_la_lettre_pdf_est_produite_avec_le_meme_contenu_que_la_page_imprimer(
    equipe_convocation, client, connecter, django_capture_on_commit_callbacks
):
    e = equipe_convocation
    connecter(e.referente)
    imprimer = client.get(url("convocation_lettre", e)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get(url("convocation_pdf", e))
    assert reponse.status_code == 302 and "/documents/" in reponse.url
    document = DocumentGenere.objects.get(demandeur=e.referente, producteur="parcours.convocation")
    assert document.statut == DocumentGenere.Statut.PRET
    assert document.nom_fichier == "convocation-lalanne-2026-03-10.pdf"
    telechargement = client.get(reverse("document_telecharger", args=[document.uuid]))
    texte = texte_du_pdf(b"".join(telechargement.streaming_content))
    for attendu in (
        "Convocation à un rendez-vous",
        "Inès LALANNE 12 rue des Arènes 40100 Dax",
        "Mont-de-Marsan, le 2 mars 2026",
        "Le mardi 10 mars 2026 à 14h30",
        "Maison départementale, 5 rue Gambetta, Dax",
        "Claire Duprat (Département des Landes)",
        "Premier entretien",
        "une pièce d'identité",
        f"Appelez Claire Duprat au {TELEPHONE_REFERENTE}",
    ):
        assert attendu in texte
        assert attendu.split(" ")[0] in imprimer
    assert "Le mardi 10 mars 2026 à 14h30" in imprimer and f"<strong>{TELEPHONE_REFERENTE}</strong>" in imprimer
    # La lettre n'est pas un envoi : rien n'est marqué, mais la consultation du carnet est journalisée.
    e.rendez_vous.refresh_from_db()
    assert e.rendez_vous.convocation_envoyee_le is None
    onglets = set(ConsultationCarnet.objects.filter(utilisateur=e.referente).values_list("onglet", flat=True))
    assert {"convocation_impression", "convocation_pdf"} <= onglets


@pytest.mark.parametrize("nom", ["convocation_lettre", "convocation_pdf"])
@pytest.mark.parametrize(("qui", "statut"), [("collegue", 403), ("etranger", 404)])
def test_la_lettre_est_reservee_a_qui_peut_modifier_le_carnet(equipe_convocation, client, connecter, nom, qui, statut):
    connecter(getattr(equipe_convocation, qui))
    assert client.get(url(nom, equipe_convocation)).status_code == statut
    assert not DocumentGenere.objects.exists()


def test_pas_de_lettre_pour_un_rendez_vous_annule(equipe_convocation, client, connecter):
    e = equipe_convocation
    carnet_services.mettre_a_jour_rendez_vous(e.rendez_vous, acteur=e.referente, statut=RendezVous.Statut.ANNULE)
    connecter(e.referente)
    reponse = client.get(url("convocation_pdf", e), follow=True)
    assert "Pas de lettre de convocation : ce rendez-vous n&#x27;est plus prévu (annulé)." in reponse.content.decode()
    assert not DocumentGenere.objects.exists()


def test_le_producteur_relit_les_droits_au_moment_de_produire(equipe_convocation, client, connecter):
    e = equipe_convocation
    connecter(e.conseiller)
    client.get(url("convocation_pdf", e))  # demandé, pas encore produit (pas de commit dans le test)
    intervention = e.carnet.intervenants.actifs().get(utilisateur=e.conseiller)
    carnet_services.terminer_intervenant(intervention, acteur=e.referente, motif="Relais pris")
    document = DocumentGenere.objects.get(demandeur=e.conseiller)
    documents.produire(document.pk)
    document.refresh_from_db()
    assert document.statut == DocumentGenere.Statut.ECHEC and not document.fichier


def test_le_tableau_montre_les_boutons_a_qui_peut_modifier_et_l_etat_a_tous(equipe_convocation, client, connecter):
    e = equipe_convocation
    passe = prevoir(e.carnet, e.referente, MAINTENANT + timedelta(hours=1), objet="Bilan")
    RendezVous.objects.filter(pk=passe.pk).update(date_heure=MAINTENANT - timedelta(days=1))
    connecter(e.referente)
    page = onglet(client, e)
    assert page.count(">Convoquer<") == 0  # le libellé visible est suivi d'un complément pour les lecteurs d'écran
    assert page.count(url("convocation_envoyer", e)) == 1  # le rendez-vous passé n'a pas de bouton
    assert url("convocation_pdf", e) in page and url("convocation_lettre", e) in page
    assert url("convocation_pdf", e, passe) not in page
    connecter(e.collegue)
    page = onglet(client, e)
    assert "Pas de convocation" in page and url("convocation_envoyer", e) not in page
    assert url("convocation_pdf", e) not in page
