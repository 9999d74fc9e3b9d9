"""Le carnet vu par la personne, dans son espace : son parcours, son plan d'action, ses rendez-vous, son diagnostic
(la version partagée avec elle), et sa parole (souhaits, besoins, commentaires, avis, accord sur son plan).

Jamais montré ici : les notes d'entretien, les comptes rendus des rendez-vous, les commentaires des professionnels
sur le diagnostic et le motif d'un parcours écarté du barème, le motif et les critères d'une décision d'orientation,
le message de la prescription à la structure et le motif d'un refus. Ses propres pages ne sont pas écrites dans le
journal des consultations (il retrace les lectures des professionnels)."""

import uuid as uuid_module
from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from parcours.diagnostic.affichage import afficher
from parcours.espace import libelles, parole
from parcours.espace.acces import personne_requise
from parcours.espace.evaluation import etapes_a_evaluer
from parcours.espace.parole_forms import AvisDiagnosticForm, CommentaireObjectifForm, ExpressionForm
from parcours.models import (
    Action,
    Diagnostic,
    ExpressionPersonne,
    Intervenant,
    Objectif,
    OrientationService,
    RendezVous,
    Statut,
)
from spie.forms import reporter_erreurs

# Un statut oui/non dit en une phrase ; « non » ne se dit que pour France Travail (les autres n'apprennent rien).
PHRASES_STATUT = {
    Statut.Type.INSCRIT_FRANCE_TRAVAIL: ("Inscrit(e) à France Travail", "Pas inscrit(e) à France Travail"),
    Statut.Type.DELD: ("Demandeur(se) d'emploi de longue durée", ""),
    Statut.Type.PARENT_ISOLE: ("Parent isolé(e)", ""),
    Statut.Type.RQTH: ("Reconnaissance de la qualité de travailleur handicapé (RQTH)", ""),
    Statut.Type.DROITS_ET_DEVOIRS: ("Soumis(e) aux droits et devoirs du RSA", ""),
}
PROCHAINS_RENDEZ_VOUS = 3


@dataclass(frozen=True)
class Contact:
    """Un professionnel du groupe de suivi, tel que la personne peut le joindre : ses coordonnées professionnelles,
    complétées par celles de son organisation."""

    nom: str
    organisation: str
    role: str
    est_referent: bool
    email: str
    telephone: str
    adresse: str

    @classmethod
    def de(cls, intervenant: Intervenant) -> "Contact":
        utilisateur, organisation = intervenant.utilisateur, intervenant.organisation
        return cls(
            nom=utilisateur.nom_complet or str(organisation),
            organisation=organisation.nom,
            role=intervenant.get_role_display(),
            est_referent=intervenant.role == Intervenant.Role.REFERENT,
            email=utilisateur.email or organisation.email_contact,
            telephone=utilisateur.telephone or organisation.telephone,
            adresse=f"{organisation.adresse}, {organisation.code_postal} {organisation.commune}".strip(" ,"),
        )


def _phrase_statut(statut: Statut) -> str:
    if statut.type == Statut.Type.DROIT_RSA:
        return f"RSA : {statut.libelle_valeur.lower()}"
    oui, non = PHRASES_STATUT.get(statut.type, (statut.get_type_display(), ""))
    return oui if statut.valeur == "oui" else non


@personne_requise
def accueil(request, carnet):
    intervenants = [
        Contact.de(intervenant)
        for intervenant in carnet.intervenants.actifs()
        .select_related("utilisateur", "organisation")
        .order_by("-role", "date_debut", "id")
    ]
    referent = next((c for c in intervenants if c.est_referent), None)
    rendez_vous = (
        RendezVous.objects.filter(carnet=carnet, statut=RendezVous.Statut.PREVU, date_heure__gte=timezone.now())
        .select_related("intervenant", "organisation")
        .order_by("date_heure")[:PROCHAINS_RENDEZ_VOUS]
    )
    statuts = Statut.objects.filter(personne_id=carnet.personne_id, date_fin__isnull=True).order_by("type")
    orientations = (
        OrientationService.objects.filter(carnet=carnet).select_related("service__structure").order_by("-envoyee_le")
    )
    contexte = {
        "carnet": carnet,
        "personne": request.espace.personne,
        "referent": referent,
        "accompagnateurs": [c for c in intervenants if c is not referent],
        "rendez_vous": [libelles.rendez_vous_lu(r) for r in rendez_vous],
        "statuts": [phrase for phrase in map(_phrase_statut, statuts) if phrase],
        "decision": parole.decisions_montrees_a_la_personne(carnet).first(),
        "orientations": [(o, libelles.statut_orientation_service(o)) for o in orientations],
        "contrat": parole.contrat_en_cours(carnet),
        "evaluations_en_attente": len(etapes_a_evaluer(carnet)),
        # Les procédures dont la personne a reçu l'avis (un constat encore interne n'est pas montré) : elle y lit le
        # délai pour présenter ses observations, puis la décision.
        "manquements": carnet.manquements.filter(avis_envoye_le__isnull=False).order_by("-date_faits", "-id"),
        "aujourd_hui": timezone.localdate(),
    }
    return render(request, "parcours/espace/carnet/accueil.html", contexte)


def _page_plan(request, carnet, *, status=200, en_erreur=None):
    """Le plan d'action : objectifs par axe, leurs actions, les commentaires de la personne ; `en_erreur` :
    (objectif, formulaire lié) à réafficher avec ses erreurs."""
    objectifs = list(
        carnet.objectifs.select_related("axe", "referentiel").prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("referentiel", "porteur"))
        )
    )
    commentaires = {}
    for expression in ExpressionPersonne.objects.filter(
        carnet=carnet, type=ExpressionPersonne.Type.COMMENTAIRE_OBJECTIF
    ).order_by("date", "id"):
        commentaires.setdefault(expression.objectif_id, []).append(expression)
    lignes = []
    for objectif in objectifs:
        if en_erreur and en_erreur[0].pk == objectif.pk:
            form = en_erreur[1]
        else:
            form = CommentaireObjectifForm(objectif=objectif, prefix=f"commentaire-{objectif.uuid}")
        lignes.append(
            {
                "objectif": objectif,
                "statut": libelles.statut_objectif(objectif),
                "actions": [(action, libelles.statut_action(action)) for action in objectif.actions.all()],
                "commentaires": commentaires.get(objectif.pk, []),
                "form": form,
            }
        )
    axes = [(axe, list(groupe)) for axe, groupe in groupby(lignes, key=lambda ligne: ligne["objectif"].axe.libelle)]
    contexte = {"carnet": carnet, "axes": axes, "contrat": parole.contrat_en_cours(carnet)}
    return render(request, "parcours/espace/carnet/plan.html", contexte, status=status)


@personne_requise
def plan(request, carnet):
    return _page_plan(request, carnet)


@require_POST
@personne_requise
def objectif_commenter(request, carnet, objectif_uuid):
    objectif = get_object_or_404(
        Objectif.objects.select_related("referentiel", "carnet"), carnet=carnet, uuid=objectif_uuid
    )
    form = CommentaireObjectifForm(request.POST, objectif=objectif, prefix=f"commentaire-{objectif.uuid}")
    if form.is_valid():
        try:
            parole.commenter_objectif(objectif, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Merci, votre commentaire est enregistré : votre référent le verra.")
            return redirect("parcours:espace_plan")
    return _page_plan(request, carnet, status=400, en_erreur=(objectif, form))


@require_POST
@personne_requise
def accord(request, carnet):
    try:
        contrat = parole.accepter_plan(carnet, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request, f"Votre accord sur votre plan est enregistré, le {contrat.accord_personne_le:%d/%m/%Y}."
        )
    return redirect("parcours:espace_plan")


@personne_requise
def rendez_vous(request, carnet):
    maintenant = timezone.now()
    tous = list(
        RendezVous.objects.filter(carnet=carnet).select_related("intervenant", "organisation").order_by("date_heure")
    )
    contexte = {
        "a_venir": [libelles.rendez_vous_lu(r, maintenant) for r in tous if r.date_heure >= maintenant],
        "passes": [libelles.rendez_vous_lu(r, maintenant) for r in reversed(tous) if r.date_heure < maintenant],
    }
    return render(request, "parcours/espace/carnet/rendez_vous.html", contexte)


def _page_diagnostic(request, carnet, *, status=200, form=None):
    diagnostic = parole.diagnostic_partage(carnet)
    contexte = {"diagnostic": diagnostic, "affiche": None, "avis": [], "form": None}
    if diagnostic is not None:
        contexte.update(
            # Sa santé, son handicap : ses propres données, qu'elle lit ; jamais les commentaires des professionnels.
            affiche=afficher(diagnostic, voit_sensible=True, pour_la_personne=True),
            avis=list(
                ExpressionPersonne.objects.filter(
                    carnet=carnet, type=ExpressionPersonne.Type.AVIS_DIAGNOSTIC, diagnostic=diagnostic
                )
            ),
            form=form or AvisDiagnosticForm(diagnostic=diagnostic),
        )
    return render(request, "parcours/espace/carnet/diagnostic.html", contexte, status=status)


@personne_requise
def diagnostic(request, carnet):
    return _page_diagnostic(request, carnet)


@require_POST
@personne_requise
def diagnostic_avis(request, carnet):
    try:
        diagnostic_uuid = uuid_module.UUID(request.POST.get("diagnostic", ""))
    except ValueError as erreur:
        raise Http404("Diagnostic introuvable.") from erreur
    diagnostic = get_object_or_404(
        Diagnostic.objects.select_related("carnet"),
        carnet=carnet,
        uuid=diagnostic_uuid,
        partage_personne_le__isnull=False,
    )
    if not parole.est_le_dernier_partage(diagnostic):
        messages.warning(request, parole.DIAGNOSTIC_PERIME)
        return redirect("parcours:espace_diagnostic")
    form = AvisDiagnosticForm(request.POST, diagnostic=diagnostic)
    if form.is_valid():
        try:
            parole.donner_avis_diagnostic(
                diagnostic,
                acteur=request.user,
                confirme=form.cleaned_data["avis"] == "confirme",
                texte=form.cleaned_data["texte"],
            )
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Merci, votre avis est enregistré : votre référent le verra.")
            return redirect("parcours:espace_diagnostic")
    return _page_diagnostic(request, carnet, status=400, form=form)


@personne_requise
def exprimer(request, carnet):
    form = ExpressionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                parole.exprimer(carnet, acteur=request.user, **form.cleaned_data)
            except ValidationError as erreur:
                reporter_erreurs(form, erreur)
            else:
                messages.success(request, "Merci, votre message est enregistré : votre référent le verra.")
                return redirect("parcours:espace_exprimer")
        status = 400
    expressions = ExpressionPersonne.objects.filter(carnet=carnet).select_related("objectif__referentiel", "diagnostic")
    return render(
        request, "parcours/espace/carnet/exprimer.html", {"form": form, "expressions": expressions}, status=status
    )
