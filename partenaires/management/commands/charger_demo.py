"""Territoire de démonstration : les Landes (40), ses partenaires réels, des professionnels fictifs.

Idempotent : relancer la commande ne duplique rien (organisations par SIRET, comptes par e-mail).
"""

from django.db import transaction

from partenaires import services
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Membre, Organisation, Utilisateur
from partenaires.signals import demo_chargee
from partenaires.validators import somme_luhn
from spie.traces import Commande

MOT_DE_PASSE_DEMO = "demo-spie-landes-2026"
DEPARTEMENT = "40"


def siret_demo(numero: int) -> str:
    """Un SIRET fictif mais valide (clé de Luhn), déterministe."""
    base = f"9{numero:012d}"
    for cle in range(10):
        if somme_luhn(base + str(cle)) % 10 == 0:
            return base + str(cle)
    raise AssertionError("inatteignable")


ORGANISATIONS = [
    # (clé, nom, type, commune, code postal, sous-territoire)
    ("cd40", "Département des Landes", TypeOrganisation.DEPARTEMENT, "Mont-de-Marsan", "40000", ""),
    (
        "sdsei",
        "SDSeI de Dax – Département des Landes",
        TypeOrganisation.DEPARTEMENT,
        "Dax",
        "40100",
        "SDSeI de Dax",
    ),
    ("ft", "France Travail Mont-de-Marsan", TypeOrganisation.FRANCE_TRAVAIL, "Mont-de-Marsan", "40000", ""),
    ("caf", "CAF des Landes", TypeOrganisation.CAF, "Mont-de-Marsan", "40000", ""),
    ("msa", "MSA Sud Aquitaine", TypeOrganisation.MSA, "Mont-de-Marsan", "40000", ""),
    ("ml", "Mission locale des Landes", TypeOrganisation.MISSION_LOCALE, "Dax", "40100", ""),
    ("cap", "Cap emploi Landes", TypeOrganisation.CAP_EMPLOI, "Mont-de-Marsan", "40000", ""),
    ("plie", "PLIE du Marsan", TypeOrganisation.PLIE, "Mont-de-Marsan", "40000", ""),
    ("ddets", "DDETS des Landes", TypeOrganisation.ETAT, "Mont-de-Marsan", "40000", ""),
    (
        "asso",
        "Association Mobilité Landes (fictive)",
        TypeOrganisation.ASSOCIATION,
        "Saint-Paul-lès-Dax",
        "40990",
        "",
    ),
    ("cci", "CCI des Landes", TypeOrganisation.CHAMBRE_CONSULAIRE, "Mont-de-Marsan", "40000", ""),
]

# (e-mail, prénom, nom, [(organisation, rôle)]) : un compte par rôle, deux ou trois membres par partenaire.
COMPTES = [
    ("admin.departement@demo.spie.fr", "Anne", "Lacoste", [("cd40", Role.ADMINISTRATEUR)]),
    (
        "referente@demo.spie.fr",
        "Claire",
        "Duprat",
        [("cd40", Role.PROFESSIONNEL), ("plie", Role.PROFESSIONNEL)],
    ),
    ("orientation@demo.spie.fr", "Marc", "Labat", [("sdsei", Role.CHARGE_ORIENTATION)]),
    ("pilote@demo.spie.fr", "Sophie", "Darrigade", [("cd40", Role.PILOTE)]),
    ("secretaire@demo.spie.fr", "Julien", "Castaing", [("ddets", Role.SECRETAIRE_COMITE)]),
    ("admin.ddets@demo.spie.fr", "Hélène", "Bats", [("ddets", Role.ADMINISTRATEUR)]),
    ("admin.sdsei@demo.spie.fr", "Paul", "Lafitte", [("sdsei", Role.ADMINISTRATEUR)]),
    ("as.dax@demo.spie.fr", "Lucie", "Dufau", [("sdsei", Role.PROFESSIONNEL)]),
    ("admin.ft@demo.spie.fr", "Karim", "Benali", [("ft", Role.ADMINISTRATEUR)]),
    ("conseiller.ft@demo.spie.fr", "Nadia", "Mora", [("ft", Role.PROFESSIONNEL)]),
    ("admin.caf@demo.spie.fr", "Thomas", "Lalanne", [("caf", Role.ADMINISTRATEUR)]),
    ("travailleur.social.caf@demo.spie.fr", "Inès", "Barrère", [("caf", Role.PROFESSIONNEL)]),
    ("admin.msa@demo.spie.fr", "Pierre", "Dubern", [("msa", Role.ADMINISTRATEUR)]),
    ("conseillere.msa@demo.spie.fr", "Élodie", "Saint-Jean", [("msa", Role.PROFESSIONNEL)]),
    ("admin.ml@demo.spie.fr", "Camille", "Ducasse", [("ml", Role.ADMINISTRATEUR)]),
    ("conseiller.ml@demo.spie.fr", "Hugo", "Larrieu", [("ml", Role.PROFESSIONNEL)]),
    ("admin.cap@demo.spie.fr", "Sandrine", "Pouyanne", [("cap", Role.ADMINISTRATEUR)]),
    ("conseillere.cap@demo.spie.fr", "Léa", "Cazenave", [("cap", Role.PROFESSIONNEL)]),
    ("admin.plie@demo.spie.fr", "Olivier", "Dupouy", [("plie", Role.ADMINISTRATEUR)]),
    ("admin.asso@demo.spie.fr", "Manon", "Labarthe", [("asso", Role.ADMINISTRATEUR)]),
    ("accompagnateur.asso@demo.spie.fr", "Yanis", "Ferrand", [("asso", Role.PROFESSIONNEL)]),
    ("admin.cci@demo.spie.fr", "Bruno", "Lasserre", [("cci", Role.ADMINISTRATEUR)]),
    ("conseillere.cci@demo.spie.fr", "Agnès", "Tachon", [("cci", Role.PROFESSIONNEL)]),
]

SUPERUTILISATEUR = "admin@demo.spie.fr"


class Command(Commande):
    help = "Charge (ou complète) le territoire de démonstration des Landes. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        organisations = {}
        crees = 0
        for numero, (cle, nom, type_org, commune, code_postal, sous_territoire) in enumerate(ORGANISATIONS, 1):
            siret = siret_demo(numero)
            organisation = Organisation.objects.filter(siret=siret).first()
            if organisation is None:
                organisation = services.enregistrer_organisation(
                    acteur=None,
                    nom=nom,
                    type=type_org,
                    siret=siret,
                    adresse=f"{numero} place de la République",
                    code_postal=code_postal,
                    commune=commune,
                    departement=DEPARTEMENT,
                    sous_territoire=sous_territoire,
                    email_contact=f"contact.{cle}@demo.spie.fr",
                )
                crees += 1
            organisations[cle] = organisation

        comptes = 0
        for email, prenom, nom, appartenances in COMPTES:
            utilisateur, cree = Utilisateur.objects.get_or_create(email=email, defaults={"prenom": prenom, "nom": nom})
            if cree:
                utilisateur.set_password(MOT_DE_PASSE_DEMO)
                utilisateur.save()
                comptes += 1
            for cle, role in appartenances:
                organisation = organisations[cle]
                if not Membre.objects.filter(
                    utilisateur=utilisateur, organisation=organisation, is_active=True
                ).exists():
                    services.ajouter_membre(utilisateur, organisation, role=role, acteur=None)

        resumes = [
            resume for _, resume in demo_chargee.send(sender=self.__class__, organisations=organisations) if resume
        ]

        if not Utilisateur.objects.filter(email=SUPERUTILISATEUR).exists():
            Utilisateur.objects.create_superuser(
                SUPERUTILISATEUR, MOT_DE_PASSE_DEMO, prenom="Administrateur", nom="Plateforme"
            )
            comptes += 1

        self.stdout.write(
            self.style.SUCCESS(
                f"Démonstration des Landes prête : {crees} organisation(s) et {comptes} compte(s) créés "
                f"({len(ORGANISATIONS)} organisations, {len(COMPTES) + 1} comptes au total). "
                + "".join(f"{resume} " for resume in resumes)
                + f"Mot de passe de tous les comptes : {MOT_DE_PASSE_DEMO}"
            )
        )
