"""Santé et handicap : réservés aux intervenants du carnet, dans les pages, l'impression et le PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.parcours.conftest import diagnostic_valide

pytestmark = pytest.mark.django_db
SECRET_SANTE = "ChimioSecrete"
SECRET_HANDICAP = "FauteuilSecret"


@pytest.fixture
def diagnostic(equipe):
    return diagnostic_valide(
        equipe["carnet"],
        equipe["referente"],
        sante={"appreciation": "besoin", "impact": "fort", "commentaire": SECRET_SANTE,
               "situations": ["sante.difficulte_declaree_entrainant_des_absences_regulieres"]},
        handicap={"appreciation": "besoin", "impact": "moyen", "paroles_personne": SECRET_HANDICAP},
        logement={"appreciation": "besoin", "impact": "moyen", "commentaire": "Loyer impayé depuis mars"},
    )  # fmt: skip


def pages(carnet, diagnostic):
    return {
        "onglet": reverse("parcours:carnet", args=[carnet.uuid]) + "?onglet=diagnostic",
        "version": reverse("parcours:diagnostic", args=[carnet.uuid, diagnostic.uuid]),
        "impression": reverse("parcours:diagnostic_imprimer", args=[carnet.uuid, diagnostic.uuid]),
    }


def telecharger(client, url, capturer, **parametres):
    """Demande le PDF (produit après le commit par la tâche, ici immédiate), suit la page d'attente et télécharge
    le fichier."""
    from spie.models import DocumentGenere

    with capturer(execute=True):
        reponse = client.get(url, parametres)
    assert reponse.status_code == 302 and "/documents/" in reponse.url
    page = client.get(reponse.url).content.decode()
    assert "Le document est prêt." in page
    document = DocumentGenere.objects.get(uuid=reponse.url.rstrip("/").split("/")[-1])
    return client.get(reverse("document_telecharger", args=[document.uuid]))


def texte_du_pdf(reponse) -> str:
    contenu = b"".join(reponse.streaming_content)  # lu jusqu'au bout, le fichier se referme
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages).split())


@pytest.mark.parametrize("page", ["onglet", "version", "impression"])
def test_un_collegue_non_intervenant_voit_information_reservee(equipe, diagnostic, client, connecter, page):
    connecter(equipe["collegue_ft"])
    contenu = client.get(pages(equipe["carnet"], diagnostic)[page]).content.decode()
    assert "Loyer impayé depuis mars" in contenu
    assert "Information réservée" in contenu
    for secret in (SECRET_SANTE, SECRET_HANDICAP, "absences régulières"):
        assert secret not in contenu


@pytest.mark.parametrize("page", ["onglet", "version", "impression"])
def test_un_intervenant_voit_la_sante_et_le_handicap(equipe, diagnostic, client, connecter, page):
    connecter(equipe["conseiller"])
    contenu = client.get(pages(equipe["carnet"], diagnostic)[page]).content.decode()
    assert SECRET_SANTE in contenu and SECRET_HANDICAP in contenu and "Information réservée" not in contenu


def test_le_pdf_masque_la_sante_pour_un_non_intervenant(
    equipe, diagnostic, client, connecter, django_capture_on_commit_callbacks
):
    url = reverse("parcours:diagnostic_pdf", args=[equipe["carnet"].uuid, diagnostic.uuid])
    connecter(equipe["collegue_ft"])
    reponse = telecharger(client, url, django_capture_on_commit_callbacks)
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'attachment; filename="diagnostic-v1-lalanne.pdf"'
    texte = texte_du_pdf(reponse)
    assert "Diagnostic socio-professionnel" in texte and "Loyer impayé depuis mars" in texte
    assert "Information réservée" in texte and SECRET_SANTE not in texte and SECRET_HANDICAP not in texte
    connecter(equipe["referente"])
    texte = texte_du_pdf(telecharger(client, url, django_capture_on_commit_callbacks))
    assert SECRET_SANTE in texte and SECRET_HANDICAP in texte


def test_une_situation_de_sante_est_masquee_dans_la_situation_professionnelle(equipe, client, connecter):
    from parcours.diagnostic import services

    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    services.enregistrer(diagnostic, acteur=equipe["referente"], evaluations={}, situation_actuelle="maladie")
    url = reverse("parcours:diagnostic", args=[equipe["carnet"].uuid, diagnostic.uuid])
    connecter(equipe["collegue_ft"])
    contenu = client.get(url).content.decode()
    assert "Longue maladie" not in contenu and "information réservée" in contenu


def test_chaque_consultation_du_diagnostic_est_journalisee(equipe, diagnostic, client, connecter):
    from parcours.models import ConsultationCarnet

    connecter(equipe["collegue_ft"])
    for url in pages(equipe["carnet"], diagnostic).values():
        client.get(url)
    onglets = list(
        ConsultationCarnet.objects.filter(utilisateur=equipe["collegue_ft"]).values_list("onglet", flat=True)
    )
    assert sorted(onglets) == ["diagnostic", "diagnostic", "diagnostic_impression"]


def test_le_pdf_pour_la_personne_garde_ses_mots_sans_les_commentaires_des_professionnels(
    equipe, diagnostic, client, connecter, django_capture_on_commit_callbacks
):
    url = reverse("parcours:diagnostic_pdf", args=[equipe["carnet"].uuid, diagnostic.uuid])
    connecter(equipe["referente"])
    reponse = telecharger(client, url, django_capture_on_commit_callbacks, pour="personne")
    assert reponse["Content-Disposition"] == 'attachment; filename="diagnostic-v1-lalanne-personne.pdf"'
    texte = texte_du_pdf(reponse)
    assert "Votre diagnostic socio-professionnel" in texte and SECRET_HANDICAP in texte
    assert SECRET_SANTE not in texte and "Loyer impayé depuis mars" not in texte


def test_la_comparaison_ne_dit_pas_la_maladie_a_un_non_intervenant(equipe, client, connecter):
    from parcours.diagnostic import services

    premiere = diagnostic_valide(equipe["carnet"], equipe["referente"])
    seconde = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    services.enregistrer(seconde, acteur=equipe["referente"], evaluations={}, situation_actuelle="maladie")
    services.valider(seconde, acteur=equipe["referente"], parcours_retenu="social", motif_parcours="Chimiothérapie")
    assert premiere.situation_actuelle == "recherche_emploi"
    connecter(equipe["collegue_ft"])
    for url in pages(equipe["carnet"], seconde).values():
        contenu = client.get(url).content.decode()
        assert "Longue maladie" not in contenu and "Chimiothérapie" not in contenu, url
    connecter(equipe["referente"])
    contenu = client.get(pages(equipe["carnet"], seconde)["onglet"]).content.decode()
    assert "Longue maladie" in contenu and "Chimiothérapie" in contenu


def test_le_decompte_des_difficultes_et_les_situations_sensibles_sont_reserves(equipe, diagnostic, client, connecter):
    from parcours.diagnostic import services

    seconde = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    services.enregistrer(
        seconde,
        acteur=equipe["referente"],
        evaluations={
            "mobilite": {"appreciation": "besoin", "impact": "moyen",
                         "situations": ["mobilite.etat_de_sante_declare_rendant_incompatible_la_conduite"]},
        },
    )  # fmt: skip
    seconde = services.valider(seconde, acteur=equipe["referente"])
    connecter(equipe["collegue_ft"])
    for url in pages(equipe["carnet"], seconde).values():
        contenu = client.get(url).content.decode()
        assert "incompatible la conduite" not in contenu, url
        assert "à impact fort" not in contenu and "niveau des difficultés : information réservée" in contenu, url
    assert (
        "une situation réservée aux intervenants"
        in client.get(pages(equipe["carnet"], seconde)["version"]).content.decode()
    )
    connecter(equipe["conseiller"])
    contenu = client.get(pages(equipe["carnet"], seconde)["version"]).content.decode()
    assert "incompatible la conduite" in contenu and "1 difficulté à impact fort" in contenu


def test_le_pdf_pour_la_personne_n_existe_que_pour_une_version_validee(equipe, client, connecter):
    from parcours.diagnostic import services

    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    connecter(equipe["referente"])
    url = reverse("parcours:diagnostic_pdf", args=[equipe["carnet"].uuid, diagnostic.uuid])
    reponse = client.get(url, {"pour": "personne"}, follow=True)
    assert "Seul un diagnostic validé se remet à la personne." in reponse.content.decode()


def test_un_acces_retire_avant_la_production_fait_echouer_le_document(equipe, diagnostic, client, connecter):
    from parcours import services as carnet_services
    from spie import documents
    from spie.models import DocumentGenere

    connecter(equipe["conseiller"])
    client.get(reverse("parcours:diagnostic_pdf", args=[equipe["carnet"].uuid, diagnostic.uuid]))  # pas encore produit
    intervention = equipe["carnet"].intervenants.actifs().get(utilisateur=equipe["conseiller"])
    carnet_services.terminer_intervenant(intervention, acteur=equipe["referente"], motif="Relais pris")
    document = DocumentGenere.objects.get(demandeur=equipe["conseiller"])
    documents.produire(document.pk)
    document.refresh_from_db()
    assert document.statut == "echec" and not document.fichier
    assert "plus accès à ce dossier" in document.erreur
