"""Mesure de l'import de personnes : génère un fichier de N personnes valides (10 000 par défaut), le téléverse,
l'analyse puis l'importe par les services (les corps des tâches Celery, appelés ici directement), puis réimporte le
même fichier (tout inchangé). Le tout dans une transaction annulée à la fin : la base reste inchangée ; le fichier
rangé est supprimé."""

import io
import os
import platform
import secrets
import time
from datetime import date, timedelta

import django
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from parcours.imports import services
from parcours.imports.lecture import LIGNES_MAX
from parcours.management.commands.mesurer_recherche_rome import _siret_libre
from parcours.models import ImportPersonnes, Statut
from parcours.validators import cle_nir
from partenaires import services as partenaires_services
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Utilisateur
from partenaires.referentiels import communes
from spie.mesures import coeurs as _coeurs
from spie.traces import Commande

BUDGET_S = 60
NOMS = "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia "
NOMS += "David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet François "
NOMS += "Martinez Lalanne Darrigade Dufau Lafitte Labat Ducasse Castaing Lagarde Larrieu Dupouy Baris Lesbats "
NOMS += "Sarrade Bergès Cazaux Daugreilh Lamarque Pédelucq Tastet Hourcade"
PRENOMS = "Inès Maëlle Léa Emma Chloé Camille Sarah Manon Jade Louise Lucas Hugo Louis Gabriel Jules Adam Raphaël "
PRENOMS += "Arthur Noé Paul Éloïse Zoé Anaïs Amélie Océane Mathis Théo Nathan Enzo Tom Julie Claire Marie Anne "
PRENOMS += "Sophie Karim Yasmine Mehdi Sofiane Nadia Kevin Jordan Mélissa Laura Pauline Jérôme Stéphane Éric Loïc Yann"
EN_TETES = [
    "Nom",
    "Prénom",
    "Date de naissance",
    "NIR",
    "Identifiant au Département",
    "Adresse e-mail",
    "Téléphone",
    "Adresse",
    "Code postal",
    "Commune",
    "Code INSEE de la commune",
    "E-mail du référent",
    "Droit au RSA",
    "Inscrit à France Travail",
]
NOMBRE_COMMUNES = 997  # premier, comme la suite des numéros d'ordre (1 000) : aucun NIR en double


class Command(Commande):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--lignes", type=int, default=10_000, help="Nombre de personnes (défaut : 10 000).")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="Format du fichier (csv).")

    def handle(self, *args, lignes, format, **options):
        if not 1 <= lignes <= LIGNES_MAX:
            raise CommandError(f"--lignes va de 1 à {LIGNES_MAX}.")
        self.stdout.write(
            f"Machine : {_coeurs()} cœurs ({platform.machine()}), Python {platform.python_version()}, "
            f"Django {django.get_version()}, {_base()}, DEBUG={settings.DEBUG}, charge {os.getloadavg()[0]:.2f}."
        )
        import_personnes = None
        try:
            with transaction.atomic():
                admin, referents = self._organisation()
                contenu = _fichier(lignes, referents, format)
                self.stdout.write(
                    f"Fichier généré : {lignes} personnes, {format.upper()}, {len(contenu) / 1e6:.1f} Mo."
                )
                premier, import_personnes = self._mesurer(admin, contenu, format)
                second, import_personnes = self._mesurer(admin, contenu, format)
                transaction.set_rollback(True)
        finally:
            if import_personnes is not None:  # le dernier fichier rangé, si une erreur l'a laissé
                services.purger_fichier(import_personnes)
        total = premier["analyse"] + premier["import"]
        tenu = "tenu" if total < BUDGET_S else "DÉPASSÉ"
        self.stdout.write(
            self.style.SUCCESS(
                f"Import de {lignes} personnes ({format.upper()}) sur {_base()} : lecture {premier['lecture']:.1f} s, "
                f"analyse {premier['analyse']:.1f} s, import {premier['import']:.1f} s ({premier['requetes']} requêtes "
                f"SQL) ; réimport du même fichier : analyse {second['analyse']:.1f} s, import {second['import']:.1f} s "
                f"({second['requetes']} requêtes). Budget de {BUDGET_S} s (analyse + import) : {tenu} ({total:.1f} s)."
            )
        )
        self.stdout.write(f"Charge moyenne sur 1 min après la mesure : {os.getloadavg()[0]:.2f}.")

    def _organisation(self):
        organisation = partenaires_services.enregistrer_organisation(
            acteur=None,
            nom="Département de mesure",
            type=TypeOrganisation.DEPARTEMENT,
            siret=_siret_libre(),
            adresse="1 rue de la Mesure",
            code_postal="40000",
            commune="Mont-de-Marsan",
            departement="40",
        )
        jeton = secrets.token_hex(4)

        def membre(nom, role):
            utilisateur = Utilisateur.objects.create_user(f"{nom}-{jeton}@mesure.invalid", prenom=nom, nom="Mesure")
            partenaires_services.ajouter_membre(utilisateur, organisation, role=role, acteur=None)
            return utilisateur

        referents = [membre(f"referent{i}", Role.PROFESSIONNEL) for i in range(5)]
        return membre("admin", Role.ADMINISTRATEUR), referents

    def _mesurer(self, admin, contenu, format):
        organisation = admin.membres.get().organisation
        debut = time.perf_counter()
        fichier = SimpleUploadedFile(f"mesure.{format}", contenu)
        import_personnes = services.televerser(acteur=admin, organisation=organisation, fichier=fichier)
        lecture = time.perf_counter() - debut
        services.lancer_analyse(import_personnes, acteur=admin, correspondance=import_personnes.correspondance)
        debut = time.perf_counter()
        services.analyser(import_personnes.pk)
        analyse = time.perf_counter() - debut
        import_personnes.refresh_from_db()
        if import_personnes.statut != ImportPersonnes.Statut.ANALYSE or import_personnes.nb_erreurs:
            raise CommandError(f"Analyse inattendue : {import_personnes.statut}, {import_personnes.erreurs[:3]}")
        services.confirmer(import_personnes, acteur=admin)
        debut = time.perf_counter()
        with CaptureQueriesContext(connection) as requetes:
            services.executer(import_personnes.pk)
        duree = time.perf_counter() - debut
        import_personnes.refresh_from_db()
        if import_personnes.statut != ImportPersonnes.Statut.TERMINE:
            raise CommandError(f"Import en échec : {import_personnes.message_erreur}")
        compte = ", ".join(
            f"{len(import_personnes.rapport[cle])} {libelle}{'s' if len(import_personnes.rapport[cle]) > 1 else ''}"
            for cle, libelle in services.RESULTATS.items()
        )
        self.stdout.write(
            f"  lecture {lecture:.2f} s, analyse {analyse:.2f} s, import {duree:.2f} s "
            f"({len(requetes)} requêtes SQL) : {compte}"
        )
        resultat = {"lecture": lecture, "analyse": analyse, "import": duree, "requetes": len(requetes)}
        return resultat, import_personnes


def _fichier(lignes: int, referents, format: str) -> bytes:
    noms, prenoms = NOMS.split(), PRENOMS.split()
    choisies = [c for c in sorted(communes().values(), key=lambda c: c["code_insee"]) if c["codes_postaux"]]
    choisies = choisies[:: max(1, len(choisies) // NOMBRE_COMMUNES)][:NOMBRE_COMMUNES]
    valeurs_rsa = list(Statut.VALEURS_RSA)
    rangees = []
    for i in range(lignes):
        naissance = date(1960, 1, 1) + timedelta(days=(i * 7) % 20_000)  # 7 et 20 000 premiers entre eux
        commune = choisies[i % len(choisies)]
        treize = f"{1 + i % 2}{naissance.year % 100:02d}{naissance.month:02d}{commune['code_insee']}{i % 1000:03d}"
        rangees.append(
            [
                f"{noms[i % len(noms)]}-Mesure",  # jamais l'identité d'une personne du jeu de données de mesure
                prenoms[(i // len(noms)) % len(prenoms)],
                naissance.strftime("%d/%m/%Y"),
                f"{treize}{cle_nir(treize):02d}",
                f"MESURE-{i:06d}",
                f"personne{i}@exemple.fr",
                "06 12 34 56 78",
                f"{1 + i % 90} rue de la République",
                commune["codes_postaux"].split()[0],
                commune["nom"],
                commune["code_insee"],
                referents[i % len(referents)].email,
                valeurs_rsa[i % len(valeurs_rsa)],
                "oui" if i % 3 else "non",
            ]
        )
    if format == "xlsx":
        from openpyxl import Workbook

        classeur = Workbook(write_only=True)
        feuille = classeur.create_sheet()
        for rangee in [EN_TETES, *rangees]:
            feuille.append(rangee)
        sortie = io.BytesIO()
        classeur.save(sortie)
        return sortie.getvalue()
    return "\r\n".join(";".join(rangee) for rangee in [EN_TETES, *rangees]).encode("utf-8")


def _base() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("SHOW server_version")
            return f"PostgreSQL {curseur.fetchone()[0]}"
    return f"{connection.vendor} {getattr(connection.Database, 'sqlite_version', '')}".strip()
