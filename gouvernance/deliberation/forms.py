"""Les formulaires de la tenue d'une séance. Ils lisent la saisie ; les règles (pouvoirs, quorum, voix
consultatives, séance figée…) sont vérifiées par `gouvernance.deliberation.services`."""

from django import forms

from gouvernance.choix import ChoixVote, ModeDecision, StatutDecision, StatutFiche, StatutPresence, TypePoint
from gouvernance.deliberation.services import PRESENCES_QUI_VOTENT, LignePresence
from gouvernance.models import Decision
from spie.forms import ModelForm


def _nom_de_champ(siege, champ: str) -> str:
    return f"siege-{siege.uuid}-{champ}"


class PresencesForm(forms.Form):
    """Un groupe de champs par siège : la présence ; pour un présent, qui siège (titulaire ou suppléant en cours) ;
    pour un siège délibératif représenté, le siège qui détient son pouvoir."""

    def __init__(self, *args, sieges_et_presences, mandats_par_siege, **kwargs):
        super().__init__(*args, **kwargs)
        self.sieges = [siege for siege, _ in sieges_et_presences]
        deliberatifs = [siege for siege in self.sieges if siege.est_deliberatif]
        self._mandats = {}
        self._sieges_par_uuid = {str(siege.uuid): siege for siege in self.sieges}
        for siege, presence in sieges_et_presences:
            mandats = mandats_par_siege.get(siege.pk, [])
            self._mandats[siege.pk] = {str(mandat.uuid): mandat for mandat in mandats}
            statuts = [
                (valeur, libelle)
                for valeur, libelle in StatutPresence.choices
                if siege.est_deliberatif or valeur != StatutPresence.REPRESENTE  # un consultatif ne donne pas pouvoir
            ]
            self.fields[_nom_de_champ(siege, "statut")] = forms.ChoiceField(
                label="Présence",
                choices=[("", "À noter"), *statuts],
                required=False,
                initial=presence.statut if presence else "",
            )
            self.fields[_nom_de_champ(siege, "mandat")] = forms.ChoiceField(
                label="Qui siège (si présent)",
                choices=[("", "—")]
                + [(str(m.uuid), f"{m.nom_complet} ({m.get_qualite_display().lower()})") for m in mandats],
                required=False,
                initial=str(presence.mandat.uuid)
                if presence and presence.mandat
                else (str(mandats[0].uuid) if mandats else ""),
            )
            if siege.est_deliberatif:
                self.fields[_nom_de_champ(siege, "pouvoir")] = forms.ChoiceField(
                    label="Pouvoir donné à (si représenté)",
                    choices=[("", "—")] + [(str(autre.uuid), str(autre)) for autre in deliberatifs if autre != siege],
                    required=False,
                    initial=str(presence.represente_par.uuid) if presence and presence.represente_par else "",
                )

    def groupes(self):
        """Pour le gabarit : chaque siège avec ses champs."""
        for siege in self.sieges:
            yield (
                siege,
                [
                    self[nom]
                    for nom in (_nom_de_champ(siege, c) for c in ("statut", "mandat", "pouvoir"))
                    if nom in self.fields
                ],
            )

    def lignes(self) -> list[LignePresence]:
        """La saisie en lignes de présence : le titulaire ou le suppléant pour un présent seulement, le pouvoir pour
        un représenté seulement (les autres listes, restées remplies, sont ignorées)."""
        lignes = []
        for siege in self.sieges:
            statut = self.cleaned_data[_nom_de_champ(siege, "statut")]
            mandat = porteur = None
            if statut == StatutPresence.PRESENT:
                mandat = self._mandats[siege.pk].get(self.cleaned_data[_nom_de_champ(siege, "mandat")])
            if statut == StatutPresence.REPRESENTE:
                porteur = self._sieges_par_uuid.get(self.cleaned_data.get(_nom_de_champ(siege, "pouvoir"), ""))
            lignes.append(LignePresence(siege=siege, statut=statut, mandat=mandat, represente_par=porteur))
        return lignes


NE_VOTE_PAS = ""


class VoteForm(forms.Form):
    """Vote (un choix par siège délibératif présent ou représenté ; sans choix, le siège ne vote pas) ou
    consensus."""

    mode = forms.ChoiceField(label="Mode de décision", choices=ModeDecision.choices, widget=forms.RadioSelect)

    def __init__(self, *args, point, sieges_et_presences, votes, **kwargs):
        super().__init__(*args, **kwargs)
        self.votants = []
        if point.type != TypePoint.DELIBERATION:
            self.fields["mode"].choices = [(ModeDecision.CONSENSUS, ModeDecision.CONSENSUS.label)]
            self.fields["mode"].initial = ModeDecision.CONSENSUS
            return
        self.fields["mode"].initial = point.mode or ModeDecision.VOTE
        for siege, presence in sieges_et_presences:
            if not (siege.est_deliberatif and presence and presence.statut in PRESENCES_QUI_VOTENT):
                continue
            if presence.statut == StatutPresence.REPRESENTE:
                precision = f"représenté par {presence.represente_par}"
            else:
                precision = presence.mandat.nom_complet if presence.mandat else "présent"
            nom = _nom_de_champ(siege, "vote")
            self.fields[nom] = forms.ChoiceField(
                label=f"{siege} — {precision}",
                choices=[(NE_VOTE_PAS, "Ne vote pas"), *ChoixVote.choices],
                required=False,
                initial=votes.get(siege.pk, NE_VOTE_PAS),
                widget=forms.RadioSelect,
            )
            self.votants.append((siege, nom))

    def champs_de_vote(self):
        return [self[nom] for _, nom in self.votants]

    def choix(self) -> dict:
        return {siege: self.cleaned_data[nom] for siege, nom in self.votants if self.cleaned_data[nom] != NE_VOTE_PAS}


class NotesForm(forms.Form):
    notes = forms.CharField(label="Notes de séance", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SyntheseForm(forms.Form):
    synthese = forms.CharField(label="Synthèse des échanges", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(ModelForm):
    class Meta:
        model = Decision
        fields = ["texte", "organisation_responsable", "echeance"]
        widgets = {
            "texte": forms.Textarea(attrs={"rows": 3}),
            "echeance": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"echeance": "Facultative ; pas avant la séance."}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation_responsable"].queryset = organisations
        self.fields["organisation_responsable"].empty_label = "Choisissez l'organisation responsable"
        self.fields["organisation_responsable"].error_messages["required"] = (
            "Une décision a une organisation responsable."
        )
        self.fields["texte"].error_messages["required"] = "Rédigez la décision."


class SuiviDecisionForm(forms.Form):
    statut = forms.ChoiceField(label="Statut de la décision", choices=StatutDecision.choices)
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RevueFicheForm(forms.Form):
    statut = forms.ChoiceField(label="Statut de la fiche", choices=StatutFiche.choices)
    avancement = forms.IntegerField(
        label="Avancement (%)",
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "L'avancement est un pourcentage, de 0 à 100.",
            "max_value": "L'avancement est un pourcentage, de 0 à 100.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))
