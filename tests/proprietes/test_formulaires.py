"""Chaque formulaire du projet, nourri de données générées (texte unicode quelconque, vide, très long, nombres hors
bornes, dates aux limites du calendrier, choix invalides, identifiants inexistants) : `is_valid()` répond vrai ou
faux sans jamais lever d'exception, n'écrit rien en base, et ses erreurs sont en français.

Les formulaires sont trouvés en parcourant les modules des applications : un formulaire ajouté est testé d'office,
et `test_chaque_formulaire_du_projet_a_sa_fabrique` échoue tant qu'on n'a pas dit comment le construire."""

import importlib
import pkgutil
import re
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib import admin
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings

from spie.forms import ANNEE_MAX, ANNEE_MIN, ChampDate, ChampDateHeure, ModelForm
from tests.proprietes.compteur import compter
from tests.proprietes.decor import Decor
from tests.proprietes.strategies import donnees_de

APPLICATIONS = ("spie", "partenaires", "offre", "parcours", "gouvernance")
EXEMPLES_PAR_FORMULAIRE = 100


def _sous_classes(classe):
    for sous_classe in classe.__subclasses__():
        yield sous_classe
        yield from _sous_classes(sous_classe)


def formulaires_du_projet() -> list[type]:
    for application in APPLICATIONS:
        paquet = importlib.import_module(application)
        for module in pkgutil.walk_packages(paquet.__path__, f"{application}."):
            # Le script de locust (spie/charge/locustfile.py) ne se charge que dans locust, extra `bench` absent de
            # la CI ; il ne déclare aucun formulaire.
            if (
                ".migrations" not in module.name
                and ".management" not in module.name
                and ".locustfile" not in module.name
            ):
                importlib.import_module(module.name)
    trouves = {
        classe
        for classe in _sous_classes(forms.BaseForm)
        if classe.__module__.split(".")[0] in APPLICATIONS
        and not classe.__name__.startswith("_")
        and classe is not ModelForm  # la base des formulaires de modèle du projet, sans modèle
    }
    return sorted(trouves, key=nom_de)


def nom_de(classe) -> str:
    return f"{classe.__module__}.{classe.__qualname__}"


def _formulaire_d_administration(classe, modele):
    def fabrique(d, **k):
        requete = RequestFactory().get("/")
        requete.user = d.comite.pilote
        return admin.site._registry[modele].get_form(requete)(**k)

    return fabrique


def _fabriques():
    from gouvernance.models import Mandat, Siege
    from offre.models import Service, SessionService, Structure
    from parcours.models import DemandeOrientation, EvaluationDomaine, Note

    def siege(d):
        return d.comite.sieges.departement

    return {
        "gouvernance.besoins.forms.FiltresBesoinsForm": lambda d, **k: _classe(
            "gouvernance.besoins.forms.FiltresBesoinsForm"
        )(territoires=["40", "64"], domaines={"mobilite": "Mobilité", "sante": "Santé"}, **k),
        "gouvernance.besoins.forms.FluxForm": lambda d, **k: _classe("gouvernance.besoins.forms.FluxForm")(
            k.pop("data"), territoires=["40", "64"], **k
        ),
        "gouvernance.composition.forms.CoPresidenceForm": lambda d, **k: _c(d, k, comite=d.comite.comite),
        "gouvernance.composition.forms.ComiteForm": lambda d, **k: _c(d, k, instance=d.comite.comite),
        "gouvernance.composition.forms.ConsortiumCreationForm": lambda d, **k: _c(d, k, departements=["40", "64"]),
        "gouvernance.composition.forms.ConsortiumForm": lambda d, **k: _c(d, k, instance=d.comite.consortium),
        "gouvernance.composition.forms.FinMandatForm": None,
        "gouvernance.composition.forms.MandatForm": lambda d, **k: _c(d, k, instance=Mandat(siege=siege(d))),
        "gouvernance.composition.forms.MembreConsortiumForm": lambda d, **k: _c(d, k, consortium=d.comite.consortium),
        "gouvernance.composition.forms.SiegeForm": lambda d, **k: _c(d, k, instance=Siege(comite=d.comite.comite)),
        "gouvernance.deliberation.forms.DecisionForm": lambda d, **k: _c(d, k, organisations=_organisations()),
        "gouvernance.deliberation.forms.NotesForm": None,
        "gouvernance.deliberation.forms.PresencesForm": lambda d, **k: _c(
            d,
            k,
            sieges_et_presences=[(s, None) for s in d.comite.comite.sieges.all()],
            mandats_par_siege={s.pk: list(s.mandats.all()) for s in d.comite.comite.sieges.all()},
        ),
        "gouvernance.deliberation.forms.RevueFicheForm": None,
        "gouvernance.deliberation.forms.SuiviDecisionForm": None,
        "gouvernance.deliberation.forms.SyntheseForm": None,
        "gouvernance.deliberation.forms.VoteForm": lambda d, **k: _c(
            d, k, point=d.point, sieges_et_presences=[(s, None) for s in d.comite.comite.sieges.all()], votes={}
        ),
        "gouvernance.etudes.forms.InscriptionForm": lambda d, **k: _c(d, k, seances=_seances(d)),
        "gouvernance.etudes.forms.RecommandationForm": None,
        "gouvernance.etudes.forms.SoumissionForm": lambda d, **k: _c(d, k, comites=_comites(d)),
        "gouvernance.indicateurs.forms.FiltresIndicateursForm": lambda d, **k: _classe(
            "gouvernance.indicateurs.forms.FiltresIndicateursForm"
        )(k["data"] if k["data"] is not None else QueryDict(), departements=["40", "64"]),
        "gouvernance.plan.forms.AvancementForm": None,
        "gouvernance.plan.forms.FicheForm": lambda d, **k: _c(d, k, consortium=d.comite.consortium),
        "gouvernance.plan.forms.FiltresFinanceursForm": lambda d, **k: _c(d, k, annees=[2025, 2026]),
        "gouvernance.plan.forms.FiltresPlanForm": None,
        "gouvernance.plan.forms.IndicateurForm": None,
        "gouvernance.plan.forms.LigneBudgetForm": None,
        "gouvernance.seances.forms.PointForm": lambda d, **k: _c(d, k, consortium=d.comite.consortium),
        "gouvernance.seances.forms.SeanceForm": lambda d, **k: _c(d, k, instance=d.seance),
        "offre.admin.ServiceAdminForm": _formulaire_d_administration("offre.admin.ServiceAdminForm", Service),
        "offre.admin.StructureAdminForm": _formulaire_d_administration("offre.admin.StructureAdminForm", Structure),
        "offre.catalogue.forms.ServiceForm": lambda d, **k: _c(d, k, instance=d.service),
        "offre.catalogue.forms.SessionForm": lambda d, **k: _c(d, k, instance=SessionService(service=d.service)),
        "offre.catalogue.forms.SignalementForm": None,
        "offre.catalogue.forms.StructureForm": lambda d, **k: _c(
            d, k, organisations=[d.departement], hors_plateforme=True
        ),
        "offre.catalogue.forms.SuspensionForm": None,
        "offre.echange.forms.ConfirmationForm": None,
        "offre.echange.forms.ExportForm": lambda d, **k: _c(d, k, departements_permis=["40", "64"]),
        "offre.echange.forms.ImportForm": None,
        "offre.echange.forms.ParametresApiForm": lambda d, **k: _c(d, k, thematique=True),
        "offre.recherche.forms.FormulaireRecherche": lambda d, **k: _classe(
            "offre.recherche.forms.FormulaireRecherche"
        )(k["data"]),
        "parcours.diagnostic.forms.EvaluationForm": lambda d, **k: _c(
            d,
            k,
            instance=EvaluationDomaine.objects.filter(diagnostic=d.diagnostic).first()
            or EvaluationDomaine(diagnostic=d.diagnostic, domaine_id=_domaine()),
            situations=_situations(),
        ),
        "parcours.diagnostic.forms.ProjetForm": lambda d, **k: _c(d, k, prefix="projet"),
        "parcours.diagnostic.forms.SituationForm": lambda d, **k: _c(
            d, k, instance=d.diagnostic, intervenants=[i.utilisateur for i in d.intervenants]
        ),
        "parcours.diagnostic.forms.ValidationForm": None,
        "parcours.equipes.forms.AvisForm": None,
        "parcours.equipes.forms.DecisionForm": None,
        "parcours.equipes.forms.EquipeForm": lambda d, **k: _c(d, k, organisations=[d.departement]),
        "parcours.equipes.forms.FinMembreForm": None,
        "parcours.equipes.forms.InscriptionForm": None,
        "parcours.equipes.forms.MembreForm": None,
        "parcours.equipes.forms.SeanceForm": None,
        "parcours.espace.activation_forms.ActivationCodeForm": None,
        "parcours.espace.activation_forms.MotDePasseForm": None,
        "parcours.espace.evaluation_forms.AvisForm": None,
        "parcours.espace.parole_forms.AvisDiagnosticForm": None,
        "parcours.espace.parole_forms.CommentaireObjectifForm": lambda d, **k: _c(d, k, objectif=d.objectif),
        "parcours.espace.parole_forms.ExpressionForm": None,
        "parcours.espace.partage_forms.ConsentementForm": lambda d, **k: _c(d, k, organisations=_organisations()),
        "parcours.espace.partage_forms.OppositionForm": None,
        "parcours.espace.partage_forms.ReponseOppositionForm": None,
        "parcours.forms.AccordForm": None,
        "parcours.forms.ActionForm": lambda d, **k: _c(d, k, objectif=d.objectif, organisations=[d.departement]),
        "parcours.forms.ContratForm": None,
        "parcours.forms.FiltreHistoriqueForm": None,
        "parcours.forms.FinIntervenantForm": None,
        "parcours.forms.GelLegalForm": None,
        "parcours.forms.IntervenantForm": lambda d, **k: _c(d, k, organisations=[d.departement, d.mission_locale]),
        "parcours.forms.NoteForm": lambda d, **k: _c(d, k, permises=[v.value for v in Note.Visibilite]),
        "parcours.forms.ObjectifForm": None,
        "parcours.forms.PersonneForm": None,
        "parcours.forms.RendezVousForm": lambda d, **k: _c(d, k, intervenants=d.intervenants),
        "parcours.forms.StatutActionForm": None,
        "parcours.forms.StatutForm": None,
        "parcours.forms.SuiteRendezVousForm": None,
        "parcours.imports.forms.ConfirmationForm": None,
        "parcours.imports.forms.CorrespondanceForm": lambda d, **k: _c(
            d, k, colonnes=["Nom", "Prénom", "Date de naissance", "NIR", "", "Nom"]
        ),
        "parcours.imports.forms.TeleversementForm": None,
        "parcours.orientation.forms.DecisionForm": lambda d, **k: _c(
            d,
            k,
            demande=d.demande(DemandeOrientation.Motif.REORIENTATION),
            organisations=[d.departement, d.mission_locale],
            membres=list(d.mission_locale.membres.select_related("utilisateur", "organisation")),
        ),
        "parcours.orientation.forms.DemandeForm": lambda d, **k: _c(d, k, organisations=[d.departement]),
        "parcours.orientation.forms.NotificationForm": None,
        "parcours.orientation.forms.ReorientationForm": None,
        "parcours.orientation.forms.RetardForm": None,
        "parcours.orientation.forms.TransfertForm": lambda d, **k: _c(d, k, organisations=[d.departement]),
        "parcours.orientation_service.forms.OrientationForm": lambda d, **k: _c(
            d, k, service=d.service, objectifs=[d.objectif]
        ),
        "parcours.orientation_service.forms.RecherchePourLaPersonne": lambda d, **k: _classe(
            "parcours.orientation_service.forms.RecherchePourLaPersonne"
        )(k["data"], besoins_du_carnet=[SimpleNamespace(domaine="mobilite", libelle="Mobilité")]),
        "parcours.orientation_service.forms.TransitionForm": None,
        "parcours.sanctions.forms.AvisForm": None,
        "parcours.sanctions.forms.ConstatForm": None,
        "parcours.sanctions.forms.DecisionForm": None,
        "parcours.sanctions.forms.LeveeForm": None,
        "parcours.sanctions.forms.MotifForm": None,
        "parcours.sanctions.forms.ObservationsForm": None,
        "parcours.suivi.forms.FinSuiviForm": None,
        "parcours.suivi.forms.ParametresTerritoireForm": lambda d, **k: _c(d, k, departements_pilotes=["40", "64"]),
        "parcours.suivi.forms.PointSuiviForm": None,
        "parcours.suivi.forms.ReouvertureForm": None,
        "parcours.suivi.forms.SortieForm": None,
        "partenaires.forms.AcceptationForm": lambda d, **k: _c(d, k, email="recrue@exemple.fr"),
        "partenaires.forms.CreationOrganisationForm": lambda d, **k: _c(d, k, departements=["40", "64"]),
        "partenaires.forms.DesactivationForm": None,
        "partenaires.forms.InvitationForm": None,
        "partenaires.forms.OrganisationForm": lambda d, **k: _c(d, k, instance=d.departement, departements=["40"]),
        "partenaires.forms.RoleForm": None,
    }


_CLASSES: dict[str, type] = {}
_COURANTE: list[type] = []


def _classe(nom):
    return _CLASSES[nom]


def _c(decor, arguments, **contexte):
    return _COURANTE[-1](**arguments, **contexte)


def _organisations():
    from partenaires.models import Organisation

    return Organisation.objects.order_by("nom")


def _comites(d):
    from gouvernance.models import Comite

    d.comite  # noqa: B018
    return Comite.objects.all()


def _seances(d):
    from gouvernance.models import Seance

    d.seance  # noqa: B018
    return Seance.objects.all()


def _domaine():
    from parcours.models import Domaine

    return Domaine.objects.order_by("code").values_list("code", flat=True).first()


def _situations():
    from parcours.models import Situation

    return list(Situation.objects.order_by("code")[:10])


FORMULAIRES = formulaires_du_projet()
_CLASSES.update({nom_de(classe): classe for classe in FORMULAIRES})
FABRIQUES = _fabriques()
# Les tournures des messages anglais de Django et des bibliothèques (la valeur saisie, reprise dans un message,
# peut contenir n'importe quel mot : on cherche des tournures, pas des mots).
ANGLAIS = re.compile(
    r"This field|Enter a|Select a|Ensure this|is not a|is required|valid choice|must be|should be|Invalid|characters"
)


def test_chaque_formulaire_du_projet_a_sa_fabrique():
    trouves = {nom_de(classe) for classe in FORMULAIRES}
    assert len(trouves) >= 100
    assert sorted(trouves - FABRIQUES.keys()) == [], "Formulaires sans fabrique : ajoutez-les à _fabriques()"
    assert sorted(FABRIQUES.keys() - trouves) == [], "Fabriques de formulaires qui n'existent plus"


class _EcritureInterdite(AssertionError):
    pass


def _refuser_les_ecritures(execute, sql, params, many, context):
    if sql.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE", "REPLACE"}:
        raise _EcritureInterdite(f"Un formulaire a écrit en base pendant is_valid() : {sql[:200]}")
    return execute(sql, params, many, context)


def construire(classe, decor, **arguments):
    fabrique = FABRIQUES.get(nom_de(classe))
    _COURANTE.append(classe)
    try:
        return fabrique(decor, **arguments) if fabrique else classe(**arguments)
    finally:
        _COURANTE.pop()


@pytest.mark.parametrize("classe", FORMULAIRES, ids=nom_de)
def test_un_formulaire_repond_a_toute_donnee_sans_exception_et_en_francais(classe, db):
    decor = Decor()
    modele = construire(classe, decor, data=None)  # non lié : ses champs (dynamiques compris) et leurs choix
    nom = nom_de(classe)

    @settings(max_examples=EXEMPLES_PAR_FORMULAIRE, suppress_health_check=list(HealthCheck))
    @given(donnees=donnees_de(modele))
    def propriete(donnees):
        compter(f"formulaire {nom}")
        data, files = donnees
        form = construire(classe, decor, data=data, **({"files": files} if files else {}))
        with connection.execute_wrapper(_refuser_les_ecritures):
            valide = form.is_valid()
        assert valide in (True, False)
        for champ, erreurs in form.errors.get_json_data().items():
            for erreur in erreurs:
                assert erreur["message"].strip(), f"{champ} : erreur sans message"
                assert not ANGLAIS.search(erreur["message"]), f"{champ} : message en anglais : {erreur}"

    propriete()


@pytest.mark.parametrize("classe", FORMULAIRES, ids=nom_de)
def test_chaque_date_saisie_est_bornee_par_la_regle_du_projet(classe, db):
    """Une seule règle pour les années saisies (spie.forms.valider_annee) : chaque champ date ou date et heure d'un
    formulaire du projet est un ChampDate ou un ChampDateHeure, et refuse l'an 1 comme l'an 9999."""
    if classe.__module__ == "offre.admin":
        pytest.skip("Administration technique : ses champs viennent de l'admin Django (réservée au staff).")
    form = construire(classe, Decor(), data=None)
    for nom, champ in form.fields.items():
        if isinstance(champ, forms.DateTimeField):
            assert isinstance(champ, ChampDateHeure), nom
        elif isinstance(champ, forms.DateField):
            assert isinstance(champ, ChampDate), nom
        else:
            continue
        heure = "T10:00" if isinstance(champ, ChampDateHeure) else ""
        for annee in (1, ANNEE_MIN - 1, ANNEE_MAX + 1, 9999):
            with pytest.raises(forms.ValidationError, match="Choisissez une date entre"):
                champ.clean(f"{annee:04d}-06-01{heure}")
        if classe.__name__ != "FiltresIndicateursForm":  # bornes resserrées : 2000 à 2100
            assert champ.clean(f"{ANNEE_MAX}-06-01{heure}") and champ.clean(f"{ANNEE_MIN}-06-01{heure}")
