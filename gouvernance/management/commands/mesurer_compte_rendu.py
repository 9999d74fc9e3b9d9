"""Mesure de la production du compte rendu d'une séance très chargée (au moins 50 pages) : fabrique un comité de
40 sièges et une séance de 50 points (présentations et échanges, votes par siège, décisions), 40 décisions suivies
et 25 fiches action revues, puis produit le PDF comme la tâche d'archivage (`pdf_compte_rendu` : contexte, gabarit,
conversion par WeasyPrint dans un processus enfant borné), plusieurs fois. Mesure le temps de chaque étape, la
mémoire de pointe du processus enfant (WeasyPrint) et du parent, le nombre de pages (pypdf), et les compare au budget
du ticket (15 s, 800 Mo pour le parent et l'enfant ensemble). Le tout dans une transaction annulée à la fin : la base
reste inchangée. Avec `--pilote`, la séance est celle d'un comité du territoire que pilote ce compte (le consortium en
place s'il y en a un) : la section « Indicateurs du territoire » porte alors sur ses carnets (le territoire 1 du jeu
de données de mesure, `generer_donnees_bench`)."""

import io
import os
import platform
import resource
import secrets
import statistics
import time
from datetime import timedelta
from decimal import Decimal

import django
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from gouvernance.choix import (
    ChoixVote,
    Financeur,
    ModeDecision,
    Qualite,
    ResultatDeliberation,
    StatutDecision,
    StatutFiche,
    StatutPresence,
    StatutSeance,
    Theme,
    TypeComite,
    TypePoint,
    Voix,
)
from gouvernance.comptes_rendus import documents
from gouvernance.donnees_bench import departement_pilote as _departement_pilote
from gouvernance.models import (
    Comite,
    Consortium,
    CoPresidence,
    Decision,
    FicheAction,
    LigneBudget,
    Mandat,
    Point,
    Presence,
    Seance,
    Siege,
    SuiviDecision,
    SuiviFiche,
    Vote,
)
from partenaires import services as partenaires_services
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Organisation, Utilisateur
from partenaires.referentiels import choix_departements
from partenaires.validators import somme_luhn
from spie.mesures import base_de_donnees as _base
from spie.mesures import coeurs as _coeurs
from spie.pdf import html_vers_pdf
from spie.traces import Commande

PAGES_MIN = 50
BUDGET_SECONDES = 15  # par production : contexte, gabarit et WeasyPrint
BUDGET_MO = 800  # pointe de mémoire du parent et de l'enfant WeasyPrint réunis
PHRASES = [
    "Le Département présente l'état des lieux des bénéficiaires du RSA orientés vers un parcours social.",
    "France Travail rappelle les délais moyens d'entrée en accompagnement intensif dans le bassin.",
    "La CAF signale une hausse des demandes de prime d'activité chez les parents isolés du territoire.",
    "La mission locale décrit les freins de mobilité des jeunes en zone rurale, faute de permis et de transport.",
    "Le représentant de l'État insiste sur l'accès à la formation qualifiante des demandeurs d'emploi de longue durée.",
    "Les associations d'insertion demandent une meilleure visibilité sur les places disponibles en chantier.",
    "Le comité discute du calendrier de déploiement et des moyens à mobiliser pour chaque partenaire.",
    "Un point d'étape chiffré sera présenté à la prochaine séance, avec les indicateurs de la fiche action.",
]


class Annulation(Exception):
    """Annule la transaction de mesure."""


class Command(Commande):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--sieges", type=int, default=40, help="Sièges du comité (défaut : 40).")
        parser.add_argument("--points", type=int, default=50, help="Points à l'ordre du jour (défaut : 50).")
        parser.add_argument("--repetitions", type=int, default=3, help="Productions mesurées (défaut : 3).")
        parser.add_argument("--pdf", default="", help="Écrit le dernier PDF produit dans ce fichier.")
        parser.add_argument(
            "--pilote",
            default="",
            help="E-mail d'un pilote : la séance est tenue dans son territoire, dont les indicateurs entrent dans le "
            "compte rendu (par exemple bench.pilote@spie.test sur le jeu de données de mesure).",
        )

    def handle(self, *args, sieges, points, repetitions, pdf, pilote, **options):
        if sieges < 4 or points < 1 or repetitions < 1:
            raise CommandError("--sieges 4 au moins, --points et --repetitions 1 au moins.")
        departement = _departement_pilote(pilote) if pilote else None
        self.stdout.write(
            f"Machine : {_coeurs()} cœurs ({platform.machine()}), Python {platform.python_version()}, "
            f"Django {django.get_version()}, {_base()}, DEBUG={settings.DEBUG}, charge {os.getloadavg()[0]:.2f} ; "
            f"délai PDF {getattr(settings, 'SPIE_PDF_DELAI_SECONDES', 60)} s, "
            f"mémoire PDF {getattr(settings, 'SPIE_PDF_MEMOIRE_MO', 1024)} Mo."
        )
        try:
            with transaction.atomic():
                debut = time.perf_counter()
                seance = self._fabriquer(sieges, points, departement)
                self.stdout.write(f"Séance fabriquée en {time.perf_counter() - debut:.1f} s : {self._volume(seance)}.")
                mesures, contenu = self._mesurer(seance, repetitions)
                raise Annulation
        except Annulation:
            pass
        self._rapporter(mesures, contenu)
        if pdf:
            with open(pdf, "wb") as fichier:
                fichier.write(contenu)
            self.stdout.write(f"PDF écrit dans {pdf}.")

    # --- Mesure --------------------------------------------------------------------------------------------------

    def _mesurer(self, seance, repetitions):
        mesures, contenu = [], b""
        for _ in range(repetitions):
            debut = time.perf_counter()
            with CaptureQueriesContext(connection) as requetes:
                contexte = documents.contexte_compte_rendu(seance)
                html = render_to_string(documents.GABARIT_COMPTE_RENDU, contexte)
            rendu = time.perf_counter()
            contenu = html_vers_pdf(html)
            fin = time.perf_counter()
            mesures.append(
                {
                    "gabarit": rendu - debut,
                    "weasyprint": fin - rendu,
                    "total": fin - debut,
                    "requetes": len(requetes),
                    "html_ko": len(html.encode()) / 1024,
                }
            )
        return mesures, contenu

    def _rapporter(self, mesures, contenu):
        pages = len(PdfReader(io.BytesIO(contenu)).pages)
        enfant_mo = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        parent_mo = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # Le parent attend l'enfant pendant la conversion : la somme des deux pointes majore la pointe totale.
        total_mo = enfant_mo + parent_mo
        for numero, mesure in enumerate(mesures, start=1):
            self.stdout.write(
                f"Production {numero} : contexte + gabarit {mesure['gabarit']:.2f} s ({mesure['requetes']} requêtes, "
                f"HTML {mesure['html_ko']:.0f} Ko), WeasyPrint (processus enfant) {mesure['weasyprint']:.2f} s, "
                f"total {mesure['total']:.2f} s."
            )
        totaux = [mesure["total"] for mesure in mesures]
        delai = getattr(settings, "SPIE_PDF_DELAI_SECONDES", 60)
        memoire = getattr(settings, "SPIE_PDF_MEMOIRE_MO", 1024)
        verdict = "tenu" if max(m["weasyprint"] for m in mesures) < delai and enfant_mo < memoire else "DÉPASSÉ"
        style = self.style.SUCCESS if pages >= PAGES_MIN else self.style.WARNING
        self.stdout.write(
            style(
                f"Compte rendu de {pages} pages ({len(contenu) / 1024:.0f} Ko) : "
                f"médiane {statistics.median(totaux):.2f} s, max {max(totaux):.2f} s ; "
                f"mémoire de pointe : WeasyPrint {enfant_mo:.0f} Mo (RSS, processus enfant), "
                f"parent {parent_mo:.0f} Mo (RSS, fabrication comprise). Bornes de production ({delai} s, "
                f"{memoire} Mo d'espace d'adressage) : {verdict}."
            )
        )
        tenu = max(totaux) <= BUDGET_SECONDES and total_mo <= BUDGET_MO
        self.stdout.write(
            (self.style.SUCCESS if tenu else self.style.ERROR)(
                f"Budget du ticket (≤ {BUDGET_SECONDES} s par production, ≤ {BUDGET_MO} Mo de pointe) : temps max "
                f"{max(totaux):.2f} s, mémoire de pointe totale {total_mo:.0f} Mo (enfant + parent, majorant) : "
                f"{'tenu' if tenu else 'DÉPASSÉ'}."
            )
        )
        if pages < PAGES_MIN:
            self.stdout.write(self.style.WARNING(f"Moins de {PAGES_MIN} pages : augmentez --points."))

    def _volume(self, seance) -> str:
        return (
            f"{Siege.objects.filter(comite=seance.comite).count()} sièges, {seance.points.count()} points, "
            f"{Vote.objects.filter(point__seance=seance).count()} votes, {seance.decisions.count()} décisions, "
            f"{seance.suivis_decisions.count()} décisions suivies, {seance.suivis_fiches.count()} fiches revues"
        )

    # --- Fabrication ---------------------------------------------------------------------------------------------

    def _fabriquer(self, nombre_sieges, nombre_points, departement=None) -> Seance:
        departement = departement or next(
            code for code, _ in choix_departements() if not Consortium.objects.filter(departement=code).exists()
        )
        jeton = secrets.token_hex(4)
        organisations = [
            partenaires_services.enregistrer_organisation(
                acteur=None,
                nom=f"{type_.label} de mesure {numero}",
                type=type_,
                siret=_siret_libre(),
                adresse="1 rue de la Mesure",
                code_postal="40000",
                commune="Mont-de-Marsan",
                departement=departement,
            )
            for numero, type_ in enumerate(list(TypeOrganisation)[:12], start=1)
        ]
        secretaire = Utilisateur.objects.create_user(f"secretaire-{jeton}@mesure.invalid", prenom="Sacha", nom="Mesure")
        partenaires_services.ajouter_membre(secretaire, organisations[0], role=Role.SECRETAIRE_COMITE, acteur=None)
        prefet = Utilisateur.objects.create_user(f"prefet-{jeton}@mesure.invalid", prenom="Pierre", nom="Préfet")
        consortium = Consortium.objects.filter(departement=departement).first() or Consortium.objects.create(
            nom="Consortium de mesure", departement=departement
        )
        comite = Comite.objects.create(
            consortium=consortium,
            nom="Comité départemental pour l'emploi",
            type=TypeComite.STRATEGIQUE,
            secretaire=secretaire,
        )
        deliberatifs = nombre_sieges * 3 // 4
        sieges = Siege.objects.bulk_create(
            Siege(
                comite=comite,
                organisation=organisations[numero % len(organisations)],
                libelle=f"Représentant {numero + 1}",
                voix=Voix.DELIBERATIVE if numero < deliberatifs else Voix.CONSULTATIVE,
                ordre=numero,
            )
            for numero in range(nombre_sieges)
        )
        aujourd_hui = timezone.localdate()
        mandats = Mandat.objects.bulk_create(
            Mandat(
                siege=siege,
                qualite=Qualite.TITULAIRE,
                prenom=PRENOMS[numero % len(PRENOMS)],
                nom=NOMS[numero % len(NOMS)],
                email=f"mandat{numero}-{jeton}@mesure.invalid",
                date_debut=aujourd_hui - timedelta(days=365),
                date_fin=aujourd_hui + timedelta(days=730),
            )
            for numero, siege in enumerate(sieges)
        )
        CoPresidence.objects.create(comite=comite, siege=sieges[0], utilisateur=prefet, voix_preponderante=True)
        maintenant = timezone.now()
        seance = Seance.objects.create(
            comite=comite,
            date=maintenant - timedelta(hours=3),
            lieu="Hôtel du Département",
            statut=StatutSeance.CLOTUREE,
            synthese="\n".join(PHRASES),
            convocation_envoyee_le=maintenant - timedelta(days=10),
            cloturee_le=maintenant,
            cree_par=secretaire,
        )
        precedente = Seance.objects.create(
            comite=comite,
            date=maintenant - timedelta(days=120),
            lieu="Hôtel du Département",
            statut=StatutSeance.CLOTUREE,
            cloturee_le=maintenant - timedelta(days=119),
            cree_par=secretaire,
        )
        # Présences : un siège délibératif sur six représenté par son voisin, un sur neuf excusé.
        presences = []
        for numero, (siege, mandat) in enumerate(zip(sieges, mandats, strict=True)):
            if siege.voix == Voix.DELIBERATIVE and numero % 6 == 5:
                presences.append(
                    Presence(
                        seance=seance, siege=siege, statut=StatutPresence.REPRESENTE, represente_par=sieges[numero - 1]
                    )
                )
            elif numero % 9 == 8:
                presences.append(Presence(seance=seance, siege=siege, statut=StatutPresence.EXCUSE))
            else:
                presences.append(Presence(seance=seance, siege=siege, statut=StatutPresence.PRESENT, mandat=mandat))
        Presence.objects.bulk_create(presences)
        votants = [
            p.siege for p in presences if p.siege.voix == Voix.DELIBERATIVE and p.statut != StatutPresence.EXCUSE
        ]
        fiches = self._fiches(consortium, organisations, max(nombre_points // 2, 1))
        points = Point.objects.bulk_create(
            Point(
                seance=seance,
                ordre=numero + 1,
                titre=f"Point {numero + 1} : {PHRASES[numero % len(PHRASES)][:60].rstrip()}",
                description=" ".join(PHRASES[(numero + k) % len(PHRASES)] for k in range(3)),
                notes=" ".join(PHRASES[(numero + k) % len(PHRASES)] for k in range(4, 8)),
                type=TypePoint.DELIBERATION if numero % 3 else TypePoint.INFORMATION,
                duree_minutes=15,
                fiche_action=fiches[numero % len(fiches)] if numero % 2 else None,
                mode=_mode(numero),
                resultat=ResultatDeliberation.ADOPTEE if _mode(numero) else "",
                voix_preponderante_utilisee=_mode(numero) == ModeDecision.VOTE and numero % 12 == 1,
            )
            for numero in range(nombre_points)
        )
        choix = [ChoixVote.POUR, ChoixVote.POUR, ChoixVote.CONTRE, ChoixVote.ABSTENTION]
        Vote.objects.bulk_create(
            Vote(point=point, siege=siege, choix=choix[(rang + indice) % len(choix)])
            for rang, point in enumerate(points)
            if point.mode == ModeDecision.VOTE
            for indice, siege in enumerate(votants)
        )
        Decision.objects.bulk_create(
            Decision(
                comite=comite,
                seance=seance,
                point=point,
                texte=f"{PHRASES[(rang + k) % len(PHRASES)]} (décision {rang + 1}.{k + 1})",
                organisation_responsable=organisations[(rang + k) % len(organisations)],
                echeance=aujourd_hui + timedelta(days=30 * (k + 1)),
                mode=point.mode,
            )
            for rang, point in enumerate(points)
            if point.resultat
            for k in range(2)
        )
        anciennes = Decision.objects.bulk_create(
            Decision(
                comite=comite,
                seance=precedente,
                texte=f"{PHRASES[rang % len(PHRASES)]} (décision antérieure {rang + 1})",
                organisation_responsable=organisations[rang % len(organisations)],
                echeance=aujourd_hui + timedelta(days=rang),
                mode=ModeDecision.CONSENSUS,
                statut=StatutDecision.EN_COURS,
            )
            for rang in range(nombre_points - 10 if nombre_points > 20 else nombre_points)
        )
        SuiviDecision.objects.bulk_create(
            SuiviDecision(
                decision=decision,
                seance=seance,
                statut=StatutDecision.REALISEE if rang % 4 == 0 else StatutDecision.EN_COURS,
                commentaire=PHRASES[(rang + 3) % len(PHRASES)],
            )
            for rang, decision in enumerate(anciennes)
        )
        SuiviFiche.objects.bulk_create(
            SuiviFiche(
                fiche=fiche,
                seance=seance,
                statut=StatutFiche.EN_COURS,
                avancement=(rang * 7) % 100,
                commentaire=PHRASES[rang % len(PHRASES)],
            )
            for rang, fiche in enumerate(fiches)
        )
        return seance

    def _fiches(self, consortium, organisations, nombre):
        themes = list(Theme)
        deja = FicheAction.objects.filter(consortium=consortium).aggregate(dernier=Max("numero"))["dernier"] or 0
        fiches = FicheAction.objects.bulk_create(
            FicheAction(
                consortium=consortium,
                numero=deja + numero + 1,
                titre=f"Fiche de mesure {numero + 1} : {themes[numero % len(themes)].label}",
                theme=themes[numero % len(themes)],
                objectifs="Accompagner 60 personnes par an.",
                publics=["brsa"],
                organisation_pilote=organisations[numero % len(organisations)],
                date_debut=timezone.localdate().replace(month=1, day=1),
            )
            for numero in range(nombre)
        )
        LigneBudget.objects.bulk_create(
            LigneBudget(
                fiche=fiche,
                financeur=financeur,
                annee=timezone.localdate().year,
                prevu=Decimal(10_000 * (rang + 1)),
                engage=Decimal(6_000 * (rang + 1)),
                depense=Decimal(2_500 * (rang + 1)),
            )
            for rang, fiche in enumerate(fiches)
            for financeur in (Financeur.ETAT, Financeur.DEPARTEMENT, Financeur.FSE)
        )
        return fiches


PRENOMS = ["Inès", "Léa", "Hugo", "Jade", "Louis", "Chloé", "Paul", "Zoé", "Karim", "Anaïs", "Yann", "Claire"]
NOMS = ["Lalanne", "Darrigade", "Dufau", "Lafitte", "Labat", "Ducasse", "Castaing", "Lagarde", "Larrieu", "Dupouy"]


def _mode(numero) -> str:
    """Un point sur trois pour information ; parmi les délibérations, une sur cinq par consensus, les autres votées."""
    if numero % 3 == 0:
        return ""
    return ModeDecision.CONSENSUS if numero % 5 == 0 else ModeDecision.VOTE


def _siret_libre() -> str:
    """Un SIRET valide (clé de Luhn) qu'aucune organisation n'utilise."""
    while True:
        base = f"9{secrets.randbelow(10**12):012d}"
        siret = next(base + str(cle) for cle in range(10) if somme_luhn(base + str(cle)) % 10 == 0)
        if not Organisation.objects.filter(siret=siret).exists():
            return siret
