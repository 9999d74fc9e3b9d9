"""Le dossier transmis à la structure avec une orientation : ce que le prescripteur choisit d'envoyer, copié en
texte au moment de l'envoi (la structure ne lit jamais le carnet lui-même).

Les documents du carnet qu'on peut joindre sont résumés ici, et seulement ici : la synthèse du dernier diagnostic
validé, le contrat d'engagement en cours, le plan d'action. Rien de ce qui est sensible n'y entre : ni les domaines
santé et handicap, ni une situation sensible, ni une situation actuelle de santé, ni la raison d'un aménagement des
heures du contrat, ni les objectifs d'un axe sensible ; pas plus les commentaires des professionnels."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from parcours.models import Action, Diagnostic, Domaine, EvaluationDomaine, Objectif, Situation

DIAGNOSTIC = "diagnostic"
CONTRAT = "contrat"
PLAN = "plan"


@dataclass(frozen=True)
class Document:
    code: str
    titre: str
    texte: str


def _jour(valeur) -> str:
    return f"{valeur:%d/%m/%Y}" if valeur else ""


def _synthese_diagnostic(diagnostic) -> str:
    lignes = [f"Diagnostic validé le {_jour(timezone.localdate(diagnostic.date_validation))}."]
    if diagnostic.situation_actuelle and not diagnostic.situation_sensible:
        lignes.append(f"Situation : {diagnostic.get_situation_actuelle_display()}.")
    if diagnostic.niveau_formation:
        lignes.append(f"Niveau de formation : {diagnostic.get_niveau_formation_display()}.")
    projets = [str(projet.appellation) for projet in diagnostic.projets.all()]
    if projets:
        lignes.append(f"Projets professionnels : {', '.join(projets)}.")
    elif diagnostic.projet_non_defini:
        lignes.append("Projet professionnel : à construire.")
    if diagnostic.permis:
        lignes.append(f"Permis : {', '.join(diagnostic.libelles_permis)}.")
    par_appreciation = {EvaluationDomaine.Appreciation.BESOIN: [], EvaluationDomaine.Appreciation.POINT_FORT: []}
    for evaluation in diagnostic.evaluations.all():
        if evaluation.domaine.sensible or evaluation.appreciation not in par_appreciation:
            continue
        situations = [s.libelle.lower() for s in evaluation.situations.all() if not s.sensible]
        texte = evaluation.domaine.libelle + (f" ({', '.join(situations)})" if situations else "")
        par_appreciation[evaluation.appreciation].append(texte)
    if par_appreciation[EvaluationDomaine.Appreciation.BESOIN]:
        lignes.append(f"Besoins : {' ; '.join(par_appreciation[EvaluationDomaine.Appreciation.BESOIN])}.")
    if par_appreciation[EvaluationDomaine.Appreciation.POINT_FORT]:
        lignes.append(f"Points forts : {' ; '.join(par_appreciation[EvaluationDomaine.Appreciation.POINT_FORT])}.")
    return "\n".join(lignes)


def _synthese_contrat(contrat) -> str:
    texte = f"{contrat.get_type_display()} du {_jour(contrat.date_debut)}"
    if contrat.date_fin:
        texte += f" au {_jour(contrat.date_fin)}"
    return f"{texte} : {contrat.heures_hebdomadaires} h d'activité par semaine."


def _synthese_plan(objectifs) -> str:
    lignes = []
    for objectif in objectifs:
        actions = [
            f"{action.libelle} ({action.get_statut_display().lower()})"
            for action in objectif.actions.all()
            if action.statut != Action.Statut.ANNULEE
        ]
        lignes.append(f"{objectif.axe.libelle} – {objectif.libelle}" + (f" : {' ; '.join(actions)}" if actions else ""))
    return "\n".join(lignes)


def contrat_en_cours(carnet, jour=None):
    """Le contrat d'engagement en cours (commencé, pas fini) le plus récent, ou None."""
    jour = jour or timezone.localdate()
    return (
        carnet.contrats.filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour), date_debut__lte=jour)
        .order_by("-date_debut", "-id")
        .first()
    )


def documents_disponibles(carnet) -> dict[str, Document]:
    """Ce que le carnet a, parmi les documents qu'on peut joindre, chacun déjà résumé tel qu'il partirait."""
    documents = {}
    diagnostic = (
        Diagnostic.objects.valides()
        .filter(carnet=carnet)
        .order_by("-version")
        .prefetch_related(
            "projets__appellation",
            Prefetch(
                "evaluations",
                queryset=EvaluationDomaine.objects.select_related("domaine").prefetch_related(
                    Prefetch("situations", queryset=Situation.objects.order_by("libelle"))
                ),
            ),
        )
        .first()
    )
    if diagnostic is not None:
        documents[DIAGNOSTIC] = Document(
            DIAGNOSTIC, f"Synthèse du diagnostic (version {diagnostic.version})", _synthese_diagnostic(diagnostic)
        )
    contrat = contrat_en_cours(carnet)
    if contrat is not None:
        documents[CONTRAT] = Document(CONTRAT, "Contrat d'engagement en cours", _synthese_contrat(contrat))
    objectifs = list(
        Objectif.objects.filter(carnet=carnet, statut=Objectif.Statut.EN_COURS)
        .exclude(axe__in=_axes_sensibles())
        .select_related("axe", "referentiel")
        .prefetch_related(Prefetch("actions", queryset=Action.objects.select_related("referentiel")))
    )
    if objectifs:
        documents[PLAN] = Document(PLAN, "Plan d'action (objectifs en cours)", _synthese_plan(objectifs))
    return documents


def _axes_sensibles():
    """Les axes du plan des domaines sensibles (santé, handicap) : leurs objectifs ne partent pas à la structure."""
    return Domaine.objects.filter(sensible=True, axe__isnull=False).values("axe")


def _axe_sensible(objectif) -> bool:
    return _axes_sensibles().filter(axe=objectif.axe_id).exists()


def composer(
    carnet, service, *, acteur, organisation, session, objectif, besoin_libelle, message, documents, contact
) -> dict:
    """Le dossier tel qu'il part : identité, contact, besoin, objectif, session, message, documents choisis, et
    qui oriente (pour que la structure puisse répondre et appeler)."""
    personne = carnet.personne
    return {
        "identite": {
            "nom": personne.nom,
            "prenom": personne.prenom,
            "date_naissance": _jour(personne.date_naissance),
        },
        "contact": contact,
        "besoin": besoin_libelle,
        "objectif": objectif.libelle if objectif and not _axe_sensible(objectif) else "",
        "service": service.nom,
        "session": str(session) if session else "",
        "message": message,
        "documents": [{"titre": document.titre, "texte": document.texte} for document in documents],
        "prescripteur": {
            "nom": f"{acteur.prenom} {acteur.nom}".strip() or acteur.email,
            "organisation": organisation.nom if organisation else "",
            "courriel": acteur.email,
            "telephone": acteur.telephone,
        },
    }
