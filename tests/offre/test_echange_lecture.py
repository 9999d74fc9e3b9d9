"""Lecture des fichiers data·inclusion v1 (JSON, CSV) et validation contre le schéma livré : chaque mauvaise entrée
donne un message français qui nomme le fichier, la ligne, le champ et la valeur."""

import json

import pytest
from django.core.exceptions import ValidationError

from offre import referentiels
from offre.echange import correspondance, schema
from offre.echange.lecture import OBJETS_MAX, Fichier, lire
from offre.echange.schema import SERVICE, STRUCTURE

STRUCTURE_VALIDE = {"source": "dora", "id": "dora--1", "nom": "Relais Emploi", "date_maj": "2026-02-01"}
SERVICE_VALIDE = {
    "source": "dora",
    "id": "dora--s1",
    "structure_id": "dora--1",
    "nom": "Atelier CV",
    "description": "Un atelier pour écrire son CV.",
    "date_maj": "2026-02-01",
}


def _json(nature, contenu, nom="offre.json"):
    return Fichier(nature, nom, json.dumps(contenu).encode())


def _messages(fichiers) -> list[str]:
    with pytest.raises(ValidationError) as erreur:
        lire(fichiers)
    return erreur.value.messages


def test_les_colonnes_csv_sont_exactement_les_proprietes_du_schema_v1():
    assert set(correspondance.CHAMPS_STRUCTURE) == set(referentiels.schema("structure")["properties"])
    assert set(correspondance.CHAMPS_SERVICE) == set(referentiels.schema("service")["properties"])
    assert len(correspondance.CHAMPS_SERVICE) == len(set(correspondance.CHAMPS_SERVICE)) == 33


def test_un_objet_valide_n_a_aucune_erreur_de_schema():
    assert schema.erreurs(STRUCTURE, STRUCTURE_VALIDE) == []
    assert schema.erreurs(SERVICE, SERVICE_VALIDE) == []


def test_un_champ_obligatoire_manquant_est_nomme():
    sans_date = {cle: valeur for cle, valeur in SERVICE_VALIDE.items() if cle != "date_maj"}
    assert schema.erreurs(SERVICE, sans_date) == ["le champ « date_maj » est obligatoire"]
    assert schema.erreurs(STRUCTURE, {**STRUCTURE_VALIDE, "nom": None}) == [
        "le champ « nom » est obligatoire (null n'est pas admis)"
    ]


def test_chaque_valeur_inconnue_d_une_liste_fermee_est_nommee():
    service = {**SERVICE_VALIDE, "thematiques": ["foo", "mobilite--preparer-un-permis", "bar"], "type": "atelier-cv"}
    assert schema.erreurs(SERVICE, service) == [
        "thématique inconnue « foo »",
        "thématique inconnue « bar »",
        "type de service inconnu « atelier-cv »",
    ]
    assert schema.erreurs(SERVICE, {**SERVICE_VALIDE, "mobilisable_par": ["autres"]}) == [
        "personne mobilisatrice inconnue « autres »"
    ]
    assert schema.erreurs(STRUCTURE, {**STRUCTURE_VALIDE, "reseaux_porteurs": ["club-de-foot"]}) == [
        "réseau porteur inconnu « club-de-foot »"
    ]


def test_les_formats_et_les_types_sont_verifies():
    service = {
        **SERVICE_VALIDE,
        "nombre_semaines": "beaucoup",
        "code_postal": "750121",
        "courriel": "pas une adresse",
        "lien_source": "pas une url !",
        "date_maj": "01/02/2026",
        "zone_eligibilite": ["Landes"],
        "publics": [],
        "volume_horaire_hebdomadaire": -2,
    }
    assert schema.erreurs(SERVICE, service) == [
        "« code_postal » : « 750121 » n'est pas un code postal de 5 chiffres",
        "« courriel » : « pas une adresse » n'est pas une adresse électronique valide",
        "« date_maj » : « 01/02/2026 » n'est pas une date au format AAAA-MM-JJ",
        "« lien_source » : « pas une url ! » n'est pas une adresse web valide (https://…)",
        "« nombre_semaines » : « beaucoup » n'est pas un nombre entier",
        "« publics » : la liste est vide (laissez le champ vide, ou null, s'il ne s'applique pas)",
        "« volume_horaire_hebdomadaire » : -2 est inférieur au minimum (0)",
        "« zone_eligibilite » : « Landes » n'est pas un code de commune (5 caractères), de département (2 ou 3), "
        "d'EPCI (9 chiffres), de pays (99xxx) ou « france »",
    ]


def test_un_objet_qui_n_en_est_pas_un_est_refuse():
    assert schema.erreurs(STRUCTURE, ["Relais"]) == [
        "ce n'est pas un objet JSON (une accolade ouvrante « { » est attendue)"
    ]


def test_un_json_objet_donne_ses_structures_et_ses_services_numerotes():
    lecture = lire([_json(STRUCTURE, {"structures": [STRUCTURE_VALIDE], "services": [SERVICE_VALIDE, {}]})])
    assert [(ligne.nature, ligne.numero) for ligne in lecture.lignes] == [
        (STRUCTURE, 1),
        (SERVICE, 1),
        (SERVICE, 2),
    ]
    assert lecture.lignes[1].libelle == "Service n° 1 (id dora--s1)"
    assert lecture.lignes[2].libelle == "Service n° 2"


def test_un_tableau_json_prend_la_nature_du_champ_ou_il_est_depose():
    lecture = lire([_json(SERVICE, [SERVICE_VALIDE])])
    assert [ligne.nature for ligne in lecture.lignes] == [SERVICE]


def test_une_page_de_notre_api_se_relit():
    lecture = lire([_json(STRUCTURE, {"items": [STRUCTURE_VALIDE], "total": 1, "page": 1, "taille": 100})])
    assert [ligne.objet for ligne in lecture.lignes] == [STRUCTURE_VALIDE]


def test_un_fichier_qui_n_est_pas_en_utf8_est_refuse_avec_sa_ligne():
    contenu = "source,id,nom,date_maj\ndora,1,Café des familles,2026-01-01\n".encode("cp1252")
    assert _messages([Fichier(STRUCTURE, "structures.csv", contenu)]) == [
        "Le fichier « structures.csv » n'est pas encodé en UTF-8 (caractère illisible à la ligne 2) : enregistrez-le "
        "en UTF-8 (dans un tableur : « CSV UTF-8 »)."
    ]


def test_un_json_invalide_donne_sa_ligne_et_sa_colonne():
    contenu = b'{"structures": [\n  {"source": "dora",}\n]}'
    assert _messages([Fichier(STRUCTURE, "offre.json", contenu)]) == [
        "Le fichier « offre.json » n'est pas un JSON valide (ligne 2, colonne 21) : vérifiez les virgules, "
        "guillemets et accolades."
    ]


def test_un_json_d_une_autre_forme_est_refuse():
    messages = _messages([_json(STRUCTURE, {"donnees": []})])
    assert messages[0].startswith("Le fichier « offre.json » n'a pas la forme attendue")
    assert _messages([_json(STRUCTURE, {"structures": {"id": "x"}})]) == [
        "Le fichier « offre.json » : « structures » doit être un tableau d'objets ([...])."
    ]


def test_un_fichier_vide_ou_binaire_est_refuse():
    assert _messages([Fichier(STRUCTURE, "vide.csv", b"  \n")]) == ["Le fichier « vide.csv » est vide."]
    assert "caractères de contrôle" in _messages([Fichier(STRUCTURE, "donnees.csv", b"source\x00id\x00nom")])[0]
    assert _messages([_json(STRUCTURE, [])]) == ["Le fichier ne contient aucune structure ni aucun service."]


def test_un_csv_sans_les_colonnes_obligatoires_les_nomme():
    contenu = b"source,id,nom\ndora,dora--1,Relais\n"
    assert _messages([Fichier(SERVICE, "services.csv", contenu)]) == [
        "Le fichier des services « services.csv » n'a pas les colonnes obligatoires : structure_id, description, "
        "date_maj. La ligne d'en-tête donne les noms des champs data·inclusion v1."
    ]


def test_un_csv_aux_colonnes_en_double_est_refuse():
    contenu = b"source,id,nom,date_maj,nom\ndora,dora--1,Relais,2026-01-01,Autre\n"
    assert _messages([Fichier(STRUCTURE, "structures.csv", contenu)]) == [
        "Le fichier « structures.csv » a plusieurs colonnes du même nom : nom. Gardez-en une."
    ]


def test_les_erreurs_de_plusieurs_fichiers_sont_toutes_rendues():
    messages = _messages([Fichier(STRUCTURE, "a.csv", b"nom\nx\n"), Fichier(SERVICE, "b.json", b"[")])
    assert len(messages) == 2


def test_un_csv_converti_chaque_cellule_au_type_du_champ():
    contenu = (
        b"source;id;structure_id;nom;description;date_maj;thematiques;volume_horaire_hebdomadaire;"
        b"nombre_semaines;latitude;code_postal;telephone;colonne libre\n"
        b"dora;dora--s1;dora--1;Atelier CV;Un atelier;03/02/2026;"
        b"mobilite--preparer-un-permis, famille--garde-denfants;12,5;3.0;43.89;40000;0558000000;x\n"
        b";;;;;;;;;;;;\n"
    )
    lecture = lire([Fichier(SERVICE, "services.csv", contenu)])
    assert len(lecture.lignes) == 1
    ligne = lecture.lignes[0]
    assert ligne.libelle == "Service ligne 2 (id dora--s1)"
    assert ligne.objet == {
        "source": "dora",
        "id": "dora--s1",
        "structure_id": "dora--1",
        "nom": "Atelier CV",
        "description": "Un atelier",
        "date_maj": "2026-02-03",
        "thematiques": ["mobilite--preparer-un-permis", "famille--garde-denfants"],
        "volume_horaire_hebdomadaire": 12.5,
        "nombre_semaines": 3,
        "latitude": 43.89,
        "code_postal": "40000",
        "telephone": "0558000000",
    }
    assert lecture.avertissements == [
        "« services.csv » : colonnes hors du schéma data·inclusion v1 des services, ignorées : colonne libre."
    ]


def test_un_texte_sur_plusieurs_lignes_garde_le_numero_de_sa_premiere_ligne():
    contenu = 'source,id,nom,date_maj,description\ndora,a,Relais,2026-01-01,"Deux\nlignes"\ndora,b,Halte,2026-01-01,\n'
    lecture = lire([Fichier(STRUCTURE, "structures.csv", contenu.encode())])
    assert [ligne.numero for ligne in lecture.lignes] == [2, 4]
    assert lecture.lignes[0].objet["description"] == "Deux\nlignes"


def test_un_csv_mal_forme_est_refuse():
    contenu = b'source,id,nom,date_maj\ndora,a,"Relais,2026-01-01\n'
    assert "CSV mal formé" in _messages([Fichier(STRUCTURE, "structures.csv", contenu)])[0]


def test_un_import_trop_gros_est_refuse():
    objets = [{"id": str(numero)} for numero in range(OBJETS_MAX + 1)]
    assert "la limite est de 5000 par import" in _messages([_json(STRUCTURE, objets)])[0]
