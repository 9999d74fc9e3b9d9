"""Fabrication en masse du jeu de données de mesure (`generer_donnees_bench`) pour le parcours : personnes, carnets,
groupes de suivi et partages, statuts, diagnostics, plans d'action, rendez-vous, notes, orientations, orientations
vers l'offre, sorties, et l'espace personnel du compte de personne du contrat.

Les lignes sont celles qu'écrivent les services de l'application (`parcours.services`, `parcours.diagnostic.services`)
— l'objet, l'événement de l'historique, le partage par la façade — mais écrites par lots. Chaque étape est une
petite fonction qui prend la liste des `Suivi` (un par carnet) et le hasard, et rend le nombre de lignes écrites."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from parcours.choix import PERMISSIONS_DU_PARTAGE
from parcours.delais import ajouter_mois
from parcours.models import (
    Action,
    ActionReferentiel,
    Carnet,
    ContratEngagement,
    DecisionOrientation,
    DemandeOrientation,
    Diagnostic,
    Domaine,
    EspacePersonne,
    EvaluationDomaine,
    EvenementCarnet,
    Intervenant,
    Note,
    Objectif,
    ObjectifReferentiel,
    OrientationService,
    Personne,
    PointSuiviEmploi,
    RendezVous,
    Situation,
    SortieParcours,
    Statut,
    TransitionOrientationService,
)
from partenaires import permissions
from partenaires.choix import TypeOrganisation
from partenaires.donnees_bench import (
    COMPTE_ORGANISATION,
    COMPTE_PERSONNE,
    COMPTE_REFERENT,
    NOMS,
    PRENOMS,
    adresse_email,
    identifiant,
    inserer,
    moment,
    reserver_cles,
)
from partenaires.models import Utilisateur

JOURS_D_HISTOIRE = 540
CARNETS_DU_REFERENT = 300  # bench.referent@spie.test : référent d'exactement 300 carnets (moins si N est petit)
PART_PARTAGEE_AVEC_L_ORGANISATION = 10  # bench.organisation : min(20 000, N/10) carnets partagés avec sa structure
PLAFOND_PARTAGES_ORGANISATION = 20_000
Type = EvenementCarnet.Type
APPRECIATIONS = EvaluationDomaine.Appreciation.values[:3]  # point fort, besoin, non abordé
IMPACTS = EvaluationDomaine.Impact.values
PRIORITES = EvaluationDomaine.Priorite.values
PARCOURS = Diagnostic.Parcours.values

# Organisation du référent selon le public : (type, poids).
REFERENTS = [
    (TypeOrganisation.DEPARTEMENT, 40),
    (TypeOrganisation.FRANCE_TRAVAIL, 30),
    (TypeOrganisation.PLIE, 8),
    (TypeOrganisation.CAP_EMPLOI, 5),
    (TypeOrganisation.ASSOCIATION, 12),
    (TypeOrganisation.SIAE, 5),
]
OBJETS_RENDEZ_VOUS = ["Premier entretien", "Point d'étape", "Préparation d'un entretien d'embauche", "Bilan du plan"]
NOTES = ["Échange sur la recherche d'emploi.", "Point sur les démarches de logement.", "Entretien de suivi."]


@dataclass
class Suivi:
    """Un carnet en fabrication : ce que les étapes suivantes ont besoin d'en savoir."""

    carnet: Carnet
    territoire: object
    ouverture: date
    referent: tuple  # (utilisateur, organisation)
    groupe: list = field(default_factory=list)  # [(utilisateur, organisation)], le référent en premier
    rsa: bool = False

    @property
    def organisations(self):
        vues, rendues = set(), []
        for _, organisation in self.groupe:
            if organisation.pk not in vues:
                vues.add(organisation.pk)
                rendues.append(organisation)
        return rendues


def _evenement(suivi, type_evenement, jour, acteur=None, organisation=None, heure=10, **details):
    """La ligne de l'historique qu'écrit `parcours.services.historiser` (par défaut : le référent, pour son
    organisation)."""
    acteur, organisation_acteur = (acteur, organisation) if acteur else suivi.referent
    return {
        "carnet_id": suivi.carnet.pk,
        "type": type_evenement.value,
        "acteur_id": acteur.pk,
        "organisation_id": (organisation or organisation_acteur).pk,
        "details": details,
        "date": moment(jour, heure),
    }


def _par_organisation(territoire):
    """Professionnels (rôle référent / professionnel) de chaque organisation du territoire, sans les comptes du
    contrat (ils sont placés à part)."""
    reserves = {COMPTE_REFERENT, COMPTE_ORGANISATION}
    par_organisation = {}
    for utilisateur, organisation in territoire.professionnels:
        if utilisateur.email not in reserves:
            par_organisation.setdefault(organisation.pk, []).append((utilisateur, organisation))
    return par_organisation


def creer_personnes_et_carnets(territoires, repartition, hasard) -> list[Suivi]:
    """Les personnes (réparties par territoire, dans ses communes selon la population) et leur carnet, ouvert par
    leur référent : son organisation l'a créé."""
    aujourd_hui = timezone.localdate()
    personnes, plan = [], []
    for territoire, nombre in zip(territoires, repartition, strict=True):
        lignes = hasard.choices(territoire.communes, weights=territoire.poids, k=nombre)
        for numero, ligne in enumerate(lignes):
            age_jours = (
                hasard.randint(16 * 365, 25 * 365) if hasard.random() < 0.22 else hasard.randint(26 * 365, 64 * 365)
            )
            prenom, nom = hasard.choice(PRENOMS), hasard.choice(NOMS)
            personnes.append(
                Personne(
                    uuid=identifiant(hasard),
                    nom=nom,
                    prenom=prenom,
                    date_naissance=aujourd_hui - timedelta(days=age_jours),
                    email=adresse_email(f"{prenom}.{nom}.{territoire.numero}.{numero}", "personne.spie.test"),
                    telephone=f"06{hasard.randrange(10**8):08d}",
                    adresse=f"{hasard.randint(1, 120)} rue des Écoles",
                    code_postal=ligne["codes_postaux"].split()[0],
                    commune=ligne["nom"],
                    code_commune=ligne["code_insee"],
                    identifiant_departement=f"{territoire.departement}-{numero:07d}",
                    numero_caf_msa=f"{hasard.randrange(10**7):07d}",
                    date_creation=moment(aujourd_hui - timedelta(days=JOURS_D_HISTOIRE)),
                )
            )
            plan.append((territoire, aujourd_hui - timedelta(days=hasard.randint(0, JOURS_D_HISTOIRE - 1))))
    personnes = inserer(Personne, personnes, retour=True)
    suivis = []
    for personne, (territoire, ouverture) in zip(personnes, plan, strict=True):
        carnet = Carnet(uuid=identifiant(hasard), personne=personne, date_creation=moment(ouverture, 9))
        suivis.append(Suivi(carnet, territoire, ouverture, referent=None))
    _choisir_les_groupes(suivis, hasard)
    for suivi in suivis:
        suivi.carnet.cree_par, suivi.carnet.organisation_creatrice = suivi.referent
        statut = hasard.random()
        suivi.carnet.statut = (
            Carnet.Statut.ACTIF if statut < 0.85 else Carnet.Statut.SUIVI_EMPLOI if statut < 0.9 else Carnet.Statut.CLOS
        )
    inserer(Carnet, (s.carnet for s in suivis), retour=True)
    return suivis


def _choisir_les_groupes(suivis, hasard) -> None:
    """Référent et groupe de suivi (1 à 4 intervenants, d'organisations différentes). Dans le territoire 1,
    bench.referent est référent d'exactement min(300, carnets du territoire) carnets, et la structure de
    bench.organisation (France Travail — territoire 1) est dans le groupe d'exactement min(20 000, N/10) carnets ;
    ailleurs elle n'y est jamais."""
    premier = [s for s in suivis if s.territoire.numero == 1]
    if not premier:
        return
    territoire_1 = premier[0].territoire
    ft1 = territoire_1.organisation(TypeOrganisation.FRANCE_TRAVAIL)
    compte_referent = next((u, o) for u, o in territoire_1.professionnels if u.email == COMPTE_REFERENT)
    du_referent = {id(premier[i]) for i in hasard.sample(range(len(premier)), min(CARNETS_DU_REFERENT, len(premier)))}
    partages_ft1 = min(PLAFOND_PARTAGES_ORGANISATION, len(suivis) // PART_PARTAGEE_AVEC_L_ORGANISATION, len(premier))
    avec_ft1 = {id(premier[i]) for i in hasard.sample(range(len(premier)), partages_ft1)}
    professionnels = {
        t.numero: _par_organisation(t) for t in {s.territoire.numero: s.territoire for s in suivis}.values()
    }
    types, poids = zip(*REFERENTS, strict=True)
    for suivi in suivis:
        par_organisation = professionnels[suivi.territoire.numero]
        organisations = [o for o in suivi.territoire.organisations if o.pk in par_organisation]
        obligatoire = None
        if suivi.territoire.numero == 1:
            if id(suivi) in avec_ft1:
                obligatoire = ft1
            else:
                organisations = [o for o in organisations if o.pk != ft1.pk]
        if id(suivi) in du_referent:
            suivi.referent = compte_referent
        else:
            voulu = hasard.choices(types, weights=poids)[0]
            candidates = [o for o in organisations if o.type == voulu] or organisations
            suivi.referent = hasard.choice(par_organisation[hasard.choice(candidates).pk])
        suivi.groupe = [suivi.referent]
        if obligatoire is not None and suivi.referent[1].pk != obligatoire.pk:
            suivi.groupe.append(hasard.choice(par_organisation[obligatoire.pk]))
        taille = hasard.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
        presentes = {organisation.pk for _, organisation in suivi.groupe}
        autres = [o for o in organisations if o.pk not in presentes]
        for organisation in hasard.sample(autres, max(0, taille - len(suivi.groupe))):
            suivi.groupe.append(hasard.choice(par_organisation[organisation.pk]))


def creer_groupes_de_suivi(suivis, hasard) -> dict[str, int]:
    """Intervenants, partages par la façade (lecture et modification, organisation par organisation) et les
    événements de `ouvrir_carnet` / `ajouter_intervenant` : carnet ouvert, partage ajouté, intervenant ajouté."""
    intervenants, evenements, par_organisation = [], [], {}
    aujourd_hui = timezone.localdate()
    for suivi in suivis:
        evenements.append(_evenement(suivi, Type.CARNET_OUVERT, suivi.ouverture, heure=9))
        for rang, (utilisateur, organisation) in enumerate(suivi.groupe):
            role = Intervenant.Role.REFERENT if rang == 0 else Intervenant.Role.ACCOMPAGNATEUR
            debut = suivi.ouverture + timedelta(days=0 if rang == 0 else hasard.randint(1, 60))
            debut = min(debut, aujourd_hui)
            intervenants.append(
                {
                    "carnet_id": suivi.carnet.pk,
                    "utilisateur_id": utilisateur.pk,
                    "organisation_id": organisation.pk,
                    "role": role.value,
                    "date_debut": debut,
                }
            )
            par_organisation.setdefault(organisation.pk, (organisation, []))[1].append(suivi.carnet)
            evenements.append(_evenement(suivi, Type.PARTAGE_AJOUTE, debut, nom=organisation.nom))
            evenements.append(
                _evenement(
                    suivi, Type.INTERVENANT_AJOUTE, debut, intervenant=f"{utilisateur} ({organisation.nom})", role=role
                )
            )
    partages = 0
    for organisation, carnets in par_organisation.values():
        partages += inserer(*permissions.lignes_de_partage(carnets, organisation, *PERMISSIONS_DU_PARTAGE))
    return {
        "intervenants": inserer(Intervenant, intervenants),
        "partages de carnets": partages,
        "événements (groupes)": inserer(EvenementCarnet, evenements),
    }


def creer_statuts(suivis, hasard) -> dict[str, int]:
    """Les statuts administratifs (RSA, inscription à France Travail, DELD, parent isolé, RQTH, droits et devoirs)
    et l'événement « statut mis à jour » (sans la valeur d'un statut sensible), comme `changer_statut`."""
    statuts, evenements = [], []
    tirages = (
        (Statut.Type.DROIT_RSA, "ouvert_versable", 0.55),
        (Statut.Type.INSCRIT_FRANCE_TRAVAIL, "oui", 0.5),
        (Statut.Type.DELD, "oui", 0.2),
        (Statut.Type.PARENT_ISOLE, "oui", 0.15),
        (Statut.Type.RQTH, "oui", 0.08),
    )
    for suivi in suivis:
        for type_statut, valeur, part in tirages:
            if hasard.random() >= part:
                continue
            if type_statut == Statut.Type.DROIT_RSA:
                suivi.rsa = True
            statuts.append(_statut(suivi, evenements, type_statut, valeur))
            if suivi.rsa and type_statut == Statut.Type.DROIT_RSA:
                statuts.append(_statut(suivi, evenements, Statut.Type.DROITS_ET_DEVOIRS, "oui"))
    return {"statuts": inserer(Statut, statuts), "événements (statuts)": inserer(EvenementCarnet, evenements)}


def _statut(suivi, evenements, type_statut, valeur) -> dict:
    """La ligne du statut et, dans `evenements`, celle de l'historique (sans la valeur d'un statut sensible)."""
    details = {"statut": type_statut.label}
    if type_statut not in Statut.SENSIBLES:
        details["valeur"] = Statut.valeurs_permises(type_statut)[valeur]
    evenements.append(_evenement(suivi, Type.STATUT_CHANGE, suivi.ouverture, **details))
    return {
        "personne_id": suivi.carnet.personne_id,
        "type": type_statut.value,
        "valeur": valeur,
        "date_debut": suivi.ouverture,
        "saisi_par_id": suivi.referent[0].pk,
        "date_saisie": moment(suivi.ouverture, 11),
    }


def creer_diagnostics(suivis, hasard) -> dict[str, int]:
    """Deux carnets sur trois ont un diagnostic validé (tous les domaines appréciés, des situations du référentiel
    pour les besoins, le parcours suggéré retenu), un sur dix un diagnostic en cours ; avec les événements de
    `parcours.diagnostic.services` (commencé, validé)."""
    aujourd_hui = timezone.localdate()
    domaines = list(Domaine.objects.filter(actif=True).order_by("ordre"))
    situations = {}
    for situation in Situation.objects.filter(actif=True).only("code", "domaine_id"):
        situations.setdefault(situation.domaine_id, []).append(situation.pk)
    diagnostics, evenements = [], []
    for suivi in suivis:
        tirage = hasard.random()
        if tirage >= 0.75:
            continue
        professionnel, organisation = suivi.referent
        debut = min(suivi.ouverture + timedelta(days=hasard.randint(1, 30)), aujourd_hui)
        diagnostic = Diagnostic(
            carnet=suivi.carnet,
            version=1,
            organisation=organisation,
            professionnel=professionnel,
            date_creation=moment(debut, 14),
            situation_actuelle=hasard.choice(
                ["recherche_emploi", "recherche_emploi", "recherche_formation", "construction_projet", "au_foyer"]
            ),
            niveau_formation=hasard.choice(["CP4", "C3A", "NV5", "NV5", "NV4", "NV3"]),
            langues="Français",
            permis=["B"] if hasard.random() < 0.5 else [],
        )
        diagnostic._suivi = suivi
        evenements.append(_evenement(suivi, Type.DIAGNOSTIC_COMMENCE, debut, heure=14, version=1))
        if tirage < 0.65:
            validation = min(debut + timedelta(days=hasard.randint(0, 30)), aujourd_hui)
            parcours = hasard.choice(PARCOURS)
            diagnostic.statut = Diagnostic.Statut.VALIDE
            diagnostic.date_validation, diagnostic.valide_par = moment(validation, 16), professionnel
            diagnostic.parcours_suggere = diagnostic.parcours_retenu = parcours
            evenements.append(
                _evenement(
                    suivi,
                    Type.DIAGNOSTIC_VALIDE,
                    validation,
                    heure=16,
                    version=1,
                    parcours=f"parcours {Diagnostic.Parcours(parcours).label.lower()}",
                )
            )
        diagnostics.append(diagnostic)
    diagnostics = inserer(Diagnostic, diagnostics, retour=True)
    evaluations, liens = [], []
    lien = EvaluationDomaine.situations.through
    for diagnostic in diagnostics:
        appreciés = domaines if diagnostic.statut == Diagnostic.Statut.VALIDE else domaines[: hasard.randint(0, 4)]
        for domaine in appreciés:
            appreciation = hasard.choices(APPRECIATIONS, weights=(40, 35, 25))[0]
            besoin = appreciation == EvaluationDomaine.Appreciation.BESOIN
            evaluations.append(
                {
                    "diagnostic_id": diagnostic.pk,
                    "domaine_id": domaine.pk,
                    "appreciation": appreciation,
                    "impact": hasard.choice(IMPACTS) if besoin else "",
                    "priorite": hasard.choice(PRIORITES) if besoin else "",
                }
            )
    for evaluation, cle in zip(evaluations, reserver_cles(EvaluationDomaine, len(evaluations)), strict=True):
        evaluation["id"] = cle
        possibles = situations.get(evaluation["domaine_id"])
        if evaluation["appreciation"] == EvaluationDomaine.Appreciation.BESOIN and possibles:
            for code in hasard.sample(possibles, min(len(possibles), hasard.randint(1, 2))):
                liens.append({"evaluationdomaine_id": cle, "situation_id": code})
    return {
        "diagnostics": len(diagnostics),
        "appréciations de domaines": inserer(EvaluationDomaine, evaluations),
        "situations observées": inserer(lien, liens),
        "événements (diagnostics)": inserer(EvenementCarnet, evenements),
    }


def creer_plans(suivis, hasard) -> dict[str, int]:
    """Plans d'action : un ou deux objectifs du référentiel (rattachés à leur axe), une ou deux actions chacun
    (du référentiel de l'axe, sinon en saisie libre), portées par une organisation du groupe ; un contrat
    d'engagement signé pour la plupart des allocataires du RSA. Avec les événements des services."""
    aujourd_hui = timezone.localdate()
    objectifs_ref = list(ObjectifReferentiel.objects.filter(actif=True).select_related("theme"))
    actions_ref = {}
    for action in ActionReferentiel.objects.filter(actif=True).only("code", "theme_id", "libelle"):
        actions_ref.setdefault(action.theme_id, []).append(action)
    contrats, objectifs, evenements = [], [], []
    for suivi in suivis:
        acteur = suivi.referent[0]
        if suivi.rsa and hasard.random() < 0.75:
            signature = min(suivi.ouverture + timedelta(days=hasard.randint(5, 45)), aujourd_hui)
            contrat = ContratEngagement(
                carnet=suivi.carnet,
                date_debut=signature,
                signataires=f"{suivi.carnet.personne.prenom} {suivi.carnet.personne.nom}, {acteur}",
                accord_personne_le=signature,
                cree_par=acteur,
            )
            contrats.append(contrat)
            evenements.append(_evenement(suivi, Type.CONTRAT_ENREGISTRE, signature, contrat=str(contrat)))
        if hasard.random() >= 0.6:
            continue
        for referentiel in hasard.sample(objectifs_ref, hasard.randint(1, 2)):
            jour = min(suivi.ouverture + timedelta(days=hasard.randint(1, 60)), aujourd_hui)
            objectif = Objectif(
                carnet=suivi.carnet,
                axe_id=referentiel.theme.axe,
                referentiel=referentiel,
                statut=hasard.choice(["en_cours", "en_cours", "realise", "non_aborde"]),
                cree_par=acteur,
                date_creation=moment(jour, 15),
            )
            objectif._suivi, objectif._jour = suivi, jour
            objectifs.append(objectif)
            evenements.append(_evenement(suivi, Type.OBJECTIF_AJOUTE, jour, heure=15, libelle=referentiel.libelle))
    objectifs = inserer(Objectif, objectifs, retour=True)
    actions = []
    for objectif in objectifs:
        suivi, jour = objectif._suivi, objectif._jour
        for _ in range(hasard.randint(1, 2)):
            candidates = actions_ref.get(objectif.axe_id)
            referentiel = hasard.choice(candidates) if candidates else None
            libelle = referentiel.libelle if referentiel else "Démarche convenue avec la personne"
            actions.append(
                {
                    "objectif_id": objectif.pk,
                    "referentiel_id": referentiel.pk if referentiel else None,
                    "libelle_libre": "" if referentiel else libelle,
                    "date_debut": jour,
                    "date_echeance": jour + timedelta(days=hasard.randint(15, 120)),
                    "statut": hasard.choice(["en_projet", "en_cours", "en_cours", "realisee"]),
                    "porteur_id": hasard.choice(suivi.organisations).pk,
                    "cree_par_id": objectif.cree_par_id,
                }
            )
            evenements.append(_evenement(suivi, Type.ACTION_AJOUTEE, jour, heure=15, libelle=libelle))
    return {
        "contrats d'engagement": inserer(ContratEngagement, contrats),
        "objectifs": len(objectifs),
        "actions": inserer(Action, actions),
        "événements (plans)": inserer(EvenementCarnet, evenements),
    }


def creer_rendez_vous_et_notes(suivis, hasard) -> dict[str, int]:
    """Deux rendez-vous par carnet avec un intervenant du groupe (le dernier parfois à venir), une note
    d'entretien, et leurs événements (`prevoir_rendez_vous`, `ajouter_note`)."""
    maintenant = timezone.now()
    aujourd_hui = timezone.localdate()
    rendez_vous, notes, evenements = [], [], []
    for suivi in suivis:
        for rang in range(2):
            utilisateur, organisation = hasard.choice(suivi.groupe)
            jour = suivi.ouverture + timedelta(days=hasard.randint(1, 120) + 90 * rang)
            quand = moment(jour, hasard.randint(8, 16))
            statut = (
                "prevu" if quand > maintenant else hasard.choice(["honore", "honore", "honore", "absent", "excuse"])
            )
            distance = hasard.random() < 0.3
            objet = hasard.choice(OBJETS_RENDEZ_VOUS)
            rendez_vous.append(
                {
                    "carnet_id": suivi.carnet.pk,
                    "date_heure": quand,
                    "intervenant_id": utilisateur.pk,
                    "organisation_id": organisation.pk,
                    "a_distance": distance,
                    "lieu": "" if distance else f"{organisation.nom}, {organisation.commune}",
                    "objet": objet,
                    "statut": statut,
                    "cree_par_id": suivi.referent[0].pk,
                }
            )
            evenements.append(
                _evenement(
                    suivi,
                    Type.RENDEZ_VOUS_PREVU,
                    min(suivi.ouverture + timedelta(days=90 * rang), aujourd_hui),
                    avec=f"{utilisateur} ({organisation.nom})",
                    date=timezone.localtime(quand).strftime("%d/%m/%Y %H:%M"),
                    objet=objet,
                    statut="prévu",
                )
            )
        auteur, organisation = hasard.choice(suivi.groupe)
        jour = min(suivi.ouverture + timedelta(days=hasard.randint(1, 200)), aujourd_hui)
        visibilite = hasard.choice(["groupe", "groupe", "organisation", "moi"])
        notes.append(
            {
                "carnet_id": suivi.carnet.pk,
                "auteur_id": auteur.pk,
                "organisation_id": organisation.pk,
                "texte": hasard.choice(NOTES),
                "visibilite": visibilite,
                "date": moment(jour, 17),
            }
        )
        evenements.append(
            _evenement(
                suivi,
                Type.NOTE_AJOUTEE,
                jour,
                acteur=auteur,
                organisation=organisation,
                heure=17,
                visibilite=Note.Visibilite(visibilite).label.lower(),
            )
        )
    return {
        "rendez-vous": inserer(RendezVous, rendez_vous),
        "notes": inserer(Note, notes),
        "événements (rendez-vous et notes)": inserer(EvenementCarnet, evenements),
    }


def creer_orientations(suivis, hasard) -> dict[str, int]:
    """Pour quatre allocataires du RSA sur cinq : la demande d'orientation reçue par le Département du territoire et
    la décision (parcours, organisme référent : celui du référent), avec leurs événements."""
    aujourd_hui = timezone.localdate()
    choisis, demandes, evenements = [], [], []
    for suivi in suivis:
        if not suivi.rsa or hasard.random() >= 0.8:
            continue
        departement = suivi.territoire.organisation(TypeOrganisation.DEPARTEMENT)
        decideur = suivi.territoire.pilote
        reception = suivi.ouverture
        decision = min(reception + timedelta(days=hasard.randint(5, 70)), aujourd_hui)
        demandes.append(
            DemandeOrientation(
                carnet=suivi.carnet,
                motif="entree_rsa",
                organisation_orientation=departement,
                date_reception=reception,
                demandeur=suivi.referent[0],
                statut="decidee",
            )
        )
        choisis.append((suivi, departement, decideur, decision))
        evenements.append(_evenement(suivi, Type.ORIENTATION_DEMANDEE, reception, heure=12))
        evenements.append(_evenement(suivi, Type.ORIENTATION_DECIDEE, decision, decideur, departement, heure=12))
    demandes = inserer(DemandeOrientation, demandes, retour=True)
    decisions = [
        DecisionOrientation(
            demande=demande,
            carnet=suivi.carnet,
            sens="orienter",
            parcours=hasard.choice(["emploi", "emploi", "socio_professionnel", "social"]),
            organisme_referent=suivi.referent[1],
            date_decision=decision,
            decideur=decideur,
            organisation_decideuse=departement,
        )
        for demande, (suivi, departement, decideur, decision) in zip(demandes, choisis, strict=True)
    ]
    return {
        "demandes d'orientation": len(demandes),
        "décisions d'orientation": inserer(DecisionOrientation, decisions),
        "événements (orientations)": inserer(EvenementCarnet, evenements),
    }


def creer_orientations_vers_l_offre(choisis, hasard) -> int:
    """Orientations vers un service de l'offre et leurs transitions : `choisis` est une liste de (carnet, jour
    d'envoi, service, prescripteur). Partagé avec `mesurer_indicateurs`."""
    reponses = [hasard.choice(["acceptee", "refusee", ""]) for _ in choisis]
    orientations = inserer(
        OrientationService,
        (
            OrientationService(
                carnet=carnet,
                service=service,
                consentement_le=envoi,
                prescripteur=prescripteur,
                envoyee_le=envoi,
                expire_le=envoi + timedelta(days=30),
                statut=reponse or "envoyee",
                repondue_le=envoi + timedelta(hours=hasard.randint(2, 240)) if reponse else None,
            )
            for (carnet, envoi, service, prescripteur), reponse in zip(choisis, reponses, strict=True)
        ),
        retour=True,
    )
    inserer(
        TransitionOrientationService,
        (
            TransitionOrientationService(
                orientation=orientation, de="envoyee", vers=reponse, date=orientation.envoyee_le
            )
            for orientation, reponse in zip(orientations, reponses, strict=True)
            if reponse
        ),
    )
    return len(orientations)


def creer_sorties(choisis, hasard, aujourd_hui) -> int:
    """Sorties de parcours et points du suivi dans l'emploi : `choisis` est une liste de (carnet, date de sortie,
    auteur, organisation). Partagé avec `mesurer_indicateurs`."""
    motifs = [hasard.choice(["emploi_durable", "emploi_temporaire", "demenagement", "refus"]) for _ in choisis]
    sorties = inserer(
        SortieParcours,
        (
            SortieParcours(
                carnet=carnet,
                motif=motif,
                date_sortie=jour,
                suivi_emploi_mois=12 if motif.startswith("emploi") else 0,
                auteur=auteur,
                organisation=organisation,
            )
            for (carnet, jour, auteur, organisation), motif in zip(choisis, motifs, strict=True)
        ),
        retour=True,
    )
    inserer(
        PointSuiviEmploi,
        (
            PointSuiviEmploi(
                sortie=sortie,
                date_prevue=ajouter_mois(sortie.date_sortie, mois),
                fait_le=ajouter_mois(sortie.date_sortie, mois),
                situation=hasard.choice(["en_emploi", "en_emploi", "fin_de_contrat"]),
            )
            for sortie in sorties
            if sortie.suivi_emploi_mois
            for mois in range(1, 13)
            if ajouter_mois(sortie.date_sortie, mois) <= aujourd_hui
        ),
    )
    return len(sorties)


def creer_offre_et_sorties(suivis, hasard, services_par_departement) -> dict[str, int]:
    """Un carnet sur quatre a une orientation vers un service de son département ; les carnets clos ou en suivi
    dans l'emploi ont leur sortie."""
    aujourd_hui = timezone.localdate()
    orientations = []
    for suivi in suivis:
        services = services_par_departement.get(suivi.territoire.departement)
        if services and hasard.random() < 0.25:
            envoi = moment(min(suivi.ouverture + timedelta(days=hasard.randint(1, 300)), aujourd_hui), 11)
            orientations.append((suivi.carnet, envoi, hasard.choice(services), suivi.referent[0]))
    sorties = [
        (suivi.carnet, min(suivi.ouverture + timedelta(days=hasard.randint(30, 400)), aujourd_hui), *suivi.referent)
        for suivi in suivis
        if suivi.carnet.statut != Carnet.Statut.ACTIF
    ]
    return {
        "orientations vers l'offre": creer_orientations_vers_l_offre(orientations, hasard),
        "sorties": creer_sorties(sorties, hasard, aujourd_hui),
    }


def creer_compte_personne(suivis, hasard) -> Utilisateur:
    """bench.personne@spie.test : le compte de l'espace personnel de la personne du premier carnet du territoire 1
    qui a un diagnostic validé et un plan (sinon le premier carnet)."""
    premier = [s for s in suivis if s.territoire.numero == 1]
    avec_plan = Carnet.objects.filter(
        pk__in=[s.carnet.pk for s in premier], diagnostics__statut=Diagnostic.Statut.VALIDE, objectifs__isnull=False
    ).order_by("pk")
    carnet = avec_plan.first() or premier[0].carnet
    compte = Utilisateur.objects.creer_compte_personne(
        email=COMPTE_PERSONNE, prenom=carnet.personne.prenom, nom=carnet.personne.nom, uuid=identifiant(hasard)
    )
    EspacePersonne.objects.create(personne_id=carnet.personne_id, compte=compte)
    return compte
