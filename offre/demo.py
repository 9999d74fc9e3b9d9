"""L'offre de démonstration des Landes : une vingtaine de structures (les partenaires de la démonstration et des
structures hors plateforme, toutes fictives) et une soixantaine de services réalistes avec leurs sessions.

Idempotent : structures et services sont repérés par leur identifiant (`source` « demo »). Les dates sont relatives
au jour du chargement ; quelques services sont volontairement « à actualiser », un autre au-delà du délai de grâce.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from offre import fraicheur, services
from offre.models import Service, SessionService, Structure

SOURCE = "demo"

MONT_DE_MARSAN, DAX, SAINT_PAUL, BISCARROSSE, AIRE = "40192", "40088", "40279", "40046", "40001"
MIMIZAN, SAINT_SEVER, TARNOS, HAGETMAU, TARTAS = "40184", "40282", "40312", "40119", "40313"
PEYREHORADE, MORCENX, CAPBRETON, PARENTIS = "40224", "40197", "40065", "40217"
GRAND_DAX, MARSAN_AGGLO, CHALOSSE_TURSAN = "244000675", "244000808", "200069649"

# (clé, nom, clé de l'organisation partenaire ou None, commune, adresse, réseaux porteurs, description)
STRUCTURES = [
    ("ft", "France Travail Mont-de-Marsan", "ft", MONT_DE_MARSAN, "14 avenue de Villeneuve", ["france-travail"],
     "Agence France Travail : inscription, indemnisation, accompagnement vers l'emploi et la formation."),
    ("ml", "Mission locale des Landes", "ml", DAX, "6 rue des Carmes", ["mission-locale"],
     "Accompagnement global des jeunes de 16 à 25 ans : emploi, formation, logement, santé, mobilité."),
    ("cap", "Cap emploi Landes", "cap", MONT_DE_MARSAN, "3 rue Armand Dulamon", ["cap-emploi-reseau-cheops"],
     "Accompagnement vers l'emploi et maintien dans l'emploi des personnes en situation de handicap."),
    ("caf", "CAF des Landes", "caf", MONT_DE_MARSAN, "1 place du 6e RPIMa", ["caf"],
     "Prestations familiales, accès aux droits, accompagnement des familles et des parents isolés."),
    ("msa", "MSA Sud Aquitaine", "msa", MONT_DE_MARSAN, "1 place Saint-Louis", ["mutualite-sociale-agricole"],
     "Protection sociale du monde agricole et accompagnement social des ressortissants agricoles."),
    ("plie", "PLIE du Marsan", "plie", MONT_DE_MARSAN, "8 rue du Général Lasserre", ["plie"],
     "Parcours renforcés vers l'emploi durable pour les personnes éloignées de l'emploi du Marsan."),
    ("mobilite", "Association Mobilité Landes (fictive)", "asso", SAINT_PAUL, "12 avenue de la Résistance",
     ["wimoov"], "Plateforme de mobilité : diagnostic mobilité, prêt de véhicules, auto-école sociale."),
    ("cci", "CCI des Landes", "cci", MONT_DE_MARSAN, "293 avenue du Maréchal Foch", ["chambres-consulaires"],
     "Appui aux entreprises et aux créateurs ; relations entre employeurs et candidats."),
    ("cd40", "Département des Landes – Direction de la solidarité", "cd40", MONT_DE_MARSAN, "23 rue Victor Hugo",
     ["departements"], "Insertion des bénéficiaires du RSA, action sociale, protection de l'enfance, autonomie."),
    ("garage", "Garage solidaire du Marsan", None, SAINT_SEVER, "ZA du Péré, 5 rue des Artisans", ["ai"],
     "Réparation de véhicules à prix solidaire et location de véhicules pour les personnes en insertion."),
    ("creche", "Crèche AVIP Les Petits Pins", None, DAX, "18 rue Saint-Pierre", ["creches-avip"],
     "Crèche à vocation d'insertion professionnelle : places réservées aux parents en recherche d'emploi."),
    ("ccas_dax", "CCAS de Dax", None, DAX, "Hôtel de ville, rue Saint-Pierre", ["ccas-cias"],
     "Aide sociale facultative, domiciliation, épicerie sociale, accompagnement budgétaire."),
    ("aci", "Chantier d'insertion Forêt et Littoral", None, MIMIZAN, "Route de l'Océan", ["aci"],
     "Atelier et chantier d'insertion : entretien des espaces naturels, contrats de 26 heures par semaine."),
    ("numerique", "Espace numérique des Landes", None, MONT_DE_MARSAN, "2 rue Maubec", ["conseillers-numeriques"],
     "Conseillers numériques : ateliers, accompagnement aux démarches en ligne, équipement à petit prix."),
    ("sante", "Maison de santé et d'accompagnement du Marsan", None, MONT_DE_MARSAN, "40 rue Lacataye", ["cms"],
     "Accès aux soins, bilans de santé, consultations psychologiques pour les personnes accompagnées."),
    ("logement", "Habitat Jeunes des Landes", None, DAX, "10 rue de la Fontaine Chaude", ["residences-fjt"],
     "Logement temporaire pour les jeunes en formation ou en emploi, accompagnement vers le logement autonome."),
    ("budget", "Point conseil budget des Landes", None, TARTAS, "7 place Gambetta", ["points-conseil-budget"],
     "Conseils gratuits et confidentiels pour gérer son budget et prévenir le surendettement."),
    ("langue", "Association Lire et Écrire en Chalosse", None, HAGETMAU, "2 place de la République", ["anlci"],
     "Ateliers sociolinguistiques et savoirs de base pour adultes."),
    ("geiq", "GEIQ BTP Landes", None, TARNOS, "Zone portuaire, 4 allée des Forges", ["geiq"],
     "Contrats en alternance dans le bâtiment et les travaux publics, avec accompagnement."),
    ("bge", "BGE Landes Création", None, MONT_DE_MARSAN, "5 rue Frédéric Bastiat", ["reseau-bge"],
     "Accompagnement à la création d'entreprise, couveuse, formations de créateurs."),
]  # fmt: skip


@dataclass
class S:
    """Un service de démonstration (les valeurs absentes prennent celles de la structure)."""

    structure: str
    nom: str
    type: str
    thematiques: list[str]
    description: str
    publics: list[str] = field(default_factory=lambda: ["tous-publics"])
    frais: str = "gratuit"
    presentiel: bool = True
    distance: bool = False
    commune: str = ""
    zone: list[str] = field(default_factory=lambda: ["40"])
    heures: str = ""
    semaines: int | None = None
    capacite: int | None = None
    sessions: list[tuple[str, int, int, int]] = field(default_factory=list)  # (intitulé, dans N jours, heure, places)
    age_jours: int = 20  # dernière mise à jour il y a N jours
    frequence: str = fraicheur.Frequence.SIX_MOIS
    conditions: str = ""
    justificatifs: str = ""
    mobilisation: list[str] = field(default_factory=lambda: ["envoyer-un-courriel", "telephoner"])


SERVICES = [
    # Mobilité
    S("mobilite", "Diagnostic mobilité", "accompagnement", ["mobilite--etre-accompagne-dans-son-parcours-mobilite"],
      "Un conseiller mobilité fait le point avec la personne sur ses déplacements, ses freins et les solutions du "
      "territoire (transport à la demande, covoiturage, aides), puis construit avec elle un plan mobilité.",
      publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux", "jeunes"], heures="2", semaines=1),
    S("mobilite", "Auto-école sociale", "formation", ["mobilite--preparer-un-permis"],
      "Préparation au code et à la conduite en petits groupes, à un rythme adapté, pour les personnes dont le permis "
      "B est une condition de l'accès à l'emploi. Participation financière selon les ressources.",
      publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi"], frais="payant", heures="6", semaines=20,
      capacite=12, sessions=[("Information collective auto-école sociale", 9, 10, 12)],
      conditions="Être accompagné par un référent ; projet professionnel nécessitant le permis B."),
    S("mobilite", "Prêt de scooters et de voitures", "aide-materielle", ["mobilite--acceder-a-un-vehicule"],
      "Location à petit prix d'un scooter ou d'une voiture pour se rendre à un emploi, une formation ou un stage, "
      "pour trois mois renouvelables une fois.", frais="payant", commune=DAX, zone=[GRAND_DAX, MARSAN_AGGLO],
      capacite=25, justificatifs="Permis de conduire, attestation d'assurance, contrat de travail ou de formation."),
    S("mobilite", "Atelier vélo et mobilité douce", "atelier", ["mobilite--mobilite-douce-partagee-collective"],
      "Apprendre à circuler à vélo en sécurité, réparer son vélo et découvrir le réseau de transport en commun.",
      heures="3", semaines=4, sessions=[("Atelier vélo remise en selle", 6, 14, 8)]),
    S("garage", "Réparation solidaire de véhicules", "aide-materielle", ["mobilite--entretenir-reparer-son-vehicule"],
      "Réparations et entretien au prix des pièces plus une main d'œuvre solidaire, sur prescription d'un référent.",
      publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi"], frais="payant",
      zone=[CHALOSSE_TURSAN, MARSAN_AGGLO], mobilisation=["telephoner", "se-presenter"]),
    S("cd40", "Aide départementale au permis de conduire", "aide-financiere", ["mobilite--financer-ma-mobilite"],
      "Aide financière du Département pour le permis B des bénéficiaires du RSA, jusqu'à 1 000 euros versés à "
      "l'auto-école.", publics=["beneficiaires-des-minimas-sociaux"], presentiel=False, distance=True,
      justificatifs="Devis de l'auto-école, attestation de droits au RSA.", frequence=fraicheur.Frequence.DOUZE_MOIS),
    S("ft", "Aides à la mobilité France Travail", "aide-financiere", ["mobilite--financer-ma-mobilite"],
      "Prise en charge de frais de déplacement, de repas et d'hébergement pour un entretien d'embauche, un concours "
      "ou une formation éloignés du domicile.", publics=["demandeurs-emploi"], presentiel=False, distance=True,
      zone=["france"], mobilisation=["utiliser-lien-mobilisation"]),
    # Garde d'enfants et famille
    S("creche", "Places en crèche à vocation d'insertion professionnelle", "aide-materielle", ["famille--garde-denfants"],
      "Places réservées aux enfants de moins de 3 ans dont le parent est en recherche d'emploi ou en formation, "
      "avec un accompagnement renforcé vers l'emploi du parent.", publics=["familles", "demandeurs-emploi"],
      frais="payant", capacite=10, zone=[GRAND_DAX], conditions="Parent sans emploi engagé dans une démarche d'insertion."),
    S("caf", "Accompagnement des parents isolés", "accompagnement",
      ["famille--soutien-a-la-parentalite-et-a-leducation", "famille--garde-denfants"],
      "Un travailleur social de la CAF accompagne les parents qui élèvent seuls leurs enfants : droits, solutions de "
      "garde, reprise d'activité.", publics=["familles", "femmes"], heures="1", semaines=26),
    S("caf", "Trouver un mode de garde (monenfant.fr)", "information", ["famille--garde-denfants"],
      "Information sur les modes de garde du territoire et les aides de la CAF pour les financer.",
      presentiel=False, distance=True, zone=["france"], mobilisation=["utiliser-lien-mobilisation"]),
    S("caf", "Médiation familiale", "accompagnement", ["famille--surmonter-conflits-separation-violence"],
      "Des séances avec un médiateur pour renouer le dialogue et organiser la vie des enfants après une séparation.",
      publics=["familles"], frais="payant"),
    S("msa", "Soutien aux aidants agricoles", "accompagnement", ["famille--soutien-aidants"],
      "Groupes de parole et répit pour les ressortissants agricoles qui aident un proche dépendant.",
      sessions=[("Groupe de parole des aidants", 12, 14, 10)]),
    # Logement
    S("logement", "Logement temporaire pour jeunes actifs", "aide-materielle",
      ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
      "Studios meublés pour les 16-30 ans en emploi, en alternance ou en formation, avec un accompagnement vers le "
      "logement autonome.", publics=["jeunes"], frais="payant", capacite=40),
    S("logement", "Atelier « Trouver un logement »", "atelier",
      ["logement-hebergement--louer-un-logement", "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement"],
      "Demande de logement social, dossier de location, garanties (Visale), aides au premier loyer.",
      publics=["jeunes"], heures="2", semaines=1, sessions=[("Atelier logement", 8, 10, 12), ("Atelier logement", 36, 10, 12)]),
    S("ccas_dax", "Domiciliation administrative", "accompagnement",
      ["difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"],
      "Une adresse pour recevoir son courrier et faire valoir ses droits quand on n'a pas de domicile stable.",
      publics=["personnes-en-situation-durgence"], zone=[DAX], mobilisation=["se-presenter"]),
    S("cd40", "Fonds de solidarité logement", "aide-financiere",
      ["logement-hebergement--reduire-les-impayes-de-loyer", "logement-hebergement--se-maintenir-dans-le-logement"],
      "Aide financière pour accéder à un logement (dépôt de garantie, premier loyer) ou s'y maintenir (impayés de "
      "loyer, d'énergie, d'eau).", presentiel=False, distance=True, justificatifs="Justificatifs de ressources, bail."),
    # Santé
    S("sante", "Consultations psychologiques", "accompagnement", ["sante--sante-mentale"],
      "Jusqu'à dix consultations gratuites avec un psychologue pour les personnes accompagnées vers l'emploi.",
      publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi"], capacite=30),
    S("sante", "Bilan de santé", "accompagnement", ["sante--acces-aux-soins"],
      "Examen de prévention en santé gratuit, avec orientation vers les soins si besoin.", heures="3", semaines=1,
      sessions=[("Matinée bilan de santé", 15, 8, 15)]),
    S("sante", "Accompagnement au dossier MDPH", "accompagnement", ["sante--constituer-un-dossier-mdph-invalidite"],
      "Aide à constituer le dossier de reconnaissance de la qualité de travailleur handicapé et les demandes MDPH.",
      publics=["personnes-en-situation-de-handicap"]),
    S("sante", "Consultation jeunes consommateurs", "accompagnement", ["sante--addictions"],
      "Écoute et accompagnement anonymes et gratuits des jeunes et de leur entourage face aux addictions.",
      publics=["jeunes"], age_jours=210),  # à actualiser
    # Numérique
    S("numerique", "Ateliers « Premiers pas sur l'ordinateur »", "atelier",
      ["numerique--maitriser-les-fondamentaux-du-numerique"],
      "Allumer un ordinateur, utiliser la souris et le clavier, créer une adresse électronique, naviguer sur internet.",
      heures="2", semaines=6, sessions=[("Cycle débutants", 5, 9, 8), ("Cycle débutants", 47, 9, 8)]),
    S("numerique", "Accompagnement aux démarches en ligne", "accompagnement",
      ["numerique--acceder-a-des-services-en-ligne", "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"],
      "Un conseiller numérique aide à créer ses comptes (France Travail, CAF, ameli, impots.gouv) et à faire ses "
      "démarches.", commune=MONT_DE_MARSAN, mobilisation=["se-presenter", "telephoner"]),
    S("numerique", "Ordinateurs reconditionnés à petit prix", "aide-materielle", ["numerique--acquerir-un-equipement"],
      "Ordinateurs portables reconditionnés à 50 euros pour les personnes accompagnées, avec une prise en main.",
      publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "jeunes"], frais="payant"),
    S("numerique", "Démarches en ligne à distance", "accompagnement", ["numerique--acceder-a-des-services-en-ligne"],
      "Rendez-vous téléphonique ou en visio avec un conseiller numérique pour faire une démarche pas à pas.",
      presentiel=False, distance=True),
    # Préparer sa candidature
    S("ft", "Atelier CV", "atelier", ["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"],
      "Construire un CV clair et adapté aux offres visées, avec un conseiller et sur ordinateur.",
      publics=["demandeurs-emploi"], heures="3", semaines=1,
      sessions=[("Atelier CV", 3, 9, 10), ("Atelier CV", 17, 9, 10), ("Atelier CV", 31, 9, 10)]),
    S("ml", "Atelier CV vidéo", "atelier", ["preparer-sa-candidature--valoriser-ses-competences"],
      "Tourner un CV vidéo d'une minute pour se présenter autrement aux employeurs, avec un vidéaste.",
      publics=["jeunes"], heures="6", semaines=1, sessions=[("CV vidéo", 11, 9, 6)]),
    S("ft", "Simulation d'entretien d'embauche", "atelier", ["trouver-un-emploi--convaincre-un-recruteur-en-entretien"],
      "Se préparer à l'entretien : présentation, questions difficiles, mise en situation filmée.",
      publics=["demandeurs-emploi"], heures="3", semaines=1, sessions=[("Simulation d'entretien", 10, 14, 8)]),
    S("plie", "Club de recherche d'emploi", "accompagnement",
      ["preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi", "trouver-un-emploi--faire-des-candidatures-spontanees"],
      "Trois demi-journées par semaine en groupe pour organiser sa recherche, cibler des entreprises et se "
      "présenter, avec un conseiller du PLIE.", publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi"],
      heures="10", semaines=8, capacite=12, sessions=[("Club de recherche d'emploi", 7, 9, 12)]),
    S("cci", "Parrainage par des chefs d'entreprise", "accompagnement", ["preparer-sa-candidature--developper-son-reseau"],
      "Un chef d'entreprise ou un cadre accompagne la personne pendant six mois : réseau, codes de l'entreprise.",
      publics=["demandeurs-emploi", "residents-qpv-frr"], heures="1", semaines=26),
    S("cci", "La tenue pour l'entretien", "aide-materielle", ["equipement-et-alimentation--habillement"],
      "Prêt d'une tenue professionnelle et conseils en image avant un entretien d'embauche.", capacite=20,
      age_jours=400, frequence=fraicheur.Frequence.TROIS_MOIS),  # au-delà du délai de grâce
    # Trouver un emploi
    S("ft", "Job dating logistique et grande distribution", "atelier", ["trouver-un-emploi--repondre-a-des-offres-demploi"],
      "Rencontrer en une matinée une dizaine d'employeurs qui recrutent : préparateurs de commandes, caristes, "
      "employés de rayon. Venir avec plusieurs CV.", publics=["demandeurs-emploi"], heures="3", semaines=1,
      sessions=[("Job dating logistique", 13, 9, 60)], mobilisation=["se-presenter"]),
    S("ft", "Job dating services à la personne", "atelier", ["trouver-un-emploi--repondre-a-des-offres-demploi"],
      "Des associations et entreprises d'aide à domicile recrutent : entretiens de quinze minutes.",
      commune=DAX, sessions=[("Job dating aide à domicile", 20, 14, 40)]),
    S("ft", "Immersion professionnelle (PMSMP)", "accompagnement",
      ["choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite", "choisir-un-metier--confirmer-son-choix-de-metier"],
      "Une à deux semaines en entreprise pour découvrir un métier ou confirmer un projet, sans perdre ses droits.",
      publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux", "jeunes"], heures="35", semaines=2,
      presentiel=True, distance=True),
    S("cap", "Maintien dans l'emploi", "accompagnement", ["trouver-un-emploi--maintien-dans-lemploi"],
      "Trouver avec le salarié et l'employeur une solution de maintien quand la santé ou le handicap menace l'emploi.",
      publics=["personnes-en-situation-de-handicap", "actifs"]),
    S("cap", "Accompagnement vers l'emploi des travailleurs handicapés", "accompagnement",
      ["trouver-un-emploi--repondre-a-des-offres-demploi", "choisir-un-metier--identifier-ses-points-forts-et-ses-competences"],
      "Un conseiller spécialisé accompagne la recherche d'emploi et l'adaptation du poste.",
      publics=["personnes-en-situation-de-handicap"], conditions="Reconnaissance de la qualité de travailleur handicapé."),
    S("aci", "Contrat en chantier d'insertion – espaces naturels", "accompagnement",
      ["trouver-un-emploi--repondre-a-des-offres-demploi", "remobilisation--bien-etre-confiance-en-soi"],
      "Contrat à durée déterminée d'insertion de 26 heures par semaine : entretien de la forêt et du littoral, "
      "accompagnement socio-professionnel et formation.", publics=["beneficiaires-des-minimas-sociaux",
      "demandeurs-emploi"], heures="26", semaines=52, capacite=14, zone=["40"],
      conditions="Éligibilité à l'insertion par l'activité économique."),
    S("aci", "Chantier d'insertion – ressourcerie", "accompagnement", ["trouver-un-emploi--repondre-a-des-offres-demploi"],
      "Collecte, tri et revente d'objets de seconde main ; contrat de 24 heures par semaine.", commune=PARENTIS,
      publics=["beneficiaires-des-minimas-sociaux"], heures="24", semaines=52, capacite=10),
    S("geiq", "Alternance dans le bâtiment", "formation", ["se-former--trouver-sa-formation", "trouver-un-emploi--repondre-a-des-offres-demploi"],
      "Contrat de professionnalisation de 12 à 18 mois (maçon, coffreur, canalisateur) avec tutorat renforcé.",
      publics=["demandeurs-emploi", "jeunes"], heures="35", semaines=52, capacite=15,
      sessions=[("Information collective BTP", 16, 9, 20)]),
    # Choisir un métier, se former
    S("ft", "Bilan de compétences", "accompagnement", ["choisir-un-metier--identifier-ses-points-forts-et-ses-competences"],
      "Faire le point sur ses compétences, ses aptitudes et ses motivations pour définir un projet professionnel.",
      heures="4", semaines=8, commune=MONT_DE_MARSAN),
    S("ml", "Découverte des métiers qui recrutent", "atelier", ["choisir-un-metier--connaitre-les-opportunites-demploi"],
      "Visites d'entreprises et rencontres avec des professionnels des secteurs qui recrutent dans les Landes.",
      publics=["jeunes"], heures="6", semaines=1, sessions=[("Visite d'entreprises", 18, 9, 12)]),
    S("ml", "Contrat d'engagement jeune", "accompagnement",
      ["trouver-un-emploi--repondre-a-des-offres-demploi", "se-former--trouver-sa-formation"],
      "Accompagnement intensif de 15 à 20 heures par semaine pendant 6 à 12 mois, avec une allocation.",
      publics=["jeunes"], heures="15", semaines=26, commune=MONT_DE_MARSAN),
    S("ml", "Trouver sa formation", "information", ["se-former--trouver-sa-formation", "se-former--monter-son-dossier-de-formation"],
      "Informations sur les formations financées par la Région et France Travail, aide au dossier d'inscription.",
      publics=["jeunes"], commune=BISCARROSSE, zone=["40"]),
    S("plie", "Formation pré-qualifiante aux métiers du soin", "formation", ["se-former--trouver-sa-formation"],
      "Huit semaines pour découvrir les métiers d'aide-soignant et d'accompagnant éducatif et social et préparer "
      "l'entrée en formation.", publics=["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"], heures="30",
      semaines=8, capacite=14, sessions=[("Information collective métiers du soin", 22, 14, 20)]),
    S("bge", "Créer son entreprise : atelier découverte", "atelier",
      ["creer-une-entreprise--definir-son-projet-de-creation-dentreprise"],
      "Une demi-journée pour vérifier son idée, connaître les étapes et les aides à la création.",
      heures="3", semaines=1, sessions=[("Atelier créateurs", 14, 9, 15)]),
    S("bge", "Couveuse d'entreprises", "accompagnement",
      ["creer-une-entreprise--structurer-son-projet-de-creation-dentreprise", "creer-une-entreprise--developper-son-entreprise"],
      "Tester son activité en grandeur réelle, sans créer de structure juridique, avec un accompagnement.",
      frais="payant", heures="4", semaines=52),
    # Savoirs de base
    S("langue", "Ateliers sociolinguistiques", "atelier", ["lecture-ecriture-calcul--maitriser-le-francais"],
      "Apprendre le français de la vie quotidienne et du travail, en petits groupes.",
      publics=["personnes-exilees"], heures="6", semaines=30, capacite=15),
    S("langue", "Remise à niveau lecture, écriture, calcul", "formation",
      ["lecture-ecriture-calcul--maitriser-le-calcul", "lecture-ecriture-calcul--maitriser-le-francais"],
      "Retrouver les savoirs de base utiles à l'emploi et à la vie quotidienne.", heures="6", semaines=20,
      commune=SAINT_SEVER, zone=[CHALOSSE_TURSAN]),
    # Budget, droits, alimentation
    S("budget", "Rendez-vous conseil budget", "accompagnement",
      ["difficultes-financieres--ameliorer-sa-gestion-budgetaire", "difficultes-financieres--situation-dendettement-surendettement"],
      "Faire le point sur son budget, négocier avec ses créanciers, monter un dossier de surendettement si besoin.",
      presentiel=True, distance=True),
    S("ccas_dax", "Épicerie sociale", "aide-materielle", ["equipement-et-alimentation--alimentation"],
      "Produits alimentaires et d'hygiène à 10 % de leur prix, sur orientation d'un travailleur social.",
      zone=[DAX], capacite=80, mobilisation=["se-presenter"]),
    S("cd40", "Aide aux démarches d'accès aux droits", "accompagnement",
      ["difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"],
      "Vérifier ses droits (RSA, prime d'activité, complémentaire santé solidaire) et constituer les dossiers.",
      commune=PEYREHORADE),
    S("msa", "Accompagnement social des exploitants en difficulté", "accompagnement",
      ["difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere"],
      "Un travailleur social de la MSA accompagne les exploitants et salariés agricoles en difficulté.",
      publics=["actifs"], commune=AIRE),
    # Remobilisation
    S("cd40", "Ateliers de remobilisation « Reprendre confiance »", "atelier",
      ["remobilisation--bien-etre-confiance-en-soi", "remobilisation--lien-social"],
      "Dix séances collectives pour reprendre confiance, retrouver un rythme et préparer la suite du parcours.",
      publics=["beneficiaires-des-minimas-sociaux"], heures="6", semaines=10, capacite=10, commune=MORCENX,
      sessions=[("Cycle « Reprendre confiance »", 21, 9, 10)]),
    S("cd40", "Sport et insertion", "atelier", ["remobilisation--activites-sportives-et-culturelles"],
      "Séances hebdomadaires de sport adapté avec un éducateur sportif pour se remettre en mouvement.",
      publics=["beneficiaires-des-minimas-sociaux"], heures="2", semaines=12, commune=CAPBRETON, age_jours=200),
    S("ml", "Service civique et engagement", "information", ["remobilisation--benevolat-action-citoyenne"],
      "S'engager 6 à 12 mois dans une mission d'intérêt général, indemnisée, de 16 à 25 ans.",
      publics=["jeunes"], presentiel=False, distance=True, zone=["france"]),
    S("ml", "Garantie jeunes mobilité internationale", "information",
      ["souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger"],
      "Partir en stage ou en emploi en Europe : informations, aides et préparation au départ.", publics=["jeunes"]),
    S("ft", "Accompagnement intensif des demandeurs d'emploi", "accompagnement",
      ["trouver-un-emploi--suivre-ses-candidatures-et-relancer-les-employeurs"],
      "Un conseiller dédié et des contacts fréquents pour retrouver un emploi rapidement.",
      publics=["demandeurs-emploi"], heures="15", semaines=12, commune=TARNOS, zone=["40"]),
    S("caf", "Rendez-vous des droits", "accompagnement",
      ["difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"],
      "Un entretien pour faire le point sur l'ensemble des droits sociaux de la famille.", commune=HAGETMAU),
    S("plie", "Accompagnement renforcé PLIE", "accompagnement",
      ["trouver-un-emploi--repondre-a-des-offres-demploi", "preparer-sa-candidature--valoriser-ses-competences"],
      "Un référent de parcours suit la personne jusqu'à six mois après son retour à l'emploi durable.",
      publics=["beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "seniors"], zone=[MARSAN_AGGLO]),
    S("sante", "Téléconsultation d'accompagnement psychologique", "accompagnement", ["sante--sante-mentale"],
      "Consultations en visio avec un psychologue pour les personnes éloignées des centres.", presentiel=False,
      distance=True, publics=["beneficiaires-des-minimas-sociaux"]),
    S("numerique", "Point d'accès internet libre", "aide-materielle", ["numerique--acceder-a-une-connexion-internet"],
      "Ordinateurs, imprimante et wifi en accès libre avec un médiateur présent.", commune=MIMIZAN, zone=["40"],
      mobilisation=["se-presenter"]),
]  # fmt: skip


def _structure(cle, nom, organisation, code_insee, adresse, reseaux, description) -> Structure:
    structure = Structure.objects.filter(source=SOURCE, identifiant=f"demo--{cle}").first() or Structure(
        source=SOURCE, identifiant=f"demo--{cle}"
    )
    structure.nom, structure.organisation, structure.code_insee = nom, organisation, code_insee
    structure.adresse, structure.reseaux_porteurs, structure.description = adresse, reseaux, description
    structure.courriel = f"contact.{cle}@demo.spie.fr"
    structure.telephone = "05 58 00 00 00"
    structure.horaires_accueil = "Mo-Fr 09:00-12:00,14:00-17:00"
    return services.enregistrer_structure(structure)


def _service(numero, modele: S, structure: Structure, aujourd_hui) -> Service:
    identifiant = f"demo--service-{numero:02d}"
    service = Service.objects.filter(source=SOURCE, identifiant=identifiant).first() or Service(
        source=SOURCE, identifiant=identifiant
    )
    sur_place = modele.presentiel
    code_insee = modele.commune or structure.code_insee
    service.structure = structure
    service.nom, service.type, service.description = modele.nom, modele.type, modele.description
    service.thematiques, service.publics, service.frais = modele.thematiques, modele.publics, modele.frais
    service.en_presentiel, service.a_distance = sur_place, modele.distance
    service.code_insee = code_insee if sur_place else ""
    if not sur_place:
        service.adresse = ""
    elif code_insee == structure.code_insee:
        service.adresse = structure.adresse
    else:
        service.adresse = "Salle des associations, place de la Mairie"
    service.commune, service.latitude, service.longitude = "", None, None  # déduits du code INSEE
    service.zone_eligibilite = modele.zone
    service.volume_horaire_hebdomadaire = Decimal(modele.heures) if modele.heures else None
    service.nombre_semaines, service.capacite = modele.semaines, modele.capacite
    service.conditions_acces, service.justificatifs = modele.conditions, modele.justificatifs
    service.modes_mobilisation, service.mobilisable_par = modele.mobilisation, ["professionnels", "usagers"]
    service.courriel = structure.courriel
    service.telephone = structure.telephone
    service.frequence_actualisation = modele.frequence
    service.date_maj = aujourd_hui - timedelta(days=modele.age_jours)
    return services.enregistrer_service(service)


def _sessions(service: Service, modele: S, aujourd_hui) -> None:
    for intitule, dans_jours, heure, places in modele.sessions:
        debut = timezone.make_aware(datetime.combine(aujourd_hui + timedelta(days=dans_jours), time(heure)))
        if not SessionService.objects.filter(service=service, intitule=intitule, debut__date=debut.date()).exists():
            SessionService.objects.create(
                service=service,
                intitule=intitule,
                debut=debut,
                fin=debut + timedelta(hours=3),
                lieu=service.adresse or "En ligne",
                places=places,
            )


@transaction.atomic
def charger(organisations) -> str:
    aujourd_hui = timezone.localdate()
    structures = {
        cle: _structure(cle, nom, organisations.get(org) if org else None, code, adresse, reseaux, description)
        for cle, nom, org, code, adresse, reseaux, description in STRUCTURES
    }
    for numero, modele in enumerate(SERVICES, 1):
        service = _service(numero, modele, structures[modele.structure], aujourd_hui)
        _sessions(service, modele, aujourd_hui)
    return f"Offre : {len(structures)} structures et {len(SERVICES)} services."


def charger_offre_demo(sender=None, organisations=None, **kwargs) -> str:
    return charger(organisations or {})
