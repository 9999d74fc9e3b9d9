"""`offre.validation` : les contrôles communs au catalogue et à l'import data·inclusion (messages en français qui
nomment la valeur fautive)."""

import pytest
from django.core.exceptions import ValidationError

from offre import validation


def test_les_codes_connus_sont_rendus_sans_doublon_ni_blanc():
    assert validation.valider_thematiques([" mobilite--preparer-un-permis", "mobilite--preparer-un-permis"]) == [
        "mobilite--preparer-un-permis"
    ]
    assert validation.valider_publics(None) == []
    assert validation.valider_type("") == ""
    assert validation.valider_frais("payant") == "payant"


@pytest.mark.parametrize(
    ("fonction", "valeur", "message"),
    [
        (
            validation.valider_thematiques,
            ["mobilite--voler"],
            "Thématiques : la valeur « mobilite--voler » n'existe pas",
        ),
        (
            validation.valider_publics,
            ["jeunes", "martiens", "robots"],
            "les valeurs « martiens », « robots » n'existent",
        ),
        (validation.valider_publics, ["tous-publics", "jeunes"], "« Tous publics » ne se combine pas"),
        (validation.valider_type, "conference", "Type de service : la valeur « conference »"),
        (validation.valider_frais, ["gratuit"], "n'est pas un code"),
        (validation.valider_modes_mobilisation, ["pigeon"], "Modes de mobilisation : la valeur « pigeon »"),
        (validation.valider_mobilisable_par, ["robots"], "Mobilisable par"),
        (validation.valider_reseaux_porteurs, ["inconnu"], "Réseaux porteurs"),
        (validation.valider_modes_accueil, ["sur-la-lune"], "Modes d'accueil"),
        (validation.valider_thematiques, "mobilite--preparer-un-permis", "Une liste de codes est attendue."),
        (validation.valider_thematiques, [3], "« 3 » n'est pas un code"),
        (validation.valider_zone, ["40", "99999"], "le code « 99999 » ne correspond à aucune commune"),
        (validation.valider_zone, ["4", "ZZ"], "les codes « 4 », « ZZ » ne correspondent"),
        (validation.valider_siret, "1234 5678", "Le SIRET compte exactement 14 chiffres."),
    ],
)
def test_une_valeur_inconnue_est_refusee_avec_un_message_qui_la_nomme(fonction, valeur, message):
    with pytest.raises(ValidationError) as erreur:
        fonction(valeur)
    assert message in erreur.value.messages[0]


def test_la_zone_accepte_commune_intercommunalite_departement_et_france():
    # Mont-de-Marsan, l'agglomération du Grand Dax, les Landes, la Corse-du-Sud, Paris, la France.
    assert validation.valider_zone(["40192", "244000675", "40", "2a", "75", "FRANCE"]) == [
        "40192",
        "244000675",
        "40",
        "2A",
        "75",
        "france",
    ]
    assert validation.lire_codes("40192, 40;75  france\n40") == ["40192", "40", "75", "france"]


def test_la_zone_refuse_un_code_qui_n_est_plus_un_departement():
    # 20 : l'ancienne Corse, devenue 2A et 2B.
    with pytest.raises(ValidationError, match="« 20 »"):
        validation.valider_zone(["20"])


def test_l_accueil_demande_une_adresse_en_presentiel_ou_la_distance():
    validation.valider_accueil(True, False, "2 rue du Centre")
    validation.valider_accueil(False, True, "")
    validation.valider_accueil(True, True, "2 rue du Centre")
    with pytest.raises(ValidationError, match="Indiquez une adresse .* ou cochez « à distance »"):
        validation.valider_accueil(False, False, "")
    with pytest.raises(ValidationError, match="L'accueil en présentiel demande une adresse"):
        validation.valider_accueil(True, True, "  ")
    assert validation.valider_modes_accueil(["a-distance"]) == (False, True)


def test_la_commune_se_deduit_du_code_postal_ou_se_choisit():
    assert validation.valider_commune("40100") == ("40100", "40088", "Dax")
    assert validation.valider_commune("40500", "40282") == ("40500", "40282", "Saint-Sever")
    assert validation.valider_commune("", "40088") == ("", "40088", "Dax")
    assert validation.valider_commune("", "") == ("", "", "")
    with pytest.raises(ValidationError, match="dessert plusieurs communes : choisissez la commune"):
        validation.valider_commune("40500")
    with pytest.raises(ValidationError, match="n'est pas desservie par le code postal « 40500 »"):
        validation.valider_commune("40500", "40088")
    with pytest.raises(ValidationError, match="« 00000 » ne correspond à aucune commune"):
        validation.valider_commune("00000")
    with pytest.raises(ValidationError, match="exactement 5 chiffres"):
        validation.valider_commune("4010")


def test_une_region_saisie_r75_devient_ses_departements():
    zone = validation.valider_zone(["r75", "40"])
    assert "40" in zone and "64" in zone and "33" in zone and "75" not in zone and len(zone) == 12
