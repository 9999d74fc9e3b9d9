"""La matrice des URL : chaque motif d'URL du projet est déclaré ici, pour chaque acteur, en GET et en POST.

Une URL ajoutée sans déclaration fait échouer `test_chaque_url_du_projet_est_declaree`. Un objet
d'une autre organisation donne 404 (pas d'oracle d'existence), une action interdite sur un objet
visible donne 403, et la base est inchangée après chaque POST refusé.
Les acteurs des issues suivantes (personne, intervenant, secrétaire de comité…) s'ajoutent ici.
"""

import copy
import hashlib
from datetime import UTC, date, datetime

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parcours import services as parcours_services
from parcours.diagnostic import services as diagnostic_services
from parcours.models import (
    Action,
    Carnet,
    ConsultationCarnet,
    ContratEngagement,
    Diagnostic,
    EvaluationDomaine,
    EvenementCarnet,
    Intervenant,
    Note,
    Objectif,
    Personne,
    ProjetProfessionnel,
    RendezVous,
    Statut,
)
from parcours.validators import cle_nir
from partenaires.choix import Role
from partenaires.models import EvenementOrganisation, Invitation, Membre, Organisation, Utilisateur
from spie.models import DocumentGenere
from tests.factories import OrganisationFactory, UtilisateurFactory, membre, siret_valide
from tests.matrice import EXTENSIONS
from tests.matrice.acteurs import (
    ACTEURS,
    ACTEURS_DE_COMITE,
    MODIFIER_CARNET,
    PERSONNES,
    POST_SANS_GET,
    VOIR_CARNET,
    apres_succes,
    attendu_pour_un_acteur_de_comite,
    attendu_pour_une_personne,
    connectes,
    etrangers,
    tous,
)
from tests.matrice.en_tetes import verifier_en_tetes
from tests.outils import activer_totp
from tests.parcours.conftest import diagnostic_valide
from tests.parcours.espace_fabriques import ouvrir_espace
from tests.texte_pdf import pdf_contient, pdf_de_test

# Applications tierces montées telles quelles : leurs pages sont publiques (connexion, mot de passe
# oublié) ou réservées par elles-mêmes (compte, second facteur, administration technique du staff).
PREFIXES_TIERS = {
    "comptes/": "django-allauth : connexion, mot de passe, second facteur",
    "admin/": "administration technique Django, réservée au staff (connexion allauth)",
}
CLE_INVITATION = "cle-de-test-de-la-matrice"
# Le nom d'une personne suivie par une organisation qu'aucun acteur ne partage : il n'apparaît dans aucune réponse.
SENTINELLE = "Zorglubinski"
# Le NIR du carnet du décor (que ses intervenants voient) : aucune réponse, ni redirection, ne le contient, pour aucun
# acteur, pas même son référent (docs/RELIABILITY.md, « NIR chiffré »).
NIR_TREIZE = "1850340192731"
NIR_SENTINELLE = NIR_TREIZE + f"{cle_nir(NIR_TREIZE):02d}"

VOIR_ORGANISATION = connectes(200, **etrangers(404))
ADMINISTRER = connectes(403, **etrangers(404), administrateur=200)
ADMINISTRER["superutilisateur"] = 200
MODIFIER = {**ADMINISTRER, "pilote": 200}


def donnees_organisation(contexte, **surcharges):
    return {
        "nom": "Relais Emploi",
        "type": "association",
        "siret": siret_valide(4242),
        "adresse": "3 rue Gambetta",
        "code_postal": "40100",
        "commune": "Dax",
        "departement": "40",
        "sous_territoire": "",
        "email_contact": "",
        "telephone": "",
        "email_administrateur": "direction@relais.fr",
        **surcharges,
    }


# Le diagnostic (santé, handicap compris) est mené par les seuls intervenants actifs du carnet.
MENER_DIAGNOSTIC = {**MODIFIER_CARNET, "administrateur": 403}


def donnees_personne(contexte):
    return {"nom": "Martin", "prenom": "Léa", "date_naissance": "1990-04-12", "nir": ""}


# nom de l'URL → (arguments, {méthode: (attendus par acteur, données POST)})
MATRICE = {
    "accueil": (lambda c: [], {"GET": (tous(200), None)}),
    "sante": (lambda c: [], {"GET": (tous(200), None)}),
    "partenaires:organisations": (lambda c: [], {"GET": (connectes(200), None)}),
    "partenaires:organisation_creer": (
        lambda c: [],
        {
            # Le pilote d'un autre territoire ouvre le formulaire, mais le département 40 n'y est pas proposé.
            "GET": (connectes(403, pilote=200, superutilisateur=200, pilote_autre_territoire=200), None),
            "POST": (
                connectes(403, pilote=302, superutilisateur=302, pilote_autre_territoire=200),
                donnees_organisation,
            ),
        },
    ),
    "partenaires:organisation": (lambda c: [c["organisation"].uuid], {"GET": (VOIR_ORGANISATION, None)}),
    "partenaires:organisation_modifier": (
        lambda c: [c["organisation"].uuid],
        {
            "GET": (MODIFIER, None),
            "POST": (
                apres_succes(MODIFIER),
                lambda c: donnees_organisation(c, siret=c["organisation"].siret, nom="Nom modifié"),
            ),
        },
    ),
    "partenaires:membres": (lambda c: [c["organisation"].uuid], {"GET": (VOIR_ORGANISATION, None)}),
    "partenaires:membre_inviter": (
        lambda c: [c["organisation"].uuid],
        {
            "GET": (ADMINISTRER, None),
            "POST": (apres_succes(ADMINISTRER), lambda c: {"email": "recrue@exemple.fr", "role": "professionnel"}),
        },
    ),
    "partenaires:membre_role": (
        lambda c: [c["organisation"].uuid, c["cible"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (apres_succes(ADMINISTRER), lambda c: {"role": Role.PILOTE})},
    ),
    "partenaires:membre_desactiver": (
        lambda c: [c["organisation"].uuid, c["cible"].uuid],
        {"GET": (ADMINISTRER, None), "POST": (apres_succes(ADMINISTRER), lambda c: {"motif": "Départ"})},
    ),
    "partenaires:invitation_annuler": (
        lambda c: [c["organisation"].uuid, c["invitation"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (apres_succes(ADMINISTRER), lambda c: {})},
    ),
    "partenaires:changer_organisation": (
        lambda c: [],
        {"GET": (POST_SANS_GET, None), "POST": (connectes(302), lambda c: {"organisation": c["organisation"].uuid})},
    ),
    "parcours:mes_carnets": (lambda c: [], {"GET": (connectes(200), None)}),
    "parcours:carnet_ouvrir": (
        lambda c: [],
        {
            "GET": (connectes(200, superutilisateur=403), None),
            "POST": (connectes(302, superutilisateur=403), donnees_personne),
        },
    ),
    "parcours:carnet": (lambda c: [c["carnet"].uuid], {"GET": (VOIR_CARNET, None)}),
    "parcours:carnet_imprimer": (lambda c: [c["carnet"].uuid], {"GET": (VOIR_CARNET, None)}),
    "parcours:demander_acces": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (connectes(302, superutilisateur=403), lambda c: {"motif": "Je l'accompagne au CCAS"}),
        },
    ),
    "parcours:rendez_vous_ajouter": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(MODIFIER_CARNET),
                lambda c: {
                    "date_heure": "2999-06-01T10:00",
                    "intervenant": str(c["cible"].utilisateur.uuid),
                    "objet": "Point d'étape",
                    "lieu": "Maison départementale",
                },
            ),
        },
    ),
    "parcours:rendez_vous_suite": (
        lambda c: [c["carnet"].uuid, c["rendez_vous"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (apres_succes(MODIFIER_CARNET), lambda c: {"statut": "annule"})},
    ),
    "parcours:statut_changer": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(MODIFIER_CARNET),
                lambda c: {"type": "parent_isole", "valeur": "oui", "date_debut": "2026-01-05"},
            ),
        },
    ),
    "parcours:objectif_ajouter": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(MODIFIER_CARNET),
                lambda c: {"axe": "mobilite", "libelle_libre": "Passer le permis B"},
            ),
        },
    ),
    "parcours:action_ajouter": (
        lambda c: [c["carnet"].uuid, c["objectif"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(MODIFIER_CARNET),
                lambda c: {
                    f"action-{c['objectif'].uuid}-libelle_libre": "Inscription auto-école",
                    f"action-{c['objectif'].uuid}-date_debut": "2026-01-10",
                },
            ),
        },
    ),
    "parcours:action_statut": (
        lambda c: [c["carnet"].uuid, c["action"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (apres_succes(MODIFIER_CARNET), lambda c: {"statut": "realisee"})},
    ),
    "parcours:contrat_ajouter": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(MODIFIER_CARNET),
                lambda c: {
                    "type": "contrat_engagement",
                    "date_debut": "2026-02-01",
                    "signataires": "La personne et sa référente",
                    "heures_hebdomadaires": "15",
                },
            ),
        },
    ),
    "parcours:contrat_accord": (
        lambda c: [c["carnet"].uuid, c["contrat"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (apres_succes(MODIFIER_CARNET), lambda c: {"date_accord": "2026-02-03"}),
        },
    ),
    "parcours:note_ajouter": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (apres_succes(MODIFIER_CARNET), lambda c: {"texte": "Entretien", "visibilite": "moi"}),
        },
    ),
    "parcours:intervenant_ajouter": (
        lambda c: [c["carnet"].uuid],
        {
            "GET": (MODIFIER_CARNET, None),
            "POST": (apres_succes(MODIFIER_CARNET), lambda c: {"email": c["recrue"].email}),
        },
    ),
    "parcours:intervenant_terminer": (
        lambda c: [c["carnet"].uuid, c["intervention"].uuid],
        {
            "GET": (MODIFIER_CARNET, None),
            "POST": (apres_succes(MODIFIER_CARNET), lambda c: {"motif": "Relais pris", "date_fin": "2999-01-01"}),
        },
    ),
    "parcours:referent_changer": (
        lambda c: [c["carnet"].uuid, c["intervention"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (apres_succes(MODIFIER_CARNET), lambda c: {})},
    ),
    "parcours:diagnostic_commencer": (
        lambda c: [c["carnet"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (apres_succes(MENER_DIAGNOSTIC), lambda c: {})},
    ),
    "parcours:diagnostic": (lambda c: [c["carnet"].uuid, c["diagnostic"].uuid], {"GET": (VOIR_CARNET, None)}),
    "parcours:diagnostic_imprimer": (
        lambda c: [c["carnet"].uuid, c["diagnostic"].uuid],
        {"GET": (VOIR_CARNET, None)},
    ),
    # Le PDF est demandé (302 vers la page d'attente du document), puis produit par un worker.
    "parcours:diagnostic_pdf": (
        lambda c: [c["carnet"].uuid, c["diagnostic"].uuid],
        {"GET": (apres_succes(VOIR_CARNET), None)},
    ),
    # Un document généré n'existe que pour qui l'a demandé (ici le professionnel). Les personnes sont déclarées
    # explicitement (`/documents/` leur est ouvert) : le document d'un professionnel leur répond 404.
    "document": (
        lambda c: [c["document"].uuid],
        {"GET": (connectes(404, professionnel=200, personne=404, autre_personne=404), None)},
    ),
    "document_telecharger": (
        lambda c: [c["document"].uuid],
        {"GET": (connectes(404, professionnel=200, personne=404, autre_personne=404), None)},
    ),
    "parcours:diagnostic_modifier": (
        lambda c: [c["carnet"].uuid, c["diagnostic_en_cours"].uuid],
        {
            "GET": (MENER_DIAGNOSTIC, None),
            "POST": (
                apres_succes(MENER_DIAGNOSTIC),
                lambda c: {
                    "situation_actuelle": "emploi",
                    "type_contrat": "cdi",
                    "niveau_formation": "NV4",
                    "langues": "occitan",
                    "suite": "projet",
                    "projet-appellation": "D1102.boulanger_boulangere",
                    "projet-temps": "temps_plein",
                },
            ),
        },
    ),
    "parcours:diagnostic_valider": (
        lambda c: [c["carnet"].uuid, c["diagnostic_en_cours"].uuid],
        {
            "GET": (MENER_DIAGNOSTIC, None),
            "POST": (apres_succes(MENER_DIAGNOSTIC), lambda c: {"parcours_retenu": "socio_professionnel"}),
        },
    ),
    "parcours:diagnostic_partager": (
        lambda c: [c["carnet"].uuid, c["diagnostic"].uuid],
        {"GET": (POST_SANS_GET, None), "POST": (apres_succes(MENER_DIAGNOSTIC), lambda c: {})},
    ),
    "parcours:diagnostic_objectif_accepter": (
        lambda c: [c["carnet"].uuid, c["diagnostic"].uuid],
        {
            "GET": (POST_SANS_GET, None),
            "POST": (
                apres_succes(MENER_DIAGNOSTIC),
                lambda c: {"objectif": "mobilite.faire_un_point_complet_sur_sa_mobilite"},
            ),
        },
    ),
    "parcours:rome": (lambda c: [], {"GET": (connectes(200), None)}),
    "partenaires:invitation": (
        lambda c: [CLE_INVITATION],
        {
            "GET": (tous(200), None),
            "POST": (
                {**tous(200), "anonyme": 302},
                lambda c: {
                    "prenom": "Ana",
                    "nom": "Bé",
                    "password1": "phrase-secrete-longue",
                    "password2": "phrase-secrete-longue",
                },
            ),
        },
    ),
}


# Les parties du parcours déclarent leurs URL dans tests/matrice/<partie>.py (MATRICE, fabriques, etat).
# Le secrétaire et le co-président de comité (ACTEURS_DE_COMITE) parcourent toutes les URL.
for _extension in EXTENSIONS:
    MATRICE.update(_extension.MATRICE)


def motifs(resolveur=None, prefixe="", espace=""):
    """Tous les motifs d'URL du projet : (route complète, nom qualifié)."""
    resolveur = resolveur or get_resolver()
    for motif in resolveur.url_patterns:
        route = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            sous_espace = f"{espace}{motif.namespace}:" if motif.namespace else espace
            yield from motifs(motif, route, sous_espace)
        elif isinstance(motif, URLPattern):
            yield route, f"{espace}{motif.name}" if motif.name else None


def test_chaque_url_du_projet_est_declaree():
    non_declarees = [
        (route, nom)
        for route, nom in motifs()
        if nom not in MATRICE and not any(route.startswith(p) for p in PREFIXES_TIERS)
    ]
    assert not non_declarees, f"URL sans déclaration dans la matrice : {non_declarees}"
    inconnues = set(MATRICE) - {nom for _, nom in motifs()}
    assert not inconnues, f"Déclarations d'URL qui n'existent plus : {inconnues}"


def _fabriquer_le_decor():
    organisation = OrganisationFactory(nom="Organisation visée", departement="40")
    autre = OrganisationFactory(nom="Autre organisation", departement="40")
    pilotage = OrganisationFactory(nom="Département", departement="40")
    ailleurs = OrganisationFactory(nom="Département voisin", departement="64")
    admin = membre(organisation, Role.ADMINISTRATEUR)
    membre(
        organisation, Role.ADMINISTRATEUR
    )  # un second administrateur : les refus ne viennent pas de la règle du dernier
    cible = membre(organisation, Role.PROFESSIONNEL)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email="invitee@exemple.fr",
        role=Role.PROFESSIONNEL,
        cle_hachee=hashlib.sha256(CLE_INVITATION.encode()).hexdigest(),
        date_expiration="2999-01-01T00:00:00Z",
    )
    deuxieme = OrganisationFactory(nom="Deuxième organisation", departement="40")
    troisieme = OrganisationFactory(nom="Troisième organisation", departement="40")
    accompagnateur = membre(deuxieme, Role.PROFESSIONNEL).utilisateur
    ancien = membre(troisieme, Role.PROFESSIONNEL).utilisateur
    carnet = parcours_services.ouvrir_carnet(
        acteur=cible.utilisateur,
        organisation=organisation,
        nom="Durand",
        prenom="Alex",
        date_naissance=date(1985, 3, 2),
        nir=NIR_SENTINELLE,
    )
    intervention = parcours_services.ajouter_intervenant(
        carnet, acteur=cible.utilisateur, utilisateur=accompagnateur, organisation=deuxieme
    )
    sortie = parcours_services.ajouter_intervenant(
        carnet, acteur=cible.utilisateur, utilisateur=ancien, organisation=troisieme
    )
    parcours_services.terminer_intervenant(sortie, acteur=cible.utilisateur, motif="Fin de la mesure")
    rendez_vous = parcours_services.prevoir_rendez_vous(
        carnet,
        acteur=cible.utilisateur,
        intervenant=cible.utilisateur,
        date_heure=datetime(2999, 1, 1, 9, tzinfo=UTC),
        objet="Premier entretien",
        lieu="Agence",
    )
    contrat = parcours_services.enregistrer_contrat(
        carnet,
        acteur=cible.utilisateur,
        date_debut=date(2026, 1, 5),
        signataires="Alex Durand",
        heures_hebdomadaires=15,
    )
    objectif = parcours_services.ajouter_objectif(
        carnet, acteur=cible.utilisateur, axe="mobilite", libelle_libre="Bouger"
    )
    isolee = OrganisationFactory(nom="Organisation isolée", departement="40")
    parcours_services.ouvrir_carnet(
        acteur=membre(isolee, Role.PROFESSIONNEL).utilisateur,
        organisation=isolee,
        nom=SENTINELLE,
        prenom="Zoé",
        date_naissance=date(1979, 5, 6),
    )
    action = parcours_services.ajouter_action(
        objectif, acteur=cible.utilisateur, libelle_libre="Atelier vélo", date_debut=date(2026, 1, 6)
    )

    return {
        "organisation": organisation,
        "cible": cible,
        "invitation": invitation,
        "carnet": carnet,
        "rendez_vous": rendez_vous,
        "contrat": contrat,
        "objectif": objectif,
        "action": action,
        "intervention": intervention,
        "recrue": membre(autre, Role.PROFESSIONNEL).utilisateur,
        "acteurs": {
            "accompagnateur": accompagnateur,
            "collegue_organisation_partageante": membre(deuxieme, Role.PROFESSIONNEL).utilisateur,
            "ancien_intervenant": ancien,
            "anonyme": None,
            "membre_autre_organisation": membre(autre, Role.ADMINISTRATEUR).utilisateur,
            "professionnel": cible.utilisateur,
            "administrateur": admin.utilisateur,
            "pilote": membre(pilotage, Role.PILOTE).utilisateur,
            "charge_orientation": membre(pilotage, Role.CHARGE_ORIENTATION).utilisateur,
            "pilote_autre_territoire": membre(ailleurs, Role.PILOTE).utilisateur,
            "superutilisateur": UtilisateurFactory(is_superuser=True, is_staff=True),
            "personne": ouvrir_espace(carnet),
            "autre_personne": ouvrir_espace(
                parcours_services.ouvrir_carnet(
                    acteur=cible.utilisateur,
                    organisation=organisation,
                    nom="Petit",
                    prenom="Sam",
                    date_naissance=date(1990, 7, 14),
                ),
                email="sam.petit@exemple.fr",
            ),
        },
        "pilotage": pilotage,
        "ailleurs": ailleurs,
        "deuxieme": deuxieme,
    }


@pytest.fixture(scope="module")
def _base_de_la_matrice(django_db_setup, django_db_blocker):
    """Le décor commun, fabriqué une fois par module (et par processus de test) dans une transaction annulée à la
    fin : chaque cas tourne ensuite dans son propre point de sauvegarde, annulé après lui (comme `setUpTestData`).
    Fabriquer ce décor à chaque cas coûtait les deux tiers du temps de la matrice."""
    with django_db_blocker.unblock(), transaction.atomic():
        valeurs = _fabriquer_le_decor()
        for utilisateur in valeurs["acteurs"].values():
            if utilisateur is not None and not utilisateur.est_personne:
                activer_totp(utilisateur)
        yield valeurs
        transaction.set_rollback(True)


@pytest.fixture
def contexte(db, _base_de_la_matrice):
    """Le contexte d'un cas : une copie des objets du décor (un cas qui modifie un objet en mémoire ne change pas
    le suivant ; la base, elle, revient à son état à la fin du cas) et les entrées fabriquées à la demande."""
    valeurs = copy.deepcopy(_base_de_la_matrice)
    carnet, cible = valeurs["carnet"], valeurs["cible"]

    def diagnostics():
        """Une version validée (la mobilité en besoin) et la suivante en cours : créées pour les seules URL du
        diagnostic, qui les demandent (le reste de la matrice n'en paie pas le prix)."""
        valide = diagnostic_valide(
            carnet,
            cible.utilisateur,
            mobilite={
                "appreciation": "besoin",
                "impact": "fort",
                "situations": ["mobilite.aucun_moyen_de_transport_a_disposition"],
            },
        )
        return {
            "diagnostic": valide,
            "diagnostic_en_cours": diagnostic_services.commencer(carnet, acteur=cible.utilisateur),
        }

    def document():
        document = DocumentGenere.objects.create(
            demandeur=cible.utilisateur,
            producteur="parcours.diagnostic",
            titre="Diagnostic",
            nom_fichier="diagnostic.pdf",
            statut=DocumentGenere.Statut.PRET,
            expire_le="2999-01-01T00:00:00Z",
        )
        # Un vrai PDF (texte compressé), que la recherche de la sentinelle lit comme tout PDF servi.
        document.fichier.save("diagnostic.pdf", ContentFile(pdf_de_test(f"Diagnostic de {carnet.personne}")))
        return {"document": document}

    fabriques = {"diagnostic": diagnostics, "diagnostic_en_cours": diagnostics, "document": document}
    contexte = ContexteParesseux(fabriques, valeurs)
    for extension in EXTENSIONS:
        fabriques.update(extension.fabriques(contexte))
    return contexte


class ContexteParesseux(dict):
    """Le contexte de la matrice : certaines entrées ne sont fabriquées qu'à la première demande."""

    def __init__(self, fabriques, valeurs):
        super().__init__(valeurs)
        self.fabriques = fabriques

    def __missing__(self, cle):
        self.update(self.fabriques[cle]())
        return self[cle]


def etat_de_la_base():
    return (
        list(Organisation.objects.order_by("pk").values_list("pk", "nom", "is_active")),
        list(Membre.objects.order_by("pk").values_list("pk", "role", "is_active")),
        list(Invitation.objects.order_by("pk").values_list("pk", "date_acceptation", "date_annulation")),
        EvenementOrganisation.objects.count(),
        Utilisateur.objects.count(),
        Personne.objects.count(),
        Carnet.objects.count(),
        list(Intervenant.objects.order_by("pk").values_list("pk", "role", "date_fin")),
        EvenementCarnet.objects.count(),
        ConsultationCarnet.objects.count(),
        list(RendezVous.objects.order_by("pk").values_list("pk", "statut", "date_heure")),
        Note.objects.count(),
        list(Statut.objects.order_by("pk").values_list("pk", "valeur", "date_fin")),
        list(Objectif.objects.order_by("pk").values_list("pk", "statut")),
        list(Action.objects.order_by("pk").values_list("pk", "statut")),
        list(ContratEngagement.objects.order_by("pk").values_list("pk", "accord_personne_le")),
        list(
            Diagnostic.objects.order_by("pk").values_list(
                "pk", "statut", "situation_actuelle", "langues", "partage_personne_le", "parcours_retenu"
            )
        ),
        list(ProjetProfessionnel.objects.order_by("pk").values_list("pk", "appellation")),
        list(EvaluationDomaine.objects.order_by("pk").values_list("pk", "appreciation", "impact")),
        DocumentGenere.objects.count(),
        *(extension.etat() for extension in EXTENSIONS),
    )


# Des GET qui écrivent en cas de succès : la demande d'un document à produire (puis redirection vers son attente).
GET_QUI_ECRIVENT = {"parcours:diagnostic_pdf"}.union(*(e.GET_QUI_ECRIVENT for e in EXTENSIONS))
# Des POST qui écrivent et répondent 200 (la feuille du code d'activation, montrée une seule fois).
POST_QUI_ECRIVENT = set().union(*(getattr(e, "POST_QUI_ECRIVENT", set()) for e in EXTENSIONS))
# Des POST qu'un visiteur anonyme fait avec succès (accepter une invitation, activer son espace personnel).
POST_ANONYMES_QUI_ECRIVENT = {"partenaires:invitation"}.union(
    *(getattr(e, "POST_ANONYMES_QUI_ECRIVENT", set()) for e in EXTENSIONS)
)

CAS = [
    pytest.param(nom, methode, acteur, id=f"{nom}-{methode}-{acteur}")
    for nom, (_, par_methode) in MATRICE.items()
    for methode in par_methode
    for acteur in ACTEURS + PERSONNES + ACTEURS_DE_COMITE
]


@pytest.mark.parametrize(("nom", "methode", "acteur"), CAS)
def test_matrice(client, connecter, contexte, nom, methode, acteur):
    arguments, par_methode = MATRICE[nom]
    attendus, donnees = par_methode[methode]
    # Les acteurs supplémentaires d'une partie sont fabriqués à la demande, sous leur nom.
    utilisateur = contexte["acteurs"][acteur] if acteur in contexte["acteurs"] else contexte[acteur]
    if utilisateur is not None:
        connecter(utilisateur)
    url = reverse(nom, args=arguments(contexte))
    avant = etat_de_la_base()
    if methode == "GET":
        reponse = client.get(url)
    else:
        reponse = client.post(url, donnees(contexte) if donnees else {})
    if acteur in PERSONNES:
        attendu = attendu_pour_une_personne(url, attendus, acteur)
    elif acteur in ACTEURS_DE_COMITE:
        attendu = attendu_pour_un_acteur_de_comite(attendus, acteur)
    else:
        attendu = attendus[acteur]
    assert reponse.status_code == attendu, f"{methode} {url} par {acteur}"
    verifier_en_tetes(reponse, connecte=utilisateur is not None)
    # Un fichier servi est lu jusqu'au bout (ce qui le referme) ; aucune réponse ne contient le nom d'une personne
    # qu'aucun acteur ne suit.
    contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    assert SENTINELLE.encode() not in contenu, f"{methode} {url} par {acteur} montre une personne d'ailleurs"
    assert NIR_TREIZE.encode() not in contenu and NIR_TREIZE not in reponse.get("Location", ""), (
        f"{methode} {url} par {acteur} montre le NIR"
    )
    if contenu.startswith(b"%PDF-"):  # le texte d'un PDF est compressé : on le lit
        for interdit in (SENTINELLE, NIR_TREIZE):
            assert not pdf_contient(contenu, interdit), f"{methode} {url} par {acteur} : {interdit} dans le PDF"
    if methode == "POST":
        accepte = (
            (nom in POST_QUI_ECRIVENT and attendu == 200)
            or (attendu == 302 and acteur != "anonyme")
            or (nom in POST_ANONYMES_QUI_ECRIVENT and acteur == "anonyme")
        )
    else:
        accepte = attendu == 200 or (nom in GET_QUI_ECRIVENT and attendu == 302 and acteur != "anonyme")
    if not accepte:
        assert etat_de_la_base() == avant, f"un {methode} refusé a modifié la base"
