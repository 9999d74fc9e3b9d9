"""Des valeurs de formulaire générées, champ par champ, d'après la classe du champ : du texte unicode quelconque (vide,
très long, caractère nul), des nombres hors bornes, des dates et heures aux limites du calendrier, des choix
invalides, des identifiants qui n'existent pas ; et parfois des valeurs valides, pour aller plus loin que le premier
contrôle."""

import os
import uuid

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from hypothesis import strategies as st

TEXTES_PIEGES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e",
    "\ufeff",
    "<script>alert(1)</script>",
    "'; DROP TABLE parcours_carnet; --",
    "%s %(x)s {0} {{ x }}",
    "../../etc/passwd",
    "None",
    "null",
    "-1",
    "0",
    "é" * 300,
]
NOMBRES_PIEGES = [
    "NaN", "nan", "Infinity", "-Infinity", "inf", "1e999", "-1e999", "1e-999", "0x10", "١٢٣", "1,5", "1 000",
    "9" * 40, "-" + "9" * 40, "0.0000000000000000000001", "1e10", "-0", "+5", "12.", ".5",
]  # fmt: skip
DATES_PIEGES = [
    "0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30", "2999-12-31", "3000-01-01", "1899-12-31", "1900-01-01",
    "0000-00-00", "2023-02-29", "2024-02-30", "2024-13-01", "31/12/9999", "01/01/0001", "29/02/2023", "32/01/2024",
    "2024-1-1", "24-01-01", "1/1/1",
]  # fmt: skip
DATES_HEURES_PIEGES = [
    "0001-01-01T00:00", "0001-01-01 00:00:00", "0001-01-01T00:59", "9999-12-31T23:59", "9999-12-31 23:59:59",
    "2999-12-31T23:59", "3000-01-01T00:00", "1899-12-31T23:59", "1900-01-01T00:00", "2026-03-29T02:30",
    "2026-10-25T02:30", "2024-02-30T10:00", "2024-01-01T24:00", "2024-01-01T10:60", "2024-01-01", "T10:00",
]  # fmt: skip

textes = st.one_of(
    st.text(max_size=60),
    st.sampled_from(TEXTES_PIEGES),
    st.integers(1_000, 20_000).map(lambda n: "x" * n),
    st.text(min_size=1, max_size=5).map(lambda t: t * 500),
    st.text(max_size=10).map(lambda t: f"{t}\x00{t}"),  # le caractère nul : PostgreSQL refuse de le comparer
)
nombres = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.integers(-5, 400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(NOMBRES_PIEGES),
)


def _date(jour) -> str:
    return f"{jour.year:04d}-{jour.month:02d}-{jour.day:02d}"


dates = st.one_of(
    st.dates().map(_date),
    st.dates().map(lambda j: f"{j.day:02d}/{j.month:02d}/{j.year:04d}"),
    st.sampled_from(DATES_PIEGES),
)
dates_heures = st.one_of(
    st.datetimes().map(lambda m: f"{_date(m)}T{m.hour:02d}:{m.minute:02d}"),
    st.datetimes().map(lambda m: f"{_date(m)} {m.hour:02d}:{m.minute:02d}:{m.second:02d}"),
    st.sampled_from(DATES_HEURES_PIEGES),
)
identifiants_inexistants = st.one_of(
    st.uuids().map(str), st.integers(-(2**63), 2**63).map(str), st.just(str(uuid.UUID(int=0)))
)
booleens = st.sampled_from(["on", "", "true", "false", "1", "0", "off", "oui"])


def _choix_valides(champ) -> list[str]:
    valeurs = []
    try:
        for valeur, libelle in champ.choices:
            if isinstance(libelle, list | tuple):  # groupe de choix
                valeurs += [str(v) for v, _ in libelle]
            else:
                valeurs.append(str(getattr(valeur, "value", valeur)))
    except (AttributeError, TypeError):
        return []
    return [v for v in valeurs if v != ""][:50]


plausibles = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç -'", min_size=1, max_size=30)


def valeur(champ) -> st.SearchStrategy:
    """Une valeur (texte) pour un champ : une fois sur deux plausible (un choix valide, un texte ordinaire, une
    date du calendrier), pour que les exemples passent le formulaire et atteignent les services ; sinon selon sa
    nature (nombres, dates et choix absurdes) ou n'importe quel texte."""
    return st.one_of(plausible(champ), absurde(champ))


def plausible(champ) -> st.SearchStrategy:
    if isinstance(champ, forms.BooleanField | forms.NullBooleanField):
        return st.sampled_from(["on", ""])
    if isinstance(champ, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.integers(0, 100).map(str)
    if isinstance(champ, forms.DateTimeField):
        return dates_heures
    if isinstance(champ, forms.DateField):
        return dates
    if isinstance(champ, forms.EmailField):
        return st.emails()
    if isinstance(champ, forms.ChoiceField | forms.ModelChoiceField):
        valides = _choix_valides(champ)
        if valides:
            return st.sampled_from(valides)
    return plausibles


def absurde(champ) -> st.SearchStrategy:
    propres = []
    if isinstance(champ, forms.BooleanField | forms.NullBooleanField):
        propres.append(booleens)
    if isinstance(champ, forms.IntegerField | forms.DecimalField | forms.FloatField):
        propres.append(nombres)
    if isinstance(champ, forms.DateTimeField):
        propres.append(dates_heures)
    elif isinstance(champ, forms.DateField):
        propres.append(dates)
    if isinstance(champ, forms.EmailField):
        propres.append(st.emails())
    if isinstance(champ, forms.ChoiceField | forms.ModelChoiceField):
        valides = _choix_valides(champ)
        if valides:
            propres.append(st.sampled_from(valides))
        propres.append(identifiants_inexistants)
    return st.one_of(*propres, textes) if propres else textes


def _plusieurs(champ) -> bool:
    return isinstance(champ, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) or isinstance(
        champ.widget, forms.SelectMultiple | forms.CheckboxSelectMultiple
    )


def _nom_de_fichier_possible(nom: str) -> bool:
    """Un nom qu'un navigateur peut envoyer (Django refuse de construire un fichier sans nom)."""
    return os.path.basename(nom.replace("\\", "/")) not in {"", ".", ".."} and "\x00" not in nom


fichiers = st.builds(
    lambda nom, contenu: SimpleUploadedFile(nom, contenu),
    st.one_of(
        st.text(min_size=1, max_size=40).filter(_nom_de_fichier_possible),
        st.sampled_from(["liste.csv", "a.xlsx", "x.json", ".csv", "a" * 300]),
    ),
    st.binary(max_size=2_000),
)


@st.composite
def donnees_de(draw, form) -> tuple[MultiValueDict, MultiValueDict]:
    """Les données POST et les fichiers d'un formulaire déjà construit (ses champs dynamiques compris)."""
    donnees, envois = MultiValueDict(), MultiValueDict()
    for nom, champ in form.fields.items():
        cle = form.add_prefix(nom)
        if isinstance(champ, forms.FileField):
            if draw(st.booleans()):
                envois.setlist(cle, [draw(fichiers)])
            continue
        if draw(st.integers(0, 9)) == 0:  # champ absent de la requête
            continue
        noms = [cle]
        if isinstance(champ.widget, forms.MultiWidget):
            noms = [f"{cle}{suffixe}" for suffixe in champ.widget.widgets_names]
        for sous_nom in noms:
            nombre = draw(st.integers(0, 3)) if _plusieurs(champ) else 1
            donnees.setlist(sous_nom, [draw(valeur(champ)) for _ in range(nombre)])
    # Des clés inconnues, que le formulaire doit ignorer.
    for cle in draw(st.lists(st.text(max_size=10), max_size=2)):
        donnees.setlist(cle, [draw(textes)])
    return donnees, envois
