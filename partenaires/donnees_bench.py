"""Fabrication en masse du jeu de données de mesure (`generer_donnees_bench`) pour les partenaires : territoires,
organisations (avec leur groupe et leur partage), professionnels (appartenances, rôles, second facteur), et l'outil
d'écriture en masse commun aux applications (`inserer`).

Tout est tiré d'un `random.Random` : même graine, mêmes identifiants métier (SIRET, adresses e-mail, noms)."""

import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Max

from partenaires import permissions
from partenaires.choix import Role, TypeEvenement, TypeOrganisation
from partenaires.models import EvenementOrganisation, Membre, Organisation, Utilisateur
from partenaires.permissions import VOIR_ORGANISATION
from partenaires.referentiels import communes, departements
from partenaires.validators import somme_luhn

LOT = 5_000
# Cinq départements réels, du plus peuplé au moins peuplé : le territoire 1 est le plus grand.
DEPARTEMENTS = ("59", "33", "64", "40", "23")
PART_TERRITOIRE_1 = 4  # le territoire 1 reçoit N/4 personnes, les autres se partagent le reste
ORGANISATIONS_PAR_TERRITOIRE = 20
PROFESSIONNELS_PAR_ORGANISATION = 20

# Les organisations d'un territoire : (type, nom) ; « {k} » est le numéro du territoire.
ORGANISATIONS = [
    (TypeOrganisation.DEPARTEMENT, "Département {k}"),
    (TypeOrganisation.FRANCE_TRAVAIL, "France Travail — territoire {k}"),
    (TypeOrganisation.CAF, "CAF — territoire {k}"),
    (TypeOrganisation.MSA, "MSA — territoire {k}"),
    (TypeOrganisation.MISSION_LOCALE, "Mission locale — territoire {k}"),
    (TypeOrganisation.CAP_EMPLOI, "Cap emploi — territoire {k}"),
    (TypeOrganisation.PLIE, "PLIE — territoire {k}"),
    (TypeOrganisation.ETAT, "DDETS — territoire {k}"),
    (TypeOrganisation.CCAS_COMMUNE_EPCI, "CCAS — territoire {k}"),
    (TypeOrganisation.SIAE, "Chantier d'insertion — territoire {k}"),
    (TypeOrganisation.CHAMBRE_CONSULAIRE, "CCI — territoire {k}"),
    (TypeOrganisation.REGION, "Région — antenne du territoire {k}"),
    *[
        (TypeOrganisation.ASSOCIATION, f"Association {nom} — territoire {{k}}")
        for nom in (
            "Mobilité solidaire",
            "Relais logement",
            "Femmes et emploi",
            "Insertion numérique",
            "Garde d'enfants",
            "Santé précarité",
            "Jeunes en action",
            "Français langue d'intégration",
        )
    ],
]
PRENOMS = (
    "Camille Léa Manon Chloé Emma Inès Sarah Julie Laura Marie Nadia Fatima Sophie Claire Aurélie Céline Amandine "
    "Lucas Hugo Thomas Nicolas Julien Maxime Karim Mehdi Antoine Romain Kevin Mathieu Paul Louis Yanis Rui Damien"
).split()
NOMS = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia "
    "David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet François Martinez "
    "Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier "
    "Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger "
    "Lacaze Pujol Brethes Cazaux Mendes Haddad Benali Diallo Traoré Da Silva Ferreira Kaya Yilmaz Lacoste Etcheverry"
).split()

COMPTE_REFERENT = "bench.referent@spie.test"
COMPTE_ORGANISATION = "bench.organisation@spie.test"
COMPTE_PILOTE = "bench.pilote@spie.test"
COMPTE_PERSONNE = "bench.personne@spie.test"


@dataclass
class Territoire:
    numero: int
    departement: str
    communes: list[dict]  # les communes du département (lignes du référentiel), avec leur population
    poids: list[int]
    organisations: list = field(default_factory=list)
    professionnels: list = field(default_factory=list)  # (utilisateur, organisation), appartenance principale
    pilote: Utilisateur | None = None

    def organisation(self, type_organisation) -> Organisation:
        return next(o for o in self.organisations if o.type == type_organisation)


def identifiant(hasard) -> uuid.UUID:
    """Un UUID (version 4) tiré de la graine : les identifiants publics sont les mêmes d'une base à l'autre."""
    return uuid.UUID(int=hasard.getrandbits(128), version=4)


def moment(jour, heure: int = 10) -> datetime:
    return datetime(jour.year, jour.month, jour.day, heure, tzinfo=UTC)


def inserer(modele, objets, *, retour: bool = False) -> int | list:
    """Écrit les objets en masse et rend leur nombre (ou les objets, avec leur clé, si `retour`).

    `objets` : des instances du modèle, ou, pour les millions de lignes des tables feuilles, des dictionnaires
    {attribut: valeur} (`carnet_id`…) complétés par les valeurs par défaut des champs (sans le coût de
    l'instanciation d'un modèle). Sur PostgreSQL : `COPY` (psycopg), bien plus rapide qu'`INSERT` ; les clés voulues
    en retour sont réservées d'abord dans la séquence de la table, puis écrites avec les lignes. Ailleurs :
    `bulk_create` par lots. Les valeurs sont préparées par les champs du modèle comme le ferait `save()`."""
    objets = list(objets)
    if not objets:
        return [] if retour else 0
    en_lignes = isinstance(objets[0], dict)
    if connection.vendor != "postgresql":
        crees = modele.objects.bulk_create(
            [modele(**ligne) for ligne in objets] if en_lignes else objets, batch_size=LOT
        )
        return crees if retour else len(crees)
    cle = modele._meta.pk
    if retour:
        _reserver_les_cles(modele, objets)
    avec_cle = retour or (en_lignes and cle.attname in objets[0])
    champs = [champ for champ in modele._meta.concrete_fields if avec_cle or champ is not cle]
    colonnes = ", ".join(connection.ops.quote_name(champ.column) for champ in champs)
    table = connection.ops.quote_name(modele._meta.db_table)
    preparations = [(_depuis_ligne if en_lignes else _preparation)(champ) for champ in champs]
    with connection.cursor() as curseur, curseur.cursor.copy(f"COPY {table} ({colonnes}) FROM STDIN") as copie:
        for objet in objets:
            copie.write_row([preparer(objet) for preparer in preparations])
    if retour:
        for objet in objets:
            objet._state.adding, objet._state.db = False, connection.alias
        return objets
    return len(objets)


# Les champs dont la valeur Python s'écrit telle quelle (psycopg l'adapte) : on évite alors la préparation de Django,
# qui coûte cher sur des millions de lignes.
TELS_QUELS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
    "UUIDField",
}


def _preparation(champ):
    """La fonction qui rend la valeur à écrire d'un champ pour un objet : comme `save()` (`pre_save` puis
    `get_db_prep_save`), ou la valeur brute quand elle s'écrit telle quelle."""
    if (
        champ.get_internal_type() in TELS_QUELS
        and not getattr(champ, "auto_now", False)
        and not getattr(champ, "auto_now_add", False)
    ):
        attribut = champ.attname
        return lambda objet: getattr(objet, attribut)
    return lambda objet: champ.get_db_prep_save(champ.pre_save(objet, True), connection)


def _depuis_ligne(champ):
    """La fonction qui rend la valeur à écrire d'un champ pour une ligne en dictionnaire : la valeur donnée, ou la
    valeur par défaut du champ (rappelée à chaque ligne : `uuid4`, `timezone.now`…)."""
    attribut, brut = champ.attname, champ.get_internal_type() in TELS_QUELS
    if brut:
        return lambda ligne: ligne[attribut] if attribut in ligne else champ.get_default()
    return lambda ligne: champ.get_db_prep_save(
        ligne[attribut] if attribut in ligne else champ.get_default(), connection
    )


def _reserver_les_cles(modele, objets) -> None:
    for objet, valeur in zip(objets, reserver_cles(modele, len(objets)), strict=True):
        setattr(objet, modele._meta.pk.attname, valeur)


def reserver_cles(modele, nombre: int) -> list[int]:
    """Des clés pour des lignes à écrire ensuite avec leur clé (lignes en dictionnaires qui en référencent
    d'autres) : sur PostgreSQL, tirées de la séquence (identité) de la table, celles qu'`INSERT` aurait données ;
    ailleurs (SQLite, un seul écrivain), à la suite de la plus grande."""
    cle = modele._meta.pk
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            curseur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [modele._meta.db_table, cle.column, nombre],
            )
            return [valeur for (valeur,) in curseur.fetchall()]
    plus_grande = modele.objects.aggregate(m=Max(cle.attname))["m"] or 0
    return list(range(plus_grande + 1, plus_grande + 1 + nombre))


def adresse_email(local: str, domaine: str) -> str:
    """Une adresse valide à partir de noms accentués : « Léa.Lefèvre » → « lea.lefevre »."""
    ascii_ = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode().lower()
    return "".join(c if c.isalnum() or c in ".-" else "-" for c in ascii_) + "@" + domaine


def siret(hasard) -> str:
    """Un SIRET valide (clé de Luhn), tiré de la graine (préfixe 9 : aucun établissement réel)."""
    base = f"9{hasard.randrange(10**12):012d}"
    return next(base + str(cle) for cle in range(10) if somme_luhn(base + str(cle)) % 10 == 0)


def creer_territoires() -> list[Territoire]:
    territoires = []
    for numero, code in enumerate(DEPARTEMENTS, 1):
        lignes = [
            ligne
            for ligne in communes().values()
            if ligne["code_departement"] == code and ligne["population"].isdigit() and ligne["codes_postaux"]
        ]
        territoires.append(Territoire(numero, code, lignes, [int(ligne["population"]) + 1 for ligne in lignes]))
    return territoires


def personnes_par_territoire(nombre: int) -> list[int]:
    """Le territoire 1 a N/4 personnes, les autres se partagent le reste (le dernier prend l'arrondi)."""
    premier = nombre // PART_TERRITOIRE_1
    autres = (nombre - premier) // (len(DEPARTEMENTS) - 1)
    repartition = [premier] + [autres] * (len(DEPARTEMENTS) - 1)
    repartition[-1] += nombre - sum(repartition)
    return repartition


def creer_organisations(territoires, hasard) -> int:
    """Vingt organisations par territoire, chacune avec son groupe, le partage de sa fiche et l'événement de
    création au journal (comme `partenaires.services.enregistrer_organisation`)."""
    organisations = []
    for territoire in territoires:
        prefecture = departements()[territoire.departement]
        for type_organisation, nom in ORGANISATIONS:
            ligne = hasard.choices(territoire.communes, weights=territoire.poids)[0]
            organisations.append(
                Organisation(
                    uuid=identifiant(hasard),
                    nom=nom.format(k=territoire.numero),
                    type=type_organisation,
                    siret=siret(hasard),
                    adresse=f"{hasard.randint(1, 90)} rue de la République",
                    code_postal=ligne["codes_postaux"].split()[0],
                    commune=ligne["nom"],
                    departement=territoire.departement,
                    sous_territoire=prefecture if type_organisation == TypeOrganisation.DEPARTEMENT else "",
                )
            )
    groupes = inserer(Group, (Group(name=f"organisation-{o.uuid}") for o in organisations), retour=True)
    for organisation, groupe in zip(organisations, groupes, strict=True):
        organisation.groupe = groupe
    organisations = inserer(Organisation, organisations, retour=True)
    for organisation in organisations:
        territoire = next(t for t in territoires if t.departement == organisation.departement)
        territoire.organisations.append(organisation)
        inserer(*permissions.lignes_de_partage([organisation], organisation, VOIR_ORGANISATION))
    inserer(
        EvenementOrganisation,
        (
            EvenementOrganisation(organisation=o, type=TypeEvenement.ORGANISATION_CREEE, details={"nom": o.nom})
            for o in organisations
        ),
    )
    return len(organisations)


def _role(rang: int, organisation) -> str:
    """Le premier de chaque organisation l'administre ; au Département, le deuxième pilote le territoire, le
    troisième est chargé d'orientation, le quatrième secrétaire de comité ; les autres sont référents."""
    if rang == 0:
        return Role.ADMINISTRATEUR
    if organisation.type == TypeOrganisation.DEPARTEMENT:
        return {1: Role.PILOTE, 2: Role.CHARGE_ORIENTATION, 3: Role.SECRETAIRE_COMITE}.get(rang, Role.PROFESSIONNEL)
    if organisation.type == TypeOrganisation.FRANCE_TRAVAIL and rang == 1:
        return Role.CHARGE_ORIENTATION
    return Role.PROFESSIONNEL


def _email(rang_global: int, prenom: str, nom: str, territoire, organisation, place: int) -> str:
    """Les comptes du contrat (voir COMMUN.md) sont des professionnels du territoire 1 choisis par leur place."""
    if territoire.numero == 1 and organisation.type == TypeOrganisation.DEPARTEMENT:
        if rang_global == 1:
            return COMPTE_PILOTE
        if rang_global == 4:
            return COMPTE_REFERENT
    if territoire.numero == 1 and organisation.type == TypeOrganisation.FRANCE_TRAVAIL and rang_global == 2:
        return COMPTE_ORGANISATION
    return adresse_email(f"{prenom}.{nom}.{territoire.numero}-{place}-{rang_global}", "bench.spie.test")


def creer_professionnels(territoires, hasard) -> dict[str, int]:
    """Vingt professionnels par organisation, sans mot de passe utilisable, tous avec leur application
    d'authentification (TOTP) ; un sur vingt appartient aussi à une seconde organisation du territoire."""
    inutilisable = make_password(None)
    utilisateurs, appartenances = [], []
    for territoire in territoires:
        for place, organisation in enumerate(territoire.organisations):
            for rang in range(PROFESSIONNELS_PAR_ORGANISATION):
                prenom, nom = hasard.choice(PRENOMS), hasard.choice(NOMS)
                utilisateur = Utilisateur(
                    uuid=identifiant(hasard),
                    email=_email(rang, prenom, nom, territoire, organisation, place),
                    prenom=prenom,
                    nom=nom,
                    password=inutilisable,
                )
                utilisateurs.append(utilisateur)
                appartenances.append((utilisateur, organisation, _role(rang, organisation), territoire))
    utilisateurs = inserer(Utilisateur, utilisateurs, retour=True)
    membres = []
    for utilisateur, organisation, role, territoire in appartenances:
        membres.append(Membre(utilisateur=utilisateur, organisation=organisation, role=role))
        if role == Role.PILOTE:
            territoire.pilote = utilisateur
        if role == Role.PROFESSIONNEL:
            territoire.professionnels.append((utilisateur, organisation))
    comptes_du_contrat = {COMPTE_REFERENT, COMPTE_ORGANISATION, COMPTE_PILOTE}
    for utilisateur, organisation, role, territoire in appartenances:
        if role == Role.PROFESSIONNEL and utilisateur.email not in comptes_du_contrat and hasard.random() < 0.05:
            autre = hasard.choice([o for o in territoire.organisations if o.pk != organisation.pk])
            membres.append(Membre(utilisateur=utilisateur, organisation=autre, role=Role.PROFESSIONNEL))
    membres = inserer(Membre, membres, retour=True)
    inserer(
        Utilisateur.groups.through,
        (
            Utilisateur.groups.through(utilisateur_id=m.utilisateur_id, group_id=m.organisation.groupe_id)
            for m in membres
        ),
    )
    inserer(
        EvenementOrganisation,
        (
            EvenementOrganisation(
                organisation=m.organisation, type=TypeEvenement.MEMBRE_AJOUTE, membre=m, details={"role": m.role}
            )
            for m in membres
        ),
    )
    inserer(
        Authenticator,
        (
            Authenticator(
                user=u,
                type=Authenticator.Type.TOTP,
                data={"secret": encrypt("".join(hasard.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", k=32)))},
            )
            for u in utilisateurs
        ),
    )
    return {"professionnels": len(utilisateurs), "appartenances": len(membres)}
