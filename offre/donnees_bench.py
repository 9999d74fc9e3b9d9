"""Fabrication en masse d'un catalogue de l'offre réaliste (structures, services, index, sessions), pour les
commandes de mesure (`mesurer_recherche_offre`) et le jeu de données de mesure (`generer_donnees_bench`).

Les services sont créés autour des centres des communes réelles, tirées selon leur population (les services sont là
où vivent les gens), avec les mêmes préparations qu'`offre.services` (géographie, index des critères, fraîcheur)."""

import math
import random
import secrets
from datetime import timedelta

from django.utils import timezone

from offre import fraicheur, referentiels, services
from offre.models import Service, SessionService, Structure
from partenaires.referentiels import communes

SERVICES_PAR_STRUCTURE = 8
LOT = 2_000

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
PUBLICS = [code for code in referentiels.publics() if code != referentiels.TOUS_PUBLICS]


def creer_catalogue(
    nombre: int, hasard: random.Random, *, departements: list[str] | None = None, jeton: str | None = None
) -> str:
    """Structures, services, index et sessions, en écritures groupées (les mêmes préparations qu'`offre.services`).
    `departements` : seulement les communes de ces départements (toutes sinon) ; `jeton` : le préfixe des
    identifiants (tiré au hasard sinon, pour ne pas heurter un catalogue déjà là)."""
    lignes = [
        ligne
        for ligne in communes().values()
        if ligne["latitude"]
        and ligne["population"].isdigit()
        and (departements is None or ligne["code_departement"] in departements)
    ]
    poids = [int(ligne["population"]) + 1 for ligne in lignes]
    aujourd_hui = timezone.localdate()
    jeton = jeton or secrets.token_hex(4)
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
