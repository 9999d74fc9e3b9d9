"""La convocation d'une séance : le secrétaire l'envoie une fois l'ordre du jour validé, pour une date à venir ; une
ligne par titulaire et suppléant en cours de mandat à la date de la séance ; après le commit, une tâche écrit à
chacun (texte et HTML, ordre du jour en PDF joint), n'écrit jamais deux fois à la même personne, et retente une
production du PDF qui échoue sans bloquer les convocations."""

import html
import io
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import date as formater_date
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from pypdf import PdfReader

from gouvernance.choix import Qualite, StatutSeance, TypePoint
from gouvernance.models import EnvoiConvocation, Seance
from gouvernance.seances import services, taches
from spie.celery import app as celery_app
from tests.gouvernance import fabriques

FAUX_PDF = b"%PDF-1.7 ordre du jour"


@pytest.fixture
def equipe(db):
    return fabriques.equipe_comite()


@pytest.fixture
def seance(equipe):
    """Une séance dans 14 jours, à la préfecture et en visio, dont les deux co-présidents ont validé l'ordre du
    jour."""
    seance = fabriques.seance(
        equipe.comite,
        cree_par=equipe.secretaire,
        lieu="Préfecture, salle Borda",
        lien_visio="https://visio.gouv.fr/cde",
    )
    fiche = fabriques.fiche(equipe.consortium, equipe.departement, titre="Garage solidaire du Marsan")
    fabriques.point(seance, "Installation du comité", duree_minutes=15)
    fabriques.point(
        seance,
        "Avancement du garage solidaire",
        type=TypePoint.SUIVI_FICHE,
        fiche_action=fiche,
        description="Présenté par l'association porteuse.",
    )
    for copresidence in (equipe.copresidences.etat, equipe.copresidences.departement):
        services.valider_ordre_du_jour(seance, acteur=copresidence.utilisateur, copresidence=copresidence)
    seance.refresh_from_db()
    return seance


@pytest.fixture
def faux_pdf(monkeypatch):
    appels = []

    def produire(seance):
        appels.append(seance.pk)
        return FAUX_PDF

    monkeypatch.setattr(taches, "_pdf_ordre_du_jour", produire)
    return appels


@pytest.fixture
def reessais():
    """En mode immédiat (tests), Celery ne rejoue un nouvel essai que si l'erreur ne remonte pas à l'appelant."""
    ancien = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = ancien


def _texte(reponse) -> str:
    return " ".join(html.unescape(reponse.content.decode()).split())


def _convoquer(client, seance):
    return client.post(reverse("gouvernance:convocation_envoyer", args=[seance.uuid]))


def _etat(seance):
    return (
        list(Seance.objects.filter(pk=seance.pk).values_list("statut", "convocation_envoyee_le")),
        list(EnvoiConvocation.objects.values_list("pk", "envoye_le")),
    )


def test_la_convocation_part_aux_titulaires_et_suppleants_en_cours_de_mandat(
    client, connecter, equipe, seance, faux_pdf, mailoutbox, django_capture_on_commit_callbacks
):
    jour = timezone.localdate(seance.date)
    # Un suppléant dont le mandat finit avant la séance, un autre dont le mandat commence après : pas convoqués.
    fabriques.mandat(
        equipe.sieges.caf,
        prenom="Ancien",
        nom="Suppléant",
        qualite=Qualite.SUPPLEANT,
        date_debut=jour - timedelta(days=400),
        date_fin=jour - timedelta(days=1),
    )
    fabriques.mandat(
        equipe.sieges.commune,
        prenom="Futur",
        nom="Suppléant",
        qualite=Qualite.SUPPLEANT,
        date_debut=jour + timedelta(1),
    )
    connecter(equipe.secretaire)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _convoquer(client, seance)
    assert reponse.status_code == 302
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.CONVOQUEE and seance.convocation_envoyee_le is not None
    attendus = {
        equipe.mandats.etat,
        equipe.mandats.etat_suppleant,
        equipe.mandats.departement,
        equipe.mandats.caf,
        equipe.mandats.commune,
        equipe.mandats.france_travail,
        equipe.mandats.mission_locale,
    }
    envois = list(seance.envois_convocation.select_related("mandat"))
    assert {envoi.mandat for envoi in envois} == attendus
    assert all(envoi.envoye_le and envoi.email == envoi.mandat.email for envoi in envois)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(mandat.email for mandat in attendus)
    assert faux_pdf == [seance.pk]  # un seul PDF pour tous les courriels
    page = _texte(client.get(reponse.url))
    assert "La convocation part à 7 personnes, avec l'ordre du jour en PDF." in page
    assert "à 7 personnes (7 envoyées)" in page


def test_le_courriel_donne_le_comite_la_date_le_lieu_l_ordre_du_jour_et_le_lien(
    equipe, seance, faux_pdf, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.envoyer_convocation(seance, acteur=equipe.secretaire)
    message = next(m for m in mailoutbox if m.to == [equipe.mandats.etat_suppleant.email])
    quand = formater_date(timezone.localtime(seance.date), "l j F Y")
    heure = formater_date(timezone.localtime(seance.date), "H\\hi")
    assert message.subject == f"Convocation : Comité départemental pour l'emploi, séance du {quand} à {heure}"
    assert message.reply_to == [equipe.secretaire.email]
    url = reverse("gouvernance:seance", args=[seance.uuid])
    for corps in (
        " ".join(message.body.split()),
        " ".join(html.unescape(strip_tags(message.alternatives[0].content)).split()),
    ):
        assert "Bonjour Sophie Sous-préfète" in corps
        assert "Nous vous convoquons à la séance du Comité départemental pour l'emploi" in corps
        assert "en qualité de suppléant du siège « Préfecture des Landes (Représentant de l'État) »" in corps
        assert "Vous siégez si la personne titulaire ne peut pas venir." in corps
        assert f"Le {quand} à {heure}." in corps
        assert "Préfecture, salle Borda" in corps and "https://visio.gouv.fr/cde" in corps
        assert "Installation du comité" in corps and "Avancement du garage solidaire" in corps
        assert "Garage solidaire du Marsan" in corps and "Présenté par l'association porteuse." in corps
        assert "L'ordre du jour est joint en PDF." in corps
        assert equipe.secretaire.email in corps
    lien = f"{settings.SPIE_URL_SITE}{url}"
    assert lien in message.body and f'href="{lien}"' in message.alternatives[0].content
    assert message.alternatives[0].mimetype == "text/html"
    assert [(a.filename, a.content, a.mimetype) for a in message.attachments] == [
        (f"ordre-du-jour-{timezone.localtime(seance.date):%Y-%m-%d}.pdf", FAUX_PDF, "application/pdf")
    ]


def _non_validee(equipe, seance):
    services.ajouter_point(seance, acteur=equipe.secretaire, titre="Point de dernière minute")


def _passee(equipe, seance):
    Seance.objects.filter(pk=seance.pk).update(date=timezone.now() - timedelta(hours=1))


def _deja_envoyee(equipe, seance):
    services.envoyer_convocation(seance, acteur=equipe.secretaire)


def _personne(equipe, seance):
    for mandat in vars(equipe.mandats).values():
        mandat.date_fin = mandat.date_debut
        mandat.save(update_fields=["date_fin"])


@pytest.mark.parametrize(
    ("preparer", "message"),
    [
        (_non_validee, "L'ordre du jour doit d'abord être validé par les co-présidents (0 validation sur 2)."),
        (_passee, "Une convocation ne peut pas être envoyée pour une date passée."),
        (_deja_envoyee, "La convocation a déjà été envoyée le"),
        (_personne, "Personne n'est à convoquer : aucun titulaire ni suppléant n'est en cours de mandat"),
    ],
    ids=["non_validee", "date_passee", "deja_envoyee", "personne"],
)
def test_une_convocation_impossible_est_refusee_sans_rien_ecrire(
    client, connecter, equipe, seance, faux_pdf, mailoutbox, django_capture_on_commit_callbacks, preparer, message
):
    preparer(equipe, seance)
    avant = _etat(seance)
    connecter(equipe.secretaire)
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        reponse = _convoquer(client, seance)
    assert reponse.status_code == 200 and message in _texte(reponse)
    assert _etat(seance) == avant and not rappels and not mailoutbox


def test_la_tache_rejouee_n_ecrit_pas_deux_fois(
    equipe, seance, faux_pdf, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.envoyer_convocation(seance, acteur=equipe.secretaire)
    assert len(mailoutbox) == 7
    assert taches.envoyer_convocations.delay(seance.pk).get() == 0
    assert len(mailoutbox) == 7 and len(faux_pdf) == 1


def test_une_panne_d_envoi_reprend_la_ou_elle_s_etait_arretee(
    reessais, equipe, seance, faux_pdf, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    envoyer = EmailMultiAlternatives.send
    appels = []

    def envoyer_avec_une_panne(message, *args, **kwargs):
        appels.append(message.to[0])
        if len(appels) == 3:
            raise ConnectionRefusedError("serveur de courriel injoignable")
        return envoyer(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", envoyer_avec_une_panne)
    with django_capture_on_commit_callbacks(execute=True):
        services.envoyer_convocation(seance, acteur=equipe.secretaire)
    destinataires = [message.to[0] for message in mailoutbox]
    assert len(destinataires) == 7 and len(set(destinataires)) == 7
    assert len(appels) == 8  # la troisième personne, en panne, a été réessayée une fois
    assert not seance.envois_convocation.filter(envoye_le__isnull=True).exists()


def test_un_pdf_en_echec_est_journalise_puis_retente(
    reessais, equipe, seance, mailoutbox, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    essais = []

    def produire(seance):
        essais.append(seance.pk)
        if len(essais) == 1:
            raise OSError("WeasyPrint a manqué de mémoire")
        return FAUX_PDF

    monkeypatch.setattr(taches, "_pdf_ordre_du_jour", produire)
    with caplog.at_level(logging.ERROR, logger="gouvernance.seances.taches"):
        with django_capture_on_commit_callbacks(execute=True):
            services.envoyer_convocation(seance, acteur=equipe.secretaire)
    assert len(essais) == 2
    assert "l'ordre du jour en PDF n'a pas pu être produit (essai 1 sur 6), nouvel essai plus tard" in caplog.text
    assert len(mailoutbox) == 7 and all(m.attachments[0].content == FAUX_PDF for m in mailoutbox)


def test_un_pdf_toujours_en_echec_n_empeche_pas_les_convocations(
    reessais, equipe, seance, mailoutbox, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    essais = []

    def produire(seance):
        essais.append(seance.pk)
        raise RuntimeError("gabarit d'impression cassé")

    monkeypatch.setattr(taches, "_pdf_ordre_du_jour", produire)
    with caplog.at_level(logging.ERROR, logger="gouvernance.seances.taches"):
        with django_capture_on_commit_callbacks(execute=True):
            services.envoyer_convocation(seance, acteur=equipe.secretaire)
    assert len(essais) == taches.ESSAIS_PDF + 1
    assert "(essai 6 sur 6) : les convocations partent sans la pièce jointe" in caplog.text
    assert len(mailoutbox) == 7
    assert all(not m.attachments and "n'a pas pu être joint" in m.body for m in mailoutbox)


def test_une_seance_cloturee_avant_le_passage_du_worker_ne_convoque_plus(equipe, seance, faux_pdf, mailoutbox):
    services.envoyer_convocation(seance, acteur=equipe.secretaire)  # tâche non lancée : pas de commit dans ce test
    Seance.objects.filter(pk=seance.pk).update(statut=StatutSeance.CLOTUREE, cloturee_le=timezone.now())
    assert taches.envoyer_convocations.delay(seance.pk).get() == 0
    assert not mailoutbox and not faux_pdf


def test_la_page_compte_les_convocations_envoyees(client, connecter, equipe, seance, faux_pdf):
    services.envoyer_convocation(seance, acteur=equipe.secretaire)  # la tâche n'est pas encore passée
    connecter(equipe.professionnel_caf)
    page = _texte(client.get(reverse("gouvernance:seance", args=[seance.uuid])))
    quand = formater_date(timezone.localtime(seance.convocation_envoyee_le), "j F Y à H:i")
    assert f"Convocation envoyée le {quand} à 7 personnes (0 envoyée)." in page
    taches.envoyer_convocations.delay(seance.pk)
    page = _texte(client.get(reverse("gouvernance:seance", args=[seance.uuid])))
    assert "à 7 personnes (7 envoyées)." in page


def test_la_convocation_joint_le_vrai_ordre_du_jour_en_pdf(
    equipe, seance, mailoutbox, django_capture_on_commit_callbacks
):
    """Sans remplacement : le PDF de la partie comptes rendus (WeasyPrint), lu et vérifié."""
    with django_capture_on_commit_callbacks(execute=True):
        services.envoyer_convocation(seance, acteur=equipe.secretaire)
    pieces = {m.attachments[0].content for m in mailoutbox}
    assert len(pieces) == 1
    (pdf,) = pieces
    assert pdf.startswith(b"%PDF")
    texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Installation du comité" in texte and "Avancement du garage solidaire" in texte


def test_le_service_refuse_aussi_une_seance_deja_convoquee(equipe, seance, faux_pdf):
    services.envoyer_convocation(seance, acteur=equipe.secretaire)
    with pytest.raises(ValidationError, match="La convocation a déjà été envoyée le"):
        services.envoyer_convocation(seance, acteur=equipe.secretaire)
    assert EnvoiConvocation.objects.count() == 7
