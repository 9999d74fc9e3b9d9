"""La tenue d'une séance : présences et pouvoirs, quorum en direct, votes (avec la voix prépondérante) ou consensus,
notes, décisions et leur suivi de séance en séance, revue des fiches action, synthèse, clôture.

Chaque écriture se fait dans une transaction, la séance verrouillée (un double clic ou deux onglets ne se croisent
pas), tout vérifié avant d'écrire : une `ValidationError` au message français ne laisse rien à moitié écrit. On ne
tient qu'une séance convoquée ; une séance clôturée est figée."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from gouvernance import regles
from gouvernance.choix import (
    DECISIONS_OUVERTES,
    ChoixVote,
    ModeDecision,
    ResultatDeliberation,
    StatutDecision,
    StatutFiche,
    StatutPresence,
    StatutSeance,
    TypePoint,
    Voix,
)
from gouvernance.models import (
    CoPresidence,
    Decision,
    FicheAction,
    Mandat,
    Point,
    Presence,
    Seance,
    Siege,
    SuiviDecision,
    SuiviFiche,
    Vote,
)
from partenaires.models import Organisation

SEANCE_CLOTUREE = "La séance est clôturée : elle est figée et ne se modifie plus."
SEANCE_NON_CONVOQUEE = (
    "La séance n'est pas encore convoquée : présences, votes et décisions se notent une fois la convocation envoyée."
)
DECISIONS_CLOSES = (StatutDecision.REALISEE, StatutDecision.ABANDONNEE)
PRESENCES_QUI_VOTENT = (StatutPresence.PRESENT, StatutPresence.REPRESENTE)


def _tenir(seance) -> Seance:
    """La séance relue et verrouillée, si elle se tient (convoquée, pas encore clôturée)."""
    verrouillee = Seance.objects.select_for_update().select_related("comite").get(pk=seance.pk)
    if verrouillee.est_cloturee:
        raise ValidationError(SEANCE_CLOTUREE)
    if verrouillee.statut != StatutSeance.CONVOQUEE:
        raise ValidationError(SEANCE_NON_CONVOQUEE)
    return verrouillee


def _pluriel(nombre: int, singulier: str, pluriel: str) -> str:
    return singulier if nombre < 2 else pluriel


# --- Présences et quorum ------------------------------------------------------------------------


@dataclass(frozen=True)
class LignePresence:
    """La présence notée pour un siège ; un statut vide : pas encore notée (une présence déjà notée est effacée)."""

    siege: Siege
    statut: str
    mandat: Mandat | None = None
    represente_par: Siege | None = None


def sieges_et_presences(seance) -> list[tuple[Siege, Presence | None]]:
    """Chaque siège du comité, dans l'ordre, avec sa présence à la séance (ou None) : deux requêtes."""
    presences = {
        presence.siege_id: presence
        for presence in seance.presences.select_related("mandat", "represente_par__organisation")
    }
    sieges = seance.comite.sieges.select_related("organisation").order_by("ordre", "pk")
    return [(siege, presences.get(siege.pk)) for siege in sieges]


def calculer_quorum(seance, presences_par_siege) -> regles.Quorum:
    """Le quorum à partir des sièges et présences déjà lus (`sieges_et_presences`). Une séance clôturée est figée :
    ses membres sont les sièges dont la présence a été notée, avec leur voix de ce jour-là, et son pourcentage
    celui du comité le jour de la clôture (une composition changée depuis ne la modifie pas)."""
    if seance.est_cloturee:
        lignes = [(presence.voix == Voix.DELIBERATIVE, presence) for _, presence in presences_par_siege if presence]
        pourcentage = seance.quorum_pourcentage or seance.comite.quorum_pourcentage
    else:
        lignes = [(siege.est_deliberatif, presence) for siege, presence in presences_par_siege]
        pourcentage = seance.comite.quorum_pourcentage
    statuts = [presence.statut for deliberatif, presence in lignes if deliberatif and presence]
    return regles.quorum(
        membres=sum(1 for deliberatif, _ in lignes if deliberatif),
        presents=statuts.count(StatutPresence.PRESENT),
        representes=statuts.count(StatutPresence.REPRESENTE),
        pourcentage=pourcentage,
    )


def quorum_de(seance) -> regles.Quorum:
    return calculer_quorum(seance, sieges_et_presences(seance))


def message_quorum(quorum: regles.Quorum) -> str:
    """« 3 présents ou représentés sur 4 membres à voix délibérative — quorum (2) atteint »."""
    if not quorum.membres:
        return "aucun siège à voix délibérative — quorum impossible"
    etat = "atteint" if quorum.atteint else f"non atteint, il manque {quorum.manquants}"
    return (
        f"{quorum.comptes} {_pluriel(quorum.comptes, 'présent ou représenté', 'présents ou représentés')} sur "
        f"{quorum.membres} {_pluriel(quorum.membres, 'membre', 'membres')} à voix délibérative — "
        f"quorum ({quorum.requis}) {etat}"
    )


def _exiger_quorum(seance) -> None:
    quorum = quorum_de(seance)
    if not quorum.membres:
        raise ValidationError("Le comité n'a aucun siège à voix délibérative : aucune décision ne peut être adoptée.")
    if not quorum.atteint:
        comptes = quorum.comptes
        raise ValidationError(
            f"Le quorum n'est pas atteint : {comptes} {_pluriel(comptes, 'membre', 'membres')} à voix délibérative "
            f"{_pluriel(comptes, 'présent ou représenté', 'présents ou représentés')} sur {quorum.requis} requis. "
            "Aucune décision ne peut être adoptée."
        )


def _erreurs_de_presence(ligne: LignePresence, *, sieges, finales, mandats_en_cours) -> list[str]:
    siege, statut = ligne.siege, ligne.statut
    if statut not in StatutPresence.values:
        return [f"Choisissez la présence du siège « {siege} » dans la liste."]
    if statut != StatutPresence.REPRESENTE and ligne.represente_par is not None:
        return [f"Seul un siège représenté donne un pouvoir (« {siege} »)."]
    if statut != StatutPresence.PRESENT and ligne.mandat is not None:
        return [f"Seul un siège présent indique qui siège (« {siege} »)."]
    if statut == StatutPresence.PRESENT:
        if ligne.mandat is None:
            return [f"Indiquez qui siège pour « {siege} » : son titulaire ou son suppléant."]
        if ligne.mandat.siege_id != siege.pk or ligne.mandat.pk not in mandats_en_cours:
            return [
                f"{ligne.mandat.nom_complet} n'a pas de mandat en cours sur le siège « {siege} » "
                "à la date de la séance."
            ]
    if statut == StatutPresence.REPRESENTE:
        porteur = ligne.represente_par
        if not siege.est_deliberatif:
            return [f"Le siège « {siege} » siège à voix consultative : il ne donne pas de pouvoir."]
        if porteur is None:
            return [f"Indiquez le siège qui détient le pouvoir de « {siege} »."]
        if porteur.pk == siege.pk:
            return [f"Le siège « {siege} » ne peut pas se donner pouvoir à lui-même."]
        if porteur.pk not in sieges:
            return [f"Le pouvoir de « {siege} » est donné à un siège qui ne siège pas dans ce comité."]
        if not porteur.est_deliberatif:
            return [f"Le siège « {porteur} » siège à voix consultative : il ne reçoit pas de pouvoir."]
        if finales.get(porteur.pk, ("", None))[0] != StatutPresence.PRESENT:
            return [f"Le pouvoir de « {siege} » est donné à « {porteur} », qui n'est pas présent."]
    return []


@transaction.atomic
def noter_presences(seance, *, acteur, lignes: list[LignePresence]) -> regles.Quorum:
    """Note d'un coup la présence des sièges (tout ou rien) : présent (titulaire ou suppléant en cours), représenté
    par un autre siège délibératif présent (au plus `regles.POUVOIRS_PAR_MEMBRE` pouvoir par siège), excusé, absent.
    Rend le quorum qui en résulte."""
    seance = _tenir(seance)
    sieges = {siege.pk: siege for siege in seance.comite.sieges.all()}
    erreurs, vus = [], set()
    for ligne in lignes:
        if ligne.siege.pk not in sieges:
            raise ValidationError(f"Le siège « {ligne.siege} » ne siège pas dans ce comité.")
        if ligne.siege.pk in vus:
            raise ValidationError(f"La présence du siège « {ligne.siege} » est notée deux fois.")
        vus.add(ligne.siege.pk)
    existantes = {presence.siege_id: presence for presence in seance.presences.all()}
    # L'état final de chaque siège noté : (statut, siège porteur de son pouvoir).
    finales = {
        siege_id: (presence.statut, presence.represente_par_id)
        for siege_id, presence in existantes.items()
        if siege_id not in vus
    }
    finales |= {
        ligne.siege.pk: (ligne.statut, ligne.represente_par.pk if ligne.represente_par else None)
        for ligne in lignes
        if ligne.statut
    }
    mandats_en_cours = set(Mandat.objects.de_la_seance(seance).values_list("pk", flat=True))
    for ligne in lignes:
        if ligne.statut:
            erreurs += _erreurs_de_presence(ligne, sieges=sieges, finales=finales, mandats_en_cours=mandats_en_cours)
    for siege_id, (_statut, porteur_id) in finales.items():  # les pouvoirs déjà notés, hors du formulaire
        if siege_id not in vus and porteur_id and finales.get(porteur_id, ("", None))[0] != StatutPresence.PRESENT:
            erreurs.append(
                f"Le pouvoir de « {sieges[siege_id]} » est donné à « {sieges[porteur_id]} », "
                "qui ne serait plus présent."
            )
    pouvoirs = {}
    for siege_id, (statut, porteur_id) in finales.items():
        if statut == StatutPresence.REPRESENTE and porteur_id:
            pouvoirs.setdefault(porteur_id, []).append(sieges[siege_id])
    for porteur_id, donneurs in pouvoirs.items():
        if len(donneurs) > regles.POUVOIRS_PAR_MEMBRE:
            noms = ", ".join(f"« {donneur} »" for donneur in donneurs)
            erreurs.append(
                f"Le siège « {sieges.get(porteur_id, porteur_id)} » reçoit {len(donneurs)} pouvoirs ({noms}) : un "
                f"membre présent en détient au plus {regles.POUVOIRS_PAR_MEMBRE}."
            )
    votants = set(Vote.objects.filter(point__seance=seance).values_list("siege_id", flat=True))
    for siege_id in sorted(votants & vus):
        if finales.get(siege_id, ("", None))[0] not in PRESENCES_QUI_VOTENT:
            erreurs.append(
                f"Le siège « {sieges[siege_id]} » a voté lors de cette séance : il reste présent ou représenté."
            )
    if erreurs:
        raise ValidationError(erreurs)
    for ligne in lignes:
        existante = existantes.get(ligne.siege.pk)
        if not ligne.statut:
            if existante:
                existante.delete()
            continue
        presence = existante or Presence(seance=seance, siege=ligne.siege)
        presence.statut, presence.mandat, presence.represente_par = ligne.statut, ligne.mandat, ligne.represente_par
        presence.voix = ligne.siege.voix
        presence.save()
    return quorum_de(seance)


# --- Points : notes, vote, consensus ------------------------------------------------------------


@transaction.atomic
def enregistrer_notes(point, *, acteur, notes: str) -> Point:
    _tenir(point.seance)
    point.notes = (notes or "").strip()
    point.save(update_fields=["notes"])
    return point


def _point_verrouille(point) -> Point:
    point = Point.objects.select_for_update().get(pk=point.pk)
    if point.decisions.exists():
        raise ValidationError("Ce point a déjà une décision : son résultat ne se change plus.")
    return point


@transaction.atomic
def voter(point, *, acteur, choix: dict) -> regles.Depouillement:
    """Le vote d'un point de délibération : `choix` donne pour/contre/abstention par siège délibératif présent ou
    représenté (un siège sans choix ne vote pas). Majorité des suffrages exprimés ; en cas de partage, le choix du
    siège du co-président à voix prépondérante l'emporte. Revoter remplace le vote tant qu'aucune décision n'y est
    rattachée."""
    seance = _tenir(point.seance)
    point = _point_verrouille(point)
    if point.type != TypePoint.DELIBERATION:
        raise ValidationError("Seul un point de délibération se vote ; pour un autre point, constatez un consensus.")
    _exiger_quorum(seance)
    if not choix:
        raise ValidationError(
            "Aucune voix n'est exprimée : notez le vote des sièges présents ou représentés, ou constatez un consensus."
        )
    presences = {presence.siege_id: presence for presence in seance.presences.all()}
    erreurs = []
    for siege, valeur in choix.items():
        presence = presences.get(siege.pk)
        if siege.comite_id != seance.comite_id:
            erreurs.append(f"Le siège « {siege} » ne siège pas dans ce comité.")
        elif not siege.est_deliberatif:
            erreurs.append(f"Le siège « {siege} » siège à voix consultative : il ne vote pas.")
        elif presence is None:
            erreurs.append(f"La présence du siège « {siege} » n'est pas notée : il ne vote pas.")
        elif presence.statut not in PRESENCES_QUI_VOTENT:
            erreurs.append(f"Le siège « {siege} » est {presence.get_statut_display().lower()} : il ne vote pas.")
        elif valeur not in ChoixVote.values:
            erreurs.append(f"Choisissez pour, contre ou abstention pour le siège « {siege} ».")
    if erreurs:
        raise ValidationError(erreurs)
    # La voix prépondérante est celle du siège du co-président désigné quand il siège (présent) : elle ne passe
    # pas par un pouvoir à un autre siège.
    preponderante = CoPresidence.objects.filter(comite=seance.comite, voix_preponderante=True).first()
    siege_preponderant = preponderante.siege_id if preponderante else None
    if siege_preponderant and getattr(presences.get(siege_preponderant), "statut", "") != StatutPresence.PRESENT:
        siege_preponderant = None
    par_siege = {siege.pk: valeur for siege, valeur in choix.items()}
    depouillement = regles.depouiller(list(choix.values()), choix_preponderant=par_siege.get(siege_preponderant))
    point.votes.all().delete()
    Vote.objects.bulk_create([Vote(point=point, siege=siege, choix=valeur) for siege, valeur in choix.items()])
    point.mode, point.resultat = ModeDecision.VOTE, depouillement.resultat
    point.voix_preponderante_utilisee = depouillement.voix_preponderante_utilisee
    point.save(update_fields=["mode", "resultat", "voix_preponderante_utilisee"])
    return depouillement


@transaction.atomic
def constater_consensus(point, *, acteur) -> Point:
    """Le point est adopté sans vote, par consensus des membres présents ; le quorum reste exigé."""
    seance = _tenir(point.seance)
    point = _point_verrouille(point)
    _exiger_quorum(seance)
    point.votes.all().delete()
    point.mode, point.resultat, point.voix_preponderante_utilisee = (
        ModeDecision.CONSENSUS,
        ResultatDeliberation.ADOPTEE,
        False,
    )
    point.save(update_fields=["mode", "resultat", "voix_preponderante_utilisee"])
    return point


# --- Décisions et leur suivi --------------------------------------------------------------------


def organisations_responsables(comite):
    """Les organisations à qui confier une décision : membres du consortium ou qui siègent au comité, actives."""
    return Organisation.objects.filter(
        Q(pk__in=comite.consortium.membres.values("organisation")) | Q(pk__in=comite.sieges.values("organisation")),
        is_active=True,
    )


@transaction.atomic
def ajouter_decision(point, *, acteur, texte: str, organisation_responsable, echeance=None) -> Decision:
    """Une décision sur un point adopté (vote ou consensus), confiée à une organisation, avec une échéance
    facultative qui ne précède pas la séance."""
    seance = _tenir(point.seance)
    point = Point.objects.select_for_update().get(pk=point.pk)
    if point.resultat != ResultatDeliberation.ADOPTEE:
        raise ValidationError("Une décision se prend sur un point adopté, par vote ou par consensus.")
    _exiger_quorum(seance)  # des membres sont peut-être partis depuis le vote
    erreurs = {}
    texte = (texte or "").strip()
    if not texte:
        erreurs["texte"] = "Rédigez la décision."
    if organisation_responsable is None:
        erreurs["organisation_responsable"] = "Une décision a une organisation responsable."
    elif not organisations_responsables(seance.comite).filter(pk=organisation_responsable.pk).exists():
        erreurs["organisation_responsable"] = (
            "L'organisation responsable est une organisation active, membre du consortium ou qui siège au comité."
        )
    if echeance and echeance < timezone.localdate(seance.date):
        erreurs["echeance"] = "L'échéance ne peut pas précéder la séance."
    if not erreurs and point.decisions.filter(texte=texte, organisation_responsable=organisation_responsable):
        erreurs["texte"] = "Cette décision est déjà enregistrée sur ce point (bouton pressé deux fois ?)."
    if erreurs:
        raise ValidationError(erreurs)
    return Decision.objects.create(
        comite=seance.comite,
        seance=seance,
        point=point,
        texte=texte,
        organisation_responsable=organisation_responsable,
        echeance=echeance,
        mode=point.mode,
    )


def decisions_a_suivre(seance):
    """Les décisions des séances précédentes du comité à suivre lors de cette séance : celles qui étaient encore
    ouvertes (à faire, en cours) — pas closes lors d'une séance antérieure, et ouvertes aujourd'hui ou suivies depuis
    (une séance passée garde ainsi la liste de son jour)."""
    closes_avant = SuiviDecision.objects.filter(
        decision=OuterRef("pk"), seance__date__lt=seance.date, statut__in=DECISIONS_CLOSES
    )
    suivies_depuis = SuiviDecision.objects.filter(decision=OuterRef("pk"), seance__date__gte=seance.date)
    return (
        Decision.objects.filter(comite_id=seance.comite_id, seance__date__lt=seance.date)
        .filter(~Exists(closes_avant))
        .filter(Q(statut__in=DECISIONS_OUVERTES) | Exists(suivies_depuis))
    )


@transaction.atomic
def suivre_decision(seance, *, acteur, decision, statut: str, commentaire: str = "") -> SuiviDecision:
    """Le point fait en séance sur une décision d'une séance précédente : un suivi par séance (le refaire le
    corrige), qui met à jour le statut de la décision ; réalisée ou abandonnée, elle n'apparaît plus ensuite."""
    seance = _tenir(seance)
    decision = Decision.objects.select_for_update().select_related("seance").get(pk=decision.pk)
    if decision.comite_id != seance.comite_id:
        raise ValidationError("Cette décision relève d'un autre comité.")
    if not decisions_a_suivre(seance).filter(pk=decision.pk).exists():
        if decision.seance_id == seance.pk:
            raise ValidationError("Une décision se suit lors des séances suivantes, pas lors de celle qui l'a prise.")
        if decision.seance.date >= seance.date:
            raise ValidationError("Cette décision a été prise après cette séance.")
        raise ValidationError(
            f"Cette décision est close ({decision.get_statut_display().lower()}) : elle n'est plus suivie."
        )
    if statut not in StatutDecision.values:
        raise ValidationError({"statut": "Choisissez le statut de la décision dans la liste."})
    suivi, _ = SuiviDecision.objects.update_or_create(
        decision=decision,
        seance=seance,
        defaults={"statut": statut, "commentaire": (commentaire or "").strip(), "date": timezone.now()},
    )
    decision.statut = statut
    decision.save(update_fields=["statut"])
    return suivi


# --- Fiches action revues -----------------------------------------------------------------------


@transaction.atomic
def revoir_fiche(seance, *, acteur, fiche, statut: str, avancement: int, commentaire: str = "") -> SuiviFiche:
    """L'avancement d'une fiche action du consortium revu en séance : une revue par séance (la refaire la corrige),
    qui met à jour le statut et l'avancement de la fiche."""
    seance = _tenir(seance)
    fiche = FicheAction.objects.select_for_update().get(pk=fiche.pk)
    if fiche.consortium_id != seance.comite.consortium_id:
        raise ValidationError("Cette fiche action relève d'un autre consortium.")
    erreurs = {}
    if statut not in StatutFiche.values:
        erreurs["statut"] = "Choisissez le statut de la fiche dans la liste."
    if avancement is None or not 0 <= avancement <= 100:
        erreurs["avancement"] = "L'avancement est un pourcentage, de 0 à 100."
    if erreurs:
        raise ValidationError(erreurs)
    suivi, _ = SuiviFiche.objects.update_or_create(
        fiche=fiche,
        seance=seance,
        defaults={
            "statut": statut,
            "avancement": avancement,
            "commentaire": (commentaire or "").strip(),
            "date": timezone.now(),
        },
    )
    fiche.statut, fiche.avancement = statut, avancement
    fiche.save(update_fields=["statut", "avancement", "date_modification"])
    return suivi


# --- Synthèse et clôture ------------------------------------------------------------------------


@transaction.atomic
def enregistrer_synthese(seance, *, acteur, synthese: str) -> Seance:
    verrouillee = _tenir(seance)
    verrouillee.synthese = (synthese or "").strip()
    verrouillee.save(update_fields=["synthese"])
    seance.synthese = verrouillee.synthese
    return verrouillee


@transaction.atomic
def cloturer_seance(seance, *, acteur) -> Seance:
    """Clôt une séance tenue (commencée, chaque présence notée) : elle est figée ; son compte rendu est archivé
    en arrière-plan une fois la transaction validée."""
    from gouvernance.comptes_rendus.taches import archiver_compte_rendu

    verrouillee = Seance.objects.select_for_update().select_related("comite").get(pk=seance.pk)
    if verrouillee.est_cloturee:
        raise ValidationError("La séance est déjà clôturée.")
    if verrouillee.statut != StatutSeance.CONVOQUEE:
        raise ValidationError("Seule une séance convoquée se clôture.")
    if verrouillee.date > timezone.now():
        raise ValidationError("La séance n'a pas encore commencé : elle se clôture une fois tenue.")
    if verrouillee.comite.sieges.exclude(pk__in=verrouillee.presences.values("siege")).exists():
        raise ValidationError("Notez la présence de chaque siège avant de clôturer.")
    verrouillee.statut, verrouillee.cloturee_le = StatutSeance.CLOTUREE, timezone.now()
    verrouillee.quorum_pourcentage = verrouillee.comite.quorum_pourcentage
    Presence.objects.filter(seance=verrouillee).update(
        voix=Subquery(Siege.objects.filter(pk=OuterRef("siege_id")).values("voix")[:1])
    )
    verrouillee.save(update_fields=["statut", "cloturee_le", "quorum_pourcentage"])
    seance.statut, seance.cloturee_le = verrouillee.statut, verrouillee.cloturee_le
    seance_id = verrouillee.pk
    transaction.on_commit(lambda: archiver_compte_rendu.delay(seance_id))
    return verrouillee
