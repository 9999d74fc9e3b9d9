from dataclasses import replace

from django import forms

from offre.recherche.forms import FormulaireRecherche
from offre.recherche.moteur import Criteres
from parcours.models import OrientationService
from parcours.orientation_service import besoins


class RecherchePourLaPersonne(FormulaireRecherche):
    """La recherche de l'offre (`offre.recherche.forms`), plus un besoin du diagnostic de la personne : sans
    thématique choisie, le besoin cherche toutes les catégories qui y répondent (`besoins.CATEGORIES_PAR_DOMAINE`)."""

    besoin = forms.ChoiceField(label="Besoin du diagnostic", required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, besoins_du_carnet=(), **kwargs):
        super().__init__(data, **kwargs)
        self.besoins = {besoin.domaine: besoin for besoin in besoins_du_carnet}
        self.fields["besoin"].choices = [("", "Aucun")] + [(b.domaine, b.libelle) for b in besoins_du_carnet]

    @property
    def besoin_choisi(self):
        return self.besoins.get(self.data.get("besoin", ""))

    def criteres(self) -> Criteres:
        criteres = super().criteres()
        besoin = self.besoins.get(self.cleaned_data["besoin"])
        if besoin is None or criteres.thematiques:
            return criteres
        return replace(criteres, thematiques=besoin.categories)


class _ChoixParUuid(forms.ChoiceField):
    """Un objet choisi par son uuid dans une liste fournie par la vue (jamais d'identifiant séquentiel)."""

    def definir(self, objets, *, libelle=str, vide=None) -> None:
        self.objets = {str(objet.uuid): objet for objet in objets}
        self.choices = ([("", vide)] if vide else []) + [(cle, libelle(o)) for cle, o in self.objets.items()]

    def clean(self, valeur):
        return self.objets.get(super().clean(valeur))


def _libelle_session(session) -> str:
    restantes = session.places_restantes
    return f"{session} – {restantes} place{'s' if restantes > 1 else ''} restante{'s' if restantes > 1 else ''}"


class OrientationForm(forms.Form):
    courriel = forms.EmailField(label="Courriel de la personne", required=False)
    telephone = forms.CharField(label="Téléphone de la personne", max_length=30, required=False)
    besoin = forms.ChoiceField(label="Besoin auquel répond l'orientation")
    objectif = _ChoixParUuid(
        label="Objectif du plan d'action servi",
        required=False,
        help_text="Sans objectif choisi, l'action de l'orientation va sous l'objectif en cours de l'axe du besoin, "
        "ou sous un nouvel objectif de cet axe.",
    )
    session = _ChoixParUuid(label="Session", required=False)
    message = forms.CharField(
        label="Message à la structure",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que la structure doit savoir pour recevoir la personne (sans donnée de santé).",
    )
    documents = forms.MultipleChoiceField(
        label="Documents du carnet à transmettre",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Un résumé, sans donnée de santé ni de handicap.",
    )
    consentement = forms.BooleanField(
        label="La personne a donné son accord pour cette orientation et la transmission de ces informations",
        error_messages={"required": "L'accord de la personne est obligatoire pour l'orienter."},
    )

    def __init__(self, *args, service, objectifs=(), sessions=(), documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["besoin"].choices = [(code, besoins.libelle_thematique(code)) for code in service.thematiques]
        if not service.thematiques:
            self.fields["besoin"].required = False
            self.fields["besoin"].choices = [("", "Non précisé")]
        self.fields["objectif"].definir(objectifs, vide="Aucun (choisi selon le besoin)")
        self.sessions_ouvertes = list(sessions)
        self.fields["session"].definir(
            self.sessions_ouvertes, libelle=_libelle_session, vide="Pas de session : le service"
        )
        self.documents_du_carnet = documents or {}
        self.fields["documents"].choices = [(code, d.titre) for code, d in self.documents_du_carnet.items()]

    def pour_le_service(self) -> dict:
        donnees = dict(self.cleaned_data)
        donnees.pop("consentement")
        donnees.setdefault("documents", [])
        donnees.setdefault("session", None)
        return {**donnees, "consentement": True}


class TransitionForm(forms.Form):
    """Une réponse (structure) ou un changement de statut (prescripteur) : le statut voulu, le motif d'un refus,
    un commentaire."""

    statut = forms.ChoiceField(label="Nouveau statut", choices=OrientationService.Statut.choices)
    motif = forms.ChoiceField(
        label="Motif du refus", choices=[("", "Choisir")] + OrientationService.MotifRefus.choices, required=False
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
