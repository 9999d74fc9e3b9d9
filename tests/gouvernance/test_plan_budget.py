"""Le budget d'une fiche action (une ligne par financeur, et par précision pour « autre financeur », et par année ;
montants jamais négatifs ; dépensé supérieur à l'engagé signalé sans être refusé) et ses indicateurs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gouvernance.choix import Financeur
from gouvernance.models import IndicateurFiche, LigneBudget
from gouvernance.plan import services
from tests.gouvernance import fabriques


@pytest.fixture
def equipe(db):
    equipe = fabriques.equipe_comite()
    equipe.fiche = fabriques.fiche(equipe.consortium, equipe.caf)
    return equipe


def ajouter(equipe, **champs):
    valeurs = {"financeur": Financeur.ETAT, "annee": 2026, "prevu": Decimal("356800"), **champs}
    return services.ajouter_ligne_budget(equipe.fiche, acteur=equipe.pilote, **valeurs)


def lignes():
    return list(LigneBudget.objects.order_by("pk").values_list("financeur", "precision_financeur", "annee", "prevu"))


# --- Règles du budget ----------------------------------------------------------------------------


@pytest.mark.parametrize("champ", ["prevu", "engage", "depense"])
def test_un_montant_negatif_est_refuse_sur_son_champ(equipe, champ):
    with pytest.raises(ValidationError) as exc:
        ajouter(equipe, **{champ: Decimal("-0.01")})
    assert exc.value.message_dict == {champ: ["Un montant ne peut pas être négatif."]}
    assert not LigneBudget.objects.exists()


def test_une_modification_avec_un_montant_negatif_n_ecrit_rien(equipe):
    ligne = ajouter(equipe, engage=Decimal("100000"))
    with pytest.raises(ValidationError):
        services.modifier_ligne_budget(
            ligne, acteur=equipe.pilote, financeur=Financeur.ETAT, annee=2027, prevu=1, engage=-5, depense=0
        )
    ligne.refresh_from_db()
    assert (ligne.annee, ligne.prevu, ligne.engage) == (2026, Decimal("356800.00"), Decimal("100000.00"))


def test_un_financeur_n_a_qu_une_ligne_par_annee(equipe):
    ajouter(equipe)
    with pytest.raises(ValidationError) as exc:
        ajouter(equipe, prevu=Decimal("1000"))
    assert exc.value.messages == ["État a déjà une ligne pour 2026 sur cette fiche : modifiez-la."]
    ajouter(equipe, annee=2027)
    ajouter(equipe, financeur=Financeur.DEPARTEMENT)
    assert lignes() == [
        ("etat", "", 2026, Decimal("356800.00")),
        ("etat", "", 2027, Decimal("356800.00")),
        ("departement", "", 2026, Decimal("356800.00")),
    ]


def test_un_autre_financeur_exige_sa_precision_et_en_a_une_ligne_par_annee(equipe):
    with pytest.raises(ValidationError) as exc:
        ajouter(equipe, financeur=Financeur.AUTRE, precision_financeur="  ")
    assert exc.value.message_dict == {
        "precision_financeur": ["Précisez cet autre financeur (par exemple : CAF, commune, PLIE)."]
    }
    ajouter(equipe, financeur=Financeur.AUTRE, precision_financeur="CAF des Landes", prevu=Decimal("20000"))
    ajouter(equipe, financeur=Financeur.AUTRE, precision_financeur="Ville de Dax", prevu=Decimal("5000"))
    with pytest.raises(ValidationError) as exc:
        ajouter(equipe, financeur=Financeur.AUTRE, precision_financeur="caf des landes ")
    assert exc.value.messages == ["caf des landes a déjà une ligne pour 2026 sur cette fiche : modifiez-la."]
    assert [ligne[1] for ligne in lignes()] == ["CAF des Landes", "Ville de Dax"]


def test_la_precision_n_est_gardee_que_pour_un_autre_financeur(equipe):
    ligne = ajouter(equipe, precision_financeur="DDETS")
    assert ligne.precision_financeur == ""


def test_l_annee_est_plausible(equipe):
    with pytest.raises(ValidationError) as exc:
        ajouter(equipe, annee=1926)
    assert exc.value.message_dict == {"annee": ["Indiquez une année entre 2000 et 2100."]}


def test_un_depense_superieur_a_l_engage_est_accepte_et_signale(client, connecter, equipe):
    connecter(equipe.professionnel_caf)  # membre de l'organisation pilote de la fiche
    reponse = client.post(
        reverse("gouvernance:ligne_budget_ajouter", args=[equipe.fiche.uuid]),
        {"financeur": "etat", "annee": "2026", "prevu": "356 800 €", "engage": "100000", "depense": "120000,50"},
        follow=True,
    )
    assert reponse.redirect_chain[-1][0].endswith("#budget")
    ligne = LigneBudget.objects.get()
    assert (ligne.prevu, ligne.engage, ligne.depense) == (Decimal("356800"), Decimal("100000"), Decimal("120000.50"))
    messages = [str(message) for message in reponse.context["messages"]]
    assert messages == [
        "La ligne de budget 2026 est ajoutée.",
        "Le dépensé (120\xa0000,50 €) dépasse l'engagé (100\xa0000,00 €) pour État en 2026 : vérifiez les montants.",
    ]
    assert "dépasse l'engagé" in reponse.content.decode()


def test_sans_depassement_pas_d_avertissement(client, connecter, equipe):
    connecter(equipe.pilote)
    reponse = client.post(
        reverse("gouvernance:ligne_budget_ajouter", args=[equipe.fiche.uuid]),
        {"financeur": "fse", "annee": "2026", "prevu": "830000", "engage": "", "depense": ""},
        follow=True,
    )
    assert [str(message) for message in reponse.context["messages"]] == ["La ligne de budget 2026 est ajoutée."]
    assert LigneBudget.objects.get().engage == Decimal("0.00")


def test_le_formulaire_affiche_le_refus_d_un_montant_negatif_sur_le_champ(client, connecter, equipe):
    connecter(equipe.secretaire)
    reponse = client.post(
        reverse("gouvernance:ligne_budget_ajouter", args=[equipe.fiche.uuid]),
        {"financeur": "etat", "annee": "2026", "prevu": "-10", "engage": "", "depense": ""},
    )
    assert reponse.status_code == 200
    assert reponse.context["form"].errors == {"prevu": ["Un montant ne peut pas être négatif."]}
    assert not LigneBudget.objects.exists()


def test_une_ligne_se_modifie_et_se_retire(client, connecter, equipe):
    ligne = ajouter(equipe)
    connecter(equipe.pilote)
    url = reverse("gouvernance:ligne_budget_modifier", args=[equipe.fiche.uuid, ligne.pk])
    assert 'value="356800,00"' in client.get(url).content.decode()
    reponse = client.post(
        url, {"financeur": "etat", "annee": "2026", "prevu": "356800", "engage": "200000", "depense": "150000"}
    )
    assert reponse.status_code == 302
    ligne.refresh_from_db()
    assert (ligne.engage, ligne.depense) == (Decimal("200000.00"), Decimal("150000.00"))
    reponse = client.post(reverse("gouvernance:ligne_budget_supprimer", args=[equipe.fiche.uuid, ligne.pk]))
    assert reponse.status_code == 302 and not LigneBudget.objects.exists()


def test_une_ligne_d_une_autre_fiche_est_introuvable(client, connecter, equipe):
    autre = fabriques.fiche(equipe.consortium, equipe.caf, titre="Autre fiche")
    ligne = fabriques.ligne_budget(autre)
    connecter(equipe.pilote)
    assert (
        client.get(reverse("gouvernance:ligne_budget_modifier", args=[equipe.fiche.uuid, ligne.pk])).status_code == 404
    )
    url = reverse("gouvernance:ligne_budget_supprimer", args=[equipe.fiche.uuid, ligne.pk])
    assert client.post(url).status_code == 404
    assert LigneBudget.objects.filter(pk=ligne.pk).exists()


# --- Indicateurs ---------------------------------------------------------------------------------


def test_une_valeur_sans_date_est_mesuree_aujourd_hui(equipe):
    indicateur = services.ajouter_indicateur(
        equipe.fiche, acteur=equipe.pilote, libelle="Personnes accompagnées", unite="personnes", cible=60, valeur=12
    )
    assert (indicateur.cible, indicateur.valeur, indicateur.date_mesure) == (60, 12, timezone.localdate())
    services.modifier_indicateur(
        indicateur,
        acteur=equipe.pilote,
        libelle="Personnes accompagnées",
        cible=60,
        valeur=45,
        date_mesure=date(2026, 1, 15),
    )
    indicateur.refresh_from_db()
    assert (indicateur.valeur, indicateur.date_mesure) == (45, date(2026, 1, 15))


def test_une_cible_seule_n_a_pas_de_date_de_mesure(equipe):
    indicateur = services.ajouter_indicateur(equipe.fiche, acteur=equipe.pilote, libelle="Sorties en emploi", cible=20)
    assert (indicateur.valeur, indicateur.date_mesure) == (None, None)


@pytest.mark.parametrize(
    ("champs", "erreurs"),
    [
        ({"libelle": " "}, {"libelle": ["Nommez l'indicateur (par exemple : personnes accompagnées)."]}),
        (
            {"libelle": "Sorties", "date_mesure": date(2026, 1, 1)},
            {"valeur": ["Une date de mesure accompagne une valeur constatée : indiquez-la."]},
        ),
        (
            {"libelle": "Sorties", "valeur": 3, "date_mesure": "demain"},
            {"date_mesure": ["Une mesure ne se date pas dans le futur."]},
        ),
    ],
)
def test_un_indicateur_mal_saisi_est_refuse(equipe, champs, erreurs):
    # « demain » se calcule à l'exécution : calculé à la collecte, il devient « aujourd'hui » si minuit (heure de
    # Paris) passe entre la collecte et le test.
    if champs.get("date_mesure") == "demain":
        champs = {**champs, "date_mesure": timezone.localdate() + timedelta(days=1)}
    with pytest.raises(ValidationError) as exc:
        services.ajouter_indicateur(equipe.fiche, acteur=equipe.pilote, **champs)
    assert exc.value.message_dict == erreurs
    assert not IndicateurFiche.objects.exists()


def test_le_pilote_de_la_fiche_ajoute_puis_actualise_un_indicateur(client, connecter, equipe):
    connecter(equipe.professionnel_caf)
    reponse = client.post(
        reverse("gouvernance:indicateur_ajouter", args=[equipe.fiche.uuid]),
        {"libelle": "Véhicules réparés", "unite": "véhicules", "cible": "120"},
    )
    assert reponse.status_code == 302 and reponse.url.endswith("#indicateurs")
    indicateur = IndicateurFiche.objects.get()
    reponse = client.post(
        reverse("gouvernance:indicateur_modifier", args=[equipe.fiche.uuid, indicateur.pk]),
        {"libelle": "Véhicules réparés", "unite": "véhicules", "cible": "120", "valeur": "90"},
        follow=True,
    )
    indicateur.refresh_from_db()
    assert indicateur.valeur == Decimal("90.00")
    assert "75,0 %" in reponse.content.decode()  # atteinte : 90 / 120
