"""Les pages des manquements : la liste d'un carnet, le constat, la page d'un manquement (sa procédure pas à pas et
le formulaire de l'étape en cours pour qui peut agir), les manquements à décider du territoire.

Chaque vue : un appel d'accès (`acces` : 404 quand on ne voit pas, 403 quand on voit sans pouvoir agir), un
formulaire, un appel de service, le rendu ou la redirection."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from parcours import delegation
from parcours import services as carnet_services
from parcours.models import Manquement
from parcours.sanctions import acces, regles, services
from parcours.sanctions.forms import AvisForm, ConstatForm, DecisionForm, LeveeForm, MotifForm, ObservationsForm
from spie.forms import reporter_erreurs
from spie.pagination import paginer

PAR_PAGE = 25


def _url(manquement) -> str:
    return reverse("parcours:manquement", args=[manquement.uuid])


def _consulter(request, carnet, *, onglet: str) -> None:
    membre = request.membre_courant
    carnet_services.enregistrer_consultation(
        carnet, utilisateur=request.user, organisation=membre.organisation if membre else None, onglet=onglet
    )


@require_GET
def liste(request, uuid):
    carnet = acces.get_carnet_pour_voir(request.user, uuid)
    manquements = carnet.manquements.select_related("organisation").order_by("-date_faits", "-id")
    page, requete = paginer(request, manquements, par_page=PAR_PAGE)
    _consulter(request, carnet, onglet="manquements")
    contexte = {
        "carnet": carnet,
        "personne": carnet.personne,
        "page": page,
        "requete": requete,
        "peut_constater": acces.peut_instruire(request.user, carnet),
    }
    return render(request, "parcours/sanctions/liste.html", contexte)


def constater(request, uuid):
    carnet = acces.get_carnet_pour_constater(request.user, uuid)
    form = ConstatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            manquement = services.constater(carnet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request, "Le manquement est constaté. Examinez maintenant l'existence d'un motif légitime."
            )
            return redirect(_url(manquement))
    contexte = {"carnet": carnet, "personne": carnet.personne, "form": form}
    return render(request, "parcours/sanctions/constater.html", contexte, status=400 if form.errors else 200)


def _etape(manquement, user, aujourd_hui) -> dict:
    """Les formulaires de l'étape en cours que l'utilisateur peut remplir (non liés)."""
    instruit = acces.peut_instruire(user, manquement.carnet)
    decide = acces.peut_decider(user, manquement.carnet)
    Statut = Manquement.Statut
    formulaires = {}
    if manquement.statut == Statut.CONSTATE and instruit:
        formulaires["motif_form" if manquement.motif_legitime is None else "avis_form"] = (
            MotifForm() if manquement.motif_legitime is None else AvisForm()
        )
    if manquement.statut == Statut.AVIS_ENVOYE:
        if instruit:
            formulaires["observations_form"] = ObservationsForm(
                initial={"observations": manquement.observations, "recues_le": manquement.observations_recues_le}
                if manquement.observations
                else None
            )
        if decide and regles.peut_decider_le(manquement, aujourd_hui):
            formulaires["decision_form"] = DecisionForm()
    sanction_en_cours = manquement.decision in regles.DECISIONS_SANCTION and manquement.levee_le is None
    if sanction_en_cours and decide:
        formulaires["levee_form"] = LeveeForm()
    return formulaires


def _page(request, manquement, *, lie: dict | None = None):
    aujourd_hui = timezone.localdate()
    formulaires = _etape(manquement, request.user, aujourd_hui) | (lie or {})
    contexte = {
        "manquement": manquement,
        "carnet": manquement.carnet,
        "personne": manquement.carnet.personne,
        "dossiers_equipe": list(
            manquement.dossiers_equipe.filter(avis__gt="").select_related("seance__equipe").order_by("avis_le", "id")
        ),
        "decision_possible_le": manquement.fin_observations + timedelta(days=1)
        if manquement.fin_observations
        else None,
        **dict.fromkeys(["motif_form", "avis_form", "observations_form", "decision_form", "levee_form"]),
        **formulaires,
    }
    return render(request, "parcours/sanctions/manquement.html", contexte, status=400 if lie else 200)


@require_GET
def manquement(request, uuid):
    manquement = acces.get_manquement_pour_voir(request.user, uuid)
    _consulter(request, manquement.carnet, onglet="manquement")
    return _page(request, manquement)


def _agir(request, uuid, *, get_manquement, classe_form, nom_form, service, message):
    manquement = get_manquement(request.user, uuid)
    form = classe_form(request.POST)
    if form.is_valid():
        donnees = form.pour_le_service() if hasattr(form, "pour_le_service") else form.cleaned_data
        try:
            service(manquement, acteur=request.user, **donnees)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(request, message)
            return redirect(_url(manquement))
    return _page(request, manquement, lie={nom_form: form})


@require_POST
def motif(request, uuid):
    return _agir(
        request,
        uuid,
        get_manquement=acces.get_manquement_pour_instruire,
        classe_form=MotifForm,
        nom_form="motif_form",
        service=services.examiner_motif,
        message="L'examen du motif légitime est enregistré.",
    )


@require_POST
def avis(request, uuid):
    return _agir(
        request,
        uuid,
        get_manquement=acces.get_manquement_pour_instruire,
        classe_form=AvisForm,
        nom_form="avis_form",
        service=services.envoyer_avis,
        message="L'envoi de l'avis de manquement est enregistré.",
    )


@require_POST
def observations(request, uuid):
    return _agir(
        request,
        uuid,
        get_manquement=acces.get_manquement_pour_instruire,
        classe_form=ObservationsForm,
        nom_form="observations_form",
        service=services.enregistrer_observations,
        message="Les observations de la personne sont enregistrées.",
    )


@require_POST
def decider(request, uuid):
    return _agir(
        request,
        uuid,
        get_manquement=acces.get_manquement_pour_decider,
        classe_form=DecisionForm,
        nom_form="decision_form",
        service=services.decider,
        message="La décision est enregistrée.",
    )


@require_POST
def lever(request, uuid):
    return _agir(
        request,
        uuid,
        get_manquement=acces.get_manquement_pour_decider,
        classe_form=LeveeForm,
        nom_form="levee_form",
        service=services.lever,
        message="La sanction est levée.",
    )


@require_GET
def a_decider(request):
    """Les manquements du territoire dont la fenêtre d'observations est close : au chargé d'orientation. Chaque
    personne de la page est notée dans le journal des consultations de son carnet."""
    if not delegation.departements_delegues(request.user):
        raise PermissionDenied("Cette liste est celle des chargés d'orientation d'un Département.")
    avis_rendu = regles.avis_de_l_equipe(OuterRef("pk"))
    manquements = (
        Manquement.objects.filter(
            carnet__in=acces.carnets_du_territoire(request.user),
            statut=Manquement.Statut.AVIS_ENVOYE,
            fin_observations__lt=timezone.localdate(),
        )
        .annotate(avis_equipe=Exists(avis_rendu))
        .select_related("carnet__personne", "organisation")
        .order_by("fin_observations", "id")
    )
    page, requete = paginer(request, manquements, par_page=PAR_PAGE)
    carnet_services.enregistrer_consultations(request, [m.carnet_id for m in page.object_list], onglet="manquements")
    return render(request, "parcours/sanctions/a_decider.html", {"page": page, "requete": requete})
