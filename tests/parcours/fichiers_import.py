"""Fabrique de fichiers de personnes pour les tests de l'import (CSV en tout encodage et séparateur, XLSX)."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from parcours.imports import services
from parcours.validators import cle_nir
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

EN_TETES = ["Nom", "Prénom", "Date de naissance", "NIR", "Code postal", "Commune", "E-mail du référent"]


def nir(date_naissance: date, sexe: str = "2", commune: str = "40088", ordre: int = 123) -> str:
    treize = f"{sexe}{date_naissance.year % 100:02d}{date_naissance.month:02d}{commune}{ordre:03d}"
    return f"{treize}{cle_nir(treize):02d}"


def csv_octets(lignes, en_tetes=EN_TETES, separateur=";", encodage="utf-8") -> bytes:
    texte = "\r\n".join(separateur.join(cellules) for cellules in [en_tetes, *lignes]) + "\r\n"
    return texte.encode(encodage)


def xlsx_octets(lignes, en_tetes=EN_TETES) -> bytes:
    from openpyxl import Workbook

    classeur = Workbook()
    feuille = classeur.active
    feuille.append(en_tetes)
    for cellules in lignes:
        feuille.append(cellules)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def fichier(contenu: bytes, nom: str = "personnes.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, contenu)


def ligne(nom="Lalanne", prenom="Inès", naissance="03/05/1988", numero="", cp="40100", commune="Dax", referent=""):
    return [nom, prenom, naissance, numero, cp, commune, referent]


def equipe_du_departement():
    """Le Département qui importe : un administrateur, un chargé d'orientation, une référente."""
    organisation = OrganisationFactory(nom="Département des Landes", departement="40")
    return {
        "organisation": organisation,
        "admin": membre(organisation, Role.ADMINISTRATEUR, email="admin@landes.fr").utilisateur,
        "charge": membre(organisation, Role.CHARGE_ORIENTATION, email="orientation@landes.fr").utilisateur,
        "referente": membre(organisation, Role.PROFESSIONNEL, email="referente@landes.fr", prenom="Claire").utilisateur,
    }


def televerser(departement, contenu: bytes, nom="personnes.csv", acteur=None):
    return services.televerser(
        acteur=acteur or departement["admin"], organisation=departement["organisation"], fichier=fichier(contenu, nom)
    )


def analyser(departement, contenu: bytes, nom="personnes.csv", correspondance=None):
    """Téléverse, fait correspondre (suggestion par les en-têtes) et analyse, comme le ferait le worker."""
    import_personnes = televerser(departement, contenu, nom)
    services.lancer_analyse(
        import_personnes,
        acteur=departement["admin"],
        correspondance=correspondance or import_personnes.correspondance,
    )
    services.analyser(import_personnes.pk)
    import_personnes.refresh_from_db()
    return import_personnes


def importer(departement, contenu: bytes, nom="personnes.csv", valides_seulement=False):
    """Tout le parcours, confirmation comprise ; rend l'import relu."""
    import_personnes = analyser(departement, contenu, nom)
    services.confirmer(import_personnes, acteur=departement["admin"], valides_seulement=valides_seulement)
    services.executer(import_personnes.pk)
    import_personnes.refresh_from_db()
    return import_personnes


def erreurs_de(import_personnes, numero: int) -> dict:
    return next(e for e in import_personnes.erreurs if e["ligne"] == numero)
