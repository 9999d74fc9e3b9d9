"""Les acteurs de la matrice des URL et les attendus qui reviennent d'une URL à l'autre (voir
tests/test_matrice_urls.py). Un seul endroit, importé par la matrice et par chaque partie du parcours."""

ACTEURS = [
    "anonyme",
    "membre_autre_organisation",
    "professionnel",  # de l'organisation visée, et référent du carnet
    "administrateur",  # de l'organisation visée, qui partage le carnet
    "pilote",
    "pilote_autre_territoire",
    "superutilisateur",
    "accompagnateur",  # d'une deuxième organisation, intervenant du carnet
    "collegue_organisation_partageante",  # de cette deuxième organisation, sans être intervenant
    "ancien_intervenant",  # d'une troisième organisation, sorti du groupe de suivi
    "charge_orientation",  # du Département du territoire (comme le pilote), qui décide des orientations
]
AUTRES_ORGANISATIONS = ["accompagnateur", "collegue_organisation_partageante", "ancien_intervenant"]
# Les personnes accompagnées, connectées à leur espace personnel : celle du carnet visé, et une autre personne (son
# propre carnet, son propre espace). Elles parcourent toutes les URL du projet.
PERSONNES = ["personne", "autre_personne"]
# Les seules pages hors de son espace qu'une personne connectée atteint (partenaires.middleware).
PAGES_PUBLIQUES_POUR_UNE_PERSONNE = ("/offre/public/", "/sante/")


def attendu_pour_une_personne(url: str, attendus: dict, acteur: str) -> int:
    """Ce qu'une personne connectée obtient sur une URL : ce que la déclaration dit pour elle, sinon l'accueil la
    renvoie à son espace, une page publique lui répond comme à un visiteur anonyme, et tout le reste est 404."""
    if acteur in attendus:
        return attendus[acteur]
    if url == "/":
        return 302
    if url.startswith(PAGES_PUBLIQUES_POUR_UNE_PERSONNE):
        return attendus["anonyme"]
    return 404


# Le secrétaire du comité (membre du Département du territoire, rôle « secrétaire de comité ») et le co-président
# (professionnel de la préfecture), fabriqués par tests/matrice/gouvernance_commun.py. Ils parcourent toutes les URL
# du projet, pas seulement celles de la gouvernance.
ACTEURS_DE_COMITE = ["secretaire_comite", "copresident"]


def attendu_pour_un_acteur_de_comite(attendus: dict, acteur: str) -> int:
    """Ce que la déclaration dit pour lui ; sinon (hors de la gouvernance), un rôle de comité ne donne aucun droit sur
    les carnets, l'offre ou les organisations : il obtient ce qu'obtient le membre d'une organisation qui ne partage
    rien (`membre_autre_organisation`)."""
    return attendus.get(acteur, attendus["membre_autre_organisation"])


def tous(statut):
    return dict.fromkeys(ACTEURS, statut)


def connectes(statut, **exceptions):
    return {**tous(statut), "anonyme": 302, **exceptions}


def etrangers(statut):
    """Les membres d'organisations qui ne sont pas l'organisation visée."""
    return {
        "membre_autre_organisation": statut,
        "pilote_autre_territoire": statut,
        "charge_orientation": statut,
    } | dict.fromkeys(AUTRES_ORGANISATIONS, statut)


def apres_succes(attendus, statut_succes=302):
    return {acteur: (statut_succes if statut == 200 else statut) for acteur, statut in attendus.items()}


POST_SANS_GET = connectes(405)

# Carnet : partagé avec l'organisation visée (référent : le professionnel) et la deuxième organisation
# (l'accompagnateur) ; ni le pilote, ni le superutilisateur, ni l'ancien intervenant, ni le chargé d'orientation
# (tant qu'aucune demande d'orientation ne lui est adressée) ne le voient.
VOIR_CARNET = connectes(
    200,
    membre_autre_organisation=404,
    pilote=404,
    pilote_autre_territoire=404,
    superutilisateur=404,
    ancien_intervenant=404,
    charge_orientation=404,
)
MODIFIER_CARNET = {**VOIR_CARNET, "collegue_organisation_partageante": 403}
