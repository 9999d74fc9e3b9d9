"""Les écritures du catalogue : structures, services, sessions, fraîcheur, signalements, modération.

Chaque fonction prend l'acteur en argument nommé, vérifie ses droits (403 sinon), écrit dans une transaction et
lève une `ValidationError` en français quand la demande ne peut pas être satisfaite (rien n'est écrit). Les
courriels partent après la validation de la transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from offre import regles
from offre import services as offre_services
from offre.catalogue import regles as regles_catalogue
from offre.catalogue import taches
from offre.models import Service, SessionService, SignalementService, Structure
from partenaires import permissions
from partenaires.referentiels import communes, departements

SOURCE = "spie"


def identifiant_spie(objet) -> str:
    """L'identifiant stable d'une structure ou d'un service saisi sur la plateforme (jamais réutilisé)."""
    return f"{SOURCE}--{objet.uuid}"


def _affecter(objet, champs: dict) -> None:
    """Donne les nouvelles valeurs ; une commune qui change efface les coordonnées et le département, que
    l'enregistrement déduit de nouveau du code INSEE (centre de la nouvelle commune)."""
    if "code_insee" in champs and objet.pk:
        # Lu en base : l'objet a pu être déjà modifié en mémoire (formulaire lié à l'instance).
        enregistre = type(objet).objects.filter(pk=objet.pk).values_list("code_insee", flat=True).first()
        if champs["code_insee"] != enregistre:
            objet.latitude = objet.longitude = None
            objet.departement = ""
    for champ, valeur in champs.items():
        setattr(objet, champ, valeur)


# --- Structures ----------------------------------------------------------------------------------


def _verifier_territoire_hors_plateforme(structure, departements_permis) -> None:
    """Une structure hors plateforme est tenue par le pilote de son département : sa commune doit y être."""
    ligne = communes().get(structure.code_insee or "")
    if ligne is None:
        raise ValidationError(
            {"code_postal": "Indiquez la commune de la structure : elle fixe le pilote qui la tient à jour."}
        )
    if ligne["code_departement"] not in departements_permis:
        noms = ", ".join(f"{code} – {departements().get(code, code)}" for code in sorted(departements_permis))
        raise ValidationError(
            {"code_postal": f"La commune de cette structure doit être dans votre territoire ({noms})."}
        )
    if not structure.courriel:
        raise ValidationError(
            {"courriel": "Indiquez le courriel de la structure : elle y recevra les orientations par lien sécurisé."}
        )


@transaction.atomic
def creer_structure(*, acteur, organisation=None, **champs) -> Structure:
    """Crée la structure d'une organisation partenaire (partagée avec ses membres), ou, pour un pilote, une
    structure hors plateforme (association, entreprise) de son territoire."""
    structure = Structure(organisation=organisation, source=SOURCE, date_maj=timezone.localdate(), **champs)
    structure.identifiant = identifiant_spie(structure)
    if organisation is not None:
        permissions.require(
            regles.peut_publier_pour(acteur, organisation),
            "Seuls l'administrateur de l'organisation et le pilote de son territoire créent sa structure.",
        )
    else:
        pilotes = permissions.departements_pilotes(acteur)
        permissions.require(bool(pilotes), "Seul un pilote territorial crée une structure hors plateforme.")
        _verifier_territoire_hors_plateforme(structure, pilotes)
    return offre_services.enregistrer_structure(structure)


@transaction.atomic
def modifier_structure(structure, *, acteur, **champs) -> Structure:
    """Enregistre la fiche de la structure ; son organisation ne change pas. Une structure hors plateforme reste
    dans son département (celui de son pilote)."""
    permissions.require(
        regles.peut_modifier_structure(acteur, structure),
        "Seuls les membres de la structure et le pilote du territoire la modifient.",
    )
    departement, nom = structure.departement, structure.nom
    _affecter(structure, champs)
    structure.date_maj = timezone.localdate()
    if structure.organisation_id is None:
        _verifier_territoire_hors_plateforme(structure, {departement})
    offre_services.enregistrer_structure(structure)
    if structure.nom != nom:  # le nom de la structure fait partie du texte cherchable de ses services
        services = list(structure.services.all())
        for service in services:
            service.structure = structure
            service.texte_recherche = offre_services.texte_recherche(service)
        Service.objects.bulk_update(services, ["texte_recherche"])
    return structure


# --- Services ------------------------------------------------------------------------------------


@transaction.atomic
def creer_service(structure, *, acteur, **champs) -> Service:
    permissions.require(
        regles.peut_modifier_structure(acteur, structure),
        "Seuls les membres de la structure et le pilote du territoire y ajoutent un service.",
    )
    service = Service(structure=structure, source=SOURCE, date_maj=timezone.localdate(), **champs)
    service.identifiant = identifiant_spie(service)
    return offre_services.enregistrer_service(service)


@transaction.atomic
def modifier_service(service, *, acteur, **champs) -> Service:
    """Enregistre le service ; sa date de mise à jour devient aujourd'hui (il est de nouveau « à jour »)."""
    permissions.require(
        regles.peut_modifier_structure(acteur, service.structure),
        "Seuls les membres de la structure et le pilote du territoire modifient ce service.",
    )
    _affecter(service, champs)
    service.date_maj = timezone.localdate()
    return offre_services.enregistrer_service(service)


@transaction.atomic
def confirmer_service(service, *, acteur) -> Service:
    """« Toujours à jour » : rien ne change, sinon la date de mise à jour (aujourd'hui)."""
    permissions.require(
        regles.peut_modifier_structure(acteur, service.structure),
        "Seuls les membres de la structure et le pilote du territoire confirment ce service.",
    )
    service.date_maj = timezone.localdate()
    service.save(update_fields=["date_maj"])
    return service


# --- Sessions ------------------------------------------------------------------------------------


@transaction.atomic
def ajouter_session(service, *, acteur, **champs) -> SessionService:
    permissions.require(
        regles.peut_modifier_structure(acteur, service.structure),
        "Seuls les membres de la structure et le pilote du territoire ajoutent une session.",
    )
    session = SessionService(service=service, **champs)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def modifier_session(session, *, acteur, **champs) -> SessionService:
    """Modifie la session ; ses places ne descendent pas sous les places déjà prises (lues sous verrou)."""
    permissions.require(
        regles.peut_modifier_structure(acteur, session.service.structure),
        "Seuls les membres de la structure et le pilote du territoire modifient cette session.",
    )
    verrouillee = SessionService.objects.select_for_update().get(pk=session.pk)
    if verrouillee.annulee:
        raise ValidationError("Cette session est annulée : elle ne se modifie plus.")
    places = champs.get("places", verrouillee.places)
    if places < verrouillee.places_prises:
        raise ValidationError(
            {"places": f"{verrouillee.places_prises} places sont déjà prises : indiquez au moins ce nombre."}
        )
    _affecter(verrouillee, champs)
    verrouillee.full_clean()
    verrouillee.save()
    return verrouillee


@transaction.atomic
def annuler_session(session, *, acteur) -> SessionService:
    permissions.require(
        regles.peut_modifier_structure(acteur, session.service.structure),
        "Seuls les membres de la structure et le pilote du territoire annulent cette session.",
    )
    if session.annulee:
        raise ValidationError("Cette session est déjà annulée.")
    session.annulee = True
    session.save(update_fields=["annulee"])
    return session


# --- Signalements --------------------------------------------------------------------------------


@transaction.atomic
def signaler(service, *, acteur, motif: str, commentaire: str) -> SignalementService:
    """Un professionnel signale une erreur ; les éditeurs du service en sont prévenus par courriel."""
    permissions.require(regles.peut_consulter_offre(acteur), "Seuls les professionnels signalent une erreur.")
    signalement = SignalementService(service=service, auteur=acteur, motif=motif, commentaire=commentaire.strip())
    signalement.full_clean()
    signalement.save()
    transaction.on_commit(lambda: taches.prevenir_signalement.delay(signalement.pk))
    return signalement


@transaction.atomic
def traiter_signalement(signalement, *, acteur) -> SignalementService:
    permissions.require(
        regles.peut_modifier_structure(acteur, signalement.service.structure),
        "Seuls les membres de la structure et le pilote du territoire traitent ce signalement.",
    )
    if signalement.traite_le is not None:
        raise ValidationError("Ce signalement est déjà traité.")
    signalement.traite_le = timezone.now()
    signalement.traite_par = acteur
    signalement.save(update_fields=["traite_le", "traite_par"])
    return signalement


# --- Modération ----------------------------------------------------------------------------------


@transaction.atomic
def suspendre_service(service, *, acteur, motif: str) -> Service:
    """Le pilote retire le service des recherches et des orientations (ses éditeurs et lui le voient encore)."""
    permissions.require(
        regles_catalogue.peut_moderer_service(acteur, service),
        "Seul le pilote du territoire de la structure suspend un service.",
    )
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de la suspension."})
    if service.est_suspendu:
        raise ValidationError("Ce service est déjà suspendu.")
    service.statut = Service.Statut.SUSPENDU
    service.motif_suspension = motif
    service.full_clean()
    service.save(update_fields=["statut", "motif_suspension"])
    return service


@transaction.atomic
def reprendre_service(service, *, acteur) -> Service:
    permissions.require(
        regles_catalogue.peut_moderer_service(acteur, service),
        "Seul le pilote du territoire de la structure reprend un service suspendu.",
    )
    if not service.est_suspendu:
        raise ValidationError("Ce service n'est pas suspendu.")
    service.statut = Service.Statut.PUBLIE
    service.motif_suspension = ""
    service.save(update_fields=["statut", "motif_suspension"])
    return service
