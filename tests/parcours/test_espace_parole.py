"""La parole de la personne depuis son espace : chaque souhait, besoin, commentaire, avis ou accord écrit une ligne
et un événement que le groupe de suivi lit dans l'historique ; un message vide n'écrit rien ; la personne n'agit que
sur son propre carnet."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours import services
from parcours.diagnostic import services as diagnostic_services
from parcours.espace import carnet_views, parole
from parcours.models import ContratEngagement, EspacePersonne, EvenementCarnet, ExpressionPersonne
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.espace_fabriques import ouvrir_espace

Type = EvenementCarnet.Type


@pytest.fixture
def espace(equipe):
    return {**equipe, "compte": ouvrir_espace(equipe["carnet"])}


@pytest.fixture
def chez_soi(espace, connecter):
    return connecter(espace["compte"])


def evenements(carnet, type_evenement):
    return list(EvenementCarnet.objects.filter(carnet=carnet, type=type_evenement))


def historique_vu_par(client, connecter, professionnel, carnet) -> str:
    connecter(professionnel)
    return client.get(reverse("parcours:carnet", args=[carnet.uuid]), {"onglet": "historique"}).content.decode()


# --- Souhaits et besoins ------------------------------------------------------------------------------------------


def test_un_souhait_ecrit_la_parole_et_un_evenement_que_le_referent_lit(espace, chez_soi, client, connecter):
    carnet = espace["carnet"]

    reponse = chez_soi.post(
        reverse("parcours:espace_exprimer"), {"type": "souhait", "texte": "Travailler dans la boulangerie"}
    )

    assert reponse.status_code == 302
    expression = ExpressionPersonne.objects.get(carnet=carnet)
    assert (expression.type, expression.texte, expression.auteur) == (
        "souhait",
        "Travailler dans la boulangerie",
        espace["compte"],
    )
    (evenement,) = evenements(carnet, Type.PERSONNE_EXPRESSION)
    assert evenement.acteur == espace["compte"] and evenement.organisation is None
    assert evenement.resume == "Souhait : Travailler dans la boulangerie"
    page = chez_soi.get(reverse("parcours:espace_exprimer")).content.decode()
    assert "Travailler dans la boulangerie" in page
    assert "Souhait : Travailler dans la boulangerie" in historique_vu_par(
        client, connecter, espace["referente"], carnet
    )


def test_un_besoin_long_est_resume_sur_une_ligne_dans_l_historique(espace, chez_soi):
    texte = "Une solution de garde\npour mes enfants " + "le matin " * 40

    chez_soi.post(reverse("parcours:espace_exprimer"), {"type": "besoin", "texte": texte})

    (evenement,) = evenements(espace["carnet"], Type.PERSONNE_EXPRESSION)
    assert evenement.resume.startswith("Besoin : Une solution de garde pour mes enfants le matin")
    assert len(evenement.resume) <= parole.RESUME_MAX and "\n" not in evenement.resume
    assert ExpressionPersonne.objects.get().texte == texte.strip()


@pytest.mark.parametrize(
    ("donnees", "erreur"),
    [
        ({"type": "souhait", "texte": "   "}, "Écrivez votre message."),
        ({"type": "souhait", "texte": "x" * (parole.TEXTE_MAX + 1)}, "trop long"),
        ({"type": "commentaire_objectif", "texte": "Bonjour"}, "Choisissez"),
    ],
)
def test_un_message_vide_trop_long_ou_mal_type_n_ecrit_rien(espace, chez_soi, donnees, erreur):
    reponse = chez_soi.post(reverse("parcours:espace_exprimer"), donnees)

    assert reponse.status_code == 400
    assert erreur in reponse.content.decode()
    assert not ExpressionPersonne.objects.exists()
    assert not evenements(espace["carnet"], Type.PERSONNE_EXPRESSION)


def test_le_service_refuse_qui_n_est_pas_la_personne_du_carnet(espace, connecter):
    autre = ouvrir_espace(
        services.ouvrir_carnet(
            acteur=espace["referente"],
            organisation=espace["departement"],
            nom="Petit",
            prenom="Sam",
            date_naissance=date(1990, 7, 14),
        )
    )
    for acteur in (espace["referente"], autre):
        with pytest.raises(PermissionDenied):
            parole.exprimer(espace["carnet"], acteur=acteur, type="souhait", texte="Au nom d'un autre")
    assert not ExpressionPersonne.objects.exists()


def test_un_espace_ferme_ne_parle_plus(espace):
    EspacePersonne.objects.filter(compte=espace["compte"]).update(ferme_le=timezone.now())

    with pytest.raises(PermissionDenied):
        parole.exprimer(espace["carnet"], acteur=espace["compte"], type="souhait", texte="Encore moi")


# --- Commentaires d'objectif --------------------------------------------------------------------------------------


@pytest.fixture
def objectif(espace):
    return services.ajouter_objectif(
        espace["carnet"], acteur=espace["referente"], axe="mobilite", libelle_libre="Passer le permis B"
    )


def test_commenter_un_objectif_ecrit_la_parole_et_l_evenement(espace, chez_soi, objectif):
    url = reverse("parcours:espace_objectif_commenter", args=[objectif.uuid])

    reponse = chez_soi.post(url, {f"commentaire-{objectif.uuid}-texte": "Je préfère la conduite accompagnée"})

    assert reponse.status_code == 302 and reponse.url == reverse("parcours:espace_plan")
    expression = ExpressionPersonne.objects.get()
    assert (expression.type, expression.objectif) == ("commentaire_objectif", objectif)
    (evenement,) = evenements(espace["carnet"], Type.PERSONNE_EXPRESSION)
    assert evenement.resume == (
        "Commentaire sur l'objectif « Passer le permis B » : Je préfère la conduite accompagnée"
    )


def test_un_commentaire_vide_reaffiche_le_plan_avec_l_erreur_et_n_ecrit_rien(espace, chez_soi, objectif):
    url = reverse("parcours:espace_objectif_commenter", args=[objectif.uuid])

    reponse = chez_soi.post(url, {f"commentaire-{objectif.uuid}-texte": ""})

    assert reponse.status_code == 400
    assert "Écrivez votre commentaire." in reponse.content.decode()
    assert not ExpressionPersonne.objects.exists()
    assert not evenements(espace["carnet"], Type.PERSONNE_EXPRESSION)


def test_l_objectif_d_une_autre_personne_repond_404(espace, objectif, client, connecter):
    autre_carnet = services.ouvrir_carnet(
        acteur=espace["referente"],
        organisation=espace["departement"],
        nom="Petit",
        prenom="Sam",
        date_naissance=date(1990, 7, 14),
    )
    connecter(ouvrir_espace(autre_carnet, email="sam.petit@exemple.fr"))
    url = reverse("parcours:espace_objectif_commenter", args=[objectif.uuid])

    reponse = client.post(url, {f"commentaire-{objectif.uuid}-texte": "Intrusion"})

    assert reponse.status_code == 404
    assert not ExpressionPersonne.objects.exists()


def test_chaque_champ_de_commentaire_porte_le_nom_de_son_objectif(espace, chez_soi, objectif):
    html = chez_soi.get(reverse("parcours:espace_plan")).content.decode()
    assert "Votre commentaire sur « Passer le permis B »" in html


def test_une_erreur_generale_sur_un_commentaire_ne_casse_pas_l_ordre_des_titres(
    espace, chez_soi, objectif, monkeypatch
):
    def refuser(*args, **kwargs):
        raise ValidationError("ERREUR-GENERALE-DU-SERVICE")

    monkeypatch.setattr(carnet_views.parole, "commenter_objectif", refuser)
    url = reverse("parcours:espace_objectif_commenter", args=[objectif.uuid])

    reponse = chez_soi.post(url, {f"commentaire-{objectif.uuid}-texte": "Un mot"})

    assert reponse.status_code == 400
    html = reponse.content.decode()
    assert "<p>ERREUR-GENERALE-DU-SERVICE</p>" in html
    # Sous le h3 de l'objectif, pas de h2 « Le formulaire contient des erreurs » (le rendu commun).
    article = html[html.index(f'id="objectif-{objectif.uuid}"') : html.index("</article>")]
    assert "<h2" not in article and "ERREUR-GENERALE-DU-SERVICE" in article


def test_commenter_se_fait_en_post_seulement(chez_soi, objectif):
    url = reverse("parcours:espace_objectif_commenter", args=[objectif.uuid])
    assert chez_soi.get(url).status_code == 405


# --- Avis sur le diagnostic ---------------------------------------------------------------------------------------


@pytest.fixture
def diagnostic(espace):
    diagnostic = diagnostic_valide(espace["carnet"], espace["referente"])
    return diagnostic_services.partager_avec_la_personne(diagnostic, acteur=espace["referente"])


def test_confirmer_son_diagnostic(espace, chez_soi, diagnostic):
    reponse = chez_soi.post(
        reverse("parcours:espace_diagnostic_avis"), {"diagnostic": str(diagnostic.uuid), "avis": "confirme"}
    )

    assert reponse.status_code == 302
    expression = ExpressionPersonne.objects.get()
    assert (expression.type, expression.diagnostic, expression.confirme) == ("avis_diagnostic", diagnostic, True)
    (evenement,) = evenements(espace["carnet"], Type.PERSONNE_EXPRESSION)
    assert evenement.resume == "Diagnostic (version 1) : confirmé"
    assert "Vous avez confirmé ce diagnostic." in chez_soi.get(reverse("parcours:espace_diagnostic")).content.decode()


def test_ne_pas_etre_d_accord_demande_un_mot(espace, chez_soi, diagnostic):
    url = reverse("parcours:espace_diagnostic_avis")

    reponse = chez_soi.post(url, {"diagnostic": str(diagnostic.uuid), "avis": "desaccord", "texte": " "})

    assert reponse.status_code == 400
    assert "Dites ce qui ne vous convient pas" in reponse.content.decode()
    assert not ExpressionPersonne.objects.exists()

    chez_soi.post(url, {"diagnostic": str(diagnostic.uuid), "avis": "desaccord", "texte": "Je sais conduire"})

    expression = ExpressionPersonne.objects.get()
    assert (expression.confirme, expression.texte) == (False, "Je sais conduire")
    (evenement,) = evenements(espace["carnet"], Type.PERSONNE_EXPRESSION)
    assert evenement.resume == "Diagnostic (version 1) : la personne n'est pas d'accord – Je sais conduire"


def test_un_diagnostic_non_partage_ou_d_un_autre_carnet_repond_404(espace, chez_soi):
    pas_partage = diagnostic_valide(espace["carnet"], espace["referente"])
    autre_carnet = services.ouvrir_carnet(
        acteur=espace["referente"],
        organisation=espace["departement"],
        nom="Petit",
        prenom="Sam",
        date_naissance=date(1990, 7, 14),
    )
    d_un_autre = diagnostic_services.partager_avec_la_personne(
        diagnostic_valide(autre_carnet, espace["referente"]), acteur=espace["referente"]
    )
    url = reverse("parcours:espace_diagnostic_avis")
    for uuid in (str(pas_partage.uuid), str(d_un_autre.uuid), "pas-un-uuid"):
        assert chez_soi.post(url, {"diagnostic": uuid, "avis": "confirme"}).status_code == 404
    assert not ExpressionPersonne.objects.exists()


def test_le_service_refuse_un_avis_sur_une_version_depassee(espace, diagnostic):
    seconde = diagnostic_services.commencer(espace["carnet"], acteur=espace["referente"])
    diagnostic_services.valider(seconde, acteur=espace["referente"])
    # Validée mais pas encore partagée : l'avis sur la première reste possible.
    assert parole.est_le_dernier_partage(diagnostic)
    diagnostic_services.partager_avec_la_personne(seconde, acteur=espace["referente"])

    with pytest.raises(ValidationError) as erreur:
        parole.donner_avis_diagnostic(diagnostic, acteur=espace["compte"], confirme=True)

    assert erreur.value.code == "diagnostic_perime"
    assert not ExpressionPersonne.objects.exists()
    assert not evenements(espace["carnet"], Type.PERSONNE_EXPRESSION)
    seconde.refresh_from_db()
    parole.donner_avis_diagnostic(seconde, acteur=espace["compte"], confirme=True)
    assert ExpressionPersonne.objects.get().diagnostic == seconde


def test_un_avis_sur_une_version_depassee_renvoie_relire_le_diagnostic(espace, chez_soi, diagnostic):
    seconde = diagnostic_services.commencer(espace["carnet"], acteur=espace["referente"])
    diagnostic_services.valider(seconde, acteur=espace["referente"])
    diagnostic_services.partager_avec_la_personne(seconde, acteur=espace["referente"])

    reponse = chez_soi.post(
        reverse("parcours:espace_diagnostic_avis"),
        {"diagnostic": str(diagnostic.uuid), "avis": "confirme"},
        follow=True,
    )

    assert "mis à jour entre-temps" in reponse.content.decode()
    assert not ExpressionPersonne.objects.exists()


# --- Accord sur le plan -------------------------------------------------------------------------------------------


def contrat_en_cours(espace, **champs):
    return services.enregistrer_contrat(
        espace["carnet"],
        acteur=espace["referente"],
        date_debut=timezone.localdate() - timedelta(days=7),
        signataires="Inès Lalanne et sa référente",
        heures_hebdomadaires=15,
        **champs,
    )


def test_l_accord_est_enregistre_une_fois_sur_le_contrat_en_cours(espace, chez_soi, client, connecter):
    ancien = services.enregistrer_contrat(
        espace["carnet"],
        acteur=espace["referente"],
        date_debut=date(2024, 1, 1),
        date_fin=date(2024, 12, 31),
        signataires="Inès Lalanne",
        heures_hebdomadaires=15,
    )
    contrat = contrat_en_cours(espace)
    url = reverse("parcours:espace_accord")

    premiere = chez_soi.post(url)
    seconde = chez_soi.post(url)

    assert premiere.status_code == seconde.status_code == 302
    contrat.refresh_from_db()
    ancien.refresh_from_db()
    assert contrat.accord_personne_le == timezone.localdate()
    assert ancien.accord_personne_le is None
    (evenement,) = evenements(espace["carnet"], Type.CONTRAT_ACCEPTE)
    assert evenement.acteur == espace["compte"] and evenement.details["par_la_personne"] is True
    assert "accord donné par la personne depuis son espace" in historique_vu_par(
        client, connecter, espace["referente"], espace["carnet"]
    )


def test_l_accord_deja_donne_n_est_pas_redate(espace, chez_soi):
    contrat = contrat_en_cours(espace)
    services.enregistrer_accord(contrat, acteur=espace["referente"], date_accord=contrat.date_debut)

    chez_soi.post(reverse("parcours:espace_accord"))

    contrat.refresh_from_db()
    assert contrat.accord_personne_le == contrat.date_debut
    assert len(evenements(espace["carnet"], Type.CONTRAT_ACCEPTE)) == 1  # celui du professionnel


def test_sans_contrat_l_accord_le_dit_et_n_ecrit_rien(espace, chez_soi):
    reponse = chez_soi.post(reverse("parcours:espace_accord"), follow=True)

    assert "Vous n&#x27;avez pas encore de contrat d&#x27;engagement" in reponse.content.decode()
    assert not evenements(espace["carnet"], Type.CONTRAT_ACCEPTE)
    assert not ContratEngagement.objects.exists()


def test_l_accord_se_donne_en_post_seulement(chez_soi):
    assert chez_soi.get(reverse("parcours:espace_accord")).status_code == 405
