from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from parcours import permissions as regles
from parcours import services as carnet_services
from parcours.convocations import contenu, liens, services
from parcours.models import RendezVous
from spie import documents

GABARIT_LETTRE = "parcours/convocations/lettre.html"
GABARIT_REPONSE = "parcours/convocations/repondre.html"


def onglet_url(carnet) -> str:
    return f"{reverse('parcours:carnet', args=[carnet.uuid])}?onglet=rendez_vous"


def _rendez_vous(request, uuid, rendez_vous_uuid):
    """Convoquer et imprimer la lettre : qui peut modifier le carnet (404 s'il ne le voit pas, 403 sinon)."""
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    rendez_vous = get_object_or_404(
        RendezVous.objects.select_related("carnet__personne", "organisation", "cree_par", "intervenant"),
        carnet=carnet,
        uuid=rendez_vous_uuid,
    )
    return carnet, rendez_vous


@require_POST
def convoquer(request, uuid, rendez_vous_uuid):
    carnet, rendez_vous = _rendez_vous(request, uuid, rendez_vous_uuid)
    try:
        services.convoquer(rendez_vous, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"Convocation envoyée par courriel à {carnet.personne.email}.")
    return redirect(onglet_url(carnet))


def contexte_lettre(carnet, rendez_vous) -> dict:
    return contenu.contexte(rendez_vous) | {"carnet": carnet, "date_lettre": timezone.localdate()}


def _lettre_possible(request, carnet, rendez_vous, onglet) -> bool:
    try:
        services.verifier_convocable(rendez_vous)
    except ValidationError as erreur:
        messages.error(request, f"Pas de lettre de convocation : {' '.join(erreur.messages).lower()}")
        return False
    membre = request.membre_courant
    carnet_services.enregistrer_consultation(
        carnet, utilisateur=request.user, organisation=membre.organisation if membre else None, onglet=onglet
    )
    return True


def lettre(request, uuid, rendez_vous_uuid):
    """La lettre de convocation à imprimer (le même gabarit que le PDF)."""
    carnet, rendez_vous = _rendez_vous(request, uuid, rendez_vous_uuid)
    if not _lettre_possible(request, carnet, rendez_vous, "convocation_impression"):
        return redirect(onglet_url(carnet))
    return render(request, GABARIT_LETTRE, contexte_lettre(carnet, rendez_vous))


def lettre_pdf(request, uuid, rendez_vous_uuid):
    """Le PDF de la lettre est produit par un worker : la page du document suit sa progression."""
    carnet, rendez_vous = _rendez_vous(request, uuid, rendez_vous_uuid)
    if not _lettre_possible(request, carnet, rendez_vous, "convocation_pdf"):
        return redirect(onglet_url(carnet))
    jour = timezone.localtime(rendez_vous.date_heure)
    document = documents.demander(
        "parcours.convocation",
        demandeur=request.user,
        titre=f"Convocation de {carnet.personne} au rendez-vous du {jour:%d/%m/%Y}",
        nom_fichier=f"convocation-{slugify(carnet.personne.nom)}-{jour:%Y-%m-%d}.pdf",
        carnet=str(carnet.uuid),
        rendez_vous=str(rendez_vous.uuid),
    )
    return redirect("document", document.uuid)


# --- Page publique de réponse (sans connexion) ----------------------------------------------------------

LIEN_INVALIDE = (
    "Ce lien ne fonctionne pas. Vérifiez qu'il est complet : copiez tout le lien du courriel, ou cliquez dessus."
)
LIEN_EXPIRE = "Ce lien ne marche plus : la date du rendez-vous est passée."


@login_not_required
def repondre(request, jeton):
    """La personne convoquée répond par le lien signé de son courriel. Le GET n'écrit rien et ne montre que le
    rendez-vous ; le POST enregistre la réponse, une seule fois."""
    try:
        lu = liens.lire(jeton)
        rendez_vous = (
            RendezVous.objects.select_related("carnet__personne", "organisation", "cree_par", "intervenant")
            .filter(uuid=lu.rendez_vous)
            .first()
        )
        if rendez_vous is None:
            raise Http404
    except (liens.LienInvalide, Http404):
        return render(request, GABARIT_REPONSE, {"erreur": LIEN_INVALIDE, "rendez_vous": None}, status=404)
    except liens.LienExpire:
        return render(request, GABARIT_REPONSE, {"erreur": LIEN_EXPIRE, "rendez_vous": None}, status=400)
    erreur, statut = "", 200
    if request.method == "POST":
        try:
            services.repondre(rendez_vous, reponse=lu.reponse)
        except ValidationError as exc:
            erreur, statut = " ".join(exc.messages), 400
        else:
            messages.success(request, "Merci, votre réponse est enregistrée.")
            return redirect(request.path)
    elif not rendez_vous.reponse:
        try:
            services.verifier_convocable(rendez_vous)
        except ValidationError as exc:
            erreur, statut = f"{' '.join(exc.messages)} Vous ne pouvez plus répondre par ce lien.", 400
    autre = RendezVous.Reponse.EMPECHE if lu.reponse == RendezVous.Reponse.CONFIRME else RendezVous.Reponse.CONFIRME
    contexte = contenu.contexte(rendez_vous) | {
        "erreur": erreur,
        "reponse": lu.reponse,
        "peut_repondre": not erreur,
        "autre_lien": reverse("parcours:convocation_repondre", args=[liens.signer(rendez_vous, autre)]),
    }
    return render(request, GABARIT_REPONSE, contexte, status=statut)
