"""L'activation de l'espace personnel : le référent envoie un lien ou remet un code imprimé, la personne choisit son
mot de passe et arrive dans son espace ; plus tard elle se connecte par identifiant, e-mail ou code reçu."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.espace import activation, activation_views
from parcours.models import ActivationEspace, EspacePersonne, EvenementCarnet
from partenaires.models import Utilisateur
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre

pytestmark = pytest.mark.django_db

NOUVEAU = "une phrase assez longue pour passer"
MOTS_DE_PASSE = {"password1": NOUVEAU, "password2": NOUVEAU}
Type = EvenementCarnet.Type


def etat():
    """Ce qu'une activation refusée ne doit pas changer."""
    return (
        list(ActivationEspace.objects.order_by("pk").values_list("pk", "utilisee_le", "annulee_le")),
        list(EspacePersonne.objects.order_by("pk").values_list("pk", "ferme_le", "ouvert_le")),
        list(Utilisateur.objects.filter(est_personne=True).values_list("pk", "password", "is_active", "email")),
        EvenementCarnet.objects.count(),
    )


def evenements(carnet, type_):
    return list(EvenementCarnet.objects.filter(carnet=carnet, type=type_))


@pytest.fixture
def referente(equipe, connecter, client):
    connecter(equipe["referente"])
    return client


def envoyer_lien(equipe, capture, email="ines.lalanne@exemple.fr"):
    personne = equipe["carnet"].personne
    personne.email = email
    personne.save(update_fields=["email"])
    with capture(execute=True):
        activation.envoyer_lien(equipe["carnet"], acteur=equipe["referente"])
    message = mail.outbox[-1]
    return re.search(r"https?://\S+/mon-espace/activer/\S+/", message.body).group(0)


def remettre_code(client, carnet):
    reponse = client.post(reverse("parcours:espace_remettre_code", args=[carnet.uuid]))
    assert reponse.status_code == 302 and reponse.url == reverse("parcours:espace_feuille_code", args=[carnet.uuid])
    reponse = client.get(reponse.url)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    code = re.search(r'<span class="code">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</span>', page).group(1)
    identifiant = re.search(r'<span class="code">([a-z0-9.\-]+)</span>', page).group(1)
    return code, identifiant, page


def chemin(lien):
    return urlsplit(lien).path


# --- Aides pures ----------------------------------------------------------------------------------------------


def test_le_code_est_lisible_groupe_et_saisi_sans_souci_de_casse_ni_de_tirets():
    code = activation.generer_code()
    assert len(code) == 12 and not set(code) & set("0O1IL")
    assert activation.grouper_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert activation.normaliser_code(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"


def test_l_identifiant_est_prenom_nom_sans_accents_et_quatre_chiffres_unique(equipe, monkeypatch):
    personne = equipe["carnet"].personne
    personne.prenom, personne.nom = "Léa-Marie", "Du Pont"
    Utilisateur.objects.creer_compte_personne(identifiant="lea-marie.du-pont0007", password="x")
    tirages = iter([7, 7, 42])
    monkeypatch.setattr(activation.secrets, "randbelow", lambda n: next(tirages))
    assert activation.proposer_identifiant(personne) == "lea-marie.du-pont0042"


# --- Lien par e-mail ----------------------------------------------------------------------------------------


def test_la_personne_active_son_espace_par_le_lien_et_arrive_dans_son_espace(
    equipe, client, django_capture_on_commit_callbacks
):
    lien = envoyer_lien(equipe, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["ines.lalanne@exemple.fr"] and message.subject == "Activez votre espace personnel"
    invitation = ActivationEspace.objects.get()
    jeton = lien.rstrip("/").rsplit("/", 1)[1]
    assert invitation.empreinte == activation.empreinte(jeton) and jeton not in str(invitation.__dict__)
    (envoi,) = evenements(equipe["carnet"], Type.ESPACE_LIEN_ENVOYE)
    assert envoi.acteur == equipe["referente"] and "valable jusqu'au" in envoi.details["resume"]

    page = client.get(chemin(lien))
    assert page.status_code == 200 and "Bonjour Inès" in page.content.decode()
    reponse = client.post(chemin(lien), MOTS_DE_PASSE)

    assert reponse.status_code == 302 and reponse.url == reverse("parcours:espace_accueil")
    compte = Utilisateur.objects.get(est_personne=True)
    assert compte.email == "ines.lalanne@exemple.fr" and compte.identifiant is None and compte.check_password(NOUVEAU)
    assert (compte.prenom, compte.nom) == ("Inès", "Lalanne")
    assert int(client.session["_auth_user_id"]) == compte.pk
    assert compte.espace_personne.personne == equipe["carnet"].personne and compte.espace_personne.est_ouvert
    (active,) = evenements(equipe["carnet"], Type.ESPACE_ACTIVE)
    assert active.acteur == compte and active.organisation is None
    assert active.details["resume"] == "La personne a activé son espace personnel (lien reçu par e-mail)"


def test_un_lien_ne_sert_qu_une_fois(equipe, client, django_capture_on_commit_callbacks):
    lien = envoyer_lien(equipe, django_capture_on_commit_callbacks)
    client.post(chemin(lien), MOTS_DE_PASSE)
    client.post(reverse("account_logout"))
    avant = etat()
    reponse = client.post(
        chemin(lien), {"password1": "autre phrase bien longue", "password2": "autre phrase bien longue"}
    )
    assert reponse.status_code == 410 and "Ce lien a déjà servi" in reponse.content.decode()
    assert etat() == avant


def test_un_lien_expire_apres_sept_jours(equipe, client, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(timezone.now(), tick=False)
    lien = envoyer_lien(equipe, django_capture_on_commit_callbacks)
    time_machine.shift(timedelta(days=7) - timedelta(minutes=1))
    assert client.get(chemin(lien)).status_code == 200
    time_machine.shift(timedelta(minutes=2))
    avant = etat()
    reponse = client.post(chemin(lien), MOTS_DE_PASSE)
    assert reponse.status_code == 410 and "plus valable depuis le" in reponse.content.decode()
    assert etat() == avant


def test_un_lien_inconnu_repond_404_sans_rien_dire(client, equipe):
    reponse = client.get(reverse("parcours:espace_activer_lien", args=["faux-jeton"]))
    assert reponse.status_code == 404 and "Ce lien ne fonctionne pas" in reponse.content.decode()


def test_une_nouvelle_invitation_annule_la_precedente(equipe, client, referente, django_capture_on_commit_callbacks):
    lien = envoyer_lien(equipe, django_capture_on_commit_callbacks)
    remettre_code(referente, equipe["carnet"])
    client.post(reverse("account_logout"))
    reponse = client.post(chemin(lien), MOTS_DE_PASSE)
    assert reponse.status_code == 410 and "remplacé par un plus récent" in reponse.content.decode()
    assert ActivationEspace.objects.filter(annulee_le__isnull=True).count() == 1


def test_pas_de_lien_sans_adresse_ni_vers_l_adresse_d_un_professionnel(equipe, referente):
    url = reverse("parcours:espace_envoyer_lien", args=[equipe["carnet"].uuid])
    avant = etat()
    page = referente.post(url, follow=True).content.decode()
    assert "n&#x27;a pas d&#x27;adresse e-mail : remettez-lui un code" in page
    personne = equipe["carnet"].personne
    personne.email = equipe["conseiller"].email.upper()
    personne.save(update_fields=["email"])
    page = referente.post(url, follow=True).content.decode()
    assert "Les comptes sont distincts : remettez un code, ou corrigez l&#x27;adresse." in page
    assert etat() == avant and not mail.outbox


# --- Code remis en main propre --------------------------------------------------------------------------------


def test_la_personne_active_son_espace_avec_le_code_imprime(equipe, client, referente):
    code, identifiant, page = remettre_code(referente, equipe["carnet"])
    assert re.fullmatch(r"ines\.lalanne\d{4}", identifiant)
    assert "http://testserver/mon-espace/activer/" in page or settings.SPIE_URL_SITE in page
    # L'impression passe par un fichier statique (pas de JavaScript en ligne) ; pas de région live autour des boutons.
    assert "data-imprimer" in page and "spie/imprimer.js" in page and "Imprimer" in page
    assert "onclick" not in page and 'role="status"' not in page
    invitation = ActivationEspace.objects.get()
    assert invitation.empreinte == activation.empreinte(code.replace("-", ""))
    assert code.replace("-", "") not in str(invitation.__dict__)
    (remis,) = evenements(equipe["carnet"], Type.ESPACE_CODE_REMIS)
    assert identifiant in remis.details["resume"] and code not in remis.details["resume"]

    client.post(reverse("account_logout"))
    saisie = f" {code.lower().replace('-', ' ')} "
    reponse = client.post(
        reverse("parcours:espace_activer"), {"identifiant": identifiant.upper(), "code": saisie, **MOTS_DE_PASSE}
    )
    assert reponse.status_code == 302 and reponse.url == reverse("parcours:espace_accueil")
    compte = Utilisateur.objects.get(est_personne=True)
    assert compte.identifiant == identifiant and compte.email is None
    assert int(client.session["_auth_user_id"]) == compte.pk
    assert evenements(equipe["carnet"], Type.ESPACE_ACTIVE)[0].details["resume"].endswith("(code remis en main propre)")


def test_avec_un_code_l_adresse_libre_de_la_personne_devient_celle_du_compte(equipe, client, referente):
    personne = equipe["carnet"].personne
    personne.email = "ines@exemple.fr"
    personne.save(update_fields=["email"])
    code, identifiant, _ = remettre_code(referente, equipe["carnet"])
    client.post(reverse("account_logout"))
    client.post(reverse("parcours:espace_activer"), {"identifiant": identifiant, "code": code, **MOTS_DE_PASSE})
    assert Utilisateur.objects.get(est_personne=True).email == "ines@exemple.fr"


def test_un_mauvais_code_ne_change_rien(equipe, client, referente):
    code, identifiant, _ = remettre_code(referente, equipe["carnet"])
    client.post(reverse("account_logout"))
    avant = etat()
    faux = "ABCD-EFGH-JKMN" if code != "ABCD-EFGH-JKMN" else "NMKJ-HGFE-DCBA"
    for saisie in ({"identifiant": identifiant, "code": faux}, {"identifiant": "autre.personne1234", "code": code}):
        reponse = client.post(reverse("parcours:espace_activer"), {**saisie, **MOTS_DE_PASSE})
        assert reponse.status_code == 200
        assert "L&#x27;identifiant ou le code ne correspond pas." in reponse.content.decode()
    assert etat() == avant and "_auth_user_id" not in client.session


def test_un_mot_de_passe_faible_ne_change_rien(equipe, client, referente):
    code, identifiant, _ = remettre_code(referente, equipe["carnet"])
    client.post(reverse("account_logout"))
    avant = etat()
    donnees = {"identifiant": identifiant, "code": code, "password1": "123456789012", "password2": "123456789012"}
    reponse = client.post(reverse("parcours:espace_activer"), donnees)
    assert reponse.status_code == 200 and "entièrement numérique" in reponse.content.decode()
    assert etat() == avant


def test_apres_cinq_echecs_l_identifiant_est_bloque_meme_avec_le_bon_code(equipe, client, referente):
    code, identifiant, _ = remettre_code(referente, equipe["carnet"])
    client.post(reverse("account_logout"))
    url = reverse("parcours:espace_activer")
    for _ in range(5):
        assert (
            client.post(url, {"identifiant": identifiant, "code": "ZZZZ-ZZZZ-ZZZZ", **MOTS_DE_PASSE}).status_code == 200
        )
    avant = etat()
    reponse = client.post(url, {"identifiant": identifiant, "code": code, **MOTS_DE_PASSE})
    assert reponse.status_code == 429 and "Trop d&#x27;essais pour cet identifiant" in reponse.content.decode()
    assert etat() == avant


def test_les_essais_sont_limites_par_adresse_ip(client, equipe, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "activation_espace": "2/m/ip"}
    url = reverse("parcours:espace_activer")
    for _ in range(2):
        assert client.post(url, {"identifiant": "x", "code": "y", **MOTS_DE_PASSE}).status_code == 200
    reponse = client.post(url, {"identifiant": "x", "code": "y", **MOTS_DE_PASSE})
    assert reponse.status_code == 429 and "Trop d'essais" in reponse.content.decode()
    assert client.get(url).status_code == 200  # la page reste lisible


def test_un_compte_connecte_est_invite_a_se_deconnecter(equipe, referente):
    code, identifiant, _ = remettre_code(referente, equipe["carnet"])
    avant = etat()
    reponse = referente.post(
        reverse("parcours:espace_activer"), {"identifiant": identifiant, "code": code, **MOTS_DE_PASSE}
    )
    assert reponse.status_code == 200
    assert "compte professionnel" in reponse.content.decode() and "Me déconnecter" in reponse.content.decode()
    assert etat() == avant


# --- Rouvrir, réinitialiser, fermer ---------------------------------------------------------------------------


def activer_par_code(client, referente, carnet, mot_de_passe=NOUVEAU):
    code, identifiant, _ = remettre_code(referente, carnet)
    client.post(reverse("account_logout"))
    donnees = {"identifiant": identifiant, "code": code, "password1": mot_de_passe, "password2": mot_de_passe}
    assert client.post(reverse("parcours:espace_activer"), donnees).status_code == 302
    return identifiant


def test_fermer_l_espace_desactive_le_compte_et_met_fin_a_sa_session(equipe, client, connecter):
    personne_client = client.__class__()
    referente = connecter(equipe["referente"], client=client)
    activer_par_code(personne_client, referente, equipe["carnet"])
    assert personne_client.get(reverse("parcours:espace_accueil")).status_code == 200

    reponse = client.post(reverse("parcours:espace_fermer", args=[equipe["carnet"].uuid]))
    assert reponse.status_code == 302
    compte = Utilisateur.objects.get(est_personne=True)
    assert not compte.is_active and compte.espace_personne.ferme_le is not None
    (ferme,) = evenements(equipe["carnet"], Type.ESPACE_FERME)
    assert ferme.acteur == equipe["referente"] and "désactivé" in ferme.details["resume"]
    reponse = personne_client.get(reverse("parcours:espace_accueil"))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("account_login"))


def test_rouvrir_apres_fermeture_reprend_le_meme_compte(equipe, client, connecter):
    personne_client = client.__class__()
    referente = connecter(equipe["referente"])
    identifiant = activer_par_code(personne_client, referente, equipe["carnet"])
    compte = Utilisateur.objects.get(est_personne=True)
    referente.post(reverse("parcours:espace_fermer", args=[equipe["carnet"].uuid]))

    identifiant_2 = activer_par_code(personne_client, referente, equipe["carnet"], "encore une autre phrase longue")
    assert identifiant_2 == identifiant
    compte.refresh_from_db()
    assert compte.is_active and compte.check_password("encore une autre phrase longue")
    assert Utilisateur.objects.filter(est_personne=True).count() == 1
    assert compte.espace_personne.est_ouvert
    assert len(evenements(equipe["carnet"], Type.ESPACE_ACTIVE)) == 2


def test_une_invitation_sur_un_espace_ouvert_redonne_l_acces_avec_un_nouveau_mot_de_passe(
    equipe, client, connecter, django_capture_on_commit_callbacks
):
    personne_client = client.__class__()
    referente = connecter(equipe["referente"])
    identifiant = activer_par_code(personne_client, referente, equipe["carnet"])
    ouvert_le = EspacePersonne.objects.get().ouvert_le
    lien = envoyer_lien(equipe, django_capture_on_commit_callbacks)
    personne_client.post(reverse("account_logout"))
    assert (
        personne_client.post(
            chemin(lien), {"password1": "phrase neuve bien longue", "password2": "phrase neuve bien longue"}
        ).status_code
        == 302
    )
    compte = Utilisateur.objects.get(est_personne=True)
    assert compte.identifiant == identifiant and compte.email == "ines.lalanne@exemple.fr"
    assert compte.check_password("phrase neuve bien longue") and EspacePersonne.objects.get().ouvert_le == ouvert_le


# --- Page du professionnel ------------------------------------------------------------------------------------


def test_la_page_montre_l_etat_et_les_invitations_a_nombre_de_requetes_fixe(
    equipe, referente, django_assert_num_queries
):
    carnet = equipe["carnet"]
    url = reverse("parcours:espace_gerer", args=[carnet.uuid])
    page = referente.get(url).content.decode()
    assert "Pas encore ouvert" in page and "Aucune invitation" in page and "Remettre un code imprimé" in page
    remettre_code(referente, carnet)
    with django_assert_num_queries(12):
        page = referente.get(url).content.decode()
    assert "Invitation en attente (code remis)" in page and "en attente, valable jusqu&#x27;au" in page
    for _ in range(20):
        remettre_code(referente, carnet)
    with django_assert_num_queries(12):
        page = referente.get(url).content.decode()
    assert page.count("annulée le") == 20 and 'tabindex="0"' in page


def test_un_collegue_sans_droit_de_modifier_voit_l_etat_sans_les_boutons(equipe, connecter, client):
    connecter(equipe["collegue_ft"])
    page = client.get(reverse("parcours:espace_gerer", args=[equipe["carnet"].uuid])).content.decode()
    assert "Pas encore ouvert" in page and "Remettre un code" not in page
    assert client.post(reverse("parcours:espace_remettre_code", args=[equipe["carnet"].uuid])).status_code == 403


def test_le_bloc_du_carnet_tient_en_deux_requetes(equipe, referente, django_assert_num_queries):
    from django.template.loader import render_to_string

    carnet = equipe["carnet"]
    with django_assert_num_queries(2):
        etat_espace = activation.etat_espace(carnet)
        html = render_to_string("parcours/espace/includes/bloc_carnet.html", {"carnet": carnet, "etat": etat_espace})
    assert "Pas encore ouvert" in html and reverse("parcours:espace_gerer", args=[carnet.uuid]) in html


# --- Se connecter plus tard -----------------------------------------------------------------------------------


def test_la_personne_se_connecte_avec_son_identifiant_et_arrive_dans_son_espace(equipe, client, connecter):
    personne_client = client.__class__()
    identifiant = activer_par_code(personne_client, connecter(equipe["referente"]), equipe["carnet"])
    nouveau = client.__class__()
    page = nouveau.get(reverse("account_login")).content.decode()
    assert "Adresse e-mail ou identifiant" in page
    reponse = nouveau.post(reverse("account_login"), {"login": identifiant, "password": NOUVEAU})
    assert reponse.status_code == 302 and reponse.url == reverse("parcours:espace_accueil")


def test_la_personne_se_connecte_par_un_code_recu_par_e_mail(
    equipe, client, connecter, django_capture_on_commit_callbacks
):
    lien = envoyer_lien(equipe, django_capture_on_commit_callbacks)
    client.post(chemin(lien), MOTS_DE_PASSE)
    client.post(reverse("account_logout"))
    mail.outbox.clear()
    reponse = client.post(reverse("account_request_login_code"), {"email": "ines.lalanne@exemple.fr"})
    assert reponse.status_code == 302 and reponse.url == reverse("account_confirm_login_code")
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    assert "ines.lalanne@exemple.fr" in client.get(reponse.url).content.decode()
    reponse = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert reponse.status_code == 302 and reponse.url == reverse("parcours:espace_accueil")
    assert client.get(reponse.url).status_code == 200


def test_un_professionnel_connecte_par_code_doit_passer_son_second_facteur(equipe, client, connecter):
    connecter(equipe["referente"])  # configure son TOTP
    client.post(reverse("account_logout"))
    client.post(reverse("account_request_login_code"), {"email": equipe["referente"].email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    reponse = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert reponse.status_code == 302 and reponse.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_la_session_d_une_personne_expire_apres_30_minutes_d_inactivite(equipe, client, connecter, time_machine):
    time_machine.move_to("2026-03-02 09:00", tick=False)
    compte = Utilisateur.objects.creer_compte_personne(identifiant="ines.test", password=MOT_DE_PASSE)
    EspacePersonne.objects.create(personne=equipe["carnet"].personne, compte=compte)
    connecter(compte)
    url = reverse("parcours:espace_accueil")
    assert client.get(url).status_code == 200
    # Le cookie reste un cookie de navigateur : fermer le navigateur déconnecte (poste partagé).
    assert client.session.get_expire_at_browser_close()
    assert not client.cookies[settings.SESSION_COOKIE_NAME]["max-age"]
    time_machine.move_to("2026-03-02 09:29", tick=False)
    assert client.get(url).status_code == 200  # l'activité repousse l'échéance
    time_machine.move_to("2026-03-02 09:58", tick=False)
    assert client.get(url).status_code == 200
    time_machine.move_to("2026-03-02 10:28:01", tick=False)
    reponse = client.get(url)
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get(url).status_code == 302

    # La même règle vaut pour un professionnel (partenaires.middleware.DureeDeSessionMiddleware).
    professionnel = client.__class__()
    connecter(membre(OrganisationFactory()).utilisateur, client=professionnel)
    assert professionnel.get(reverse("parcours:mes_carnets")).status_code == 200
    time_machine.move_to("2026-03-02 12:00", tick=False)
    reponse = professionnel.get(reverse("parcours:mes_carnets"))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("account_login"))


# --- Réinitialiser l'accès d'un espace ouvert ---------------------------------------------------------------


def ouvrir_par_lien(equipe, client, capture, email="ines.lalanne@exemple.fr"):
    """La personne ouvre son espace par un lien : son compte a une adresse e-mail."""
    lien = envoyer_lien(equipe, capture, email=email)
    assert client.post(chemin(lien), MOTS_DE_PASSE).status_code == 302
    client.post(reverse("account_logout"))
    mail.outbox.clear()
    return Utilisateur.objects.get(est_personne=True)


def test_sur_un_espace_ouvert_seul_le_referent_reinitialise_l_acces(
    equipe, client, connecter, django_capture_on_commit_callbacks
):
    carnet = equipe["carnet"]
    conseiller = client.__class__()
    connecter(equipe["conseiller"], client=conseiller)  # intervenant : il modifie le carnet
    # Pas encore d'espace : tout professionnel qui modifie le carnet invite.
    assert conseiller.post(reverse("parcours:espace_remettre_code", args=[carnet.uuid])).status_code == 302

    ouvrir_par_lien(equipe, client.__class__(), django_capture_on_commit_callbacks)
    avant = etat()
    for nom in ("parcours:espace_remettre_code", "parcours:espace_envoyer_lien"):
        reponse = conseiller.post(reverse(nom, args=[carnet.uuid]))
        assert reponse.status_code == 403
        page = reponse.content.decode()
        assert "seul son référent" in page and str(equipe["referente"]) in page
    assert etat() == avant and not mail.outbox
    page = conseiller.get(reverse("parcours:espace_gerer", args=[carnet.uuid])).content.decode()
    assert 'id="reserve-au-referent"' in page and "Remettre un code imprimé" not in page
    assert "Fermer l'espace" in page  # fermer reste possible

    referente = connecter(equipe["referente"])
    page = referente.get(reverse("parcours:espace_gerer", args=[carnet.uuid])).content.decode()
    assert "reserve-au-referent" not in page and "Remettre un code imprimé" in page
    remettre_code(referente, carnet)
    (remis,) = evenements(carnet, Type.ESPACE_CODE_REMIS)[:1]
    assert remis.details["resume"].startswith("Réinitialisation de l'accès à l'espace personnel : code remis")


def test_la_personne_est_prevenue_de_la_reinitialisation_par_courriel_et_a_la_connexion(
    equipe, client, connecter, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-03-02 09:00", tick=False)
    carnet = equipe["carnet"]
    compte = ouvrir_par_lien(equipe, client.__class__(), django_capture_on_commit_callbacks)
    referente = connecter(equipe["referente"], client=client.__class__())
    code, identifiant, _ = remettre_code(referente, carnet)

    time_machine.move_to("2026-03-03 10:00", tick=False)
    personne = client.__class__()
    donnees = {"identifiant": identifiant, "code": code, **MOTS_DE_PASSE}
    with django_capture_on_commit_callbacks(execute=True):
        reponse = personne.post(reverse("parcours:espace_activer"), donnees)
    assert reponse.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ines.lalanne@exemple.fr"]
    assert "Votre accès à votre espace a été réinitialisé le 03/03/2026 par Département des Landes" in message.body
    assert code not in message.body and code.replace("-", "") not in message.body
    actives = evenements(carnet, Type.ESPACE_ACTIVE)
    assert len(actives) == 2 and "Réinitialisation" in actives[0].details["resume"]
    # Juste après l'activation : pas d'avis (c'est la personne qui vient de le faire).
    assert "a été réinitialisé" not in personne.get(reponse.url).content.decode()

    # À la connexion suivante (ici, pendant 30 jours), l'avis s'affiche dans l'espace.
    autre = client.__class__()
    reponse = autre.post(reverse("account_login"), {"login": identifiant, "password": NOUVEAU}, follow=True)
    page = reponse.content.decode()
    assert "Votre accès à votre espace a été réinitialisé le 03/03/2026 par Département des Landes" in page
    compte.refresh_from_db()
    time_machine.move_to("2026-04-03 10:00", tick=False)
    assert activation.avis_de_reinitialisation(compte) == ""


def test_une_premiere_activation_ou_une_reouverture_n_est_pas_une_reinitialisation(
    equipe, client, connecter, django_capture_on_commit_callbacks
):
    personne_client = client.__class__()
    compte = ouvrir_par_lien(equipe, personne_client, django_capture_on_commit_callbacks)
    assert activation.avis_de_reinitialisation(compte) == ""
    referente = connecter(equipe["referente"])
    referente.post(reverse("parcours:espace_fermer", args=[equipe["carnet"].uuid]))
    code, identifiant, _ = remettre_code(referente, equipe["carnet"])
    with django_capture_on_commit_callbacks(execute=True):
        personne_client.post(
            reverse("parcours:espace_activer"), {"identifiant": identifiant, "code": code, **MOTS_DE_PASSE}
        )
    assert not mail.outbox and activation.avis_de_reinitialisation(compte) == ""
    assert "Réinitialisation" not in evenements(equipe["carnet"], Type.ESPACE_ACTIVE)[0].details["resume"]


# --- La feuille du code : POST, redirection, GET ----------------------------------------------------------------


def test_la_feuille_montre_le_code_une_fois_et_recharger_n_en_cree_pas_un_nouveau(equipe, referente):
    carnet = equipe["carnet"]
    code, _, _ = remettre_code(referente, carnet)
    assert activation_views.FEUILLES not in referente.session or not referente.session[activation_views.FEUILLES]
    reponse = referente.get(reverse("parcours:espace_feuille_code", args=[carnet.uuid]))
    page = reponse.content.decode()
    assert reponse.status_code == 200 and "Ce code a déjà été affiché : remettez-en un nouveau si besoin" in page
    assert code not in page and reponse.headers["Cache-Control"].startswith("max-age=0")
    assert ActivationEspace.objects.count() == 1 and ActivationEspace.objects.get().est_utilisable()


# --- Limites de débit --------------------------------------------------------------------------------------------


def test_afficher_les_pages_d_activation_ne_consomme_pas_la_limite_par_adresse_ip(
    equipe, client, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "activation_espace": "2/m/ip"}
    lien = envoyer_lien(equipe, django_capture_on_commit_callbacks)
    for _ in range(5):
        assert client.get(reverse("parcours:espace_activer")).status_code == 200
        assert client.get(chemin(lien)).status_code == 200
    assert client.post(reverse("parcours:espace_activer"), {"identifiant": "x", "code": "y"}).status_code == 200
    assert client.post(chemin(lien), MOTS_DE_PASSE).status_code == 302


def test_chaque_essai_est_decompte_avant_la_verification_et_remis_a_zero_apres_succes(
    equipe, client, referente, monkeypatch
):
    code, identifiant, _ = remettre_code(referente, equipe["carnet"])
    client.post(reverse("account_logout"))
    url = reverse("parcours:espace_activer")
    ordre = []
    consommer, trouver = activation_views.ratelimit.consume, activation.trouver_par_code

    def consume(request, **kwargs):
        ordre.append(("consume", kwargs["action"], kwargs.get("dry_run", False)))
        return consommer(request, **kwargs)

    def trouver_par_code(*args):
        ordre.append(("verifier",))
        return trouver(*args)

    monkeypatch.setattr(activation_views.ratelimit, "consume", consume)
    monkeypatch.setattr(activation, "trouver_par_code", trouver_par_code)
    for _ in range(4):
        client.post(url, {"identifiant": identifiant, "code": "ZZZZ-ZZZZ-ZZZZ", **MOTS_DE_PASSE})
    assert ordre[:3] == [
        ("consume", "activation_espace", False),
        ("consume", "activation_espace_echec", False),
        ("verifier",),
    ]
    assert not any(appel[-1] is True for appel in ordre)  # jamais « à blanc »
    assert client.post(url, {"identifiant": identifiant, "code": code, **MOTS_DE_PASSE}).status_code == 302
    client.post(reverse("account_logout"))
    # Remis à zéro : cinq nouveaux échecs sont encore permis, le sixième est refusé.
    for _ in range(5):
        reponse = client.post(url, {"identifiant": identifiant, "code": "ZZZZ-ZZZZ-ZZZZ", **MOTS_DE_PASSE})
        assert reponse.status_code == 200
    assert client.post(url, {"identifiant": identifiant, "code": "ZZZZ-ZZZZ-ZZZZ", **MOTS_DE_PASSE}).status_code == 429


# --- Concurrence : adresse ou identifiant pris entre la vérification et l'enregistrement --------------------------


def test_une_adresse_prise_entre_temps_donne_un_message_et_pas_une_erreur_500(
    equipe, client, monkeypatch, django_capture_on_commit_callbacks
):
    lien = envoyer_lien(equipe, django_capture_on_commit_callbacks, email="pris@exemple.fr")
    Utilisateur.objects.create_user(email="pris@exemple.fr", password=MOT_DE_PASSE)  # invité au même moment
    monkeypatch.setattr(activation, "_email_pris", lambda email, compte: False)  # la vérification est passée avant
    avant = etat()
    reponse = client.post(chemin(lien), MOTS_DE_PASSE)
    assert reponse.status_code == 200 and "vient d&#x27;être pris par un autre compte" in reponse.content.decode()
    assert etat() == avant and "_auth_user_id" not in client.session


def test_un_identifiant_pris_entre_temps_donne_un_message_et_pas_une_erreur_500(equipe, client, referente, monkeypatch):
    code, identifiant, _ = remettre_code(referente, equipe["carnet"])
    client.post(reverse("account_logout"))
    Utilisateur.objects.creer_compte_personne(identifiant=identifiant, password=MOT_DE_PASSE)
    monkeypatch.setattr(activation, "_identifiant_pris", lambda identifiant, compte: False)
    avant = etat()
    reponse = client.post(
        reverse("parcours:espace_activer"), {"identifiant": identifiant, "code": code, **MOTS_DE_PASSE}
    )
    assert reponse.status_code == 200 and "vient d&#x27;être pris par un autre compte" in reponse.content.decode()
    assert etat() == avant


# --- Identifiant choisi (démonstration), file d'attente, connexion accessible ------------------------------------


def test_l_identifiant_choisi_est_normalise_et_valide(equipe):
    carnet, referente = equipe["carnet"], equipe["referente"]
    for mauvais, message in (("a" * 41, "au plus 40 caractères"), ("léa martin", "lettres sans accents")):
        with pytest.raises(ValidationError, match=message):
            activation.remettre_code(carnet, acteur=referente, identifiant=mauvais)
    assert not ActivationEspace.objects.exists()
    invitation, _ = activation.remettre_code(carnet, acteur=referente, identifiant="  Ines.Lalanne-42 ")
    assert invitation.identifiant == "ines.lalanne-42"
    invitation, _ = activation.remettre_code(carnet, acteur=referente, identifiant="a" * 40)
    assert invitation.identifiant == "a" * 40


def test_en_attente_exclut_les_invitations_utilisees_annulees_ou_expirees(equipe):
    maintenant = timezone.now()
    commun = {
        "personne": equipe["carnet"].personne,
        "canal": "code",
        "identifiant": "x",
        "cree_par": equipe["referente"],
        "organisation": equipe["departement"],
    }
    valable = ActivationEspace.objects.create(empreinte="1", expire_le=maintenant + timedelta(days=1), **commun)
    ActivationEspace.objects.create(empreinte="2", expire_le=maintenant, **commun)
    ActivationEspace.objects.create(
        empreinte="3", expire_le=maintenant + timedelta(days=1), utilisee_le=maintenant, **commun
    )
    ActivationEspace.objects.create(
        empreinte="4", expire_le=maintenant + timedelta(days=1), annulee_le=maintenant, **commun
    )
    assert list(ActivationEspace.objects.en_attente(maintenant)) == [valable]
    assert not ActivationEspace.objects.en_attente(maintenant + timedelta(days=2)).exists()


def test_le_champ_de_connexion_en_erreur_est_relie_a_son_message(client):
    page = client.post(reverse("account_login"), {"login": "", "password": "x"}).content.decode()
    champ = re.search(r'<input class="fr-input[^>]*name="login"[^>]*>', page, re.S).group(0)
    assert 'aria-invalid="true"' in champ and 'aria-describedby="id_login_error"' in champ
    assert 'id="id_login_error"' in page
    champ = re.search(
        r'<input class="fr-input[^>]*name="login"[^>]*>', client.get(reverse("account_login")).content.decode(), re.S
    ).group(0)
    assert "aria-invalid" not in champ and "aria-describedby" not in champ
