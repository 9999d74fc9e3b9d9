from django import forms
from django.utils import timezone

from parcours.models import DecisionOrientation, DemandeOrientation, Diagnostic, EvaluationDomaine
from parcours.orientation import criteres
from spie.forms import ChampDate

Motif = DemandeOrientation.Motif


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ChoixParUuid(forms.ChoiceField):
    """Un objet choisi par son uuid dans une liste fournie par la vue (jamais d'identifiant séquentiel)."""

    objets: dict = {}

    def definir(self, objets, *, libelle=str, vide="Choisir") -> None:
        self.objets = {str(o.uuid): o for o in objets}
        self.choices = [("", vide)] + [(cle, libelle(o)) for cle, o in self.objets.items()]

    def clean(self, valeur):
        return self.objets.get(super().clean(valeur))


class DemandeForm(forms.Form):
    organisation_orientation = _ChoixParUuid(
        label="Organisation qui oriente",
        help_text="Sa file d'orientation reçoit la demande : le Département, ou une organisation qui a un chargé "
        "d'orientation.",
    )
    motif = forms.ChoiceField(
        label="Motif",
        choices=[(m.value, m.label) for m in (Motif.ENTREE_RSA, Motif.PREMIERE_ORIENTATION)],
        widget=forms.RadioSelect,
    )
    date_reception = ChampDate(
        label="Information reçue le",
        initial=timezone.localdate,
        widget=_date(),
        help_text="Réception par le Département de l'ouverture du droit au RSA : le délai de 6 semaines part de là.",
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation_orientation"].definir(organisations)


class ReorientationForm(forms.Form):
    parcours_recommande = forms.ChoiceField(
        label="Parcours recommandé", choices=Diagnostic.Parcours.choices, widget=forms.RadioSelect
    )
    motif_demande = forms.CharField(
        label="Motif de la demande",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui a changé dans la situation de la personne ; lu par le chargé d'orientation.",
    )


class RetardForm(forms.Form):
    cause_retard = forms.ChoiceField(label="Cause du retard", choices=DemandeOrientation.CauseRetard.choices)
    precision_retard = forms.CharField(label="Précision", max_length=250, required=False)


class NotificationForm(forms.Form):
    notifiee_le = ChampDate(label="Notifiée à la personne le", initial=timezone.localdate, widget=_date())
    canal_notification = forms.ChoiceField(
        label="Canal de la notification", choices=[("", "Choisir")] + DecisionOrientation.Canal.choices
    )


class DecisionForm(forms.Form):
    sens = forms.ChoiceField(label="Décision", widget=forms.RadioSelect)
    parcours = forms.ChoiceField(
        label="Parcours", choices=Diagnostic.Parcours.choices, widget=forms.RadioSelect, required=False
    )
    organisme_referent = _ChoixParUuid(label="Organisme référent", required=False)
    referent = forms.ChoiceField(
        label="Référent désigné",
        required=False,
        help_text="Un membre actif de l'organisme référent ; sinon l'organisme le désignera.",
    )
    devenir_ancien_referent = forms.ChoiceField(
        label="L'ancien référent",
        choices=DecisionOrientation.DevenirAncienReferent.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Quand la personne change de référent.",
    )
    situation_emploi = forms.ChoiceField(
        label=criteres.LIBELLES["situation_emploi"],
        choices=list(criteres.SITUATION_EMPLOI.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    qualification = forms.ChoiceField(
        label=criteres.LIBELLES["qualification"],
        choices=list(criteres.QUALIFICATION.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    aspirations = forms.ChoiceField(
        label=criteres.LIBELLES["aspirations"],
        choices=list(criteres.ASPIRATIONS.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    motif = forms.CharField(
        label="Motif de la décision",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Obligatoire pour un maintien : il est renvoyé au référent qui a demandé la réorientation.",
    )
    date_decision = ChampDate(label="Date de la décision", initial=timezone.localdate, widget=_date())
    notifiee_le = ChampDate(
        label="Notifiée à la personne le",
        required=False,
        widget=_date(),
        help_text="Facultatif aujourd'hui (on peut l'enregistrer plus tard) ; avec son canal.",
    )
    canal_notification = forms.ChoiceField(
        label="Canal de la notification",
        choices=[("", "Pas encore notifiée")] + DecisionOrientation.Canal.choices,
        required=False,
    )
    motif_prolongation = forms.ChoiceField(
        label="Parcours social : révision à 12 mois pour",
        choices=[("", "Aucun motif : révision à 6 mois")] + DecisionOrientation.MotifProlongation.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, demande, organisations=(), membres=(), voit_sensible=False, **kwargs):
        super().__init__(*args, **kwargs)
        sens = DecisionOrientation.Sens
        permis = [sens.REORIENTER, sens.MAINTENIR] if demande.motif == Motif.REORIENTATION else [sens.ORIENTER]
        self.maintien_possible = sens.MAINTENIR in permis
        for champ in ("parcours", "organisme_referent"):  # un maintien s'en passe ; une orientation, jamais
            self.fields[champ].required = not self.maintien_possible
        if self.maintien_possible:
            self.fields["organisme_referent"].help_text = "Sauf pour un maintien."
        self.fields["sens"].choices = [(s.value, s.label) for s in permis]
        if len(permis) == 1:
            self.fields["sens"].initial = permis[0].value
        self.fields["organisme_referent"].definir(organisations)
        self.membres = {str(m.utilisateur.uuid): m for m in membres}
        par_organisation = {}
        for membre in membres:
            par_organisation.setdefault(membre.organisation.nom, []).append(
                (str(membre.utilisateur.uuid), str(membre.utilisateur))
            )
        self.fields["referent"].choices = [("", "L'organisme le désignera")] + sorted(par_organisation.items())
        self.difficultes = []
        for cle, (libelle, _) in criteres.DIFFICULTES.items():
            aide = ""
            if cle in criteres.SENSIBLES and not voit_sensible:
                aide = "Non préremplie : elle relève des données de santé, réservées aux intervenants du carnet."
            self.fields[f"difficulte_{cle}"] = forms.ChoiceField(
                label=f"Difficulté : {libelle.lower()}",
                choices=EvaluationDomaine.Impact.choices,
                widget=forms.RadioSelect,
                required=False,
                help_text=aide,
            )
            self.difficultes.append(self[f"difficulte_{cle}"])

    def champs(self, *noms):
        return [self[nom] for nom in noms]

    def clean_referent(self):
        membre = self.membres.get(self.cleaned_data["referent"])
        return membre.utilisateur if membre else None

    def criteres(self) -> dict:
        donnees = self.cleaned_data
        return {
            **{cle: donnees.get(cle, "") for cle in criteres.CRITERES},
            "difficultes": {cle: donnees.get(f"difficulte_{cle}", "") for cle in criteres.DIFFICULTES},
        }

    def pour_le_service(self) -> dict:
        donnees = self.cleaned_data
        champs = (
            "sens", "parcours", "organisme_referent", "referent", "devenir_ancien_referent", "motif", "date_decision",
            "notifiee_le", "canal_notification", "motif_prolongation",
        )  # fmt: skip
        return {**{champ: donnees[champ] for champ in champs}, "criteres": self.criteres()}

    @staticmethod
    def initial_depuis(prerempli: dict) -> dict:
        initial = {cle: prerempli[cle] for cle in criteres.CRITERES if cle in prerempli}
        for cle, valeur in (prerempli.get("difficultes") or {}).items():
            initial[f"difficulte_{cle}"] = valeur
        return initial


class TransfertForm(forms.Form):
    departement = forms.ChoiceField(label="Département d'accueil")
    organisation_accueil = _ChoixParUuid(
        label="Organisation d'accueil",
        help_text="Sa file d'orientation reçoit la personne (en général le Département d'accueil).",
    )
    motif = forms.CharField(label="Motif", max_length=250, help_text="Par exemple : déménagement à Bayonne.")

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        departements = sorted({(o.departement, o.get_departement_display()) for o in organisations})
        self.fields["departement"].choices = [("", "Choisir")] + departements
        self.fields["organisation_accueil"].definir(
            organisations, libelle=lambda o: f"{o.nom} ({o.get_departement_display()})"
        )

    def clean(self):
        donnees = super().clean()
        organisation, departement = donnees.get("organisation_accueil"), donnees.get("departement")
        if organisation is not None and departement and organisation.departement != departement:
            self.add_error("organisation_accueil", "Cette organisation n'est pas dans le département choisi.")
        return donnees
