"""L'analyse d'un fichier : chaque sorte d'erreur, par cellule et par ligne, en français ; rien n'est écrit."""

from datetime import date

import pytest
import time_machine

from parcours import services as carnet_services
from parcours.imports import services
from parcours.models import Carnet, EvenementCarnet, ModeleCorrespondance, Personne
from tests.parcours.fichiers_import import (
    EN_TETES,
    analyser,
    csv_octets,
    equipe_du_departement,
    erreurs_de,
    ligne,
    nir,
    televerser,
    xlsx_octets,
)

pytestmark = pytest.mark.usefixtures("departement")
NAISSANCE = date(1988, 5, 3)


@pytest.fixture
def departement(db):
    return equipe_du_departement()


@time_machine.travel("2026-03-01 10:00 +01:00")
@pytest.mark.parametrize(
    ("cellules", "champ", "message"),
    [
        (ligne(naissance="31/02/1990"), "date_naissance", "Date illisible : écrivez-la JJ/MM/AAAA."),
        (ligne(naissance="02/03/2026"), "date_naissance", "La date de naissance est dans le futur."),
        (ligne(naissance="01/01/1850"), "date_naissance", "antérieure à 1900"),
        (ligne(nom=""), "nom", "Nom : obligatoire."),
        (ligne(numero="1234"), "nir", "Le NIR comporte 13 caractères"),
        (ligne(numero=nir(NAISSANCE)[:13] + "00"), "nir", "La clé du NIR ne correspond pas"),
        (ligne(numero=nir(date(1990, 5, 3))), "nir", "Le NIR ne correspond pas à la date de naissance"),
        (ligne(cp="99999"), "code_postal", "Le code postal 99999 n'existe pas dans le référentiel des communes."),
        (ligne(cp="4O1OO"), "code_postal", "Le code postal s'écrit en 5 chiffres."),
        (ligne(nom='=HYPERLINK("http://pirate")'), "nom", "elle commence par =, +, - ou @"),
        (ligne(commune="@SUM(A1:A2)"), "commune", "elle commence par =, +, - ou @"),
        (ligne(prenom="-2+3"), "prenom", "elle commence par =, +, - ou @"),
        (ligne(referent="inconnu@ailleurs.fr"), "email_referent", "Aucun membre actif de votre organisation"),
        (ligne(referent="pas-une-adresse"), "email_referent", "Adresse e-mail invalide."),
        (ligne(nom="N" * 151), "nom", "Texte trop long (151 caractères)."),
    ],
    ids=[
        "date-illisible",
        "date-future",
        "date-ancienne",
        "nom-manquant",
        "nir-format",
        "nir-cle",
        "nir-date",
        "code-postal-inconnu",
        "code-postal-lettres",
        "formule-egal",
        "formule-arobase",
        "formule-moins",
        "referent-inconnu",
        "referent-invalide",
        "trop-long",
    ],
)
def test_chaque_erreur_de_cellule_est_signalee_en_francais(departement, cellules, champ, message):
    import_personnes = analyser(departement, csv_octets([ligne(nom="Valide"), cellules]))
    assert (import_personnes.statut, import_personnes.nb_valides, import_personnes.nb_erreurs) == ("analyse", 1, 1)
    erreur = erreurs_de(import_personnes, 3)
    assert any(message in m for m in erreur["cellules"][champ]), erreur
    assert not Personne.objects.exists()


def test_un_telephone_international_n_est_pas_une_formule(departement):
    en_tetes = [*EN_TETES, "Téléphone", "Courriel"]
    import_personnes = analyser(
        departement, csv_octets([[*ligne(), "+33 6 12 34 56 78", "ines@exemple.fr"]], en_tetes=en_tetes)
    )
    assert import_personnes.nb_erreurs == 0


def test_le_code_insee_doit_etre_desservi_par_le_code_postal(departement):
    en_tetes = [*EN_TETES, "Code INSEE"]
    import_personnes = analyser(
        departement, csv_octets([[*ligne(), "40088"], [*ligne(nom="Autre"), "64102"]], en_tetes=en_tetes)
    )
    assert erreurs_de(import_personnes, 3)["cellules"] == {
        "code_commune": ["La commune 64102 n'est pas desservie par le code postal."]
    }


def test_les_doublons_du_fichier_sont_signales_sur_la_seconde_ligne(departement):
    numero = nir(NAISSANCE)
    import_personnes = analyser(
        departement,
        csv_octets(
            [
                ligne(numero=numero),
                ligne(numero=numero),  # la même ligne recopiée
                ligne(nom="Autre", prenom="Paul", numero=numero),  # même NIR
                ligne(nom="LALANNE", prenom="inès"),  # même identité, à la casse près
            ]
        ),
    )
    assert import_personnes.nb_valides == 1
    assert erreurs_de(import_personnes, 3)["generales"] == ["Doublon de la ligne 2 (même NIR)."]
    assert erreurs_de(import_personnes, 4)["generales"] == ["Doublon de la ligne 2 (même NIR)."]
    assert erreurs_de(import_personnes, 5)["generales"] == [
        "Doublon de la ligne 2 (mêmes nom, prénom et date de naissance)."
    ]


def _carnet(departement, **identite):
    return carnet_services.ouvrir_carnet(
        acteur=departement["referente"], organisation=departement["organisation"], **identite
    )


def test_le_nir_d_une_autre_personne_en_base_est_refuse(departement):
    numero = nir(NAISSANCE)
    _carnet(departement, nom="Darrigade", prenom="Maëlle", date_naissance=NAISSANCE, nir=numero)
    _carnet(departement, nom="Lalanne", prenom="Inès", date_naissance=NAISSANCE)
    import_personnes = analyser(departement, csv_octets([ligne(numero=numero)]))
    # Inès Lalanne est connue, mais ce NIR est celui de Maëlle Darrigade
    assert erreurs_de(import_personnes, 2)["cellules"] == {"nir": ["Ce NIR est déjà porté par une autre personne."]}
    # seul le NIR est connu, sous un autre nom
    import_personnes = analyser(departement, csv_octets([ligne(nom="Ducasse", numero=numero)]))
    assert erreurs_de(import_personnes, 2)["cellules"] == {
        "nir": ["Ce NIR est déjà porté par une autre personne (autre nom ou date de naissance)."]
    }


def test_une_personne_connue_avec_un_autre_nir_est_signalee(departement):
    _carnet(departement, nom="Lalanne", prenom="Inès", date_naissance=NAISSANCE, nir=nir(NAISSANCE, ordre=1))
    import_personnes = analyser(departement, csv_octets([ligne(numero=nir(NAISSANCE, ordre=2))]))
    assert erreurs_de(import_personnes, 2)["cellules"] == {
        "nir": ["Cette personne est déjà connue avec un autre NIR : vérifiez-le."]
    }


def test_deux_lignes_pour_une_meme_personne_connue(departement):
    _carnet(departement, nom="Lalanne", prenom="Inès", date_naissance=NAISSANCE, identifiant_departement="CD-1")
    en_tetes = [*EN_TETES, "Identifiant au Département"]
    import_personnes = analyser(
        departement,
        csv_octets([[*ligne(), ""], [*ligne(nom="Lalanne-Dupuy"), "CD-1"]], en_tetes=en_tetes),
    )
    assert erreurs_de(import_personnes, 3)["generales"] == ["Même personne que la ligne 2."]


def test_une_colonne_obligatoire_absente_du_fichier_empeche_l_analyse(departement):
    import_personnes = televerser(departement, csv_octets([["Lalanne", "Inès"]], en_tetes=["Nom", "Prénom"]))
    with pytest.raises(services.ValidationError) as erreur:
        services.lancer_analyse(
            import_personnes, acteur=departement["admin"], correspondance=import_personnes.correspondance
        )
    assert erreur.value.message_dict == {
        "date_naissance": ["Obligatoire : choisissez la colonne du fichier qui donne « Date de naissance »."]
    }
    import_personnes.refresh_from_db()
    assert import_personnes.statut == "televerse"


def test_une_colonne_ne_sert_qu_a_un_champ(departement):
    import_personnes = televerser(departement, csv_octets([ligne()]))
    correspondance = {**import_personnes.correspondance, "commune": "Nom"}
    with pytest.raises(services.ValidationError) as erreur:
        services.lancer_analyse(import_personnes, acteur=departement["admin"], correspondance=correspondance)
    assert erreur.value.message_dict["commune"] == ["La colonne « Nom » est déjà reliée à « Nom »."]


def test_le_code_insee_est_deduit_et_le_zero_d_un_tableur_rendu(departement):
    import_personnes = analyser(
        departement, xlsx_octets([["Lalanne", "Inès", "1988-05-03", "", 1000, "Bourg-en-Bresse", ""]]), nom="l.xlsx"
    )
    assert import_personnes.nb_erreurs == 0, import_personnes.erreurs


def test_l_analyse_n_ecrit_rien_dans_les_carnets(departement):
    _carnet(departement, nom="Lalanne", prenom="Inès", date_naissance=NAISSANCE)
    avant = (Personne.objects.count(), Carnet.objects.count(), EvenementCarnet.objects.count())
    import_personnes = analyser(departement, csv_octets([ligne(commune="Dax"), ligne(nom="Nouvelle")]))
    assert import_personnes.nb_valides == 2
    assert (Personne.objects.count(), Carnet.objects.count(), EvenementCarnet.objects.count()) == avant


def test_le_modele_de_correspondance_enregistre_sert_a_l_import_suivant(departement):
    en_tetes = ["NOM_USAGE", "PRENOM1", "DT_NAIS"]
    correspondance = {"nom": "NOM_USAGE", "prenom": "PRENOM1", "date_naissance": "DT_NAIS"}
    premier = televerser(departement, csv_octets([["Lalanne", "Inès", "03/05/1988"]], en_tetes=en_tetes))
    assert premier.correspondance == {}
    services.lancer_analyse(
        premier, acteur=departement["admin"], correspondance=correspondance, nom_modele="Extraction CAF"
    )
    modele = ModeleCorrespondance.objects.get()
    assert (modele.nom, modele.correspondance, modele.organisation) == (
        "Extraction CAF",
        correspondance,
        departement["organisation"],
    )


def test_le_fichier_modele_documente_s_analyse_sans_erreur(departement):
    from parcours.imports.views import MODELE_CSV

    import_personnes = analyser(departement, MODELE_CSV.read_bytes(), nom="modele.csv")
    assert len(import_personnes.correspondance) == 16
    assert (import_personnes.nb_valides, import_personnes.nb_erreurs) == (2, 0), import_personnes.erreurs
