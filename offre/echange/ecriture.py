"""L'écriture d'un import data·inclusion v1 confirmé : le fichier est relu et analysé de nouveau dans la transaction
(la base a pu changer depuis l'analyse à blanc), puis les structures et les services sont créés en masse ou mis à
jour (clé `source` + `id` ; seuls les champs changés, rien pour un objet inchangé), et l'index de recherche des
services réécrit. Tout ou rien : une ligne en erreur et rien n'est écrit, sauf si l'importateur a choisi de
n'importer que les lignes valides."""

import logging
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from offre import services
from offre.echange.analyse import CREATION, INDEXES, MISE_A_JOUR, Analyse, Resultat, analyser_fichiers
from offre.echange.lecture import Fichier
from offre.models import MODIFIER_STRUCTURE, Service, Structure
from partenaires import permissions

logger = logging.getLogger(__name__)


class ImportRefuse(ValidationError):
    """Rien n'a été écrit : des lignes sont en erreur. Porte l'analyse refaite au moment de la confirmation."""

    def __init__(self, message, analyse: Analyse):
        super().__init__(message)
        self.analyse = analyse


LOT = 500  # objets par requête de création (SQLite en prend moins : 999 paramètres par requête)


def importer(fichiers: list[Fichier], *, acteur, departements: set[str], valides_seulement: bool = False) -> Analyse:
    """Importe les fichiers pour un pilote de `departements` ; rend l'analyse (ce qui a été écrit, ce qui ne l'a pas
    été). Lève une ValidationError (rien d'écrit) si une ligne est en erreur et que `valides_seulement` est faux."""
    try:
        analyse = _importer(fichiers, departements=departements, valides_seulement=valides_seulement)
    except IntegrityError as erreur:
        raise ValidationError(
            "Une autre modification de l'offre a eu lieu pendant l'import (une structure ou un service de même "
            "identifiant vient d'être créé) : rien n'a été importé, relancez l'import."
        ) from erreur
    compte = analyse.compte()
    logger.info(
        "Import data·inclusion par %s (%s) : %s",
        getattr(acteur, "email", "commande"),
        ", ".join(sorted(departements)),
        compte,
    )
    return analyse


@transaction.atomic
def _importer(fichiers, *, departements, valides_seulement) -> Analyse:
    analyse = analyser_fichiers(fichiers, departements=departements)
    if analyse.nb_en_erreur and not valides_seulement:
        raise ImportRefuse(
            f"{analyse.nb_en_erreur} ligne(s) en erreur : rien n'a été importé. Corrigez le fichier, ou choisissez "
            "de n'importer que les lignes valides.",
            analyse,
        )
    structures = [resultat for resultat in analyse.structures if resultat.valide]
    services_ = [resultat for resultat in analyse.services if resultat.valide]
    if not structures and not services_:
        raise ImportRefuse("Aucune ligne valide : rien n'a été importé.", analyse)
    _ecrire_structures(structures)
    _ecrire_services(services_)
    return analyse


def _ecrire(modele, resultats: list[Resultat]) -> list:
    """Crée en masse les nouveaux objets ; met à jour, un par un, les seuls champs changés des objets existants (une
    mise à jour en masse, CASE … WHEN sur 38 champs, coûte bien plus cher) ; ne touche pas aux objets inchangés.
    Rend les objets créés ou modifiés."""
    creations = [resultat.objet for resultat in resultats if resultat.action == CREATION]
    modele.objects.bulk_create(creations, batch_size=LOT)
    modifies = []
    for resultat in resultats:
        if resultat.action == MISE_A_JOUR:
            champs = {nom: getattr(resultat.objet, nom) for nom in resultat.modifies}
            modele.objects.filter(pk=resultat.objet.pk).update(**champs)
            modifies.append(resultat)
    return creations + [resultat.objet for resultat in modifies]


def _ecrire_structures(resultats: list[Resultat]) -> None:
    _ecrire(Structure, resultats)
    # Une structure rattachée à une organisation partenaire (même SIRET, même territoire) est modifiée par ses
    # membres, comme celles qu'elle crée elle-même.
    par_organisation = defaultdict(list)
    for resultat in resultats:
        if resultat.liee_a_une_organisation:
            par_organisation[resultat.objet.organisation].append(resultat.objet)
    for organisation, structures in par_organisation.items():
        permissions.partager_en_masse(structures, organisation, MODIFIER_STRUCTURE)


def _ecrire_services(resultats: list[Resultat]) -> None:
    for resultat in resultats:
        # La structure vient peut-être d'être créée : sa clé n'était pas connue à l'analyse.
        resultat.objet.structure = resultat.objet.structure
    _ecrire(Service, resultats)
    a_indexer = [
        resultat.objet
        for resultat in resultats
        if resultat.action == CREATION or (resultat.action == MISE_A_JOUR and INDEXES & set(resultat.modifies))
    ]
    for debut in range(0, len(a_indexer), LOT):
        services.indexer(a_indexer[debut : debut + LOT])
