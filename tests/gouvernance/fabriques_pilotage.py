"""Fabriques des tests du pilotage (besoins non couverts, flux des orientations) : des carnets, diagnostics,
décisions et contrats écrits directement (sans les services du parcours, pour des jeux de 30 carnets rapides)."""

import itertools
from datetime import date

from django.utils import timezone

from parcours.models import (
    Carnet,
    ContratEngagement,
    DecisionOrientation,
    DemandeOrientation,
    Diagnostic,
    EvaluationDomaine,
    Personne,
    Statut,
    TransfertTerritoire,
)

_numeros = itertools.count(1)


def carnet(organisation, auteur, *, commune="40192", naissance=date(1980, 1, 1), statut=Carnet.Statut.ACTIF):
    numero = next(_numeros)
    personne = Personne.objects.create(
        nom=f"Nom{numero}", prenom=f"Prénom{numero}", date_naissance=naissance, code_commune=commune
    )
    return Carnet.objects.create(personne=personne, statut=statut, cree_par=auteur, organisation_creatrice=organisation)


def diagnostic(carnet_, auteur, *, besoins=(), autres=None, version=1, valide=True):
    """Un diagnostic (validé par défaut) : les domaines `besoins` appréciés « besoin » ; `autres` : code →
    appréciation."""
    diagnostic_ = Diagnostic.objects.create(
        carnet=carnet_,
        version=version,
        statut=Diagnostic.Statut.VALIDE if valide else Diagnostic.Statut.EN_COURS,
        organisation=carnet_.organisation_creatrice,
        professionnel=auteur,
        date_validation=timezone.now() if valide else None,
        valide_par=auteur if valide else None,
    )
    appreciations = {code: EvaluationDomaine.Appreciation.BESOIN for code in besoins} | (autres or {})
    EvaluationDomaine.objects.bulk_create(
        EvaluationDomaine(diagnostic=diagnostic_, domaine_id=code, appreciation=appreciation)
        for code, appreciation in appreciations.items()
    )
    return diagnostic_


def transferer(carnet_, auteur, organisation_accueil):
    """Le carnet arrive sur le territoire de `organisation_accueil` (sa demande d'orientation en attente)."""
    demande = DemandeOrientation.objects.create(
        carnet=carnet_,
        motif=DemandeOrientation.Motif.TRANSFERT,
        organisation_orientation=organisation_accueil,
        date_reception=timezone.localdate(),
        demandeur=auteur,
    )
    return TransfertTerritoire.objects.create(
        carnet=carnet_,
        departement_origine=carnet_.organisation_creatrice.departement,
        departement_accueil=organisation_accueil.departement,
        organisation_accueil=organisation_accueil,
        demande=demande,
        motif="Déménagement",
        acteur=auteur,
        fin_lecture_le=timezone.localdate(),
    )


def statut(carnet_, auteur, type_, valeur, debut, fin=None):
    return Statut.objects.create(
        personne=carnet_.personne, type=type_, valeur=valeur, date_debut=debut, date_fin=fin, saisi_par=auteur
    )


def decision(
    carnet_,
    auteur,
    departement,
    *,
    reception,
    le,
    sens=DecisionOrientation.Sens.ORIENTER,
    motif=DemandeOrientation.Motif.ENTREE_RSA,
    parcours="emploi",
    organisme=None,
):
    """Une demande reçue par l'organisation `departement` (le Département qui oriente) et sa décision."""
    reorientation = motif == DemandeOrientation.Motif.REORIENTATION
    demande = DemandeOrientation.objects.create(
        carnet=carnet_,
        motif=motif,
        organisation_orientation=departement,
        date_reception=reception,
        statut=DemandeOrientation.Statut.DECIDEE,
        parcours_recommande=(parcours or "social") if reorientation else "",
        motif_demande="Le parcours ne convient plus." if reorientation else "",
        demandeur=auteur,
    )
    maintien = sens == DecisionOrientation.Sens.MAINTENIR
    return DecisionOrientation.objects.create(
        demande=demande,
        carnet=carnet_,
        sens=sens,
        parcours="" if maintien else parcours,
        organisme_referent=None if maintien else organisme,
        motif="Le parcours en cours convient." if maintien else "",
        date_decision=le,
        decideur=auteur,
        organisation_decideuse=departement,
    )


def contrat(carnet_, auteur, debut, *, accord=None):
    """Un contrat débuté le `debut` ; signé ce jour-là, ou le jour de l'`accord` de la personne s'il est donné."""
    return ContratEngagement.objects.create(
        carnet=carnet_, date_debut=debut, accord_personne_le=accord, signataires="La personne", cree_par=auteur
    )
