"""Les pages « Qui voit mon carnet », « Je m'oppose », « Qui l'a consulté » de la personne, et la réponse du
professionnel à une demande d'opposition."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parcours.espace import partage
from parcours.espace.acces import personne_requise
from parcours.espace.partage_forms import ConsentementForm, OppositionForm, ReponseOppositionForm
from parcours.models import DemandeOpposition
from spie.forms import reporter_erreurs
from spie.pagination import paginer


def _page_partages(request, carnet, form=None, status=200):
    form = form or ConsentementForm(organisations=partage.organisations_a_qui_consentir(carnet))
    partages = partage.raisons_du_partage(carnet)
    contexte = {
        "carnet": carnet,
        "partages_legaux": [p for p in partages if p.cadre_legal],
        "partages_accord": [p for p in partages if not p.cadre_legal and not p.sans_raison],
        "partages_sans_raison": [p for p in partages if p.sans_raison],
        "form": form,
        "a_des_organisations": form.a_des_organisations,
        "consentements": partage.consentements_du_carnet(carnet),
    }
    return render(request, "parcours/espace/partage/partages.html", contexte, status=status)


@personne_requise
def partages(request, carnet):
    return _page_partages(request, carnet)


@require_POST
@personne_requise
def consentement_donner(request, carnet):
    form = ConsentementForm(request.POST, organisations=partage.organisations_a_qui_consentir(carnet))
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            partage.donner_consentement(carnet, acteur=request.user, organisation=organisation)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, f"« {organisation.nom} » peut maintenant lire votre carnet.")
            return redirect("parcours:espace_partages")
    return _page_partages(request, carnet, form=form)


@require_POST
@personne_requise
def consentement_retirer(request, carnet, organisation_uuid):
    consentement = partage.get_consentement_en_cours(carnet, organisation_uuid)
    nom = consentement.organisation.nom
    try:
        raisons = partage.retirer_consentement(consentement, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect("parcours:espace_partages")
    if raisons:
        messages.info(
            request,
            f"Votre accord est retiré. « {nom} » garde l'accès à votre carnet, car elle {raisons[0]}.",
        )
    else:
        messages.success(request, f"Votre accord est retiré : « {nom} » ne voit plus votre carnet.")
    return redirect("parcours:espace_partages")


@personne_requise
def opposition(request, carnet):
    demandes = list(partage.oppositions_de_la_personne(carnet))
    en_attente = next((d for d in demandes if d.statut == DemandeOpposition.Statut.EN_ATTENTE), None)
    form = OppositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            demande = partage.demander_opposition(carnet, acteur=request.user, motif=form.cleaned_data["motif"])
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"Votre demande est envoyée à « {demande.organisation.nom} ». "
                f"Elle doit vous répondre au plus tard le {demande.echeance:%d/%m/%Y}.",
            )
            return redirect("parcours:espace_opposition")
    contexte = {
        "carnet": carnet,
        "demandes": demandes,
        "en_attente": en_attente,
        "form": form,
        "organisation": partage.organisation_de_l_opposition(carnet),
        "delai_mois": partage.DELAI_REPONSE_OPPOSITION_MOIS,
        "prolongation_mois": partage.PROLONGATION_OPPOSITION_MOIS,
    }
    return render(request, "parcours/espace/partage/opposition.html", contexte)


@personne_requise
def consultations(request, carnet):
    page, requete = paginer(request, partage.consultations_groupees(carnet, exclure=request.user), par_page=20)
    contexte = {
        "carnet": carnet,
        "page": page,
        "requete": requete,
        "lignes": partage.completer_consultations(carnet, page.object_list),
        "fenetre_mois": partage.FENETRE_CONSULTATIONS_MOIS,
    }
    return render(request, "parcours/espace/partage/consultations.html", contexte)


def opposition_repondre(request, uuid, opposition_uuid):
    demande = partage.get_opposition_pour_repondre(request.user, uuid, opposition_uuid)
    carnet = demande.carnet
    form = ReponseOppositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partage.repondre_opposition(
                demande, acteur=request.user, statut=form.cleaned_data["statut"], reponse=form.cleaned_data["reponse"]
            )
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, "Votre réponse est enregistrée : la personne la lit dans son espace.")
            return redirect(f"{reverse('parcours:carnet', args=[carnet.uuid])}?onglet=historique")
    contexte = {"carnet": carnet, "personne": carnet.personne, "demande": demande, "form": form}
    return render(request, "parcours/espace/partage/opposition_repondre.html", contexte)
