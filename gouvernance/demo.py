"""La gouvernance de démonstration des Landes : le consortium, le comité départemental pour l'emploi, le comité
opérationnel et le comité technique mobilité, leurs sièges et mandats (personnes fictives), une séance clôturée
avec votes et décisions, une séance à venir en préparation, le plan d'actions (chiffres des Landes : SPIE 2021-2022
446 000 € dont État 356 800 € et Département 89 200 € ; PTI 2 431 400 € par an et 830 000 € de FSE).

Idempotent : rien n'est recréé si le consortium des Landes existe déjà."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gouvernance.choix import Periodicite, Qualite, RoleConsortium, Theme, TypeComite, Voix
from gouvernance.composition import services as composition
from gouvernance.models import Comite, Consortium, Mandat, Siege
from partenaires.management.commands.charger_demo import COMPTES
from partenaires.models import Utilisateur
from spie.texte import normaliser_recherche

DEPARTEMENT = "40"
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


@transaction.atomic
def charger(organisations) -> str:
    if Consortium.objects.filter(departement=DEPARTEMENT).exists() or "cd40" not in organisations:
        return ""
    consortium, cde = _composer(organisations)
    mandats = Mandat.objects.filter(siege__comite=cde).count()
    return f"gouvernance : {consortium.comites.count()} comités, {mandats} mandats au comité départemental"


def charger_gouvernance_demo(sender=None, organisations=None, **kwargs) -> str:
    return charger(organisations or {})
