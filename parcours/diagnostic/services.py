"""Écritures sur le diagnostic : une transaction, un événement dans l'historique du carnet.

Une version validée n'est jamais modifiée : la mettre à jour crée la version suivante, qui repart de son
contenu. Un seul diagnostic en cours par carnet.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from parcours import permissions as regles
from parcours import services as carnet_services
from parcours.diagnostic.regles import criteres, objectifs_suggeres, smic_horaire, suggerer_parcours
from parcours.models import (
    AppellationRome,
    Carnet,
    Diagnostic,
    Domaine,
    EvaluationDomaine,
    EvenementCarnet,
    ProjetProfessionnel,
    Situation,
)
from partenaires import permissions

Type = EvenementCarnet.Type
DEJA_VALIDE = "Ce diagnostic est validé : il ne se modifie plus. Mettez-le à jour pour en créer une nouvelle version."
CHAMPS_SITUATION = Diagnostic.CHAMPS_SITUATION
CHAMPS_EVALUATION = EvaluationDomaine.CHAMPS
INCHANGE = object()  # un argument qui n'est pas donné ne change pas
MODIFIE_ENTRE_TEMPS = (
    "Ce diagnostic a été enregistré par quelqu'un d'autre pendant votre saisie : rechargez la page pour voir "
    "sa version, puis reportez vos changements."
)


def _exiger_intervenant(acteur, carnet) -> None:
    permissions.require(
        regles.can_edit_diagnostic(acteur, carnet), "Seuls les intervenants du groupe de suivi mènent le diagnostic."
    )


def _verrouiller_en_cours(diagnostic) -> Diagnostic:
    """Relit le diagnostic sous verrou : on n'écrit que sur une version en cours."""
    diagnostic = Diagnostic.objects.select_for_update().select_related("carnet").get(pk=diagnostic.pk)
    if diagnostic.est_valide:
        raise ValidationError(DEJA_VALIDE)
    return diagnostic


def _historiser(diagnostic, type_evenement, *, acteur, **details) -> None:
    carnet_services.historiser(diagnostic.carnet, type_evenement, acteur=acteur, version=diagnostic.version, **details)


@transaction.atomic
def commencer(carnet, *, acteur) -> Diagnostic:
    """Commence un diagnostic, ou, s'il en existe un validé, sa version suivante qui en reprend tout le contenu :
    un partenaire met à jour le diagnostic existant, il ne repart jamais d'une page blanche."""
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    _exiger_intervenant(acteur, carnet)
    if carnet.diagnostics.en_cours().exists():
        raise ValidationError("Un diagnostic est déjà en cours pour ce carnet : complétez-le.")
    precedent = carnet.diagnostics.valides().order_by("-version").first()
    organisation = carnet_services.organisation_de_l_acteur(carnet, acteur)
    diagnostic = Diagnostic(
        carnet=carnet,
        version=(precedent.version + 1) if precedent else 1,
        precedent=precedent,
        organisation=organisation,
        professionnel=acteur,
    )
    if precedent is not None:
        for champ in CHAMPS_SITUATION:
            setattr(diagnostic, champ, getattr(precedent, champ))
    diagnostic.full_clean()
    diagnostic.save()
    _copier_contenu(precedent, diagnostic)
    _historiser(diagnostic, Type.DIAGNOSTIC_NOUVELLE_VERSION if precedent else Type.DIAGNOSTIC_COMMENCE, acteur=acteur)
    return diagnostic


def _copier_contenu(precedent, diagnostic) -> None:
    anciennes = {}
    if precedent is not None:
        anciennes = {e.domaine_id: e for e in precedent.evaluations.prefetch_related("situations")}
        ProjetProfessionnel.objects.bulk_create(
            ProjetProfessionnel(
                diagnostic=diagnostic,
                appellation_id=p.appellation_id,
                type_contrat=p.type_contrat,
                temps=p.temps,
                rayon_mobilite_km=p.rayon_mobilite_km,
                salaire_horaire_minimum=p.salaire_horaire_minimum,
            )
            for p in precedent.projets.all()
        )
    domaines = set(Domaine.objects.filter(actif=True).values_list("code", flat=True)) | set(anciennes)
    nouvelles = EvaluationDomaine.objects.bulk_create(
        EvaluationDomaine(
            diagnostic=diagnostic,
            domaine_id=code,
            **{champ: getattr(anciennes[code], champ) for champ in CHAMPS_EVALUATION} if code in anciennes else {},
        )
        for code in sorted(domaines)
    )
    Lien = EvaluationDomaine.situations.through
    Lien.objects.bulk_create(
        Lien(evaluationdomaine_id=evaluation.pk, situation_id=situation.pk)
        for evaluation in nouvelles
        if evaluation.domaine_id in anciennes
        for situation in anciennes[evaluation.domaine_id].situations.all()
    )


@transaction.atomic
def enregistrer(
    diagnostic,
    *,
    acteur,
    evaluations: dict[str, dict],
    second_professionnel=INCHANGE,
    revision: int | None = None,
    ajout_projet: dict | None = None,
    retrait_projet=None,
    **situation,
) -> Diagnostic:
    """Enregistre, en une transaction, la situation professionnelle, l'appréciation des domaines donnés et, au
    besoin, l'ajout ou le retrait d'un projet. Une erreur n'importe où et rien n'est écrit.

    `evaluations` : code du domaine → appréciation, impact, priorité, commentaire, paroles de la personne et
    codes des situations observées (un domaine absent n'est pas touché). `revision` : celle que la page a lue ;
    si quelqu'un a enregistré depuis, rien n'est écrasé. L'historique n'est écrit que si quelque chose change."""
    diagnostic = _verrouiller_en_cours(diagnostic)
    carnet = diagnostic.carnet
    _exiger_intervenant(acteur, carnet)
    if revision is not None and revision != diagnostic.revision:
        raise ValidationError(MODIFIE_ENTRE_TEMPS)
    inconnus = set(situation) - set(CHAMPS_SITUATION)
    if inconnus:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(inconnus))}.")
    if second_professionnel not in (None, INCHANGE):
        if second_professionnel.pk == diagnostic.professionnel_id:
            raise ValidationError({"second_professionnel": "Choisissez un autre professionnel que celui qui le mène."})
        if not carnet.intervenants.actifs().filter(utilisateur=second_professionnel).exists():
            raise ValidationError(
                {"second_professionnel": "Le second professionnel est un intervenant du groupe de suivi."}
            )
    if set(situation.get("permis", [])) - set(Diagnostic.PERMIS):
        raise ValidationError({"permis": "Ce permis de conduire n'existe pas."})
    if second_professionnel is not INCHANGE:
        situation["second_professionnel_id"] = second_professionnel.pk if second_professionnel else None
    change = any(getattr(diagnostic, champ) != valeur for champ, valeur in situation.items())
    for champ, valeur in situation.items():
        setattr(diagnostic, champ, valeur)
    diagnostic.full_clean()
    change = _enregistrer_evaluations(diagnostic, evaluations) or change
    quoi = ""
    if retrait_projet is not None:
        quoi = f"projet retiré : {retrait_projet.appellation.libelle}"
        diagnostic.projets.filter(pk=retrait_projet.pk).delete()
    if ajout_projet is not None:
        projet = _ajouter_projet(diagnostic, **ajout_projet)
        quoi = f"projet ajouté : {projet.appellation.libelle}"
    if change or quoi:
        diagnostic.revision += 1
        diagnostic.save()
        _historiser(diagnostic, Type.DIAGNOSTIC_COMPLETE, acteur=acteur, quoi=quoi)
    return diagnostic


def _enregistrer_evaluations(diagnostic, evaluations: dict[str, dict]) -> bool:
    """Rend vrai si une appréciation a changé."""
    existantes = {
        e.domaine_id: e for e in diagnostic.evaluations.select_related("domaine").prefetch_related("situations")
    }
    inconnus = set(evaluations) - set(existantes)
    if inconnus:
        raise ValidationError(f"Domaines inconnus : {', '.join(sorted(inconnus))}.")
    codes = {code for valeurs in evaluations.values() for code in valeurs.get("situations", [])}
    situations = {s.code: s for s in Situation.objects.filter(code__in=codes)}
    change = False
    for code_domaine, valeurs in evaluations.items():
        evaluation = existantes[code_domaine]
        # Une situation désactivée depuis reste possible là où elle était déjà observée.
        deja = {s.code for s in evaluation.situations.all()}
        choisies = [situations.get(code) for code in valeurs.get("situations", [])]
        if any(s is None or s.domaine_id != code_domaine or not (s.actif or s.code in deja) for s in choisies):
            raise ValidationError(f"Une situation choisie n'existe pas dans le domaine « {evaluation.domaine} ».")
        nouvelles = {champ: (valeurs.get(champ) or "").strip() for champ in CHAMPS_EVALUATION}
        if all(getattr(evaluation, champ) == valeur for champ, valeur in nouvelles.items()) and deja == {
            s.code for s in choisies
        }:
            continue
        for champ, valeur in nouvelles.items():
            setattr(evaluation, champ, valeur)
        evaluation.full_clean()
        evaluation.save()
        evaluation.situations.set(choisies)
        change = True
    return change


@transaction.atomic
def ajouter_projet(diagnostic, *, acteur, **projet) -> ProjetProfessionnel:
    """Ajoute un projet seul (sans le reste de la page) : voir `enregistrer(ajout_projet=...)`."""
    diagnostic = enregistrer(diagnostic, acteur=acteur, evaluations={}, ajout_projet=projet)
    return diagnostic.projets.order_by("-id").first()


def _ajouter_projet(
    diagnostic,
    *,
    appellation: str,
    type_contrat="",
    temps=ProjetProfessionnel.Temps.INDIFFERENT,
    rayon_mobilite_km=None,
    salaire_horaire_minimum=None,
) -> ProjetProfessionnel:
    metier = AppellationRome.objects.filter(code=appellation, actif=True).first()
    if metier is None:
        raise ValidationError({"appellation": "Ce métier n'existe pas dans le ROME : choisissez-le dans la liste."})
    if diagnostic.projets.count() >= Diagnostic.MAX_PROJETS:
        raise ValidationError(f"Un diagnostic compte au plus {Diagnostic.MAX_PROJETS} projets professionnels.")
    if diagnostic.projets.filter(appellation=metier).exists():
        raise ValidationError({"appellation": "Ce métier figure déjà parmi les projets."})
    smic = smic_horaire(timezone.localdate())
    if salaire_horaire_minimum is not None and salaire_horaire_minimum < smic:
        raise ValidationError(
            {"salaire_horaire_minimum": f"Le salaire horaire ne peut pas être inférieur au SMIC ({smic} € brut)."}
        )
    projet = ProjetProfessionnel(
        diagnostic=diagnostic,
        appellation=metier,
        type_contrat=type_contrat,
        temps=temps,
        rayon_mobilite_km=rayon_mobilite_km,
        salaire_horaire_minimum=salaire_horaire_minimum,
    )
    projet.full_clean()
    projet.save()
    diagnostic.projet_non_defini = False
    return projet


def manques(diagnostic) -> list[str]:
    """Ce qui manque pour valider : chaque manque en une phrase."""
    manques = []
    if not diagnostic.situation_actuelle:
        manques.append("Indiquez la situation professionnelle actuelle.")
    elif diagnostic.situation_actuelle == Diagnostic.SituationTravail.EMPLOI and not diagnostic.type_contrat:
        manques.append("Indiquez le type de contrat de l'emploi actuel.")
    if not diagnostic.niveau_formation:
        manques.append("Indiquez le niveau de formation.")
    if not diagnostic.projet_non_defini and not diagnostic.projets.exists():
        manques.append("Ajoutez au moins un projet professionnel, ou indiquez que le projet n'est pas encore défini.")
    evaluations = list(diagnostic.evaluations.select_related("domaine"))
    vides = [e.domaine.libelle for e in evaluations if e.domaine.obligatoire and not e.est_renseignee]
    if vides:
        manques.append(f"Appréciez chaque domaine (même « non abordé ») : {', '.join(vides)}.")
    sans_impact = [
        e.domaine.libelle
        for e in evaluations
        if e.appreciation == EvaluationDomaine.Appreciation.BESOIN and not e.impact
    ]
    if sans_impact:
        manques.append(f"Indiquez l'impact sur la recherche d'emploi de chaque besoin : {', '.join(sans_impact)}.")
    return manques


@transaction.atomic
def valider(diagnostic, *, acteur, parcours_retenu="", motif_parcours="") -> Diagnostic:
    """Valide la version : le barème suggère un parcours, que le professionnel confirme ou écarte par un motif."""
    diagnostic = _verrouiller_en_cours(diagnostic)
    _exiger_intervenant(acteur, diagnostic.carnet)
    a_completer = manques(diagnostic)
    if a_completer:
        raise ValidationError(a_completer)
    suggestion = suggerer_parcours(criteres(diagnostic, aujourd_hui=timezone.localdate()))
    parcours_retenu = parcours_retenu or suggestion.parcours
    if parcours_retenu not in Diagnostic.Parcours.values:
        raise ValidationError({"parcours_retenu": "Ce parcours n'existe pas."})
    motif_parcours = motif_parcours.strip()
    if parcours_retenu != suggestion.parcours and not motif_parcours:
        raise ValidationError(
            {"motif_parcours": f"Vous écartez le parcours suggéré ({suggestion.libelle}) : écrivez pourquoi."}
        )
    diagnostic.parcours_suggere = suggestion.parcours
    diagnostic.parcours_retenu = parcours_retenu
    diagnostic.motif_parcours = motif_parcours if parcours_retenu != suggestion.parcours else ""
    diagnostic.statut = Diagnostic.Statut.VALIDE
    diagnostic.date_validation = timezone.now()
    diagnostic.valide_par = acteur
    diagnostic.full_clean()
    diagnostic.save()
    _historiser(
        diagnostic,
        Type.DIAGNOSTIC_VALIDE,
        acteur=acteur,
        parcours=f"parcours {Diagnostic.Parcours(parcours_retenu).label.lower()}",
    )
    return diagnostic


@transaction.atomic
def partager_avec_la_personne(diagnostic, *, acteur) -> Diagnostic:
    """La personne pourra le lire, le confirmer ou le commenter depuis son espace."""
    diagnostic = Diagnostic.objects.select_for_update().select_related("carnet").get(pk=diagnostic.pk)
    _exiger_intervenant(acteur, diagnostic.carnet)
    if not diagnostic.est_valide:
        raise ValidationError("Validez le diagnostic avant de le partager avec la personne.")
    if diagnostic.partage_personne_le is None:
        diagnostic.partage_personne_le = timezone.now()
        diagnostic.save(update_fields=["partage_personne_le"])
        _historiser(diagnostic, Type.DIAGNOSTIC_PARTAGE, acteur=acteur)
    return diagnostic


@transaction.atomic
def accepter_objectif(diagnostic, *, acteur, objectif: str):
    """Ajoute au plan d'action un objectif que suggère la version courante (la dernière validée), un à un."""
    carnet = Carnet.objects.select_for_update().get(pk=diagnostic.carnet_id)
    _exiger_intervenant(acteur, carnet)
    courant = carnet.diagnostics.valides().order_by("-version").first()
    if courant is None or courant.pk != diagnostic.pk:
        raise ValidationError("Seule la dernière version validée du diagnostic suggère des objectifs.")
    suggere = next((o for o in objectifs_suggeres(diagnostic) if o.code == objectif), None)
    if suggere is None:
        raise ValidationError("Cet objectif n'est pas (ou plus) suggéré par ce diagnostic.")
    return carnet_services.ajouter_objectif(
        carnet, acteur=acteur, axe=suggere.theme.axe, referentiel=suggere.code, suggere_par_diagnostic=True
    )
