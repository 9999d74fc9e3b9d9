import uuid as uuid_module

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from parcours import permissions as regles
from parcours import services as carnet_services
from parcours.diagnostic import services
from parcours.diagnostic.affichage import afficher
from parcours.diagnostic.forms import EvaluationForm, ProjetForm, SituationForm, ValidationForm
from parcours.diagnostic.regles import objectifs_suggeres
from parcours.models import AppellationRome, Diagnostic, Situation
from spie import documents
from spie.forms import reporter_erreurs
from spie.texte import normaliser_recherche

RESULTATS_ROME = 20


def onglet_url(carnet) -> str:
    return f"{reverse('parcours:carnet', args=[carnet.uuid])}?onglet=diagnostic"


def _consulter(request, carnet, onglet, diagnostic) -> None:
    membre = request.membre_courant
    carnet_services.enregistrer_consultation(
        carnet,
        utilisateur=request.user,
        organisation=membre.organisation if membre else None,
        onglet=onglet,
        diagnostic=diagnostic,
    )


def contexte_onglet(request, carnet) -> dict:
    """L'onglet « Diagnostic » du carnet : la version courante (la dernière validée), ce qui a changé depuis la
    précédente, la version en cours, les objectifs suggérés et l'historique des versions."""
    versions = list(carnet.diagnostics.select_related("professionnel", "second_professionnel", "valide_par"))
    courant = next((d for d in versions if d.est_valide), None)
    en_cours = next((d for d in versions if not d.est_valide), None)
    voit_sensible = regles.can_view_sensible(request.user, carnet)
    peut_mener = regles.can_edit_diagnostic(request.user, carnet)
    return {
        "versions": versions,
        "diagnostic_en_cours": en_cours,
        "affiche": afficher(courant, voit_sensible=voit_sensible, avec_comparaison=True) if courant else None,
        "peut_mener": peut_mener,
        "objectifs_suggeres": objectifs_suggeres(courant) if courant and peut_mener else [],
    }


def _diagnostic(carnet, diagnostic_uuid) -> Diagnostic:
    return get_object_or_404(
        Diagnostic.objects.select_related("carnet__personne", "professionnel", "second_professionnel", "valide_par"),
        carnet=carnet,
        uuid=diagnostic_uuid,
    )


@require_POST
def commencer(request, uuid):
    carnet = regles.get_carnet_for_diagnostic(request.user, uuid)
    try:
        diagnostic = services.commencer(carnet, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect(onglet_url(carnet))
    if diagnostic.precedent_id:
        messages.success(request, f"Version {diagnostic.version} ouverte : elle reprend le diagnostic validé.")
    else:
        messages.success(request, "Diagnostic commencé.")
    return redirect("parcours:diagnostic_modifier", carnet.uuid, diagnostic.uuid)


def _formulaires(diagnostic, donnees=None):
    carnet = diagnostic.carnet
    intervenants = [
        i.utilisateur
        for i in carnet.intervenants.actifs().select_related("utilisateur")
        if i.utilisateur_id != diagnostic.professionnel_id
    ]
    situation = SituationForm(donnees, instance=diagnostic, intervenants=intervenants)
    par_domaine = {}
    for s in Situation.objects.filter(actif=True).order_by("libelle"):
        par_domaine.setdefault(s.domaine_id, []).append(s)
    evaluations = [
        EvaluationForm(
            donnees,
            instance=evaluation,
            situations=par_domaine.get(evaluation.domaine_id, [])
            + [s for s in evaluation.situations.all() if not s.actif],
        )
        for evaluation in diagnostic.evaluations.select_related("domaine").prefetch_related("situations")
    ]
    return situation, evaluations


def _uuid(texte: str) -> uuid_module.UUID | None:
    try:
        return uuid_module.UUID(texte)
    except ValueError:
        return None


def _page_modifier(request, carnet, diagnostic, situation, evaluations, *, form_projet=None, metier="", status=200):
    contexte = {
        "carnet": carnet,
        "personne": carnet.personne,
        "diagnostic": diagnostic,
        "form": situation,
        "evaluations": evaluations,
        "projets": diagnostic.projets.select_related("appellation"),
        "form_projet": form_projet or ProjetForm(prefix="projet"),
        "max_projets": Diagnostic.MAX_PROJETS,
        "metier": metier,
        "appellations": rechercher_appellations(metier),
        "appellation_choisie": request.POST.get("projet-appellation", ""),
    }
    return render(request, "parcours/diagnostic/modifier.html", contexte, status=status)


def modifier(request, uuid, diagnostic_uuid):
    """La saisie du diagnostic en cours : un seul formulaire, plusieurs boutons (`suite`). Chaque bouton enregistre
    tout ce qui est saisi, en une transaction, avec l'ajout ou le retrait d'un projet s'il y a lieu ; « Chercher »
    fait la recherche de métiers sans JavaScript ; une erreur n'écrit rien et la page revient avec la saisie."""
    carnet = regles.get_carnet_for_diagnostic(request.user, uuid)
    diagnostic = _diagnostic(carnet, diagnostic_uuid)
    if diagnostic.est_valide:
        messages.error(request, services.DEJA_VALIDE)
        return redirect(onglet_url(carnet))
    if request.method != "POST":
        situation, evaluations = _formulaires(diagnostic)
        metier = request.GET.get("metier", "").strip()
        return _page_modifier(request, carnet, diagnostic, situation, evaluations, metier=metier)
    suite = request.POST.get("suite", "")
    metier = request.POST.get("metier", "").strip()
    retrait = None
    if suite.startswith("retirer:"):
        projets = diagnostic.projets.select_related("appellation")
        retrait = get_object_or_404(projets.filter(uuid=_uuid(suite.removeprefix("retirer:"))))
    form_projet = ProjetForm(request.POST, prefix="projet") if suite == "projet" else None
    situation, evaluations = _formulaires(diagnostic, request.POST)
    # Un domaine absent de la page envoyée (ses zones de texte le sont toujours) n'est pas touché.
    presentes = [e for e in evaluations if f"{e.prefix}-commentaire" in request.POST]
    valides = situation.is_valid() and all(e.is_valid() for e in presentes)
    if valides and (form_projet is None or form_projet.is_valid()):
        donnees = dict(situation.cleaned_data)
        try:
            services.enregistrer(
                diagnostic,
                acteur=request.user,
                revision=_entier(request.POST.get("revision")),
                evaluations={e.domaine.code: e.valeurs() for e in presentes},
                ajout_projet=form_projet.cleaned_data if form_projet else None,
                retrait_projet=retrait,
                **donnees,
            )
        except ValidationError as erreur:
            reporter_erreurs(form_projet if form_projet and _concerne_le_projet(erreur) else situation, erreur)
        else:
            return _apres_enregistrement(request, carnet, diagnostic, suite, metier, retrait, form_projet)
    return _page_modifier(
        request, carnet, diagnostic, situation, evaluations, form_projet=form_projet, metier=metier, status=400
    )


def _entier(texte):
    return int(texte) if texte and texte.isdigit() else None


def _concerne_le_projet(erreur) -> bool:
    champs = set(ProjetForm.base_fields) | {"appellation"}
    return not hasattr(erreur, "error_dict") or bool(set(erreur.error_dict) & champs)


def _apres_enregistrement(request, carnet, diagnostic, suite, metier, retrait, form_projet):
    ici = reverse("parcours:diagnostic_modifier", args=[carnet.uuid, diagnostic.uuid])
    if suite == "valider":
        return redirect("parcours:diagnostic_valider", carnet.uuid, diagnostic.uuid)
    if suite == "chercher":
        return redirect(f"{ici}?{urlencode({'metier': metier})}#projets")
    if retrait is not None:
        messages.success(request, f"Projet retiré : {retrait.appellation}.")
        return redirect(f"{ici}#projets")
    if form_projet is not None:
        metier = AppellationRome.objects.get(code=form_projet.cleaned_data["appellation"])
        messages.success(request, f"Projet ajouté : {metier}.")
        return redirect(f"{ici}#projets")
    messages.success(request, "Diagnostic enregistré.")
    return redirect(ici)


def rechercher_appellations(texte: str) -> list[AppellationRome]:
    """Les appellations ROME dont le libellé (ou le code ROME) contient tous les mots saisis, sans accents."""
    mots = normaliser_recherche(texte[:100]).split()[:6]
    if not mots or len("".join(mots)) < 2:
        return []
    appellations = AppellationRome.objects.filter(actif=True)
    for mot in mots:
        appellations = appellations.filter(recherche__contains=mot)
    return list(appellations.order_by("libelle")[:RESULTATS_ROME])


def rome(request):
    """Recherche de métiers pour l'autocomplétion (fragment htmx) ; sans JavaScript, la page de saisie du
    diagnostic fait la même recherche avec `?metier=`."""
    texte = request.GET.get("metier", "").strip()
    contexte = {"metier": texte, "appellations": rechercher_appellations(texte), "appellation_choisie": ""}
    return render(request, "parcours/diagnostic/includes/resultats_rome.html", contexte)


def valider(request, uuid, diagnostic_uuid):
    carnet = regles.get_carnet_for_diagnostic(request.user, uuid)
    diagnostic = _diagnostic(carnet, diagnostic_uuid)
    if diagnostic.est_valide:
        messages.error(request, services.DEJA_VALIDE)
        return redirect(onglet_url(carnet))
    affiche = afficher(diagnostic, voit_sensible=True)
    form = ValidationForm(request.POST or None, initial={"parcours_retenu": affiche.suggestion.parcours})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.valider(diagnostic, acteur=request.user, **form.cleaned_data)
            except ValidationError as erreur:
                reporter_erreurs(form, erreur)
            else:
                messages.success(request, f"Diagnostic validé (version {diagnostic.version}).")
                return redirect(onglet_url(carnet))
        status = 400
    contexte = {
        "carnet": carnet,
        "personne": carnet.personne,
        "diagnostic": diagnostic,
        "affiche": affiche,
        "manques": services.manques(diagnostic),
        "form": form,
    }
    return render(request, "parcours/diagnostic/valider.html", contexte, status=status)


@require_POST
def partager(request, uuid, diagnostic_uuid):
    carnet = regles.get_carnet_for_diagnostic(request.user, uuid)
    diagnostic = _diagnostic(carnet, diagnostic_uuid)
    try:
        services.partager_avec_la_personne(diagnostic, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Diagnostic partagé avec la personne : elle pourra le confirmer ou le commenter.")
    return redirect(onglet_url(carnet))


@require_POST
def objectif_accepter(request, uuid, diagnostic_uuid):
    carnet = regles.get_carnet_for_diagnostic(request.user, uuid)
    diagnostic = _diagnostic(carnet, diagnostic_uuid)
    try:
        objectif = services.accepter_objectif(
            diagnostic, acteur=request.user, objectif=request.POST.get("objectif", "")
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"Objectif ajouté au plan d'action : {objectif.libelle}.")
    return redirect(onglet_url(carnet))


def version(request, uuid, diagnostic_uuid):
    """Une version du diagnostic, en lecture, avec ce qui a changé depuis la précédente."""
    carnet = regles.get_carnet_for_user(request.user, uuid)
    diagnostic = _diagnostic(carnet, diagnostic_uuid)
    _consulter(request, carnet, "diagnostic", diagnostic)
    voit_sensible = regles.can_view_sensible(request.user, carnet)
    contexte = {
        "carnet": carnet,
        "personne": carnet.personne,
        "diagnostic": diagnostic,
        "affiche": afficher(diagnostic, voit_sensible=voit_sensible, avec_comparaison=True),
    }
    return render(request, "parcours/diagnostic/version.html", contexte)


GABARIT_IMPRESSION = "parcours/diagnostic/impression.html"


def contexte_impression(utilisateur, carnet, diagnostic, *, pour_la_personne=False) -> dict:
    """Pour le dossier, ou pour la personne : sans les commentaires des professionnels."""
    return {
        "pour_la_personne": pour_la_personne,
        "carnet": carnet,
        "personne": carnet.personne,
        "diagnostic": diagnostic,
        "affiche": afficher(
            diagnostic, voit_sensible=regles.can_view_sensible(utilisateur, carnet), pour_la_personne=pour_la_personne
        ),
        "imprime_le": timezone.now(),
        "imprime_par": utilisateur,
    }


def imprimer(request, uuid, diagnostic_uuid):
    carnet = regles.get_carnet_for_user(request.user, uuid)
    diagnostic = _diagnostic(carnet, diagnostic_uuid)
    _consulter(request, carnet, "diagnostic_impression", diagnostic)
    pour_la_personne = request.GET.get("pour") == "personne"
    contexte = contexte_impression(request.user, carnet, diagnostic, pour_la_personne=pour_la_personne)
    return render(request, GABARIT_IMPRESSION, contexte)


def pdf(request, uuid, diagnostic_uuid):
    """Le PDF (même gabarit que l'impression) est produit par un worker : la page suit sa progression."""
    carnet = regles.get_carnet_for_user(request.user, uuid)
    diagnostic = _diagnostic(carnet, diagnostic_uuid)
    pour_la_personne = request.GET.get("pour") == "personne"
    if pour_la_personne and not diagnostic.est_valide:
        messages.error(request, "Seul un diagnostic validé se remet à la personne.")
        return redirect(onglet_url(carnet))
    _consulter(request, carnet, "diagnostic_pdf", diagnostic)
    suffixe = "-personne" if pour_la_personne else ""
    document = documents.demander(
        "parcours.diagnostic",
        demandeur=request.user,
        titre=f"Diagnostic de {carnet.personne}, version {diagnostic.version}"
        + (" (pour la personne)" if pour_la_personne else ""),
        nom_fichier=f"diagnostic-v{diagnostic.version}-{slugify(carnet.personne.nom)}{suffixe}.pdf",
        carnet=str(carnet.uuid),
        diagnostic=str(diagnostic.uuid),
        pour_la_personne=pour_la_personne,
    )
    return redirect("document", document.uuid)
