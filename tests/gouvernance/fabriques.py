"""Fabriques de la gouvernance : elles passent par les services de composition (partages compris), et créent les
séances, points, décisions et fiches directement (chaque partie teste ses propres services)."""

import itertools
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from gouvernance.choix import (
    Financeur,
    Qualite,
    RoleConsortium,
    StatutSeance,
    Theme,
    TypeComite,
    TypePoint,
    Voix,
)
from gouvernance.composition import services
from gouvernance.models import Comite, Decision, FicheAction, LigneBudget, Mandat, Point, Seance, Siege
from partenaires.choix import Role, TypeOrganisation
from tests.factories import OrganisationFactory, membre

_numeros = itertools.count(1)


def consortium(organisation_pilote, *, nom=None, departement=None):
    departement = departement or organisation_pilote.departement
    return services.creer_consortium(
        acteur=None,
        departement=departement,
        nom=nom or f"Consortium SPIE ({departement})",
        organisation_pilote=organisation_pilote,
    )


def comite(consortium, *, nom="Comité départemental pour l'emploi", type=TypeComite.STRATEGIQUE, **champs):
    return services.enregistrer_comite(Comite(consortium=consortium, nom=nom, type=type, **champs), acteur=None)


def siege(comite, organisation, *, voix=Voix.DELIBERATIVE, libelle="", ordre=0):
    return services.enregistrer_siege(
        Siege(comite=comite, organisation=organisation, voix=voix, libelle=libelle, ordre=ordre), acteur=None
    )


def mandat(siege, *, prenom="Camille", nom="Titulaire", email=None, qualite=Qualite.TITULAIRE, **champs):
    champs.setdefault("date_debut", timezone.localdate() - timedelta(days=30))
    email = email or f"mandat{next(_numeros)}@exemple.fr"
    return services.enregistrer_mandat(
        Mandat(siege=siege, prenom=prenom, nom=nom, email=email, qualite=qualite, **champs), acteur=None
    )


def seance(comite, *, cree_par, statut=StatutSeance.PREPARATION, dans_jours=14, lieu="Salle du conseil", **champs):
    seance = Seance.objects.create(
        comite=comite,
        date=timezone.now() + timedelta(days=dans_jours),
        lieu=lieu,
        statut=statut,
        cree_par=cree_par,
        convocation_envoyee_le=timezone.now() if statut in (StatutSeance.CONVOQUEE, StatutSeance.CLOTUREE) else None,
        **champs,
    )
    return seance


def seance_commencee(comite, *, cree_par):
    """Une séance convoquée (il y a dix jours) qui a commencé il y a une heure : on y note présences et votes."""
    commencee = seance(comite, cree_par=cree_par, statut=StatutSeance.CONVOQUEE, dans_jours=0)
    Seance.objects.filter(pk=commencee.pk).update(
        date=timezone.now() - timedelta(hours=1), convocation_envoyee_le=timezone.now() - timedelta(days=10)
    )
    commencee.refresh_from_db()
    return commencee


def point(seance, titre="Point d'information", *, type=TypePoint.INFORMATION, **champs):
    champs.setdefault("ordre", seance.points.count() + 1)
    return Point.objects.create(seance=seance, titre=titre, type=type, **champs)


def decision(seance, organisation, *, texte="Lancer un groupe de travail mobilité", point=None, **champs):
    return Decision.objects.create(
        comite=seance.comite,
        seance=seance,
        point=point,
        texte=texte,
        organisation_responsable=organisation,
        mode=champs.pop("mode", "consensus"),
        **champs,
    )


def fiche(consortium, organisation_pilote, *, titre="Garage solidaire", theme=Theme.MOBILITE, **champs):
    champs.setdefault(
        "numero", (consortium.fiches.order_by("-numero").values_list("numero", flat=True).first() or 0) + 1
    )
    champs.setdefault("date_debut", timezone.localdate().replace(month=1, day=1))
    champs.setdefault("objectifs", "Lever le frein de la mobilité pour 60 personnes par an.")
    champs.setdefault("publics", ["brsa"])
    return FicheAction.objects.create(
        consortium=consortium, organisation_pilote=organisation_pilote, titre=titre, theme=theme, **champs
    )


def ligne_budget(fiche, financeur=Financeur.ETAT, annee=None, prevu="10000", engage="0", depense="0", **champs):
    return LigneBudget.objects.create(
        fiche=fiche,
        financeur=financeur,
        annee=annee or timezone.localdate().year,
        prevu=Decimal(prevu),
        engage=Decimal(engage),
        depense=Decimal(depense),
        **champs,
    )


def equipe_comite(departement="40"):
    """Un comité départemental pour l'emploi des Landes, comme dans le domaine : quatre sièges délibératifs (État,
    Département, CAF, commune), deux consultatifs (France Travail, mission locale), chacun avec un titulaire ;
    co-présidé par le préfet (voix prépondérante) et le président du Département ; un secrétaire au Département."""
    departement_org = OrganisationFactory(nom="Département des Landes", type=TypeOrganisation.DEPARTEMENT)
    prefecture = OrganisationFactory(nom="Préfecture des Landes", type=TypeOrganisation.ETAT)
    caf = OrganisationFactory(nom="CAF des Landes", type=TypeOrganisation.CAF)
    commune = OrganisationFactory(nom="Ville de Dax", type=TypeOrganisation.CCAS_COMMUNE_EPCI)
    france_travail = OrganisationFactory(nom="France Travail Landes", type=TypeOrganisation.FRANCE_TRAVAIL)
    mission_locale = OrganisationFactory(nom="Mission locale des Landes", type=TypeOrganisation.MISSION_LOCALE)
    for organisation in (departement_org, prefecture, caf, commune, france_travail, mission_locale):
        organisation.departement = departement
        organisation.save(update_fields=["departement"])
    pilote = membre(departement_org, Role.PILOTE).utilisateur
    secretaire = membre(departement_org, Role.SECRETAIRE_COMITE, prenom="Sacha", nom="Secrétaire").utilisateur
    prefet = membre(prefecture, Role.PROFESSIONNEL, prenom="Pierre", nom="Préfet").utilisateur
    president = membre(departement_org, Role.PROFESSIONNEL, prenom="Paule", nom="Présidente").utilisateur
    professionnel_caf = membre(caf, Role.PROFESSIONNEL).utilisateur
    le_consortium = consortium(departement_org, nom="Consortium SPIE des Landes")
    for organisation in (prefecture, caf, commune, france_travail, mission_locale):
        services.ajouter_membre(le_consortium, acteur=pilote, organisation=organisation, role=RoleConsortium.MEMBRE)
    le_comite = comite(le_consortium, secretaire=secretaire)
    sieges = SimpleNamespace(
        etat=siege(le_comite, prefecture, libelle="Représentant de l'État", ordre=1),
        departement=siege(le_comite, departement_org, ordre=2),
        caf=siege(le_comite, caf, ordre=3),
        commune=siege(le_comite, commune, ordre=4),
        france_travail=siege(le_comite, france_travail, voix=Voix.CONSULTATIVE, ordre=5),
        mission_locale=siege(le_comite, mission_locale, voix=Voix.CONSULTATIVE, ordre=6),
    )
    mandats = SimpleNamespace(
        etat=mandat(sieges.etat, prenom="Pierre", nom="Préfet", utilisateur=prefet),
        etat_suppleant=mandat(sieges.etat, prenom="Sophie", nom="Sous-préfète", qualite=Qualite.SUPPLEANT),
        departement=mandat(sieges.departement, prenom="Paule", nom="Présidente", utilisateur=president),
        caf=mandat(sieges.caf, prenom="Claire", nom="Directrice"),
        commune=mandat(sieges.commune, prenom="Marc", nom="Maire"),
        france_travail=mandat(sieges.france_travail, prenom="Fanny", nom="Directrice"),
        mission_locale=mandat(sieges.mission_locale, prenom="Mehdi", nom="Directeur"),
    )
    copresidences = SimpleNamespace(
        etat=services.ajouter_copresidence(
            le_comite, acteur=pilote, siege=sieges.etat, utilisateur=prefet, voix_preponderante=True
        ),
        departement=services.ajouter_copresidence(
            le_comite, acteur=pilote, siege=sieges.departement, utilisateur=president
        ),
    )
    return SimpleNamespace(
        departement=departement_org,
        prefecture=prefecture,
        caf=caf,
        commune=commune,
        france_travail=france_travail,
        mission_locale=mission_locale,
        pilote=pilote,
        secretaire=secretaire,
        prefet=prefet,
        president=president,
        professionnel_caf=professionnel_caf,
        consortium=le_consortium,
        comite=le_comite,
        sieges=sieges,
        mandats=mandats,
        copresidences=copresidences,
    )
