"""Le calcul des indicateurs : douze requêtes au plus, quel que soit le nombre de carnets (`charger`), plus une pour
les avis des personnes, sans lien avec le carnet (`charger_avis`), puis des additions en mémoire pour chaque période
et chaque public (`calculer`).

Chaque indicateur se réduit à une liste d'éléments (carnet, a, b) :
- effectif : un élément par chose comptée (personne, orientation, sortie) ; la valeur est leur nombre, le secret
  se juge sur le nombre de personnes distinctes ;
- taux : a = numérateur, b = dénominateur ; la valeur est Σa / Σb en %, le secret se juge sur les personnes du
  numérateur et celles du dénominateur ;
- médiane, moyenne : a = la durée en jours ; le secret se juge sur les personnes mesurées.

Les avis des personnes (`parcours.Evaluation`) ne sont liés à aucun carnet : leurs éléments portent la réponse
(« avis », identifiant) à la place du carnet, si bien que le secret se juge sur le nombre de réponses (une personne
peut en donner plusieurs) ; ils sont filtrés sur ce que la réponse a gardé (territoire, EPCI, organisme référent,
publics au jour de la réponse). Leurs commentaires libres ne passent jamais par ici : `commentaires_avis` les lit
pour la seule page (ni CSV, ni compte rendu).
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, Min, OuterRef, Q, Window
from django.utils import timezone

from gouvernance import secret_statistique
from gouvernance.indicateurs import definitions as d
from gouvernance.indicateurs import population as p
from parcours.delais import DELAI_ORIENTATION_JOURS, ajouter_mois
from parcours.models import (
    ContratEngagement,
    DemandeOrientation,
    Evaluation,
    Intervenant,
    Note,
    Objectif,
    OrientationService,
    PointSuiviEmploi,
    RendezVous,
    SortieParcours,
    Statut,
    TransitionOrientationService,
)

MOTIFS_DELAI_ORIENTATION = (DemandeOrientation.Motif.ENTREE_RSA, DemandeOrientation.Motif.TRANSFERT)
ACCEPTEE = (OrientationService.Statut.ACCEPTEE, OrientationService.Statut.ENTREE)
SECONDES_PAR_JOUR = 86400


def _jour(moment: datetime | None, fuseau) -> date | None:
    """Le jour local d'un instant (le fuseau courant, lu une fois par calcul : des centaines de milliers d'appels)."""
    return None if moment is None else moment.astimezone(fuseau).date()


@dataclass
class Donnees:
    """Ce qu'il faut savoir des carnets d'un territoire pour calculer les indicateurs d'une ou deux périodes."""

    ouverture: dict = field(default_factory=dict)  # carnet → date d'ouverture
    naissance: dict = field(default_factory=dict)  # carnet → date de naissance
    sorties: list = field(default_factory=list)  # (carnet, date_sortie, rouvert_le, motif)
    statuts: list = field(default_factory=list)  # (carnet, type, valeur, debut, fin)
    referents: list = field(default_factory=list)  # (carnet, organisation, debut, fin)
    demandes: list = field(default_factory=list)  # (carnet, motif, date_reception, date_decision ou None)
    contrats: list = field(default_factory=list)  # (carnet, debut, fin, signature)
    premier_objectif: dict = field(default_factory=dict)  # carnet → date
    derniers_contacts: dict = field(default_factory=dict)  # (carnet, fin de période) → date du dernier contact
    rendez_vous: list = field(default_factory=list)  # (carnet, jour, absent)
    orientations: list = field(default_factory=list)  # (carnet, jour d'envoi, acceptée, refusée, délai en jours)
    points: list = field(default_factory=list)  # (carnet, date_sortie, date_prevue, en_emploi)
    # Les avis : (identifiant, type d'étape, mois, organisme référent, publics, utilité, écoute, recommande)
    avis: list = field(default_factory=list)


def charger(carnets, periodes: list[p.Periode]) -> Donnees:
    """Lit, en douze requêtes, les données des carnets (un queryset) utiles aux périodes données."""
    debut, fin = min(periode.debut for periode in periodes), max(periode.fin for periode in periodes)
    ids = carnets.values("pk")
    fuseau = timezone.get_current_timezone()
    donnees = Donnees()
    for carnet, ouvert_le, naissance in carnets.values_list("pk", "date_creation", "personne__date_naissance"):
        donnees.ouverture[carnet] = _jour(ouvert_le, fuseau)
        donnees.naissance[carnet] = naissance
    donnees.sorties = list(
        SortieParcours.objects.filter(carnet__in=ids, date_sortie__lte=fin)
        .order_by()
        .values_list("carnet", "date_sortie", "rouvert_le", "motif")
    )
    donnees.statuts = list(
        Statut.objects.filter(personne__carnet__in=ids, type__in=p.TYPES_STATUT_LUS, date_debut__lte=fin)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
        .order_by()
        .values_list("personne__carnet", "type", "valeur", "date_debut", "date_fin")
    )
    donnees.referents = list(
        Intervenant.objects.filter(carnet__in=ids, role=Intervenant.Role.REFERENT, date_debut__lte=fin).values_list(
            "carnet", "organisation", "date_debut", "date_fin"
        )
    )
    donnees.demandes = list(
        DemandeOrientation.objects.filter(carnet__in=ids, date_reception__lte=fin)
        .order_by()
        .values_list("carnet", "motif", "date_reception", "decision__date_decision")
    )
    # Les contrats en cours à l'une des fins de période, ou signés dans l'une des périodes (date de signature :
    # `population.DATE_DE_SIGNATURE`, la règle du flux des orientations aussi).
    donnees.contrats = list(
        ContratEngagement.objects.filter(carnet__in=ids)
        .annotate(signature=p.DATE_DE_SIGNATURE)
        .filter(
            Q(signature__gte=debut, signature__lte=fin)
            | Q(date_debut__lte=fin) & (Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
        )
        .order_by()
        .values_list("carnet", "date_debut", "date_fin", "signature")
    )
    donnees.premier_objectif = {
        ligne["carnet"]: _jour(ligne["premier"], fuseau)
        for ligne in Objectif.objects.filter(carnet__in=ids)
        .order_by()
        .values("carnet")
        .annotate(premier=Min("date_creation"))
    }
    _charger_contacts(donnees, ids, [periode.fin for periode in periodes], fuseau)
    donnees.rendez_vous = [
        (carnet, _jour(moment, fuseau), statut == RendezVous.Statut.ABSENT)
        for carnet, moment, statut in RendezVous.objects.filter(
            carnet__in=ids,
            statut__in=(RendezVous.Statut.HONORE, RendezVous.Statut.ABSENT),
            date_heure__date__gte=debut,
            date_heure__date__lte=fin,
        )
        .order_by()
        .values_list("carnet", "date_heure", "statut")
    ]
    transitions = TransitionOrientationService.objects.filter(orientation=OuterRef("pk"))
    donnees.orientations = [
        (
            carnet,
            _jour(envoi, fuseau),
            acceptee,
            refusee,
            None if reponse is None else (reponse - envoi).total_seconds() / SECONDES_PAR_JOUR,
        )
        for carnet, envoi, reponse, acceptee, refusee in OrientationService.objects.filter(
            carnet__in=ids, envoyee_le__date__gte=debut, envoyee_le__date__lte=fin
        )
        .annotate(
            acceptee=Exists(transitions.filter(vers__in=ACCEPTEE)),
            refusee=Exists(transitions.filter(vers=OrientationService.Statut.REFUSEE)),
        )
        .order_by()
        .values_list("carnet", "envoyee_le", "repondue_le", "acceptee", "refusee")
    ]
    donnees.points = [
        (carnet, date_sortie, prevue, situation == PointSuiviEmploi.Situation.EN_EMPLOI)
        for carnet, date_sortie, prevue, situation in PointSuiviEmploi.objects.filter(
            sortie__carnet__in=ids, fait_le__isnull=False, date_prevue__gte=debut, date_prevue__lte=fin
        )
        .order_by()
        .values_list("sortie__carnet", "sortie__date_sortie", "date_prevue", "situation")
    ]
    return donnees


def charger_avis(departement: str, periodes: list[p.Periode], *, epci: str = "") -> list:
    """Les avis donnés sur le territoire (et l'EPCI) pendant l'une des périodes (une requête)."""
    debut, fin = min(periode.debut for periode in periodes), max(periode.fin for periode in periodes)
    avis = Evaluation.objects.filter(departement=departement, mois__gte=debut.replace(day=1), mois__lte=fin)
    if epci:
        avis = avis.filter(code_epci=epci)
    return list(
        avis.values_list(
            "pk", "type_etape", "mois", "organisation_referente", "publics", "utilite", "ecoute", "recommanderait"
        )
    )


@dataclass(frozen=True)
class CommentairesAvis:
    """Les commentaires libres à lire sur la page : `lisibles` si le territoire compte assez de réponses sur la
    période (jamais le nombre de réponses lui-même, qui peut être secret)."""

    lisibles: bool
    textes: list[str]


def commentaires_avis(departement: str, periode: p.Periode) -> CommentairesAvis:
    """Les commentaires libres des avis du territoire sur la période (une requête), quels que soient les autres
    filtres : au plus `COMMENTAIRES_MAX`, dans l'ordre de leur clé (un UUID aléatoire : un ordre mélangé, sans rapport
    avec celui des réponses), sans aucune autre information ; aucun sous `SEUIL_COMMENTAIRES` réponses."""
    lignes = list(
        Evaluation.objects.filter(
            departement=departement, mois__gte=periode.debut.replace(day=1), mois__lte=periode.fin
        )
        # Le nombre de toutes les réponses (fenêtre calculée avant la limite), les commentaires écrits d'abord.
        .annotate(
            reponses=Window(Count("pk")),
            sans_commentaire=ExpressionWrapper(Q(commentaire=""), output_field=BooleanField()),
        )
        .order_by("sans_commentaire", "pk")
        .values_list("reponses", "commentaire")[: d.COMMENTAIRES_MAX]
    )
    if not lignes or lignes[0][0] < d.SEUIL_COMMENTAIRES:
        return CommentairesAvis(lisibles=False, textes=[])
    return CommentairesAvis(lisibles=True, textes=[texte for _, texte in lignes if texte])


def elements_avis(avis: list, periode: p.Periode, *, organisation_id: int | None, public: str) -> dict[str, list]:
    """Pour une période, une organisation (ou toutes) et un public : indicateur des avis → éléments (réponse, a, b)."""
    resultat = defaultdict(list)
    for pk, type_etape, mois, organisation, publics, utilite, ecoute, recommande in avis:
        if not periode.contient(mois):
            continue
        if organisation_id is not None and organisation != organisation_id:
            continue
        if public != p.TOUS and public not in publics:
            continue
        cle = ("avis", pk)
        parts = {
            "utilite": int(utilite >= Evaluation.Note.PLUTOT),
            "ecoute": int(ecoute >= Evaluation.Note.PLUTOT),
            "recommandation": int(recommande == Evaluation.Recommandation.OUI),
        }
        for suffixe in ("", f"_{type_etape}"):
            resultat[f"avis_reponses{suffixe}"].append((cle, 1, 0))
            for code, oui in parts.items():
                resultat[f"avis_{code}{suffixe}"].append((cle, oui, 1))
    return resultat


def _charger_contacts(donnees: Donnees, ids, fins: list[date], fuseau) -> None:
    """Le dernier rendez-vous honoré et la dernière note de chaque carnet au plus tard chaque fin de période
    (deux requêtes groupées)."""
    for requete, champ in (
        (RendezVous.objects.filter(carnet__in=ids, statut=RendezVous.Statut.HONORE), "date_heure"),
        (Note.objects.filter(carnet__in=ids), "date"),
    ):
        maximums = {
            f"fin_{rang}": Max(champ, filter=Q(**{f"{champ}__date__lte": fin})) for rang, fin in enumerate(fins)
        }
        for ligne in requete.order_by().values("carnet").annotate(**maximums):
            for rang, fin in enumerate(fins):
                jour = _jour(ligne[f"fin_{rang}"], fuseau)
                cle = (ligne["carnet"], fin)
                if jour is not None and jour > donnees.derniers_contacts.get(cle, date.min):
                    donnees.derniers_contacts[cle] = jour


# --- Les populations d'une période -------------------------------------------------------------------------


def sorti_le(carnet_sorties, jour: date) -> bool:
    """Hors du parcours ce jour-là : une sortie datée au plus tard ce jour, pas rouverte au plus tard ce jour."""
    return any(sortie <= jour and (rouvert is None or rouvert > jour) for sortie, rouvert, _ in carnet_sorties)


@dataclass
class Periodique:
    """Les ensembles de carnets d'une période : accompagnés, publics, organisation."""

    periode: p.Periode
    accompagnes: set
    publics: dict  # public → set de carnets (sans « tous »)
    organisation: dict  # carnet → organisation du référent


def populations(donnees: Donnees, periode: p.Periode) -> Periodique:
    fin = periode.fin
    sorties = defaultdict(list)
    for carnet, date_sortie, rouvert, motif in donnees.sorties:
        sorties[carnet].append((date_sortie, rouvert, motif))
    accompagnes = {
        carnet
        for carnet, ouvert in donnees.ouverture.items()
        if ouvert <= fin
        and not any(s < periode.debut and (r is None or r > fin) for s, r, _ in sorties.get(carnet, ()))
    }
    statuts = defaultdict(list)
    for carnet, *statut in donnees.statuts:
        statuts[carnet].append(statut)
    publics = {public: set() for public in p.PUBLICS if public != p.TOUS}
    for carnet, naissance in donnees.naissance.items():
        for public in p.publics_le(statuts.get(carnet, ()), naissance, fin):
            publics[public].add(carnet)
    organisation = {}
    for carnet, organisme, debut, _ in sorted(donnees.referents, key=lambda ligne: ligne[2]):
        if debut <= fin:  # le dernier référent commencé au plus tard ce jour l'emporte (en fonction ou parti)
            organisation[carnet] = organisme
    return Periodique(periode, accompagnes, publics, organisation)


# --- Les éléments de chaque indicateur ----------------------------------------------------------------------


def elements(donnees: Donnees, pop: Periodique) -> dict[str, list]:
    """Pour une période : indicateur → liste d'éléments (carnet, a, b), sur toute la population du territoire."""
    periode, acc = pop.periode, pop.accompagnes
    fin = periode.fin
    sorties = defaultdict(list)
    for carnet, date_sortie, rouvert, motif in donnees.sorties:
        sorties[carnet].append((date_sortie, rouvert, motif))
    decisions = defaultdict(list)
    for carnet, _, _, decidee_le in donnees.demandes:
        if decidee_le is not None:
            decisions[carnet].append(decidee_le)
    resultat = defaultdict(list)
    for carnet in acc:
        resultat["accompagnes"].append((carnet, 1, 0))
        resultat["part_orientees"].append((carnet, int(any(j <= fin for j in decisions.get(carnet, ()))), 1))
    for carnet, motif, reception, decidee_le in donnees.demandes:
        if carnet not in acc or motif not in MOTIFS_DELAI_ORIENTATION:
            continue
        limite = reception + timedelta(days=DELAI_ORIENTATION_JOURS)
        if periode.contient(limite):
            resultat["part_orientees_6_semaines"].append(
                (carnet, int(decidee_le is not None and decidee_le <= limite), 1)
            )
        if periode.contient(decidee_le):
            jours = (decidee_le - reception).days
            resultat["delai_orientation_median"].append((carnet, jours, 0))
            resultat["delai_orientation_moyen"].append((carnet, jours, 0))
    contrat_en_cours = set()
    for carnet, debut_contrat, fin_contrat, signature in donnees.contrats:
        if p.en_cours_le(debut_contrat, fin_contrat, fin):
            contrat_en_cours.add(carnet)
        anterieures = [j for j in decisions.get(carnet, ()) if j <= signature]
        if carnet in acc and periode.contient(signature) and anterieures:
            jours = (signature - max(anterieures)).days
            resultat["delai_accompagnement_median"].append((carnet, jours, 0))
            resultat["delai_accompagnement_moyen"].append((carnet, jours, 0))
    referent_en_fonction = {c for c, _, deb, fin_ref in donnees.referents if p.en_cours_le(deb, fin_ref, fin)}
    limite_contact = ajouter_mois(fin, -d.MOIS_SANS_CONTACT)
    for carnet in acc:
        resultat["part_contrat"].append((carnet, int(carnet in contrat_en_cours), 1))
        resultat["part_referent"].append((carnet, int(carnet in referent_en_fonction), 1))
        ouvert = donnees.ouverture[carnet]
        echeance_plan = ouvert + timedelta(days=d.JOURS_PLAN_ACTION)
        if periode.contient(echeance_plan):
            premier = donnees.premier_objectif.get(carnet)
            resultat["part_plan_30_jours"].append((carnet, int(premier is not None and premier <= echeance_plan), 1))
        if not sorti_le(sorties.get(carnet, ()), fin):
            dernier = max(ouvert, donnees.derniers_contacts.get((carnet, fin), date.min))
            resultat["part_sans_contact"].append((carnet, int(dernier < limite_contact), 1))
    for carnet, jour, absent in donnees.rendez_vous:
        if carnet in acc and periode.contient(jour):
            resultat["taux_absence"].append((carnet, int(absent), 1))
    resultat["ruptures"] = [(carnet, 1, 0) for carnet in sorted(_ruptures(donnees, pop, sorties))]
    for carnet, envoi, acceptee, refusee, delai in donnees.orientations:
        if carnet not in acc or not periode.contient(envoi):
            continue
        resultat["orientations_offre"].append((carnet, 1, 0))
        if acceptee or refusee:
            resultat["taux_acceptation_offre"].append((carnet, int(acceptee), 1))
        if delai is not None:
            resultat["delai_reponse_offre_median"].append((carnet, delai, 0))
    for carnet, date_sortie, _, motif in donnees.sorties:
        if periode.contient(date_sortie):
            resultat["sorties"].append((carnet, 1, 0))
            resultat[f"sorties_{motif}"].append((carnet, 1, 0))
    for carnet, date_sortie, prevue, en_emploi in donnees.points:
        for mois in d.MOIS_SUIVI_EMPLOI:
            if periode.contient(prevue) and prevue == ajouter_mois(date_sortie, mois):
                resultat[f"emploi_{mois}_mois"].append((carnet, int(en_emploi), 1))
    return resultat


def _ruptures(donnees: Donnees, pop: Periodique, sorties: dict) -> set:
    periode = pop.periode
    debuts = defaultdict(list)
    for carnet, _, debut, _ in donnees.referents:
        debuts[carnet].append(debut)
    ruptures = {
        carnet
        for carnet in pop.accompagnes
        for date_sortie, _, motif in sorties.get(carnet, ())
        if motif == SortieParcours.Motif.REFUS and periode.contient(date_sortie)
    }
    for carnet, _, _, fin_referent in donnees.referents:
        if fin_referent is None or carnet not in pop.accompagnes:
            continue
        constat = fin_referent + timedelta(days=d.JOURS_SANS_SUCCESSEUR)
        if not periode.contient(constat) or sorti_le(sorties.get(carnet, ()), constat):
            continue
        if not any(fin_referent <= debut <= constat for debut in debuts[carnet]):
            ruptures.add(carnet)
    return ruptures


# --- Valeurs, secret, publication ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mesure:
    """La valeur brute d'un indicateur pour une période et un public, avec les effectifs (personnes) dont dépend
    son secret."""

    valeur: float | int | None
    effectifs: tuple[int, ...]

    def publiee(self, nature: str, *, arrondi: bool):
        """La valeur publiable : None si secrète (ou sans population), l'effectif arrondi à 5 si demandé."""
        if self.secrete:
            return None
        if nature == d.EFFECTIF:
            return secret_statistique.effectif_publie(self.valeur, arrondi=arrondi)
        return self.valeur

    @property
    def secrete(self) -> bool:
        return any(secret_statistique.est_secret(effectif) for effectif in self.effectifs)


def mesurer(indicateur: d.Indicateur, liste: list) -> Mesure:
    personnes = len({carnet for carnet, _, _ in liste})
    if indicateur.nature == d.EFFECTIF:
        return Mesure(len(liste), (personnes,))
    if indicateur.nature == d.TAUX:
        numerateur = sum(a for _, a, _ in liste)
        denominateur = sum(b for _, _, b in liste)
        concernees = len({carnet for carnet, a, _ in liste if a})
        # Le complément (dénominateur − numérateur) se déduit du taux et du dénominateur : 96 % de 100 → 4 sans.
        complement = len({carnet for carnet, a, b in liste if b > a})
        valeur = round(numerateur * 100 / denominateur, 1) if denominateur else None
        return Mesure(valeur, (concernees, personnes, complement))
    valeurs = [a for _, a, _ in liste]
    if not valeurs:
        return Mesure(None, (0,))
    calcul = statistics.median if indicateur.nature == d.MEDIANE else statistics.fmean
    return Mesure(round(calcul(valeurs), 1), (personnes,))


@dataclass(frozen=True)
class Filtres:
    departement: str
    periode: p.Periode
    epci: str = ""
    organisation_id: int | None = None
    public: str = p.TOUS


def _retenus(pop: Periodique, filtres: Filtres, public: str) -> set | None:
    """Les carnets de la population filtrée (organisation et public) de la période ; None : tous."""
    retenus = pop.publics[public] if public != p.TOUS else None
    if filtres.organisation_id is not None:
        de_l_organisation = {
            c for c, organisation in pop.organisation.items() if organisation == filtres.organisation_id
        }
        retenus = de_l_organisation if retenus is None else retenus & de_l_organisation
    return retenus


def calculer(donnees: Donnees, filtres: Filtres, publics: list[str]) -> dict:
    """(code, public, « periode » | « precedente ») → Mesure, pour tous les indicateurs."""
    mesures = {}
    for cle, periode in (("periode", filtres.periode), ("precedente", filtres.periode.precedente)):
        pop = populations(donnees, periode)
        listes = elements(donnees, pop)
        for public in publics:
            retenus = _retenus(pop, filtres, public)
            avis = elements_avis(donnees.avis, periode, organisation_id=filtres.organisation_id, public=public)
            for code, indicateur in d.INDICATEURS.items():
                if indicateur.section == d.AVIS:
                    liste = avis.get(code, [])  # déjà filtrés (organisation, public) : pas de carnet
                else:
                    liste = listes.get(code, [])
                    if retenus is not None:
                        liste = [element for element in liste if element[0] in retenus]
                mesures[(code, public, cle)] = mesurer(indicateur, liste)
    return mesures


def secrets_secondaires(mesures: dict) -> set:
    """Les clés (code, public, période) des mesures à masquer en plus : les sorties par motif et les avis par type
    d'étape sont publiés à côté de leur total ; si un seul chiffre de cette addition est secret, le plus petit autre
    (non nul) l'est aussi, pour qu'aucun ne se retrouve par soustraction (`secret_statistique.masquer_repartition`,
    jugé sur les personnes, ou les réponses pour les avis). Les parts des avis d'une étape suivent : masquées si son
    nombre de réponses l'est, et si la part d'une étape est masquée, celle des autres étapes aussi (la part de toutes
    les étapes et celle d'une étape donneraient l'autre)."""
    masques = set()
    for public, cle in {(public, cle) for _, public, cle in mesures}:
        for repartition_codes in d.REPARTITIONS:
            repartition = {
                code: mesures[(code, public, cle)].effectifs[0]
                for code in repartition_codes
                if (code, public, cle) in mesures
            }
            masques |= {(code, public, cle) for code in secret_statistique.masquer_repartition(repartition)}
        masques |= _secrets_avis_par_etape(mesures, masques, public, cle)
    return masques


def _population(mesure: Mesure, nature: str) -> int:
    return mesure.effectifs[0] if nature == d.EFFECTIF else mesure.effectifs[1]


def _secrets_avis_par_etape(mesures: dict, masques: set, public: str, cle: str) -> set:
    par_etape = d.AVIS_PAR_ETAPE
    if any((code, public, cle) not in mesures for codes in par_etape.values() for code in codes.values()):
        return set()
    resultat = set()
    etapes_masquees = {
        type_etape for type_etape, code in par_etape["avis_reponses"].items() if (code, public, cle) in masques
    }
    for base, codes in par_etape.items():
        if base == "avis_reponses":
            continue
        nature = d.INDICATEURS[base].nature
        masquees = {
            type_etape
            for type_etape, code in codes.items()
            if type_etape in etapes_masquees or mesures[(code, public, cle)].secrete
        }
        if masquees:
            resultat |= {
                (code, public, cle) for code in codes.values() if _population(mesures[(code, public, cle)], nature) > 0
            }
    return resultat


def indicateurs_du_territoire(filtres: Filtres) -> dict:
    """Le point d'entrée : charge (12 requêtes, plus une pour les avis) et calcule les deux périodes, pour le public
    filtré ou, sans filtre de public, pour chaque public."""
    carnets = p.carnets_du_territoire(filtres.departement, epci=filtres.epci)
    periodes = [filtres.periode.precedente, filtres.periode]
    donnees = charger(carnets, periodes)
    donnees.avis = charger_avis(filtres.departement, periodes, epci=filtres.epci)
    publics = list(p.PUBLICS) if filtres.public == p.TOUS else [filtres.public]
    return calculer(donnees, filtres, publics)
