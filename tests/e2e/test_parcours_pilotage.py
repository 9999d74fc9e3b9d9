"""Parcours du pilotage et des procédures (issue 9), dans un vrai navigateur :

- un manquement, du constat par la référente à la décision du délégataire du président, en passant par l'avis de
  l'équipe pluridisciplinaire (qui ne voit que le résumé partagé) ; la décision hors bornes est refusée en français ;
- une étude de situation soumise avec le consentement de la personne (un nom dans le texte est refusé), inscrite par
  le secrétaire à l'ordre du jour du comité technique sous pseudonyme ;
- le pilote lit les indicateurs du territoire (définitions, secret statistique), les besoins non couverts et
  télécharge le flux mensuel des orientations."""

import json
import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from parcours import services as parcours_services
from parcours.models import Manquement, SeanceEquipe
from partenaires.choix import Role, TypeOrganisation
from tests.e2e.outils import menu, se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.gouvernance import fabriques as fabriques_gouvernance
from tests.gouvernance import fabriques_indicateurs as f
from tests.gouvernance.test_etudes_decor import comite_technique
from tests.outils import activer_totp
from tests.parcours import equipes_fabriques


def _connecte(ouvrir, base, utilisateur, *, mobile=False):
    page = ouvrir(mobile=mobile)
    se_connecter(page, base, utilisateur.email, MOT_DE_PASSE, activer_totp(utilisateur))
    return page


def _jour(jours: int) -> str:
    return (timezone.localdate() + timedelta(days=jours)).isoformat()


def test_un_manquement_du_constat_a_la_decision_apres_l_avis_de_l_equipe(base, ouvrir, controler):
    departement = OrganisationFactory(
        nom="Département du Tarn-et-Garonne", departement="82", type=TypeOrganisation.DEPARTEMENT
    )
    ccas = OrganisationFactory(nom="CCAS de Moissac", departement="82", type=TypeOrganisation.CCAS_COMMUNE_EPCI)
    charge = membre(departement, Role.CHARGE_ORIENTATION, prenom="Chloé", nom="Delégataire").utilisateur
    referente = membre(ccas, prenom="Rose", nom="Référente").utilisateur
    carnet = parcours_services.ouvrir_carnet(
        acteur=referente,
        organisation=ccas,
        nom="Castex",
        prenom="Noémie",
        date_naissance=timezone.localdate().replace(year=1986),
    )
    ep = equipes_fabriques.equipe_pluridisciplinaire(departement, charge, nom="EP du Pays de Serres")
    seance = equipes_fabriques.seance_equipe(ep, charge, dans_jours=7, lieu="Hôtel du Département, Montauban")

    # La référente constate le manquement depuis l'onglet « Procédures » du carnet.
    page = _connecte(ouvrir, base, referente)
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=procedures")
    controler(page, "carnet-procedures")
    page.get_by_role("link", name="Constater un manquement").click()
    page.get_by_label("Nature du manquement").select_option("non_respect_contrat")
    page.get_by_label("Faits constatés").fill("Trois rendez-vous de suivi manqués sans nouvelles, en octobre.")
    page.get_by_label("Date des faits").fill(_jour(-20))
    page.get_by_role("button", name="Constater le manquement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Non-respect des obligations du contrat d'engagement")

    # Aucun motif légitime ; l'avis part aujourd'hui par courrier : dix jours d'observations s'ouvrent.
    page.get_by_text("Non : aucun motif légitime", exact=True).click()
    page.get_by_label("Ce qui a été examiné").fill("Pas d'hospitalisation ni de problème de garde signalé.")
    page.get_by_label("Examiné le").fill(_jour(-1))
    page.get_by_role("button", name="Enregistrer l'examen").click()
    page.get_by_label("Avis envoyé le").fill(_jour(0))
    page.get_by_text("Courrier postal", exact=True).click()
    page.get_by_role("button", name="Enregistrer l'envoi").click()
    expect(page.get_by_text(re.compile("Avis envoyé")).first).to_be_visible()
    controler(page, "manquement-avis-envoye")

    # Elle présente le dossier à l'équipe pluridisciplinaire, avec le seul résumé qu'elle choisit de partager.
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=procedures")
    page.get_by_role("link", name="Présenter en équipe pluridisciplinaire").click()
    page.get_by_label("Séance").select_option(str(seance.uuid))
    page.get_by_text("Manquement présumé", exact=True).click()
    page.get_by_label("Manquement présenté").select_option(index=1)
    page.get_by_label("Résumé partagé avec l'équipe").fill("Rendez-vous manqués depuis septembre ; aucun motif.")
    controler(page, "equipe-inscrire")
    page.get_by_role("button", name=re.compile("Présenter|Inscrire")).click()
    expect(page.get_by_text(re.compile("présenté|inscrit", re.IGNORECASE)).first).to_be_visible()

    # Douze jours plus tard (le temps passe en base) : les observations sont closes, la séance se tient ; l'équipe lit
    # le résumé (jamais le carnet) et rend son avis.
    Manquement.objects.filter(carnet=carnet).update(
        avis_envoye_le=timezone.localdate() - timedelta(days=12),
        fin_observations=timezone.localdate() - timedelta(days=2),
    )
    SeanceEquipe.objects.filter(pk=seance.pk).update(date_heure=timezone.now() - timedelta(hours=1))
    delegataire = _connecte(ouvrir, base, charge)
    menu(delegataire, "Équipes pluridisciplinaires").click()
    controler(delegataire, "equipes")
    delegataire.get_by_role("link", name="EP du Pays de Serres").click()
    delegataire.get_by_role("link", name=re.compile(r"\d{4} à \d{2}:\d{2}")).first.click()
    expect(delegataire.get_by_text("Rendez-vous manqués depuis septembre ; aucun motif.")).to_be_visible()
    expect(delegataire.locator(f"a[href*='{carnet.uuid}']")).to_have_count(0)
    controler(delegataire, "equipe-seance")
    delegataire.get_by_role("link", name=re.compile("avis", re.IGNORECASE)).first.click()
    delegataire.get_by_text("Avis favorable", exact=True).click()
    delegataire.get_by_label("Motif de l'avis").fill("Manquement établi, aucune difficulté exprimée.")
    delegataire.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(delegataire.get_by_text("Avis favorable").first).to_be_visible()

    # Le délégataire du président décide : 60 % pour un foyer de trois personnes est refusé, 50 % est accepté.
    menu(delegataire, "Manquements à décider").click()
    controler(delegataire, "manquements-a-decider")
    delegataire.get_by_role("link", name=re.compile("CASTEX Noémie|Noémie CASTEX|Castex", re.IGNORECASE)).first.click()
    delegataire.get_by_text("Suspension du RSA", exact=True).click()
    delegataire.get_by_label("Taux de suspension (%)").fill("60")
    delegataire.get_by_label("Durée de la suspension (mois)").fill("2")
    delegataire.get_by_label("Personnes au foyer").fill("3")
    delegataire.get_by_label("Motif de la décision").fill("Manquement établi après avis favorable de l'équipe.")
    delegataire.get_by_label("Décidé le").fill(_jour(0))
    delegataire.get_by_role("button", name="Enregistrer la décision").click()
    expect(delegataire.get_by_text(re.compile("plafonnée à 50 %")).first).to_be_visible()
    controler(delegataire, "manquement-decision-refusee")
    delegataire.get_by_label("Taux de suspension (%)").fill("50")
    delegataire.get_by_role("button", name="Enregistrer la décision").click()
    expect(delegataire.get_by_text(re.compile("50 %")).first).to_be_visible()
    controler(delegataire, "manquement-decide")

    # La référente, sur son téléphone, retrouve la décision dans l'historique du carnet.
    mobile = ouvrir(mobile=True)
    mobile.context.add_cookies(page.context.cookies())
    mobile.goto(f"{base}/carnets/{carnet.uuid}/?onglet=historique")
    historique = mobile.locator("ol.spie-historique")
    expect(historique.get_by_text("Décision sur un manquement").first).to_be_visible()
    expect(historique.get_by_text("Avis de l'équipe pluridisciplinaire").first).to_be_visible()
    controler(mobile, "historique-mobile")


def test_une_etude_de_situation_sous_pseudonyme(base, ouvrir, controler):
    equipe = fabriques_gouvernance.equipe_comite(departement="32")
    technique = comite_technique(equipe, nom="Comité technique mobilité du Gers")
    seance = fabriques_gouvernance.seance(technique, cree_par=equipe.secretaire, dans_jours=12)
    referente = membre(equipe.caf, prenom="Rita", nom="Référente").utilisateur
    carnet = parcours_services.ouvrir_carnet(
        acteur=referente,
        organisation=equipe.caf,
        nom="Durand",
        prenom="Alexandra",
        date_naissance=timezone.localdate().replace(year=1988),
    )

    page = _connecte(ouvrir, base, referente)
    page.goto(f"{base}/carnets/{carnet.uuid}/?onglet=procedures")
    page.get_by_role("link", name="Soumettre à un comité technique").click()
    page.get_by_label("Comité technique").select_option(index=1)
    page.get_by_text("Accord écrit de la personne", exact=True).click()
    page.get_by_label("Accord recueilli le").fill(_jour(-1))
    page.get_by_label("Situation présentée").fill("Alexandra, mère isolée, sans permis, à 25 km de l'emploi.")
    page.get_by_label("Question posée au comité").fill("Quel financement pour le permis B ?")
    page.get_by_role("button", name="Soumettre au comité").click()
    expect(page.get_by_text(re.compile("nom ou le prénom|nom ni prénom|prénom", re.IGNORECASE)).first).to_be_visible()
    controler(page, "etude-nom-refuse")
    page.get_by_label("Situation présentée").fill("Mère isolée, sans permis, à 25 km de l'emploi proposé.")
    page.get_by_role("button", name="Soumettre au comité").click()
    expect(page.get_by_text("Situation A. D. n° 1").first).to_be_visible()
    controler(page, "etudes-du-carnet")

    # Le secrétaire ne connaît que le pseudonyme ; il inscrit l'étude à l'ordre du jour de la séance.
    secretaire = _connecte(ouvrir, base, equipe.secretaire)
    secretaire.goto(f"{base}/gouvernance/comites/{technique.uuid}/")
    secretaire.get_by_role("link", name="Études de situations").click()
    expect(secretaire.get_by_text("Durand")).to_have_count(0)
    controler(secretaire, "etudes-du-comite")
    secretaire.get_by_role("link", name=re.compile("Situation A. D. n° 1")).click()
    expect(secretaire.get_by_text("Alexandra")).to_have_count(0)
    secretaire.get_by_role("link", name="Inscrire à l'ordre du jour").click()
    secretaire.get_by_label("Séance").select_option(index=1)
    secretaire.get_by_role("button", name="Inscrire").click()
    secretaire.goto(f"{base}/gouvernance/seances/{seance.uuid}/")
    expect(secretaire.get_by_text("Étude de situation — Situation A. D. n° 1").first).to_be_visible()
    expect(secretaire.get_by_text("Durand")).to_have_count(0)
    controler(secretaire, "seance-avec-etude")


def test_le_pilote_lit_les_indicateurs_les_besoins_et_le_flux(base, ouvrir, controler, tmp_path):
    departement = OrganisationFactory(
        nom="Département des Hautes-Pyrénées", departement="65", type=TypeOrganisation.DEPARTEMENT
    )
    pilote = membre(departement, Role.PILOTE, prenom="Paul", nom="Pilote").utilisateur
    referente = membre(departement, prenom="Anne", nom="Référente").utilisateur
    debut_trimestre = _dernier_trimestre_debut()
    # Huit personnes accompagnées dans le trimestre, dont trois au RSA (chiffre secret).
    carnets = [f.carnet(departement, referente, ouvert_le=debut_trimestre - timedelta(days=10)) for _ in range(8)]
    for carnet in carnets[:3]:
        f.statut(carnet, "droit_rsa", "ouvert_versable", debut_trimestre - timedelta(days=30), referente)

    page = _connecte(ouvrir, base, pilote)
    menu(page, "Pilotage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicateurs du territoire")
    expect(
        page.get_by_text(re.compile("Définition : Personnes dont le carnet de bord est ouvert")).first
    ).to_be_visible()
    expect(page.get_by_text("secret").first).to_be_visible()
    controler(page, "indicateurs")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Télécharger \\(CSV")).click()
    chemin = tmp_path / "indicateurs.csv"
    telechargement.value.save_as(chemin)
    assert "Personnes accompagnées" in chemin.read_text(encoding="utf-8-sig")

    page.goto(f"{base}/gouvernance/pilotage/besoins-non-couverts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Besoins non couverts")
    controler(page, "besoins-non-couverts")

    page.goto(f"{base}/gouvernance/pilotage/flux-orientations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Flux des orientations")
    controler(page, "flux-orientations")
    page.get_by_label("Format", exact=True).select_option("json")
    page.get_by_role("button", name="Afficher").click()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger le flux").click()
    chemin = tmp_path / "flux.json"
    telechargement.value.save_as(chemin)
    flux = json.loads(chemin.read_text(encoding="utf-8-sig"))
    assert flux["departement"] == "65" and "lignes" in flux


def _dernier_trimestre_debut():
    from gouvernance.indicateurs.population import dernier_trimestre_complet

    return dernier_trimestre_complet(timezone.localdate()).debut
