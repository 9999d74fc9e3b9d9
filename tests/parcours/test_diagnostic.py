"""Le diagnostic partagé : commencé une fois, complété, validé, jamais écrasé, mis à jour par versions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.diagnostic import services
from parcours.models import Diagnostic, EvenementCarnet, Objectif
from tests.parcours.conftest import METIER_AIDE_SOIGNANT, diagnostic_valide, evaluations, remplir

pytestmark = pytest.mark.django_db
MOBILITE_SANS_TRANSPORT = "mobilite.aucun_moyen_de_transport_a_disposition"


def types_evenements(carnet):
    return list(carnet.evenements.order_by("date", "id").values_list("type", flat=True))


def test_commencer_ouvre_la_version_1_avec_tous_les_domaines_a_apprecier(equipe):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    assert (diagnostic.version, diagnostic.statut, diagnostic.precedent) == (1, "en_cours", None)
    assert diagnostic.organisation == equipe["departement"]
    assert diagnostic.evaluations.count() == 12
    assert not diagnostic.evaluations.exclude(appreciation="").exists()
    assert types_evenements(equipe["carnet"])[-1] == EvenementCarnet.Type.DIAGNOSTIC_COMMENCE


def test_un_seul_diagnostic_en_cours_par_carnet(equipe):
    services.commencer(equipe["carnet"], acteur=equipe["referente"])
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.commencer(equipe["carnet"], acteur=equipe["conseiller"])
    assert equipe["carnet"].diagnostics.count() == 1


def test_valider_fige_la_version_et_enregistre_le_parcours_suggere(equipe):
    diagnostic = diagnostic_valide(equipe["carnet"], equipe["referente"])
    assert diagnostic.statut == "valide" and diagnostic.valide_par == equipe["referente"]
    # Activité il y a moins de deux ans, un projet, aucune difficulté : parcours emploi.
    assert diagnostic.parcours_suggere == diagnostic.parcours_retenu == "emploi"
    assert types_evenements(equipe["carnet"])[-1] == EvenementCarnet.Type.DIAGNOSTIC_VALIDE


def test_une_version_validee_ne_se_modifie_jamais(equipe, client, connecter):
    diagnostic = diagnostic_valide(equipe["carnet"], equipe["referente"])
    with pytest.raises(ValidationError, match="il ne se modifie plus"):
        services.enregistrer(diagnostic, acteur=equipe["referente"], evaluations={}, langues="anglais")
    with pytest.raises(ValidationError, match="il ne se modifie plus"):
        services.ajouter_projet(
            diagnostic, acteur=equipe["referente"], appellation="J1501.aide_soignant_aide_soignante_en_geriatrie"
        )
    connecter(equipe["referente"])
    url = reverse("parcours:diagnostic_modifier", args=[equipe["carnet"].uuid, diagnostic.uuid])
    reponse = client.post(url, {"situation_actuelle": "emploi", "langues": "espagnol"}, follow=True)
    assert "il ne se modifie plus" in reponse.content.decode()
    diagnostic.refresh_from_db()
    assert diagnostic.situation_actuelle == "recherche_emploi" and diagnostic.langues == ""


def test_mettre_a_jour_cree_une_nouvelle_version_qui_reprend_tout(equipe):
    carnet, referente = equipe["carnet"], equipe["referente"]
    mobilite = {
        "appreciation": "besoin",
        "impact": "moyen",
        "situations": [MOBILITE_SANS_TRANSPORT],
        "paroles_personne": "Je voudrais passer le permis",
    }
    premiere = diagnostic_valide(carnet, referente, mobilite=mobilite)
    seconde = services.commencer(carnet, acteur=equipe["conseiller"])
    assert (seconde.version, seconde.precedent, seconde.statut) == (2, premiere, "en_cours")
    assert seconde.professionnel == equipe["conseiller"] and seconde.organisation == equipe["france_travail"]
    mobilite = seconde.evaluations.get(domaine="mobilite")
    assert (mobilite.appreciation, mobilite.impact, mobilite.paroles_personne) == (
        "besoin", "moyen", "Je voudrais passer le permis"
    )  # fmt: skip
    assert list(mobilite.situations.values_list("code", flat=True)) == [MOBILITE_SANS_TRANSPORT]
    assert list(seconde.projets.values_list("appellation", flat=True)) == [METIER_AIDE_SOIGNANT]
    assert seconde.niveau_formation == "NV5"
    # La version 1 reste telle quelle.
    premiere.refresh_from_db()
    assert premiere.statut == "valide" and premiere.evaluations.get(domaine="mobilite").impact == "moyen"
    assert types_evenements(carnet)[-1] == EvenementCarnet.Type.DIAGNOSTIC_NOUVELLE_VERSION


def test_un_partenaire_ouvrant_l_onglet_met_a_jour_plutot_que_de_recommencer(equipe, client, connecter):
    diagnostic_valide(equipe["carnet"], equipe["referente"])
    connecter(equipe["conseiller"])
    page = client.get(reverse("parcours:carnet", args=[equipe["carnet"].uuid]) + "?onglet=diagnostic").content.decode()
    assert "Mettre à jour (nouvelle version)" in page and "Commencer le diagnostic" not in page
    reponse = client.post(reverse("parcours:diagnostic_commencer", args=[equipe["carnet"].uuid]))
    seconde = equipe["carnet"].diagnostics.get(version=2)
    assert reponse.url == reverse("parcours:diagnostic_modifier", args=[equipe["carnet"].uuid, seconde.uuid])


@pytest.mark.parametrize(
    ("appel", "message"),
    [
        ({"appellation": "Z9999.metier_invente"}, "n'existe pas dans le ROME"),
        ({"appellation": METIER_AIDE_SOIGNANT, "salaire_horaire_minimum": Decimal("9.50")}, "inférieur au SMIC"),
    ],
)
def test_un_projet_invalide_est_refuse_sans_rien_ecrire(equipe, appel, message):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    avant = equipe["carnet"].evenements.count()
    with pytest.raises(ValidationError, match=message):
        services.ajouter_projet(diagnostic, acteur=equipe["referente"], **appel)
    assert not diagnostic.projets.exists() and equipe["carnet"].evenements.count() == avant


def test_au_plus_cinq_projets(equipe):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    codes = ["J1501.aide_soignant_aide_soignante", "J1501.aide_soignant_aide_soignante_en_geriatrie",
             "J1501.aide_soignant_aide_soignante_en_puericulture", "D1102.boulanger_boulangere",
             "D1102.aide_boulanger_aide_boulangere"]  # fmt: skip
    for code in codes:
        services.ajouter_projet(diagnostic, acteur=equipe["referente"], appellation=code)
    with pytest.raises(ValidationError, match="au plus 5 projets"):
        services.ajouter_projet(
            diagnostic, acteur=equipe["referente"], appellation="D1102.boulanger_traiteur_boulangere_traiteuse"
        )
    assert diagnostic.projets.count() == 5


def test_le_smic_en_vigueur_depend_de_la_date():
    from datetime import date

    from parcours.diagnostic.regles import smic_horaire

    assert smic_horaire(date(2025, 6, 1)) == Decimal("11.88")
    assert smic_horaire(date(2026, 11, 24)) == Decimal("12.02")


def test_la_page_refuse_un_metier_inconnu_avec_un_message_clair(equipe, client, connecter):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    connecter(equipe["referente"])
    url = reverse("parcours:diagnostic_modifier", args=[equipe["carnet"].uuid, diagnostic.uuid])
    donnees = {
        "situation_actuelle": "recherche_emploi",
        "niveau_formation": "NV4",
        "langues": "basque",
        "suite": "projet",
        "projet-appellation": "Z9999.metier_invente",
        "projet-temps": "indifferent",
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 400
    assert "Ce métier n&#x27;existe pas dans le ROME" in reponse.content.decode()
    assert not diagnostic.projets.exists()
    # Rien n'est écrit, et la page revient avec ce qui était saisi.
    assert 'value="basque"' in reponse.content.decode()
    diagnostic.refresh_from_db()
    assert diagnostic.langues == "" and not equipe["carnet"].evenements.filter(type="diagnostic_complete").exists()


def test_ajouter_puis_retirer_un_projet_garde_la_saisie(equipe, client, connecter):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    connecter(equipe["referente"])
    url = reverse("parcours:diagnostic_modifier", args=[equipe["carnet"].uuid, diagnostic.uuid])
    base = {
        "situation_actuelle": "recherche_emploi",
        "niveau_formation": "NV4",
        "logement-appreciation": "besoin",
        "logement-commentaire": "",
    }
    reponse = client.post(
        url, {**base, "suite": "projet", "projet-appellation": METIER_AIDE_SOIGNANT, "projet-temps": "temps_partiel"}
    )
    assert reponse.status_code == 302 and reponse.url.endswith("#projets")
    projet = diagnostic.projets.get()
    assert projet.temps == "temps_partiel"
    assert diagnostic.evaluations.get(domaine="logement").appreciation == "besoin"
    reponse = client.post(url, {**base, "suite": f"retirer:{projet.uuid}", "logement-appreciation": "point_fort"})
    assert not diagnostic.projets.exists()
    assert diagnostic.evaluations.get(domaine="logement").appreciation == "point_fort"
    reponse = client.post(url, {**base, "suite": "chercher", "metier": "maçon"})
    assert reponse.url.endswith("?metier=ma%C3%A7on#projets")
    assert "Maçon / Maçonne (F1703)" in client.get(reponse.url).content.decode()


def test_valider_avec_un_domaine_vide_liste_ce_qui_manque_et_n_ecrit_rien(equipe):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    valeurs = evaluations(mobilite={"appreciation": "besoin"})
    del valeurs["logement"]
    services.enregistrer(
        diagnostic, acteur=equipe["referente"], evaluations=valeurs, situation_actuelle="recherche_emploi",
        niveau_formation="NV4", projet_non_defini=True,
    )  # fmt: skip
    avant = equipe["carnet"].evenements.count()
    with pytest.raises(ValidationError) as erreur:
        services.valider(diagnostic, acteur=equipe["referente"])
    messages = " ".join(erreur.value.messages)
    assert "Appréciez chaque domaine" in messages and "Logement" in messages
    assert "impact sur la recherche d'emploi de chaque besoin : Mobilité" in messages
    diagnostic.refresh_from_db()
    assert diagnostic.statut == "en_cours" and equipe["carnet"].evenements.count() == avant


def test_ecarter_le_parcours_suggere_demande_un_motif(equipe):
    diagnostic = remplir(services.commencer(equipe["carnet"], acteur=equipe["referente"]), equipe["referente"])
    with pytest.raises(ValidationError, match="écrivez pourquoi"):
        services.valider(diagnostic, acteur=equipe["referente"], parcours_retenu="social")
    valide = services.valider(
        diagnostic,
        acteur=equipe["referente"],
        parcours_retenu="social",
        motif_parcours="Hébergement d'urgence en cours",
    )
    assert (valide.parcours_suggere, valide.parcours_retenu) == ("emploi", "social")
    assert valide.motif_parcours == "Hébergement d'urgence en cours"


def test_le_second_professionnel_est_un_intervenant_du_groupe(equipe):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    with pytest.raises(ValidationError, match="intervenant du groupe de suivi"):
        services.enregistrer(
            diagnostic, acteur=equipe["referente"], evaluations={}, second_professionnel=equipe["collegue_ft"]
        )
    services.enregistrer(
        diagnostic, acteur=equipe["referente"], evaluations={}, second_professionnel=equipe["conseiller"]
    )
    assert Diagnostic.objects.get(pk=diagnostic.pk).second_professionnel == equipe["conseiller"]


def test_seul_un_intervenant_mene_le_diagnostic(equipe):
    with pytest.raises(PermissionDenied):
        services.commencer(equipe["carnet"], acteur=equipe["collegue_ft"])
    assert not equipe["carnet"].diagnostics.exists()


def test_partager_avec_la_personne_apres_validation(equipe):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    with pytest.raises(ValidationError, match="Validez le diagnostic"):
        services.partager_avec_la_personne(diagnostic, acteur=equipe["referente"])
    diagnostic = diagnostic_valide(equipe["carnet"], equipe["conseiller"]) if False else None
    diagnostic = services.valider(
        remplir(Diagnostic.objects.get(carnet=equipe["carnet"]), equipe["referente"]), acteur=equipe["referente"]
    )
    services.partager_avec_la_personne(diagnostic, acteur=equipe["referente"])
    diagnostic.refresh_from_db()
    assert diagnostic.partage_personne_le is not None
    assert types_evenements(equipe["carnet"])[-1] == EvenementCarnet.Type.DIAGNOSTIC_PARTAGE


def test_chaque_etape_laisse_une_trace_dans_l_historique(equipe, client, connecter):
    diagnostic_valide(equipe["carnet"], equipe["referente"])
    services.commencer(equipe["carnet"], acteur=equipe["referente"])
    diagnostiques = [t for t in types_evenements(equipe["carnet"]) if t.startswith("diagnostic_")]
    assert diagnostiques[0] == "diagnostic_commence" and diagnostiques[-2:] == [
        "diagnostic_valide",
        "diagnostic_nouvelle_version",
    ]
    assert "diagnostic_complete" in diagnostiques
    connecter(equipe["referente"])
    page = client.get(reverse("parcours:carnet", args=[equipe["carnet"].uuid]) + "?onglet=historique").content.decode()
    assert "Diagnostic validé" in page and "version 1, parcours emploi (parcours professionnel)" in page
    assert "projet ajouté : Aide-soignant / Aide-soignante" in page


def test_un_diagnostic_de_plus_de_six_mois_est_a_reexaminer(equipe, client, connecter):
    diagnostic = diagnostic_valide(equipe["carnet"], equipe["referente"])
    assert not diagnostic.a_reexaminer
    Diagnostic.objects.filter(pk=diagnostic.pk).update(date_validation=timezone.now() - timedelta(days=184))
    diagnostic.refresh_from_db()
    assert diagnostic.a_reexaminer
    connecter(equipe["referente"])
    page = client.get(reverse("parcours:carnet", args=[equipe["carnet"].uuid]) + "?onglet=diagnostic").content.decode()
    assert "À réexaminer" in page


def test_accepter_un_objectif_suggere_l_ajoute_au_plan(equipe, client, connecter):
    carnet = equipe["carnet"]
    diagnostic = diagnostic_valide(
        carnet, equipe["referente"],
        mobilite={"appreciation": "besoin", "impact": "fort", "situations": [MOBILITE_SANS_TRANSPORT]},
    )  # fmt: skip
    connecter(equipe["referente"])
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid]) + "?onglet=diagnostic").content.decode()
    assert "Faire un point complet sur sa mobilité" in page
    url = reverse("parcours:diagnostic_objectif_accepter", args=[carnet.uuid, diagnostic.uuid])
    client.post(url, {"objectif": "mobilite.faire_un_point_complet_sur_sa_mobilite"})
    objectif = Objectif.objects.get(carnet=carnet)
    assert (
        objectif.referentiel_id == "mobilite.faire_un_point_complet_sur_sa_mobilite" and objectif.axe_id == "mobilite"
    )
    evenement = carnet.evenements.filter(type="objectif_ajoute").first()
    assert evenement.details["suggere_par_diagnostic"] is True
    # Ajouté, il n'est plus suggéré ; un objectif non suggéré est refusé.
    page = client.get(reverse("parcours:carnet", args=[carnet.uuid]) + "?onglet=diagnostic").content.decode()
    assert 'value="mobilite.faire_un_point_complet_sur_sa_mobilite"' not in page
    with pytest.raises(ValidationError, match="pas \\(ou plus\\) suggéré"):
        services.accepter_objectif(diagnostic, acteur=equipe["referente"], objectif="logement.acceder_a_un_logement")


def test_la_saisie_complete_par_la_page_puis_la_validation(equipe, client, connecter):
    carnet, referente = equipe["carnet"], equipe["referente"]
    diagnostic = services.commencer(carnet, acteur=referente)
    connecter(referente)
    url = reverse("parcours:diagnostic_modifier", args=[carnet.uuid, diagnostic.uuid])
    assert client.get(url).status_code == 200
    donnees = {
        "situation_actuelle": "emploi", "type_contrat": "cdd", "niveau_formation": "C3A", "langues": "français, arabe",
        "permis": ["B"], "projet_non_defini": "on", "second_professionnel": str(equipe["conseiller"].uuid),
        "suite": "valider",
    }  # fmt: skip
    for code in evaluations():
        donnees[f"{code}-appreciation"] = "point_fort"
        donnees[f"{code}-commentaire"] = ""  # le navigateur envoie toujours les zones de texte
    donnees["logement-appreciation"] = "besoin"
    donnees["logement-impact"] = "fort"
    donnees["logement-situations"] = ["logement.hebergement_collectif_de_type_chrs_chu_cph_cada"]
    donnees["logement-paroles_personne"] = "Je veux un appartement pour mes enfants"
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302 and reponse.url.endswith("/valider/")
    page = client.get(reponse.url).content.decode()
    assert "Parcours suggéré : Socio-professionnel" in page and "1 difficulté à impact fort" in page
    reponse = client.post(reponse.url, {"parcours_retenu": "socio_professionnel"})
    diagnostic.refresh_from_db()
    assert diagnostic.statut == "valide" and diagnostic.second_professionnel == equipe["conseiller"]
    assert diagnostic.permis == ["B"] and diagnostic.evaluations.get(domaine="logement").situations.count() == 1


def test_la_recherche_de_metiers_ignore_accents_et_casse(equipe, client, connecter):
    connecter(equipe["referente"])
    page = client.get(reverse("parcours:rome"), {"metier": "AIDE SOIGNANTE geriatrie"}).content.decode()
    assert "Aide-soignant / Aide-soignante en gériatrie (J1501)" in page
    assert "puériculture" not in page
    page = client.get(reverse("parcours:rome"), {"metier": "électricien bâtiment"}).content.decode()
    assert page.count('name="projet-appellation"') >= 1 and "F1602" in page
    assert "Aucun métier ne correspond" in client.get(reverse("parcours:rome"), {"metier": "zzzz"}).content.decode()


def test_retirer_un_projet_inconnu_donne_404_sans_rien_ecrire(equipe, client, connecter):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    connecter(equipe["referente"])
    url = reverse("parcours:diagnostic_modifier", args=[equipe["carnet"].uuid, diagnostic.uuid])
    base = {"situation_actuelle": "recherche_emploi", "niveau_formation": "NV4"}
    avant = equipe["carnet"].evenements.count()
    assert client.post(url, {**base, "suite": "retirer:pas-un-uuid"}).status_code == 404
    assert equipe["carnet"].evenements.count() == avant
    autre = diagnostic_valide(services_carnet_autre(equipe), equipe["referente"])
    projet_d_un_autre_carnet = autre.projets.get()
    avant = equipe["carnet"].evenements.count()
    assert client.post(url, {**base, "suite": f"retirer:{projet_d_un_autre_carnet.uuid}"}).status_code == 404
    assert autre.projets.exists() and equipe["carnet"].evenements.count() == avant
    diagnostic.refresh_from_db()
    assert diagnostic.situation_actuelle == ""


def services_carnet_autre(equipe):
    from datetime import date

    from parcours import services as carnet_services

    return carnet_services.ouvrir_carnet(
        acteur=equipe["referente"], organisation=equipe["departement"], nom="Ducos", prenom="Hugo",
        date_naissance=date(1979, 1, 9),
    )  # fmt: skip


def test_un_permis_inconnu_est_refuse(equipe):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    with pytest.raises(ValidationError, match="permis de conduire n'existe pas"):
        services.enregistrer(diagnostic, acteur=equipe["referente"], evaluations={}, permis=["B", "Z"])
    assert Diagnostic.objects.get(pk=diagnostic.pk).permis == []


def test_deux_saisies_simultanees_ne_s_ecrasent_pas(equipe):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    lue = diagnostic.revision
    services.enregistrer(diagnostic, acteur=equipe["conseiller"], evaluations={}, revision=lue, langues="basque")
    with pytest.raises(ValidationError, match="enregistré par quelqu'un d'autre"):
        services.enregistrer(diagnostic, acteur=equipe["referente"], evaluations={}, revision=lue, langues="occitan")
    assert Diagnostic.objects.get(pk=diagnostic.pk).langues == "basque"


def test_enregistrer_sans_rien_changer_n_ecrit_pas_dans_l_historique(equipe):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    services.enregistrer(diagnostic, acteur=equipe["referente"], evaluations=evaluations(), langues="basque")
    avant = equipe["carnet"].evenements.count()
    services.enregistrer(diagnostic, acteur=equipe["referente"], evaluations=evaluations(), langues="basque")
    assert equipe["carnet"].evenements.count() == avant


def test_un_domaine_absent_de_la_page_n_est_pas_touche(equipe, client, connecter):
    diagnostic = services.commencer(equipe["carnet"], acteur=equipe["referente"])
    services.enregistrer(
        diagnostic,
        acteur=equipe["referente"],
        evaluations={"sante": {"appreciation": "besoin", "commentaire": "Suivi"}},
    )
    connecter(equipe["referente"])
    url = reverse("parcours:diagnostic_modifier", args=[equipe["carnet"].uuid, diagnostic.uuid])
    donnees = {
        "situation_actuelle": "emploi",
        "niveau_formation": "NV4",
        "logement-appreciation": "besoin",
        "logement-commentaire": "",
        "revision": str(Diagnostic.objects.get(pk=diagnostic.pk).revision),
    }
    assert client.post(url, donnees).status_code == 302
    sante = diagnostic.evaluations.get(domaine="sante")
    assert (sante.appreciation, sante.commentaire) == ("besoin", "Suivi")
    assert diagnostic.evaluations.get(domaine="logement").appreciation == "besoin"


def test_seule_la_derniere_version_validee_suggere_des_objectifs(equipe):
    mobilite = {"appreciation": "besoin", "impact": "fort", "situations": [MOBILITE_SANS_TRANSPORT]}
    premiere = diagnostic_valide(equipe["carnet"], equipe["referente"], mobilite=mobilite)
    services.valider(services.commencer(equipe["carnet"], acteur=equipe["referente"]), acteur=equipe["referente"])
    with pytest.raises(ValidationError, match="dernière version validée"):
        services.accepter_objectif(
            premiere, acteur=equipe["referente"], objectif="mobilite.faire_un_point_complet_sur_sa_mobilite"
        )
    assert not Objectif.objects.filter(carnet=equipe["carnet"]).exists()


def test_une_recherche_de_metier_demesuree_reste_une_recherche(equipe, client, connecter):
    connecter(equipe["referente"])
    reponse = client.get(reverse("parcours:rome"), {"metier": " ".join(["aide"] * 3000)})
    assert reponse.status_code == 200
