"""La gouvernance de démonstration des Landes : le consortium, le comité départemental pour l'emploi, le comité
opérationnel et le comité technique mobilité, leurs sièges et mandats (personnes fictives), une séance clôturée
avec votes et décisions, une séance à venir en préparation, le plan d'actions (chiffres des Landes : SPIE 2021-2022
446 000 € dont État 356 800 € et Département 89 200 € ; PTI 2 431 400 € par an et 830 000 € de FSE).

Les études de situations du comité technique mobilité (une soumise, une inscrite à la prochaine séance, une avec
la recommandation du comité, revenue dans le carnet) suivent, sur les parcours de démonstration (`DEMO-P…`).

Idempotent : rien n'est recréé si le consortium des Landes existe déjà, ni les études si le comité technique en a
déjà."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gouvernance.choix import (
    ChoixVote,
    Financeur,
    Periodicite,
    Programme,
    Qualite,
    RoleConsortium,
    StatutFiche,
    StatutPresence,
    Theme,
    TypeComite,
    TypePoint,
    Voix,
)
from gouvernance.composition import services as composition
from gouvernance.deliberation import services as deliberation
from gouvernance.etudes import services as etudes
from gouvernance.models import Comite, Consortium, EnvoiConvocation, EtudeSituation, Mandat, Seance, Siege
from gouvernance.plan import services as plan
from gouvernance.seances import services as seances
from partenaires.management.commands.charger_demo import COMPTES
from partenaires.models import Utilisateur
from spie.texte import normaliser_recherche

DEPARTEMENT = "40"
LIEU = "Hôtel du Département, 23 rue Victor Hugo, Mont-de-Marsan"
VISIO = "https://webconf.numerique.gouv.fr/demo-cde-landes"
COMPTES_DEMO = {(prenom, nom): email for email, prenom, nom, _ in COMPTES}

# (clé d'organisation, intitulé du siège, voix, (prénom, nom, fonction) du titulaire, du suppléant ou None)
SIEGES_CDE = [
    ("ddets", "Représentant de l'État", Voix.DELIBERATIVE, ("Hélène", "Bats", "Directrice de la DDETS"), None),
    (
        "cd40",
        "Département des Landes",
        Voix.DELIBERATIVE,
        ("Anne", "Lacoste", "Vice-présidente à l'insertion"),
        ("Sophie", "Darrigade", "Cheffe du service insertion"),
    ),
    ("caf", "", Voix.DELIBERATIVE, ("Thomas", "Lalanne", "Directeur de la CAF"), None),
    ("msa", "", Voix.DELIBERATIVE, ("Pierre", "Dubern", "Directeur de l'action sociale"), None),
    ("cci", "Chambres consulaires", Voix.DELIBERATIVE, ("Bruno", "Lasserre", "Président de la CCI"), None),
    ("ft", "", Voix.CONSULTATIVE, ("Karim", "Benali", "Directeur territorial"), None),
    ("ml", "", Voix.CONSULTATIVE, ("Camille", "Ducasse", "Directrice"), None),
    ("cap", "", Voix.CONSULTATIVE, ("Sandrine", "Pouyanne", "Directrice"), None),
]
SIEGES_OPERATIONNEL = ["cd40", "ft", "caf", "msa", "ml", "cap", "plie", "asso", "cci", "sdsei"]
SIEGES_MOBILITE = ["cd40", "asso", "ft", "ml", "plie"]


def _compte(email):
    return Utilisateur.objects.filter(email=email).first()


def _adresse(texte: str) -> str:
    return normaliser_recherche(texte).replace(" ", "-")


def _mandat(siege, qualite, personne, debut):
    """Une personne qui a un compte de démonstration dans l'organisation du siège y est reliée (même e-mail)."""
    prenom, nom, fonction = personne
    email = COMPTES_DEMO.get((prenom, nom)) or f"{_adresse(prenom)}.{_adresse(nom)}@exemple.fr"
    compte = _compte(email)
    if compte and not compte.membres.filter(organisation=siege.organisation, is_active=True).exists():
        compte = None
    return composition.enregistrer_mandat(
        Mandat(
            siege=siege,
            qualite=qualite,
            prenom=prenom,
            nom=nom,
            fonction=fonction,
            email=email,
            utilisateur=compte,
            date_debut=debut,
        ),
        acteur=None,
    )


def _comite(consortium, organisations, *, nom, type, theme="", periodicite, secretaire, sieges, debut):
    comite = composition.enregistrer_comite(
        Comite(consortium=consortium, nom=nom, type=type, theme=theme, periodicite=periodicite, secretaire=secretaire),
        acteur=None,
    )
    for ordre, (cle, libelle, voix, titulaire, suppleant) in enumerate(sieges, 1):
        siege = composition.enregistrer_siege(
            Siege(comite=comite, organisation=organisations[cle], libelle=libelle, voix=voix, ordre=ordre), acteur=None
        )
        if titulaire:
            _mandat(siege, Qualite.TITULAIRE, titulaire, debut)
        if suppleant:
            _mandat(siege, Qualite.SUPPLEANT, suppleant, debut)
    return comite


def _composer(organisations):
    pilote = _compte("pilote@demo.spie.fr")
    secretaire = _compte("secretaire@demo.spie.fr")
    consortium = composition.creer_consortium(
        acteur=pilote,
        departement=DEPARTEMENT,
        nom="Consortium du Service public de l'insertion et de l'emploi des Landes",
        organisation_pilote=organisations["cd40"],
    )
    for cle in ("ddets", "ft", "caf", "msa", "ml", "cap", "plie", "asso", "cci", "sdsei"):
        composition.ajouter_membre(
            consortium, acteur=pilote, organisation=organisations[cle], role=RoleConsortium.MEMBRE
        )
    debut = timezone.localdate().replace(month=1, day=1) - timedelta(days=365)
    cde = _comite(
        consortium,
        organisations,
        nom="Comité départemental pour l'emploi des Landes",
        type=TypeComite.STRATEGIQUE,
        periodicite=Periodicite.SEMESTRIELLE,
        secretaire=secretaire,
        sieges=SIEGES_CDE,
        debut=debut,
    )
    composition.ajouter_copresidence(
        cde,
        acteur=pilote,
        siege=cde.sieges.get(organisation=organisations["ddets"]),
        utilisateur=_compte("admin.ddets@demo.spie.fr"),
        voix_preponderante=True,
    )
    composition.ajouter_copresidence(
        cde,
        acteur=pilote,
        siege=cde.sieges.get(organisation=organisations["cd40"]),
        utilisateur=_compte("admin.departement@demo.spie.fr"),
    )
    operationnel = [(cle, "", Voix.DELIBERATIVE, None, None) for cle in SIEGES_OPERATIONNEL]
    _comite(
        consortium,
        organisations,
        nom="Comité opérationnel du SPIE des Landes",
        type=TypeComite.OPERATIONNEL,
        periodicite=Periodicite.SEMESTRIELLE,
        secretaire=secretaire,
        sieges=operationnel,
        debut=debut,
    )
    mobilite = [(cle, "", Voix.DELIBERATIVE, None, None) for cle in SIEGES_MOBILITE]
    _comite(
        consortium,
        organisations,
        nom="Comité technique mobilité",
        type=TypeComite.TECHNIQUE,
        theme=Theme.MOBILITE,
        periodicite=Periodicite.TRIMESTRIELLE,
        secretaire=secretaire,
        sieges=mobilite,
        debut=debut,
    )
    return consortium, cde


# (intitulé, programme, thème, pilote, partenaires, publics, objectifs, [(financeur, année, prévu, engagé, dépensé)])
FICHES = [
    (
        "Plateforme mobilité des Landes",
        Programme.SPIE,
        Theme.MOBILITE,
        "asso",
        ["cd40", "ft"],
        ["brsa", "jeunes"],
        "Diagnostic mobilité, prêt de véhicules et auto-école sociale pour 300 personnes par an.",
        [
            (Financeur.ETAT, 2021, "180000", "180000", "171500"),
            (Financeur.DEPARTEMENT, 2021, "45000", "45000", "45000"),
        ],
    ),
    (
        "Référents de parcours renforcés",
        Programme.SPIE,
        Theme.SUIVI_PARCOURS,
        "cd40",
        ["ft", "caf", "ml"],
        ["brsa"],
        "Un référent unique pour chaque allocataire du RSA, 50 à 60 personnes par référent, un contact par semaine.",
        [(Financeur.ETAT, 2022, "176800", "150000", "98000"), (Financeur.DEPARTEMENT, 2022, "44200", "44200", "30000")],
    ),
    (
        "Chantiers d'insertion et clauses sociales",
        Programme.PTI,
        Theme.EMPLOI,
        "cd40",
        ["plie", "cci"],
        ["brsa", "deld"],
        "Soutenir 75 structures d'insertion par l'activité économique et les clauses sociales des marchés publics.",
        [
            (Financeur.DEPARTEMENT, 2022, "2431400", "2300000", "1950000"),
            (Financeur.FSE, 2022, "830000", "600000", "420000"),
        ],
    ),
]


def _planifier(consortium, organisations, pilote):
    fiches = []
    for titre, programme, theme, cle, partenaires, publics, objectifs, budget in FICHES:
        fiche = plan.creer_fiche(
            consortium,
            acteur=pilote,
            titre=titre,
            programme=programme,
            theme=theme,
            objectifs=objectifs,
            publics=publics,
            organisation_pilote=organisations[cle],
            partenaires=[organisations[autre] for autre in partenaires],
            date_debut=date(2021, 1, 1),
            date_fin=date(2022, 12, 31) if programme == Programme.SPIE else None,
        )
        for financeur, annee, prevu, engage, depense in budget:
            plan.ajouter_ligne_budget(
                fiche,
                acteur=pilote,
                financeur=financeur,
                annee=annee,
                prevu=Decimal(prevu),
                engage=Decimal(engage),
                depense=Decimal(depense),
            )
        plan.actualiser_avancement(fiche, acteur=pilote, statut=StatutFiche.EN_COURS, avancement=40)
        fiches.append(fiche)
    return fiches


def _tenir_seance_passee(cde, fiches, secretaire):
    """Une séance tenue il y a deux mois : préparée, validée et convoquée comme une autre, puis antidatée (la
    démonstration ne peut pas attendre), présences, un vote départagé par la voix prépondérante, un consensus, deux
    décisions, une revue de fiche, la synthèse, la clôture."""
    seance = seances.creer_seance(cde, acteur=secretaire, date=timezone.now() + timedelta(days=1), lieu=LIEU)
    vote = seances.ajouter_point(
        seance,
        acteur=secretaire,
        titre="Extension de la plateforme mobilité au Marsan",
        type=TypePoint.DELIBERATION,
        fiche_action=fiches[0],
    )
    consensus = seances.ajouter_point(
        seance, acteur=secretaire, titre="Calendrier des comités locaux pour l'emploi", type=TypePoint.DELIBERATION
    )
    for copresidence in cde.copresidences.all():
        seances.valider_ordre_du_jour(seance, acteur=copresidence.utilisateur, copresidence=copresidence)
    seances.envoyer_convocation(seance, acteur=secretaire)
    # Antidatée : tenue il y a deux mois, convoquée deux semaines avant (les convocations sont réputées parties).
    convoquee_le = timezone.now() - timedelta(days=74)
    Seance.objects.filter(pk=seance.pk).update(
        date=timezone.now() - timedelta(days=60), convocation_envoyee_le=convoquee_le
    )
    EnvoiConvocation.objects.filter(seance=seance).update(envoye_le=convoquee_le)
    seance.refresh_from_db()
    sieges = {siege.organisation.nom: siege for siege in cde.sieges.select_related("organisation")}
    lignes = []
    for nom, siege in sieges.items():
        if nom.startswith("MSA"):
            lignes.append(deliberation.LignePresence(siege=siege, statut=StatutPresence.EXCUSE))
        elif nom.startswith("CCI"):
            lignes.append(
                deliberation.LignePresence(
                    siege=siege, statut=StatutPresence.REPRESENTE, represente_par=sieges["CAF des Landes"]
                )
            )
        else:
            lignes.append(
                deliberation.LignePresence(
                    siege=siege,
                    statut=StatutPresence.PRESENT,
                    mandat=siege.mandats.en_cours(seance.date).order_by("-qualite").first(),  # le titulaire
                )
            )
    deliberation.noter_presences(seance, acteur=secretaire, lignes=lignes)
    votants = {
        siege: choix
        for siege, choix in zip(
            [
                sieges["DDETS des Landes"],
                sieges["Département des Landes"],
                sieges["CAF des Landes"],
                sieges["CCI des Landes"],
            ],
            [ChoixVote.POUR, ChoixVote.POUR, ChoixVote.CONTRE, ChoixVote.CONTRE],
            strict=True,
        )
    }
    deliberation.voter(vote, acteur=secretaire, choix=votants)
    deliberation.enregistrer_notes(
        vote, acteur=secretaire, notes="La CAF et la CCI craignent un coût de fonctionnement mal couvert en 2023."
    )
    deliberation.ajouter_decision(
        vote,
        acteur=secretaire,
        texte="Étendre la plateforme mobilité au Marsan et présenter son budget 2023 au prochain comité.",
        organisation_responsable=fiches[0].organisation_pilote,
        echeance=timezone.localdate() + timedelta(days=30),
    )
    deliberation.constater_consensus(consensus, acteur=secretaire)
    deliberation.ajouter_decision(
        consensus,
        acteur=secretaire,
        texte="Réunir un comité local pour l'emploi par bassin (Dax, Mont-de-Marsan, Côte sud) avant l'été.",
        organisation_responsable=sieges["DDETS des Landes"].organisation,
        echeance=timezone.localdate() - timedelta(days=5),
    )
    deliberation.revoir_fiche(
        seance,
        acteur=secretaire,
        fiche=fiches[1],
        statut=StatutFiche.EN_COURS,
        avancement=40,
        commentaire="12 référents recrutés sur 15 ; le contact hebdomadaire est tenu pour 70 % des personnes.",
    )
    deliberation.enregistrer_synthese(
        seance,
        acteur=secretaire,
        synthese="Le comité fait le point sur le plan d'actions du SPIE et arrête le calendrier des comités locaux.",
    )
    deliberation.cloturer_seance(seance, acteur=secretaire)
    return seance


def _preparer_seance_suivante(cde, fiches, secretaire):
    seance = seances.creer_seance(
        cde, acteur=secretaire, date=timezone.now() + timedelta(days=21), lieu=LIEU, lien_visio=VISIO
    )
    seances.ajouter_point(seance, acteur=secretaire, titre="Suivi des décisions de la séance précédente")
    seances.ajouter_point(
        seance,
        acteur=secretaire,
        titre="Budget 2023 de la plateforme mobilité",
        type=TypePoint.DELIBERATION,
        fiche_action=fiches[0],
    )
    seances.ajouter_point(
        seance,
        acteur=secretaire,
        titre="Avancement des référents de parcours",
        type=TypePoint.SUIVI_FICHE,
        fiche_action=fiches[1],
    )
    copresidence = cde.copresidences.filter(voix_preponderante=True).first()
    seances.valider_ordre_du_jour(seance, acteur=copresidence.utilisateur, copresidence=copresidence)
    return seance


@transaction.atomic
def charger(organisations) -> str:
    if Consortium.objects.filter(departement=DEPARTEMENT).exists() or "cd40" not in organisations:
        return ""
    consortium, cde = _composer(organisations)
    secretaire, pilote = _compte("secretaire@demo.spie.fr"), _compte("pilote@demo.spie.fr")
    fiches = _planifier(consortium, organisations, pilote)
    _tenir_seance_passee(cde, fiches, secretaire)
    _preparer_seance_suivante(cde, fiches, secretaire)
    mandats = Mandat.objects.filter(siege__comite=cde).count()
    return f"gouvernance : {consortium.comites.count()} comités, {mandats} mandats au comité départemental"


# (carnet de démonstration, jours depuis le consentement, situation (sans nom), question)
ETUDES = [
    (
        "DEMO-P10",
        60,
        "Homme d'une trentaine d'années, accompagné depuis trois mois ; une promesse d'embauche en logistique à "
        "Saint-Sever, à 25 km, sans transport en commun aux horaires de poste. Dossier de bourse au permis en cours.",
        "Quelle solution de mobilité en attendant le permis : prêt de véhicule, covoiturage, transport à la demande ?",
    ),
    (
        "DEMO-P01",
        20,
        "Femme de 42 ans, entrée au RSA il y a un mois, aucun moyen de transport ; souhaite se former au métier "
        "d'aide-soignante à Dax.",
        "Peut-on financer le permis B avant l'entrée en formation ?",
    ),
    (
        "DEMO-P05",
        10,
        "Femme de 50 ans, sans emploi depuis six ans, sans véhicule ni permis, habite à 6 km du premier arrêt de bus.",
        "Quels leviers pour rejoindre les ateliers collectifs à Mont-de-Marsan ?",
    ),
]


@transaction.atomic
def charger_etudes() -> str:
    """Les études de situations du comité technique mobilité. Une séance du comité ne se crée qu'à une date à
    venir : la séance qui a rendu la recommandation est créée demain, l'étude inscrite à son ordre du jour, puis la
    séance est ramenée il y a deux semaines (comme `_tenir_seance_passee`) avant la recommandation."""
    from parcours.demo_parcours import Demo, _au_jour
    from parcours.models import Carnet, Intervenant

    comite = Comite.objects.filter(consortium__departement=DEPARTEMENT, type=TypeComite.TECHNIQUE).first()
    if comite is None or EtudeSituation.objects.filter(comite=comite).exists():
        return ""
    carnets = {
        carnet.personne.identifiant_departement: carnet
        for carnet in Carnet.objects.filter(
            personne__identifiant_departement__in=[identifiant for identifiant, *_ in ETUDES]
        ).select_related("personne")
    }
    if len(carnets) < len(ETUDES):
        return ""
    demo = Demo({})
    secretaire = comite.secretaire
    soumises = []
    for identifiant, jours, situation, question in ETUDES:
        carnet = carnets[identifiant]
        referent = Intervenant.objects.referents().select_related("utilisateur").get(carnet=carnet).utilisateur
        with _au_jour(demo, jours - 5):
            soumises.append(
                etudes.soumettre_etude(
                    carnet,
                    acteur=referent,
                    comite=comite,
                    consentement=EtudeSituation.Consentement.ECRIT,
                    consentement_le=demo.il_y_a(jours),
                    situation=situation,
                    question=question,
                )
            )
    recommandee, inscrite, _soumise = soumises
    tenue = seances.creer_seance(comite, acteur=secretaire, date=timezone.now() + timedelta(days=1), lieu=LIEU)
    etudes.inscrire_etude(recommandee, acteur=secretaire, seance=tenue)
    Seance.objects.filter(pk=tenue.pk).update(date=demo.instant(-14, 10))
    with _au_jour(demo, 14):
        etudes.recommander(
            recommandee,
            acteur=secretaire,
            recommandee_le=demo.il_y_a(14),
            recommandation="Prêt d'un véhicule par la plateforme mobilité pendant trois mois, le temps du permis ; "
            "covoiturage proposé par l'employeur à étudier avec lui.",
        )
    a_venir = seances.creer_seance(comite, acteur=secretaire, date=demo.instant(30, 10), lieu=LIEU)
    etudes.inscrire_etude(inscrite, acteur=secretaire, seance=a_venir)
    return f"{len(soumises)} études de situations au comité technique mobilité."


def charger_gouvernance_demo(sender=None, organisations=None, **kwargs) -> str:
    resumes = [charger(organisations or {}), charger_etudes()]
    return " ; ".join(resume for resume in resumes if resume)
