from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from parcours import delais
from parcours import permissions as regles_carnet
from parcours import services as carnet_services
from parcours.models import DecisionOrientation, DemandeOrientation, Diagnostic
from parcours.orientation import criteres, horloges, regles, services
from parcours.orientation.forms import (
    DecisionForm,
    DemandeForm,
    NotificationForm,
    ReorientationForm,
    RetardForm,
    TransfertForm,
)
from partenaires.models import Membre, Organisation
from spie.forms import reporter_erreurs
from spie.pagination import paginer

Motif = DemandeOrientation.Motif
FILTRE_RETARD = {"oui": "En retard", "non": "Dans les temps"}


def onglet_url(carnet) -> str:
    return f"{reverse('parcours:carnet', args=[carnet.uuid])}?onglet=orientation"


def _consulter(request, carnet, onglet, diagnostic=None) -> None:
    membre = request.membre_courant
    carnet_services.enregistrer_consultation(
        carnet,
        utilisateur=request.user,
        organisation=membre.organisation if membre else None,
        onglet=onglet,
        diagnostic=diagnostic,
    )


def contexte_entete(request, carnet) -> dict:
    """L'orientation en cours, la demande ouverte et l'horloge du contrat, dans l'en-tête de chaque onglet."""
    return {"orientation": horloges.etat_du_carnet(carnet)}


def contexte_onglet(request, carnet) -> dict:
    """L'onglet « Orientation » : l'historique des demandes et décisions, les actions possibles."""
    voit_sensible = regles_carnet.can_view_sensible(request.user, carnet)
    demandes = list(
        carnet.demandes_orientation.select_related(
            "organisation_orientation",
            "demandeur",
            "organisation_demandeuse",
            "decision__organisme_referent",
            "decision__referent",
            "decision__decideur",
            "transfert__organisation_accueil",
        ).order_by("-date_demande", "-id")
    )
    historique = []
    for demande in demandes:
        decision = getattr(demande, "decision", None)
        historique.append(
            {
                "demande": demande,
                "decision": decision,
                "transfert": getattr(demande, "transfert", None),
                "criteres": criteres.afficher(decision.criteres, voit_sensible=voit_sensible) if decision else [],
                "form_notification": NotificationForm(prefix=f"notification-{decision.uuid}")
                if decision and decision.notifiee_le is None and regles.peut_orienter(request.user, demande)
                else None,
            }
        )
    peut_modifier = regles_carnet.can_edit_carnet(request.user, carnet)
    ouverte = any(d.statut == DemandeOrientation.Statut.EN_ATTENTE for d in demandes)
    orientee = any(h["decision"] and h["decision"].sens != DecisionOrientation.Sens.MAINTENIR for h in historique)
    return {
        "historique_orientation": historique,
        "peut_demander_orientation": peut_modifier and not ouverte,
        "peut_demander_reorientation": peut_modifier
        and orientee
        and not ouverte
        and regles.est_referent(request.user, carnet),
        "peut_transferer": peut_modifier and not ouverte,
    }


# --- Depuis le carnet : demander, demander une réorientation, transférer -----------------------------------


def demander(request, uuid):
    carnet = regles_carnet.get_carnet_for_edit(request.user, uuid)
    organisations = list(regles.organisations_qui_orientent(dans=regles.departements_du_carnet(carnet)))
    form = DemandeForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            demande = services.demander_orientation(carnet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Demande d'orientation envoyée à la file de {demande.organisation_orientation}.")
            return redirect(onglet_url(carnet))
    contexte = {"carnet": carnet, "personne": carnet.personne, "form": form}
    return render(request, "parcours/orientation/demander.html", contexte, status=400 if form.errors else 200)


def reorienter(request, uuid):
    carnet = regles_carnet.get_carnet_for_edit(request.user, uuid)
    if not regles.est_referent(request.user, carnet):
        raise PermissionDenied("Seul le référent de parcours demande une réorientation.")
    form = ReorientationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demander_reorientation(carnet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Demande de réorientation envoyée au chargé d'orientation.")
            return redirect(onglet_url(carnet))
    contexte = {"carnet": carnet, "personne": carnet.personne, "form": form, "etat": horloges.etat_du_carnet(carnet)}
    return render(request, "parcours/orientation/reorienter.html", contexte, status=400 if form.errors else 200)


def transferer(request, uuid):
    carnet = regles_carnet.get_carnet_for_edit(request.user, uuid)
    organisations = list(regles.organisations_qui_orientent(hors=regles.departements_du_carnet(carnet)))
    form = TransfertForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        donnees = {cle: form.cleaned_data[cle] for cle in ("organisation_accueil", "motif")}
        try:
            transfert = services.transferer(carnet, acteur=request.user, **donnees)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"Transfert enregistré : la demande est dans la file de {transfert.organisation_accueil} ; votre "
                f"territoire garde la lecture du carnet jusqu'au {transfert.fin_lecture_le:%d/%m/%Y}.",
            )
            return redirect(onglet_url(carnet))
    contexte = {"carnet": carnet, "personne": carnet.personne, "form": form}
    return render(request, "parcours/orientation/transferer.html", contexte, status=400 if form.errors else 200)


# --- La file d'orientation --------------------------------------------------------------------------------


def _dernier_diagnostic(champ):
    diagnostics = Diagnostic.objects.valides().filter(carnet=OuterRef("carnet")).order_by("-version")
    return Subquery(diagnostics.values(champ)[:1])


def file(request):
    if not regles.peut_ouvrir_la_file(request.user):
        raise PermissionDenied("La file d'orientation est réservée aux chargés d'orientation et aux pilotes.")
    aujourd_hui = timezone.localdate()
    demandes = (
        regles.demandes_visibles(request.user)
        .en_attente()
        .select_related("carnet__personne", "organisation_orientation", "organisation_demandeuse")
        .annotate(
            sans_delai=Case(
                When(motif__in=DemandeOrientation.MOTIFS_AVEC_DELAI_LEGAL, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            diagnostic_retenu=_dernier_diagnostic("parcours_retenu"),
            diagnostic_suggere=_dernier_diagnostic("parcours_suggere"),
        )
    )
    parametres = {cle: request.GET.get(cle, "").strip() for cle in ("motif", "retard", "cause")}
    if parametres["motif"] in Motif.values:
        demandes = demandes.filter(motif=parametres["motif"])
    depasse = aujourd_hui - timedelta(days=delais.DELAI_ORIENTATION_JOURS)
    if parametres["retard"] == "oui":
        demandes = demandes.filter(sans_delai=0, date_reception__lt=depasse)
    elif parametres["retard"] == "non":
        demandes = demandes.exclude(sans_delai=0, date_reception__lt=depasse)
    if parametres["cause"] == "sans":
        demandes = demandes.filter(cause_retard="")
    elif parametres["cause"] in DemandeOrientation.CauseRetard.values:
        demandes = demandes.filter(cause_retard=parametres["cause"])
    page, requete = paginer(request, demandes.order_by("sans_delai", "date_reception", "id"))
    for demande in page.object_list:
        parcours = demande.diagnostic_retenu or demande.diagnostic_suggere
        demande.parcours_diagnostic = Diagnostic.Parcours(parcours).label if parcours else ""
        demande.restants = demande.jours_restants(aujourd_hui)
        demande.retard = -demande.restants if demande.en_retard(aujourd_hui) else 0
        demande.form_retard = RetardForm(
            prefix=f"retard-{demande.uuid}",
            initial={"cause_retard": demande.cause_retard, "precision_retard": demande.precision_retard},
        )
    contexte = {
        "page": page,
        "requete": requete,
        "parametres": parametres,
        "motifs": Motif.choices,
        "filtres_retard": FILTRE_RETARD,
        "causes": DemandeOrientation.CauseRetard.choices,
        "aujourd_hui": aujourd_hui,
    }
    if request.htmx:
        return render(request, "parcours/orientation/includes/file.html", contexte)
    return render(request, "parcours/orientation/file.html", contexte)


@require_POST
def retard(request, demande_uuid):
    demande = regles.get_demande_pour_orienter(request.user, demande_uuid)
    form = RetardForm(request.POST, prefix=f"retard-{demande.uuid}")
    if not form.is_valid():
        messages.error(request, "Choisissez la cause du retard dans la liste.")
    else:
        try:
            services.expliquer_retard(demande, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, f"Cause du retard enregistrée pour {demande.carnet.personne}.")
    return redirect("parcours:orientation_file")


def decider(request, demande_uuid):
    demande = regles.get_demande_pour_orienter(request.user, demande_uuid)
    carnet = demande.carnet
    if demande.statut != DemandeOrientation.Statut.EN_ATTENTE:
        messages.error(request, "Cette demande est déjà décidée.")
        return redirect("parcours:orientation_file")
    voit_sensible = regles_carnet.can_view_sensible(request.user, carnet)
    diagnostic = carnet.diagnostics.valides().prefetch_related("evaluations", "projets").first()
    prerempli = criteres.depuis_le_diagnostic(diagnostic, voit_sensible=voit_sensible)
    territoire = demande.organisation_orientation.departement
    organisations = list(Organisation.objects.actives().filter(departement=territoire).order_by("nom"))
    membres = list(
        Membre.objects.actifs()
        .filter(organisation__departement=territoire)
        .select_related("utilisateur", "organisation")
        .order_by("organisation__nom", "utilisateur__nom", "utilisateur__prenom")
    )
    form = DecisionForm(
        request.POST or None,
        demande=demande,
        organisations=organisations,
        membres=membres,
        voit_sensible=voit_sensible,
        initial=DecisionForm.initial_depuis(prerempli),
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decider(demande, acteur=request.user, **form.pour_le_service())
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Décision enregistrée pour {carnet.personne} : {decision.get_sens_display()}.")
            return redirect("parcours:orientation_file")
    else:
        _consulter(request, carnet, "decision_orientation", diagnostic)
    referent = carnet.intervenants.actifs().filter(role="referent").select_related("utilisateur", "organisation")
    contexte = {
        "demande": demande,
        "carnet": carnet,
        "personne": carnet.personne,
        "form": form,
        "diagnostic": diagnostic,
        "referent_actuel": referent.first(),
        "orientation_actuelle": services.orientation_en_cours(carnet),
        "jours_restants": demande.jours_restants(),
    }
    return render(request, "parcours/orientation/decider.html", contexte, status=400 if form.errors else 200)


@require_POST
def notifier(request, decision_uuid):
    decision = regles.get_decision_pour_notifier(request.user, decision_uuid)
    form = NotificationForm(request.POST, prefix=f"notification-{decision.uuid}")
    if not form.is_valid():
        messages.error(request, "Indiquez la date et le canal de la notification.")
    else:
        try:
            services.notifier(decision, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, "Notification enregistrée : le mois du contrat d'engagement commence.")
    return redirect(onglet_url(decision.carnet))
