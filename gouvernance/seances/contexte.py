"""Ce que montrent les pages des séances, en un nombre de requêtes fixe (quel que soit le nombre de points ou de
séances) :

- `contexte_seance(seance, user)` : la page de la séance (en-tête, ordre du jour, validations des co-présidents,
  convocation, boutons selon le rôle), avec les contextes des inclusions des parties délibération (tenue de la
  séance) et comptes rendus (documents) ;
- `contexte_comite(comite, user)` : les séances à venir et passées d'un comité, pour la page du comité (inclusion
  `gouvernance/seances/includes/seances_du_comite.html`, sous la clé `seances_du_comite`).
"""

from django.db.models import Count, Q
from django.utils import timezone

from gouvernance import permissions
from gouvernance.choix import StatutSeance
from gouvernance.seances.services import SANS_COPRESIDENT, mandats_a_convoquer


def _copresidences(seance) -> list:
    """Les co-présidents du comité, chacun avec sa validation de l'ordre du jour de la séance (ou None)."""
    validations = {v.copresidence_id: v for v in seance.validations.all()}
    copresidences = list(
        seance.comite.copresidences.select_related("utilisateur", "siege__organisation").order_by(
            "-voix_preponderante", "pk"
        )
    )
    for copresidence in copresidences:
        copresidence.validation = validations.get(copresidence.pk)
    return copresidences


def _convocation(seance) -> dict | None:
    """« Convocation envoyée le … à N personnes (M envoyées) »."""
    if not seance.convocation_envoyee_le:
        return None
    compte = seance.envois_convocation.aggregate(
        personnes=Count("pk"), envoyees=Count("pk", filter=Q(envoye_le__isnull=False))
    )
    return {"le": seance.convocation_envoyee_le, **compte}


def contexte_seance(seance, user) -> dict:
    comite = seance.comite
    points = list(seance.points.select_related("fiche_action").order_by("ordre", "pk"))
    copresidences = _copresidences(seance)
    ma_copresidence = next((c for c in copresidences if c.utilisateur_id == user.pk), None)
    peut_editer = permissions.can_edit_seances(user, comite)
    preparation = seance.ordre_du_jour_modifiable
    contexte = {
        "seance": seance,
        "comite": comite,
        "ordre_du_jour": points,
        "duree_totale": sum(point.duree_minutes or 0 for point in points),
        "copresidences": copresidences,
        "sans_copresident": SANS_COPRESIDENT if not copresidences else "",
        "validations_faites": sum(1 for c in copresidences if c.validation),
        "ma_copresidence": ma_copresidence,
        "peut_valider": bool(ma_copresidence and ma_copresidence.validation is None and preparation and points),
        "peut_editer_seance": peut_editer and preparation,
        "peut_convoquer": peut_editer and seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE,
        "a_convoquer": mandats_a_convoquer(seance).count() if peut_editer and preparation else None,
        "convocation": _convocation(seance),
        "voit_plan": bool(
            any(point.fiche_action_id for point in points)
            and permissions.visible_consortiums(user).filter(pk=comite.consortium_id).exists()
        ),
        "erreur": None,
    }
    # Les inclusions des autres parties (tenue de la séance, documents) : leurs clés ne masquent pas celles de la page.
    from gouvernance.comptes_rendus.contexte import contexte_documents
    from gouvernance.deliberation.contexte import contexte_tenue

    return {**contexte_tenue(seance, user), **contexte_documents(seance, user), **contexte}


def contexte_comite(comite, user) -> dict:
    maintenant = timezone.now()
    seances = list(comite.seances.annotate(nombre_points=Count("points")).order_by("date", "pk"))
    a_venir = [s for s in seances if s.date >= maintenant and not s.est_cloturee]
    passees = [s for s in reversed(seances) if s.date < maintenant or s.est_cloturee]
    return {
        "seances_du_comite": {
            "comite": comite,
            "a_venir": a_venir,
            "passees": passees,
            "peut_creer": permissions.can_edit_seances(user, comite) and comite.actif,
        }
    }
