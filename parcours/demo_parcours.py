"""Parcours de démonstration : la file d'orientation, les décisions et leurs horloges, les sorties et le suivi dans
l'emploi, les convocations, les personnes perdues de vue, puis le point de situation de la nuit.

Appelé à la fin de `parcours.demo.charger_carnets_demo`. Déterministe (graine fixe, dates comptées depuis
aujourd'hui) et idempotent : les personnes sont repérées par leur identifiant « DEMO-P… » ; rien n'est recréé.

Tout passe par les services, qui acceptent des dates passées (réception, décision, notification, sortie, point,
rendez-vous). Seules les dates de saisie qu'ils posent à « maintenant » (ouverture du carnet, historique, début
d'intervention…) sont ramenées au jour du récit par une mise à jour ciblée (`_au_jour`) : sans elle, un carnet
ouvert il y a cinq mois aurait un historique daté d'aujourd'hui et ne serait jamais « perdu de vue ».
"""

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from io import StringIO

from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from parcours import delais, services
from parcours.convocations import services as convocations
from parcours.models import (
    Carnet,
    DecisionOrientation,
    DemandeOrientation,
    EvenementCarnet,
    Intervenant,
    Note,
    Objectif,
    Personne,
    PointSuiviEmploi,
    RendezVous,
    SortieParcours,
    Statut,
)
from parcours.orientation import services as orientation
from parcours.suivi import services as suivi
from partenaires import services as partenaires_services
from partenaires.choix import Role, TypeOrganisation
from partenaires.management.commands.charger_demo import MOT_DE_PASSE_DEMO, siret_demo
from partenaires.models import Membre, Organisation, Utilisateur

PREFIXE = "DEMO-P"
Motif = DemandeOrientation.Motif
Sens = DecisionOrientation.Sens
Canal = DecisionOrientation.Canal

# Un autre territoire, d'où arrive une personne qui a déménagé.
PYRENEES_ATLANTIQUES = {
    "nom": "Département des Pyrénées-Atlantiques",
    "type": TypeOrganisation.DEPARTEMENT,
    "siret": siret_demo(64),
    "adresse": "64 avenue Jean Biray",
    "code_postal": "64000",
    "commune": "Pau",
    "departement": "64",
    "email_contact": "contact.cd64@demo.spie.fr",
}
COMPTES_64 = [
    ("admin.cd64@demo.spie.fr", "Jean", "Etcheverry", Role.ADMINISTRATEUR),
    ("referente.cd64@demo.spie.fr", "Maite", "Irigoyen", Role.PROFESSIONNEL),
]

# Les dates de saisie que les services posent à « maintenant » (modèle, champ).
SAISIES = [
    (Personne, "date_creation"),
    (Carnet, "date_creation"),
    (EvenementCarnet, "date"),
    (Note, "date"),
    (Intervenant, "date_debut"),
    (Statut, "date_saisie"),
    (Objectif, "date_creation"),
    (DemandeOrientation, "date_demande"),
    (DecisionOrientation, "date_saisie"),
    (SortieParcours, "date_saisie"),
]


class Demo:
    """Les acteurs de la démonstration et le jour du récit."""

    def __init__(self, organisations):
        self.aujourd_hui = timezone.localdate()
        self.hasard = random.Random(26)
        self.org = dict(organisations)
        comptes = {u.email: u for u in Utilisateur.objects.filter(email__endswith="@demo.spie.fr")}
        self.referente = comptes["referente@demo.spie.fr"]
        self.charge = comptes["orientation@demo.spie.fr"]
        self.conseiller_ft = comptes["conseiller.ft@demo.spie.fr"]
        self.as_dax = comptes["as.dax@demo.spie.fr"]
        self.conseiller_ml = comptes["conseiller.ml@demo.spie.fr"]

    def il_y_a(self, jours: int) -> date:
        return self.aujourd_hui - timedelta(days=jours)

    def instant(self, jours: int, heure: int = 10, minute: int = 0) -> datetime:
        """Dans `jours` jours (négatif : passé), à l'heure dite."""
        jour = self.aujourd_hui + timedelta(days=jours)
        return timezone.make_aware(datetime.combine(jour, time(heure, minute)))


def charger(organisations) -> str:
    if Personne.objects.filter(identifiant_departement__startswith=PREFIXE).exists():
        return ""
    demo = Demo(organisations)
    demo.org["cd64"] = _pyrenees_atlantiques()
    demo.pro64 = Utilisateur.objects.get(email="referente.cd64@demo.spie.fr")
    situations = [
        _anciennete_des_carnets,
        _orientations_du_pilotage,
        _entree_rsa,
        _entree_rsa_en_retard,
        _reorientation,
        _transfert,
        _contrat_en_retard,
        _contrat_signe,
        _parcours_social,
        _sortie_emploi,
        _sortie_formation,
        _convocation_et_action_echue,
        _perdus_de_vue,
        _vingt_six_ans,
    ]
    for situation in situations:
        situation(demo)
    sortie = StringIO()
    call_command("calculer_point_de_situation", stdout=sortie)
    nombre = Personne.objects.filter(identifiant_departement__startswith=PREFIXE).count()
    return f"{nombre} parcours de démonstration (orientation, sorties, convocations). {sortie.getvalue().strip()}"


def _pyrenees_atlantiques() -> Organisation:
    """Le Département d'où arrive un transfert, avec un administrateur et une référente (idempotent)."""
    organisation = Organisation.objects.filter(siret=PYRENEES_ATLANTIQUES["siret"]).first()
    if organisation is None:
        organisation = partenaires_services.enregistrer_organisation(acteur=None, **PYRENEES_ATLANTIQUES)
    for email, prenom, nom, role in COMPTES_64:
        utilisateur = Utilisateur.objects.filter(email=email).first()
        if utilisateur is None:
            utilisateur = Utilisateur.objects.create_user(email, MOT_DE_PASSE_DEMO, prenom=prenom, nom=nom)
        if not Membre.objects.filter(utilisateur=utilisateur, organisation=organisation, is_active=True).exists():
            partenaires_services.ajouter_membre(utilisateur, organisation, role=role, acteur=None)
    return organisation


@contextmanager
def _au_jour(demo, jours: int):
    """Ce que les services écrivent dans ce bloc est daté d'il y a `jours` jours (mise à jour ciblée des seules
    lignes créées dans le bloc ; les fins d'intervention posées aujourd'hui par une décision suivent)."""
    avant = {modele: modele.objects.aggregate(dernier=Max("pk"))["dernier"] or 0 for modele, _ in SAISIES}
    yield
    jour = demo.il_y_a(jours)
    quand = demo.instant(-jours)
    for modele, champ in SAISIES:
        valeur = jour if modele._meta.get_field(champ).get_internal_type() == "DateField" else quand
        modele.objects.filter(pk__gt=avant[modele]).update(**{champ: valeur})
    carnets = EvenementCarnet.objects.filter(pk__gt=avant[EvenementCarnet]).values("carnet")
    Intervenant.objects.filter(carnet__in=carnets, date_fin=demo.aujourd_hui).update(date_fin=jour)


def _ouvrir(demo, numero, jours, *, acteur, organisation, nom, prenom, naissance, commune, email="") -> Carnet:
    """Ouvre le carnet il y a `jours` jours."""
    ville, code_postal, code_commune = commune
    with _au_jour(demo, jours):
        return services.ouvrir_carnet(
            acteur=acteur,
            organisation=organisation,
            ignorer_doublons=True,
            nom=nom,
            prenom=prenom,
            date_naissance=naissance,
            email=email,
            commune=ville,
            code_postal=code_postal,
            code_commune=code_commune,
            adresse=f"{demo.hasard.randint(1, 90)} avenue des Sports",
            identifiant_departement=f"{PREFIXE}{numero:02d}",
            numero_caf_msa=f"{demo.hasard.randint(1000000, 9999999)}",
        )


DAX = ("Dax", "40100", "40088")
MONT_DE_MARSAN = ("Mont-de-Marsan", "40000", "40192")
SAINT_PAUL = ("Saint-Paul-lès-Dax", "40990", "40279")
BAYONNE = ("Bayonne", "64100", "64102")


def _rendez_vous_honore(demo, carnet, jours, *, acteur, objet, note=""):
    """Un rendez-vous honoré il y a `jours` jours (et sa note d'entretien) : un contact."""
    with _au_jour(demo, jours):
        participation = carnet.intervenants.actifs().select_related("organisation").get(utilisateur=acteur)
        rendez_vous = services.prevoir_rendez_vous(
            carnet,
            acteur=acteur,
            intervenant=acteur,
            date_heure=demo.instant(-jours, 9, 30),
            objet=objet,
            lieu=f"{participation.organisation.nom}, {participation.organisation.commune}",
        )
        services.mettre_a_jour_rendez_vous(rendez_vous, acteur=acteur, statut=RendezVous.Statut.HONORE)
        if note:
            services.ajouter_note(
                carnet, acteur=acteur, organisation=participation.organisation, texte=note, visibilite="groupe"
            )


def _entree_au_rsa(demo, carnet, jours, *, acteur):
    with _au_jour(demo, jours):
        services.changer_statut(
            carnet, acteur=acteur, type=Statut.Type.DROIT_RSA, valeur="ouvert_versable", date_debut=demo.il_y_a(jours)
        )


def _demander(demo, carnet, jours, *, acteur=None):
    """L'information d'ouverture du droit reçue il y a `jours` jours : la personne entre dans la file de Dax."""
    with _au_jour(demo, jours):
        return orientation.demander_orientation(
            carnet,
            acteur=acteur or demo.referente,
            organisation_orientation=demo.org["sdsei"],
            motif=Motif.ENTREE_RSA,
            date_reception=demo.il_y_a(jours),
        )


def _orienter(demo, demande, jours, *, parcours, organisme, referent, notifiee_il_y_a=None, canal="", **champs):
    with _au_jour(demo, jours):
        return orientation.decider(
            demande,
            acteur=demo.charge,
            sens=Sens.ORIENTER,
            date_decision=demo.il_y_a(jours),
            parcours=parcours,
            organisme_referent=organisme,
            referent=referent,
            devenir_ancien_referent=DecisionOrientation.DevenirAncienReferent.ACCOMPAGNATEUR,
            notifiee_le=demo.il_y_a(notifiee_il_y_a) if notifiee_il_y_a is not None else None,
            canal_notification=canal,
            **champs,
        )


def _contrat(demo, carnet, jours, *, acteur, signataires, **champs):
    with _au_jour(demo, jours):
        contrat = services.enregistrer_contrat(
            carnet, acteur=acteur, date_debut=demo.il_y_a(jours), signataires=signataires, **champs
        )
        return services.enregistrer_accord(contrat, acteur=acteur, date_accord=demo.il_y_a(jours))


def _diagnostic(demo, carnet, modele):
    from parcours.demo import DIAGNOSTICS, _diagnostic  # le module des carnets appelle celui-ci

    _diagnostic(carnet, demo.referente, DIAGNOSTICS[modele], version_suivante=False)


# --- Pilotage : des chiffres au-delà du secret statistique ----------------------------------------------


def _jours_avant(demo, jour: date) -> int:
    return (demo.aujourd_hui - jour).days


def _orientations_prevues(demo):
    """Dix carnets « DEMO-0… » entrés au RSA et orientés : cinq vers un parcours socio-professionnel (SDSeI de
    Dax) au dernier trimestre complet, contrat signé dans le trimestre ; cinq vers l'emploi (France Travail) le mois
    dernier, contrat signé ensuite. Assez pour que les indicateurs du trimestre et le flux du mois dépassent le
    secret statistique (5 personnes). (numéro, réception, décision, signature du contrat, parcours)"""
    # Le dernier trimestre civil fini et le mois dernier (ceux que la page des indicateurs et le flux montrent par
    # défaut ; le parcours n'importe pas la gouvernance, qui le lit).
    jour = demo.aujourd_hui
    debut_du_trimestre_en_cours = date(jour.year, (jour.month - 1) // 3 * 3 + 1, 1)
    debut_du_trimestre = delais.ajouter_mois(debut_du_trimestre_en_cours, -3)
    premier_du_mois_dernier = delais.ajouter_mois(jour.replace(day=1), -1)
    prevues = []
    for rang in range(5):
        decision = debut_du_trimestre + timedelta(days=10 + 12 * rang)
        reception = decision - timedelta(days=20 + 4 * rang)
        prevues.append((15 + rang, reception, decision, decision + timedelta(days=10), "socio_professionnel"))
    for rang in range(5):
        decision = premier_du_mois_dernier + timedelta(days=3 + 5 * rang)
        reception = decision - timedelta(days=25 + 3 * rang)
        signature = min(decision + timedelta(days=8 + rang), demo.aujourd_hui)
        prevues.append((20 + rang, reception, decision, signature, "emploi"))
    return prevues


def _anciennete_des_carnets(demo):
    """Les 50 carnets « DEMO-0… » sont ouverts le jour du chargement (`parcours.demo`) : leur ouverture (personne,
    carnet, groupe de suivi et ces événements de l'historique) est ramenée de 100 à 300 jours en arrière, et avant
    l'entrée au RSA de ceux que `_orientations_du_pilotage` oriente. Les rendez-vous, notes et diagnostics gardent
    leurs dates."""
    receptions = {numero: reception for numero, reception, *_ in _orientations_prevues(demo)}
    Type = EvenementCarnet.Type
    ouvertures = (Type.CARNET_OUVERT, Type.INTERVENANT_AJOUTE)
    for carnet in Carnet.objects.filter(personne__identifiant_departement__startswith="DEMO-0").select_related(
        "personne"
    ):
        numero = int(carnet.personne.identifiant_departement.removeprefix("DEMO-"))
        jours = 100 + numero * 37 % 200
        if numero in receptions:
            jours = max(jours, _jours_avant(demo, receptions[numero]) + 10)
        jour, quand = demo.il_y_a(jours), demo.instant(-jours, 9)
        Personne.objects.filter(pk=carnet.personne_id).update(date_creation=quand)
        Carnet.objects.filter(pk=carnet.pk).update(date_creation=quand)
        Intervenant.objects.filter(carnet=carnet).update(date_debut=jour)
        EvenementCarnet.objects.filter(carnet=carnet, type__in=ouvertures).update(date=quand)


def _orientations_du_pilotage(demo):
    for numero, reception, decision, signature, parcours in _orientations_prevues(demo):
        carnet = Carnet.objects.select_related("personne").get(personne__identifiant_departement=f"DEMO-{numero:04d}")
        premier = Intervenant.objects.referents().select_related("utilisateur").get(carnet=carnet).utilisateur
        _entree_au_rsa(demo, carnet, _jours_avant(demo, reception) + 1, acteur=premier)
        demande = _demander(demo, carnet, _jours_avant(demo, reception), acteur=premier)
        if parcours == "emploi":
            organisme, referent = demo.org["ft"], demo.conseiller_ft
            criteres = {"situation_emploi": "activite_recente", "qualification": "qualifie"}
        else:
            organisme, referent = demo.org["sdsei"], demo.as_dax
            criteres = {"situation_emploi": "inactivite", "difficultes": {"mobilite": "moyen"}}
        _orienter(
            demo,
            demande,
            _jours_avant(demo, decision),
            parcours=parcours,
            organisme=organisme,
            referent=referent,
            notifiee_il_y_a=_jours_avant(demo, decision) - 2,
            canal=Canal.COURRIER,
            criteres=criteres,
            motif="Orientation décidée sur le diagnostic et l'entretien.",
        )
        personne = carnet.personne
        _contrat(
            demo,
            carnet,
            _jours_avant(demo, signature),
            acteur=referent,
            signataires=f"{personne.prenom} {personne.nom}, {referent.prenom} {referent.nom} ({organisme.nom})",
        )


# --- File d'orientation ---------------------------------------------------------------------------


def _entree_rsa(demo):
    """Nouvelle entrée au RSA il y a 30 jours : 12 jours pour décider ; diagnostic fait, premier rendez-vous
    convoqué (sans réponse encore)."""
    carnet = _ouvrir(
        demo,
        1,
        32,
        acteur=demo.referente,
        organisation=demo.org["cd40"],
        nom="Lartigau",
        prenom="Sandrine",
        naissance=date(1984, 5, 17),
        commune=DAX,
        email="sandrine.lartigau@exemple.fr",
    )
    _entree_au_rsa(demo, carnet, 31, acteur=demo.referente)
    _demander(demo, carnet, 30)
    _diagnostic(demo, carnet, 0)
    rendez_vous = services.prevoir_rendez_vous(
        carnet,
        acteur=demo.referente,
        intervenant=demo.referente,
        date_heure=demo.instant(4, 9, 30),
        objet="Premier entretien : droits et devoirs, projet",
        lieu="Département des Landes, Mont-de-Marsan",
    )
    convocations.convoquer(rendez_vous, acteur=demo.referente)


def _entree_rsa_en_retard(demo):
    """Information reçue il y a 50 jours : 8 jours de retard, cause expliquée par le chargé d'orientation."""
    carnet = _ouvrir(
        demo,
        2,
        55,
        acteur=demo.referente,
        organisation=demo.org["cd40"],
        nom="Dubourdieu",
        prenom="Kevin",
        naissance=date(1991, 11, 3),
        commune=SAINT_PAUL,
    )
    _entree_au_rsa(demo, carnet, 51, acteur=demo.referente)
    demande = _demander(demo, carnet, 50)
    _diagnostic(demo, carnet, 2)
    with _au_jour(demo, 3):
        orientation.expliquer_retard(
            demande,
            acteur=demo.charge,
            cause_retard=DemandeOrientation.CauseRetard.ATTENTE_PERSONNE,
            precision_retard="Deux convocations sans réponse ; nouvelle adresse demandée à la CAF.",
        )


def _reorientation(demo):
    """Orientée vers l'emploi il y a quatre mois ; sa conseillère France Travail demande un parcours
    socio-professionnel."""
    carnet = _ouvrir(
        demo,
        3,
        160,
        acteur=demo.referente,
        organisation=demo.org["cd40"],
        nom="Ferreira",
        prenom="Ana",
        naissance=date(1988, 2, 9),
        commune=MONT_DE_MARSAN,
    )
    _entree_au_rsa(demo, carnet, 158, acteur=demo.referente)
    demande = _demander(demo, carnet, 155)
    _orienter(
        demo,
        demande,
        130,
        parcours="emploi",
        organisme=demo.org["ft"],
        referent=demo.conseiller_ft,
        notifiee_il_y_a=128,
        canal=Canal.COURRIER,
        criteres={"situation_emploi": "activite_recente", "qualification": "qualifie", "aspirations": "retour_rapide"},
        motif="Expérience récente en grande distribution ; souhaite reprendre vite.",
    )
    _contrat(demo, carnet, 110, acteur=demo.conseiller_ft, signataires="Ana Ferreira, Nadia Mora (France Travail)")
    _rendez_vous_honore(
        demo,
        carnet,
        25,
        acteur=demo.conseiller_ft,
        objet="Point d'étape",
        note="Expulsion locative en cours et plus de solution de garde : la recherche d'emploi est à l'arrêt.",
    )
    orientation.demander_reorientation(  # reçue aujourd'hui (le service date la demande du jour)
        carnet,
        acteur=demo.conseiller_ft,
        parcours_recommande="socio_professionnel",
        motif_demande="Logement et garde d'enfant à régler d'abord : un accompagnement socio-professionnel "
        "paraît plus adapté.",
    )


def _transfert(demo):
    """Suivie à Bayonne, la personne s'installe à Dax : le carnet arrive dans la file avec son histoire."""
    carnet = _ouvrir(
        demo,
        4,
        240,
        acteur=demo.pro64,
        organisation=demo.org["cd64"],
        nom="Etchegaray",
        prenom="Mikel",
        naissance=date(1979, 8, 23),
        commune=BAYONNE,
    )
    _rendez_vous_honore(
        demo,
        carnet,
        40,
        acteur=demo.pro64,
        objet="Bilan avant déménagement",
        note="Déménage à Dax chez sa sœur ; cherche un poste de cariste.",
    )
    orientation.transferer(  # arrivé aujourd'hui : le délai légal de 6 semaines part de ce jour
        carnet, acteur=demo.pro64, organisation_accueil=demo.org["sdsei"], motif="Déménagement à Dax (Landes)"
    )


# --- Décisions et horloges ----------------------------------------------------------------------------


def _contrat_en_retard(demo):
    """Orientation notifiée il y a 45 jours, toujours pas de contrat d'engagement : l'horloge est en retard."""
    carnet = _ouvrir(
        demo,
        5,
        75,
        acteur=demo.referente,
        organisation=demo.org["cd40"],
        nom="Laborde",
        prenom="Nathalie",
        naissance=date(1976, 4, 30),
        commune=MONT_DE_MARSAN,
    )
    _entree_au_rsa(demo, carnet, 72, acteur=demo.referente)
    demande = _demander(demo, carnet, 70)
    _orienter(
        demo,
        demande,
        48,
        parcours="socio_professionnel",
        organisme=demo.org["cd40"],
        referent=demo.referente,
        notifiee_il_y_a=45,
        canal=Canal.COURRIER,
        criteres={
            "situation_emploi": "inactivite",
            "qualification": "non_qualifie",
            "aspirations": "projet_a_construire",
            "difficultes": {"mobilite": "fort"},
        },
        motif="Sans emploi depuis six ans, pas de moyen de transport.",
    )
    _rendez_vous_honore(
        demo, carnet, 40, acteur=demo.referente, objet="Premier entretien", note="Contrat à préparer au prochain RDV."
    )


def _contrat_signe(demo):
    """Orientée vers France Travail la semaine dernière, contrat signé trois jours après (heures aménagées)."""
    carnet = _ouvrir(
        demo,
        6,
        40,
        acteur=demo.referente,
        organisation=demo.org["cd40"],
        nom="Cazaux",
        prenom="Jessica",
        naissance=date(1993, 7, 12),
        commune=DAX,
    )
    _entree_au_rsa(demo, carnet, 38, acteur=demo.referente)
    demande = _demander(demo, carnet, 36)
    _orienter(
        demo,
        demande,
        12,
        parcours="emploi",
        organisme=demo.org["ft"],
        referent=demo.conseiller_ft,
        notifiee_il_y_a=10,
        canal=Canal.COURRIEL,
        criteres={
            "situation_emploi": "activite_recente",
            "qualification": "qualifie",
            "aspirations": "retour_rapide",
            "difficultes": {"garde_enfant": "moyen"},
        },
        motif="CAP petite enfance, dernier emploi il y a un an.",
    )
    _contrat(
        demo,
        carnet,
        7,
        acteur=demo.conseiller_ft,
        signataires="Jessica Cazaux, Nadia Mora (France Travail)",
        heures_hebdomadaires=10,
        raison_amenagement="parent_isole_sans_garde",
        motif_amenagement="Enfant de 2 ans sans place en crèche avant septembre.",
    )


def _parcours_social(demo):
    """Parcours social décidé il y a sept mois, révision à 12 mois pour motif de logement (pas due à 6 mois)."""
    carnet = _ouvrir(
        demo,
        7,
        235,
        acteur=demo.referente,
        organisation=demo.org["cd40"],
        nom="Mendes",
        prenom="Rui",
        naissance=date(1969, 1, 21),
        commune=DAX,
    )
    _entree_au_rsa(demo, carnet, 232, acteur=demo.referente)
    demande = _demander(demo, carnet, 230)
    _orienter(
        demo,
        demande,
        210,
        parcours="social",
        organisme=demo.org["sdsei"],
        referent=demo.as_dax,
        notifiee_il_y_a=206,
        canal=Canal.REMISE_EN_MAIN_PROPRE,
        criteres={"situation_emploi": "inactivite", "difficultes": {"logement": "fort"}},
        motif="Hébergé en foyer, recherche de logement prioritaire.",
        motif_prolongation=DecisionOrientation.MotifProlongation.LOGEMENT,
    )
    _contrat(
        demo,
        carnet,
        190,
        acteur=demo.as_dax,
        signataires="Rui Mendes, Lucie Dufau (SDSeI de Dax)",
        heures_hebdomadaires=8,
        raison_amenagement="autre",
        motif_amenagement="Démarches de logement prioritaires (dossier DALO).",
    )
    _rendez_vous_honore(demo, carnet, 20, acteur=demo.as_dax, objet="Point logement")


# --- Sorties ---------------------------------------------------------------------------------------


def _sortie_emploi(demo):
    """Sortie vers un CDI il y a 70 jours, suivi dans l'emploi de 3 mois : un point fait, le deuxième à faire."""
    carnet = _ouvrir(
        demo,
        8,
        220,
        acteur=demo.referente,
        organisation=demo.org["cd40"],
        nom="Pujol",
        prenom="Damien",
        naissance=date(1986, 10, 5),
        commune=SAINT_PAUL,
    )
    _rendez_vous_honore(demo, carnet, 80, acteur=demo.referente, objet="Préparation d'un entretien d'embauche")
    with _au_jour(demo, 70):
        sortie = suivi.sortir(
            carnet,
            acteur=demo.referente,
            motif=SortieParcours.Motif.EMPLOI_DURABLE,
            date_sortie=demo.il_y_a(70),
            precision="CDI d'agent logistique à Saint-Paul-lès-Dax",
            suivi_emploi_mois=3,
        )
    premier = sortie.points_suivi.order_by("date_prevue").first()
    fait_le = premier.date_prevue + timedelta(days=2)
    with _au_jour(demo, (demo.aujourd_hui - fait_le).days):
        suivi.enregistrer_point(
            premier,
            acteur=demo.referente,
            situation=PointSuiviEmploi.Situation.EN_EMPLOI,
            commentaire="Période d'essai validée.",
            fait_le=fait_le,
        )


def _sortie_formation(demo):
    """Sortie vers une formation qualifiante il y a 20 jours, sans suivi : le parcours est clos."""
    carnet = _ouvrir(
        demo,
        9,
        180,
        acteur=demo.referente,
        organisation=demo.org["plie"],
        nom="Brethes",
        prenom="Océane",
        naissance=date(1997, 3, 14),
        commune=MONT_DE_MARSAN,
    )
    _rendez_vous_honore(demo, carnet, 30, acteur=demo.referente, objet="Bilan de l'immersion")
    with _au_jour(demo, 20):
        suivi.sortir(
            carnet,
            acteur=demo.referente,
            motif=SortieParcours.Motif.FORMATION_QUALIFIANTE,
            date_sortie=demo.il_y_a(20),
            precision="Titre professionnel agent de restauration (9 mois)",
        )


# --- Convocation, action échue, perdus de vue, 26 ans ---------------------------------------------------


def _convocation_et_action_echue(demo):
    """Un plan d'action dont l'action « bourse au permis » a dépassé son échéance ; rendez-vous dans 6 jours,
    convocation envoyée, présence confirmée par la personne."""
    carnet = _ouvrir(
        demo,
        10,
        100,
        acteur=demo.referente,
        organisation=demo.org["cd40"],
        nom="Lacaze",
        prenom="Thomas",
        naissance=date(1995, 6, 2),
        commune=MONT_DE_MARSAN,
        email="thomas.lacaze@exemple.fr",
    )
    _rendez_vous_honore(
        demo, carnet, 45, acteur=demo.referente, objet="Point d'étape", note="Dossier de bourse au permis à monter."
    )
    with _au_jour(demo, 45):
        objectif = services.ajouter_objectif(
            carnet,
            acteur=demo.referente,
            axe="mobilite",
            referentiel="mobilite.obtenir_le_permis_de_conduire_code_conduite",
        )
        action = services.ajouter_action(
            objectif,
            acteur=demo.referente,
            referentiel="mobilite.bourse_au_permis",
            date_debut=demo.il_y_a(45),
            date_echeance=demo.il_y_a(15),
        )
        services.changer_statut_action(action, acteur=demo.referente, statut="en_cours")
    rendez_vous = services.prevoir_rendez_vous(
        carnet,
        acteur=demo.referente,
        intervenant=demo.referente,
        date_heure=demo.instant(6, 14),
        objet="Point d'étape : dossier de bourse au permis",
        lieu="Département des Landes, Mont-de-Marsan",
    )
    convocations.convoquer(rendez_vous, acteur=demo.referente)
    convocations.repondre(rendez_vous, reponse=RendezVous.Reponse.CONFIRME)


def _perdus_de_vue(demo):
    """Trois personnes sans contact depuis plus de 90 jours (seuil par défaut du territoire)."""
    personnes = [
        (11, 150, demo.org["cd40"], "Garrigues", "Laurent", date(1972, 9, 8), None),
        (12, 200, demo.org["cd40"], "Soulé", "Amandine", date(1990, 12, 19), 120),
        (13, 130, demo.org["plie"], "Haddad", "Mehdi", date(1983, 4, 25), 100),
    ]
    for numero, ouvert, organisation, nom, prenom, naissance, contact in personnes:
        carnet = _ouvrir(
            demo,
            numero,
            ouvert,
            acteur=demo.referente,
            organisation=organisation,
            nom=nom,
            prenom=prenom,
            naissance=naissance,
            commune=DAX,
        )
        if contact:
            _rendez_vous_honore(demo, carnet, contact, acteur=demo.referente, objet="Point d'étape")


def _vingt_six_ans(demo):
    """26 ans aujourd'hui, suivi avec la Mission locale : l'avis de la nuit demande de revoir l'accompagnement."""
    aujourd_hui = demo.aujourd_hui
    try:
        naissance = aujourd_hui.replace(year=aujourd_hui.year - 26)
    except ValueError:  # un 29 février
        naissance = date(aujourd_hui.year - 26, 2, 28)
    carnet = _ouvrir(
        demo,
        14,
        120,
        acteur=demo.referente,
        organisation=demo.org["cd40"],
        nom="Darracq",
        prenom="Lucas",
        naissance=naissance,
        commune=DAX,
    )
    with _au_jour(demo, 118):
        services.ajouter_intervenant(
            carnet, acteur=demo.referente, utilisateur=demo.conseiller_ml, organisation=demo.org["ml"]
        )
    _rendez_vous_honore(demo, carnet, 15, acteur=demo.conseiller_ml, objet="Atelier CV", note="CV terminé.")
