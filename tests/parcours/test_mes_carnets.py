from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours import liste_carnets, services
from parcours import permissions as regles
from partenaires import services as partenaires_services
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

pytestmark = pytest.mark.django_db


@pytest.fixture
def departement():
    return OrganisationFactory()


def ouvrir(acteur, organisation, numero, **identite):
    valeurs = {"nom": f"Nom{numero:03d}", "prenom": "Alex", "date_naissance": date(1980, 1, 1)} | identite
    return services.ouvrir_carnet(acteur=acteur, organisation=organisation, **valeurs)


# au retour sur la liste : dont la lecture des groupes de l'utilisateur (une requête de plus : les sous-requêtes des
# carnets visibles les portent en littéraux, que PostgreSQL sait estimer à 200 000 carnets) ; la liste des référents
# du filtre est alors en cache (une requête de plus au premier passage)
NOMBRE_DE_REQUETES = 8


@pytest.mark.parametrize("taille", [1, 50])
@pytest.mark.parametrize("premier_passage", [False, True])
def test_la_liste_a_le_meme_nombre_de_requetes_pour_1_et_50_carnets(
    client, connecter, departement, taille, premier_passage, django_assert_num_queries
):
    referente = membre(departement).utilisateur
    for numero in range(taille):
        ouvrir(referente, departement, numero)
    connecter(referente)
    client.get(reverse("parcours:mes_carnets"))
    if premier_passage:
        liste_carnets.oublier_referents_du_filtre(referente, regles.visible_carnets_et_leurs_cles(referente)[1])
    with django_assert_num_queries(NOMBRE_DE_REQUETES + premier_passage):
        reponse = client.get(reverse("parcours:mes_carnets"))
    assert reponse.context["page"].paginator.count == taille
    assert reponse.context["referents"] == [(str(referente.uuid), str(referente))]


def test_les_referents_du_filtre_sont_gardes_cinq_minutes_mais_relus_quand_les_organisations_changent(
    client, connecter, departement
):
    referente = membre(departement, prenom="Anne", nom="Durand").utilisateur
    ouvrir(referente, departement, 1)
    connecter(referente)

    def referents():
        return [nom for _, nom in client.get(reverse("parcours:mes_carnets")).context["referents"]]

    assert referents() == ["Anne Durand"]
    collegue = membre(departement, prenom="Paul", nom="Lafitte").utilisateur
    ouvrir(collegue, departement, 2)
    assert referents() == ["Anne Durand"]  # en cache : Paul Lafitte y paraîtra au plus 5 minutes plus tard
    assert liste_carnets.DUREE_REFERENTS_DU_FILTRE == 5 * 60
    ailleurs = OrganisationFactory()
    ouvrir(membre(ailleurs, prenom="Zoé", nom="Ailleurs").utilisateur, ailleurs, 3)
    membre(ailleurs, utilisateur=referente)  # une organisation de plus : la clé du cache change, la liste est relue
    assert referents() == ["Zoé Ailleurs", "Anne Durand", "Paul Lafitte"]


def test_la_liste_ne_montre_que_les_carnets_partages_et_se_filtre(client, connecter, departement):
    referente = membre(departement).utilisateur
    collegue = membre(departement).utilisateur
    ouvrir(referente, departement, 1, nom="Martin", identifiant_departement="D-77")
    ouvrir(collegue, departement, 2, nom="Bernard")
    ailleurs = OrganisationFactory()
    ouvrir(membre(ailleurs).utilisateur, ailleurs, 3, nom="Invisible")
    connecter(referente)
    page = client.get(reverse("parcours:mes_carnets")).content.decode()
    assert "MARTIN" in page and "BERNARD" in page and "INVISIBLE" not in page
    page = client.get(reverse("parcours:mes_carnets"), {"filtre": "mes_accompagnements"}).content.decode()
    assert "MARTIN" in page and "BERNARD" not in page
    page = client.get(reverse("parcours:mes_carnets"), {"q": "D-77"}).content.decode()
    assert "MARTIN" in page and "BERNARD" not in page
    reponse = client.get(reverse("parcours:mes_carnets"), {"q": "bern"}, HTTP_HX_REQUEST="true")
    assert "<html" not in reponse.content.decode() and "BERNARD" in reponse.content.decode()


def test_le_filtre_sans_referent(client, connecter, departement):
    from parcours.models import Intervenant

    referente = membre(departement).utilisateur
    carnet = ouvrir(referente, departement, 1, nom="Orphelin")
    ouvrir(referente, departement, 2, nom="Suivi")
    Intervenant.objects.filter(carnet=carnet).update(date_fin=timezone.localdate(), motif_fin="Départ non remplacé")
    admin = membre(departement, Role.ADMINISTRATEUR).utilisateur
    connecter(admin)
    page = client.get(reverse("parcours:mes_carnets"), {"filtre": "sans_referent"}).content.decode()
    assert "ORPHELIN" in page and "SUIVI" not in page


def test_les_filtres_par_public_et_par_rendez_vous(client, connecter, departement):
    from datetime import timedelta

    from parcours.models import RendezVous

    referente = membre(departement).utilisateur
    brsa = ouvrir(referente, departement, 1, nom="Allocataire")
    services.changer_statut(
        brsa, acteur=referente, type="droit_rsa", valeur="ouvert_versable", date_debut=date(2025, 1, 1)
    )
    clos = ouvrir(referente, departement, 2, nom="Sorti")
    services.changer_statut(clos, acteur=referente, type="droit_rsa", valeur="clos", date_debut=date(2025, 1, 1))
    jeune = ouvrir(referente, departement, 3, nom="Jeune", date_naissance=date(2006, 1, 1))
    services.prevoir_rendez_vous(
        jeune,
        acteur=referente,
        intervenant=referente,
        date_heure=timezone.now() + timedelta(days=2),
        objet="x",
        lieu="y",
    )
    recent = services.prevoir_rendez_vous(
        brsa,
        acteur=referente,
        intervenant=referente,
        date_heure=timezone.now() + timedelta(days=1),
        objet="x",
        lieu="y",
    )
    RendezVous.objects.filter(pk=recent.pk).update(date_heure=timezone.now() - timedelta(days=5), statut="honore")
    connecter(referente)

    def noms(**parametres):
        reponse = client.get(reverse("parcours:mes_carnets"), parametres)
        return [c.personne.nom for c in reponse.context["page"].object_list]

    assert noms(public="brsa") == ["Allocataire"]
    assert noms(public="jeunes") == ["Jeune"]
    assert noms(rdv="a_venir") == ["Jeune"]
    assert noms(rdv="30") == ["Jeune", "Sorti"]  # pas de rendez-vous honoré depuis 30 jours
    assert noms(tri="recents")[0] == "Jeune"


@pytest.mark.parametrize("taille", [1, 50])
def test_les_filtres_gardent_un_nombre_de_requetes_fixe(
    client, connecter, departement, taille, django_assert_num_queries
):
    referente = membre(departement).utilisateur
    for numero in range(taille):
        carnet = ouvrir(referente, departement, numero)
        services.changer_statut(carnet, acteur=referente, type="deld", valeur="oui", date_debut=date(2025, 1, 1))
    connecter(referente)
    parametres = {"public": "deld", "rdv": "90", "filtre": "mes_accompagnements", "tri": "recents"}
    client.get(reverse("parcours:mes_carnets"), parametres)
    with django_assert_num_queries(NOMBRE_DE_REQUETES):
        reponse = client.get(reverse("parcours:mes_carnets"), parametres)
    assert reponse.context["page"].paginator.count == taille


def test_le_filtre_par_diagnostic(client, connecter, departement):
    from datetime import timedelta

    from parcours.diagnostic import services as diagnostic_services
    from parcours.models import Diagnostic
    from tests.parcours.conftest import diagnostic_valide

    referente = membre(departement).utilisateur
    ouvrir(referente, departement, 1, nom="Sansdiag")
    recent = ouvrir(referente, departement, 2, nom="Recent")
    ancien = ouvrir(referente, departement, 3, nom="Ancien")
    encours = ouvrir(referente, departement, 4, nom="Encours")
    diagnostic_valide(recent, referente)
    vieux = diagnostic_valide(ancien, referente)
    Diagnostic.objects.filter(pk=vieux.pk).update(date_validation=timezone.now() - timedelta(days=200))
    diagnostic_services.commencer(encours, acteur=referente)
    connecter(referente)

    def noms(filtre):
        page = client.get(reverse("parcours:mes_carnets"), {"diagnostic": filtre})
        return {c.personne.nom for c in page.context["page"].object_list}

    assert noms("sans") == {"Sansdiag", "Encours"}
    assert noms("a_reexaminer") == {"Ancien"}
    assert noms("en_cours") == {"Encours"}
    page = client.get(reverse("parcours:mes_carnets")).content.decode()
    assert page.count("à réexaminer</span>") == 1


def test_le_filtre_jeunes_un_29_fevrier(client, connecter, time_machine):
    """Un 29 février, « 26 ans plus tôt » n'existe pas : on compte depuis le 28 février (pas d'erreur 500)."""
    time_machine.move_to(datetime(2028, 2, 29, 10, tzinfo=UTC))
    departement = OrganisationFactory(nom="Département")
    referente = membre(departement, Role.PROFESSIONNEL).utilisateur
    ouvrir(referente, departement, 1, nom="Vingtcinq", date_naissance=date(2002, 3, 1))
    ouvrir(referente, departement, 2, nom="Vingtsix", date_naissance=date(2002, 2, 28))
    connecter(referente)
    reponse = client.get(reverse("parcours:mes_carnets"), {"public": "jeunes"})
    assert reponse.status_code == 200
    assert [c.personne.nom for c in reponse.context["page"].object_list] == ["Vingtcinq"]


def test_les_pages_suivent_le_tri_et_portent_les_colonnes_de_la_liste(client, connecter, departement):
    """La liste pagine les clés puis charge les carnets de la page : chaque page garde l'ordre du tri, sans trou
    ni doublon d'une page à l'autre, et ses carnets portent le référent et le diagnostic validé."""
    from tests.parcours.conftest import diagnostic_valide

    referente = membre(departement).utilisateur
    carnets = [ouvrir(referente, departement, numero, prenom=f"P{numero % 3}") for numero in range(30, 0, -1)]
    diagnostic_valide(carnets[0], referente)  # Nom030, le dernier dans l'ordre des noms
    connecter(referente)

    def page(numero, **parametres):
        return client.get(reverse("parcours:mes_carnets"), {"page": numero, **parametres}).context["page"]

    premiere, seconde = page(1), page(2)
    noms = [c.personne.nom for c in [*premiere.object_list, *seconde.object_list]]
    assert noms == [f"Nom{numero:03d}" for numero in range(1, 31)]
    assert [len(premiere.object_list), len(seconde.object_list)] == [25, 5]
    dernier = seconde.object_list[4]
    assert (dernier.referent_nom, dernier.referent_prenom) == (referente.nom, referente.prenom)
    assert dernier.referent_organisation == departement.nom and dernier.diagnostic_valide_le is not None
    assert all(c.diagnostic_valide_le is None for c in premiere.object_list)
    recents = [c.pk for numero in (1, 2) for c in page(numero, tri="recents").object_list]
    assert recents == [c.pk for c in reversed(carnets)]  # -date_creation, puis pk


def test_le_nombre_de_carnets_sans_filtre_compte_chaque_carnet_visible_une_fois(client, connecter, departement):
    """Sans filtre, le paginateur compte les clés de partage distinctes : un carnet partagé avec deux organisations
    de l'utilisateur compte une fois ; un carnet d'une organisation quittée ne compte plus ; filtré, le nombre suit
    le filtre."""
    from parcours.choix import VOIR_CARNET
    from partenaires import permissions
    from partenaires import services as services_partenaires

    referente = membre(departement).utilisateur
    partenaire, quittee = OrganisationFactory(), OrganisationFactory()
    membre(partenaire, utilisateur=referente)
    depart = membre(quittee, utilisateur=referente)
    commun = ouvrir(referente, departement, 1, nom="Commun")
    permissions.partager(commun, partenaire, VOIR_CARNET)
    ouvrir(referente, departement, 2, nom="Seul")
    ouvrir(membre(quittee).utilisateur, quittee, 3, nom="Quitte")
    connecter(referente)
    assert client.get(reverse("parcours:mes_carnets")).context["page"].paginator.count == 3
    administratrice = membre(quittee, role=Role.ADMINISTRATEUR).utilisateur
    services_partenaires.desactiver_membre(depart, acteur=administratrice, motif="Départ")
    reponse = client.get(reverse("parcours:mes_carnets"))
    assert reponse.context["page"].paginator.count == 2
    assert "COMMUN" in reponse.content.decode() and "QUITTE" not in reponse.content.decode()
    assert client.get(reverse("parcours:mes_carnets"), {"q": "seul"}).context["page"].paginator.count == 1


def test_les_carnets_de_la_liste_sont_ceux_de_visible_carnets(departement):
    """La liste lit les groupes de l'utilisateur avant la requête (littéraux) : les mêmes carnets que
    `visible_carnets`, organisation désactivée comprise ; rien pour un utilisateur sans appartenance."""
    from parcours import permissions as regles
    from partenaires.models import Utilisateur

    referente = membre(departement).utilisateur
    eteinte = OrganisationFactory()
    membre(eteinte, utilisateur=referente)
    ouvrir(referente, departement, 1)
    ouvrir(referente, eteinte, 2)
    ailleurs = OrganisationFactory()
    ouvrir(membre(ailleurs).utilisateur, ailleurs, 3)

    def identiques(utilisateur):
        visibles, cles = regles.visible_carnets_et_leurs_cles(utilisateur)
        attendus = set(regles.visible_carnets(utilisateur))
        assert set(visibles) == attendus and set(cles.values_list("content_object", flat=True)) == {
            carnet.pk for carnet in attendus
        }
        return len(attendus)

    assert identiques(referente) == 2
    eteinte.is_active = False
    eteinte.save(update_fields=["is_active"])
    assert identiques(Utilisateur.objects.get(pk=referente.pk)) == 1
    assert identiques(Utilisateur.objects.create_user("seul@exemple.test")) == 0


@pytest.mark.parametrize("tri", ["nom", "recents"])
def test_les_pages_de_la_seconde_moitie_lues_a_rebours_sont_dans_l_ordre(client, connecter, departement, tri):
    """Les pages de la seconde moitié se lisent à rebours (tri inversé) : toutes les pages mises bout à bout donnent
    chaque carnet une fois, dans l'ordre de la liste (dernière page incomplète comprise)."""
    referente = membre(departement).utilisateur
    for numero in range(60):
        ouvrir(referente, departement, numero, nom=f"Nom{(numero * 37) % 60:03d}")
    connecter(referente)
    lus = []
    for numero in (1, 2, 3):
        page = client.get(reverse("parcours:mes_carnets"), {"page": numero, "tri": tri}).context["page"]
        lus += list(page.object_list)
    assert [len(lus), len({carnet.pk for carnet in lus})] == [60, 60]
    if tri == "nom":
        assert [carnet.personne.nom for carnet in lus] == sorted(carnet.personne.nom for carnet in lus)
    else:
        assert [carnet.pk for carnet in lus] == sorted((carnet.pk for carnet in lus), reverse=True)


def test_sans_organisation_active_la_liste_est_vide_et_sans_referent(client, connecter, departement):
    """Les clés visibles sont alors une requête vide (aucun groupe) : pas de clé de cache à en tirer."""
    adhesion = membre(departement)
    ouvrir(adhesion.utilisateur, departement, 1)
    administratrice = membre(departement, Role.ADMINISTRATEUR).utilisateur
    partenaires_services.desactiver_membre(adhesion, acteur=administratrice, motif="Départ")
    connecter(adhesion.utilisateur)
    reponse = client.get(reverse("parcours:mes_carnets"))
    assert reponse.status_code == 200
    assert reponse.context["referents"] == [] and reponse.context["page"].paginator.count == 0
