"""Parcours de l'espace personnel (issue 10), dans un vrai navigateur, la personne sur un téléphone :

- la référente remet un code imprimé ; la personne active son espace (code saisi en minuscules, avec des espaces),
  lit son carnet, commente un objectif, donne son accord sur son plan, confirme son diagnostic, dit un souhait,
  donne puis retire un accord de partage, s'oppose au traitement de ses données et voit qui a consulté son carnet ;
  le texte agrandi à 200 % ne fait pas défiler la page en largeur ; le clavier suit l'ordre des champs ;
- la référente lit ces événements dans l'historique, répond à l'opposition ; la personne lit la réponse ; une autre
  URL (professionnelle, ou l'objectif d'une autre personne) donne la page 404 ;
- la personne télécharge son carnet en PDF et toutes ses données (JSON), produits par le worker Celery, puis donne
  son avis sur une orientation terminée ;
- une personne qui a une adresse e-mail active son espace par le lien reçu, puis se connecte avec un code reçu par
  e-mail, sans second facteur."""

import json
import re
import time
from datetime import date, timedelta
from urllib.parse import urljoin

from django.utils import timezone
from playwright.sync_api import expect

from parcours import services
from parcours.diagnostic import services as diagnostic_services
from parcours.models import DemandeOpposition, OrientationService, TransitionOrientationService
from partenaires.choix import Role, TypeOrganisation
from tests.e2e.outils import se_connecter
from tests.factories import MOT_DE_PASSE, OrganisationFactory, membre
from tests.offre import fabriques as offre
from tests.outils import activer_totp
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.espace_fabriques import ouvrir_espace

MOT_DE_PASSE_PERSONNE = "mon-parcours-a-dax-2026"


def _decor(suffixe: str, *, prenom="Noémie", nom="Castex"):
    """Un Département, une association du même département (hors du groupe de suivi), une référente et le carnet
    d'une personne sans adresse e-mail : un objectif, un contrat, un rendez-vous à venir, un diagnostic partagé."""
    departement = OrganisationFactory(nom=f"Département {suffixe}", departement="40")
    association = OrganisationFactory(
        nom=f"Association Escale {suffixe}", departement="40", type=TypeOrganisation.ASSOCIATION
    )
    referente = membre(departement, Role.PROFESSIONNEL, prenom="Claire", nom="Duprat").utilisateur
    carnet = services.ouvrir_carnet(
        acteur=referente,
        organisation=departement,
        nom=nom,
        prenom=prenom,
        date_naissance=date(1990, 4, 2),
        commune="Dax",
        code_postal="40100",
        code_commune="40088",
    )
    objectif = services.ajouter_objectif(
        carnet, acteur=referente, axe="emploi", libelle_libre="Trouver un emploi d'auxiliaire de puériculture"
    )
    services.enregistrer_contrat(
        carnet, acteur=referente, date_debut=timezone.localdate(), signataires=f"{prenom} {nom}, Claire Duprat"
    )
    services.prevoir_rendez_vous(
        carnet,
        acteur=referente,
        intervenant=referente,
        date_heure=(timezone.localtime() + timedelta(days=3)).replace(hour=10, minute=0),
        objet="Point sur les candidatures",
        lieu="Maison des solidarités, Dax",
    )
    diagnostic = diagnostic_valide(carnet, referente)
    diagnostic_services.partager_avec_la_personne(diagnostic, acteur=referente)
    return {
        "departement": departement,
        "association": association,
        "referente": referente,
        "carnet": carnet,
        "objectif": objectif,
    }


def _pas_de_defilement_horizontal(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def _texte_a_200(page, controler, nom):
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert _pas_de_defilement_horizontal(page), f"{nom} : la page défile en largeur avec le texte à 200 %"
    controler(page, nom)
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")


def _contour_visible(page) -> bool:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                || (style.boxShadow && style.boxShadow !== 'none');
        }"""
    )


def _nom_du_champ_actif(page) -> str:
    return page.evaluate("() => document.activeElement.name || document.activeElement.textContent.trim()")


def test_la_personne_active_son_espace_par_code_lit_son_carnet_parle_et_choisit_ses_partages(base, ouvrir, controler):
    decor = _decor("des Landes (espace)")
    carnet, referente = decor["carnet"], decor["referente"]
    autre = services.ouvrir_carnet(
        acteur=referente, organisation=decor["departement"], nom="Autre", prenom="Paul", date_naissance=date(1980, 1, 1)
    )
    objectif_d_un_autre = services.ajouter_objectif(carnet=autre, acteur=referente, axe="emploi", libelle_libre="X")

    # 1. La référente remet un code imprimé depuis le carnet.
    pro = ouvrir()
    se_connecter(pro, base, referente.email, MOT_DE_PASSE, activer_totp(referente))
    pro.goto(f"{base}/carnets/{carnet.uuid}/?onglet=groupe")
    pro.get_by_role("link", name="Gérer l'espace personnel").click()
    expect(pro.get_by_role("heading", level=1)).to_contain_text("Espace personnel de Noémie")
    controler(pro, "gerer-espace")
    pro.get_by_role("button", name="Remettre un code imprimé").click()
    expect(pro.get_by_role("heading", level=1)).to_have_text("Activer votre espace personnel")
    controler(pro, "feuille-code")
    identifiant, code = (pro.locator(".code").nth(rang).inner_text().strip() for rang in (0, 1))
    assert re.fullmatch(r"noemie\.castex\d{4}", identifiant)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)

    # 4. Le clavier : les champs puis le bouton, dans l'ordre, avec un contour visible.
    page = ouvrir(mobile=True)
    page.goto(f"{base}/mon-espace/activer/")
    controler(page, "activer")
    page.get_by_label("Votre identifiant").focus()
    ordre = [_nom_du_champ_actif(page)]
    for _ in range(3):
        page.keyboard.press("Tab")
        ordre.append(_nom_du_champ_actif(page))
        assert _contour_visible(page), f"pas de contour visible sur {ordre[-1]}"
    assert ordre == ["identifiant", "code", "password1", "password2"]
    page.keyboard.press("Tab")
    assert _nom_du_champ_actif(page) == "Activer mon espace" and _contour_visible(page)

    # 2. La personne active son espace : code en minuscules, avec des espaces.
    page.get_by_label("Votre identifiant").fill(identifiant.upper())
    page.get_by_label("Votre code d'activation").fill(code.lower().replace("-", " "))
    page.get_by_label("Choisissez votre mot de passe").fill(MOT_DE_PASSE_PERSONNE)
    page.get_by_label("Écrivez-le une deuxième fois").fill(MOT_DE_PASSE_PERSONNE)
    page.get_by_role("button", name="Activer mon espace").click()
    expect(page).to_have_url(f"{base}/mon-espace/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Noémie")
    expect(page.locator("main")).to_contain_text("Claire Duprat")
    controler(page, "mon-parcours")
    _texte_a_200(page, controler, "mon-parcours-texte-200")

    # Le plan : commenter l'objectif, donner son accord.
    page.goto(f"{base}/mon-espace/plan/")
    expect(page.locator("main")).to_contain_text("Trouver un emploi d'auxiliaire de puériculture")
    controler(page, "plan")
    _texte_a_200(page, controler, "plan-texte-200")
    page.locator("summary", has_text="Commenter cet objectif").click()
    page.get_by_label("Votre commentaire").fill("Je peux commencer en septembre.")
    page.get_by_role("button", name="Envoyer mon commentaire").click()
    expect(page.locator("main")).to_contain_text("Je peux commencer en septembre.")
    page.get_by_role("button", name="Je suis d'accord avec mon plan").click()
    expect(page.locator("#accord")).to_contain_text("Accord donné")
    controler(page, "plan-accord")

    page.goto(f"{base}/mon-espace/rendez-vous/")
    expect(page.locator("main")).to_contain_text("Point sur les candidatures")
    controler(page, "rendez-vous")

    page.goto(f"{base}/mon-espace/diagnostic/")
    controler(page, "diagnostic")
    page.get_by_text("Je confirme : c'est bien ma situation").click()
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.locator("main")).to_contain_text(re.compile("confirm", re.IGNORECASE))
    controler(page, "diagnostic-confirme")

    page.goto(f"{base}/mon-espace/mes-souhaits/")
    page.get_by_text("Un souhait : ce que j'aimerais faire").click()
    page.get_by_label("Votre message").fill("Travailler dans une crèche à Dax.")
    page.get_by_role("button", name="Envoyer mon message").click()
    expect(page.locator("main")).to_contain_text("Travailler dans une crèche à Dax.")
    controler(page, "souhaits")

    # Les partages : donner un accord, le voir avec sa raison, le retirer.
    association = decor["association"].nom
    page.goto(f"{base}/mon-espace/partages/")
    expect(page.locator("main")).to_contain_text("vous accompagne : Claire Duprat")
    controler(page, "partages")
    page.get_by_label("Organisation à qui vous permettez de lire votre carnet").select_option(label=association)
    page.get_by_role("button", name="Donner mon accord").click()
    expect(page.locator("main")).to_contain_text(f"{association} : accord donné le")
    controler(page, "partages-accord")
    page.get_by_role("button", name=f"Retirer mon accord à {association}").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"retiré le"))

    # L'opposition : la demande part à l'organisation de la référente, avec son échéance.
    page.get_by_role("link", name="Faire une demande d'opposition").click()
    controler(page, "opposition")
    page.get_by_label("À quoi vous opposez-vous, et pourquoi ?").fill(
        "Je ne veux pas que mes données servent aux statistiques."
    )
    page.get_by_role("button", name="Envoyer ma demande").click()
    demande = DemandeOpposition.objects.get(carnet=carnet)
    expect(page.locator("main")).to_contain_text(f"Réponse due au plus tard le {demande.echeance:%-d}")
    controler(page, "opposition-envoyee")

    page.goto(f"{base}/mon-espace/consultations/")
    consultations = page.locator("main")
    expect(consultations).to_contain_text("Claire Duprat")
    expect(consultations).to_contain_text(re.compile("Référent", re.IGNORECASE))
    expect(consultations).to_contain_text(decor["departement"].nom)
    controler(page, "consultations")

    # 6. Isolation : une page professionnelle (404) ; commenter l'objectif d'une autre personne (404, rien d'écrit).
    reponse = page.goto(f"{base}/carnets/")
    assert reponse.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("introuvable|404", re.IGNORECASE))
    controler(page, "introuvable")
    jeton = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    reponse = page.request.post(
        f"{base}/mon-espace/plan/{objectif_d_un_autre.uuid}/commenter/",
        form={"csrfmiddlewaretoken": jeton, "texte": "Intrusion"},
        headers={"Referer": f"{base}/mon-espace/plan/"},
    )
    assert reponse.status == 404
    assert not autre.expressions.exists()

    # 5. La référente lit les événements, répond à l'opposition ; la personne lit la réponse.
    pro.goto(f"{base}/carnets/{carnet.uuid}/?onglet=historique")
    historique = pro.locator("main")
    for texte in (
        "Commentaire sur l'objectif",
        "accord donné par la personne depuis son espace",
        "Diagnostic (version 1) : confirmé",
        "Souhait : Travailler dans une crèche à Dax.",
        f"La personne permet à « {association} » de lire son carnet",
        f"La personne retire son accord : « {association} » ne voit plus son carnet",
        "La personne s'oppose au traitement de ses données",
    ):
        expect(historique).to_contain_text(texte)
    controler(pro, "historique-espace")
    pro.goto(f"{base}/carnets/{carnet.uuid}/?onglet=groupe")
    expect(pro.locator("main")).to_contain_text(f"réponse due au plus tard le {demande.echeance:%d/%m/%Y}")
    pro.get_by_role("link", name=re.compile("Lire et répondre")).click()
    controler(pro, "opposition-repondre")
    pro.get_by_text(DemandeOpposition.Statut.REFUSEE.label, exact=True).click()
    pro.get_by_label("Réponse motivée").fill("Les statistiques sont anonymes et prévues par la loi.")
    pro.get_by_role("button", name="Enregistrer la réponse").click()
    expect(pro.locator("main")).not_to_contain_text("Lire et répondre")

    page.goto(f"{base}/mon-espace/opposition/")
    expect(page.locator("main")).to_contain_text("Les statistiques sont anonymes et prévues par la loi.")
    controler(page, "opposition-reponse")


def _attendre_le_document(page):
    """La page du document se met à jour (htmx) quand le worker l'a produit."""
    lien = page.get_by_role("link", name=re.compile("^Télécharger"))
    expect(lien).to_be_visible(timeout=60_000)
    return lien


def _telecharger(page, lien) -> bytes:
    """Le fichier, avec les cookies de la session du navigateur (le lien pointe vers une réponse en pièce jointe)."""
    reponse = page.request.get(urljoin(page.url, lien.get_attribute("href")))
    assert reponse.status == 200
    return reponse.body()


def test_la_personne_telecharge_son_carnet_et_ses_donnees_puis_donne_son_avis(base, ouvrir, controler):
    decor = _decor("des Landes (documents)", prenom="Maëlle", nom="Laborde")
    carnet, referente = decor["carnet"], decor["referente"]
    compte = ouvrir_espace(carnet, identifiant=f"maelle.laborde.{carnet.pk}")
    terminee = timezone.now() - timedelta(days=5)
    orientation = OrientationService.objects.create(
        carnet=carnet,
        service=offre.service(nom="Atelier CV de Dax"),
        statut=OrientationService.Statut.TERMINEE,
        consentement_le=terminee - timedelta(days=30),
        prescripteur=referente,
        organisation=decor["departement"],
        envoyee_le=terminee - timedelta(days=30),
        expire_le=terminee,
    )
    TransitionOrientationService.objects.create(
        orientation=orientation, de="entree", vers=OrientationService.Statut.TERMINEE, acteur=referente, date=terminee
    )

    page = ouvrir(mobile=True)
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", compte.identifiant)
    page.fill("input[name=password]", MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Maëlle")

    page.goto(f"{base}/mon-espace/documents/")
    controler(page, "documents")
    page.get_by_role("button", name="Préparer mon carnet en PDF").click()
    lien = _attendre_le_document(page)
    controler(page, "document-pdf-pret")
    pdf = _telecharger(page, lien)
    assert pdf.startswith(b"%PDF")

    page.goto(f"{base}/mon-espace/documents/")
    page.get_by_role("button", name="Préparer toutes mes données").click()
    lien = _attendre_le_document(page)
    donnees = json.loads(_telecharger(page, lien))
    texte = json.dumps(donnees, ensure_ascii=False)
    assert "Laborde" in texte and "Trouver un emploi d'auxiliaire de puériculture" in texte
    page.goto(f"{base}/mon-espace/documents/")
    expect(page.locator("main")).to_contain_text("Mes demandes récentes")
    controler(page, "documents-demandes")

    page.goto(f"{base}/mon-espace/mon-avis/")
    expect(page.locator("main")).to_contain_text("Orientation vers « Atelier CV de Dax »")
    controler(page, "mon-avis")
    page.get_by_role("link", name=re.compile("Donner mon avis")).click()
    controler(page, "evaluer")
    for question, reponse in (
        ("Cette étape vous a-t-elle été utile ?", "Tout à fait"),
        ("Vous êtes-vous senti(e) écouté(e) ?", "Plutôt"),
        ("Recommanderiez-vous cet accompagnement à un proche ?", "Oui"),
    ):
        page.get_by_role("group", name=question).get_by_text(reponse, exact=True).click()
    page.get_by_label("Voulez-vous ajouter quelque chose ?").fill("Un atelier utile.")
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page).to_have_url(f"{base}/mon-espace/mon-avis/")
    expect(page.locator("main")).to_contain_text("Aucune étape n'attend votre avis")
    controler(page, "mon-avis-donne")


def _code_de_connexion(boite_mail, destinataire: str, apres: float, secondes: int = 30) -> str:
    """Le code du dernier e-mail de connexion reçu par `destinataire` après l'instant `apres`."""
    limite = time.monotonic() + secondes
    while time.monotonic() < limite:
        for fichier in sorted(boite_mail.iterdir(), key=lambda f: f.stat().st_mtime, reverse=True):
            if fichier.stat().st_mtime < apres:
                continue
            contenu = fichier.read_text(encoding="utf-8")
            if f"To: {destinataire}" in contenu:
                trouve = re.search(r"^\s*([A-Z0-9]{4,8}(?:-[A-Z0-9]{3,8})?)\s*$", contenu.split("\n\n", 1)[1], re.M)
                if trouve:
                    return trouve.group(1)
        time.sleep(0.5)
    raise AssertionError(f"aucun code de connexion pour {destinataire} en {secondes} s")


def test_une_personne_avec_e_mail_active_son_espace_par_lien_puis_se_connecte_par_code(
    base, ouvrir, controler, dernier_lien, boite_mail
):
    departement = OrganisationFactory(nom="Département des Landes (lien)", departement="40")
    referente = membre(departement, Role.PROFESSIONNEL, prenom="Claire", nom="Lien").utilisateur
    email = f"lea.bordes.{departement.pk}@exemple.fr"
    carnet = services.ouvrir_carnet(
        acteur=referente,
        organisation=departement,
        nom="Bordes",
        prenom="Léa",
        date_naissance=date(1995, 9, 9),
        email=email,
    )

    pro = ouvrir()
    se_connecter(pro, base, referente.email, MOT_DE_PASSE, activer_totp(referente))
    pro.goto(f"{base}/carnets/{carnet.uuid}/espace-personnel/")
    pro.get_by_role("button", name="Envoyer un lien par e-mail").click()
    expect(pro.locator("#etat-espace")).to_contain_text("lien envoyé par e-mail")
    lien = dernier_lien(email)
    assert "/mon-espace/activer/" in lien

    page = ouvrir(mobile=True)
    page.goto(lien)
    controler(page, "activer-lien")
    page.get_by_label("Choisissez votre mot de passe").fill(MOT_DE_PASSE_PERSONNE)
    page.get_by_label("Écrivez-le une deuxième fois").fill(MOT_DE_PASSE_PERSONNE)
    page.get_by_role("button", name=re.compile("Activer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")

    page.goto(f"{base}/comptes/logout/")  # sur téléphone, « Se déconnecter » est dans le menu replié
    page.locator("main button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile("/mon-espace/"))
    page.goto(f"{base}/comptes/login/")
    page.get_by_role("link", name="Recevoir un code de connexion par e-mail").click()
    controler(page, "demander-code")
    avant = time.time() - 1
    page.fill("input[name=email]", email)
    page.get_by_role("button", name="Recevoir un code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recopiez votre code de connexion")
    controler(page, "recopier-code")
    page.fill("input[name=code]", _code_de_connexion(boite_mail, email, avant))
    page.get_by_role("button", name="Me connecter").click()
    expect(page).to_have_url(f"{base}/mon-espace/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")
    assert "2fa" not in page.url
