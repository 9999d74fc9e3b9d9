"""Écritures des équipes pluridisciplinaires : l'équipe, ses membres, ses séances, l'inscription d'un dossier (depuis
le carnet), l'avis de l'équipe, puis la décision du président du Département (ou de son délégataire).

Chaque fonction prend l'acteur en argument nommé, vérifie son droit (403 sinon), valide tout avant d'écrire, dans
une transaction, et lève une `ValidationError` en français sur le champ concerné : rien n'est écrit à moitié.
L'inscription, l'avis et la décision écrivent un événement dans l'historique du carnet ; son résumé se lit par la
personne et par tous ceux qui voient le carnet : il ne reprend jamais le résumé partagé avec l'équipe."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from parcours import permissions as regles_carnet
from parcours import services as carnet_services
from parcours.equipes import regles
from parcours.models import (
    Carnet,
    DemandeOrientation,
    DossierEquipe,
    EquipePluridisciplinaire,
    EvenementCarnet,
    Manquement,
    MembreEquipe,
    SeanceEquipe,
)
from partenaires import permissions
from partenaires.models import Membre, Utilisateur

RESUME_MAX = 3000
Qualite = MembreEquipe.Qualite
Motif = DossierEquipe.Motif
Avis = DossierEquipe.Avis
Decision = DossierEquipe.Decision


class Erreurs(dict):
    """Les erreurs d'une demande, rassemblées par champ (None : erreur générale), levées ensemble."""

    def ajouter(self, champ, message: str) -> None:
        self.setdefault(champ or "__all__", []).append(message)

    def lever(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _texte(valeur) -> str:
    return (valeur or "").strip()


def _le(jour) -> str:
    return f"{jour:%d/%m/%Y}"


def _seance_libelle(seance) -> str:
    return f"séance du {_le(timezone.localtime(seance.date_heure))} de l'équipe « {seance.equipe.nom} »"


# --- L'équipe ------------------------------------------------------------------------------------------------------


def _valider_nom(erreurs: Erreurs, nom: str, departement: str, *, equipe=None) -> None:
    if not nom:
        erreurs.ajouter("nom", "Donnez un nom à l'équipe.")
        return
    homonymes = EquipePluridisciplinaire.objects.filter(departement=departement, nom__iexact=nom)
    if equipe is not None:
        homonymes = homonymes.exclude(pk=equipe.pk)
    if homonymes.exists():
        erreurs.ajouter("nom", "Une équipe pluridisciplinaire porte déjà ce nom dans ce département.")


@transaction.atomic
def creer_equipe(*, acteur, nom, organisation, secteur="") -> EquipePluridisciplinaire:
    """Une équipe portée par un Département que l'acteur peut engager (voir `regles.organisations_porteuses`) ; elle
    couvre le département de son organisation porteuse."""
    nom, erreurs = _texte(nom), Erreurs()
    if organisation is None:
        erreurs.ajouter("organisation", "Choisissez le Département qui porte l'équipe.")
    else:
        permissions.require(
            regles.organisations_porteuses(acteur).filter(pk=organisation.pk).exists(),
            "Vous ne pouvez pas créer d'équipe portée par cette organisation.",
        )
        _valider_nom(erreurs, nom, organisation.departement)
    erreurs.lever()
    return EquipePluridisciplinaire.objects.create(
        departement=organisation.departement,
        nom=nom,
        secteur=_texte(secteur),
        organisation=organisation,
        cree_par=acteur,
    )


@transaction.atomic
def modifier_equipe(equipe, *, acteur, nom, secteur="", active=True) -> EquipePluridisciplinaire:
    """Nom, secteur, et active ou non : une équipe désactivée ne reçoit plus de séance ni de dossier."""
    permissions.require(regles.est_gestionnaire(acteur, equipe), regles.GESTION_REFUSEE)
    nom, erreurs = _texte(nom), Erreurs()
    _valider_nom(erreurs, nom, equipe.departement, equipe=equipe)
    erreurs.lever()
    equipe.nom, equipe.secteur, equipe.active = nom, _texte(secteur), bool(active)
    equipe.save(update_fields=["nom", "secteur", "active"])
    return equipe


# --- Les membres ---------------------------------------------------------------------------------------------------


COMPTE_INTROUVABLE = (
    "Cette adresse n'est pas celle d'un professionnel actif d'une organisation du département de l'équipe : "
    "vérifiez-la, ou ajoutez le membre sans compte."
)


def _compte(erreurs: Erreurs, email: str, departement: str):
    """Le compte d'un membre actif d'une organisation du département de l'équipe, retrouvé par son adresse
    électronique. Le message d'erreur est le même que l'adresse soit inconnue ou celle d'un professionnel d'ailleurs :
    la recherche ne dit rien des comptes hors du département."""
    if not email:
        return None
    utilisateur = (
        Utilisateur.objects.filter(
            email__iexact=email,
            is_active=True,
            membres__in=Membre.objects.actifs().filter(organisation__departement=departement),
        )
        .distinct()
        .first()
    )
    if utilisateur is None:
        erreurs.ajouter("email_compte", COMPTE_INTROUVABLE)
    return utilisateur


@transaction.atomic
def ajouter_membre(equipe, *, acteur, qualite, nom_complet, structure="", email_compte="", date_debut=None):
    permissions.require(regles.est_gestionnaire(acteur, equipe), regles.GESTION_REFUSEE)
    erreurs = Erreurs()
    if qualite not in Qualite.values:
        erreurs.ajouter("qualite", "Choisissez la qualité du membre.")
    if not _texte(nom_complet):
        erreurs.ajouter("nom_complet", "Indiquez le nom et le prénom du membre.")
    utilisateur = _compte(erreurs, _texte(email_compte), equipe.departement)
    if utilisateur is not None and regles.membres_en_fonction().filter(equipe=equipe, utilisateur=utilisateur).exists():
        erreurs.ajouter("email_compte", "Ce compte est déjà celui d'un membre en fonction de l'équipe.")
    erreurs.lever()
    return MembreEquipe.objects.create(
        equipe=equipe,
        qualite=qualite,
        nom_complet=_texte(nom_complet),
        structure=_texte(structure),
        utilisateur=utilisateur,
        date_debut=date_debut or timezone.localdate(),
    )


@transaction.atomic
def terminer_membre(membre, *, acteur, date_fin) -> MembreEquipe:
    """La fin d'un mandat : l'histoire est gardée ; à partir du lendemain, son compte ne voit plus l'équipe."""
    permissions.require(regles.est_gestionnaire(acteur, membre.equipe), regles.GESTION_REFUSEE)
    membre = MembreEquipe.objects.select_for_update().get(pk=membre.pk)
    if membre.date_fin is not None:
        raise ValidationError(f"{membre.nom_complet} n'est plus membre depuis le {_le(membre.date_fin)}.")
    if date_fin is None:
        raise ValidationError({"date_fin": "Indiquez la date de fin."})
    if date_fin < membre.date_debut:
        raise ValidationError({"date_fin": f"La fin ne peut pas précéder le début ({_le(membre.date_debut)})."})
    membre.date_fin = date_fin
    membre.save(update_fields=["date_fin"])
    return membre


# --- Les séances ---------------------------------------------------------------------------------------------------


def qualites_manquantes(equipe, le) -> list[str]:
    """Les qualités dont l'équipe n'a aucun membre en fonction à cette date (il faut au moins un de chaque)."""
    presentes = set(regles.membres_en_fonction(le).filter(equipe=equipe).values_list("qualite", flat=True))
    return [qualite.label.lower() for qualite in Qualite if qualite.value not in presentes]


@transaction.atomic
def creer_seance(equipe, *, acteur, date_heure, lieu="") -> SeanceEquipe:
    permissions.require(regles.est_gestionnaire(acteur, equipe), regles.GESTION_REFUSEE)
    erreurs = Erreurs()
    if not equipe.active:
        erreurs.ajouter(None, "L'équipe est désactivée : elle ne tient plus de séance.")
    if date_heure is None:
        erreurs.ajouter("date_heure", "Indiquez la date et l'heure de la séance.")
    elif date_heure <= timezone.now():
        erreurs.ajouter("date_heure", "La séance se programme à une date à venir.")
    else:
        manquantes = qualites_manquantes(equipe, timezone.localtime(date_heure).date())
        if manquantes:
            erreurs.ajouter(
                None,
                "Pour tenir une séance, l'équipe compte au moins un professionnel de l'insertion et un représentant "
                f"des bénéficiaires du RSA en fonction à sa date : il manque {' et '.join(manquantes)}. Ajoutez ce "
                "membre avant de programmer la séance.",
            )
    erreurs.lever()
    return SeanceEquipe.objects.create(equipe=equipe, date_heure=date_heure, lieu=_texte(lieu), cree_par=acteur)


# --- L'inscription d'un dossier, depuis le carnet -------------------------------------------------------------------


def demandes_reorientation(carnet):
    """La demande de réorientation ouverte du carnet (au plus une), qu'on peut lier au dossier."""
    return DemandeOrientation.objects.filter(
        carnet=carnet, motif=DemandeOrientation.Motif.REORIENTATION, statut=DemandeOrientation.Statut.EN_ATTENTE
    )


def manquements_a_presenter(carnet):
    """Les manquements du carnet dont l'avis a été envoyé à la personne et qui ne sont pas encore décidés."""
    return Manquement.objects.filter(carnet=carnet, statut=Manquement.Statut.AVIS_ENVOYE, decision="")


def _valider_objet(erreurs, carnet, motif, demande_orientation, manquement) -> None:
    if motif == Motif.REORIENTATION:
        if manquement is not None:
            erreurs.ajouter("manquement", "Un dossier de réorientation ne porte pas sur un manquement.")
        if (
            demande_orientation is not None
            and not demandes_reorientation(carnet).filter(pk=demande_orientation.pk).exists()
        ):
            erreurs.ajouter(
                "demande_orientation", "Choisissez la demande de réorientation en attente de ce carnet, ou aucune."
            )
    elif motif == Motif.MANQUEMENT:
        if demande_orientation is not None:
            erreurs.ajouter(
                "demande_orientation", "Un dossier de manquement ne porte pas sur une demande d'orientation."
            )
        if manquement is None:
            erreurs.ajouter("manquement", "Choisissez le manquement présenté à l'équipe.")
        elif not manquements_a_presenter(carnet).filter(pk=manquement.pk).exists():
            erreurs.ajouter(
                "manquement",
                "Seul un manquement de ce carnet dont l'avis a été envoyé à la personne, et pas encore décidé, se "
                "présente à l'équipe.",
            )
    else:
        erreurs.ajouter("motif", "Choisissez le motif : réorientation ou manquement présumé.")


def _valider_pas_deja_inscrit(erreurs, carnet, motif, manquement) -> None:
    """Un dossier en attente d'examen n'est pas inscrit une seconde fois ; un dossier ajourné peut l'être à une séance
    suivante ; un manquement déjà examiné attend sa décision, pas une seconde séance."""
    precedents = DossierEquipe.objects.filter(carnet=carnet, motif=motif).select_related("seance__equipe")
    if manquement is not None:
        precedents = precedents.filter(manquement=manquement)
    en_attente = precedents.filter(avis="").first()
    if en_attente is not None:
        erreurs.ajouter(
            "seance",
            f"Ce dossier est déjà inscrit à la {_seance_libelle(en_attente.seance)}, en attente de l'avis de l'équipe.",
        )
    elif manquement is not None and precedents.exclude(avis=Avis.AJOURNE).exists():
        erreurs.ajouter("manquement", "L'équipe a déjà rendu son avis sur ce manquement : il attend la décision.")


@transaction.atomic
def inscrire_dossier(
    carnet, *, acteur, seance, motif, resume, demande_orientation=None, manquement=None
) -> DossierEquipe:
    """Le référent présente le dossier à une séance à venir d'une équipe active du territoire du carnet, avec le
    résumé qu'il choisit de partager : l'équipe ne verra que cela."""
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    permissions.require(regles_carnet.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    resume, erreurs = _texte(resume), Erreurs()
    if seance is None or not regles.seances_ouvertes_pour(carnet).filter(pk=seance.pk).exists():
        erreurs.ajouter(
            "seance", "Choisissez une séance à venir d'une équipe pluridisciplinaire active du territoire du carnet."
        )
    if not resume:
        erreurs.ajouter("resume", "Écrivez le résumé de la situation partagé avec l'équipe.")
    elif len(resume) > RESUME_MAX:
        erreurs.ajouter("resume", f"Le résumé tient en {RESUME_MAX} caractères au plus (il en compte {len(resume)}).")
    _valider_objet(erreurs, carnet, motif, demande_orientation, manquement)
    if not erreurs:
        _valider_pas_deja_inscrit(erreurs, carnet, motif, manquement)
    erreurs.lever()
    organisation = carnet_services.organisation_de_l_acteur(carnet, acteur)
    dossier = DossierEquipe.objects.create(
        seance=seance,
        carnet=carnet,
        motif=motif,
        demande_orientation=demande_orientation,
        manquement=manquement,
        resume=resume,
        presente_par=acteur,
        organisation=organisation,
    )
    carnet_services.historiser(
        carnet,
        EvenementCarnet.Type.EQUIPE_DOSSIER_INSCRIT,
        acteur=acteur,
        organisation=organisation,
        resume=f"{dossier.get_motif_display()} – {_seance_libelle(seance)}",
        dossier=str(dossier.uuid),
    )
    return dossier


# --- L'avis de l'équipe, puis la décision du président ---------------------------------------------------------


def _verrouiller_dossier(dossier) -> DossierEquipe:
    return DossierEquipe.objects.select_for_update().select_related("seance__equipe").get(pk=dossier.pk)


def _manquement_decide(dossier) -> bool:
    """Le manquement du dossier est-il décidé ? Lu sous verrou, pris avant celui du dossier comme le fait la
    décision de sanction (`parcours.sanctions.services.decider`) : un avis et une décision simultanés se suivent."""
    if dossier.manquement_id is None:
        return False
    statut = Manquement.objects.select_for_update().values_list("statut", flat=True).get(pk=dossier.manquement_id)
    return statut == Manquement.Statut.DECIDE


@transaction.atomic
def rendre_avis(dossier, *, acteur, avis, motif_avis) -> DossierEquipe:
    """L'avis de l'équipe, saisi par un gestionnaire une fois la séance commencée ; il se corrige tant que la décision
    n'est pas prise. Sur un manquement déjà décidé (sans attendre cet avis), il n'y a plus d'avis à rendre."""
    manquement_decide = _manquement_decide(dossier)
    dossier = _verrouiller_dossier(dossier)
    equipe = dossier.seance.equipe
    permissions.require(regles.est_gestionnaire(acteur, equipe), regles.GESTION_REFUSEE)
    erreurs = Erreurs()
    if dossier.decision:
        erreurs.ajouter(None, "La décision est prise : l'avis de l'équipe ne se modifie plus.")
    elif manquement_decide:
        erreurs.ajouter(
            None, "Le manquement est déjà décidé dans la procédure de sanction : l'équipe n'a plus d'avis à rendre."
        )
    if dossier.seance.date_heure > timezone.now():
        erreurs.ajouter(None, "L'avis se saisit une fois la séance commencée.")
    if avis not in Avis.values:
        erreurs.ajouter("avis", "Choisissez l'avis de l'équipe.")
    if not _texte(motif_avis):
        erreurs.ajouter("motif_avis", "Indiquez le motif de l'avis.")
    erreurs.lever()
    dossier.avis, dossier.motif_avis = avis, _texte(motif_avis)
    dossier.avis_le, dossier.avis_saisi_par = timezone.localdate(), acteur
    dossier.save(update_fields=["avis", "motif_avis", "avis_le", "avis_saisi_par"])
    carnet_services.historiser(
        dossier.carnet,
        EvenementCarnet.Type.EQUIPE_AVIS,
        acteur=acteur,
        organisation=equipe.organisation,
        resume=f"{dossier.get_motif_display()} : {dossier.get_avis_display().lower()} "
        f"({_seance_libelle(dossier.seance)})",
        dossier=str(dossier.uuid),
    )
    return dossier


@transaction.atomic
def decider(dossier, *, acteur, decision, motif_decision) -> DossierEquipe:
    """La décision du président du Département (ou de son délégataire) sur une réorientation, après l'avis de
    l'équipe. Sur un manquement, la décision se prend dans la procédure de sanction, qui la reporte ici."""
    dossier = _verrouiller_dossier(dossier)
    equipe = dossier.seance.equipe
    permissions.require(regles.peut_decider(acteur, equipe), regles.DECISION_REFUSEE)
    erreurs = Erreurs()
    if dossier.motif != Motif.REORIENTATION:
        erreurs.ajouter(None, "La décision sur un manquement s'enregistre dans la procédure de sanction.")
    elif dossier.decision:
        erreurs.ajouter(None, f"La décision est déjà prise ({dossier.get_decision_display().lower()}).")
    elif not dossier.avis:
        erreurs.ajouter(None, "La décision suit l'avis de l'équipe : il n'est pas encore rendu.")
    elif dossier.avis == Avis.AJOURNE:
        erreurs.ajouter(None, "L'examen est ajourné : inscrivez le dossier à une prochaine séance avant de décider.")
    if decision not in DossierEquipe.DECISIONS_PAR_MOTIF[Motif.REORIENTATION]:
        erreurs.ajouter("decision", "Choisissez : réorientation ou maintien de l'orientation.")
    if not _texte(motif_decision):
        erreurs.ajouter("motif_decision", "Indiquez le motif de la décision.")
    erreurs.lever()
    dossier.decision, dossier.motif_decision = decision, _texte(motif_decision)
    dossier.decide_le, dossier.decideur = timezone.localdate(), acteur
    dossier.save(update_fields=["decision", "motif_decision", "decide_le", "decideur"])
    carnet_services.historiser(
        dossier.carnet,
        EvenementCarnet.Type.EQUIPE_DECISION,
        acteur=acteur,
        organisation=equipe.organisation,
        resume=f"{dossier.get_decision_display()} après l'avis de l'équipe « {equipe.nom} »",
        dossier=str(dossier.uuid),
    )
    return dossier
