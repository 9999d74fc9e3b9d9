"""Le plan d'actions : les fiches action (numérotées à la suite dans le consortium, créées directement ou depuis une
décision d'un comité), leur contenu, leur avancement, la liste filtrée du plan et la page d'une fiche."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from gouvernance.choix import Financeur, Programme, StatutFiche, Theme
from gouvernance.models import FicheAction, IndicateurFiche, SuiviFiche
from gouvernance.plan import services
from partenaires.choix import Role
from partenaires.models import Organisation
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques


@pytest.fixture
def equipe(db):
    return fabriques.equipe_comite()


def donnees(equipe, **surcharges):
    return {
        "titre": "Garage solidaire du Marsan",
        "programme": Programme.SPIE,
        "theme": Theme.MOBILITE,
        "description": "Réparations à prix réduit.",
        "objectifs": "Lever le frein de la mobilité pour 60 personnes par an.",
        "publics": ["brsa", "jeunes"],
        "organisation_pilote": equipe.caf,
        "partenaires": [equipe.commune],
        "date_debut": date(2026, 1, 1),
        "date_fin": date(2026, 12, 31),
        **surcharges,
    }


def creer(equipe, **surcharges):
    return services.creer_fiche(equipe.consortium, acteur=equipe.pilote, **donnees(equipe, **surcharges))


def formulaire(equipe, **surcharges):
    valeurs = {
        "titre": "Plateforme mobilité",
        "programme": "spie",
        "theme": "mobilite",
        "description": "",
        "objectifs": "200 diagnostics mobilité par an.",
        "publics": ["brsa"],
        "organisation_pilote": str(equipe.caf.uuid),
        "partenaires": [str(equipe.commune.uuid)],
        "date_debut": "2026-01-01",
        "date_fin": "",
    }
    return {**valeurs, **surcharges}


def erreurs(exc) -> dict:
    return exc.value.message_dict


# --- Création et numérotation --------------------------------------------------------------------


def test_les_fiches_sont_numerotees_a_la_suite_dans_chaque_consortium(equipe):
    premiere, deuxieme = creer(equipe), creer(equipe, titre="Plateforme mobilité")
    autre_departement = OrganisationFactory(nom="Département des Pyrénées-Atlantiques", departement="64")
    ailleurs = fabriques.consortium(autre_departement)
    voisine = services.creer_fiche(
        ailleurs, acteur=None, **donnees(equipe, organisation_pilote=autre_departement, partenaires=[])
    )
    assert (premiere.numero, deuxieme.numero, voisine.numero) == (1, 2, 1)
    assert list(premiere.partenaires.all()) == [equipe.commune]
    assert (premiere.statut, premiere.avancement, premiere.publics) == (StatutFiche.EN_PROJET, 0, ["brsa", "jeunes"])


def test_le_numero_suit_le_plus_grand_meme_apres_un_trou(equipe):
    fabriques.fiche(equipe.consortium, equipe.caf, numero=7)
    assert creer(equipe).numero == 8


def test_l_organisation_pilote_doit_etre_membre_du_consortium(equipe):
    exterieure = OrganisationFactory(nom="Garage associatif", departement="40")
    with pytest.raises(ValidationError) as exc:
        creer(equipe, organisation_pilote=exterieure)
    assert erreurs(exc)["organisation_pilote"] == [
        "« Garage associatif » n'est pas membre du consortium : elle ne pilote pas."
    ]
    assert not FicheAction.objects.exists()


def test_une_organisation_desactivee_ne_devient_pas_partenaire(equipe):
    fermee = OrganisationFactory(nom="Association dissoute", departement="40")
    Organisation.objects.filter(pk=fermee.pk).update(is_active=False)
    fermee.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        creer(equipe, partenaires=[equipe.commune, fermee])
    assert erreurs(exc)["partenaires"] == [
        "« Association dissoute » est désactivée : elle ne peut pas être partenaire."
    ]
    assert not FicheAction.objects.exists()


def test_l_organisation_pilote_n_est_pas_comptee_parmi_les_partenaires(equipe):
    fiche = creer(equipe, partenaires=[equipe.caf, equipe.commune])
    assert list(fiche.partenaires.all()) == [equipe.commune]


@pytest.mark.parametrize(
    ("publics", "message"),
    [
        ([], "Choisissez au moins un public."),
        (["brsa", "retraites"], "Public inconnu : retraites."),
        (["tous", "jeunes"], "« Tous publics » ne se combine pas avec d'autres publics."),
    ],
)
def test_les_publics_sont_pris_parmi_ceux_du_plan(equipe, publics, message):
    with pytest.raises(ValidationError) as exc:
        creer(equipe, publics=publics)
    assert erreurs(exc)["publics"] == [message]


def test_la_fin_de_l_action_suit_son_debut(equipe):
    with pytest.raises(ValidationError) as exc:
        creer(equipe, date_debut=date(2026, 6, 1), date_fin=date(2026, 5, 31))
    assert erreurs(exc)["date_fin"] == ["La fin de l'action suit son début."]
    assert not FicheAction.objects.exists()


def test_toutes_les_erreurs_sont_rendues_ensemble(equipe):
    with pytest.raises(ValidationError) as exc:
        creer(equipe, titre="  ", objectifs="", theme="peche")
    assert set(erreurs(exc)) == {"titre", "objectifs", "theme"}


def test_une_decision_d_un_autre_consortium_ne_fonde_pas_une_fiche(equipe):
    autre = OrganisationFactory(nom="Département de la Gironde", departement="33")
    comite = fabriques.comite(fabriques.consortium(autre))
    seance = fabriques.seance(comite, cree_par=equipe.pilote, dans_jours=-30)
    decision = fabriques.decision(seance, autre)
    with pytest.raises(ValidationError) as exc:
        creer(equipe, decision_origine=decision)
    assert exc.value.messages == ["Cette décision relève d'un autre consortium."]
    assert not FicheAction.objects.exists()


# --- Modification et avancement ------------------------------------------------------------------


def test_la_modification_garde_le_numero_et_la_decision_d_origine(equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, dans_jours=-30)
    decision = fabriques.decision(seance, equipe.caf)
    fiche = creer(equipe, decision_origine=decision)
    services.modifier_fiche(
        fiche,
        acteur=equipe.secretaire,
        **donnees(equipe, titre="Garage solidaire élargi", organisation_pilote=equipe.commune, partenaires=[]),
    )
    fiche.refresh_from_db()
    assert (fiche.numero, fiche.titre, fiche.organisation_pilote, fiche.decision_origine) == (
        1,
        "Garage solidaire élargi",
        equipe.commune,
        decision,
    )
    assert not fiche.partenaires.exists()


def test_un_partenaire_desactive_depuis_reste_partenaire_de_la_fiche(equipe):
    fiche = creer(equipe, partenaires=[equipe.commune])
    Organisation.objects.filter(pk=equipe.commune.pk).update(is_active=False)
    equipe.commune.refresh_from_db()
    services.modifier_fiche(fiche, acteur=equipe.pilote, **donnees(equipe, titre="Nouveau titre"))
    assert list(fiche.partenaires.all()) == [equipe.commune]


def test_une_modification_refusee_n_ecrit_rien(equipe):
    fiche = creer(equipe)
    with pytest.raises(ValidationError):
        services.modifier_fiche(fiche, acteur=equipe.pilote, **donnees(equipe, titre="Autre", publics=[]))
    fiche.refresh_from_db()
    assert fiche.titre == "Garage solidaire du Marsan"


@pytest.mark.parametrize("avancement", [-1, 101, None])
def test_l_avancement_est_un_pourcentage(equipe, avancement):
    fiche = creer(equipe)
    with pytest.raises(ValidationError) as exc:
        services.actualiser_avancement(fiche, acteur=equipe.pilote, statut=StatutFiche.EN_COURS, avancement=avancement)
    assert "avancement" in erreurs(exc)
    fiche.refresh_from_db()
    assert (fiche.statut, fiche.avancement) == (StatutFiche.EN_PROJET, 0)


def test_le_membre_de_l_organisation_pilote_actualise_l_avancement(client, connecter, equipe):
    fiche = creer(equipe)
    connecter(equipe.professionnel_caf)
    reponse = client.post(
        reverse("gouvernance:fiche_avancement", args=[fiche.uuid]), {"statut": "en_cours", "avancement": "35"}
    )
    assert reponse.status_code == 302
    fiche.refresh_from_db()
    assert (fiche.statut, fiche.avancement) == (StatutFiche.EN_COURS, 35)
    page = client.get(reponse.url).content.decode()
    assert "Avancement enregistré : en cours, 35 %." in page


def test_l_avancement_hors_bornes_est_signale_sur_le_champ(client, connecter, equipe):
    fiche = creer(equipe)
    connecter(equipe.pilote)
    reponse = client.post(
        reverse("gouvernance:fiche_avancement", args=[fiche.uuid]), {"statut": "en_cours", "avancement": "150"}
    )
    assert reponse.status_code == 200
    assert "L&#x27;avancement est un pourcentage, de 0 à 100." in reponse.content.decode()


# --- Pages : création, depuis une décision -------------------------------------------------------


def test_le_secretaire_cree_une_fiche_par_le_formulaire(client, connecter, equipe):
    connecter(equipe.secretaire)
    reponse = client.post(reverse("gouvernance:fiche_creer", args=[equipe.consortium.uuid]), formulaire(equipe))
    fiche = FicheAction.objects.get()
    assert reponse.status_code == 302 and reponse.url == reverse("gouvernance:fiche", args=[fiche.uuid])
    assert (fiche.numero, fiche.titre, fiche.organisation_pilote, fiche.date_fin) == (
        1,
        "Plateforme mobilité",
        equipe.caf,
        None,
    )
    assert fiche.decision_origine is None


def test_le_formulaire_ne_propose_comme_pilote_que_les_membres_du_consortium(client, connecter, equipe):
    exterieure = OrganisationFactory(nom="Garage associatif", departement="40")
    connecter(equipe.pilote)
    reponse = client.post(
        reverse("gouvernance:fiche_creer", args=[equipe.consortium.uuid]),
        formulaire(equipe, organisation_pilote=str(exterieure.uuid)),
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not FicheAction.objects.exists()


def test_une_decision_pre_remplit_la_fiche_qui_en_garde_l_origine(client, connecter, equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, dans_jours=-30)
    decision = fabriques.decision(
        seance, equipe.caf, texte="Créer un garage solidaire à Mont-de-Marsan\nAvec la CAF et la commune."
    )
    url = reverse("gouvernance:fiche_creer", args=[equipe.consortium.uuid]) + f"?decision={decision.uuid}"
    connecter(equipe.secretaire)
    formulaire_affiche = client.get(url).context["form"]
    assert formulaire_affiche.initial["titre"] == "Créer un garage solidaire à Mont-de-Marsan"
    assert formulaire_affiche.initial["description"] == decision.texte
    assert formulaire_affiche.initial["organisation_pilote"] == equipe.caf
    reponse = client.post(url, formulaire(equipe, titre="Garage solidaire"))
    assert reponse.status_code == 302
    fiche = FicheAction.objects.get()
    assert fiche.decision_origine == decision
    page = client.get(reponse.url).content.decode()
    assert "Créer un garage solidaire à Mont-de-Marsan" in page and escape(equipe.comite.nom) in page


@pytest.mark.parametrize("valeur", ["autre", "pas-un-uuid", "ed9a8b2c-1bb4-4a4c-9f8b-0c1d2e3f4a5b"])
def test_une_decision_d_un_autre_consortium_ou_inconnue_donne_404(client, connecter, equipe, valeur):
    if valeur == "autre":
        ailleurs = OrganisationFactory(nom="Département de la Gironde", departement="33")
        seance = fabriques.seance(fabriques.comite(fabriques.consortium(ailleurs)), cree_par=equipe.pilote)
        valeur = str(fabriques.decision(seance, ailleurs).uuid)
    connecter(equipe.pilote)
    url = reverse("gouvernance:fiche_creer", args=[equipe.consortium.uuid]) + f"?decision={valeur}"
    assert client.get(url).status_code == 404
    assert client.post(url, formulaire(equipe)).status_code == 404
    assert not FicheAction.objects.exists()


# --- La liste du plan ----------------------------------------------------------------------------


def test_le_plan_se_filtre_par_statut_theme_et_programme_avec_ses_totaux(client, connecter, equipe):
    garage = fabriques.fiche(equipe.consortium, equipe.caf, titre="Garage solidaire", statut=StatutFiche.EN_COURS)
    fabriques.ligne_budget(garage, Financeur.ETAT, prevu="1000.10", engage="500", depense="600")
    sante = fabriques.fiche(
        equipe.consortium, equipe.commune, titre="Bilan de santé", theme=Theme.SANTE, programme=Programme.PTI
    )
    fabriques.ligne_budget(sante, Financeur.DEPARTEMENT, prevu="2000.20", engage="0")
    connecter(equipe.professionnel_caf)
    url = reverse("gouvernance:plan", args=[equipe.consortium.uuid])

    tout = client.get(url)
    assert [f.titre for f in tout.context["page"].object_list] == ["Garage solidaire", "Bilan de santé"]
    assert str(tout.context["totaux"].prevu) == "3000.30"
    page = tout.content.decode()
    assert "3\xa0000,30 €" in page and "dépasse l'engagé" in page

    for filtres, titres in [
        ({"statut": "en_cours"}, ["Garage solidaire"]),
        ({"theme": "sante"}, ["Bilan de santé"]),
        ({"programme": "pti"}, ["Bilan de santé"]),
        ({"programme": "spie", "theme": "sante"}, []),
        ({"statut": "inconnu"}, ["Garage solidaire", "Bilan de santé"]),
    ]:
        reponse = client.get(url, filtres)
        assert [f.titre for f in reponse.context["page"].object_list] == titres, filtres
    assert str(client.get(url, {"theme": "sante"}).context["totaux"].prevu) == "2000.20"


def test_le_filtre_htmx_rend_seulement_la_liste(client, connecter, equipe):
    fabriques.fiche(equipe.consortium, equipe.caf)
    connecter(equipe.pilote)
    reponse = client.get(
        reverse("gouvernance:plan", args=[equipe.consortium.uuid]),
        {"theme": "mobilite"},
        headers={"HX-Request": "true"},
    )
    contenu = reponse.content.decode()
    assert "Garage solidaire" in contenu and "<html" not in contenu


def test_seuls_le_pilote_et_les_secretaires_voient_le_bouton_de_creation(client, connecter, equipe):
    url = reverse("gouvernance:plan", args=[equipe.consortium.uuid])
    creation = reverse("gouvernance:fiche_creer", args=[equipe.consortium.uuid])
    connecter(equipe.secretaire)
    assert creation in client.get(url).content.decode()
    connecter(equipe.professionnel_caf)
    assert creation not in client.get(url).content.decode()


@pytest.mark.parametrize("nombre", [1, 30])
def test_le_plan_se_lit_en_un_nombre_fixe_de_requetes(client, connecter, equipe, django_assert_num_queries, nombre):
    for numero in range(nombre):
        fiche = fabriques.fiche(equipe.consortium, equipe.caf, titre=f"Fiche {numero:02d}")
        fabriques.ligne_budget(fiche, Financeur.ETAT)
        fabriques.ligne_budget(fiche, Financeur.FSE)
    connecter(equipe.pilote)
    url = reverse("gouvernance:plan", args=[equipe.consortium.uuid])
    client.get(url)
    with django_assert_num_queries(11):
        reponse = client.get(url)
    assert reponse.context["page"].paginator.count == nombre


# --- La page d'une fiche -------------------------------------------------------------------------


def test_la_fiche_montre_son_contenu_son_budget_ses_indicateurs_et_ses_revues(client, connecter, equipe):
    fiche = creer(equipe, partenaires=[equipe.commune, equipe.mission_locale])
    fabriques.ligne_budget(fiche, Financeur.ETAT, annee=2026, prevu="178400", engage="100000", depense="50000")
    fabriques.ligne_budget(fiche, Financeur.DEPARTEMENT, annee=2026, prevu="44600")
    fabriques.ligne_budget(fiche, Financeur.ETAT, annee=2027, prevu="178400")
    IndicateurFiche.objects.create(
        fiche=fiche, libelle="Personnes accompagnées", unite="personnes", cible=60, valeur=45
    )
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, dans_jours=-10)
    SuiviFiche.objects.create(
        fiche=fiche, seance=seance, statut=StatutFiche.EN_COURS, avancement=30, commentaire="Local trouvé."
    )
    connecter(equipe.prefet)  # membre du consortium, sans droit d'écriture
    reponse = client.get(reverse("gouvernance:fiche", args=[fiche.uuid]))
    page = reponse.content.decode()
    for texte in [
        "Fiche n° 1 – Garage solidaire du Marsan",
        "Bénéficiaires du RSA, Jeunes de 16 à 25 ans",
        "CAF des Landes",
        "Mission locale des Landes, Ville de Dax",
        "Du 1 janvier 2026",
        "au 31 décembre 2026",
        "Total 2026",
        "223\xa0000,00 €",  # 178 400 + 44 600
        "356\xa0800,00 €",  # État, deux années
        "401\xa0400,00 €",  # total général
        "28,0 %",  # engagement de l'État : 100 000 / 356 800
        "Personnes accompagnées",
        "75,0 %",  # atteinte : 45 / 60
        "Local trouvé.",
        "Créée directement dans le plan d'actions",
    ]:
        assert texte in page, texte
    assert reverse("gouvernance:fiche_modifier", args=[fiche.uuid]) not in page
    assert reverse("gouvernance:ligne_budget_ajouter", args=[fiche.uuid]) not in page
    budget = reponse.context["budget"]
    assert [annee.annee for annee in budget.annees] == [2026, 2027]
    assert [ligne.libelle for ligne in budget.par_financeur] == ["État", "Département"]


def test_le_membre_de_l_organisation_pilote_voit_les_actions_d_actualisation_pas_la_modification(
    client, connecter, equipe
):
    fiche = creer(equipe)
    connecter(equipe.professionnel_caf)
    page = client.get(reverse("gouvernance:fiche", args=[fiche.uuid])).content.decode()
    assert reverse("gouvernance:fiche_avancement", args=[fiche.uuid]) in page
    assert reverse("gouvernance:ligne_budget_ajouter", args=[fiche.uuid]) in page
    assert reverse("gouvernance:fiche_modifier", args=[fiche.uuid]) not in page


def test_une_organisation_hors_du_consortium_ne_voit_pas_la_fiche(client, connecter, equipe):
    fiche = creer(equipe)
    etranger = membre(OrganisationFactory(nom="Association voisine", departement="40"), Role.ADMINISTRATEUR)
    connecter(etranger.utilisateur)
    assert client.get(reverse("gouvernance:fiche", args=[fiche.uuid])).status_code == 404
    assert client.get(reverse("gouvernance:plan", args=[equipe.consortium.uuid])).status_code == 404


def test_la_page_de_modification_reprend_les_valeurs_de_la_fiche(client, connecter, equipe):
    fiche = creer(equipe, date_fin=timezone.localdate() + timedelta(days=400))
    connecter(equipe.pilote)
    form = client.get(reverse("gouvernance:fiche_modifier", args=[fiche.uuid])).context["form"]
    assert form.initial["titre"] == fiche.titre
    assert form.initial["partenaires"] == [equipe.commune]
    reponse = client.post(
        reverse("gouvernance:fiche_modifier", args=[fiche.uuid]),
        formulaire(equipe, titre="Garage solidaire et auto-école sociale", partenaires=[]),
    )
    assert reponse.status_code == 302
    fiche.refresh_from_db()
    assert fiche.titre == "Garage solidaire et auto-école sociale" and not fiche.partenaires.exists()


def test_une_modification_partielle_garde_les_autres_champs_et_les_partenaires(equipe):
    fiche = creer(equipe, partenaires=[equipe.commune, equipe.mission_locale])
    services.modifier_fiche(fiche, acteur=equipe.pilote, titre="Garage solidaire des Landes")
    fiche.refresh_from_db()
    assert (fiche.titre, fiche.objectifs, fiche.organisation_pilote) == (
        "Garage solidaire des Landes",
        "Lever le frein de la mobilité pour 60 personnes par an.",
        equipe.caf,
    )
    assert set(fiche.partenaires.all()) == {equipe.commune, equipe.mission_locale}
