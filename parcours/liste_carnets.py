"""Ce que la liste « Mes carnets » lit sur tous les carnets visibles, hors de la page elle-même : leur nombre et la
liste des référents de son filtre. La vue et la mesure (`mesurer_permissions`) passent par ici.

`cles_visibles` : les clés de partage des carnets visibles (`regles.visible_carnets_et_leurs_cles`), où les
groupes des organisations actives de l'utilisateur sont écrits en littéraux.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet

from parcours.models import Intervenant
from partenaires.models import Utilisateur

# Les référents du filtre restent en cache 5 minutes par utilisateur : pour un professionnel de deux ou trois grosses
# organisations, les lire parcourt l'index de tous les référents actifs de ses dizaines de milliers de carnets
# (60 à 100 ms à 200 000 personnes, docs/BENCHMARKS.md), à chaque retour sur la liste. Un nouveau référent y
# apparaît donc au plus 5 minutes plus tard ; la liste filtrée, elle, est toujours lue à jour.
DUREE_REFERENTS_DU_FILTRE = 5 * 60


def compter_les_visibles(cles_visibles) -> int:
    """Le nombre de carnets visibles, sans filtre : celui des clés de partage distinctes (un partage référence un
    carnet qui existe, clé étrangère), sans relire un carnet par clé comme `visible_carnets(user).count()`."""
    return cles_visibles.distinct().count()


def referents_visibles(cles_visibles):
    """Les référents actifs des carnets visibles, en une requête : une semi-jointure sur leurs identifiants (index
    partiel couvrant `referent_actif_utilisateur`), sans relire les carnets."""
    referents = Intervenant.objects.referents().filter(carnet__in=cles_visibles)
    return Utilisateur.objects.filter(pk__in=referents.values("utilisateur")).order_by("nom", "prenom", "pk")


def _cle_du_cache(user, cles_visibles) -> str | None:
    """Par utilisateur et par ensemble de groupes : la requête des clés porte les groupes de ses organisations
    actives en littéraux, si bien qu'une appartenance ajoutée, retirée ou désactivée change la clé (la liste est
    relue aussitôt) ; seuls les partages et les référents des carnets peuvent avoir jusqu'à 5 minutes de retard.
    None : aucune organisation active (la requête des clés est vide : aucun carnet visible, aucun référent)."""
    try:
        sql = str(cles_visibles.query)
    except EmptyResultSet:
        return None
    return f"parcours:referents-du-filtre:{user.pk}:{hashlib.sha256(sql.encode()).hexdigest()[:16]}"


def referents_du_filtre(user, cles_visibles) -> list[tuple[str, str]]:
    """(uuid, nom affiché) des référents proposés par le filtre de la liste, gardés `DUREE_REFERENTS_DU_FILTRE`."""
    cle = _cle_du_cache(user, cles_visibles)
    if cle is None:
        return []
    referents = cache.get(cle)
    if referents is None:
        referents = [(str(referent.uuid), str(referent)) for referent in referents_visibles(cles_visibles)]
        cache.set(cle, referents, DUREE_REFERENTS_DU_FILTRE)
    return referents


def oublier_referents_du_filtre(user, cles_visibles) -> None:
    """Pour mesurer la liste telle qu'au premier passage (`mesurer_permissions`)."""
    cle = _cle_du_cache(user, cles_visibles)
    if cle is not None:
        cache.delete(cle)
