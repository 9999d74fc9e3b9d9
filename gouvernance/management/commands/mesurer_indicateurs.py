"""Mesure du calcul des indicateurs du territoire sur un grand territoire : fabrique (bulk_create) des carnets avec
leurs statuts, référents, demandes et décisions d'orientation, contrats, objectifs, rendez-vous, notes, orientations
vers l'offre et sorties (avec le suivi dans l'emploi), puis calcule plusieurs fois tous les indicateurs du dernier
trimestre complet et de la période précédente, pour chaque public (`tableaux.calculer_tableaux`, comme la page).
Rapporte la médiane et le 95e centile du temps de calcul et le nombre de requêtes, puis ceux des tableaux quand le
cache a les chiffres (`memoire`, cache chaud). Le tout dans une transaction annulée à la fin : la base reste inchangée
(et la clé du cache est effacée). Avec `--pilote`, rien n'est fabriqué : on mesure le territoire que pilote ce compte,
tel qu'il est en base (le territoire 1 du jeu de données de mesure, `generer_donnees_bench`)."""

import os
import platform
import random
import secrets
import statistics
import time
from datetime import datetime, timedelta

import django
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gouvernance.donnees_bench import departement_pilote as _departement_pilote
from gouvernance.indicateurs import calcul, memoire, tableaux
from gouvernance.indicateurs import population as p
from offre import services as offre_services
from offre.models import Service, Structure
from parcours.donnees_bench import creer_orientations_vers_l_offre, creer_sorties
from parcours.models import (
    Carnet,
    ContratEngagement,
    DecisionOrientation,
    DemandeOrientation,
    Intervenant,
    Note,
    Objectif,
    Personne,
    RendezVous,
    Statut,
)
from partenaires import services as partenaires_services
from partenaires.choix import Role, TypeOrganisation
from partenaires.donnees_bench import moment
from partenaires.models import Organisation, Utilisateur
from partenaires.referentiels import choix_departements, communes
from partenaires.validators import somme_luhn
from spie.mesures import base_de_donnees as _base
from spie.mesures import coeurs as _coeurs
from spie.traces import Commande

LOT = 2000
JOURS_D_HISTOIRE = 540


class Annulation(Exception):
    """Annule la transaction de mesure."""


class Command(Commande):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--carnets", type=int, default=50_000, help="Carnets fabriqués (défaut : 50 000).")
        parser.add_argument("--repetitions", type=int, default=5, help="Calculs mesurés (défaut : 5).")
        parser.add_argument(
            "--pilote",
            default="",
            help="E-mail d'un pilote : mesure son territoire tel qu'il est en base, sans rien fabriquer "
            "(par exemple bench.pilote@spie.test sur le jeu de données de mesure).",
        )

    def handle(self, *args, carnets, repetitions, pilote, **options):
        if carnets < 1 or repetitions < 1:
            raise CommandError("--carnets et --repetitions : 1 au moins.")
        departement_du_pilote = _departement_pilote(pilote) if pilote else None
        self.stdout.write(
            f"Machine : {_coeurs()} cœurs ({platform.machine()}), Python {platform.python_version()}, "
            f"Django {django.get_version()}, {_base()}, DEBUG={settings.DEBUG}, charge {os.getloadavg()[0]:.2f}."
        )
        try:
            with transaction.atomic():
                debut = time.perf_counter()
                if departement_du_pilote:
                    departement = departement_du_pilote
                    volume = f"{p.carnets_du_territoire(departement).count()} carnets"
                    self.stdout.write(f"Territoire {departement} de {pilote}, tel qu'il est en base : {volume}.")
                else:
                    departement, volume = self._fabriquer(carnets)
                    self.stdout.write(f"Territoire fabriqué en {time.perf_counter() - debut:.1f} s : {volume}.")
                resultat = self._mesurer(departement, repetitions)
                raise Annulation
        except Annulation:
            pass
        self._rapporter(*resultat)

    # --- Mesure --------------------------------------------------------------------------------------------------

    def _mesurer(self, departement, repetitions):
        filtres = calcul.Filtres(departement, p.dernier_trimestre_complet(timezone.localdate()))
        durees, requetes, accompagnes = [], 0, None
        for _ in range(repetitions):
            with CaptureQueriesContext(connection) as capture:
                debut = time.perf_counter()
                par_section = tableaux.calculer_tableaux(filtres, arrondi=False)
                durees.append(time.perf_counter() - debut)
            requetes = len(capture.captured_queries)
            accompagnes = par_section[next(iter(par_section))][0].lignes[0].texte
        chaudes, requetes_chaudes, pages = self._mesurer_cache_chaud(filtres, repetitions)
        return filtres.periode, durees, requetes, accompagnes, chaudes, requetes_chaudes, pages

    def _mesurer_cache_chaud(self, filtres, repetitions):
        """Quand le cache a les chiffres (un calcul les y met) : les tableaux (`tableaux.publier`), puis la page
        entière sans filtre (la vue par défaut, par le `Client` de test : middlewares, vue, gabarit) pour un pilote du
        territoire. La clé est effacée à la fin (la transaction annulée n'efface pas le cache)."""
        cle = memoire.cle(filtres)
        calcules_le = timezone.localtime(memoire.calculer(filtres).calcules_le)
        fraicheur = f"Chiffres calculés le {calcules_le:%d/%m/%Y} à {calcules_le:%H:%M}"
        durees, pages = [], []
        try:
            for _ in range(repetitions):
                with CaptureQueriesContext(connection) as capture:
                    debut = time.perf_counter()
                    tableaux.publier(filtres, arrondi=False)
                    durees.append(time.perf_counter() - debut)
            client = Client()
            client.force_login(self._pilote(filtres.departement))
            url = reverse("gouvernance:indicateurs")
            for _ in range(repetitions):
                debut = time.perf_counter()
                reponse = client.get(url)
                pages.append(time.perf_counter() - debut)
                # Les chiffres mis en cache (leur instant de calcul), pas un nouveau calcul.
                if reponse.status_code != 200 or fraicheur not in " ".join(reponse.content.decode().split()):
                    raise CommandError(f"Page des indicateurs : réponse {reponse.status_code}, sans « {fraicheur} ».")
        finally:
            cache.delete(cle)
        return durees, len(capture.captured_queries), pages

    def _pilote(self, departement) -> Utilisateur:
        """Un pilote du territoire, avec son application d'authentification (TOTP)."""
        utilisateur = Utilisateur.objects.create_user(f"pilote-{secrets.token_hex(6)}@mesure.invalid")
        organisation = Organisation.objects.filter(departement=departement).first()
        partenaires_services.ajouter_membre(utilisateur, organisation, role=Role.PILOTE, acteur=None)
        TOTP.activate(utilisateur, generate_totp_secret())
        return utilisateur

    def _rapporter(self, periode, durees, requetes, accompagnes, chaudes, requetes_chaudes, pages):
        self.stdout.write(
            f"Indicateurs {periode.libelle} et période précédente, {len(p.PUBLICS)} publics (tous compris) : "
            f"{accompagnes} personnes accompagnées ; "
            f"{requetes} requêtes par calcul."
        )
        self.stdout.write(f"Calcul complet ({len(durees)} fois) : {_resume(durees)}.")
        self.stdout.write(
            f"Cache chaud ({len(chaudes)} lectures, {requetes_chaudes} requête(s) chacune, "
            f"cache {_cache()}) : {_resume(chaudes, millisecondes=True)}."
        )
        self.stdout.write(
            f"Page entière sans filtre, cache chaud ({len(pages)} fois, Client de test) : "
            f"{_resume(pages, millisecondes=True)}."
        )

    # --- Fabrication ---------------------------------------------------------------------------------------------

    def _fabriquer(self, nombre):
        hasard = random.Random(42)
        departement = next(
            code
            for code, _ in choix_departements()
            if not Organisation.objects.filter(departement=code).exists()
            and any(ligne["code_departement"] == code for ligne in communes().values())
        )
        codes_communes = [code for code, ligne in communes().items() if ligne["code_departement"] == departement]
        jeton = secrets.token_hex(4)
        organisation = partenaires_services.enregistrer_organisation(
            acteur=None,
            nom="Département de mesure",
            type=TypeOrganisation.DEPARTEMENT,
            siret=_siret_libre(),
            adresse="1 rue de la Mesure",
            code_postal="40000",
            commune="Mont-de-Marsan",
            departement=departement,
        )
        acteur = Utilisateur.objects.create_user(f"mesure-{jeton}@mesure.invalid", prenom="Mesure", nom="Indicateurs")
        service = self._service(jeton, codes_communes[0])
        aujourd_hui = timezone.localdate()
        origine = aujourd_hui - timedelta(days=JOURS_D_HISTOIRE)

        personnes = Personne.objects.bulk_create(
            (
                Personne(
                    nom=f"Mesure{numero}",
                    prenom="Indicateurs",
                    date_naissance=aujourd_hui - timedelta(days=hasard.randint(18 * 365, 64 * 365)),
                    code_commune=hasard.choice(codes_communes),
                )
                for numero in range(nombre)
            ),
            batch_size=LOT,
        )
        ouvertures = [origine + timedelta(days=hasard.randint(0, JOURS_D_HISTOIRE - 1)) for _ in personnes]
        carnets = Carnet.objects.bulk_create(
            (
                Carnet(
                    personne=personne, cree_par=acteur, organisation_creatrice=organisation, date_creation=_moment(jour)
                )
                for personne, jour in zip(personnes, ouvertures, strict=True)
            ),
            batch_size=LOT,
        )
        lignes = {"carnets": len(carnets)}
        lignes["statuts"] = self._creer(
            Statut,
            (
                Statut(personne=carnet.personne, type=type_, valeur=valeur, date_debut=jour, saisi_par=acteur)
                for carnet, jour in zip(carnets, ouvertures, strict=True)
                for type_, valeur, part in (
                    (Statut.Type.DROIT_RSA, "ouvert_versable", 0.6),
                    (Statut.Type.DELD, "oui", 0.2),
                    (Statut.Type.PARENT_ISOLE, "oui", 0.15),
                    (Statut.Type.RQTH, "oui", 0.08),
                )
                if hasard.random() < part
            ),
        )
        lignes["référents"] = self._creer(
            Intervenant,
            (
                Intervenant(
                    carnet=carnet, utilisateur=acteur, organisation=organisation, role="referent", date_debut=jour
                )
                for carnet, jour in zip(carnets, ouvertures, strict=True)
                if hasard.random() < 0.9
            ),
        )
        orientes = [(c, j) for c, j in zip(carnets, ouvertures, strict=True) if hasard.random() < 0.8]
        demandes = DemandeOrientation.objects.bulk_create(
            (
                DemandeOrientation(
                    carnet=carnet,
                    motif="entree_rsa",
                    organisation_orientation=organisation,
                    date_reception=jour,
                    demandeur=acteur,
                    statut="decidee",
                )
                for carnet, jour in orientes
            ),
            batch_size=LOT,
        )
        decisions = [jour + timedelta(days=hasard.randint(5, 70)) for _, jour in orientes]
        lignes["orientations"] = self._creer(
            DecisionOrientation,
            (
                DecisionOrientation(
                    demande=demande,
                    carnet=carnet,
                    sens="orienter",
                    parcours="emploi",
                    organisme_referent=organisation,
                    date_decision=decision,
                    decideur=acteur,
                    organisation_decideuse=organisation,
                )
                for demande, (carnet, _), decision in zip(demandes, orientes, decisions, strict=True)
            ),
        )
        lignes["contrats"] = self._creer(
            ContratEngagement,
            (
                ContratEngagement(
                    carnet=carnet,
                    date_debut=decision + timedelta(days=hasard.randint(3, 40)),
                    accord_personne_le=decision + timedelta(days=hasard.randint(3, 40)),
                    cree_par=acteur,
                )
                for (carnet, _), decision in zip(orientes, decisions, strict=True)
                if hasard.random() < 0.75
            ),
        )
        lignes["objectifs"] = self._creer(
            Objectif,
            (
                Objectif(
                    carnet=carnet,
                    axe_id="emploi",
                    libelle_libre="Retrouver un emploi",
                    cree_par=acteur,
                    date_creation=_moment(jour + timedelta(days=hasard.randint(1, 60))),
                )
                for carnet, jour in zip(carnets, ouvertures, strict=True)
                if hasard.random() < 0.6
            ),
        )
        lignes["rendez-vous"] = self._creer(
            RendezVous,
            (
                RendezVous(
                    carnet=carnet,
                    date_heure=_moment(jour + timedelta(days=hasard.randint(1, JOURS_D_HISTOIRE))),
                    intervenant=acteur,
                    organisation=organisation,
                    a_distance=True,
                    objet="Point d'étape",
                    statut=hasard.choice(["honore", "honore", "honore", "absent", "excuse"]),
                    cree_par=acteur,
                )
                for carnet, jour in zip(carnets, ouvertures, strict=True)
                for _ in range(3)
            ),
        )
        lignes["notes"] = self._creer(
            Note,
            (
                Note(
                    carnet=carnet,
                    auteur=acteur,
                    organisation=organisation,
                    texte="Échange",
                    date=_moment(jour + timedelta(days=hasard.randint(1, JOURS_D_HISTOIRE))),
                )
                for carnet, jour in zip(carnets, ouvertures, strict=True)
            ),
        )
        lignes["orientations vers l'offre"] = self._orientations(carnets, ouvertures, service, acteur, hasard)
        lignes["sorties"] = self._sorties(carnets, ouvertures, organisation, acteur, aujourd_hui, hasard)
        return departement, ", ".join(f"{nombre} {nom}" for nom, nombre in lignes.items())

    def _creer(self, modele, objets) -> int:
        return len(modele.objects.bulk_create(objets, batch_size=LOT))

    def _service(self, jeton, code_insee):
        structure = Structure(
            source="mesure", identifiant=f"mesure-{jeton}", nom="Structure de mesure", code_insee=code_insee
        )
        offre_services.completer_geographie(structure)
        structure.save()
        return Service.objects.create(
            structure=structure,
            source="mesure",
            identifiant=f"mesure-{jeton}",
            nom="Service de mesure",
            description="Un accompagnement de mesure.",
            type="accompagnement",
            thematiques=["mobilite--preparer-un-permis"],
            publics=["tous-publics"],
            frais="gratuit",
            a_distance=True,
            code_insee=code_insee,
        )

    def _orientations(self, carnets, ouvertures, service, acteur, hasard) -> int:
        choisis = [(c, j) for c, j in zip(carnets, ouvertures, strict=True) if hasard.random() < 0.25]
        return creer_orientations_vers_l_offre(
            [
                (carnet, _moment(jour + timedelta(days=hasard.randint(1, 300))), service, acteur)
                for carnet, jour in choisis
            ],
            hasard,
        )

    def _sorties(self, carnets, ouvertures, organisation, acteur, aujourd_hui, hasard) -> int:
        choisis = [(c, j) for c, j in zip(carnets, ouvertures, strict=True) if hasard.random() < 0.15]
        return creer_sorties(
            [
                (carnet, min(jour + timedelta(days=hasard.randint(30, 400)), aujourd_hui), acteur, organisation)
                for carnet, jour in choisis
            ],
            hasard,
            aujourd_hui,
        )


def _moment(jour) -> datetime:
    return moment(jour)


def _siret_libre() -> str:
    while True:
        base = f"9{secrets.randbelow(10**12):012d}"
        siret = next(base + str(cle) for cle in range(10) if somme_luhn(base + str(cle)) % 10 == 0)
        if not Organisation.objects.filter(siret=siret).exists():
            return siret


def _resume(durees, *, millisecondes=False) -> str:
    ordonnees = sorted(durees)
    p95 = ordonnees[min(len(ordonnees) - 1, round(0.95 * (len(ordonnees) - 1)))]
    echelle, unite, chiffres = (1000, "ms", 1) if millisecondes else (1, "s", 2)
    valeurs = [statistics.median(durees), p95, ordonnees[0], ordonnees[-1]]
    mediane, p95, minimum, maximum = (f"{valeur * echelle:.{chiffres}f} {unite}" for valeur in valeurs)
    return f"médiane {mediane}, p95 {p95}, min {minimum}, max {maximum}"


def _cache() -> str:
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
