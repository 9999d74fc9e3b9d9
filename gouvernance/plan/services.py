"""Écritures du plan d'actions : fiches action (créées directement ou depuis une décision), avancement, budget par
financeur et par année, indicateurs.

Chaque fonction prend l'acteur en argument nommé (l'accès est vérifié avant, par `gouvernance.permissions`), valide
tout avant d'écrire, dans une transaction, et lève une `ValidationError` en français, sur le champ concerné quand il
y en a un : rien n'est écrit à moitié."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gouvernance.choix import Financeur, Programme, PublicFiche, StatutFiche, Theme
from gouvernance.models import Consortium, FicheAction, IndicateurFiche, LigneBudget

MONTANT_NEGATIF = "Un montant ne peut pas être négatif."
ANNEE_MIN, ANNEE_MAX = 2000, 2100


class Erreurs(dict):
    """Les erreurs d'une demande, rassemblées par champ (None : erreur générale), levées ensemble."""

    def ajouter(self, champ, message: str) -> None:
        self.setdefault(champ or "__all__", []).append(message)

    def lever(self) -> None:
        if self:
            raise ValidationError(dict(self))


# --- Fiches action -------------------------------------------------------------------------------


CHAMPS_FICHE = (
    "titre",
    "programme",
    "theme",
    "description",
    "objectifs",
    "publics",
    "organisation_pilote",
    "date_debut",
    "date_fin",
)


def _valider_fiche(erreurs: Erreurs, *, titre, programme, theme, objectifs, publics, date_debut, date_fin) -> None:
    if not (titre or "").strip():
        erreurs.ajouter("titre", "Donnez un intitulé à la fiche action.")
    if programme not in Programme.values:
        erreurs.ajouter("programme", "Choisissez le programme de l'action (PTI, SPIE ou autre).")
    if theme not in Theme.values:
        erreurs.ajouter("theme", "Choisissez le thème de l'action.")
    if not (objectifs or "").strip():
        erreurs.ajouter("objectifs", "Décrivez les objectifs de l'action.")
    publics = list(publics or [])
    inconnus = [public for public in publics if public not in PublicFiche.values]
    if inconnus:
        erreurs.ajouter("publics", f"Public inconnu : {', '.join(map(str, inconnus))}.")
    elif not publics:
        erreurs.ajouter("publics", "Choisissez au moins un public.")
    elif PublicFiche.TOUS in publics and len(publics) > 1:
        erreurs.ajouter("publics", "« Tous publics » ne se combine pas avec d'autres publics.")
    if date_debut is None:
        erreurs.ajouter("date_debut", "Indiquez le début de l'action.")
    elif date_fin is not None and date_fin < date_debut:
        erreurs.ajouter("date_fin", "La fin de l'action suit son début.")


def _valider_pilote(erreurs: Erreurs, consortium, organisation_pilote, *, fiche=None) -> None:
    if organisation_pilote is None:
        erreurs.ajouter("organisation_pilote", "Choisissez l'organisation qui pilote l'action.")
        return
    inchangee = fiche is not None and fiche.organisation_pilote_id == organisation_pilote.pk
    if not inchangee and not consortium.membres.filter(organisation=organisation_pilote).exists():
        erreurs.ajouter(
            "organisation_pilote", f"« {organisation_pilote} » n'est pas membre du consortium : elle ne pilote pas."
        )


def _partenaires_valides(erreurs: Erreurs, partenaires, organisation_pilote, *, fiche=None) -> list:
    """Les partenaires retenus (l'organisation pilote n'en fait pas partie) ; une organisation désactivée ne devient
    pas partenaire (celle qui l'était déjà le reste, pour l'histoire de la fiche)."""
    deja = set(fiche.partenaires.values_list("pk", flat=True)) if fiche is not None and fiche.pk else set()
    retenus = []
    for organisation in partenaires or []:
        if organisation_pilote is not None and organisation.pk == organisation_pilote.pk:
            continue
        if not organisation.is_active and organisation.pk not in deja:
            erreurs.ajouter("partenaires", f"« {organisation} » est désactivée : elle ne peut pas être partenaire.")
        retenus.append(organisation)
    return retenus


def _valider_decision(erreurs: Erreurs, consortium, decision) -> None:
    if decision is not None and decision.comite.consortium_id != consortium.pk:
        erreurs.ajouter(None, "Cette décision relève d'un autre consortium.")


def _numero_suivant(consortium) -> int:
    return (consortium.fiches.aggregate(dernier=Max("numero"))["dernier"] or 0) + 1


@transaction.atomic
def creer_fiche(
    consortium,
    *,
    acteur,
    titre: str,
    theme: str,
    objectifs: str,
    publics: list,
    organisation_pilote,
    date_debut: date,
    programme: str = Programme.SPIE,
    description: str = "",
    date_fin: date | None = None,
    partenaires=(),
    decision_origine=None,
) -> FicheAction:
    """Une fiche action du consortium, numérotée à la suite des autres (verrou sur le consortium : deux créations
    simultanées ne prennent pas le même numéro), éventuellement issue d'une décision d'un de ses comités."""
    consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
    erreurs = Erreurs()
    _valider_fiche(
        erreurs,
        titre=titre,
        programme=programme,
        theme=theme,
        objectifs=objectifs,
        publics=publics,
        date_debut=date_debut,
        date_fin=date_fin,
    )
    _valider_pilote(erreurs, consortium, organisation_pilote)
    retenus = _partenaires_valides(erreurs, partenaires, organisation_pilote)
    _valider_decision(erreurs, consortium, decision_origine)
    erreurs.lever()
    fiche = FicheAction(
        consortium=consortium,
        numero=_numero_suivant(consortium),
        titre=titre.strip(),
        programme=programme,
        theme=theme,
        description=description or "",
        objectifs=objectifs.strip(),
        publics=list(publics),
        organisation_pilote=organisation_pilote,
        date_debut=date_debut,
        date_fin=date_fin,
        decision_origine=decision_origine,
    )
    fiche.full_clean(validate_unique=False)
    fiche.save()
    fiche.partenaires.set(retenus)
    return fiche


@transaction.atomic
def modifier_fiche(fiche, *, acteur, partenaires=None, **champs) -> FicheAction:
    """Le contenu de la fiche (intitulé, programme, thème, description, objectifs, publics, pilote, partenaires,
    calendrier) ; un champ non donné garde sa valeur (les partenaires aussi). Le numéro, le statut, l'avancement et
    la décision d'origine ne changent pas ici."""
    inconnus = set(champs) - set(CHAMPS_FICHE)
    if inconnus:
        raise TypeError(f"Champs inattendus : {', '.join(sorted(inconnus))}")
    fiche = FicheAction.objects.select_for_update().select_related("consortium").get(pk=fiche.pk)
    valeurs = {champ: champs.get(champ, getattr(fiche, champ)) for champ in CHAMPS_FICHE}
    if partenaires is None:
        partenaires = list(fiche.partenaires.all())
    erreurs = Erreurs()
    _valider_fiche(
        erreurs,
        **{
            cle: valeurs[cle]
            for cle in ("titre", "programme", "theme", "objectifs", "publics", "date_debut", "date_fin")
        },
    )
    _valider_pilote(erreurs, fiche.consortium, valeurs["organisation_pilote"], fiche=fiche)
    retenus = _partenaires_valides(erreurs, partenaires, valeurs["organisation_pilote"], fiche=fiche)
    erreurs.lever()
    valeurs["titre"], valeurs["objectifs"] = valeurs["titre"].strip(), valeurs["objectifs"].strip()
    valeurs["description"], valeurs["publics"] = valeurs["description"] or "", list(valeurs["publics"])
    for champ, valeur in valeurs.items():
        setattr(fiche, champ, valeur)
    fiche.full_clean(validate_unique=False)
    fiche.save()
    fiche.partenaires.set(retenus)
    return fiche


@transaction.atomic
def actualiser_avancement(fiche, *, acteur, statut: str, avancement: int | None) -> FicheAction:
    """Le statut et l'avancement (en %) de la fiche, actualisés par son pilote, le pilote du territoire ou un
    secrétaire de comité."""
    erreurs = Erreurs()
    if statut not in StatutFiche.values:
        erreurs.ajouter("statut", "Choisissez le statut de la fiche.")
    if avancement is None:
        erreurs.ajouter("avancement", "Indiquez l'avancement, de 0 à 100 %.")
    elif not 0 <= avancement <= 100:
        erreurs.ajouter("avancement", "L'avancement est un pourcentage, de 0 à 100.")
    erreurs.lever()
    fiche = FicheAction.objects.select_for_update().get(pk=fiche.pk)
    fiche.statut, fiche.avancement = statut, avancement
    fiche.save(update_fields=["statut", "avancement", "date_modification"])
    return fiche


# --- Budget --------------------------------------------------------------------------------------


def depasse_engage(ligne) -> bool:
    """Le dépensé dépasse l'engagé : signalé à l'écran, ce n'est pas un refus (un engagement peut être en retard)."""
    return ligne.depense > ligne.engage


def _valider_ligne(
    erreurs: Erreurs, fiche, *, ligne_pk, financeur, precision_financeur, annee, prevu, engage, depense
) -> str:
    """Vérifie la ligne ; rend la précision du financeur retenue (seul « autre financeur » en a une)."""
    precision = (precision_financeur or "").strip()
    if financeur not in Financeur.values:
        erreurs.ajouter("financeur", "Choisissez le financeur.")
    elif financeur == Financeur.AUTRE:
        if not precision:
            erreurs.ajouter("precision_financeur", "Précisez cet autre financeur (par exemple : CAF, commune, PLIE).")
    else:
        precision = ""
    if annee is None or not ANNEE_MIN <= annee <= ANNEE_MAX:
        erreurs.ajouter("annee", f"Indiquez une année entre {ANNEE_MIN} et {ANNEE_MAX}.")
    for champ, montant in (("prevu", prevu), ("engage", engage), ("depense", depense)):
        if montant is None:
            erreurs.ajouter(champ, "Indiquez un montant (0 s'il n'y en a pas).")
        elif montant < 0:
            erreurs.ajouter(champ, MONTANT_NEGATIF)
    if not erreurs and (
        fiche.budget.filter(financeur=financeur, precision_financeur__iexact=precision, annee=annee)
        .exclude(pk=ligne_pk)
        .exists()
    ):
        libelle = precision if financeur == Financeur.AUTRE else Financeur(financeur).label
        erreurs.ajouter(None, f"{libelle} a déjà une ligne pour {annee} sur cette fiche : modifiez-la.")
    return precision


def _enregistrer_ligne(fiche, ligne, *, financeur, precision_financeur, annee, prevu, engage, depense):
    fiche = FicheAction.objects.select_for_update().get(pk=fiche.pk)  # une ligne par financeur et par année
    erreurs = Erreurs()
    precision = _valider_ligne(
        erreurs,
        fiche,
        ligne_pk=ligne.pk,
        financeur=financeur,
        precision_financeur=precision_financeur,
        annee=annee,
        prevu=prevu,
        engage=engage,
        depense=depense,
    )
    erreurs.lever()
    ligne.fiche = fiche
    ligne.financeur, ligne.precision_financeur, ligne.annee = financeur, precision, annee
    ligne.prevu, ligne.engage, ligne.depense = Decimal(prevu), Decimal(engage), Decimal(depense)
    ligne.full_clean(validate_unique=False)
    ligne.save()
    return ligne


@transaction.atomic
def ajouter_ligne_budget(
    fiche, *, acteur, financeur: str, annee: int, prevu, engage=Decimal(0), depense=Decimal(0), precision_financeur=""
) -> LigneBudget:
    """Le budget d'un financeur pour une année : prévu, engagé, dépensé (jamais négatifs)."""
    return _enregistrer_ligne(
        fiche,
        LigneBudget(),
        financeur=financeur,
        precision_financeur=precision_financeur,
        annee=annee,
        prevu=prevu,
        engage=engage,
        depense=depense,
    )


@transaction.atomic
def modifier_ligne_budget(
    ligne, *, acteur, financeur: str, annee: int, prevu, engage, depense, precision_financeur=""
) -> LigneBudget:
    ligne = LigneBudget.objects.select_related("fiche").get(pk=ligne.pk)
    return _enregistrer_ligne(
        ligne.fiche,
        ligne,
        financeur=financeur,
        precision_financeur=precision_financeur,
        annee=annee,
        prevu=prevu,
        engage=engage,
        depense=depense,
    )


@transaction.atomic
def supprimer_ligne_budget(ligne, *, acteur) -> None:
    """Une ligne saisie par erreur se retire ; un montant qui change se modifie."""
    LigneBudget.objects.filter(pk=ligne.pk).delete()


# --- Indicateurs ---------------------------------------------------------------------------------


def _enregistrer_indicateur(indicateur, *, libelle, unite, cible, valeur, date_mesure) -> IndicateurFiche:
    erreurs = Erreurs()
    if not (libelle or "").strip():
        erreurs.ajouter("libelle", "Nommez l'indicateur (par exemple : personnes accompagnées).")
    aujourd_hui = timezone.localdate()
    if date_mesure is not None and valeur is None:
        erreurs.ajouter("valeur", "Une date de mesure accompagne une valeur constatée : indiquez-la.")
    if date_mesure is not None and date_mesure > aujourd_hui:
        erreurs.ajouter("date_mesure", "Une mesure ne se date pas dans le futur.")
    erreurs.lever()
    indicateur.libelle, indicateur.unite = libelle.strip(), (unite or "").strip()
    indicateur.cible, indicateur.valeur = cible, valeur
    indicateur.date_mesure = date_mesure if date_mesure is not None or valeur is None else aujourd_hui
    indicateur.full_clean()
    indicateur.save()
    return indicateur


@transaction.atomic
def ajouter_indicateur(
    fiche, *, acteur, libelle: str, unite: str = "", cible=None, valeur=None, date_mesure=None
) -> IndicateurFiche:
    """Un indicateur de résultat : une cible et la dernière valeur constatée (datée du jour si la date manque)."""
    return _enregistrer_indicateur(
        IndicateurFiche(fiche=fiche), libelle=libelle, unite=unite, cible=cible, valeur=valeur, date_mesure=date_mesure
    )


@transaction.atomic
def modifier_indicateur(
    indicateur, *, acteur, libelle: str, unite: str = "", cible=None, valeur=None, date_mesure=None
) -> IndicateurFiche:
    return _enregistrer_indicateur(
        indicateur, libelle=libelle, unite=unite, cible=cible, valeur=valeur, date_mesure=date_mesure
    )
