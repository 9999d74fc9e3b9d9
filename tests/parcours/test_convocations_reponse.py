"""La personne répond à sa convocation par un lien signé, sans compte : page publique, lisible sur un téléphone."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse

from parcours.convocations import liens, services
from parcours.models import ConsultationCarnet, EvenementCarnet, RendezVous
from tests.parcours import outils_convocations
from tests.parcours.outils_convocations import (
    MAINTENANT,
    RENDEZ_VOUS_LE,
    TELEPHONE_REFERENTE,
    avancer,
    courriels_a,
    liens_du_courriel,
)

# Les fixtures partagées des convocations.
equipe_convocation = outils_convocations.equipe_convocation
horloge = outils_convocations.horloge

pytestmark = pytest.mark.django_db


@pytest.fixture
def convoquee(equipe_convocation, django_capture_on_commit_callbacks):
    """La convocation est partie : ses deux liens, lus dans le courriel."""
    with django_capture_on_commit_callbacks(execute=True):
        services.convoquer(equipe_convocation.rendez_vous, acteur=equipe_convocation.referente)
    equipe_convocation.liens = liens_du_courriel(mail.outbox[-1])
    mail.outbox.clear()
    return equipe_convocation


def etat(rendez_vous):
    rendez_vous.refresh_from_db()
    return rendez_vous.reponse, rendez_vous.repondu_le, EvenementCarnet.objects.count()


def test_le_get_montre_le_rendez_vous_sans_rien_ecrire_ni_d_autre_donnee_du_carnet(convoquee, client):
    avant = etat(convoquee.rendez_vous)
    reponse = client.get(convoquee.liens["Je viendrai"])
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Le mardi 10 mars 2026 à 14h30" in page
    assert "Maison départementale, 5 rue Gambetta, Dax" in page
    assert "Premier entretien" in page and f"tel:{TELEPHONE_REFERENTE}" in page
    assert "Oui, je viendrai</button>" in page
    assert 'name="viewport" content="width=device-width' in page
    assert "Lalanne" not in page and "Inès" not in page and "12 rue des Arènes" not in page
    assert etat(convoquee.rendez_vous) == avant and not ConsultationCarnet.objects.exists()


def test_la_personne_confirme_une_seule_fois(convoquee, client, horloge, django_capture_on_commit_callbacks):
    avancer(horloge, hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(convoquee.liens["Je viendrai"], follow=True)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Merci, votre réponse est enregistrée." in page and "Vous avez dit que vous viendrez." in page
    assert "</button>" not in page.split("<main", 1)[1]  # plus de bouton de réponse
    reponse_, repondu_le, _ = etat(convoquee.rendez_vous)
    assert reponse_ == RendezVous.Reponse.CONFIRME and repondu_le == MAINTENANT + timedelta(hours=2)
    evenement = EvenementCarnet.objects.get(type=EvenementCarnet.Type.CONVOCATION_REPONDUE)
    assert evenement.acteur == convoquee.referente  # la personne n'a pas de compte : le responsable de la convocation
    assert evenement.organisation.nom == "Département des Landes"
    assert evenement.resume == (
        "Rendez-vous du 10/03/2026 à 14:30 : présence confirmée par la personne (lien de sa convocation)"
    )
    assert not mail.outbox  # une confirmation ne dérange personne

    # Deuxième clic, ou l'autre lien : rien n'est écrit, la page le dit clairement.
    avant = etat(convoquee.rendez_vous)
    for lien in convoquee.liens.values():
        reponse = client.post(lien)
        assert reponse.status_code == 400
        assert "Vous avez déjà répondu le 02/03/2026 à 11:00 : présence confirmée." in reponse.content.decode()
        assert client.get(lien).status_code == 200
    assert etat(convoquee.rendez_vous) == avant


def test_un_empechement_previent_la_referente_et_le_professionnel_du_rendez_vous(
    convoquee, client, django_capture_on_commit_callbacks
):
    e = convoquee
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(e.liens["Je ne pourrai pas venir"]).status_code == 302
    assert e.rendez_vous.__class__.objects.get(pk=e.rendez_vous.pk).reponse == RendezVous.Reponse.EMPECHE
    [courriel] = courriels_a(e.referente.email)
    assert courriel.subject == "Inès Lalanne ne pourra pas venir au rendez-vous du 10/03/2026"
    assert "?onglet=rendez_vous" in courriel.body and "Premier entretien" in courriel.body


def test_sans_referent_l_acteur_est_le_createur_du_rendez_vous(convoquee, client):
    e = convoquee
    e.carnet.intervenants.filter(role="referent").update(date_fin=MAINTENANT.date(), motif_fin="Départ")
    client.post(e.liens["Je viendrai"])
    assert EvenementCarnet.objects.get(type=EvenementCarnet.Type.CONVOCATION_REPONDUE).acteur == e.referente
    # La règle suit le créateur du rendez-vous, pas l'ancienne référente.
    RendezVous.objects.filter(pk=e.rendez_vous.pk).update(cree_par=e.conseiller, reponse="", repondu_le=None)
    client.post(e.liens["Je viendrai"])
    dernier = EvenementCarnet.objects.filter(type=EvenementCarnet.Type.CONVOCATION_REPONDUE).first()
    assert dernier.acteur == e.conseiller


def test_le_lien_expire_a_l_heure_du_rendez_vous(convoquee, client, horloge):
    avancer(horloge, days=8, hours=5, minutes=29)  # 14 h 29 le jour du rendez-vous
    assert client.get(convoquee.liens["Je viendrai"]).status_code == 200
    horloge.move_to(RENDEZ_VOUS_LE)
    avant = etat(convoquee.rendez_vous)
    for methode in (client.get, client.post):
        reponse = methode(convoquee.liens["Je viendrai"])
        assert reponse.status_code == 400
        assert "Ce lien ne marche plus : la date du rendez-vous est passée." in reponse.content.decode()
    assert etat(convoquee.rendez_vous) == avant


@pytest.mark.parametrize(
    "falsifier",
    [
        lambda jeton: jeton[:-2] + ("AA" if not jeton.endswith("AA") else "BB"),  # signature modifiée
        lambda jeton: jeton[:20],  # lien tronqué
        lambda jeton: signing.dumps({"r": "x", "c": "confirme", "e": 9999999999}, salt="autre.sel"),  # autre sel
        lambda jeton: signing.dumps({"r": "x", "c": "annule", "e": 9999999999}, salt=liens.SEL),  # réponse inconnue
        lambda jeton: signing.dumps({"r": "x", "c": "confirme"}, salt=liens.SEL),  # sans expiration
    ],
)
def test_un_lien_falsifie_donne_une_page_404_claire_sans_rien_ecrire(convoquee, client, falsifier):
    jeton = convoquee.liens["Je viendrai"].rstrip("/").split("/")[-1]
    url = reverse("parcours:convocation_repondre", args=[falsifier(jeton)])
    avant = etat(convoquee.rendez_vous)
    for methode in (client.get, client.post):
        reponse = methode(url)
        assert reponse.status_code == 404
        assert "Ce lien ne fonctionne pas." in reponse.content.decode()
    assert etat(convoquee.rendez_vous) == avant


def test_un_lien_signe_d_un_rendez_vous_inconnu_donne_404(convoquee, client):
    inconnu = RendezVous(uuid="00000000-0000-0000-0000-000000000000", date_heure=RENDEZ_VOUS_LE)
    url = reverse("parcours:convocation_repondre", args=[liens.signer(inconnu, "confirme")])
    assert client.get(url).status_code == 404


def test_un_rendez_vous_annule_ne_prend_plus_de_reponse(convoquee, client):
    RendezVous.objects.filter(pk=convoquee.rendez_vous.pk).update(statut=RendezVous.Statut.ANNULE)
    avant = etat(convoquee.rendez_vous)
    for methode in (client.get, client.post):
        reponse = methode(convoquee.liens["Je viendrai"])
        assert reponse.status_code == 400
        assert "Ce rendez-vous n&#x27;est plus prévu (annulé)." in reponse.content.decode()
    assert etat(convoquee.rendez_vous) == avant


def test_la_page_propose_l_autre_reponse(convoquee, client):
    page = client.get(convoquee.liens["Je ne pourrai pas venir"]).content.decode()
    assert "Je ne pourrai pas venir</button>" in page
    autre = page.split("Vous vouliez dire l'inverse ?")[1].split('href="')[1].split('"')[0]
    assert liens.lire(autre.rstrip("/").split("/")[-1]).reponse == RendezVous.Reponse.CONFIRME


def test_un_professionnel_connecte_voit_la_meme_page_sans_rien_ecrire(convoquee, client, connecter):
    connecter(convoquee.etranger)
    avant = etat(convoquee.rendez_vous)
    assert client.get(convoquee.liens["Je viendrai"]).status_code == 200
    assert etat(convoquee.rendez_vous) == avant
