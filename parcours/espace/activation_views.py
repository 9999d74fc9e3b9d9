"""Les pages de l'activation de l'espace personnel.

- Côté personne (sans connexion) : activer par le code remis, ou par le lien reçu ; un compte déjà connecté (une
  personne ou un professionnel) voit une page qui l'invite à se déconnecter d'abord, sans rien écrire.
- Côté professionnel : l'état de l'espace et les invitations, envoyer un lien, remettre un code (feuille à
  imprimer), fermer l'espace. 404 si le carnet n'est pas visible, 403 s'il est visible sans droit de le modifier
  (ou, sur un espace ouvert, pour réinitialiser l'accès sans être le référent).

Limites de débit : `activation_espace` (par adresse IP) ne compte que les envois du formulaire (POST), pas les
affichages ; `activation_espace_echec` (par identifiant) compte chaque essai *avant* de vérifier le code (pas de
course entre la vérification et le décompte) et se remet à zéro quand l'activation réussit.

La feuille du code suit le schéma POST → redirection → GET : le POST crée le code et le garde en session, la page
de la feuille l'affiche une fois et l'en retire ; la recharger dit que le code a déjà été affiché (sans en créer un
nouveau).
"""

from allauth.account.utils import perform_login
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from parcours import permissions as regles
from parcours import services as carnet_services
from parcours.espace import activation as services
from parcours.espace.activation_forms import ActivationCodeForm, MotDePasseForm
from parcours.models import ActivationEspace
from spie.forms import reporter_erreurs
from spie.liens import lien_absolu

GABARITS = "parcours/espace/activation"
TROP_D_ESSAIS = (
    "Trop d'essais pour cet identifiant. Par sécurité, attendez 15 minutes avant de réessayer, "
    "ou demandez un nouveau code à votre référent."
)


def _deja_connecte(request):
    return render(request, f"{GABARITS}/deja_connecte.html", {})


def _trop_de_demandes(request):
    return render(request, f"{GABARITS}/trop_de_demandes.html", {}, status=429)


def _connecter(request, compte):
    """La connexion d'allauth (ses signaux, ses étapes ; la personne n'a pas de second facteur)."""
    request.activation_espace = True  # pas d'avis de réinitialisation : c'est la personne qui vient d'activer
    messages.success(request, "Votre espace personnel est activé. Bienvenue !")
    return perform_login(request, compte, email_verification="none", redirect_url=reverse("parcours:espace_accueil"))


@login_not_required
@never_cache
def activer(request):
    """Activation par le code remis en main propre : identifiant, code et mot de passe."""
    if request.user.is_authenticated:
        return _deja_connecte(request)
    if request.method == "POST" and not ratelimit.consume(request, action="activation_espace"):
        return _trop_de_demandes(request)
    form = ActivationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifiant, code = form.cleaned_data["identifiant"], form.cleaned_data["code"]
        # L'essai est décompté d'abord : des envois simultanés ne passent pas tous un contrôle « à blanc ».
        if not ratelimit.consume(request, action="activation_espace_echec", key=identifiant):
            form.add_error(None, TROP_D_ESSAIS)
            return render(request, f"{GABARITS}/activer.html", {"form": form}, status=429)
        try:
            activation = services.trouver_par_code(identifiant, code)
            compte = services.activer(activation, mot_de_passe=form.cleaned_data["password1"])
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            # Réussi : les essais de cet identifiant repartent de zéro.
            ratelimit.clear(request, action="activation_espace_echec", key=identifiant)
            return _connecter(request, compte)
    return render(request, f"{GABARITS}/activer.html", {"form": form})


@login_not_required
@never_cache
def activer_lien(request, jeton):
    """Activation par le lien reçu par e-mail : la personne choisit seulement son mot de passe."""
    if request.user.is_authenticated:
        return _deja_connecte(request)
    if request.method == "POST" and not ratelimit.consume(request, action="activation_espace"):
        return _trop_de_demandes(request)
    activation = services.trouver_par_jeton(jeton)
    if activation is None:
        return render(request, f"{GABARITS}/lien_invalide.html", {"erreur": services.LIEN_INCONNU}, status=404)
    try:
        services.verifier_utilisable(activation)
    except ValidationError as erreur:
        return render(request, f"{GABARITS}/lien_invalide.html", {"erreur": " ".join(erreur.messages)}, status=410)
    form = MotDePasseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            compte = services.activer(activation, mot_de_passe=form.cleaned_data["password1"])
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            return _connecter(request, compte)
    return render(request, f"{GABARITS}/activer_lien.html", {"form": form, "activation": activation})


# --- Professionnel ----------------------------------------------------------------------------------------


def gerer(request, uuid):
    carnet = regles.get_carnet_for_user(request.user, uuid)
    membre = request.membre_courant
    carnet_services.enregistrer_consultation(
        carnet, utilisateur=request.user, organisation=membre.organisation if membre else None, onglet="espace"
    )
    etat = services.etat_espace(carnet)
    peut_modifier = regles.can_edit_carnet(request.user, carnet)
    # Sur un espace ouvert, une invitation réinitialise l'accès : seul le référent la donne.
    reserve_au_referent = peut_modifier and etat.est_ouvert and not services.peut_reinitialiser(carnet, request.user)
    contexte = {
        "carnet": carnet,
        "etat": etat,
        "activations": [(a, services.etat_activation(a)) for a in services.activations_de(carnet)],
        "peut_modifier": peut_modifier,
        "peut_inviter": peut_modifier and not reserve_au_referent,
        "qui_peut_reinitialiser": services.qui_peut_reinitialiser(carnet) if reserve_au_referent else "",
    }
    return render(request, f"{GABARITS}/gerer.html", contexte)


def _agir(request, uuid, action, succes: str):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    try:
        action(carnet, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, succes)
    return redirect("parcours:espace_gerer", carnet.uuid)


@require_POST
def envoyer_lien(request, uuid):
    return _agir(
        request, uuid, services.envoyer_lien, "Le lien d'activation est envoyé par e-mail. Il est valable 7 jours."
    )


@require_POST
def fermer(request, uuid):
    return _agir(request, uuid, services.fermer_espace, "L'espace personnel est fermé.")


FEUILLES = "espace_feuilles_de_code"  # clé de session : {uuid du carnet: {"activation": uuid, "code": code}}


@require_POST
def remettre_code(request, uuid):
    """Crée le code, le garde en session le temps de l'afficher, et redirige vers la feuille à imprimer."""
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    try:
        activation, code = services.remettre_code(carnet, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect("parcours:espace_gerer", carnet.uuid)
    feuilles = request.session.get(FEUILLES, {})
    feuilles[str(carnet.uuid)] = {"activation": str(activation.uuid), "code": code}
    request.session[FEUILLES] = feuilles
    return redirect("parcours:espace_feuille_code", carnet.uuid)


@require_GET
@never_cache
def feuille_code(request, uuid):
    """La feuille à imprimer : le code n'est montré qu'une fois (il quitte la session dès cet affichage). Recharger
    la page ne crée pas de nouveau code : elle dit que celui-ci a déjà été affiché."""
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    feuilles = request.session.get(FEUILLES, {})
    feuille = feuilles.pop(str(carnet.uuid), None)
    if feuille is not None:
        request.session[FEUILLES] = feuilles
    activation = (
        ActivationEspace.objects.select_related("cree_par", "organisation", "personne")
        .filter(uuid=feuille["activation"], personne_id=carnet.personne_id)
        .first()
        if feuille
        else None
    )
    if activation is None or not activation.est_utilisable():
        return render(request, f"{GABARITS}/feuille_deja_affichee.html", {"carnet": carnet})
    contexte = {
        "carnet": carnet,
        "activation": activation,
        "code": feuille["code"],
        "adresse": lien_absolu(reverse("parcours:espace_activer")),
        "adresse_connexion": lien_absolu(reverse("account_login")),
    }
    return render(request, f"{GABARITS}/feuille_code.html", contexte)
