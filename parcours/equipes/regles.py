"""Qui voit et qui tient les équipes pluridisciplinaires : des règles bâties sur la façade `partenaires.permissions`.

- gestionnaires d'une équipe : le pilote de son département, les chargés d'orientation et les administrateurs de son
  organisation porteuse (un Département) ; ils la modifient, tiennent ses membres et ses séances, saisissent l'avis ;
- décideurs : les délégataires du président du Département (`parcours.delegation`, la même règle que pour les
  sanctions) : les chargés d'orientation d'un Département du département de l'équipe ; pas le pilote, qui pilote le
  territoire sans décider des dossiers individuels ;
- membres en fonction qui ont un compte (et restent membres actifs d'une organisation) : ils voient l'équipe et les
  séances tenues pendant leur mandat, c'est-à-dire le seul résumé de chaque dossier, jamais le carnet ;
- personne d'autre ne voit rien (404), pas même le superutilisateur ; une équipe vue mais une action interdite : 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from parcours import delegation
from parcours.models import DossierEquipe, EquipePluridisciplinaire, MembreEquipe, SeanceEquipe
from parcours.orientation.regles import departements_du_carnet
from partenaires import permissions
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Organisation

ROLES_GESTION = (Role.CHARGE_ORIENTATION, Role.ADMINISTRATEUR)


def _connecte(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def en_fonction(le=None, prefixe="") -> Q:
    """Le filtre des membres d'équipe en fonction à cette date (aujourd'hui par défaut) ; `prefixe` : depuis un
    modèle lié (« membres__ » depuis l'équipe)."""
    jour = le or timezone.localdate()
    return Q(**{f"{prefixe}date_debut__lte": jour}) & (
        Q(**{f"{prefixe}date_fin__isnull": True}) | Q(**{f"{prefixe}date_fin__gte": jour})
    )


def membres_en_fonction(le=None):
    return MembreEquipe.objects.filter(en_fonction(le))


def _organisations(user, *roles):
    return permissions.membres_actifs(user).filter(role__in=roles).values("organisation")


def organisations_porteuses(user):
    """Les Départements (organisations actives) qui peuvent porter une équipe créée par l'utilisateur : ceux de son
    territoire de pilote, et le sien s'il y est chargé d'orientation ou administrateur."""
    if not _connecte(user):
        return Organisation.objects.none()
    return (
        Organisation.objects.actives()
        .filter(type=TypeOrganisation.DEPARTEMENT)
        .filter(
            Q(departement__in=permissions.departements_pilotes(user)) | Q(pk__in=_organisations(user, *ROLES_GESTION))
        )
        .order_by("departement", "nom")
    )


def peut_creer_equipe(user) -> bool:
    return organisations_porteuses(user).exists()


def equipes_gerees(user):
    if not _connecte(user):
        return EquipePluridisciplinaire.objects.none()
    return EquipePluridisciplinaire.objects.filter(
        Q(departement__in=permissions.departements_pilotes(user))
        | Q(organisation__in=_organisations(user, *ROLES_GESTION))
    )


def equipes_visibles(user):
    """Les équipes qu'on gère, et celles dont on est membre en fonction avec son compte."""
    if not _connecte(user):
        return EquipePluridisciplinaire.objects.none()
    critere = Q(pk__in=equipes_gerees(user).values("pk"))
    if permissions.membres_actifs(user).exists():
        critere |= Q(pk__in=membres_en_fonction().filter(utilisateur=user).values("equipe"))
    return EquipePluridisciplinaire.objects.filter(critere)


def est_gestionnaire(user, equipe) -> bool:
    return _connecte(user) and (
        equipe.departement in permissions.departements_pilotes(user)
        or permissions.a_le_role(user, equipe.organisation_id, *ROLES_GESTION)
    )


def peut_decider(user, equipe) -> bool:
    """Le délégataire du président du Département, dans le département de l'équipe (`parcours.delegation`)."""
    return _connecte(user) and delegation.est_delegataire(user, [equipe.departement])


def seances_visibles(user):
    """Les séances des équipes qu'on gère ; pour un membre (en fonction aujourd'hui), celles dont la date tombe
    pendant l'un de ses mandats : il ne lit pas les dossiers présentés avant son arrivée ni après son départ."""
    if not _connecte(user):
        return SeanceEquipe.objects.none()
    critere = Q(equipe__in=equipes_gerees(user).values("pk"))
    if permissions.membres_actifs(user).exists():
        jour = OuterRef("jour")  # la date de la séance, à l'heure de Paris
        mandat = MembreEquipe.objects.filter(
            Q(date_fin__isnull=True) | Q(date_fin__gte=jour),
            equipe=OuterRef("equipe"),
            utilisateur=user,
            date_debut__lte=jour,
        )
        critere |= Q(Exists(mandat), equipe__in=membres_en_fonction().filter(utilisateur=user).values("equipe"))
    return SeanceEquipe.objects.annotate(jour=TruncDate("date_heure")).filter(critere)


def seances_ouvertes_pour(carnet):
    """Les séances à venir des équipes actives du territoire du carnet : celles où l'on peut inscrire son dossier."""
    return (
        SeanceEquipe.objects.filter(
            equipe__active=True, equipe__departement__in=departements_du_carnet(carnet), date_heure__gt=timezone.now()
        )
        .select_related("equipe")
        .order_by("date_heure", "id")
    )


# --- Accès : l'objet, 404 ou 403 ----------------------------------------------------------------------------------

GESTION_REFUSEE = (
    "Seuls le pilote du territoire et les chargés d'orientation ou administrateurs du Département "
    "porteur tiennent l'équipe."
)
DECISION_REFUSEE = (
    "Seuls les délégataires du président du Département, chargés d'orientation d'un Département du "
    "département de l'équipe, enregistrent la décision."
)


def get_equipe_for_user(user, uuid) -> EquipePluridisciplinaire:
    equipe = equipes_visibles(user).select_related("organisation").filter(uuid=uuid).first()
    if equipe is None:
        raise Http404("Équipe pluridisciplinaire introuvable.")
    return equipe


def get_equipe_for_gestion(user, uuid) -> EquipePluridisciplinaire:
    equipe = get_equipe_for_user(user, uuid)
    if not est_gestionnaire(user, equipe):
        raise PermissionDenied(GESTION_REFUSEE)
    return equipe


def get_seance_for_user(user, uuid) -> SeanceEquipe:
    seance = seances_visibles(user).filter(uuid=uuid).select_related("equipe__organisation").first()
    if seance is None:
        raise Http404("Séance introuvable.")
    return seance


def get_seance_for_gestion(user, uuid) -> SeanceEquipe:
    seance = get_seance_for_user(user, uuid)
    if not est_gestionnaire(user, seance.equipe):
        raise PermissionDenied(GESTION_REFUSEE)
    return seance


def _get_dossier(user, uuid) -> DossierEquipe:
    dossier = (
        DossierEquipe.objects.filter(seance__in=seances_visibles(user).values("pk"), uuid=uuid)
        .select_related("seance__equipe__organisation", "carnet__personne", "manquement")
        .first()
    )
    if dossier is None:
        raise Http404("Dossier introuvable.")
    return dossier


def get_dossier_for_avis(user, uuid) -> DossierEquipe:
    dossier = _get_dossier(user, uuid)
    if not est_gestionnaire(user, dossier.seance.equipe):
        raise PermissionDenied(GESTION_REFUSEE)
    return dossier


def get_dossier_for_decision(user, uuid) -> DossierEquipe:
    dossier = _get_dossier(user, uuid)
    if not peut_decider(user, dossier.seance.equipe):
        raise PermissionDenied(DECISION_REFUSEE)
    return dossier
