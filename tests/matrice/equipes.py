"""Équipes pluridisciplinaires : déclarations de la matrice des URL.

Le décor : une équipe du 40 portée par le Département « pilotage » (son pilote et son chargé d'orientation la
gèrent ; seul le chargé d'orientation, délégataire du président, décide : le pilote ne décide pas des dossiers
individuels) ; le collègue de la deuxième organisation y siège avec son compte (il voit l'équipe et ses séances,
sans agir) ; une séance à venir (où l'on inscrit le carnet du contexte), deux séances passées où le dossier d'une
autre personne attend l'avis, puis la décision. Personne d'autre ne voit l'équipe (404), pas même le
superutilisateur. Les organisations de la matrice sont toutes des Départements (fabrique par défaut) : leurs
administrateurs ouvrent le formulaire de création, mais ne peuvent y choisir que leur propre organisation."""

from datetime import date, timedelta

from django.utils import timezone

from parcours import services as parcours_services
from parcours.models import DossierEquipe, EquipePluridisciplinaire, MembreEquipe, SeanceEquipe
from tests.matrice.acteurs import MODIFIER_CARNET, apres_succes, connectes
from tests.parcours.equipes_fabriques import (
    Qualite,
    dossier_equipe,
    equipe_pluridisciplinaire,
    membre_equipe,
    seance_equipe,
)

GET_QUI_ECRIVENT = set()

VOIR_EQUIPE = connectes(404, pilote=200, charge_orientation=200, collegue_organisation_partageante=200)
GERER_EQUIPE = {**VOIR_EQUIPE, "collegue_organisation_partageante": 403}
DECIDER_EQUIPE = {**GERER_EQUIPE, "pilote": 403}
CREER_EQUIPE = connectes(
    403,
    pilote=200,
    charge_orientation=200,
    administrateur=200,
    membre_autre_organisation=200,
    pilote_autre_territoire=200,
    # Un rôle de comité (secrétaire du Département, co-président de la préfecture) ne crée pas d'équipe.
    secretaire_comite=403,
    copresident=403,
)
# Le formulaire ne propose que les Départements de l'acteur : « pilotage » n'y est que pour son pilote et son chargé
# d'orientation ; les autres voient leur choix refusé (400).
CREER_EQUIPE_POST = {
    **CREER_EQUIPE,
    "pilote": 302,
    "charge_orientation": 302,
    "administrateur": 400,
    "membre_autre_organisation": 400,
    "pilote_autre_territoire": 400,
}

EQUIPE = lambda c: [c["ep"].uuid]  # noqa: E731


def _avec_seance_a_venir(c):
    c["seance_ep"]  # le décor de l'équipe existe avant l'état de la base pris par la matrice
    return [c["carnet"].uuid]


def _dans_une_semaine():
    return timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


MATRICE = {
    "parcours:equipes": (lambda c: [], {"GET": (connectes(200), None)}),
    "parcours:equipe_creer": (
        lambda c: [],
        {
            "GET": (CREER_EQUIPE, None),
            "POST": (CREER_EQUIPE_POST, lambda c: {"nom": "EP du Marsan", "organisation": str(c["pilotage"].uuid)}),
        },
    ),
    "parcours:equipe": (EQUIPE, {"GET": (VOIR_EQUIPE, None)}),
    "parcours:equipe_modifier": (
        EQUIPE,
        {
            "GET": (GERER_EQUIPE, None),
            "POST": (apres_succes(GERER_EQUIPE), lambda c: {"nom": "EP de Dax", "secteur": "", "active": "on"}),
        },
    ),
    "parcours:equipe_membre_ajouter": (
        EQUIPE,
        {
            "GET": (GERER_EQUIPE, None),
            "POST": (
                apres_succes(GERER_EQUIPE),
                lambda c: {"qualite": "professionnel", "nom_complet": "Marc Dupin", "date_debut": "2026-01-05"},
            ),
        },
    ),
    "parcours:equipe_membre_terminer": (
        lambda c: [c["ep"].uuid, c["membre_ep"].uuid],
        {
            "GET": (GERER_EQUIPE, None),
            "POST": (apres_succes(GERER_EQUIPE), lambda c: {"date_fin": timezone.localdate().isoformat()}),
        },
    ),
    "parcours:equipe_seance_creer": (
        EQUIPE,
        {
            "GET": (GERER_EQUIPE, None),
            "POST": (apres_succes(GERER_EQUIPE), lambda c: {"date_heure": _dans_une_semaine(), "lieu": "Dax"}),
        },
    ),
    "parcours:equipe_seance": (lambda c: [c["seance_ep_passee"].uuid], {"GET": (VOIR_EQUIPE, None)}),
    "parcours:equipe_avis": (
        lambda c: [c["dossier_ep"].uuid],
        {
            "GET": (GERER_EQUIPE, None),
            "POST": (apres_succes(GERER_EQUIPE), lambda c: {"avis": "favorable", "motif_avis": "Projet réaliste."}),
        },
    ),
    "parcours:equipe_decision": (
        lambda c: [c["dossier_ep_avise"].uuid],
        {
            "GET": (DECIDER_EQUIPE, None),
            "POST": (
                apres_succes(DECIDER_EQUIPE),
                lambda c: {"decision": "reorientation", "motif_decision": "Suivant l'avis."},
            ),
        },
    ),
    "parcours:equipe_inscrire": (
        _avec_seance_a_venir,
        {
            "GET": (MODIFIER_CARNET, None),
            "POST": (
                apres_succes(MODIFIER_CARNET),
                lambda c: {"seance": str(c["seance_ep"].uuid), "motif": "reorientation", "resume": "Projet prêt."},
            ),
        },
    ),
}


def fabriques(contexte):
    def decor():
        pilote = contexte["acteurs"]["pilote"]
        referent = contexte["acteurs"]["professionnel"]
        ep = equipe_pluridisciplinaire(contexte["pilotage"], pilote)
        membre_equipe(
            ep,
            Qualite.PROFESSIONNEL,
            "Collègue membre",
            utilisateur=contexte["acteurs"]["collegue_organisation_partageante"],
        )
        autre_carnet = parcours_services.ouvrir_carnet(
            acteur=referent,
            organisation=contexte["organisation"],
            nom="Bernard",
            prenom="Lou",
            date_naissance=date(1979, 6, 1),
        )
        passee, plus_ancienne = seance_equipe(ep, pilote, dans_jours=-1), seance_equipe(ep, pilote, dans_jours=-30)
        return {
            "ep": ep,
            "membre_ep": ep.membres.get(nom_complet="Paul Lafitte"),
            "seance_ep": seance_equipe(ep, pilote, dans_jours=7),
            "seance_ep_passee": passee,
            "dossier_ep": dossier_equipe(passee, autre_carnet, referent),
            "dossier_ep_avise": dossier_equipe(
                plus_ancienne, autre_carnet, referent, avis=DossierEquipe.Avis.FAVORABLE
            ),
        }

    return dict.fromkeys(("ep", "membre_ep", "seance_ep", "seance_ep_passee", "dossier_ep", "dossier_ep_avise"), decor)


def etat():
    return [
        list(EquipePluridisciplinaire.objects.order_by("pk").values_list("pk", "nom", "secteur", "active")),
        list(MembreEquipe.objects.order_by("pk").values_list("pk", "date_fin")),
        SeanceEquipe.objects.count(),
        list(DossierEquipe.objects.order_by("pk").values_list("pk", "avis", "decision")),
    ]
