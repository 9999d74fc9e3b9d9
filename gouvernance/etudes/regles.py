"""Qui voit et fait quoi sur les études de situations (bâti sur `gouvernance.permissions` et
`parcours.permissions`, jamais sur guardian).

- côté carnet : ceux qui voient le carnet voient ses études, leur statut et la recommandation ; ceux qui le
  modifient (intervenants, administrateurs des organisations qui le suivent) soumettent et retirent une étude ;
- côté comité : ceux qui voient le comité (`visible_comites` : organisations qui y siègent, secrétaire,
  co-présidents, pilote du territoire) voient ses études sous pseudonyme, jamais le nom ni le carnet ; le
  secrétaire les inscrit à l'ordre du jour et saisit la recommandation ;
- personne d'autre ne voit rien (404) ; un objet vu mais une action interdite : 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from gouvernance import permissions
from gouvernance.choix import TypeComite
from gouvernance.models import Comite, EtudeSituation
from parcours.orientation.regles import departements_du_carnet

SECRETAIRE_SEUL = "Seul le secrétaire du comité inscrit les études et saisit les recommandations."


def comites_pour_soumettre(carnet):
    """Les comités techniques actifs du consortium du territoire du carnet."""
    return Comite.objects.actifs().filter(
        type=TypeComite.TECHNIQUE, consortium__departement__in=departements_du_carnet(carnet)
    )


# --- Côté comité -------------------------------------------------------------------------------------------------


def visible_etudes(user):
    return EtudeSituation.objects.filter(comite__in=permissions.visible_comites(user).values("pk"))


def get_etude_for_user(user, uuid) -> EtudeSituation:
    etude = (
        visible_etudes(user)
        .select_related("comite__consortium", "comite__secretaire", "organisation", "point__seance")
        .filter(uuid=uuid)
        .first()
    )
    if etude is None:
        raise Http404("Étude introuvable.")
    return etude


def get_etude_for_secretaire(user, uuid) -> EtudeSituation:
    etude = get_etude_for_user(user, uuid)
    if not permissions.can_edit_seances(user, etude.comite):
        raise PermissionDenied(SECRETAIRE_SEUL)
    return etude


# --- Côté carnet -------------------------------------------------------------------------------------------------


def get_etude_du_carnet(carnet, uuid) -> EtudeSituation:
    etude = carnet.etudes_situation.select_related("comite", "point__seance").filter(uuid=uuid).first()
    if etude is None:
        raise Http404("Étude introuvable.")
    return etude
