"""Fabrication du jeu de données de mesure (`generer_donnees_bench`) pour la gouvernance : un consortium par
territoire (ses organisations membres), le comité départemental pour l'emploi et le comité opérationnel avec leurs
sièges et leurs mandats, une séance passée clôturée et une séance à venir en préparation. Peu de lignes : on passe
par les services de `gouvernance.composition` (mêmes partages, mêmes contrôles)."""

from datetime import timedelta

from django.core.management.base import CommandError
from django.utils import timezone

from gouvernance.choix import Periodicite, Qualite, RoleConsortium, StatutSeance, TypeComite
from gouvernance.composition import services as composition
from gouvernance.models import Comite, Mandat, Seance, Siege
from partenaires import permissions
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Membre, Utilisateur

COMITES = [
    ("Comité départemental pour l'emploi", TypeComite.STRATEGIQUE, Periodicite.SEMESTRIELLE),
    ("Comité opérationnel", TypeComite.OPERATIONNEL, Periodicite.TRIMESTRIELLE),
]
SIEGES = (
    TypeOrganisation.DEPARTEMENT,
    TypeOrganisation.ETAT,
    TypeOrganisation.FRANCE_TRAVAIL,
    TypeOrganisation.CAF,
    TypeOrganisation.MSA,
    TypeOrganisation.MISSION_LOCALE,
    TypeOrganisation.CAP_EMPLOI,
    TypeOrganisation.PLIE,
    TypeOrganisation.REGION,
)


def creer_gouvernance(territoires, hasard) -> dict[str, int]:
    aujourd_hui = timezone.localdate()
    debut = aujourd_hui.replace(month=1, day=1) - timedelta(days=365)
    lignes = {"consortiums": 0, "comités": 0, "sièges": 0, "mandats": 0, "séances": 0}
    for territoire in territoires:
        departement = territoire.organisation(TypeOrganisation.DEPARTEMENT)
        pilote = territoire.pilote
        consortium = composition.creer_consortium(
            acteur=pilote,
            departement=territoire.departement,
            nom=f"Consortium du SPIE — territoire {territoire.numero}",
            organisation_pilote=departement,
        )
        lignes["consortiums"] += 1
        for organisation in territoire.organisations:
            if organisation.pk != departement.pk:
                composition.ajouter_membre(
                    consortium, acteur=pilote, organisation=organisation, role=RoleConsortium.MEMBRE
                )
        secretaire = (
            Membre.objects.filter(organisation=departement, role=Role.SECRETAIRE_COMITE)
            .select_related("utilisateur")
            .first()
        ).utilisateur
        for nom, type_comite, periodicite in COMITES:
            comite = composition.enregistrer_comite(
                Comite(
                    consortium=consortium, nom=nom, type=type_comite, periodicite=periodicite, secretaire=secretaire
                ),
                acteur=pilote,
            )
            lignes["comités"] += 1
            for ordre, type_organisation in enumerate(SIEGES, 1):
                organisation = territoire.organisation(type_organisation)
                siege = composition.enregistrer_siege(
                    Siege(comite=comite, organisation=organisation, libelle=organisation.nom, ordre=ordre),
                    acteur=pilote,
                )
                lignes["sièges"] += 1
                membre = (
                    Membre.objects.filter(organisation=organisation, role=Role.ADMINISTRATEUR)
                    .select_related("utilisateur")
                    .first()
                )
                composition.enregistrer_mandat(
                    Mandat(
                        siege=siege,
                        qualite=Qualite.TITULAIRE,
                        prenom=membre.utilisateur.prenom,
                        nom=membre.utilisateur.nom,
                        fonction="Directeur ou directrice",
                        email=membre.utilisateur.email,
                        utilisateur=membre.utilisateur,
                        date_debut=debut,
                    ),
                    acteur=pilote,
                )
                lignes["mandats"] += 1
            passee = timezone.now() - timedelta(days=hasard.randint(40, 80))
            Seance.objects.create(
                comite=comite,
                date=passee,
                lieu=f"Hôtel du Département, {departement.commune}",
                statut=StatutSeance.CLOTUREE,
                synthese="Point sur les parcours et les orientations du trimestre.",
                convocation_envoyee_le=passee - timedelta(days=15),
                cloturee_le=passee + timedelta(days=2),
                cree_par=secretaire,
            )
            Seance.objects.create(
                comite=comite,
                date=timezone.now() + timedelta(days=hasard.randint(20, 60)),
                lieu=f"Hôtel du Département, {departement.commune}",
                cree_par=secretaire,
            )
            lignes["séances"] += 2
    return lignes


def departement_pilote(email) -> str:
    """Le département que pilote ce compte (le premier s'il en pilote plusieurs) : le territoire que mesurent
    `mesurer_indicateurs --pilote` et `mesurer_compte_rendu --pilote`."""
    utilisateur = Utilisateur.objects.filter(email=email).first()
    departements = sorted(permissions.departements_pilotes(utilisateur)) if utilisateur else []
    if not departements:
        raise CommandError(f"{email} ne pilote aucun territoire.")
    return departements[0]
