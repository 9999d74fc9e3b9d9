"""Les pages de recherche dans l'offre : professionnels, public sans contacts, fragment htmx réutilisable, erreurs de
saisie, nombre de requêtes fixe."""

import html
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from offre.models import Service, SessionService
from offre.recherche.forms import FormulaireRecherche
from offre.recherche.views import contexte_resultats
from partenaires.choix import Role
from tests.factories import OrganisationFactory, UtilisateurFactory, membre
from tests.offre import fabriques
from tests.offre.test_recherche_moteur import MONT_DE_MARSAN, service_a

pytestmark = pytest.mark.django_db

RECHERCHE = reverse("offre:recherche")
PUBLIQUE = reverse("offre:recherche_publique")
HTMX = {"HTTP_HX_REQUEST": "true"}


def texte(reponse) -> str:
    """Le HTML de la réponse, entités décodées et blancs réduits (comme le lit une personne)."""
    return " ".join(html.unescape(reponse.content.decode()).split())


@pytest.fixture
def professionnel(client, connecter):
    utilisateur = membre(OrganisationFactory(departement="40"), Role.PROFESSIONNEL).utilisateur
    connecter(utilisateur)
    return utilisateur


def contacte(**champs):
    """Un service avec tous ses contacts renseignés, et sa structure aussi."""
    structure = fabriques.structure(telephone="0558111111", courriel="accueil@structure.fr")
    return service_a(
        3.2,
        90,
        structure_=structure,
        contact_nom_prenom="Josiane Lartigau",
        courriel="josiane.lartigau@exemple.fr",
        telephone="0558998877",
        **champs,
    )


# --- Accès ------------------------------------------------------------------------------------------------------


def test_un_anonyme_est_renvoye_vers_la_connexion(client):
    reponse = client.get(RECHERCHE)
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))


def test_un_connecte_sans_organisation_recoit_403(client, connecter):
    connecter(UtilisateurFactory())
    assert client.get(RECHERCHE).status_code == 403


def test_la_recherche_publique_et_les_communes_sont_ouvertes_a_tous(client):
    assert client.get(PUBLIQUE).status_code == 200
    assert client.get(reverse("offre:communes"), {"commune": "dax"}).status_code == 200


def test_un_post_est_refuse(client, professionnel):
    assert client.post(RECHERCHE).status_code == 405
    assert client.post(PUBLIQUE).status_code == 405


# --- Résultats --------------------------------------------------------------------------------------------------


def test_la_recherche_montre_les_proches_par_distance_puis_les_services_a_distance(client, professionnel):
    service_a(12, 0, nom="Garage solidaire")
    service_a(3.2, 90, nom="Auto-école sociale")
    fabriques.service(nom="Permanence téléphonique", en_presentiel=False, a_distance=True, adresse="")
    reponse = client.get(RECHERCHE, {"commune": MONT_DE_MARSAN, "rayon": "20"})
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Près de Mont-de-Marsan" in contenu
    assert "2 services à moins de 20 km de Mont-de-Marsan et 1 à distance." in contenu
    assert contenu.index("Auto-école sociale") < contenu.index("Garage solidaire") < contenu.index("À distance")
    assert contenu.index("À distance") < contenu.index("Permanence téléphonique")
    assert "3,2 km" in contenu and "12,0 km" in contenu
    # Le champ montre la commune trouvée, pas son code INSEE.
    assert 'value="Mont-de-Marsan (40000)"' in contenu


def test_chaque_carte_montre_fraicheur_places_thematiques_frais_et_lien_vers_la_fiche(client, professionnel):
    ancien = service_a(2, 0, nom="Ancien", date_maj=timezone.localdate() - timedelta(days=200))
    complet = service_a(3, 0, nom="Complet")
    fabriques.session(ancien, places=6, debut=timezone.now() + timedelta(days=5))
    session = fabriques.session(complet, places=1)
    SessionService.objects.filter(pk=session.pk).update(places_prises=1)  # une place prise sur une : complet
    contenu = client.get(RECHERCHE, {"commune": MONT_DE_MARSAN}).content.decode()
    assert contenu.count("à actualiser</p>") == 1
    assert "6 places restantes" in contenu
    assert "<strong>complet</strong>" in contenu
    assert "Préparer un permis" in contenu
    assert "Gratuit" in contenu
    assert reverse("offre:service", args=[ancien.uuid]) in contenu
    assert reverse("offre:service_public", args=[ancien.uuid]) not in contenu


def test_sans_commune_les_services_sont_par_nom_avec_une_invitation_a_choisir_une_commune(client, professionnel):
    fabriques.service(nom="Bravo")
    fabriques.service(nom="Alpha")
    contenu = client.get(RECHERCHE).content.decode()
    assert "Indiquez une commune" in contenu
    assert contenu.index("Alpha") < contenu.index("Bravo")
    assert " km</p>" not in contenu


def test_les_filtres_du_formulaire_sont_appliques(client, professionnel):
    service_a(2, 0, nom="Permis pour les jeunes", publics=["jeunes"], thematiques=["mobilite--preparer-un-permis"])
    service_a(2, 0, nom="Logement", thematiques=["logement-hebergement--louer-un-logement"])
    service_a(2, 0, nom="Permis payant", frais="payant")
    reponse = client.get(
        RECHERCHE,
        {
            "commune": MONT_DE_MARSAN,
            "thematique": "mobilite",
            "public": "jeunes",
            "frais": "gratuit",
            "texte": "permis",
        },
    )
    assert [r.service.nom for r in reponse.context["page"].object_list] == ["Permis pour les jeunes"]


def test_aucun_resultat_propose_d_elargir(client, professionnel):
    contenu = client.get(RECHERCHE, {"commune": MONT_DE_MARSAN, "texte": "introuvable"}).content.decode()
    assert "Aucun service ne correspond à ces critères." in contenu
    assert "Élargissez le rayon" in contenu


# --- Mauvaise entrée --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"commune": "Atlantide"}, "Commune introuvable : « Atlantide »."),
        ({"commune": "99999"}, "Commune introuvable : « 99999 »."),
        ({"commune": MONT_DE_MARSAN, "rayon": "7"}, "Choisissez un rayon parmi 5, 10, 20, 30, 50 ou 100 km."),
        ({"commune": MONT_DE_MARSAN, "rayon": "vingt"}, "Choisissez un rayon parmi 5, 10, 20, 30, 50 ou 100 km."),
        ({"commune": "Sainte-Colombe"}, "Plusieurs communes s'appellent « Sainte-Colombe »"),
        ({"thematique": "inconnue"}, "Sélectionnez un choix valide."),
    ],
)
def test_une_mauvaise_entree_donne_un_message_clair_sans_erreur(client, professionnel, parametres, message):
    reponse = client.get(RECHERCHE, parametres)
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "La recherche n'a pas pu être faite" in contenu
    assert message in contenu
    assert reponse.context["resultats"] is None


def test_une_mauvaise_entree_en_htmx_montre_l_erreur_dans_le_fragment(client, professionnel):
    reponse = client.get(RECHERCHE, {"commune": "Atlantide"}, **HTMX)
    contenu = reponse.content.decode()
    assert reponse.status_code == 200 and "<html" not in contenu
    assert "Commune introuvable" in contenu


def test_une_page_au_dela_de_la_derniere_montre_la_derniere(client, professionnel):
    fabriques.service(nom="Seul")
    reponse = client.get(RECHERCHE, {"page": "99"})
    assert reponse.status_code == 200
    assert [r.service.nom for r in reponse.context["page"].object_list] == ["Seul"]


# --- htmx et pagination -----------------------------------------------------------------------------------------


def test_htmx_ne_recoit_que_le_fragment_et_la_restauration_d_historique_la_page(client, professionnel):
    fabriques.service(nom="Alpha")
    fragment = client.get(RECHERCHE, **HTMX)
    assert "<html" not in fragment.content.decode()
    assert fragment.content.decode().lstrip().startswith('<div id="resultats-offre"')
    assert "HX-Request" in fragment["Vary"]
    page = client.get(RECHERCHE, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in page.content.decode()


def test_le_formulaire_marche_sans_javascript_et_avec_htmx(client, professionnel):
    contenu = client.get(RECHERCHE).content.decode()
    assert f'action="{RECHERCHE}"' in contenu and 'method="get"' in contenu
    assert f'hx-get="{RECHERCHE}"' in contenu and 'hx-target="#resultats-offre"' in contenu
    assert 'hx-push-url="true"' in contenu
    assert f'hx-get="{reverse("offre:communes")}"' in contenu and 'list="communes-suggestions"' in contenu


def test_la_pagination_garde_les_criteres_et_montre_ou_commencent_les_services_a_distance(client, professionnel):
    for rang in range(25):
        service_a(1 + rang / 2, 0, nom=f"Proche {rang:02d}")
    fabriques.service(nom="En ligne", en_presentiel=False, a_distance=True, adresse="")
    reponse = client.get(RECHERCHE, {"commune": MONT_DE_MARSAN, "texte": "proche en ligne"})
    assert reponse.context["resultats"] is not None and len(reponse.context["resultats"]) == 0
    reponse = client.get(RECHERCHE, {"commune": MONT_DE_MARSAN, "rayon": "50"})
    contenu = reponse.content.decode()
    assert "Page 1 sur 2" in contenu
    assert "?page=2&amp;commune=40192&amp;rayon=50" in contenu
    assert "Aller aux services à distance (page 2)" in contenu
    page_2 = client.get(RECHERCHE, {"commune": MONT_DE_MARSAN, "rayon": "50", "page": "2"}).content.decode()
    assert "Proche 20" in page_2 and "En ligne" in page_2 and "Proche 19" not in page_2
    assert "Aller aux services à distance" not in page_2


@pytest.mark.parametrize("taille", [1, 30])
def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_resultats(
    client, professionnel, taille, django_assert_num_queries
):
    for rang in range(taille):
        service = service_a(1 + rang / 3, 0, nom=f"Proche {rang:02d}", a_distance=rang % 2 == 0)
        fabriques.session(service)
        fabriques.service(nom=f"En ligne {rang:02d}", en_presentiel=False, a_distance=True, adresse="")
    parametres = {"commune": MONT_DE_MARSAN, "thematique": "mobilite", "public": "jeunes", "texte": "en"}
    client.get(RECHERCHE, parametres)
    with django_assert_num_queries(NOMBRE_DE_REQUETES):
        reponse = client.get(RECHERCHE, parametres)
    assert len(reponse.context["resultats"]) == 2 * taille


# Session, utilisateur, appartenances et second facteur (middlewares), droit de consulter l'offre ; les candidats en
# présentiel, les services à distance, la page (services et structures, sessions) ; la navigation.
NOMBRE_DE_REQUETES = 10


@pytest.mark.parametrize("taille", [1, 30])
def test_la_recherche_publique_a_un_nombre_de_requetes_fixe(client, taille, django_assert_num_queries):
    for rang in range(taille):
        service = service_a(1 + rang / 3, 0, nom=f"Proche {rang:02d}", a_distance=rang % 2 == 0)
        fabriques.session(service)
        fabriques.service(nom=f"En ligne {rang:02d}", en_presentiel=False, a_distance=True, adresse="")
    parametres = {"commune": MONT_DE_MARSAN, "thematique": "mobilite", "texte": "en"}
    client.get(PUBLIQUE, parametres)
    # Sans session ni appartenance : les candidats, les services à distance, la page et ses sessions.
    with django_assert_num_queries(4):
        reponse = client.get(PUBLIQUE, parametres)
    assert len(reponse.context["resultats"]) == 2 * taille


@pytest.fixture
def gabarit_action(tmp_path, settings):
    (tmp_path / "action_essai.html").write_text(
        '<button type="button">Orienter vers {{ resultat.service.nom }}</button>', encoding="utf-8"
    )
    moteur = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**moteur, "DIRS": [tmp_path, *moteur["DIRS"]]}, *settings.TEMPLATES[1:]]
    return "action_essai.html"


def test_le_fragment_inclut_le_gabarit_d_action_et_garde_les_parametres_supplementaires(gabarit_action):
    for rang in range(25):
        fabriques.service(nom=f"Service {rang:02d}")
    requete = RequestFactory().get("/parcours/carnets/x/offre/", {"thematique": "mobilite"})
    contexte = contexte_resultats(
        requete,
        FormulaireRecherche(requete.GET),
        gabarit_action=gabarit_action,
        parametres_supplementaires="carnet=abc",
    )
    contenu = render_to_string("offre/includes/recherche_resultats.html", contexte)
    assert '<button type="button">Orienter vers Service 00</button>' in contenu
    assert contenu.count("Orienter vers") == 20
    assert "?page=2&amp;thematique=mobilite&amp;carnet=abc" in contenu


def test_le_formulaire_reprend_les_valeurs_par_defaut_absentes_de_la_requete():
    formulaire = FormulaireRecherche({}, defauts={"commune": MONT_DE_MARSAN, "thematique": "mobilite"})
    criteres = formulaire.criteres()
    assert criteres.code_commune == MONT_DE_MARSAN and criteres.thematiques == ("mobilite",)
    assert criteres.rayon_km == 20
    # Un paramètre présent, même vide, l'emporte : la personne a effacé la commune.
    assert FormulaireRecherche({"commune": ""}, defauts={"commune": MONT_DE_MARSAN}).criteres().code_commune == ""


# --- Public, sans contacts --------------------------------------------------------------------------------------


def test_la_recherche_publique_ne_montre_aucun_contact_et_mene_a_la_fiche_publique(client):
    service = contacte(nom="Auto-école sociale")
    contenu = client.get(PUBLIQUE, {"commune": "Mont-de-Marsan (40000)"}).content.decode()
    assert "Auto-école sociale" in contenu and "3,2 km" in contenu
    for contact in ("josiane", "Lartigau", "0558998877", "0558111111", "accueil@structure.fr"):
        assert contact.lower() not in contenu.lower()
    assert reverse("offre:service_public", args=[service.uuid]) in contenu
    assert reverse("offre:service", args=[service.uuid]) not in contenu


def test_la_fiche_publique_montre_le_service_sans_ses_contacts(client):
    service = contacte(
        nom="Auto-école sociale",
        conditions_acces="Être inscrit dans un parcours d'insertion.",
        zone_eligibilite=["40"],
        publics=["jeunes"],
    )
    fabriques.session(service, intitule="Information collective", places=8)
    reponse = client.get(reverse("offre:service_public", args=[service.uuid]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Auto-école sociale" in contenu and service.structure.nom in contenu
    assert "Être inscrit dans un parcours d'insertion." in html.unescape(contenu)
    assert "Landes (département 40)" in contenu and "Jeunes" in contenu
    assert "8 places restantes" in contenu
    for contact in ("josiane", "Lartigau", "0558998877", "0558111111", "accueil@structure.fr"):
        assert contact.lower() not in contenu.lower()


def test_la_fiche_publique_d_un_service_suspendu_est_introuvable(client):
    service = fabriques.service(statut=Service.Statut.SUSPENDU)
    assert client.get(reverse("offre:service_public", args=[service.uuid])).status_code == 404


# --- Communes ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saisie", "attendue"),
    [
        ("40000", "Mont-de-Marsan (40000)"),
        ("mont de mar", "Mont-de-Marsan (40000)"),
        ("MONT-DE-MARSAN", "Mont-de-Marsan (40000)"),
        ("saint sev", "Saint-Sever (40500)"),
        ("saint-séver", "Saint-Sever (40500)"),
    ],
)
def test_l_aide_a_la_saisie_propose_les_communes_par_code_postal_ou_debut_de_nom(client, saisie, attendue):
    contenu = client.get(reverse("offre:communes"), {"commune": saisie}).content.decode()
    assert f'<option value="{attendue}">' in contenu


def test_l_aide_a_la_saisie_attend_deux_caracteres(client):
    assert "<option" not in client.get(reverse("offre:communes"), {"commune": "d"}).content.decode()


def test_les_criteres_secondaires_sont_replies_sauf_quand_l_un_est_choisi(client, professionnel):
    assert '<details class="fr-mt-2w">' in client.get(RECHERCHE).content.decode()
    assert '<details class="fr-mt-2w" open>' in client.get(RECHERCHE, {"public": "jeunes"}).content.decode()
    assert '<details class="fr-mt-2w" open>' in client.get(RECHERCHE, {"frais": "inconnu"}).content.decode()


def test_la_fiche_publique_nomme_un_code_a_deux_chiffres_comme_un_departement(client):
    service = fabriques.service(zone_eligibilite=["75", "99100"])
    contenu = texte(client.get(reverse("offre:service_public", args=[service.uuid])))
    assert "Paris (département 75), France entière" in contenu
    assert "Nouvelle-Aquitaine" not in contenu


def test_la_liste_des_besoins_groupe_les_69_thematiques_sous_les_16_categories_et_garde_le_choix(client, professionnel):
    contenu = client.get(RECHERCHE, {"thematique": "mobilite--preparer-un-permis", "rayon": "50"}).content.decode()
    liste = contenu[
        contenu.index('<select name="thematique"') : contenu.index("</select>", contenu.index('name="thematique"'))
    ]
    assert liste.count("<optgroup") == 16
    assert liste.count("<option") == 1 + 16 + 69
    assert '<optgroup label="Mobilité"><option value="mobilite">Mobilité : toute la catégorie</option>' in liste
    assert '<option value="mobilite--preparer-un-permis" selected>Préparer un permis</option>' in liste
    assert '<option value="50" selected>50 km</option>' in contenu


def test_un_code_postal_saisi_l_emporte_sur_le_code_insee_identique(client):
    # 40100 est le code postal de Dax et le code INSEE du Frêche : la personne qui le tape cherche Dax.
    fabriques.service(nom="Atelier à Dax", commune=fabriques.DAX)
    page = client.get(reverse("offre:recherche_publique"), {"commune": "40100"}).content.decode()
    assert "Atelier à Dax" in page and "Frêche" not in page
