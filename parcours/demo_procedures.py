"""Procédures de démonstration : l'équipe pluridisciplinaire des Landes et les manquements à chaque étape.

Appelé par `parcours.demo.charger_carnets_demo`, après les parcours (`parcours.demo_parcours`), dont il reprend les
acteurs et le jour du récit. Déterministe (dates comptées depuis aujourd'hui) et idempotent : rien n'est recréé si
l'équipe pluridisciplinaire de démonstration existe déjà.

Tout passe par les services (`parcours.sanctions.services`, `parcours.equipes.services`), qui acceptent des dates
passées pour les faits, l'examen du motif légitime, l'avis, la décision et la levée. Quatre choses n'y sont pas
antidatables, et sont ramenées au jour du récit par une mise à jour ciblée après l'appel au service :
- un avis de manquement s'enregistre au plus tard 5 jours après son envoi : un avis plus ancien est saisi à cette
  limite, puis son envoi et la fin des observations sont ramenés au jour du récit (`_envoyer_avis`) ;
- une séance d'équipe se programme à une date à venir : la séance tenue est créée demain, ses dossiers inscrits,
  puis elle est ramenée il y a 20 jours ;
- l'avis de l'équipe et la décision sur une réorientation sont datés du jour de la saisie : ramenés au jour de la
  séance et au surlendemain ;
- les dates de saisie (constat, inscription, historique du carnet) : `demo_parcours._au_jour`.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from parcours.demo_parcours import Demo, _au_jour, _contrat
from parcours.equipes import services as equipes
from parcours.models import (
    Carnet,
    DossierEquipe,
    EquipePluridisciplinaire,
    EvenementCarnet,
    Intervenant,
    Manquement,
    MembreEquipe,
    SeanceEquipe,
)
from parcours.sanctions import regles
from parcours.sanctions import services as sanctions
from partenaires.models import Utilisateur

NOM_EQUIPE = "Équipe pluridisciplinaire du Marsan et de Dax"
DEPARTEMENT = "40"
LIEU = "Département des Landes, 23 rue Victor Hugo, Mont-de-Marsan"
SEANCE_TENUE_IL_Y_A = 20
SEANCE_A_VENIR_DANS = 10
Type = Manquement.Type
Qualite = MembreEquipe.Qualite

# (qualité, nom complet, structure, compte de démonstration ou "")
MEMBRES = [
    (Qualite.PROFESSIONNEL, "Marc Labat", "SDSeI de Dax – Département des Landes", "orientation@demo.spie.fr"),
    (Qualite.PROFESSIONNEL, "Léa Cazenave", "Cap emploi Landes", "conseillere.cap@demo.spie.fr"),
    (Qualite.REPRESENTANT_BENEFICIAIRES, "Josiane Larrouy", "Collectif des allocataires du RSA (fictif)", ""),
    (Qualite.REPRESENTANT_BENEFICIAIRES, "Patrick Dulau", "Collectif des allocataires du RSA (fictif)", ""),
]


def charger(organisations) -> str:
    if EquipePluridisciplinaire.objects.filter(departement=DEPARTEMENT, nom=NOM_EQUIPE).exists():
        return ""
    if "cd40" not in (organisations or {}):
        return ""
    demo = Demo(organisations)
    demo.pilote = Utilisateur.objects.get(email="pilote@demo.spie.fr")
    with transaction.atomic():
        equipe = _equipe(demo)
        tenue = _seance_demain(demo, equipe)
        a_venir = _programmer(demo, equipe, demo.instant(SEANCE_A_VENIR_DANS, 14))
        _constate(demo)
        _motif_legitime(demo)
        _avis_en_cours(demo, a_venir)
        a_decider = _presente(demo, tenue, "DEMO-0013", Type.NON_RESPECT_CONTRAT, faits_il_y_a=45)
        suspendu = _presente(demo, tenue, "DEMO-0014", Type.REFUS_CONTRAT, faits_il_y_a=75)
        reorientation = _reorientation(demo, tenue)
        _tenir(demo, tenue, a_decider=a_decider, suspendu=suspendu, reorientation=reorientation)
        _decider_et_lever(demo, suspendu.manquement)
    return (
        f"Équipe pluridisciplinaire : 2 séances, {DossierEquipe.objects.filter(seance__equipe=equipe).count()} "
        f"dossiers ; {Manquement.objects.count()} manquements."
    )


def _carnet(identifiant) -> Carnet:
    return Carnet.objects.select_related("personne").get(personne__identifiant_departement=identifiant)


def _referent(carnet) -> Utilisateur:
    return Intervenant.objects.referents().select_related("utilisateur").get(carnet=carnet).utilisateur


# --- L'équipe et ses séances ------------------------------------------------------------------------------


def _equipe(demo) -> EquipePluridisciplinaire:
    equipe = equipes.creer_equipe(
        acteur=demo.pilote,
        nom=NOM_EQUIPE,
        organisation=demo.org["cd40"],
        secteur="Mont-de-Marsan Agglomération, Grand Dax, Pays Tarusate",
    )
    for qualite, nom_complet, structure, email in MEMBRES:
        equipes.ajouter_membre(
            equipe,
            acteur=demo.pilote,
            qualite=qualite,
            nom_complet=nom_complet,
            structure=structure,
            email_compte=email,
            date_debut=demo.il_y_a(365),
        )
    return equipe


def _programmer(demo, equipe, quand):
    return equipes.creer_seance(equipe, acteur=demo.pilote, date_heure=quand, lieu=LIEU)


def _seance_demain(demo, equipe):
    """La séance tenue il y a 20 jours : programmée demain (le service refuse une date passée), ramenée au jour de
    la séance par `_tenir` une fois ses dossiers inscrits."""
    return _programmer(demo, equipe, demo.instant(1, 14))


def _inscrire(demo, carnet, seance, *, motif, resume, jours, **objet) -> DossierEquipe:
    """Inscrit le dossier il y a `jours` jours (date d'inscription et historique ramenés à ce jour)."""
    with _au_jour(demo, jours):
        dossier = equipes.inscrire_dossier(
            carnet, acteur=_referent(carnet), seance=seance, motif=motif, resume=resume, **objet
        )
    DossierEquipe.objects.filter(pk=dossier.pk).update(date_inscription=demo.instant(-jours, 11))
    return dossier


# --- Les manquements, étape par étape ---------------------------------------------------------------------


def _constater(demo, carnet, type, faits, faits_il_y_a) -> Manquement:
    with _au_jour(demo, faits_il_y_a):
        manquement = sanctions.constater(
            carnet, acteur=_referent(carnet), type=type, faits=faits, date_faits=demo.il_y_a(faits_il_y_a)
        )
    Manquement.objects.filter(pk=manquement.pk).update(date_constat=demo.instant(-faits_il_y_a, 16))
    manquement.refresh_from_db()
    return manquement


def _examiner(demo, manquement, jours, *, legitime, precision):
    with _au_jour(demo, jours):
        return sanctions.examiner_motif(
            manquement,
            acteur=_referent(manquement.carnet),
            motif_legitime=legitime,
            precision=precision,
            examine_le=demo.il_y_a(jours),
        )


def _envoyer_avis(demo, manquement, jours):
    """L'avis envoyé il y a `jours` jours. Le service refuse une date d'envoi de plus de `JOURS_SAISIE_AVIS` jours :
    au-delà, l'avis est saisi à cette date-là, puis l'envoi, la fin des observations et le résumé de l'historique
    sont ramenés au jour du récit (même délai d'observations)."""
    saisie = min(jours, regles.JOURS_SAISIE_AVIS)
    with _au_jour(demo, jours):
        manquement = sanctions.envoyer_avis(
            manquement,
            acteur=_referent(manquement.carnet),
            avis_envoye_le=demo.il_y_a(saisie),
            canal=Manquement.Canal.COURRIER,
        )
    if saisie == jours:
        return manquement
    ecart = timedelta(days=jours - saisie)
    envoi, fin = manquement.avis_envoye_le - ecart, manquement.fin_observations - ecart
    evenement = EvenementCarnet.objects.get(
        carnet=manquement.carnet_id,
        type=EvenementCarnet.Type.MANQUEMENT_AVIS_ENVOYE,
        details__manquement=str(manquement.uuid),
    )
    resume = evenement.details["resume"]
    for avant, apres in ((manquement.avis_envoye_le, envoi), (manquement.fin_observations, fin)):
        resume = resume.replace(f"{avant:%d/%m/%Y}", f"{apres:%d/%m/%Y}")
    EvenementCarnet.objects.filter(pk=evenement.pk).update(details={**evenement.details, "resume": resume})
    Manquement.objects.filter(pk=manquement.pk).update(avis_envoye_le=envoi, fin_observations=fin)
    manquement.refresh_from_db()
    return manquement


def _constate(demo):
    """Nathalie Laborde (le contrat d'engagement en retard) : le refus est constaté, rien d'autre encore."""
    _constater(
        demo,
        _carnet("DEMO-P05"),
        Type.REFUS_CONTRAT,
        "Deux rendez-vous de préparation du contrat d'engagement non honorés, sans nouvelles de la personne.",
        5,
    )


def _motif_legitime(demo):
    """Un rendez-vous manqué pour une hospitalisation : motif légitime reconnu, procédure close."""
    manquement = _constater(
        demo,
        _carnet("DEMO-0011"),
        Type.NON_RESPECT_CONTRAT,
        "Absence à l'atelier de recherche d'emploi prévu au contrat, trois séances de suite.",
        30,
    )
    _examiner(demo, manquement, 25, legitime=True, precision="Hospitalisation du 2 au 20, bulletin transmis.")


def _avis_en_cours(demo, seance):
    """Avis envoyé il y a 4 jours : la personne peut présenter ses observations pendant encore 6 jours ; le dossier
    est inscrit à la prochaine séance de l'équipe."""
    carnet = _carnet("DEMO-0012")
    manquement = _constater(
        demo,
        carnet,
        Type.REFUS_CONTROLE,
        "Pièces justificatives de ressources non fournies malgré deux relances de la CAF.",
        12,
    )
    _examiner(demo, manquement, 8, legitime=False, precision="Entretien téléphonique : aucun empêchement invoqué.")
    _envoyer_avis(demo, manquement, 4)
    _inscrire(
        demo,
        carnet,
        seance,
        motif=DossierEquipe.Motif.MANQUEMENT,
        manquement=manquement,
        resume="Justificatifs de ressources non transmis malgré deux relances ; avis de manquement envoyé.",
        jours=3,
    )


def _presente(demo, seance, identifiant, type, *, faits_il_y_a) -> DossierEquipe:
    """Un manquement sans motif légitime, avis envoyé (fenêtre d'observations close), présenté à la séance tenue."""
    carnet = _carnet(identifiant)
    manquement = _constater(
        demo,
        carnet,
        type,
        "Actions du contrat d'engagement non engagées depuis trois mois, rendez-vous de suivi non honorés."
        if type == Type.NON_RESPECT_CONTRAT
        else "Refus répété d'élaborer le contrat d'engagement lors de trois entretiens.",
        faits_il_y_a,
    )
    _examiner(demo, manquement, faits_il_y_a - 3, legitime=False, precision="Aucun motif invoqué lors de l'entretien.")
    _envoyer_avis(demo, manquement, faits_il_y_a - 5)
    return _inscrire(
        demo,
        carnet,
        seance,
        motif=DossierEquipe.Motif.MANQUEMENT,
        manquement=manquement,
        resume="Manquement sans motif légitime ; avis envoyé par courrier, pas d'observations reçues.",
        jours=SEANCE_TENUE_IL_Y_A + 7,
    )


def _reorientation(demo, seance) -> DossierEquipe:
    """Ana Ferreira (orientée vers l'emploi) : sa conseillère présente une réorientation vers un parcours
    socio-professionnel ; la demande qui suit la décision est dans la file d'orientation (`demo_parcours`)."""
    return _inscrire(
        demo,
        _carnet("DEMO-P03"),
        seance,
        motif=DossierEquipe.Motif.REORIENTATION,
        resume="Expulsion locative en cours et plus de solution de garde : la recherche d'emploi est à l'arrêt. "
        "Un accompagnement socio-professionnel paraît plus adapté.",
        jours=SEANCE_TENUE_IL_Y_A + 5,
    )


def _tenir(demo, seance, *, a_decider, suspendu, reorientation):
    """La séance est ramenée il y a 20 jours (voir le module) ; l'équipe rend ses avis (saisis par le pilote), le
    chargé d'orientation, délégataire du président du Département, décide la réorientation deux jours après."""
    SeanceEquipe.objects.filter(pk=seance.pk).update(
        date_heure=timezone.make_aware(datetime.combine(demo.il_y_a(SEANCE_TENUE_IL_Y_A), time(14)))
    )
    avis = [
        (reorientation, DossierEquipe.Avis.FAVORABLE, "Les freins sociaux priment : réorientation justifiée."),
        (a_decider, DossierEquipe.Avis.FAVORABLE, "Manquement établi ; l'équipe propose une suspension de 30 %."),
        (suspendu, DossierEquipe.Avis.FAVORABLE, "Manquement établi ; suspension de 50 % pendant deux mois."),
    ]
    for dossier, sens, motif in avis:
        with _au_jour(demo, SEANCE_TENUE_IL_Y_A):
            equipes.rendre_avis(dossier, acteur=demo.pilote, avis=sens, motif_avis=motif)
    DossierEquipe.objects.filter(pk__in=[dossier.pk for dossier, _, _ in avis]).update(
        avis_le=demo.il_y_a(SEANCE_TENUE_IL_Y_A)
    )
    with _au_jour(demo, SEANCE_TENUE_IL_Y_A - 2):
        equipes.decider(
            reorientation,
            acteur=demo.charge,
            decision=DossierEquipe.Decision.REORIENTATION,
            motif_decision="Suivant l'avis de l'équipe : réorientation vers un parcours socio-professionnel.",
        )
    DossierEquipe.objects.filter(pk=reorientation.pk).update(decide_le=demo.il_y_a(SEANCE_TENUE_IL_Y_A - 2))


def _decider_et_lever(demo, manquement):
    """Suspension de 50 % pendant 2 mois (foyer d'une personne) décidée il y a 15 jours par le chargé
    d'orientation, délégataire du président ; le contrat d'engagement est signé il y a 4 jours, la suspension levée
    le lendemain."""
    with _au_jour(demo, 15):
        manquement = sanctions.decider(
            manquement,
            acteur=demo.charge,
            decision=Manquement.Decision.SUSPENSION,
            decide_le=demo.il_y_a(15),
            motif="Refus répété du contrat d'engagement, sans motif légitime ; avis favorable de l'équipe.",
            taux=50,
            duree=2,
            personnes_foyer=1,
        )
    carnet, referent = manquement.carnet, _referent(manquement.carnet)
    personne = carnet.personne
    _contrat(
        demo,
        carnet,
        4,
        acteur=referent,
        signataires=f"{personne.prenom} {personne.nom}, {referent.prenom} {referent.nom}",
    )
    with _au_jour(demo, 3):
        sanctions.lever(
            manquement,
            acteur=demo.charge,
            levee_le=demo.il_y_a(3),
            motif="Contrat d'engagement élaboré et signé avec sa référente.",
        )
