"""Fabriques des données des indicateurs : des carnets et leurs suites, créés directement avec des dates choisies
(les services datent tout d'aujourd'hui ; ici on veut un jeu daté fait main)."""

import itertools
from datetime import UTC, date, datetime, timedelta

from parcours.models import (
    Carnet,
    ContratEngagement,
    DecisionOrientation,
    DemandeOrientation,
    Intervenant,
    Note,
    Objectif,
    OrientationService,
    Personne,
    PointSuiviEmploi,
    RendezVous,
    SortieParcours,
    Statut,
    TransfertTerritoire,
    TransitionOrientationService,
)

MONT_DE_MARSAN = "40192"  # EPCI 244000808 (Mont-de-Marsan Agglomération)
DAX = "40088"  # EPCI 244000675 (Grand Dax)
_numeros = itertools.count(1)


def moment(jour: date, heure: int = 10) -> datetime:
    return datetime(jour.year, jour.month, jour.day, heure, tzinfo=UTC)


def carnet(organisation, acteur, *, ouvert_le: date, commune=MONT_DE_MARSAN, naissance=date(1985, 1, 1), referent=True):
    numero = next(_numeros)
    personne = Personne.objects.create(
        nom=f"Nom{numero}", prenom=f"Prénom{numero}", date_naissance=naissance, code_commune=commune
    )
    nouveau = Carnet.objects.create(
        personne=personne, cree_par=acteur, organisation_creatrice=organisation, date_creation=moment(ouvert_le)
    )
    if referent:
        Intervenant.objects.create(
            carnet=nouveau, utilisateur=acteur, organisation=organisation, role="referent", date_debut=ouvert_le
        )
    return nouveau


def statut(carnet_, type_, valeur, depuis: date, acteur, jusqu_au=None):
    return Statut.objects.create(
        personne=carnet_.personne, type=type_, valeur=valeur, date_debut=depuis, date_fin=jusqu_au, saisi_par=acteur
    )


def demande(carnet_, organisation, acteur, *, recue_le: date, motif="entree_rsa", decidee_le: date | None = None):
    nouvelle = DemandeOrientation.objects.create(
        carnet=carnet_, motif=motif, organisation_orientation=organisation, date_reception=recue_le, demandeur=acteur
    )
    if decidee_le:
        DecisionOrientation.objects.create(
            demande=nouvelle,
            carnet=carnet_,
            sens="orienter",
            parcours="emploi",
            organisme_referent=organisation,
            date_decision=decidee_le,
            decideur=acteur,
            organisation_decideuse=organisation,
        )
    return nouvelle


def transfert(carnet_, organisation_accueil, acteur, *, de: str, vers: str, le: date, decide: bool = False):
    """`decide` : la demande d'arrivée est décidée le jour même (un carnet n'a qu'une demande en attente à la fois :
    pour enchaîner deux transferts)."""
    arrivee = demande(
        carnet_, organisation_accueil, acteur, recue_le=le, motif="transfert", decidee_le=le if decide else None
    )
    if decide:
        DemandeOrientation.objects.filter(pk=arrivee.pk).update(statut=DemandeOrientation.Statut.DECIDEE)
    return TransfertTerritoire.objects.create(
        carnet=carnet_,
        departement_origine=de,
        departement_accueil=vers,
        organisation_accueil=organisation_accueil,
        demande=arrivee,
        motif="Déménagement",
        acteur=acteur,
        date_transfert=moment(le),
        fin_lecture_le=le + timedelta(days=30),
    )


def contrat(carnet_, acteur, *, debut: date, accord: date | None = None, fin: date | None = None):
    return ContratEngagement.objects.create(
        carnet=carnet_, date_debut=debut, date_fin=fin, accord_personne_le=accord, cree_par=acteur
    )


def objectif(carnet_, acteur, *, le: date):
    return Objectif.objects.create(
        carnet=carnet_, axe_id="emploi", libelle_libre="Trouver un emploi", cree_par=acteur, date_creation=moment(le)
    )


def rendez_vous(carnet_, organisation, acteur, *, le: date, statut_="honore"):
    return RendezVous.objects.create(
        carnet=carnet_,
        date_heure=moment(le),
        intervenant=acteur,
        organisation=organisation,
        objet="Point d'étape",
        a_distance=True,
        statut=statut_,
        cree_par=acteur,
    )


def note(carnet_, organisation, acteur, *, le: date):
    return Note.objects.create(
        carnet=carnet_, auteur=acteur, organisation=organisation, texte="Échange", date=moment(le)
    )


def orientation_service(carnet_, service, acteur, *, envoyee_le: datetime, reponse: str = "", repondue_le=None):
    orientation = OrientationService.objects.create(
        carnet=carnet_,
        service=service,
        consentement_le=envoyee_le,
        prescripteur=acteur,
        envoyee_le=envoyee_le,
        expire_le=envoyee_le + timedelta(days=30),
        repondue_le=repondue_le,
        statut=reponse or "envoyee",
    )
    TransitionOrientationService.objects.create(orientation=orientation, vers="envoyee", date=envoyee_le)
    if reponse:
        TransitionOrientationService.objects.create(
            orientation=orientation, de="envoyee", vers=reponse, date=repondue_le
        )
    return orientation


def sortie(carnet_, organisation, acteur, *, le: date, motif="emploi_durable", points=()):
    """points : (date prévue, situation) des points faits du suivi dans l'emploi."""
    nouvelle = SortieParcours.objects.create(
        carnet=carnet_, motif=motif, date_sortie=le, auteur=acteur, organisation=organisation, suivi_emploi_mois=12
    )
    for prevue, situation in points:
        PointSuiviEmploi.objects.create(sortie=nouvelle, date_prevue=prevue, fait_le=prevue, situation=situation)
    carnet_.statut = Carnet.Statut.SUIVI_EMPLOI
    carnet_.save(update_fields=["statut"])
    return nouvelle
