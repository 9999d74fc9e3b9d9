"""Gouvernance : le décor commun des déclarations de la matrice (tests/matrice/gouvernance_*.py).

Le consortium des Landes (40) est piloté par le Département (« pilotage » : le pilote, le chargé d'orientation et
le secrétaire de comité en sont membres) ; l'organisation visée et la préfecture en sont membres. Son comité
départemental pour l'emploi a quatre sièges : la préfecture (co-présidée par l'acteur « copresident », voix
prépondérante), le Département et l'organisation visée à voix délibérative, la deuxième organisation à voix
consultative. Son secrétaire est l'acteur « secretaire_comite ».

Qui voit quoi :
- le comité : les organisations qui y siègent (professionnel, administrateur, chargé d'orientation,
  accompagnateur, collègue de la deuxième organisation), son secrétaire, ses co-présidents, le pilote du 40 ;
- le consortium et son plan d'actions : ses organisations membres (la deuxième organisation n'en est pas), le
  pilote, le secrétaire ;
- personne d'autre (404), pas même le superutilisateur.
"""

from datetime import timedelta

from django.utils import timezone

from gouvernance.choix import Qualite, RoleConsortium, StatutSeance, TypePoint, Voix
from gouvernance.composition import services as composition
from gouvernance.models import (
    Comite,
    ComitePermissionGroupe,
    Consortium,
    ConsortiumPermissionGroupe,
    CoPresidence,
    Decision,
    EnvoiConvocation,
    FicheAction,
    IndicateurFiche,
    LigneBudget,
    Mandat,
    MembreConsortium,
    Point,
    Presence,
    Seance,
    Siege,
    SuiviDecision,
    SuiviFiche,
    ValidationOrdreDuJour,
    Vote,
)
from partenaires.choix import Role, TypeOrganisation
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques as fabriques_gouvernance
from tests.matrice.acteurs import connectes

ACTEURS_SUPPLEMENTAIRES = ["secretaire_comite", "copresident"]
MATRICE = {}  # les URL sont déclarées par les modules gouvernance_<partie>
GET_QUI_ECRIVENT = set()


def _avec(attendus, **exceptions):
    return {**attendus, **exceptions}


# Voir le comité et ses séances.
VOIR_COMITE = connectes(
    404,
    professionnel=200,
    administrateur=200,
    pilote=200,
    accompagnateur=200,
    collegue_organisation_partageante=200,
    charge_orientation=200,
    secretaire_comite=200,
    copresident=200,
)
# Tenir les séances : le secrétaire seul ; les autres qui voient le comité : 403.
SECRETAIRE = {acteur: (403 if statut == 200 else statut) for acteur, statut in VOIR_COMITE.items()} | {
    "secretaire_comite": 200
}
# Valider l'ordre du jour : les co-présidents seuls.
COPRESIDENT = {**SECRETAIRE, "secretaire_comite": 403, "copresident": 200}
# Gérer le consortium, ses comités et leur composition : le pilote du territoire.
VOIR_CONSORTIUM = connectes(
    404,
    professionnel=200,
    administrateur=200,
    pilote=200,
    charge_orientation=200,
    secretaire_comite=200,
    copresident=200,
)
PILOTE = {acteur: (403 if statut == 200 else statut) for acteur, statut in VOIR_CONSORTIUM.items()} | {"pilote": 200}
PILOTE_COMITE = {acteur: (403 if statut == 200 else statut) for acteur, statut in VOIR_COMITE.items()} | {"pilote": 200}
# Tenir le plan d'actions : le pilote et les secrétaires des comités du consortium.
EDITER_PLAN = {**PILOTE, "secretaire_comite": 200}
# Actualiser une fiche (avancement, budget, indicateurs) : en plus, les membres de son organisation pilote (la visée).
ACTUALISER_FICHE = {**EDITER_PLAN, "professionnel": 200, "administrateur": 200}


def fabriques(contexte):
    def acteurs():
        pilotage = contexte["pilotage"]
        prefecture = OrganisationFactory(nom="Préfecture des Landes", type=TypeOrganisation.ETAT, departement="40")
        return {
            "prefecture": prefecture,
            "secretaire_comite": membre(pilotage, Role.SECRETAIRE_COMITE, prenom="Sacha", nom="Secrétaire").utilisateur,
            "copresident": membre(prefecture, Role.PROFESSIONNEL, prenom="Pierre", nom="Préfet").utilisateur,
        }

    def gouvernance():
        pilotage, visee, deuxieme = contexte["pilotage"], contexte["organisation"], contexte["deuxieme"]
        prefecture, secretaire, copresident = (
            contexte["prefecture"],
            contexte["secretaire_comite"],
            contexte["copresident"],
        )
        pilote = contexte["acteurs"]["pilote"]
        consortium = fabriques_gouvernance.consortium(pilotage, nom="Consortium SPIE des Landes")
        for organisation in (visee, prefecture):
            composition.ajouter_membre(consortium, acteur=pilote, organisation=organisation, role=RoleConsortium.MEMBRE)
        comite = fabriques_gouvernance.comite(consortium, secretaire=secretaire)
        siege_etat = fabriques_gouvernance.siege(comite, prefecture, libelle="Représentant de l'État", ordre=1)
        siege_departement = fabriques_gouvernance.siege(comite, pilotage, ordre=2)
        siege_vise = fabriques_gouvernance.siege(comite, visee, ordre=3)
        siege_consultatif = fabriques_gouvernance.siege(comite, deuxieme, voix=Voix.CONSULTATIVE, ordre=4)
        mandat = fabriques_gouvernance.mandat(siege_etat, prenom="Pierre", nom="Préfet", utilisateur=copresident)
        for siege in (siege_departement, siege_vise, siege_consultatif):
            fabriques_gouvernance.mandat(siege, nom=f"Titulaire {siege.ordre}")
        suppleant = fabriques_gouvernance.mandat(
            siege_etat, prenom="Sophie", nom="Sous-préfète", qualite=Qualite.SUPPLEANT
        )
        copresidence = composition.ajouter_copresidence(
            comite, acteur=pilote, siege=siege_etat, utilisateur=copresident, voix_preponderante=True
        )
        fiche = fabriques_gouvernance.fiche(consortium, visee, titre="Garage solidaire du Marsan")
        preparation = fabriques_gouvernance.seance(comite, cree_par=secretaire)
        point_preparation = fabriques_gouvernance.point(preparation, "Bilan du plan mobilité", fiche_action=fiche)
        convoquee = fabriques_gouvernance.seance_commencee(comite, cree_par=secretaire)
        point_deliberation = fabriques_gouvernance.point(
            convoquee, "Création d'un garage solidaire", type=TypePoint.DELIBERATION, fiche_action=fiche
        )
        precedente = fabriques_gouvernance.seance(
            comite, cree_par=secretaire, statut=StatutSeance.CLOTUREE, dans_jours=-180, cloturee_le=timezone.now()
        )
        decision = fabriques_gouvernance.decision(precedente, visee, echeance=timezone.localdate() + timedelta(days=60))
        return {
            "consortium": consortium,
            "membre_consortium": consortium.membres.get(organisation=visee),
            "comite": comite,
            "siege_etat": siege_etat,
            "siege_vise": siege_vise,
            "siege_consultatif": siege_consultatif,
            "mandat": mandat,
            "mandat_suppleant": suppleant,
            "copresidence": copresidence,
            "fiche": fiche,
            "ligne_budget": fabriques_gouvernance.ligne_budget(fiche, prevu="356800", engage="200000"),
            "indicateur": IndicateurFiche.objects.create(fiche=fiche, libelle="Personnes accompagnées", cible=60),
            "seance_preparation": preparation,
            "point_preparation": point_preparation,
            "seance_convoquee": convoquee,
            "point_deliberation": point_deliberation,
            "seance_cloturee": precedente,
            "decision": decision,
        }

    cles = [
        "consortium",
        "membre_consortium",
        "comite",
        "siege_etat",
        "siege_vise",
        "siege_consultatif",
        "mandat",
        "mandat_suppleant",
        "copresidence",
        "fiche",
        "ligne_budget",
        "indicateur",
        "seance_preparation",
        "point_preparation",
        "seance_convoquee",
        "point_deliberation",
        "seance_cloturee",
        "decision",
    ]
    return {"prefecture": acteurs, "secretaire_comite": acteurs, "copresident": acteurs} | dict.fromkeys(
        cles, gouvernance
    )


def etat():
    return (
        list(Consortium.objects.order_by("pk").values_list("pk", "nom", "departement")),
        list(MembreConsortium.objects.order_by("pk").values_list("pk", "organisation_id", "role")),
        ConsortiumPermissionGroupe.objects.count(),
        list(
            Comite.objects.order_by("pk").values_list(
                "pk", "nom", "type", "theme", "quorum_pourcentage", "secretaire_id", "actif"
            )
        ),
        ComitePermissionGroupe.objects.count(),
        list(Siege.objects.order_by("pk").values_list("pk", "organisation_id", "voix", "libelle", "ordre")),
        list(Mandat.objects.order_by("pk").values_list("pk", "nom", "email", "date_debut", "date_fin")),
        list(CoPresidence.objects.order_by("pk").values_list("pk", "utilisateur_id", "voix_preponderante")),
        list(
            Seance.objects.order_by("pk").values_list(
                "pk", "date", "lieu", "statut", "synthese", "convocation_envoyee_le", "cloturee_le", "compte_rendu"
            )
        ),
        ValidationOrdreDuJour.objects.count(),
        list(EnvoiConvocation.objects.order_by("pk").values_list("pk", "envoye_le")),
        list(Point.objects.order_by("pk").values_list("pk", "ordre", "titre", "notes", "mode", "resultat")),
        list(Presence.objects.order_by("pk").values_list("pk", "statut", "represente_par_id")),
        list(Vote.objects.order_by("pk").values_list("pk", "choix")),
        list(Decision.objects.order_by("pk").values_list("pk", "texte", "statut", "echeance")),
        SuiviDecision.objects.count(),
        list(FicheAction.objects.order_by("pk").values_list("pk", "titre", "statut", "avancement")),
        list(LigneBudget.objects.order_by("pk").values_list("pk", "prevu", "engage", "depense")),
        list(IndicateurFiche.objects.order_by("pk").values_list("pk", "libelle", "valeur")),
        SuiviFiche.objects.count(),
    )
