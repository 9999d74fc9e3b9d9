"""Les pages de la composition : la liste des comités, le consortium, le comité (sièges, mandats, co-présidents,
secrétaire, quorum) et leurs formulaires ; ce que chacun y voit, en un nombre de requêtes qui ne dépend pas du nombre
de comités ni de sièges."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from gouvernance.choix import Qualite, RoleConsortium, StatutPresence, StatutSeance, TypeComite, Voix
from gouvernance.composition import services
from gouvernance.models import Comite, Consortium, Mandat, Presence, Siege
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques


@pytest.fixture
def equipe(db):
    return fabriques.equipe_comite()


def _texte(reponse) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(reponse.content.decode())))


def _url_comite(comite):
    return reverse("gouvernance:comite", args=[comite.uuid])


# --- La liste des comités -----------------------------------------------------------------------


def test_la_liste_des_comites_demande_une_connexion(client, db):
    reponse = client.get(reverse("gouvernance:comites"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("account_login"))


def test_un_professionnel_sans_comite_voit_aucun_comite(client, connecter, equipe):
    ailleurs = OrganisationFactory(nom="Association de Bayonne", departement="64")
    connecter(membre(ailleurs, Role.PROFESSIONNEL).utilisateur)
    texte = _texte(client.get(reverse("gouvernance:comites")))
    assert "Aucun comité" in texte
    assert "Comité départemental pour l'emploi" not in texte
    assert "Créer le consortium" not in texte


def test_chacun_voit_ses_comites_avec_son_role_et_la_prochaine_seance(client, connecter, equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, dans_jours=20)
    fabriques.seance(equipe.comite, cree_par=equipe.secretaire, dans_jours=60)
    fabriques.seance(equipe.comite, cree_par=equipe.secretaire, dans_jours=-3, statut=StatutSeance.CLOTUREE)
    date = timezone.localtime(seance.date).strftime("%d")
    roles = {
        equipe.secretaire: "Secrétaire, Siège de votre organisation",
        equipe.prefet: "Co-président (voix prépondérante), Siège de votre organisation",
        equipe.professionnel_caf: "Siège de votre organisation",
        equipe.pilote: "Siège de votre organisation, Pilote du territoire",
    }
    for utilisateur, role in roles.items():
        connecter(utilisateur)
        texte = _texte(client.get(reverse("gouvernance:comites")))
        assert "Comité départemental pour l'emploi Comité stratégique / comité départemental pour l'emploi " in texte
        assert role in texte, utilisateur
        assert re.search(rf"\w+ {int(date)} \w+ {seance.date.year} à", texte)
        assert "Consortium SPIE des Landes" in texte


def test_le_pilote_d_un_departement_sans_consortium_est_invite_a_le_creer(client, connecter, db):
    departement = OrganisationFactory(nom="Département des Pyrénées-Atlantiques", departement="64")
    connecter(membre(departement, Role.PILOTE).utilisateur)
    reponse = client.get(reverse("gouvernance:comites"))
    assert reverse("gouvernance:consortium_creer") in reponse.content.decode()
    fabriques.consortium(departement)
    reponse = client.get(reverse("gouvernance:comites"))
    assert reverse("gouvernance:consortium_creer") not in reponse.content.decode()


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_liste_des_comites_en_un_nombre_de_requetes_fixe(
    client, connecter, equipe, django_assert_num_queries, nombre
):
    for numero in range(nombre - 1):
        comite = fabriques.comite(equipe.consortium, nom=f"Comité local {numero}", type=TypeComite.LOCAL)
        fabriques.siege(comite, equipe.caf)
        fabriques.seance(comite, cree_par=equipe.secretaire, dans_jours=numero + 1)
    connecter(equipe.professionnel_caf)
    client.get(reverse("gouvernance:comites"))  # caches remplis
    with django_assert_num_queries(11):
        reponse = client.get(reverse("gouvernance:comites"))
    assert reponse.content.decode().count('<th scope="row">') == nombre


# --- Le consortium ------------------------------------------------------------------------------


def test_creer_le_consortium(client, connecter, db):
    departement = OrganisationFactory(nom="Département des Pyrénées-Atlantiques", departement="64")
    OrganisationFactory(nom="Département des Landes", departement="40")
    connecter(membre(departement, Role.PILOTE).utilisateur)
    url = reverse("gouvernance:consortium_creer")
    formulaire = client.get(url).content.decode()
    assert "Département des Pyrénées-Atlantiques" in formulaire
    assert "Département des Landes" not in formulaire  # une organisation d'un autre département
    reponse = client.post(
        url, {"departement": "64", "nom": "Consortium SPIE 64", "organisation_pilote": str(departement.uuid)}
    )
    consortium = Consortium.objects.get()
    assert reponse.status_code == 302
    assert reponse.url == reverse("gouvernance:consortium", args=[consortium.uuid])
    assert consortium.membres.get().organisation == departement
    assert client.get(url).status_code == 403  # le département a désormais son consortium


def test_la_page_du_consortium_montre_ses_membres_ses_comites_et_le_plan(client, connecter, equipe):
    connecter(equipe.professionnel_caf)
    reponse = client.get(reverse("gouvernance:consortium", args=[equipe.consortium.uuid]))
    texte = _texte(reponse)
    assert "Département des Landes Pilote" in texte
    assert "CAF des Landes Membre" in texte
    contenu = reponse.content.decode()
    assert reverse("gouvernance:plan", args=[equipe.consortium.uuid]) in contenu
    assert reverse("gouvernance:financeurs", args=[equipe.consortium.uuid]) in contenu
    assert _url_comite(equipe.comite) in contenu
    assert reverse("gouvernance:comite_creer", args=[equipe.consortium.uuid]) not in contenu
    assert "Retirer" not in texte


def test_le_pilote_ajoute_et_retire_une_organisation_du_consortium(client, connecter, equipe):
    association = OrganisationFactory(nom="Association Trait d'union")
    connecter(equipe.pilote)
    url = reverse("gouvernance:consortium_membre_ajouter", args=[equipe.consortium.uuid])
    reponse = client.post(url, {"organisation": str(association.uuid), "role": RoleConsortium.MEMBRE})
    assert reponse.status_code == 302
    adhesion = equipe.consortium.membres.get(organisation=association)
    reponse = client.post(
        reverse("gouvernance:consortium_membre_retirer", args=[equipe.consortium.uuid, adhesion.pk]), follow=True
    )
    assert "« Association Trait d'union » n'est plus membre du consortium." in _texte(reponse)
    assert not equipe.consortium.membres.filter(organisation=association).exists()


def test_retirer_l_organisation_pilote_affiche_le_refus(client, connecter, equipe):
    connecter(equipe.pilote)
    pilote = equipe.consortium.membres.get(role=RoleConsortium.PILOTE)
    url = reverse("gouvernance:consortium_membre_retirer", args=[equipe.consortium.uuid, pilote.pk])
    reponse = client.post(url, follow=True)
    assert "Le consortium garde au moins une organisation pilote." in _texte(reponse)
    assert equipe.consortium.membres.filter(pk=pilote.pk).exists()


# --- Le comité ----------------------------------------------------------------------------------


def test_la_page_du_comite_montre_la_composition_et_le_quorum(client, connecter, equipe):
    services.terminer_mandat(equipe.mandats.caf, acteur=equipe.pilote, date_fin=timezone.localdate())
    services.terminer_mandat(
        equipe.mandats.commune, acteur=equipe.pilote, date_fin=timezone.localdate() + timedelta(days=60)
    )
    connecter(equipe.professionnel_caf)
    reponse = client.get(_url_comite(equipe.comite))
    texte = _texte(reponse)
    assert "4 membres à voix délibérative : quorum à 2 présents ou représentés (50 %)" in texte
    assert "Préfecture des Landes Représentant de l'État Délibérative Pierre Préfet" in texte
    assert "Sophie Sous-préfète" in texte
    assert "France Travail Landes – Consultative Fanny Directrice" in texte
    assert "Pierre Préfet (Préfecture des Landes) voix prépondérante" in texte
    assert "Paule Présidente (Département des Landes)" in texte
    assert "Sacha Secrétaire" in texte
    # La CAF finit aujourd'hui (fin proche), la commune dans soixante jours (fin proche), le préfet dans trois ans.
    assert texte.count("fin proche") == 2
    assert "siège vacant" not in texte
    services.terminer_mandat(
        equipe.mandats.caf, acteur=equipe.pilote, date_fin=timezone.localdate() - timedelta(days=1)
    )
    assert "CAF des Landes – Délibérative siège vacant" in _texte(client.get(_url_comite(equipe.comite)))


def test_les_actions_de_gestion_ne_s_affichent_qu_au_pilote(client, connecter, equipe):
    url_siege = reverse("gouvernance:siege_ajouter", args=[equipe.comite.uuid])
    for utilisateur in (equipe.secretaire, equipe.prefet, equipe.professionnel_caf):
        connecter(utilisateur)
        contenu = client.get(_url_comite(equipe.comite)).content.decode()
        assert url_siege not in contenu
        assert "Gérer" not in contenu
    connecter(equipe.pilote)
    contenu = client.get(_url_comite(equipe.comite)).content.decode()
    assert url_siege in contenu
    assert reverse("gouvernance:comite_modifier", args=[equipe.comite.uuid]) in contenu
    assert reverse("gouvernance:siege_modifier", args=[equipe.comite.uuid, equipe.sieges.caf.uuid]) in contenu


def test_un_membre_d_une_organisation_sans_siege_recoit_404(client, connecter, equipe):
    sans_siege = OrganisationFactory(nom="Association sans siège")
    services.ajouter_membre(equipe.consortium, acteur=equipe.pilote, organisation=sans_siege)
    connecter(membre(sans_siege, Role.PROFESSIONNEL).utilisateur)
    assert client.get(_url_comite(equipe.comite)).status_code == 404
    assert client.get(reverse("gouvernance:consortium", args=[equipe.consortium.uuid])).status_code == 200


def test_une_organisation_qui_siege_sans_etre_membre_ne_voit_pas_le_lien_du_consortium(client, connecter, equipe):
    region = OrganisationFactory(nom="Région Nouvelle-Aquitaine")
    fabriques.siege(equipe.comite, region, ordre=7)
    connecter(membre(region, Role.PROFESSIONNEL).utilisateur)
    reponse = client.get(_url_comite(equipe.comite))
    assert reponse.status_code == 200
    assert reverse("gouvernance:consortium", args=[equipe.consortium.uuid]) not in reponse.content.decode()


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_page_du_comite_en_un_nombre_de_requetes_fixe(client, connecter, equipe, django_assert_num_queries, nombre):
    comite = fabriques.comite(equipe.consortium, nom="Comité opérationnel", type=TypeComite.OPERATIONNEL)
    for numero in range(nombre):
        organisation = OrganisationFactory(nom=f"Organisation {numero}")
        siege = fabriques.siege(comite, organisation, ordre=numero, voix=Voix.DELIBERATIVE)
        fabriques.mandat(siege, nom=f"Titulaire {numero}")
        fabriques.mandat(siege, nom=f"Suppléant {numero}", qualite=Qualite.SUPPLEANT)
    connecter(equipe.pilote)
    client.get(_url_comite(comite))  # caches remplis
    with django_assert_num_queries(15):
        reponse = client.get(_url_comite(comite))
    assert reponse.content.decode().count("fin de mandat :") == 2 * nombre


# --- Les formulaires du comité ------------------------------------------------------------------


def test_creer_un_comite_technique_sans_theme_reaffiche_le_formulaire(client, connecter, equipe):
    connecter(equipe.pilote)
    url = reverse("gouvernance:comite_creer", args=[equipe.consortium.uuid])
    donnees = {
        "nom": "Comité technique mobilité",
        "type": TypeComite.TECHNIQUE,
        "theme": "",
        "periodicite": "trimestrielle",
        "quorum_pourcentage": "50",
        "duree_mandat_annees": "3",
        "secretaire": str(equipe.secretaire.uuid),
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 200
    assert "Un comité technique a un thème." in _texte(reponse)
    reponse = client.post(url, {**donnees, "theme": "mobilite", "quorum_pourcentage": "0"})
    assert "Le quorum est compris entre 1 et 100 pour cent." in _texte(reponse)
    assert not Comite.objects.filter(nom="Comité technique mobilité").exists()
    reponse = client.post(url, {**donnees, "theme": "mobilite"})
    comite = Comite.objects.get(nom="Comité technique mobilité")
    assert reponse.url == _url_comite(comite)
    assert comite.secretaire == equipe.secretaire


def test_le_secretaire_se_choisit_parmi_les_secretaires_des_organisations_membres(client, connecter, equipe):
    ailleurs = membre(OrganisationFactory(nom="Hors consortium"), Role.SECRETAIRE_COMITE, nom="Horsjeu").utilisateur
    connecter(equipe.pilote)
    formulaire = client.get(reverse("gouvernance:comite_modifier", args=[equipe.comite.uuid])).content.decode()
    assert str(equipe.secretaire.uuid) in formulaire
    assert str(ailleurs.uuid) not in formulaire
    assert str(equipe.professionnel_caf.uuid) not in formulaire


def test_changer_de_secretaire_par_le_formulaire(client, connecter, equipe):
    nouveau = membre(equipe.caf, Role.SECRETAIRE_COMITE, prenom="Nina", nom="Nouvelle").utilisateur
    connecter(equipe.pilote)
    reponse = client.post(
        reverse("gouvernance:comite_modifier", args=[equipe.comite.uuid]),
        {
            "nom": "Comité départemental pour l'emploi",
            "type": TypeComite.STRATEGIQUE,
            "theme": "",
            "periodicite": "semestrielle",
            "quorum_pourcentage": "50",
            "duree_mandat_annees": "3",
            "secretaire": str(nouveau.uuid),
            "actif": "on",
        },
    )
    assert reponse.status_code == 302
    equipe.comite.refresh_from_db()
    assert equipe.comite.secretaire == nouveau
    connecter(nouveau)
    assert "Nouvelle séance" in _texte(client.get(_url_comite(equipe.comite)))
    connecter(equipe.secretaire)
    assert "Nouvelle séance" not in _texte(client.get(_url_comite(equipe.comite)))


def test_nommer_un_titulaire_qui_chevauche_reaffiche_le_refus(client, connecter, equipe):
    connecter(equipe.pilote)
    url = reverse("gouvernance:mandat_ajouter", args=[equipe.comite.uuid, equipe.sieges.caf.uuid])
    donnees = {
        "qualite": Qualite.TITULAIRE,
        "prenom": "Paul",
        "nom": "Nouveau",
        "fonction": "",
        "email": "paul@exemple.fr",
        "utilisateur": "",
        "date_debut": timezone.localdate().isoformat(),
        "date_fin": "",
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 200
    assert "Ce siège a déjà un titulaire sur cette période : Claire Directrice" in _texte(reponse)
    reponse = client.post(
        url, {**donnees, "qualite": Qualite.SUPPLEANT, "utilisateur": str(equipe.professionnel_caf.uuid)}
    )
    assert reponse.status_code == 302
    mandat = Mandat.objects.get(nom="Nouveau")
    assert mandat.date_fin == services.fin_par_defaut(equipe.comite, timezone.localdate())
    assert mandat.utilisateur == equipe.professionnel_caf


def test_une_fin_de_mandat_avant_son_debut_reaffiche_le_formulaire(client, connecter, equipe):
    connecter(equipe.pilote)
    mandat = equipe.mandats.caf
    url = reverse("gouvernance:mandat_modifier", args=[equipe.comite.uuid, equipe.sieges.caf.uuid, mandat.uuid])
    reponse = client.post(
        url,
        {
            "qualite": Qualite.TITULAIRE,
            "prenom": "Claire",
            "nom": "Directrice",
            "email": mandat.email,
            "date_debut": mandat.date_debut.isoformat(),
            "date_fin": (mandat.date_debut - timedelta(days=1)).isoformat(),
        },
    )
    assert reponse.status_code == 200
    assert "La fin du mandat suit son début." in _texte(reponse)
    assert Mandat.objects.get(pk=mandat.pk).date_fin == mandat.date_fin


def test_mettre_fin_a_un_mandat(client, connecter, equipe):
    connecter(equipe.pilote)
    mandat = equipe.mandats.caf
    arguments = [equipe.comite.uuid, equipe.sieges.caf.uuid, mandat.uuid]
    assert "Mettre fin au mandat" in _texte(client.get(reverse("gouvernance:mandat_modifier", args=arguments)))
    reponse = client.post(
        reverse("gouvernance:mandat_terminer", args=arguments), {"date_fin": timezone.localdate().isoformat()}
    )
    assert reponse.status_code == 302
    assert Mandat.objects.get(pk=mandat.pk).date_fin == timezone.localdate()


def test_retirer_un_siege_qui_a_siege_affiche_le_refus(client, connecter, equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE)
    Presence.objects.create(seance=seance, siege=equipe.sieges.commune, statut=StatutPresence.PRESENT)
    connecter(equipe.pilote)
    reponse = client.post(
        reverse("gouvernance:siege_retirer", args=[equipe.comite.uuid, equipe.sieges.commune.uuid]), follow=True
    )
    assert "Ce siège a déjà siégé : il reste dans l'histoire des séances." in _texte(reponse)
    assert Siege.objects.filter(pk=equipe.sieges.commune.pk).exists()


def test_ajouter_un_siege_puis_le_retirer(client, connecter, equipe):
    region = OrganisationFactory(nom="Région Nouvelle-Aquitaine")
    agent = membre(region, Role.PROFESSIONNEL).utilisateur
    connecter(equipe.pilote)
    reponse = client.post(
        reverse("gouvernance:siege_ajouter", args=[equipe.comite.uuid]),
        {"organisation": str(region.uuid), "libelle": "", "voix": Voix.CONSULTATIVE, "ordre": "7"},
    )
    assert reponse.status_code == 302
    siege = equipe.comite.sieges.get(organisation=region)
    connecter(agent)
    assert client.get(_url_comite(equipe.comite)).status_code == 200
    connecter(equipe.pilote)
    client.post(reverse("gouvernance:siege_retirer", args=[equipe.comite.uuid, siege.uuid]))
    assert not Siege.objects.filter(pk=siege.pk).exists()
    connecter(agent)
    assert client.get(_url_comite(equipe.comite)).status_code == 404


def test_un_troisieme_co_president_est_refuse_dans_le_formulaire(client, connecter, equipe):
    connecter(equipe.pilote)
    reponse = client.post(
        reverse("gouvernance:copresidence_ajouter", args=[equipe.comite.uuid]),
        {"siege": str(equipe.sieges.caf.uuid), "utilisateur": str(equipe.professionnel_caf.uuid)},
    )
    assert reponse.status_code == 200
    assert "Un comité a au plus deux co-présidents." in _texte(reponse)
    assert equipe.comite.copresidences.count() == 2


def test_retirer_puis_ajouter_un_co_president(client, connecter, equipe):
    connecter(equipe.pilote)
    client.post(
        reverse("gouvernance:copresidence_retirer", args=[equipe.comite.uuid, equipe.copresidences.departement.pk])
    )
    reponse = client.post(
        reverse("gouvernance:copresidence_ajouter", args=[equipe.comite.uuid]),
        {"siege": str(equipe.sieges.caf.uuid), "utilisateur": str(equipe.professionnel_caf.uuid)},
    )
    assert reponse.status_code == 302
    assert list(equipe.comite.copresidences.values_list("utilisateur", flat=True)) == [
        equipe.prefet.pk,
        equipe.professionnel_caf.pk,
    ]


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_page_du_consortium_en_un_nombre_de_requetes_fixe(client, connecter, db, django_assert_num_queries, nombre):
    departement = OrganisationFactory(nom="Département des Pyrénées-Atlantiques", departement="64")
    pilote = membre(departement, Role.PILOTE).utilisateur
    consortium = fabriques.consortium(departement)
    for numero in range(nombre - 1):
        organisation = OrganisationFactory(nom=f"Organisation {numero}", departement="64")
        services.ajouter_membre(consortium, acteur=pilote, organisation=organisation)
    for numero in range(nombre):
        fabriques.comite(consortium, nom=f"Comité local {numero}", type=TypeComite.LOCAL)
    connecter(pilote)
    client.get(reverse("gouvernance:consortium", args=[consortium.uuid]))  # caches remplis
    with django_assert_num_queries(11):
        reponse = client.get(reverse("gouvernance:consortium", args=[consortium.uuid]))
    contenu = reponse.content.decode()
    assert contenu.count('<th scope="row">') == nombre
    assert len(re.findall(r">Comité local \d+</a>", contenu)) == nombre


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_page_du_siege_en_un_nombre_de_requetes_fixe(client, connecter, equipe, django_assert_num_queries, nombre):
    siege = fabriques.siege(equipe.comite, OrganisationFactory(nom="Région Nouvelle-Aquitaine"), ordre=7)
    agent = membre(siege.organisation, Role.PROFESSIONNEL).utilisateur
    debut = timezone.localdate() - timedelta(days=40 * nombre)
    for numero in range(nombre):
        fabriques.mandat(
            siege,
            nom=f"Titulaire {numero}",
            utilisateur=agent,
            date_debut=debut + timedelta(days=40 * numero),
            date_fin=debut + timedelta(days=40 * numero + 39),
        )
    connecter(equipe.pilote)
    client.get(reverse("gouvernance:siege_modifier", args=[equipe.comite.uuid, siege.uuid]))  # caches remplis
    with django_assert_num_queries(11):
        reponse = client.get(reverse("gouvernance:siege_modifier", args=[equipe.comite.uuid, siege.uuid]))
    assert reponse.content.decode().count("Modifier<span") == nombre
