"""Mesure de la recherche dans l'offre sur un catalogue national réaliste (20 000 services par défaut).

Les services sont créés autour des centres des communes réelles (tirées selon leur population : les services sont
là où vivent les gens), avec des thématiques, des publics, des types, des zones d'éligibilité et des dates de mise à
jour variés, environ 10 % à distance, quelques sessions et quelques services suspendus. Puis N recherches tirées
avec une graine fixe (commune, rayon de 10, 20 ou 50 km, avec ou sans thématique, public ou texte) passent :

- par le `Client` de test de Django, `GET /offre/recherche/` d'un professionnel connecté (middlewares, second
  facteur, vue, formulaire, moteur, rendu de la page) : le chemin réel d'une requête, hors serveur WSGI et réseau ;
- par le moteur seul : `rechercher(criteres)` et le chargement de la première page de résultats.

Avec `--catalogue-en-place`, rien n'est créé : on mesure le catalogue déjà en base (celui du jeu de données de mesure,
`generer_donnees_bench`).

Tout se passe dans une transaction annulée à la fin : la base reste inchangée (sur PostgreSQL, un `VACUUM` des tables
de l'offre retire d'abord les lignes mortes laissées par les mesures précédentes). Voir docs/BENCHMARKS.md."""

import math
import os
import platform
import random
import secrets
import statistics
import time
from datetime import timedelta

import django
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import CommandError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from offre import fraicheur, referentiels, services
from offre.models import CritereService, Service, SessionService, Structure
from offre.recherche.moteur import Criteres, rechercher
from offre.recherche.views import PAR_PAGE
from partenaires import services as partenaires_services
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Organisation, Utilisateur
from partenaires.referentiels import communes
from partenaires.validators import somme_luhn
from spie.traces import Commande

BUDGET_MS = 150  # p95 de la requête HTTP complète
SERVICES_PAR_STRUCTURE = 8
LOT = 2_000
RAYONS = (10, 20, 50)

# Des services comme en publient les partenaires : nom, type, thématiques, description.
MODELES = [
    (
        "Atelier CV et lettre de motivation",
        "atelier",
        ["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"],
        "Construire un CV clair et une lettre adaptée à chaque offre.",
    ),
    (
        "Atelier CV vidéo",
        "atelier",
        ["preparer-sa-candidature--valoriser-ses-competences"],
        "Se présenter en une minute face caméra, avec un conseiller.",
    ),
    (
        "Job dating",
        "information",
        ["trouver-un-emploi--convaincre-un-recruteur-en-entretien", "trouver-un-emploi--repondre-a-des-offres-demploi"],
        "Rencontrer des employeurs qui recrutent, en entretiens courts.",
    ),
    (
        "Bilan de compétences",
        "accompagnement",
        ["choisir-un-metier--identifier-ses-points-forts-et-ses-competences"],
        "Faire le point sur ses compétences et construire un projet professionnel.",
    ),
    (
        "Immersion en entreprise (PMSMP)",
        "accompagnement",
        [
            "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
            "choisir-un-metier--confirmer-son-choix-de-metier",
        ],
        "Découvrir un métier quelques jours dans une entreprise.",
    ),
    (
        "Chantier d'insertion espaces verts",
        "accompagnement",
        ["trouver-un-emploi--repondre-a-des-offres-demploi", "remobilisation--lien-social"],
        "Un contrat de travail accompagné, en équipe, pour reprendre pied.",
    ),
    (
        "Auto-école sociale",
        "accompagnement",
        ["mobilite--preparer-un-permis"],
        "Préparer le permis B avec un accompagnement renforcé et un coût réduit.",
    ),
    (
        "Garage solidaire",
        "aide-materielle",
        ["mobilite--entretenir-reparer-son-vehicule", "mobilite--acceder-a-un-vehicule"],
        "Réparer sa voiture à petit prix, louer un véhicule pour aller travailler.",
    ),
    (
        "Location de scooters",
        "aide-materielle",
        ["mobilite--acceder-a-un-vehicule"],
        "Un deux-roues loué à la semaine pour une formation ou un emploi.",
    ),
    (
        "Aide au financement du permis",
        "aide-financiere",
        ["mobilite--financer-ma-mobilite", "mobilite--preparer-un-permis"],
        "Une aide pour payer les leçons de conduite.",
    ),
    (
        "Vélos en prêt",
        "aide-materielle",
        ["mobilite--mobilite-douce-partagee-collective"],
        "Un vélo à assistance électrique prêté pour les trajets du quotidien.",
    ),
    (
        "Conseil en mobilité",
        "accompagnement",
        ["mobilite--etre-accompagne-dans-son-parcours-mobilite"],
        "Trouver le bon moyen de transport pour un emploi ou une formation.",
    ),
    (
        "Places en crèche pour parents en reprise d'emploi",
        "aide-materielle",
        ["famille--garde-denfants"],
        "Des places réservées aux parents qui reprennent un emploi ou une formation.",
    ),
    (
        "Garde d'enfants à horaires décalés",
        "aide-materielle",
        ["famille--garde-denfants"],
        "Une solution de garde tôt le matin, le soir et le week-end.",
    ),
    (
        "Soutien à la parentalité",
        "accompagnement",
        ["famille--soutien-a-la-parentalite-et-a-leducation"],
        "Des rencontres et un accompagnement pour les parents.",
    ),
    (
        "Accès au logement des jeunes",
        "accompagnement",
        [
            "logement-hebergement--louer-un-logement",
            "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
        ],
        "Trouver un premier logement, monter son dossier, connaître les aides.",
    ),
    (
        "Hébergement d'urgence",
        "aide-materielle",
        ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
        "Une mise à l'abri et une orientation vers un hébergement durable.",
    ),
    (
        "Prévention des impayés de loyer",
        "accompagnement",
        ["logement-hebergement--reduire-les-impayes-de-loyer", "logement-hebergement--se-maintenir-dans-le-logement"],
        "Agir tôt pour garder son logement.",
    ),
    (
        "Permanence santé",
        "accompagnement",
        ["sante--acces-aux-soins"],
        "Ouvrir ses droits à la santé, trouver un médecin, faire un bilan.",
    ),
    (
        "Suivi psychologique",
        "accompagnement",
        ["sante--sante-mentale"],
        "Des consultations gratuites avec un psychologue.",
    ),
    (
        "Accompagnement au dossier MDPH",
        "accompagnement",
        ["sante--constituer-un-dossier-mdph-invalidite"],
        "Constituer et suivre sa demande de reconnaissance du handicap.",
    ),
    (
        "Atelier numérique",
        "atelier",
        ["numerique--maitriser-les-fondamentaux-du-numerique", "numerique--acceder-a-des-services-en-ligne"],
        "Apprendre à utiliser un ordinateur, sa messagerie et les sites des administrations.",
    ),
    (
        "Ordinateurs reconditionnés",
        "aide-materielle",
        ["numerique--acquerir-un-equipement"],
        "Un ordinateur à petit prix pour chercher un emploi.",
    ),
    (
        "Cours de français langue étrangère",
        "formation",
        ["lecture-ecriture-calcul--maitriser-le-francais"],
        "Apprendre le français pour la vie quotidienne et le travail.",
    ),
    (
        "Budget et surendettement",
        "accompagnement",
        [
            "difficultes-financieres--situation-dendettement-surendettement",
            "difficultes-financieres--ameliorer-sa-gestion-budgetaire",
        ],
        "Faire le point sur son budget, monter un dossier de surendettement.",
    ),
    (
        "Épicerie solidaire",
        "aide-materielle",
        ["equipement-et-alimentation--alimentation"],
        "Des courses à petit prix et un accompagnement budgétaire.",
    ),
    (
        "Accès aux droits",
        "accompagnement",
        [
            "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
            "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        ],
        "Être aidé dans ses démarches : CAF, impôts, retraite, titres de séjour.",
    ),
    (
        "Formation qualifiante aux métiers du soin",
        "formation",
        ["se-former--trouver-sa-formation"],
        "Une formation d'aide-soignant ou d'auxiliaire de vie, financée.",
    ),
    (
        "Création d'entreprise",
        "accompagnement",
        [
            "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
            "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",
        ],
        "Tester son idée, construire son plan de financement.",
    ),
    (
        "Remobilisation par le sport",
        "atelier",
        ["remobilisation--activites-sportives-et-culturelles", "remobilisation--bien-etre-confiance-en-soi"],
        "Reprendre confiance en soi par le sport, en groupe.",
    ),
]
STRUCTURES = ["Mission locale", "Association Relais", "CCAS", "Maison France services", "Centre social", "PLIE"]
TEXTES = ["permis", "cv", "logement", "numerique", "garde enfants", "francais", "sante mentale", "velo", "creche"]
PUBLICS = [code for code in referentiels.publics() if code != referentiels.TOUS_PUBLICS]


class Command(Commande):
    help = (
        "Mesure la recherche dans l'offre sur un catalogue réaliste (20 000 services par défaut) : requête HTTP "
        "complète d'un professionnel et moteur seul. Ne modifie pas la base (transaction annulée)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--services", dest="nombre", type=int, default=20_000, help="Services créés (défaut : 20 000)."
        )
        parser.add_argument("--recherches", type=int, default=300, help="Recherches mesurées (défaut : 300).")
        parser.add_argument(
            "--catalogue-en-place",
            action="store_true",
            help="Mesure le catalogue déjà en base (jeu de données de mesure) sans créer de services.",
        )
        parser.add_argument("--graine", type=int, default=2026, help="Graine du tirage (défaut : 2026).")
        parser.add_argument(
            "--expliquer",
            action="store_true",
            help="Affiche le plan d'exécution (EXPLAIN ANALYZE) des requêtes du moteur, sur PostgreSQL.",
        )

    def handle(self, *args, nombre, recherches, graine, expliquer, catalogue_en_place, **options):
        if nombre < 1 or recherches < 1:
            raise CommandError("--services et --recherches valent au moins 1.")
        self.verbosity = options["verbosity"]
        self.stdout.write(
            f"Machine : {_coeurs()} cœurs ({platform.machine()}), Python {platform.python_version()}, "
            f"Django {django.get_version()}, {_base()}, DEBUG={settings.DEBUG}."
        )
        tables = ", ".join(m._meta.db_table for m in (Structure, Service, CritereService, SessionService))
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Les lignes des mesures précédentes, annulées, restent en place jusqu'au passage de l'autovacuum et
            # gonflent les parcours de table : on les retire d'abord, pour des mesures reproductibles.
            with connection.cursor() as curseur:
                curseur.execute(f"VACUUM {tables}")
        charge_avant = os.getloadavg()[0]
        hasard = random.Random(graine)
        with transaction.atomic():
            debut = time.perf_counter()
            if catalogue_en_place:
                nombre = Service.objects.count()
                if not nombre:
                    raise CommandError("Aucun service en base : sans --catalogue-en-place, la commande en crée.")
                catalogue = f"{Structure.objects.count()} structures, {nombre} services"
                self.stdout.write(
                    f"Catalogue en place : {catalogue} ; {CritereService.objects.count()} lignes d'index."
                )
            else:
                catalogue = creer_catalogue(nombre, hasard)
                self.stdout.write(
                    f"Catalogue créé en {time.perf_counter() - debut:.1f} s : {catalogue} ; "
                    f"{CritereService.objects.count()} lignes d'index."
                )
            if connection.vendor == "postgresql":
                with connection.cursor() as curseur:  # les statistiques du planificateur, comme en production
                    curseur.execute(f"ANALYZE {tables}")
            tirages = tirer_recherches(recherches, hasard)
            client = Client()
            client.force_login(_professionnel())
            url = reverse("offre:recherche")
            for parametres, criteres in tirages[: min(20, len(tirages))]:  # échauffement
                client.get(url, parametres)
                _moteur(criteres)
            mesures = [self._mesurer(client, url, parametres, criteres) for parametres, criteres in tirages]
            self._afficher(mesures)
            if expliquer:
                self._expliquer()
            transaction.set_rollback(True)
        self.stdout.write(
            f"Charge moyenne sur 1 min : {charge_avant:.2f} avant, {os.getloadavg()[0]:.2f} après "
            f"(au-delà de {_coeurs()}, d'autres processus se disputent les cœurs et gonflent les chiffres)."
        )
        http = _centiles([mesure["http"] for mesure in mesures])
        tenu = "tenu" if http[95] < BUDGET_MS else "DÉPASSÉ"
        self.stdout.write(
            self.style.SUCCESS(
                f"Recherche dans l'offre sur {_base()} ({nombre} services, {recherches} recherches) : requête HTTP "
                f"médiane {http[50]:.1f} ms, p95 {http[95]:.1f} ms, max {http[100]:.1f} ms. "
                f"Budget de {BUDGET_MS} ms (p95 HTTP) : {tenu}."
            )
        )

    def _mesurer(self, client, url, parametres, criteres) -> dict:
        debut = time.perf_counter_ns()
        with CaptureQueriesContext(connection) as requetes_http:
            reponse = client.get(url, parametres)
        http = (time.perf_counter_ns() - debut) / 1e6
        if reponse.status_code != 200 or "La recherche n&#x27;a pas pu être faite".encode() in reponse.content:
            raise CommandError(f"{parametres} : réponse {reponse.status_code}, ou formulaire refusé.")
        debut = time.perf_counter_ns()
        with CaptureQueriesContext(connection) as requetes_moteur:
            resultats = _moteur(criteres)
        moteur = (time.perf_counter_ns() - debut) / 1e6
        if self.verbosity >= 2:
            self.stdout.write(
                f"  {http:7.1f} ms HTTP {moteur:7.1f} ms moteur {len(resultats.sur_place):5} proches "
                f"{len(resultats.a_distance):5} à distance  {parametres}"
            )
        return {
            "http": http,
            "moteur": moteur,
            "requetes_http": len(requetes_http),
            "requetes_moteur": len(requetes_moteur),
            "sur_place": len(resultats.sur_place),
            "a_distance": len(resultats.a_distance),
            "rayon": criteres.rayon_km,
            "thematique": bool(criteres.thematiques),
            "texte": bool(criteres.texte),
        }

    def _afficher(self, mesures):
        def ligne(titre, choisies):
            if not choisies:
                return
            http = _centiles([m["http"] for m in choisies])
            moteur = _centiles([m["moteur"] for m in choisies])
            proches = statistics.median(m["sur_place"] for m in choisies)
            self.stdout.write(
                f"  {titre:<26} {len(choisies):4}  HTTP {http[50]:6.1f} / {http[95]:6.1f} / {http[100]:6.1f}   "
                f"moteur {moteur[50]:6.1f} / {moteur[95]:6.1f} / {moteur[100]:6.1f}   "
                f"proches (médiane) {proches:6.0f}, max {max(m['sur_place'] for m in choisies):5}"
            )

        self.stdout.write("Durées en ms (médiane / p95 / max) :")
        ligne("toutes les recherches", mesures)
        for rayon in RAYONS:
            ligne(f"rayon {rayon} km", [m for m in mesures if m["rayon"] == rayon])
        ligne("avec thématique", [m for m in mesures if m["thematique"]])
        ligne("sans thématique", [m for m in mesures if not m["thematique"]])
        ligne("avec texte", [m for m in mesures if m["texte"]])
        requetes_http = {m["requetes_http"] for m in mesures}
        requetes_moteur = {m["requetes_moteur"] for m in mesures}
        self.stdout.write(
            f"Requêtes SQL par recherche : {_etendue(requetes_http)} pour la requête HTTP, "
            f"{_etendue(requetes_moteur)} pour le moteur (la page vide n'a rien à charger)."
        )
        self.stdout.write(
            f"Résultats par recherche : en présentiel, médiane {statistics.median(m['sur_place'] for m in mesures):.0f}"
            f" et max {max(m['sur_place'] for m in mesures)} ; à distance, médiane "
            f"{statistics.median(m['a_distance'] for m in mesures):.0f} et max {max(m['a_distance'] for m in mesures)}."
        )

    def _expliquer(self):
        if connection.vendor != "postgresql":
            self.stdout.write("EXPLAIN ANALYZE : seulement sur PostgreSQL.")
            return
        # La recherche la plus chargée (50 km, sans thématique) et une recherche ordinaire (20 km, une thématique).
        exemples = [
            Criteres(code_commune="69123", rayon_km=50),
            Criteres(code_commune="40192", rayon_km=20, thematiques=("mobilite",), publics=("jeunes",)),
        ]
        for criteres in exemples:
            with CaptureQueriesContext(connection) as capture:
                rechercher(criteres)
            # Les deux requêtes du moteur : les candidats en présentiel (boîte englobante), les services à distance.
            for titre, requete in zip(
                ("candidats en présentiel", "services à distance"),
                [q["sql"] for q in capture.captured_queries],
                strict=True,
            ):
                with connection.cursor() as curseur:
                    curseur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {requete}")
                    plan = [ligne[0] for ligne in curseur.fetchall()]
                self.stdout.write(f"\nPlan de la requête des {titre} pour {criteres} :\n  {requete}")
                for ligne in plan:
                    self.stdout.write(f"  {ligne}")


def creer_catalogue(nombre: int, hasard: random.Random) -> str:
    """Structures, services, index et sessions, en écritures groupées (les mêmes préparations qu'`offre.services`)."""
    lignes = [ligne for ligne in communes().values() if ligne["latitude"] and ligne["population"].isdigit()]
    poids = [int(ligne["population"]) + 1 for ligne in lignes]
    aujourd_hui = timezone.localdate()
    jeton = secrets.token_hex(4)
    structures, services_crees = [], []
    for numero, ligne in enumerate(hasard.choices(lignes, weights=poids, k=nombre)):
        if numero % SERVICES_PAR_STRUCTURE == 0:
            structure = Structure(
                source="mesure",
                identifiant=f"mesure-{jeton}-{numero}",
                nom=f"{hasard.choice(STRUCTURES)} de {ligne['nom']}",
                adresse="1 place de la Mairie",
                code_postal=ligne["codes_postaux"].split()[0] if ligne["codes_postaux"] else "",
                code_insee=ligne["code_insee"],
            )
            services.completer_geographie(structure)
            structures.append(structure)
        services_crees.append(_service(structure, ligne, numero, jeton, aujourd_hui, hasard))
    Structure.objects.bulk_create(structures, batch_size=LOT)  # les services prennent alors la clé de la leur
    Service.objects.bulk_create(services_crees, batch_size=LOT)
    for debut in range(0, len(services_crees), LOT):
        services.indexer(services_crees[debut : debut + LOT])
    maintenant = timezone.now()
    sessions = [
        SessionService(
            service=service,
            intitule="Information collective",
            debut=maintenant + timedelta(days=hasard.randint(1, 90), hours=hasard.randint(0, 8)),
            places=12,
            places_prises=hasard.randint(0, 12),
        )
        for service in services_crees
        if hasard.random() < 0.08
        for _ in range(hasard.randint(1, 3))
    ]
    SessionService.objects.bulk_create(sessions, batch_size=LOT)
    a_distance = sum(1 for service in services_crees if service.a_distance)
    suspendus = sum(1 for service in services_crees if service.statut == Service.Statut.SUSPENDU)
    return (
        f"{len(structures)} structures, {len(services_crees)} services ({a_distance} à distance, {suspendus} "
        f"suspendus), {len(sessions)} sessions"
    )


def _service(structure, ligne, numero, jeton, aujourd_hui, hasard) -> Service:
    nom, type_, thematiques, description = hasard.choice(MODELES)
    tirage = hasard.random()
    en_presentiel, a_distance = (False, True) if tirage < 0.07 else (True, tirage < 0.12)
    # Autour du centre de la commune : jusqu'à 3 km, répartis uniformément sur le disque.
    distance, cap = 3 * math.sqrt(hasard.random()), hasard.uniform(0, 2 * math.pi)
    latitude = float(ligne["latitude"]) + distance * math.cos(cap) / 111.195
    longitude = float(ligne["longitude"]) + distance * math.sin(cap) / (
        111.195 * math.cos(math.radians(float(ligne["latitude"])))
    )
    zone = hasard.random()
    if zone < 0.45:
        zone_eligibilite = []
    elif zone < 0.75:
        zone_eligibilite = [ligne["code_departement"]]
    elif zone < 0.9 and ligne["code_epci"]:
        zone_eligibilite = [ligne["code_epci"]]
    else:
        zone_eligibilite = [ligne["code_insee"]]
    publics = [referentiels.TOUS_PUBLICS] if hasard.random() < 0.4 else hasard.sample(PUBLICS, hasard.randint(1, 3))
    frequence = hasard.choice([fraicheur.Frequence.SIX_MOIS, fraicheur.Frequence.DOUZE_MOIS])
    service = Service(
        structure=structure,
        source="mesure",
        identifiant=f"mesure-{jeton}-{numero}",
        nom=f"{nom} – {ligne['nom']}",
        description=description,
        type=type_,
        thematiques=thematiques,
        publics=publics,
        frais="payant" if hasard.random() < 0.15 else "gratuit",
        en_presentiel=en_presentiel,
        a_distance=a_distance,
        adresse=f"{hasard.randint(1, 80)} rue de la République" if en_presentiel else "",
        code_postal=structure.code_postal,
        code_insee=ligne["code_insee"],
        latitude=latitude if en_presentiel else None,
        longitude=longitude if en_presentiel else None,
        zone_eligibilite=zone_eligibilite,
        frequence_actualisation=frequence,
        date_maj=aujourd_hui - timedelta(days=hasard.randint(0, 540)),
        statut=Service.Statut.SUSPENDU if hasard.random() < 0.03 else Service.Statut.PUBLIE,
    )
    services.preparer(service)
    service.a_actualiser_le = fraicheur.a_actualiser_le(service.date_maj, service.frequence_actualisation)
    return service


def tirer_recherches(nombre: int, hasard: random.Random) -> list[tuple[dict, Criteres]]:
    """Des recherches de référents : la commune d'une personne (selon la population), un rayon, souvent un
    besoin, parfois un public ou des mots-clés. Rend les paramètres GET et les critères qu'ils donnent."""
    lignes = [ligne for ligne in communes().values() if ligne["latitude"] and ligne["population"].isdigit()]
    poids = [int(ligne["population"]) + 1 for ligne in lignes]
    categories, thematiques = list(referentiels.categories()), list(referentiels.thematiques())
    tirages = []
    for ligne in hasard.choices(lignes, weights=poids, k=nombre):
        parametres = {"commune": ligne["code_insee"], "rayon": str(hasard.choice(RAYONS))}
        tirage = hasard.random()
        if tirage < 0.35:
            parametres["thematique"] = hasard.choice(categories)
        elif tirage < 0.6:
            parametres["thematique"] = hasard.choice(thematiques)
        if hasard.random() < 0.2:
            parametres["public"] = hasard.choice(PUBLICS)
        if hasard.random() < 0.25:
            parametres["texte"] = hasard.choice(TEXTES)
        criteres = Criteres(
            thematiques=(parametres["thematique"],) if "thematique" in parametres else (),
            publics=(parametres["public"],) if "public" in parametres else (),
            texte=parametres.get("texte", ""),
            code_commune=ligne["code_insee"],
            rayon_km=int(parametres["rayon"]),
        )
        tirages.append((parametres, criteres))
    return tirages


def _moteur(criteres):
    """Le moteur comme la vue l'appelle : la recherche, puis la première page de résultats chargée."""
    resultats = rechercher(criteres)
    for resultat in Paginator(resultats, PAR_PAGE).get_page(1):
        resultat.service.structure  # noqa: B018 (déjà chargée : aucune requête)
    return resultats


def _professionnel() -> Utilisateur:
    """Un professionnel d'une organisation active, avec son application d'authentification (TOTP)."""
    organisation = partenaires_services.enregistrer_organisation(
        acteur=None,
        nom="Organisation de mesure",
        type=TypeOrganisation.DEPARTEMENT,
        siret=_siret_libre(),
        adresse="1 rue de la Mesure",
        code_postal="40000",
        commune="Mont-de-Marsan",
        departement="40",
    )
    utilisateur = Utilisateur.objects.create_user(f"mesure-{secrets.token_hex(6)}@mesure.invalid")
    partenaires_services.ajouter_membre(utilisateur, organisation, role=Role.PROFESSIONNEL, acteur=None)
    TOTP.activate(utilisateur, generate_totp_secret())
    return utilisateur


def _siret_libre() -> str:
    """Un SIRET valide (clé de Luhn) qu'aucune organisation n'utilise."""
    while True:
        base = f"9{secrets.randbelow(10**12):012d}"
        siret = next(base + str(cle) for cle in range(10) if somme_luhn(base + str(cle)) % 10 == 0)
        if not Organisation.objects.filter(siret=siret).exists():
            return siret


def _centiles(valeurs: list[float]) -> dict[int, float]:
    if len(valeurs) < 2:
        return dict.fromkeys((50, 95, 100), valeurs[0])
    coupures = statistics.quantiles(valeurs, n=100, method="inclusive")
    return {50: statistics.median(valeurs), 95: coupures[94], 100: max(valeurs)}


def _etendue(valeurs: set[int]) -> str:
    return str(min(valeurs)) if len(valeurs) == 1 else f"{min(valeurs)} à {max(valeurs)}"


def _coeurs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _base() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("SHOW server_version")
            return f"PostgreSQL {curseur.fetchone()[0]}"
    return f"{connection.vendor} {getattr(connection.Database, 'sqlite_version', '')}".strip()
