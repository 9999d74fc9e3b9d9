"""Conservation des dossiers, gel légal, opposition au partage (issue 11 ; docs/RELIABILITY.md, section
« Conservation, gel légal, opposition »).

- Anonymisation : un carnet sans contact depuis `SPIE_CONSERVATION_MOIS` mois (24) est anonymisé. Le « dernier
  contact » est la règle du point de situation (`point_de_situation.avec_dernier_contact`), jamais recopiée. Un gel
  légal en cours, ou un rendez-vous prévu à venir, l'empêche. L'identité, les coordonnées, les identifiants, les
  textes libres et le compte d'espace personnel sont effacés ; ce que lisent les indicateurs (dates, types, statuts,
  orientations, territoire, commune INSEE, mois et année de naissance) reste.
- Gel légal : posé et levé par un administrateur de l'organisation du référent (`peut_gerer_gel_legal`).
- Opposition au partage : seule l'organisation du référent garde le carnet ; tout nouveau partage est refusé
  (`verifier_partage_permis`, appelé à chaque écriture d'une permission sur un carnet) ; l'import de personnes
  refuse la ligne (`personnes_en_opposition`).
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.db.models.functions import Cast, Concat, TruncMonth
from django.utils import timezone

from parcours import delais
from parcours import permissions as regles_carnet
from parcours.espace.acces import espace_ouvert_du_carnet
from parcours.models import (
    Action,
    ActivationEspace,
    AnonymisationCarnet,
    Carnet,
    CarnetPermissionGroupe,
    Consentement,
    ContratEngagement,
    DecisionOrientation,
    DemandeOpposition,
    DemandeOrientation,
    Diagnostic,
    DossierEquipe,
    ElementATraiter,
    EspacePersonne,
    EvaluationDomaine,
    EvenementCarnet,
    ExpressionPersonne,
    GelLegal,
    Intervenant,
    Manquement,
    Note,
    Objectif,
    OppositionPartage,
    OrientationService,
    Personne,
    PointSuiviEmploi,
    RendezVous,
    SortieParcours,
    Statut,
    TransfertTerritoire,
    TransitionOrientationService,
)
from parcours.orientation import regles as orientation_regles
from parcours.services import historiser
from parcours.signals import carnets_anonymises
from parcours.suivi.point_de_situation import avec_dernier_contact, debut_du_jour, sans_contact_depuis
from partenaires import permissions
from partenaires.choix import Role
from partenaires.models import Organisation, Utilisateur

EFFACE = "(effacé)"
ANONYME = "Anonyme"
LOT = 500  # carnets anonymisés par transaction : un lot échoue tout entier, jamais un carnet à moitié
MOTIF_MAX = 2000

# Les textes libres effacés, par modèle : (chemin vers le carnet, champs). Un texte vide reste vide, un texte
# écrit devient EFFACE (les contraintes « un motif avec une date de fin » restent vraies).
TEXTES_LIBRES = [
    (Statut, "personne__carnet", ["motif"]),
    (Intervenant, "carnet", ["motif_fin"]),
    (RendezVous, "carnet", ["lieu", "objet", "compte_rendu"]),
    (Note, "carnet", ["texte"]),
    (ContratEngagement, "carnet", ["signataires", "motif_amenagement"]),
    (Objectif, "carnet", ["libelle_libre"]),
    (Action, "objectif__carnet", ["libelle_libre"]),
    (Diagnostic, "carnet", ["experience", "competences", "langues", "motif_parcours"]),  # `permis` : des codes
    (EvaluationDomaine, "diagnostic__carnet", ["commentaire", "paroles_personne"]),
    (DemandeOrientation, "carnet", ["precision_retard", "motif_demande"]),
    (DecisionOrientation, "carnet", ["motif"]),
    (TransfertTerritoire, "carnet", ["motif"]),
    (Manquement, "carnet", ["faits", "motif_legitime_precision", "observations", "motif_decision", "motif_levee"]),
    (DossierEquipe, "carnet", ["resume", "motif_avis", "motif_decision"]),
    (ExpressionPersonne, "carnet", ["texte"]),
    (DemandeOpposition, "carnet", ["motif", "reponse"]),
    (OrientationService, "carnet", ["message"]),
    (TransitionOrientationService, "orientation__carnet", ["motif", "commentaire"]),
    (SortieParcours, "carnet", ["precision", "motif_reouverture"]),
    (PointSuiviEmploi, "sortie__carnet", ["commentaire"]),
    (ElementATraiter, "carnet", ["detail"]),
    (GelLegal, "carnet", ["motif", "motif_levee"]),
]
# Les données structurées qui portent des noms ou un instantané de l'identité : vidées.
JSON_VIDES = [
    (EvenementCarnet, "carnet", ["details"]),
    (OrientationService, "carnet", ["dossier"]),
]


# --- Conservation : quels carnets --------------------------------------------------------------------------


def limite_conservation(aujourd_hui: date) -> date:
    """Le premier jour encore « récent » : un contact ce jour-là ou après garde le carnet. Un carnet dont le dernier
    contact date d'exactement SPIE_CONSERVATION_MOIS mois (même jour du mois) n'est pas encore anonymisé ; il
    l'est le lendemain."""
    return delais.ajouter_mois(aujourd_hui, -settings.SPIE_CONSERVATION_MOIS)


def carnets_a_anonymiser(aujourd_hui: date | None = None):
    """Les carnets sans contact depuis la limite (règle du point de situation), pas encore anonymisés, sans gel
    légal en cours ni rendez-vous prévu à venir. Une seule requête, quel que soit le nombre de carnets."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    a_venir = RendezVous.objects.filter(
        carnet=OuterRef("pk"), statut=RendezVous.Statut.PREVU, date_heure__gte=debut_du_jour(aujourd_hui)
    )
    return (
        avec_dernier_contact(Carnet.objects.filter(anonymisation__isnull=True))
        .filter(sans_contact_depuis(limite_conservation(aujourd_hui)))
        .exclude(Exists(GelLegal.objects.actifs().filter(carnet=OuterRef("pk"))))
        .exclude(Exists(a_venir))
        .order_by("pk")
    )


def efface(champ: str) -> Case:
    """Un texte vide reste vide, un texte écrit devient EFFACE (à passer à `update`)."""
    return Case(When(**{champ: ""}, then=Value("")), default=Value(EFFACE), output_field=CharField())


def _anonymiser_lot(ids: list[int], *, par: str, aujourd_hui: date) -> list[int]:
    """Anonymise, dans la transaction en cours, ceux de ces carnets qui le sont toujours à anonymiser (verrouillés,
    relus) ; un nombre fixe de requêtes, quel que soit le nombre de carnets du lot."""
    list(Carnet.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    ids = list(carnets_a_anonymiser(aujourd_hui).filter(pk__in=ids).values_list("pk", flat=True))
    if not ids:
        return []
    personnes = Personne.objects.filter(carnet__in=ids)
    comptes = Utilisateur.objects.filter(espace_personne__personne__carnet__in=ids)
    comptes.update(
        email=None,
        identifiant=Concat(Value("anonyme-"), Cast("pk", CharField())),
        prenom="",
        nom="",
        telephone="",
        is_active=False,
        password="!",
    )
    EspacePersonne.objects.filter(personne__carnet__in=ids, ferme_le__isnull=True).update(ferme_le=timezone.now())
    ActivationEspace.objects.filter(personne__carnet__in=ids).update(email="", identifiant="")
    personnes.update(
        nom=ANONYME,
        prenom=ANONYME,
        date_naissance=TruncMonth("date_naissance"),
        lieu_naissance="",
        email="",
        telephone="",
        adresse="",
        code_postal="",
        commune="",
        identifiant_departement="",
        numero_caf_msa="",
        identifiant_france_travail="",
        nir_chiffre="",
        nir_empreinte="",
    )
    for modele, chemin, champs in TEXTES_LIBRES:
        modele.objects.filter(**{f"{chemin}__in": ids}).update(**{champ: efface(champ) for champ in champs})
    for modele, chemin, champs in JSON_VIDES:
        modele.objects.filter(**{f"{chemin}__in": ids}).update(**dict.fromkeys(champs, {}))
    carnets_anonymises.send(sender=Carnet, ids=ids)
    limite = limite_conservation(aujourd_hui)
    AnonymisationCarnet.objects.bulk_create(
        AnonymisationCarnet(
            carnet_id=pk, commande=par[:100], sans_contact_depuis=limite, duree_mois=settings.SPIE_CONSERVATION_MOIS
        )
        for pk in ids
    )
    return ids


def anonymiser_dossiers(*, executer: bool, par: str, aujourd_hui: date | None = None) -> list[int]:
    """Les identifiants techniques des carnets anonymisés (ou à anonymiser, en simulation). Idempotent : un carnet
    anonymisé ne l'est pas deux fois (il a sa trace `AnonymisationCarnet`)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    candidats = list(carnets_a_anonymiser(aujourd_hui).values_list("pk", flat=True))
    if not executer:
        return candidats
    faits: list[int] = []
    for debut in range(0, len(candidats), LOT):
        with transaction.atomic():
            faits += _anonymiser_lot(candidats[debut : debut + LOT], par=par, aujourd_hui=aujourd_hui)
    return faits


# --- Gel légal -------------------------------------------------------------------------------------------------


def organisation_du_referent(carnet) -> Organisation:
    """L'organisation du référent, à défaut celle qui a ouvert le carnet (la même que pour l'opposition)."""
    from parcours.espace.partage import organisation_de_l_opposition

    return organisation_de_l_opposition(carnet)


def peut_gerer_gel_legal(user, carnet) -> bool:
    """Poser ou lever un gel légal : administrateur de l'organisation du référent (qui voit le carnet)."""
    return regles_carnet.can_view_carnet(user, carnet) and permissions.a_le_role(
        user, organisation_du_referent(carnet), Role.ADMINISTRATEUR
    )


def get_carnet_pour_gel(user, uuid) -> Carnet:
    """404 si l'utilisateur ne voit pas le carnet, 403 s'il le voit sans pouvoir gérer le gel."""
    carnet = regles_carnet.get_carnet_for_user(user, uuid)
    if not peut_gerer_gel_legal(user, carnet):
        raise PermissionDenied("Seul un administrateur de l'organisation du référent pose ou lève un gel légal.")
    return carnet


def _motif(motif: str, champ: str, vide: str) -> str:
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({champ: vide})
    if len(motif) > MOTIF_MAX:
        raise ValidationError({champ: f"Le motif est trop long : {MOTIF_MAX} caractères au plus ({len(motif)} ici)."})
    return motif


@transaction.atomic
def poser_gel_legal(carnet, *, acteur, motif: str) -> GelLegal:
    motif = _motif(motif, "motif", "Écrivez le motif du gel (contentieux, demande d'une autorité…).")
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    permissions.require(peut_gerer_gel_legal(acteur, carnet), "Vous ne pouvez pas poser de gel légal sur ce carnet.")
    if hasattr(carnet, "anonymisation"):
        raise ValidationError("Ce carnet est déjà anonymisé : un gel légal n'y changerait rien.")
    if GelLegal.objects.actifs().filter(carnet=carnet).exists():
        raise ValidationError("Ce carnet a déjà un gel légal en cours.")
    organisation = organisation_du_referent(carnet)
    gel = GelLegal.objects.create(carnet=carnet, motif=motif, pose_par=acteur, organisation=organisation)
    historiser(
        carnet,
        EvenementCarnet.Type.GEL_LEGAL_POSE,
        acteur=acteur,
        organisation=organisation,
        resume="Gel légal posé : le carnet ne sera pas anonymisé tant qu'il court",
    )
    return gel


@transaction.atomic
def lever_gel_legal(carnet, *, acteur, motif: str) -> GelLegal:
    motif = _motif(motif, "motif_levee", "Écrivez pourquoi le gel est levé.")
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    permissions.require(peut_gerer_gel_legal(acteur, carnet), "Vous ne pouvez pas lever le gel légal de ce carnet.")
    gel = GelLegal.objects.actifs().filter(carnet=carnet).first()
    if gel is None:
        raise ValidationError("Ce carnet n'a pas de gel légal en cours.")
    gel.leve_le, gel.leve_par, gel.motif_levee = timezone.now(), acteur, motif
    gel.save(update_fields=["leve_le", "leve_par", "motif_levee"])
    historiser(
        carnet,
        EvenementCarnet.Type.GEL_LEGAL_LEVE,
        acteur=acteur,
        organisation=gel.organisation,
        resume="Gel légal levé : le carnet suit de nouveau la règle de conservation",
    )
    return gel


# --- Opposition au partage -------------------------------------------------------------------------------------

MESSAGE_PARTAGE_REFUSE = (
    "La personne s'oppose au partage de son carnet : il ne peut pas être partagé avec une autre organisation "
    "que celle de son référent."
)
MOTIF_IMPORT = (
    "Opposition : la personne s'oppose au partage de son dossier ; cette ligne n'est ni importée ni mise à jour."
)


def opposition_active(carnet) -> OppositionPartage | None:
    return OppositionPartage.objects.actives().filter(carnet=carnet).first()


def partage_du_cadre_legal(carnet_id: int, groupe_id: int) -> bool:
    """L'organisation de ce groupe reçoit le carnet au titre du cadre légal du RSA, auquel la personne ne peut pas
    s'opposer (RGPD, article 21 : un traitement nécessaire à une obligation légale) : c'est la file qui a reçu la
    dernière demande d'orientation du carnet (le Département ou l'organisation qui oriente ; un transfert de
    territoire est une demande adressée à l'organisation d'accueil), ou l'organisme référent que désigne la dernière
    décision d'orientation. Les mêmes raisons que « décide de votre orientation » et « a reçu votre dossier » dans
    `parcours.espace.partage` ; un accord de la personne (`Consentement`) n'en est pas une."""
    file = orientation_regles.organisation_qui_oriente(carnet_id)
    if file is not None and Organisation.objects.filter(pk=file, groupe_id=groupe_id).exists():
        return True
    decision = (
        DecisionOrientation.objects.orientations()
        .filter(carnet_id=carnet_id)
        .order_by("-date_decision", "-id")
        .values("organisme_referent__groupe_id")
        .first()
    )
    return decision is not None and decision["organisme_referent__groupe_id"] == groupe_id


def verifier_partage_permis(carnet_id: int, groupe_id: int) -> None:
    """Un partage du carnet avec le groupe d'une organisation : refusé si la personne s'oppose au partage, que ce
    n'est pas l'organisation de son référent (au jour de l'opposition) et que ce partage ne relève pas du cadre légal
    (`partage_du_cadre_legal`). Appelé à chaque écriture d'une permission sur un carnet (signal `pre_save` de
    `CarnetPermissionGroupe`, branché dans `parcours/apps.py`) : le seul endroit de la règle."""
    if (
        OppositionPartage.objects.actives()
        .filter(carnet_id=carnet_id)
        .exclude(organisation__groupe_id=groupe_id)
        .exists()
    ) and not partage_du_cadre_legal(carnet_id, groupe_id):
        raise ValidationError(MESSAGE_PARTAGE_REFUSE)


def refuser_partage_si_opposition(sender, instance, **kwargs) -> None:
    if instance._state.adding:
        verifier_partage_permis(instance.content_object_id, instance.group_id)


def personnes_en_opposition(personnes) -> set[int]:
    """Parmi ces personnes (identifiants), celles dont le carnet est sous opposition au partage (une requête)."""
    return set(
        OppositionPartage.objects.actives()
        .filter(carnet__personne__in=list(personnes))
        .values_list("carnet__personne_id", flat=True)
    )


def peut_enregistrer_opposition(user, carnet) -> bool:
    """La personne dans son espace ouvert, ou, à sa demande, un professionnel de l'organisation de son référent qui
    peut modifier le carnet."""
    if user.is_authenticated and user.est_personne:
        return espace_ouvert_du_carnet(carnet, user).exists()
    return regles_carnet.can_edit_carnet(user, carnet) and (
        permissions.membres_actifs(user).filter(organisation=organisation_du_referent(carnet)).exists()
    )


@dataclass
class EffetOpposition:
    opposition: OppositionPartage
    organisations_retirees: list[str]


@transaction.atomic
def enregistrer_opposition(carnet, *, acteur) -> EffetOpposition:
    """Seule l'organisation du référent garde le carnet : les autres perdent toute permission (à la requête
    suivante : rien n'est gardé en cache), leurs intervenants sortent du groupe, les accords en cours prennent fin."""
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    permissions.require(
        peut_enregistrer_opposition(acteur, carnet),
        "Seule la personne, ou l'organisation de son référent à sa demande, enregistre une opposition au partage.",
    )
    if opposition_active(carnet) is not None:
        raise ValidationError("Une opposition au partage est déjà enregistrée pour ce carnet.")
    organisation = organisation_du_referent(carnet)
    maintenant = timezone.now()
    opposition = OppositionPartage.objects.create(
        carnet=carnet, organisation=organisation, par_la_personne=acteur.est_personne, enregistree_par=acteur
    )
    autres = list(
        Organisation.objects.filter(
            groupe__in=CarnetPermissionGroupe.objects.filter(content_object=carnet)
            .exclude(group=organisation.groupe_id)
            .values("group")
        ).order_by("nom")
    )
    permissions.retirer_partages_sauf(carnet, organisation)
    Intervenant.objects.actifs().filter(carnet=carnet).exclude(organisation=organisation).update(
        date_fin=timezone.localdate(maintenant), motif_fin="Opposition de la personne au partage de son carnet"
    )
    Consentement.objects.filter(carnet=carnet, retire_le__isnull=True).update(retire_le=maintenant, retire_par=acteur)
    noms = [o.nom for o in autres]
    historiser(
        carnet,
        EvenementCarnet.Type.OPPOSITION_PARTAGE,
        acteur=acteur,
        resume=(
            f"Opposition au partage : seule « {organisation.nom} » garde le carnet"
            + (f" ; accès retiré à {', '.join(noms)}" if noms else "")
        ),
    )
    return EffetOpposition(opposition, noms)


@transaction.atomic
def lever_opposition(carnet, *, acteur) -> OppositionPartage:
    """La personne (ou l'organisation de son référent, à sa demande) lève son opposition : les partages retirés ne
    reviennent pas d'eux-mêmes, de nouveaux partages redeviennent possibles."""
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    permissions.require(
        peut_enregistrer_opposition(acteur, carnet),
        "Seule la personne, ou l'organisation de son référent à sa demande, lève une opposition au partage.",
    )
    opposition = opposition_active(carnet)
    if opposition is None:
        raise ValidationError("Aucune opposition au partage n'est en cours pour ce carnet.")
    opposition.levee_le, opposition.levee_par = timezone.now(), acteur
    opposition.save(update_fields=["levee_le", "levee_par"])
    historiser(
        carnet,
        EvenementCarnet.Type.OPPOSITION_PARTAGE_LEVEE,
        acteur=acteur,
        resume="Opposition au partage levée : le carnet peut de nouveau être partagé",
    )
    return opposition


def get_carnet_pour_opposition(user, uuid) -> Carnet:
    carnet = regles_carnet.get_carnet_for_user(user, uuid)
    if not peut_enregistrer_opposition(user, carnet):
        raise PermissionDenied(
            "Seule l'organisation du référent enregistre une opposition, à la demande de la personne."
        )
    return carnet
