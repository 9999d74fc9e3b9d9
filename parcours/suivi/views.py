"""Sortie de parcours, suivi dans l'emploi, réouverture (depuis l'en-tête du carnet) ; tableaux « À traiter »
du professionnel et « Point de situation » du pilote."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from parcours import permissions as regles
from parcours.models import Carnet, ElementATraiter, ParametresTerritoire, PointSuiviEmploi
from parcours.suivi import services
from parcours.suivi.forms import FinSuiviForm, ParametresTerritoireForm, PointSuiviForm, ReouvertureForm, SortieForm
from partenaires import permissions
from partenaires.choix import Role
from partenaires.referentiels import departements
from spie.forms import reporter_erreurs

Regle = ElementATraiter.Regle
# L'onglet du carnet où l'on traite chaque règle.
ONGLET_DE_LA_REGLE = {
    Regle.PERDU_DE_VUE: "rendez_vous",
    Regle.ORIENTATION_EN_RETARD: "orientation",
    Regle.CONTRAT_EN_RETARD: "plan",
    Regle.ACTION_ECHUE: "plan",
    Regle.SANS_REFERENT: "groupe",
    Regle.DIAGNOSTIC_A_REEXAMINER: "diagnostic",
    Regle.REVISION_PARCOURS_SOCIAL: "orientation",
    Regle.HEURES_SANS_MOTIF: "plan",
    Regle.REEXAMEN_STATUT: "situation",
    Regle.POINT_SUIVI_EMPLOI: "situation",
    Regle.ORIENTATION_SERVICE_SANS_REPONSE: "offre",
}
# En-têtes de colonnes du tableau du pilote (le libellé complet est dans docs/point-de-situation.md).
LIBELLES_COURTS = {
    Regle.PERDU_DE_VUE: "Perdus de vue",
    Regle.ORIENTATION_EN_RETARD: "Orientations en retard",
    Regle.CONTRAT_EN_RETARD: "Contrats en retard",
    Regle.ACTION_ECHUE: "Actions échues",
    Regle.SANS_REFERENT: "Sans référent",
    Regle.DIAGNOSTIC_A_REEXAMINER: "Diagnostics à réexaminer",
    Regle.REVISION_PARCOURS_SOCIAL: "Révisions sociales dues",
    Regle.HEURES_SANS_MOTIF: "Moins de 15 h sans motif",
    Regle.REEXAMEN_STATUT: "Statuts à examiner",
    Regle.POINT_SUIVI_EMPLOI: "Points de suivi dus",
    Regle.ORIENTATION_SERVICE_SANS_REPONSE: "Orientations vers l'offre sans réponse",
}
# Qui traite, pour son organisation, une orientation en retard sans voir le carnet.
ROLES_ORIENTATION = [Role.CHARGE_ORIENTATION, Role.PILOTE, Role.ADMINISTRATEUR]


def carnet_url(carnet) -> str:
    return reverse("parcours:carnet", args=[carnet.uuid])


def contexte_entete(request, carnet) -> dict:
    """La sortie en cours et les points du suivi dans l'emploi, dans l'en-tête du carnet (aucune requête pour un
    parcours en cours)."""
    if carnet.statut == Carnet.Statut.ACTIF:
        return {"sortie_en_cours": None, "points_suivi": []}
    aujourd_hui = timezone.localdate()
    sortie = carnet.sorties.filter(rouvert_le__isnull=True).prefetch_related("points_suivi").first()
    points = list(sortie.points_suivi.all()) if sortie else []
    for point in points:
        point.du = point.fait_le is None and point.date_prevue <= aujourd_hui
    return {
        "sortie_en_cours": sortie,
        "points_suivi": points,
        "form_fin_suivi": FinSuiviForm(prefix="fin") if carnet.statut == Carnet.Statut.SUIVI_EMPLOI else None,
    }


def sortie(request, uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    form = SortieForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sortie = services.sortir(carnet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            if sortie.suivi_emploi_mois:
                messages.success(
                    request,
                    f"Parcours clos ; suivi dans l'emploi de {sortie.suivi_emploi_mois} mois, un point par mois.",
                )
            else:
                messages.success(request, "Parcours clos.")
            return redirect(carnet_url(carnet))
    statut = 400 if form.errors else 200
    return render(request, "parcours/suivi/sortie.html", {"carnet": carnet, "form": form}, status=statut)


def point_suivi_emploi(request, uuid, point_uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    point = get_object_or_404(PointSuiviEmploi.objects.select_related("sortie"), sortie__carnet=carnet, uuid=point_uuid)
    form = PointSuiviForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_point(point, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            carnet.refresh_from_db(fields=["statut"])
            fin = " C'était le dernier : le suivi est terminé." if carnet.statut == Carnet.Statut.CLOS else ""
            messages.success(request, f"Point du {point.date_prevue:%d/%m/%Y} enregistré.{fin}")
            return redirect(carnet_url(carnet))
    contexte = {"carnet": carnet, "point": point, "form": form}
    return render(request, "parcours/suivi/point.html", contexte, status=400 if form.errors else 200)


@require_POST
def suivi_emploi_terminer(request, uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    form = FinSuiviForm(request.POST, prefix="fin")
    if not form.is_valid():
        messages.error(request, "Indiquez pourquoi le suivi dans l'emploi s'arrête.")
        return redirect(carnet_url(carnet))
    try:
        services.terminer_suivi_emploi(carnet, acteur=request.user, **form.cleaned_data)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Suivi dans l'emploi terminé : le parcours est clos.")
    return redirect(carnet_url(carnet))


def carnet_rouvrir(request, uuid):
    carnet = regles.get_carnet_for_edit(request.user, uuid)
    form = ReouvertureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rouvrir(carnet, acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request, "Parcours rouvert : l'accompagnement reprend (la sortie reste dans l'historique)."
            )
            return redirect(carnet_url(carnet))
    contexte = {"carnet": carnet, "form": form, "sortie": services.sortie_en_cours(carnet)}
    return render(request, "parcours/suivi/reouverture.html", contexte, status=400 if form.errors else 200)


def _par_regle(elements) -> list[dict]:
    groupes = {}
    for element in elements:
        element.onglet = ONGLET_DE_LA_REGLE[element.regle]
        groupes.setdefault(element.regle, []).append(element)
    return [
        {"regle": regle, "libelle": libelle, "elements": groupes[regle]}
        for regle, libelle in Regle.choices
        if regle in groupes
    ]


def a_traiter(request):
    """Les éléments du dernier point de situation dont le carnet lui est visible : ceux du référent, puis ceux de ses
    organisations sans référent désigné ; les orientations en retard, à qui oriente pour son organisation."""
    user = request.user
    membres = permissions.membres_actifs(user)
    visibles = regles.visible_carnets(user)
    # Le calcul date de la nuit : un carnet qui ne lui est plus partagé depuis n'apparaît plus (pas même son nom).
    elements = (
        ElementATraiter.objects.du_dernier_calcul()
        .filter(
            Q(referent=user)
            | (
                Q(referent__isnull=True, organisation__in=membres.values("organisation"))
                & ~Q(regle=Regle.ORIENTATION_EN_RETARD)
            )
            | Q(
                referent__isnull=True,
                regle=Regle.ORIENTATION_EN_RETARD,
                organisation__in=membres.filter(role__in=ROLES_ORIENTATION).values("organisation"),
            ),
            carnet__in=visibles,
        )
        .select_related("carnet__personne", "organisation")
        .order_by("regle", "echeance", "pk")
    )
    elements = list(elements)
    mes = [e for e in elements if e.referent_id == user.pk]
    contexte = {
        "date_calcul": elements[0].date_calcul if elements else None,
        "mes_groupes": _par_regle(mes),
        "nombre_mes": len(mes),
        "organisation_groupes": _par_regle([e for e in elements if e.referent_id is None]),
    }
    return render(request, "parcours/suivi/a_traiter.html", contexte)


def _tableau(departements_pilotes) -> tuple[list[dict], dict]:
    """Une ligne par organisation (avec au moins un élément), une colonne par règle, et les totaux."""
    lignes = (
        ElementATraiter.objects.du_dernier_calcul()
        .filter(organisation__departement__in=departements_pilotes)
        .values("organisation", "organisation__nom", "organisation__departement", "regle", "date_calcul")
        .annotate(nombre=Count("pk"))
        .order_by("organisation__departement", "organisation__nom", "organisation")
    )
    organisations, totaux = {}, dict.fromkeys(Regle.values, 0)
    date_calcul = None
    for ligne in lignes:
        date_calcul = ligne["date_calcul"]
        ligne_orga = organisations.setdefault(
            ligne["organisation"],
            {
                "nom": ligne["organisation__nom"],
                "departement": ligne["organisation__departement"],
                "par_regle": dict.fromkeys(Regle.values, 0),
            },
        )
        ligne_orga["par_regle"][ligne["regle"]] += ligne["nombre"]
        totaux[ligne["regle"]] += ligne["nombre"]
    rangees = []
    for ligne_orga in organisations.values():
        ligne_orga["cellules"] = [ligne_orga["par_regle"][regle] for regle in Regle.values]
        ligne_orga["total"] = sum(ligne_orga["cellules"])
        rangees.append(ligne_orga)
    pied = {"cellules": [totaux[regle] for regle in Regle.values], "total": sum(totaux.values())}
    return rangees, {"date_calcul": date_calcul, **pied}


def point_de_situation(request):
    """Le pilote : les totaux par organisation et par règle pour ses territoires, et le réglage « perdu de vue »."""
    pilotes = sorted(permissions.departements_pilotes(request.user))
    if not pilotes:
        raise PermissionDenied("Le point de situation des territoires est réservé à leurs pilotes.")
    reglages = dict(
        ParametresTerritoire.objects.filter(departement__in=pilotes).values_list("departement", "jours_sans_contact")
    )
    form = ParametresTerritoireForm(
        request.POST or None,
        departements_pilotes=pilotes,
        initial={
            "departement": pilotes[0],
            "jours_sans_contact": reglages.get(pilotes[0], ParametresTerritoire.JOURS_SANS_CONTACT_DEFAUT),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            parametres = services.regler_jours_sans_contact(acteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            messages.success(
                request,
                f"Territoire {parametres.departement} : « perdu de vue » après {parametres.jours_sans_contact} jours "
                "sans contact, à partir du prochain calcul (cette nuit).",
            )
            return redirect("parcours:point_de_situation")
    rangees, pied = _tableau(pilotes)
    noms = departements()
    contexte = {
        "regles": [(regle, LIBELLES_COURTS[regle], libelle) for regle, libelle in Regle.choices],
        "rangees": rangees,
        "pied": pied,
        "territoires": [
            {
                "code": code,
                "nom": noms.get(code, code),
                "jours": reglages.get(code, ParametresTerritoire.JOURS_SANS_CONTACT_DEFAUT),
            }
            for code in pilotes
        ],
        "form": form,
    }
    return render(request, "parcours/suivi/point_de_situation.html", contexte, status=400 if form.errors else 200)
