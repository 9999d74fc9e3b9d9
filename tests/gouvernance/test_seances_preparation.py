"""Préparer une séance : la créer (date à venir, lieu et/ou visio), la modifier avant la convocation, composer son
ordre du jour (ajouter, modifier, déplacer, retirer des points, liés ou non à une fiche action du territoire).
Toute modification de l'ordre du jour efface les validations des co-présidents ; après la convocation il est
figé ; une séance clôturée ne change plus."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gouvernance.choix import StatutSeance, TypePoint
from gouvernance.models import Point, Seance, ValidationOrdreDuJour
from gouvernance.seances import services
from partenaires.choix import TypeOrganisation
from tests.factories import OrganisationFactory
from tests.gouvernance import fabriques


@pytest.fixture
def equipe(db):
    return fabriques.equipe_comite()


@pytest.fixture
def seance(equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire)
    for titre in ("Installation du comité", "Diagnostic territorial", "Questions diverses"):
        fabriques.point(seance, titre)
    return seance


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def _saisie(jours=30, heure="14:30"):
    return f"{timezone.localdate() + timedelta(days=jours):%Y-%m-%d}T{heure}"


def _titres(seance):
    return list(seance.points.order_by("ordre").values_list("ordre", "titre"))


def _valider_par_tous(equipe, seance):
    for copresidence in (equipe.copresidences.etat, equipe.copresidences.departement):
        services.valider_ordre_du_jour(seance, acteur=copresidence.utilisateur, copresidence=copresidence)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE


# --- Créer et modifier la séance ----------------------------------------------------------------


def test_le_secretaire_prevoit_une_seance_puis_arrive_sur_sa_page(client, connecter, equipe):
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:seance_creer", args=[equipe.comite.uuid]),
        {"date": _saisie(heure="09:30"), "lieu": "Hôtel du Département, Mont-de-Marsan", "lien_visio": ""},
    )
    seance = Seance.objects.get()
    assert reponse.status_code == 302 and reponse.url == reverse("gouvernance:seance", args=[seance.uuid])
    assert (seance.comite, seance.statut, seance.cree_par) == (
        equipe.comite,
        StatutSeance.PREPARATION,
        equipe.secretaire,
    )
    assert f"{timezone.localtime(seance.date):%H:%M}" == "09:30"
    page = _texte(client.get(reponse.url))
    assert "Hôtel du Département, Mont-de-Marsan" in page and "En préparation" in page
    assert "La séance est prévue. Composez maintenant son ordre du jour." in page


def test_une_seance_en_visio_seule_est_acceptee(equipe):
    seance = services.creer_seance(
        equipe.comite,
        acteur=equipe.secretaire,
        date=timezone.now() + timedelta(days=3),
        lien_visio="https://visio.gouv.fr/cde",
    )
    assert (seance.lieu, seance.lien_visio) == ("", "https://visio.gouv.fr/cde")


def test_le_formulaire_complete_le_lien_de_visio_en_https(client, connecter, equipe):
    connecter(equipe.secretaire)
    client.post(
        reverse("gouvernance:seance_creer", args=[equipe.comite.uuid]),
        {"date": _saisie(), "lieu": "", "lien_visio": "webconf.numerique.gouv.fr/cde40"},
    )
    assert Seance.objects.get().lien_visio == "https://webconf.numerique.gouv.fr/cde40"


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ({"date": _saisie(jours=-1)}, "Une séance se prévoit à une date à venir."),
        ({"lieu": "", "lien_visio": ""}, "Indiquez un lieu, un lien de visioconférence, ou les deux."),
        ({"date": ""}, "Ce champ est obligatoire."),
        ({"lien_visio": "pas un lien"}, "Saisissez une URL valide."),
    ],
)
def test_une_seance_mal_prevue_est_refusee_sans_rien_ecrire(client, connecter, equipe, saisie, message):
    connecter(equipe.secretaire)
    donnees = {"date": _saisie(), "lieu": "Salle du conseil", "lien_visio": ""} | saisie
    reponse = client.post(reverse("gouvernance:seance_creer", args=[equipe.comite.uuid]), donnees)
    assert reponse.status_code == 200 and message in _texte(reponse)
    assert not Seance.objects.exists()


def test_un_comite_inactif_ne_tient_plus_de_seance(equipe):
    equipe.comite.actif = False
    equipe.comite.save(update_fields=["actif"])
    with pytest.raises(ValidationError, match="n'est plus actif"):
        services.creer_seance(
            equipe.comite, acteur=equipe.secretaire, date=timezone.now() + timedelta(days=3), lieu="Salle"
        )
    assert not Seance.objects.exists()


def test_changer_la_date_et_le_lieu_garde_les_validations_de_l_ordre_du_jour(client, connecter, equipe, seance):
    _valider_par_tous(equipe, seance)
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:seance_modifier", args=[seance.uuid]),
        {"date": _saisie(jours=20, heure="10:00"), "lieu": "Préfecture, salle Borda", "lien_visio": ""},
    )
    assert reponse.status_code == 302
    seance.refresh_from_db()
    assert seance.lieu == "Préfecture, salle Borda" and f"{timezone.localtime(seance.date):%H:%M}" == "10:00"
    assert seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE and seance.validations.count() == 2


def test_une_seance_convoquee_ne_change_plus_de_date(client, connecter, equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE)
    avant = (seance.date, seance.lieu)
    with pytest.raises(ValidationError, match="la séance ne se modifie plus"):
        services.modifier_seance(
            seance, acteur=equipe.secretaire, date=seance.date + timedelta(days=1), lieu="Ailleurs"
        )
    connecter(equipe.secretaire)
    reponse = client.get(reverse("gouvernance:seance_modifier", args=[seance.uuid]), follow=True)
    assert "la date et le lieu de la séance ne se modifient plus" in _texte(reponse)
    seance.refresh_from_db()
    assert (seance.date, seance.lieu) == avant


# --- Composer l'ordre du jour -------------------------------------------------------------------


def test_les_points_ajoutes_se_suivent_et_se_lient_a_une_fiche_du_territoire(client, connecter, equipe, seance):
    fiche = fabriques.fiche(equipe.consortium, equipe.departement, titre="Garage solidaire du Marsan")
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:point_ajouter", args=[seance.uuid]),
        {
            "titre": "Avancement du garage solidaire",
            "type": TypePoint.SUIVI_FICHE,
            "duree_minutes": "20",
            "description": "Présenté par l'association porteuse.",
            "fiche_action": str(fiche.uuid),
        },
    )
    assert reponse.status_code == 302
    point = seance.points.get(titre="Avancement du garage solidaire")
    assert (point.ordre, point.type, point.duree_minutes, point.fiche_action) == (4, TypePoint.SUIVI_FICHE, 20, fiche)
    page = _texte(client.get(reverse("gouvernance:seance", args=[seance.uuid])))
    assert "Avancement du garage solidaire" in page and "Fiche 1 – Garage solidaire du Marsan" in page


def test_une_fiche_d_un_autre_territoire_n_entre_pas_dans_l_ordre_du_jour(client, connecter, equipe, seance):
    ailleurs = OrganisationFactory(nom="Département des Pyrénées-Atlantiques", type=TypeOrganisation.DEPARTEMENT)
    ailleurs.departement = "64"
    ailleurs.save(update_fields=["departement"])
    fiche_ailleurs = fabriques.fiche(fabriques.consortium(ailleurs), ailleurs, titre="Plateforme mobilité 64")
    avant = _titres(seance)
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_point(
            seance, acteur=equipe.secretaire, titre="Mobilité", type=TypePoint.SUIVI_FICHE, fiche_action=fiche_ailleurs
        )
    assert erreur.value.message_dict == {"fiche_action": ["Cette fiche action relève d'un autre territoire."]}
    point = seance.points.first()
    with pytest.raises(ValidationError, match="relève d'un autre territoire"):
        services.modifier_point(
            point, acteur=equipe.secretaire, titre=point.titre, type=point.type, fiche_action=fiche_ailleurs
        )
    # Par le formulaire : la fiche d'ailleurs n'est pas proposée, et forcée elle est refusée.
    connecter(equipe.secretaire)
    url = reverse("gouvernance:point_ajouter", args=[seance.uuid])
    assert "Plateforme mobilité 64" not in _texte(client.get(url))
    reponse = client.post(
        url, {"titre": "Mobilité", "type": TypePoint.INFORMATION, "fiche_action": fiche_ailleurs.uuid}
    )
    assert reponse.status_code == 200
    assert "Choisissez une fiche action du plan d'actions de ce territoire." in _texte(reponse)
    assert _titres(seance) == avant


def test_un_point_de_suivi_d_une_fiche_action_designe_la_fiche(client, connecter, equipe, seance):
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:point_ajouter", args=[seance.uuid]),
        {"titre": "Suivi du PTI", "type": TypePoint.SUIVI_FICHE, "fiche_action": ""},
    )
    assert reponse.status_code == 200
    assert "Un point de suivi d'une fiche action désigne cette fiche." in _texte(reponse)
    assert seance.points.count() == 3


def test_deplacer_un_point_echange_son_rang_avec_son_voisin(client, connecter, equipe, seance):
    questions = seance.points.get(titre="Questions diverses")
    connecter(equipe.secretaire)
    url = reverse("gouvernance:point_deplacer", args=[seance.uuid, questions.uuid])
    reponse = client.post(url, {"sens": "haut"}, follow=True)
    assert "« Questions diverses » est maintenant le point 2." in _texte(reponse)
    assert _titres(seance) == [(1, "Installation du comité"), (2, "Questions diverses"), (3, "Diagnostic territorial")]
    client.post(url, {"sens": "haut"})
    client.post(reverse("gouvernance:point_deplacer", args=[seance.uuid, questions.uuid]), {"sens": "bas"})
    assert _titres(seance) == [(1, "Installation du comité"), (2, "Questions diverses"), (3, "Diagnostic territorial")]


@pytest.mark.parametrize(
    ("titre", "sens", "message"),
    [
        ("Installation du comité", "haut", "Ce point ouvre déjà l'ordre du jour."),
        ("Questions diverses", "bas", "Ce point clôt déjà l'ordre du jour."),
        ("Diagnostic territorial", "de côté", "Indiquez le sens du déplacement"),
    ],
)
def test_un_deplacement_impossible_est_refuse_sans_effacer_les_validations(
    client, connecter, equipe, seance, titre, sens, message
):
    _valider_par_tous(equipe, seance)
    avant = _titres(seance)
    connecter(equipe.secretaire)
    point = seance.points.get(titre=titre)
    reponse = client.post(reverse("gouvernance:point_deplacer", args=[seance.uuid, point.uuid]), {"sens": sens})
    assert reponse.status_code == 200 and message in _texte(reponse)
    seance.refresh_from_db()
    assert _titres(seance) == avant
    assert seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE and seance.validations.count() == 2


def test_retirer_un_point_fait_remonter_les_suivants(client, connecter, equipe, seance):
    connecter(equipe.secretaire)
    diagnostic = seance.points.get(titre="Diagnostic territorial")
    reponse = client.post(reverse("gouvernance:point_supprimer", args=[seance.uuid, diagnostic.uuid]))
    assert reponse.status_code == 302
    assert _titres(seance) == [(1, "Installation du comité"), (2, "Questions diverses")]


def test_modifier_un_point_enregistre_sa_saisie(client, connecter, equipe, seance):
    point = seance.points.get(titre="Diagnostic territorial")
    connecter(equipe.secretaire)
    url = reverse("gouvernance:point_modifier", args=[seance.uuid, point.uuid])
    assert "Diagnostic territorial" in _texte(client.get(url))
    reponse = client.post(
        url, {"titre": "Diagnostic territorial 2026", "type": TypePoint.DELIBERATION, "duree_minutes": "45"}
    )
    assert reponse.status_code == 302
    point.refresh_from_db()
    assert (point.titre, point.type, point.duree_minutes, point.ordre) == (
        "Diagnostic territorial 2026",
        TypePoint.DELIBERATION,
        45,
        2,
    )


def test_un_point_d_une_autre_seance_n_est_pas_trouve(client, connecter, equipe, seance):
    autre = fabriques.point(fabriques.seance(equipe.comite, cree_par=equipe.secretaire), "Point d'une autre séance")
    connecter(equipe.secretaire)
    assert client.get(reverse("gouvernance:point_modifier", args=[seance.uuid, autre.uuid])).status_code == 404
    assert client.post(reverse("gouvernance:point_supprimer", args=[seance.uuid, autre.uuid])).status_code == 404
    assert Point.objects.filter(pk=autre.pk).exists()


def _ajouter(equipe, seance):
    services.ajouter_point(seance, acteur=equipe.secretaire, titre="Point ajouté")


def _modifier(equipe, seance):
    point = seance.points.first()
    services.modifier_point(point, acteur=equipe.secretaire, titre="Titre changé", type=point.type)


def _retirer(equipe, seance):
    services.supprimer_point(seance.points.last(), acteur=equipe.secretaire)


def _deplacer(equipe, seance):
    services.deplacer_point(seance.points.last(), acteur=equipe.secretaire, sens="haut")


MODIFICATIONS = [_ajouter, _modifier, _retirer, _deplacer]


@pytest.mark.parametrize("modification", MODIFICATIONS)
def test_toute_modification_de_l_ordre_du_jour_efface_les_validations(equipe, seance, modification):
    _valider_par_tous(equipe, seance)
    modification(equipe, seance)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.PREPARATION
    assert not ValidationOrdreDuJour.objects.filter(seance=seance).exists()


@pytest.mark.parametrize("modification", MODIFICATIONS)
def test_une_validation_partielle_est_aussi_effacee(equipe, seance, modification):
    services.valider_ordre_du_jour(seance, acteur=equipe.prefet, copresidence=equipe.copresidences.etat)
    modification(equipe, seance)
    assert not seance.validations.exists()


@pytest.mark.parametrize("modification", MODIFICATIONS)
def test_apres_la_convocation_l_ordre_du_jour_est_fige(equipe, seance, modification):
    Seance.objects.filter(pk=seance.pk).update(statut=StatutSeance.CONVOQUEE, convocation_envoyee_le=timezone.now())
    avant = _titres(seance)
    with pytest.raises(ValidationError, match="l'ordre du jour est figé"):
        modification(equipe, seance)
    assert _titres(seance) == avant


@pytest.mark.parametrize(
    "action",
    [
        *MODIFICATIONS,
        lambda equipe, seance: services.modifier_seance(
            seance, acteur=equipe.secretaire, date=timezone.now() + timedelta(days=5), lieu="Ailleurs"
        ),
        lambda equipe, seance: services.valider_ordre_du_jour(
            seance, acteur=equipe.prefet, copresidence=equipe.copresidences.etat
        ),
        lambda equipe, seance: services.envoyer_convocation(seance, acteur=equipe.secretaire),
    ],
    ids=["ajouter", "modifier", "retirer", "deplacer", "modifier_seance", "valider", "convoquer"],
)
def test_une_seance_cloturee_est_figee(equipe, seance, action):
    Seance.objects.filter(pk=seance.pk).update(statut=StatutSeance.CLOTUREE, cloturee_le=timezone.now())
    avant = (_titres(seance), list(Seance.objects.values_list("date", "lieu", "statut")))
    with pytest.raises(ValidationError, match="La séance est clôturée : elle est figée."):
        action(equipe, seance)
    assert (_titres(seance), list(Seance.objects.values_list("date", "lieu", "statut"))) == avant
    assert not seance.validations.exists() and not seance.envois_convocation.exists()


def test_la_page_d_une_seance_convoquee_ne_propose_plus_de_modifier_l_ordre_du_jour(client, connecter, equipe, seance):
    Seance.objects.filter(pk=seance.pk).update(statut=StatutSeance.CONVOQUEE, convocation_envoyee_le=timezone.now())
    connecter(equipe.secretaire)
    page = _texte(client.get(reverse("gouvernance:seance", args=[seance.uuid])))
    assert "Installation du comité" in page
    assert "Ajouter un point" not in page and "Modifier la date et le lieu" not in page
    assert reverse("gouvernance:point_deplacer", args=[seance.uuid, seance.points.first().uuid]) not in page


@pytest.mark.parametrize(
    ("statut", "message"),
    [
        (StatutSeance.CONVOQUEE, "La convocation est partie : l'ordre du jour est figé."),
        (StatutSeance.CLOTUREE, "La séance est clôturée : l'ordre du jour est figé."),
    ],
)
def test_les_formulaires_d_une_seance_figee_renvoient_a_sa_page(client, connecter, equipe, seance, statut, message):
    Seance.objects.filter(pk=seance.pk).update(statut=statut, convocation_envoyee_le=timezone.now())
    point = seance.points.first()
    connecter(equipe.secretaire)
    for url in (
        reverse("gouvernance:point_ajouter", args=[seance.uuid]),
        reverse("gouvernance:point_modifier", args=[seance.uuid, point.uuid]),
    ):
        reponse = client.post(url, {"titre": "Tentative", "type": TypePoint.INFORMATION})
        assert reponse.status_code == 302 and reponse.url == reverse("gouvernance:seance", args=[seance.uuid])
        assert message in _texte(client.get(reponse.url))
    assert _titres(seance) == [(1, "Installation du comité"), (2, "Diagnostic territorial"), (3, "Questions diverses")]
