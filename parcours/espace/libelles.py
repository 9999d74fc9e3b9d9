"""Les mots de la personne : comment son espace (à l'écran) et le PDF de son carnet disent où en sont ses rendez-vous,
ses objectifs, ses actions et ses orientations vers un service. Une seule source, pour que l'écran et le PDF disent
la même chose (jamais les libellés des professionnels : « Honoré », « Expirée », « Réalisé »)."""

from django.utils import timezone

from parcours.models import Action, Objectif, OrientationService, RendezVous

STATUTS_ORIENTATION_SERVICE = {
    OrientationService.Statut.ENVOYEE: "Demande envoyée à la structure",
    OrientationService.Statut.A_L_ETUDE: "La structure étudie votre demande",
    OrientationService.Statut.ACCEPTEE: "Acceptée : la structure vous attend",
    OrientationService.Statut.REFUSEE: "Pas retenue par la structure",
    OrientationService.Statut.ENTREE: "Vous y participez",
    OrientationService.Statut.TERMINEE: "Terminée",
    OrientationService.Statut.ABANDONNEE: "Arrêtée",
    OrientationService.Statut.EXPIREE: "Pas de réponse de la structure",
}
STATUTS_OBJECTIF = {
    Objectif.Statut.NON_ABORDE: "pas encore commencé",
    Objectif.Statut.EN_COURS: "en cours",
    Objectif.Statut.REALISE: "atteint",
    Objectif.Statut.ABANDONNE: "abandonné",
}
STATUTS_ACTION = {
    Action.Statut.EN_PROJET: "à venir",
    Action.Statut.EN_COURS: "en cours",
    Action.Statut.REALISEE: "fait",
    Action.Statut.ABANDONNEE: "arrêtée",
    Action.Statut.ANNULEE: "annulée",
}
STATUTS_RENDEZ_VOUS = {
    RendezVous.Statut.PREVU: "prévu",
    RendezVous.Statut.HONORE: "vous êtes venu(e)",
    RendezVous.Statut.ABSENT: "absence",
    RendezVous.Statut.EXCUSE: "absence excusée",
    RendezVous.Statut.ANNULE: "annulé",
}
# Un rendez-vous passé que le professionnel n'a pas encore mis à jour : « prévu » serait faux.
RENDEZ_VOUS_A_CONFIRMER = "à confirmer par votre référent"


def statut_rendez_vous(rendez_vous: RendezVous, maintenant=None) -> str:
    maintenant = maintenant or timezone.now()
    if rendez_vous.statut == RendezVous.Statut.PREVU and rendez_vous.date_heure < maintenant:
        return RENDEZ_VOUS_A_CONFIRMER
    return STATUTS_RENDEZ_VOUS[rendez_vous.statut]


def rendez_vous_lu(rendez_vous: RendezVous, maintenant=None) -> dict:
    """Ce que la personne lit d'un rendez-vous, à l'écran comme dans le PDF (jamais le compte rendu du
    professionnel). Un rendez-vous annulé reste montré, marqué « annulé »."""
    return {
        "date_heure": rendez_vous.date_heure,
        "avec": str(rendez_vous.intervenant),
        "organisation": rendez_vous.organisation.nom,
        "ou": "À distance (téléphone ou visio)" if rendez_vous.a_distance else rendez_vous.lieu,
        "objet": rendez_vous.objet,
        "statut": statut_rendez_vous(rendez_vous, maintenant),
        "annule": rendez_vous.statut == RendezVous.Statut.ANNULE,
        "reponse": rendez_vous.get_reponse_display(),
    }


def statut_objectif(objectif: Objectif) -> str:
    return STATUTS_OBJECTIF[objectif.statut]


def statut_action(action: Action) -> str:
    return STATUTS_ACTION[action.statut]


def statut_orientation_service(orientation: OrientationService) -> str:
    return STATUTS_ORIENTATION_SERVICE[orientation.statut]
