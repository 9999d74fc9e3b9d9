"""Lecture des fichiers téléversés : encodages, séparateurs, XLSX, fichiers abîmés ou démesurés ; aucun fichier
d'entrée ne lève autre chose qu'une erreur en français."""

import io
import zipfile
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.imports import lecture, services
from parcours.imports.champs import suggerer
from parcours.models import ImportPersonnes
from tests.parcours.fichiers_import import EN_TETES, csv_octets, equipe_du_departement, ligne, televerser, xlsx_octets


@pytest.fixture
def departement(db):
    return equipe_du_departement()


@pytest.mark.parametrize(
    ("encodage", "attendu"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")]
)
def test_l_encodage_est_detecte_et_les_accents_relus(encodage, attendu):
    tableau = lecture.lire(
        "liste.csv", csv_octets([ligne(prenom="Maëlle", commune="Saint-Paul-lès-Dax")], encodage=encodage)
    )
    assert tableau.encodage == attendu
    assert tableau.colonnes[1] == "Prénom"
    assert tableau.lignes == [(2, ["Lalanne", "Maëlle", "03/05/1988", "", "40100", "Saint-Paul-lès-Dax", ""])]


def test_un_octet_hors_windows_1252_se_lit_en_latin_1():
    contenu = csv_octets([ligne()], encodage="cp1252").replace(b"Dax", b"D\x81x")
    assert lecture.lire("liste.csv", contenu).encodage == "latin-1"


@pytest.mark.parametrize("separateur", [";", ",", "\t"])
def test_le_separateur_est_detecte(separateur):
    tableau = lecture.lire("liste.csv", csv_octets([ligne()], separateur=separateur))
    assert tableau.separateur == separateur
    assert len(tableau.colonnes) == len(EN_TETES)


def test_une_virgule_entre_guillemets_ne_trompe_pas_la_detection():
    contenu = '"Nom, de famille";Prénom;Date de naissance\nLalanne;Inès;03/05/1988\n'.encode()
    tableau = lecture.lire("liste.csv", contenu)
    assert tableau.separateur == ";"
    assert tableau.colonnes == ["Nom, de famille", "Prénom", "Date de naissance"]


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        ("Nom Prénom Naissance\nLalanne Inès 1988\n".encode(), "Séparateur de colonnes introuvable"),
        ("Nom;Prénom\n".encode(), "aucune ligne de données"),
        (b"   \n\n", "Le fichier est vide"),
        ("Nom;Prénom\nLalanne;Inès\n".encode("utf-16"), "UTF-16"),
        (b"Nom;Pr\x01nom\nA;B\n", "caractères illisibles"),
        (b'Nom;Prenom\n"Lalanne;Ines\n' + b"x" * 200_000 + b"\n", "CSV est mal formé"),
    ],
    ids=["sans-separateur", "en-tete-seul", "vide", "utf-16", "binaire", "guillemet-ouvert"],
)
def test_un_csv_illisible_donne_une_erreur_claire(contenu, message):
    with pytest.raises(ValidationError, match=message):
        lecture.lire("liste.csv", contenu)


def test_xlsx_dates_nombres_et_formules_deviennent_du_texte():
    contenu = xlsx_octets([["Lalanne", "Inès", datetime(1988, 5, 3), "", 40100.0, "Dax", '=HYPERLINK("http://x")']])
    tableau = lecture.lire("liste.xlsx", contenu)
    assert tableau.format == "xlsx"
    assert tableau.lignes == [(2, ["Lalanne", "Inès", "1988-05-03", "", "40100", "Dax", '=HYPERLINK("http://x")'])]


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("liste.xlsx", b"PK\x03\x04" + b"\x00" * 200, "XLSX est illisible ou corrompu"),
        ("liste.xlsx", b"pas du tout un classeur", "XLSX est illisible ou corrompu"),
        ("liste.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Excel 97-2003"),
        ("liste.ods", b"quelque chose", "« .ods » n'est pas pris en charge"),
    ],
    ids=["zip-tronque", "faux-xlsx", "xls", "ods"],
)
def test_un_classeur_corrompu_ou_d_un_autre_format_est_refuse(nom, contenu, message):
    with pytest.raises(ValidationError, match=message):
        lecture.lire(nom, contenu)


def test_un_zip_qui_n_est_pas_un_classeur_est_refuse():
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as archive:
        archive.writestr("bonjour.txt", "ceci n'est pas un classeur")
    with pytest.raises(ValidationError, match="corrompu"):
        lecture.lire("liste.xlsx", sortie.getvalue())


def test_trop_de_lignes(settings, monkeypatch):
    monkeypatch.setattr(lecture, "LIGNES_MAX", 3)
    with pytest.raises(ValidationError, match="dépasse 3 lignes"):
        lecture.lire("liste.csv", csv_octets([ligne(nom=f"N{i}") for i in range(4)]))
    assert len(lecture.lire("liste.csv", csv_octets([ligne(nom=f"N{i}") for i in range(3)])).lignes) == 3


def test_les_lignes_vides_sont_ignorees_et_les_numeros_gardes():
    contenu = "Nom;Prénom;Date de naissance\n;;\nLalanne;Inès;03/05/1988\n".encode()
    assert lecture.lire("liste.csv", contenu).lignes == [(3, ["Lalanne", "Inès", "03/05/1988"])]


def test_en_tetes_vides_ou_en_double_sont_renommes():
    contenu = b"Nom;;Nom;Date\nA;B;C;D\n"
    assert lecture.lire("liste.csv", contenu).colonnes == ["Nom", "Colonne 2", "Nom (2)", "Date"]


def test_la_correspondance_est_suggeree_par_les_en_tetes_sans_accents_ni_casse():
    suggestion = suggerer(["NOM", "prenom", "Date naissance", "CP", "Ville", "Courriel", "N° allocataire", "Divers"])
    assert suggestion == {
        "nom": "NOM",
        "prenom": "prenom",
        "date_naissance": "Date naissance",
        "email": "Courriel",
        "code_postal": "CP",
        "commune": "Ville",
        "numero_caf_msa": "N° allocataire",
    }


def test_un_fichier_de_100_mo_est_refuse_sans_etre_lu(departement):
    with TemporaryUploadedFile("enorme.csv", "text/csv", 100 * 1024 * 1024, "utf-8") as fichier:
        fichier.seek(100 * 1024 * 1024 - 1)
        fichier.write(b"\n")  # fichier creux : 100 Mo sur le disque sans les écrire
        fichier.seek(0)
        with pytest.raises(ValidationError, match="100.0 Mo : la limite est de 10 Mo"):
            services.televerser(acteur=departement["admin"], organisation=departement["organisation"], fichier=fichier)
    assert not ImportPersonnes.objects.exists()


def test_un_contenu_de_plus_de_10_mo_est_refuse():
    with pytest.raises(ValidationError, match="la limite est de 10 Mo"):
        lecture.lire("liste.csv", b"Nom;Prenom\n" + b"a;b\n" * (lecture.TAILLE_MAX // 4 + 1))


def test_le_televersement_range_le_fichier_sans_nom_personnel(departement):
    import_personnes = televerser(departement, csv_octets([ligne()]), nom="Liste RSA Dax.csv")
    assert import_personnes.nom_fichier == "Liste RSA Dax.csv"
    assert import_personnes.fichier.name.endswith(f"{import_personnes.uuid}.csv")
    with import_personnes.fichier.open("rb") as range:
        assert range.read().startswith(b"Nom;")
    assert (import_personnes.nb_lignes, import_personnes.statut) == (1, "televerse")


# --- Aucun fichier ne lève d'erreur non gérée --------------------------------------------------------------------

SANTE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _lire_puis_analyser(departement, nom, contenu):
    """Ce que fait la plateforme d'un fichier : le lire, puis (s'il est lisible) l'analyser en entier."""
    try:
        import_personnes = televerser(departement, contenu, nom=nom)
    except ValidationError:
        return
    correspondance = dict(import_personnes.correspondance)
    for champ, colonne in zip(("nom", "prenom", "date_naissance"), import_personnes.colonnes, strict=False):
        correspondance.setdefault(champ, colonne)
    try:
        services.lancer_analyse(import_personnes, acteur=departement["admin"], correspondance=correspondance)
    except ValidationError:
        return
    services.analyser(import_personnes.pk)
    import_personnes.refresh_from_db()
    assert import_personnes.statut in ("analyse", "echec")


@SANTE
@given(contenu=st.binary(max_size=2000), nom=st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f"]))
def test_des_octets_quelconques_ne_levent_jamais_d_erreur_non_geree(departement, contenu, nom):
    _lire_puis_analyser(departement, nom, contenu)


cellule = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["=1+1", "+33 6 12", "-", "@SUM(A1)", "31/02/1990", "01/01/2999", "1 88 05 40 088 123 70", "40100"]
    ),
    st.dates(min_value=date(1850, 1, 1), max_value=date(2100, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
)


@SANTE
@given(
    lignes=st.lists(st.lists(cellule, min_size=0, max_size=9), min_size=1, max_size=8),
    separateur=st.sampled_from([";", ",", "\t"]),
    encodage=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_des_csv_quelconques_ne_levent_jamais_d_erreur_non_geree(departement, lignes, separateur, encodage):
    texte = "\n".join(separateur.join(c.replace(separateur, " ") for c in cellules) for cellules in [EN_TETES, *lignes])
    try:
        contenu = texte.encode(encodage)
    except UnicodeEncodeError:
        contenu = texte.encode("utf-8")
    _lire_puis_analyser(departement, "f.csv", contenu)


def test_un_xlsx_est_range_en_csv_avec_ses_numeros_de_ligne(departement):
    contenu = xlsx_octets(
        [
            ["Lalanne", "Inès", datetime(1988, 5, 3), "", "40100", "Dax", ""],
            [None] * 7,
            ["Darrigade", "Maëlle\nseconde ligne", "2999-01-01", "", "40990", "Herm; Landes", None],
        ]
    )
    import_personnes = televerser(departement, contenu, nom="liste.xlsx")
    assert (import_personnes.format, import_personnes.fichier.name.endswith(".csv")) == ("xlsx", True)
    relu = services.tableau(import_personnes)
    assert relu.colonnes == EN_TETES
    assert relu.lignes == [
        (2, ["Lalanne", "Inès", "1988-05-03", "", "40100", "Dax", ""]),
        (4, ["Darrigade", "Maëlle\nseconde ligne", "2999-01-01", "", "40990", "Herm; Landes", ""]),
    ]
