"""Les deux importeurs nourris de fichiers générés (encodages, séparateurs, colonnes manquantes ou en trop, valeurs
absurdes, octets aléatoires, JSON et XLSX abîmés) : jamais d'exception non rattrapée, jamais d'écriture partielle.
Soit tout est importé, soit rien, avec un rapport d'erreur en français ; et jamais l'« erreur technique » du
worker (le filet qui attrape toute exception cacherait un bogue)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from offre.echange import ecriture
from offre.echange.lecture import Fichier
from offre.echange.schema import SERVICE, STRUCTURE
from offre.models import Service, Structure
from parcours.imports import services
from parcours.models import Carnet, EvenementCarnet, ImportPersonnes, Intervenant, Personne
from tests.parcours.fichiers_import import EN_TETES, equipe_du_departement, fichier, nir, xlsx_octets
from tests.proprietes.compteur import compter
from tests.proprietes.strategies import dates, textes

EXEMPLES_PAR_IMPORTEUR = 120
TECHNIQUE = "erreur technique"
MOTS_ANGLAIS = ("Traceback", "Error", "error", "object", "None")

encodages = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "ascii"])
separateurs = st.sampled_from([";", ",", "\t", "|", " ", ";;"])
noms = st.sampled_from(["Lalanne", "Duprat", "N'Diaye", "Éloïse-Marie", "Ō", ""])
naissances = st.one_of(
    st.dates().map(lambda j: f"{j.day:02d}/{j.month:02d}/{j.year:04d}"), dates, st.sampled_from(["03/05/1988"])
)
cellules = {
    "Nom": st.one_of(noms, textes),
    "Prénom": st.one_of(noms, textes),
    "Date de naissance": st.one_of(naissances, textes),
    "NIR": st.one_of(st.just(""), st.dates(min_value=__import__("datetime").date(1900, 1, 1)).map(nir), textes),
    "Code postal": st.one_of(st.sampled_from(["40100", "40000", "2A004", "00000", ""]), textes),
    "Commune": st.one_of(st.sampled_from(["Dax", "Mont-de-Marsan"]), textes),
    "E-mail du référent": st.one_of(st.sampled_from(["", "referente@landes.fr", "inconnu@x.fr"]), textes),
}


@st.composite
def fichiers_de_personnes(draw) -> tuple[str, bytes]:
    if draw(st.integers(0, 9)) == 0:  # des octets quelconques
        return draw(st.sampled_from(["personnes.csv", "personnes.xlsx", "personnes.txt"])), draw(
            st.binary(max_size=3000)
        )
    colonnes = draw(st.lists(st.sampled_from(EN_TETES), unique=True, min_size=0, max_size=len(EN_TETES)))
    if draw(st.booleans()):
        colonnes = list(EN_TETES)
    colonnes += draw(st.lists(st.text(max_size=15), max_size=2))  # colonnes en trop
    lignes = [[draw(cellules.get(colonne, textes)) for colonne in colonnes] for _ in range(draw(st.integers(0, 6)))]
    if draw(st.integers(0, 5)) == 0:
        propre = [[ILLEGAL_CHARACTERS_RE.sub("", c) for c in ligne] for ligne in [colonnes, *lignes]]
        return "personnes.xlsx", xlsx_octets(propre[1:], propre[0])
    separateur = draw(separateurs)
    texte = "\r\n".join(separateur.join(ligne) for ligne in [colonnes, *lignes])
    if draw(st.booleans()):  # des lignes de longueurs différentes
        texte += "\r\n" + separateur.join(draw(st.lists(textes, max_size=9)))
    return "personnes.csv", texte.encode(draw(encodages), errors="replace")


def _comptes():
    return [modele.objects.count() for modele in (Personne, Carnet, Intervenant, EvenementCarnet)]


def _en_francais(message: str) -> None:
    assert message.strip(), "Un refus sans message"
    assert not any(mot in message for mot in MOTS_ANGLAIS), message
    assert TECHNIQUE not in message, message


@pytest.fixture
def departement(db):
    return equipe_du_departement()


def test_l_import_de_personnes_importe_tout_ou_rien_sans_exception(departement):
    admin = departement["admin"]

    @settings(max_examples=EXEMPLES_PAR_IMPORTEUR, suppress_health_check=list(HealthCheck))
    @given(fichiers_de_personnes(), st.booleans())
    def propriete(nom_et_contenu, valides_seulement):
        compter("importeur de personnes (parcours/imports)")
        nom, contenu = nom_et_contenu
        with transaction.atomic():
            avant = _comptes()
            _parcourir(departement, admin, nom, contenu, valides_seulement, avant)
            transaction.set_rollback(True)

    propriete()


def _parcourir(departement, admin, nom, contenu, valides_seulement, avant):
    try:
        import_personnes = services.televerser(
            acteur=admin, organisation=departement["organisation"], fichier=fichier(contenu, nom)
        )
        services.lancer_analyse(import_personnes, acteur=admin, correspondance=import_personnes.correspondance)
    except ValidationError as erreur:
        _en_francais(" ".join(erreur.messages))
        assert _comptes() == avant
        event("refusé au téléversement ou à la correspondance")
        return
    services.analyser(import_personnes.pk)
    import_personnes.refresh_from_db()
    if import_personnes.statut == ImportPersonnes.Statut.ECHEC:
        _en_francais(import_personnes.message_erreur)
        assert _comptes() == avant
        return
    assert import_personnes.statut == ImportPersonnes.Statut.ANALYSE
    try:
        services.confirmer(import_personnes, acteur=admin, valides_seulement=valides_seulement)
    except ValidationError as erreur:
        _en_francais(" ".join(erreur.messages))
        assert _comptes() == avant
        return
    services.executer(import_personnes.pk)
    import_personnes.refresh_from_db()
    if import_personnes.statut == ImportPersonnes.Statut.ECHEC:
        _en_francais(import_personnes.message_erreur)
        assert _comptes() == avant
        return
    assert import_personnes.statut == ImportPersonnes.Statut.TERMINE
    event("importé")
    rapport = import_personnes.rapport
    assert _comptes()[0] - avant[0] == len(rapport["creees"])
    assert len(rapport["creees"]) + len(rapport["mises_a_jour"]) + len(rapport["inchangees"]) == (
        import_personnes.nb_valides
    )


# --- data·inclusion -----------------------------------------------------------------------------------------------

valeurs_v1 = st.one_of(
    textes,
    st.integers(-(10**20), 10**20),
    st.booleans(),
    st.none(),
    st.lists(st.one_of(textes, st.sampled_from(["demandeurs-emploi", "40", "en-presentiel"])), max_size=3),
    st.sampled_from(["2026-02-01", "0001-01-01", "9999-12-31", "40100", "40088", "dora", "atelier"]),
)
CHAMPS_STRUCTURE = ["source", "id", "nom", "date_maj", "adresse", "code_postal", "commune", "code_insee", "siret"]
CHAMPS_SERVICE = [
    "source", "id", "structure_id", "nom", "description", "date_maj", "type", "thematiques", "publics",
    "modes_accueil", "adresse", "code_postal", "code_insee", "zone_eligibilite", "courriel", "frais",
]  # fmt: skip


def _base_structure(numero):
    return {
        "source": "dora",
        "id": f"dora--s{numero}",
        "nom": f"Relais emploi {numero}",
        "date_maj": "2026-02-01",
        "adresse": "3 rue Gambetta",
        "code_postal": "40100",
        "commune": "Dax",
        "code_insee": "40088",
    }


def _base_service(numero):
    return {
        "source": "dora",
        "id": f"dora--v{numero}",
        "structure_id": "dora--s1",
        "nom": f"Atelier CV {numero}",
        "description": "Un atelier collectif pour écrire son CV et préparer ses entretiens.",
        "date_maj": "2026-02-01",
        "type": "atelier",
        "thematiques": ["choisir-un-metier--identifier-ses-points-forts-et-ses-competences"],
        "publics": ["demandeurs-emploi"],
        "modes_accueil": ["en-presentiel"],
        "adresse": "3 rue Gambetta",
        "code_postal": "40100",
        "code_insee": "40088",
        "zone_eligibilite": ["40"],
        "courriel": "atelier@relais.fr",
    }


@st.composite
def objet_v1(draw, base, champs):
    objet = dict(base)
    for champ in draw(st.lists(st.sampled_from(champs), unique=True, max_size=3)):
        if draw(st.booleans()):
            objet.pop(champ, None)  # colonne manquante
        else:
            objet[champ] = draw(valeurs_v1)  # valeur absurde
    if draw(st.integers(0, 4)) == 0:
        objet[draw(st.text(max_size=12))] = draw(valeurs_v1)  # champ en trop
    return objet


def _csv(objets) -> str:
    colonnes = sorted({cle for objet in objets for cle in objet})
    lignes = [
        ";".join(
            ",".join(map(str, v)) if isinstance(v, list) else ("" if v is None else str(v))
            for v in (objet.get(c) for c in colonnes)
        )
        for objet in objets
    ]
    return "\n".join([";".join(colonnes), *lignes])


@st.composite
def fichiers_v1(draw) -> list[Fichier]:
    structures = [draw(objet_v1(_base_structure(n), CHAMPS_STRUCTURE)) for n in range(1, draw(st.integers(0, 3)) + 1)]
    services_ = [draw(objet_v1(_base_service(n), CHAMPS_SERVICE)) for n in range(1, draw(st.integers(0, 3)) + 1)]
    forme = draw(st.sampled_from(["json", "json-separe", "csv", "octets", "json-abime"]))
    encodage = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    if forme == "octets":
        return [Fichier(draw(st.sampled_from([STRUCTURE, SERVICE])), "offre.json", draw(st.binary(max_size=2000)))]
    if forme == "json":
        texte = json.dumps({"structures": structures, "services": services_}, ensure_ascii=draw(st.booleans()))
        return [Fichier(STRUCTURE, "offre.json", texte.encode(encodage, errors="replace"))]
    if forme == "json-abime":
        texte = json.dumps({"structures": structures, "services": services_})
        coupe = draw(st.integers(0, len(texte)))
        return [Fichier(STRUCTURE, "offre.json", (texte[:coupe] + draw(textes)).encode(encodage, errors="replace"))]
    if forme == "json-separe":
        return [
            Fichier(STRUCTURE, "structures.json", json.dumps(structures).encode()),
            Fichier(SERVICE, "services.json", json.dumps(services_).encode()),
        ]
    fichiers = []
    if structures:
        fichiers.append(Fichier(STRUCTURE, "structures.csv", _csv(structures).encode(encodage, errors="replace")))
    if services_:
        fichiers.append(Fichier(SERVICE, "services.csv", _csv(services_).encode(encodage, errors="replace")))
    return fichiers


def test_l_import_data_inclusion_importe_tout_ou_rien_sans_exception(db):
    from tests.factories import OrganisationFactory, membre

    pilote = membre(OrganisationFactory(nom="Département des Landes", departement="40"), "pilote").utilisateur

    @settings(max_examples=EXEMPLES_PAR_IMPORTEUR, suppress_health_check=list(HealthCheck))
    @given(fichiers_v1(), st.booleans())
    def propriete(fichiers, valides_seulement):
        compter("importeur data·inclusion (offre/echange)")
        with transaction.atomic():
            avant = (Structure.objects.count(), Service.objects.count())
            try:
                analyse = ecriture.importer(
                    fichiers, acteur=pilote, departements={"40"}, valides_seulement=valides_seulement
                )
            except ValidationError as erreur:
                for message in erreur.messages:
                    assert message.strip() and "Traceback" not in message, message
                assert (Structure.objects.count(), Service.objects.count()) == avant
                event("refusé")
            else:
                event("importé")
                compte = analyse.compte()
                assert Structure.objects.count() - avant[0] == compte["structures_creees"]
                assert Service.objects.count() - avant[1] == compte["services_crees"]
                assert valides_seulement or compte["en_erreur"] == 0
            transaction.set_rollback(True)

    propriete()
