"""La structure sans compte répond par le lien signé de son courriel : page publique lisible au téléphone, qui montre
le dossier ; le GET n'écrit rien ; un lien falsifié, expiré ou d'une orientation close ne montre rien et n'écrit
rien ; répondre deux fois la même chose est refusé clairement."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse

from parcours.models import ConsultationCarnet, EvenementCarnet, OrientationService, TransitionOrientationService
from parcours.orientation_service import liens, services
from tests.parcours import outils_orientation_service as outils
from tests.parcours.outils_orientation_service import avancer, lien_du_courriel, orienter

o = outils.o
horloge = outils.horloge

pytestmark = pytest.mark.django_db


@pytest.fixture
def envoyee(o, django_capture_on_commit_callbacks):
    """L'orientation vers le Garage solidaire est partie : son lien, lu dans le courriel."""
    with django_capture_on_commit_callbacks(execute=True):
        o.orientation = orienter(o, o.location, message="Elle commence un emploi à 15 km.")
    o.lien = lien_du_courriel(mail.outbox[-1])
    mail.outbox.clear()
    return o


def etat(orientation):
    orientation.refresh_from_db()
    return (
        orientation.statut,
        orientation.repondue_le,
        TransitionOrientationService.objects.count(),
        EvenementCarnet.objects.count(),
        ConsultationCarnet.objects.count(),
    )


def test_le_get_montre_le_dossier_et_journalise_seulement_la_lecture(envoyee, client):
    avant = etat(envoyee.orientation)
    reponse = client.get(envoyee.lien)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Inès LALANNE" in page and "Née ou né le 03/05/1988" in page
    assert 'href="tel:06 12 34 56 78"' in page and "Elle commence un emploi à 15 km." in page
    assert "Claire Duprat (Département des Landes)" in page
    assert 'name="viewport" content="width=device-width' in page
    assert 'value="a_l_etude"' in page and 'value="acceptee"' in page and "Refuser l'orientation" in page
    assert "12 rue des Arènes" not in page  # l'adresse n'est pas transmise
    # Rien ne change que le journal des consultations : la personne voit que le garage a lu son dossier.
    assert etat(envoyee.orientation)[:4] == avant[:4] and etat(envoyee.orientation)[4] == avant[4] + 1
    lecture = ConsultationCarnet.objects.latest("id")
    assert lecture.utilisateur is None and lecture.lecteur == "Garage solidaire (lien reçu par courriel)"
    assert lecture.carnet == envoyee.orientation.carnet and lecture.onglet == "dossier_orientation"


def test_la_structure_accepte_par_le_lien_et_le_prescripteur_l_apprend(
    envoyee, client, horloge, django_capture_on_commit_callbacks
):
    avancer(horloge, days=1)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(envoyee.lien, {"statut": "acceptee"}, follow=True)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Orientation vers « Location de voiture à 1 euro » : acceptée." in page
    assert 'value="entree"' in page  # plus tard : l'entrée, tant que le lien vaut
    envoyee.orientation.refresh_from_db()
    assert envoyee.orientation.statut == "acceptee"
    transition = envoyee.orientation.transitions.last()
    assert transition.par_lien and transition.acteur is None
    (courriel,) = mail.outbox
    assert courriel.to == [envoyee.referente.email] and "a accepté l'orientation" in courriel.body


def test_refuser_par_le_lien_demande_un_motif(envoyee, client):
    avant = etat(envoyee.orientation)
    reponse = client.post(envoyee.lien, {"statut": "refusee", "motif": ""})
    assert reponse.status_code == 400
    assert "Choisissez le motif du refus dans la liste." in reponse.content.decode()
    assert etat(envoyee.orientation) == avant
    client.post(envoyee.lien, {"statut": "refusee", "motif": "non_mobile"})
    envoyee.orientation.refresh_from_db()
    assert (envoyee.orientation.statut, envoyee.orientation.motif_refus) == ("refusee", "non_mobile")


def test_repondre_deux_fois_la_meme_chose_est_refuse(envoyee, client):
    client.post(envoyee.lien, {"statut": "a_l_etude"})
    avant = etat(envoyee.orientation)
    reponse = client.post(envoyee.lien, {"statut": "a_l_etude"})
    assert reponse.status_code == 400
    assert "Vous avez déjà répondu : l&#x27;orientation est à l&#x27;étude depuis le 02/03/2026." in (
        reponse.content.decode()
    )
    assert etat(envoyee.orientation) == avant


def test_un_lien_falsifie_ne_montre_rien_et_n_ecrit_rien(envoyee, client):
    jeton = envoyee.lien.split("/")[-2]
    falsifie = reverse("parcours:orientation_lien", args=[jeton[:-3] + "abc"])
    avant = etat(envoyee.orientation)
    for reponse in (client.get(falsifie), client.post(falsifie, {"statut": "acceptee"})):
        assert reponse.status_code == 400
        page = reponse.content.decode()
        assert "Ce lien ne fonctionne pas." in page and "LALANNE" not in page
    assert etat(envoyee.orientation) == avant


def test_un_lien_signe_pour_une_autre_orientation_inconnue_ne_montre_rien(envoyee, client):
    charge = {"o": "0b1c2d3e-0000-4000-8000-000000000000", "e": int(envoyee.orientation.expire_le.timestamp())}
    jeton = signing.dumps(charge, salt=liens.SEL, compress=True)
    assert client.get(reverse("parcours:orientation_lien", args=[jeton])).status_code == 400


def test_un_jeton_d_un_autre_usage_ne_vaut_pas(envoyee, client):
    """Un jeton signé avec un autre sel (celui des convocations) est refusé."""
    jeton = signing.dumps({"o": str(envoyee.orientation.uuid), "e": 4102444800}, salt="parcours.convocations.reponse")
    assert client.get(reverse("parcours:orientation_lien", args=[jeton])).status_code == 400


def test_un_lien_expire_ne_montre_rien_et_n_ecrit_rien(envoyee, client, horloge):
    avancer(horloge, days=31)
    avant = etat(envoyee.orientation)
    for reponse in (client.get(envoyee.lien), client.post(envoyee.lien, {"statut": "acceptee"})):
        assert reponse.status_code == 410
        page = reponse.content.decode()
        assert "Ce lien a expiré" in page and "LALANNE" not in page
    assert etat(envoyee.orientation) == avant


def test_le_lien_d_une_orientation_close_le_dit(envoyee, client):
    services.changer_statut(envoyee.orientation, vers="abandonnee", cote="prescripteur", acteur=envoyee.referente)
    avant = etat(envoyee.orientation)
    for reponse in (client.get(envoyee.lien), client.post(envoyee.lien, {"statut": "acceptee"})):
        assert reponse.status_code == 410
        page = reponse.content.decode()
        assert "Cette orientation est close (abandonnée) : il n&#x27;y a plus rien à répondre." in page
        assert "LALANNE" not in page
    assert etat(envoyee.orientation) == avant


def test_apres_l_acceptation_le_lien_vaut_un_an_pour_indiquer_l_entree_et_la_fin(envoyee, client, horloge):
    client.post(envoyee.lien, {"statut": "acceptee"})
    avancer(horloge, days=60)  # bien après les 30 jours de l'attente d'une réponse
    client.post(envoyee.lien, {"statut": "entree"})
    envoyee.orientation.refresh_from_db()
    assert envoyee.orientation.statut == "entree"
    avancer(horloge, days=310)
    assert client.get(envoyee.lien).status_code == 410


def test_sans_reponse_le_lien_vaut_jusqu_a_l_expiration_de_l_orientation(envoyee):
    jeton = envoyee.lien.split("/")[-2]
    assert liens.lire(jeton).orientation == str(envoyee.orientation.uuid)
    with pytest.raises(liens.LienExpire):
        liens.verifier(envoyee.orientation, maintenant=envoyee.orientation.expire_le)
    liens.verifier(envoyee.orientation, maintenant=envoyee.orientation.expire_le - timedelta(seconds=1))


def test_la_page_publique_n_a_pas_besoin_de_compte_mais_la_boite_si(envoyee, client):
    assert client.get(envoyee.lien).status_code == 200
    reponse = client.get(reverse("parcours:orientation_recue", args=[envoyee.orientation.uuid]))
    assert reponse.status_code == 302 and "/comptes/" in reponse.url
    assert OrientationService.objects.get().statut == "envoyee"
