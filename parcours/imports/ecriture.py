"""Écriture d'un import confirmé, en masse (quelques requêtes par table, quel que soit le nombre de lignes).

Appelée par `services.executer` dans sa transaction : chaque ligne valide crée la personne et son carnet (partagé
avec l'organisation qui importe), ou met à jour la personne reconnue (son carnet lui est déjà partagé : l'analyse a
mis en erreur les autres) ; le référent donné est posé, les statuts donnés sont ouverts ; un événement « import » par
carnet qui change, et l'avis de réexamen du suivi quand un statut change comme l'aurait fait `changer_statut`. Une
ligne qui ne change rien n'écrit rien (réimporter le même fichier ne laisse aucune trace)."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from parcours.choix import PERMISSIONS_DU_PARTAGE
from parcours.imports.analyse import CLES_SI, Ligne
from parcours.imports.champs import PAR_CODE
from parcours.models import Carnet, EvenementCarnet, Intervenant, Personne, Statut
from parcours.suivi import services as suivi_services
from partenaires import permissions
from partenaires.models import Utilisateur

CHAMPS_PERSONNE = (
    "nom",
    "prenom",
    "date_naissance",
    "nir",
    *CLES_SI,
    "email",
    "telephone",
    "adresse",
    "code_postal",
    "commune",
    "code_commune",
)
STATUTS = {"droit_rsa": Statut.Type.DROIT_RSA, "inscrit_france_travail": Statut.Type.INSCRIT_FRANCE_TRAVAIL}
LOT = 1000


@dataclass
class Resultat:
    creees: list[int] = field(default_factory=list)
    mises_a_jour: list[int] = field(default_factory=list)
    inchangees: list[int] = field(default_factory=list)


@dataclass
class _Ecritures:
    aujourd_hui: date
    personnes_modifiees: list[Personne] = field(default_factory=list)
    champs_modifies: set[str] = field(default_factory=set)
    statuts_clos: list[Statut] = field(default_factory=list)
    statuts: list[Statut] = field(default_factory=list)
    intervenants_termines: list[Intervenant] = field(default_factory=list)
    intervenants: list[Intervenant] = field(default_factory=list)
    a_partager: list[Carnet] = field(default_factory=list)
    evenements: list[EvenementCarnet] = field(default_factory=list)
    changements_de_statut: list[tuple[Carnet, str, str, str]] = field(default_factory=list)


def _valeur(ligne: Ligne, champ: str):
    return ligne.date_naissance if champ == "date_naissance" else ligne.valeurs[champ]


def _change(personne: Personne, ligne: Ligne, champ: str) -> bool:
    if champ == "nir":  # comparé par son empreinte, sans le déchiffrer
        return personne.nir_empreinte != ligne.empreinte_nir
    return getattr(personne, champ) != _valeur(ligne, champ)


def _colonnes(champs: set[str]) -> list[str]:
    """Les colonnes à réécrire : le NIR, c'est son chiffré et son empreinte."""
    return sorted(c for champ in champs for c in (("nir_chiffre", "nir_empreinte") if champ == "nir" else (champ,)))


def _etat_existant(carnets: list[Carnet]):
    """Pour les carnets déjà connus : statuts en cours, intervenants actifs."""
    ids = [c.pk for c in carnets]
    statuts, intervenants = {}, {}
    for lot in range(0, len(ids), LOT):
        morceau = ids[lot : lot + LOT]
        for statut in Statut.objects.filter(
            personne__carnet__in=morceau, type__in=STATUTS.values(), date_fin__isnull=True
        ):
            statuts[(statut.personne_id, statut.type)] = statut
        for intervenant in Intervenant.objects.actifs().filter(carnet__in=morceau).select_related("utilisateur"):
            intervenants.setdefault(intervenant.carnet_id, []).append(intervenant)
    return statuts, intervenants


def _poser_referent(ecritures, carnet, referent, organisation, actifs) -> str:
    """Le référent donné devient celui du carnet ; l'ancien reste dans le groupe comme accompagnateur. Rend le
    changement en une expression pour l'historique (vide si rien ne change)."""
    actuel = next((i for i in actifs if i.role == Intervenant.Role.REFERENT), None)
    if actuel is not None and actuel.utilisateur_id == referent.pk:
        return ""
    jour = ecritures.aujourd_hui
    if actuel is not None:
        actuel.date_fin, actuel.motif_fin = jour, "Changement de référent (import)"
        ecritures.intervenants_termines.append(actuel)
        ecritures.intervenants.append(
            Intervenant(
                carnet=carnet,
                utilisateur=actuel.utilisateur,
                organisation_id=actuel.organisation_id,
                role=Intervenant.Role.ACCOMPAGNATEUR,
                date_debut=jour,
            )
        )
    for intervenant in actifs:
        if intervenant.utilisateur_id == referent.pk:
            intervenant.date_fin, intervenant.motif_fin = jour, "Devenu référent"
            ecritures.intervenants_termines.append(intervenant)
    ecritures.intervenants.append(
        Intervenant(
            carnet=carnet,
            utilisateur=referent,
            organisation=organisation,
            role=Intervenant.Role.REFERENT,
            date_debut=jour,
        )
    )
    return f"référent : {referent}"


def _statuts(ecritures, ligne, personne, en_cours, acteur, carnet=None) -> list[str]:
    """Les statuts donnés qui changent ; pour un carnet existant, chaque changement est gardé pour le suivi."""
    changes = []
    for champ, type_statut in STATUTS.items():
        valeur = ligne.valeurs.get(champ)
        actuel = en_cours.get((personne.pk, type_statut))
        if not valeur or (actuel is not None and actuel.valeur == valeur):
            continue
        if actuel is not None:
            actuel.date_fin = max(ecritures.aujourd_hui, actuel.date_debut)
            ecritures.statuts_clos.append(actuel)
        ecritures.statuts.append(
            Statut(
                personne=personne,
                type=type_statut,
                valeur=valeur,
                date_debut=actuel.date_fin if actuel else ecritures.aujourd_hui,
                motif="Import",
                saisi_par=acteur,
            )
        )
        changes.append(PAR_CODE[champ].libelle.lower())
        if carnet is not None:
            ecritures.changements_de_statut.append((carnet, type_statut, actuel.valeur if actuel else "", valeur))
    return changes


def _evenement(carnet, *, acteur, organisation, import_personnes, resume) -> EvenementCarnet:
    return EvenementCarnet(
        carnet=carnet,
        type=EvenementCarnet.Type.IMPORT,
        acteur=acteur,
        organisation=organisation,
        details={"resume": resume, "import": str(import_personnes.uuid)},
    )


def ecrire(import_personnes, lignes: list[Ligne], trouvees: dict[int, Personne], *, acteur) -> Resultat:
    organisation = import_personnes.organisation
    fichier = f"« {import_personnes.nom_fichier} »"
    resultat = Resultat()
    ecritures = _Ecritures(aujourd_hui=timezone.localdate())
    emails = {ligne.valeurs["email_referent"] for ligne in lignes if ligne.valeurs.get("email_referent")}
    referents = {u.email: u for u in Utilisateur.objects.filter(email__in=emails)}
    carnets_connus = {}
    ids = [p.pk for p in trouvees.values()]
    for debut in range(0, len(ids), LOT):
        carnets_connus.update({c.personne_id: c for c in Carnet.objects.filter(personne__in=ids[debut : debut + LOT])})
    statuts, intervenants = _etat_existant(list(carnets_connus.values()))
    nouvelles: list[tuple[Ligne, Personne]] = []
    for ligne in lignes:
        personne = trouvees.get(ligne.numero)
        if personne is None:
            valeurs = {champ: _valeur(ligne, champ) for champ in CHAMPS_PERSONNE if champ in ligne.valeurs}
            nouvelles.append((ligne, Personne(**valeurs)))
            continue
        changes = []
        for champ in CHAMPS_PERSONNE:
            if champ in ligne.valeurs and _change(personne, ligne, champ):
                setattr(personne, champ, _valeur(ligne, champ))
                ecritures.champs_modifies.add(champ)
                changes.append(PAR_CODE[champ].libelle.lower())
        if changes:
            ecritures.personnes_modifiees.append(personne)
        carnet = carnets_connus.get(personne.pk)
        if carnet is None:  # une personne sans carnet (saisie hors de la plateforme) : le carnet s'ouvre
            nouvelles.append((ligne, personne))
            continue
        changes += _statuts(ecritures, ligne, personne, statuts, acteur, carnet)
        if ligne.valeurs.get("email_referent"):
            referent = referents[ligne.valeurs["email_referent"]]
            changes.append(_poser_referent(ecritures, carnet, referent, organisation, intervenants.get(carnet.pk, [])))
        changes = [c for c in changes if c]
        if not changes:
            resultat.inchangees.append(ligne.numero)
            continue
        resultat.mises_a_jour.append(ligne.numero)
        ecritures.evenements.append(
            _evenement(
                carnet,
                acteur=acteur,
                organisation=organisation,
                import_personnes=import_personnes,
                resume=f"Mis à jour par l'import {fichier} : " + ", ".join(changes),
            )
        )
    _creer(ecritures, nouvelles, acteur=acteur, import_personnes=import_personnes, referents=referents)
    resultat.creees = [ligne.numero for ligne, _ in nouvelles]
    _enregistrer(ecritures, organisation)
    suivi_services.signaler_changements_de_statut(
        ecritures.changements_de_statut, acteur=acteur, organisation=organisation
    )
    return resultat


def _creer(ecritures, nouvelles, *, acteur, import_personnes, referents) -> None:
    organisation = import_personnes.organisation
    a_inserer = [personne for _, personne in nouvelles if personne.pk is None]
    Personne.objects.bulk_create(a_inserer, batch_size=LOT)
    carnets = Carnet.objects.bulk_create(
        [Carnet(personne=p, cree_par=acteur, organisation_creatrice=organisation) for _, p in nouvelles],
        batch_size=LOT,
    )
    for (ligne, personne), carnet in zip(nouvelles, carnets, strict=True):
        ecritures.a_partager.append(carnet)
        resume = f"Carnet ouvert par l'import « {import_personnes.nom_fichier} »"
        if ligne.valeurs.get("email_referent"):
            resume += ", " + _poser_referent(
                ecritures, carnet, referents[ligne.valeurs["email_referent"]], organisation, []
            )
        _statuts(ecritures, ligne, personne, {}, acteur)
        ecritures.evenements.append(
            _evenement(
                carnet, acteur=acteur, organisation=organisation, import_personnes=import_personnes, resume=resume
            )
        )


def _enregistrer(ecritures, organisation) -> None:
    if ecritures.personnes_modifiees:
        colonnes = _colonnes(ecritures.champs_modifies)
        Personne.objects.bulk_update(ecritures.personnes_modifiees, colonnes, batch_size=LOT)
    Statut.objects.bulk_update(ecritures.statuts_clos, ["date_fin"], batch_size=LOT)
    Statut.objects.bulk_create(ecritures.statuts, batch_size=LOT)
    Intervenant.objects.bulk_update(ecritures.intervenants_termines, ["date_fin", "motif_fin"], batch_size=LOT)
    Intervenant.objects.bulk_create(ecritures.intervenants, batch_size=LOT)
    permissions.partager_en_masse(ecritures.a_partager, organisation, *PERMISSIONS_DU_PARTAGE)
    EvenementCarnet.objects.bulk_create(ecritures.evenements, batch_size=LOT)
