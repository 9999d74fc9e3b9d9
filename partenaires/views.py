from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from partenaires import permissions, services
from partenaires.choix import Role
from partenaires.forms import (
    AcceptationForm,
    CreationOrganisationForm,
    DesactivationForm,
    InvitationForm,
    OrganisationForm,
    RoleForm,
)
from partenaires.middleware import CLE_SESSION_ORGANISATION
from partenaires.models import Invitation, Membre
from partenaires.referentiels import departements
from spie.forms import reporter_erreurs
from spie.pagination import paginer

CHAMPS_ORGANISATION = OrganisationForm.Meta.fields


def _retour_sur(request, defaut: str) -> str:
    suivant = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(suivant, allowed_hosts={request.get_host()}):
        return suivant
    return defaut


# --- Organisations -----------------------------------------------------------------------------


def organisations(request):
    qs = permissions.visible_organisations(request.user).annotate(
        nb_membres=Count("membres", filter=Q(membres__is_active=True))
    )
    recherche = request.GET.get("q", "").strip()
    departement = request.GET.get("departement", "")
    if recherche:
        qs = qs.filter(Q(nom__icontains=recherche) | Q(commune__icontains=recherche) | Q(siret__startswith=recherche))
    if departement in departements():
        qs = qs.filter(departement=departement)
    page, requete = paginer(request, qs.order_by("nom"))
    contexte = {
        "page": page,
        "requete": requete,
        "recherche": recherche,
        "departement": departement,
        "departements_visibles": sorted(set(qs.values_list("departement", flat=True))),
        "peut_creer": permissions.can_create_organisation(request.user),
    }
    if request.htmx:
        return render(request, "partenaires/includes/liste_organisations.html", contexte)
    return render(request, "partenaires/organisations.html", contexte)


def organisation_creer(request):
    permissions.require(
        permissions.can_create_organisation(request.user),
        "La création d'organisations est réservée aux pilotes.",
    )
    departements_permis = permissions.departements_de_creation(request.user)
    form = CreationOrganisationForm(request.POST or None, departements=departements_permis)
    if request.method == "POST" and form.is_valid():
        champs = {champ: form.cleaned_data[champ] for champ in CHAMPS_ORGANISATION}
        try:
            organisation = services.creer_organisation(
                acteur=request.user, email_administrateur=form.cleaned_data["email_administrateur"], **champs
            )
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"L'organisation « {organisation.nom} » est créée. Une invitation a été envoyée à "
                f"{form.cleaned_data['email_administrateur']}.",
            )
            return redirect("partenaires:organisation", organisation.uuid)
    contexte = {
        "form": form,
        "creation": True,
        "libelle_bouton": "Créer l'organisation",
        "url_annuler": reverse("partenaires:organisations"),
    }
    return render(request, "partenaires/organisation_form.html", contexte)


def organisation(request, uuid):
    organisation = permissions.get_organisation_for_user(request.user, uuid)
    contexte = {
        "organisation": organisation,
        "nb_membres": organisation.membres.filter(is_active=True).count(),
        "peut_administrer": permissions.can_administer_organisation(request.user, organisation),
        "peut_modifier": permissions.can_edit_organisation(request.user, organisation),
    }
    return render(request, "partenaires/organisation.html", contexte)


def organisation_modifier(request, uuid):
    organisation = permissions.get_organisation_for_edit(request.user, uuid)
    form = OrganisationForm(request.POST or None, instance=organisation)
    # Le département ne change pas ici : il fixe qui pilote l'organisation.
    form.fields["departement"].disabled = True
    if request.method == "POST" and form.is_valid():
        champs = {champ: form.cleaned_data[champ] for champ in CHAMPS_ORGANISATION if champ != "departement"}
        organisation.refresh_from_db()
        try:
            services.modifier_organisation(organisation, acteur=request.user, **champs)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "La fiche de l'organisation est enregistrée.")
            return redirect("partenaires:organisation", organisation.uuid)
    contexte = {
        "form": form,
        "creation": False,
        "organisation": organisation,
        "libelle_bouton": "Enregistrer",
        "url_annuler": reverse("partenaires:organisation", args=[organisation.uuid]),
    }
    return render(request, "partenaires/organisation_form.html", contexte)


@require_POST
def changer_organisation(request):
    choisie = request.POST.get("organisation", "")
    membre = next((m for m in permissions.membres_actifs(request.user) if str(m.organisation.uuid) == choisie), None)
    if membre is None:
        messages.error(request, "Vous n'êtes pas membre de cette organisation.")
    else:
        request.session[CLE_SESSION_ORGANISATION] = str(membre.organisation.uuid)
        messages.success(request, f"Vous travaillez maintenant pour « {membre.organisation.nom} ».")
    return HttpResponseRedirect(_retour_sur(request, reverse("accueil")))


# --- Membres -----------------------------------------------------------------------------------


def _contexte_membres(request, organisation, **extra):
    peut_administrer = permissions.can_administer_organisation(request.user, organisation)
    tous = Membre.objects.filter(organisation=organisation).select_related("utilisateur", "modifie_par")
    contexte = {
        "organisation": organisation,
        "peut_administrer": peut_administrer,
        "membres": [m for m in tous if m.is_active],
        "anciens_membres": [m for m in tous if not m.is_active],
        "roles": Role.choices,
        "invitation_form": InvitationForm(),
    }
    if peut_administrer:
        contexte["invitations"] = organisation.invitations.filter(
            date_acceptation__isnull=True, date_annulation__isnull=True
        ).select_related("invite_par")
        contexte["evenements"] = organisation.evenements.select_related("acteur", "membre__utilisateur")[:30]
    contexte.update(extra)
    return contexte


def membres(request, uuid):
    organisation = permissions.get_organisation_for_user(request.user, uuid)
    return render(request, "partenaires/membres.html", _contexte_membres(request, organisation))


def membre_inviter(request, uuid):
    organisation = permissions.get_organisation_for_admin(request.user, uuid)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.inviter_membre(organisation, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"Invitation envoyée à {invitation.email}.")
            return redirect("partenaires:membres", organisation.uuid)
    contexte = {
        "organisation": organisation,
        "form": form,
        "url_annuler": reverse("partenaires:membres", args=[organisation.uuid]),
    }
    return render(request, "partenaires/membre_inviter.html", contexte)


def _membre_de(request, uuid, membre_uuid):
    organisation = permissions.get_organisation_for_admin(request.user, uuid)
    membre = get_object_or_404(
        Membre.objects.select_related("utilisateur", "organisation"),
        organisation=organisation,
        uuid=membre_uuid,
    )
    return organisation, membre


@require_POST
def membre_role(request, uuid, membre_uuid):
    organisation, membre = _membre_de(request, uuid, membre_uuid)
    form = RoleForm(request.POST)
    erreur = None
    if form.is_valid():
        try:
            membre = services.changer_role(membre, acteur=request.user, role=form.cleaned_data["role"])
        except ValidationError as exc:
            erreur = " ".join(exc.messages)
    else:
        erreur = "Choisissez un rôle dans la liste."
    if request.htmx:
        membre.refresh_from_db()
        contexte = {
            "membre": membre,
            "organisation": organisation,
            "peut_administrer": True,
            "roles": Role.choices,
        }
        contexte["erreur_ligne"] = erreur
        contexte["succes_ligne"] = None if erreur else "Rôle enregistré."
        return render(request, "partenaires/includes/ligne_membre.html", contexte)
    if erreur:
        messages.error(request, erreur)
    else:
        messages.success(request, f"Rôle de {membre.utilisateur} : {membre.get_role_display()}.")
    return redirect("partenaires:membres", organisation.uuid)


def membre_desactiver(request, uuid, membre_uuid):
    organisation, membre = _membre_de(request, uuid, membre_uuid)
    form = DesactivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.desactiver_membre(membre, acteur=request.user, motif=form.cleaned_data["motif"])
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"{membre.utilisateur} n'a plus accès à « {organisation.nom} ».")
            if membre.utilisateur_id == request.user.pk:
                return redirect("accueil")
            return redirect("partenaires:membres", organisation.uuid)
    return render(
        request,
        "partenaires/membre_desactiver.html",
        {
            "organisation": organisation,
            "membre": membre,
            "form": form,
            "url_annuler": reverse("partenaires:membres", args=[organisation.uuid]),
        },
    )


@require_POST
def invitation_annuler(request, uuid, invitation_uuid):
    organisation = permissions.get_organisation_for_admin(request.user, uuid)
    invitation = get_object_or_404(Invitation, organisation=organisation, uuid=invitation_uuid)
    try:
        services.annuler_invitation(invitation, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"L'invitation de {invitation.email} est annulée.")
    return redirect("partenaires:membres", organisation.uuid)


# --- Acceptation d'une invitation (page publique) ----------------------------------------------


@login_not_required
def invitation(request, cle):
    try:
        invitation = services.trouver_invitation(cle)
    except ValidationError as erreur:
        return render(
            request, "partenaires/invitation_invalide.html", {"erreur": " ".join(erreur.messages)}, status=410
        )
    existant = services.compte_existant(invitation)
    form = None if existant else AcceptationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        donnees = (
            {}
            if form is None
            else {
                "prenom": form.cleaned_data["prenom"],
                "nom": form.cleaned_data["nom"],
                "mot_de_passe": form.cleaned_data["password1"],
            }
        )
        try:
            membre = services.accepter_invitation(
                cle, utilisateur=request.user if request.user.is_authenticated else None, **donnees
            )
        except ValidationError as erreur:
            if form is None:
                messages.error(request, " ".join(erreur.messages))
            else:
                reporter_erreurs(form, erreur)
        else:
            request.session[CLE_SESSION_ORGANISATION] = str(membre.organisation.uuid)
            messages.success(request, f"Bienvenue dans « {membre.organisation.nom} ».")
            if existant:
                return redirect("partenaires:membres", membre.organisation.uuid)
            return perform_login(
                request, membre.utilisateur, email_verification="none", redirect_url=reverse("accueil")
            )
    contexte = {"invitation": invitation, "form": form, "existant": existant}
    return render(request, "partenaires/invitation.html", contexte)
