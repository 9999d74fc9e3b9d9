"""Les formulaires de l'accord de partage, de la demande d'opposition et de la réponse du professionnel."""

from django import forms
from django.forms.models import ModelChoiceIterator

from parcours.espace.partage import MOTIF_OPPOSITION_MAX
from parcours.models import DemandeOpposition


class OrganisationsParType(ModelChoiceIterator):
    """Les organisations regroupées par type (un `<optgroup>` par type, dans l'ordre alphabétique), pour qu'une
    longue liste reste lisible au téléphone. Lit la liste déjà chargée par le formulaire : une seule requête."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groupes = {}
        for organisation in self.queryset:  # pas `.iterator()` : le résultat reste en cache pour la page
            groupes.setdefault(organisation.get_type_display(), []).append(self.choice(organisation))
        yield from sorted(groupes.items())


class ChoixOrganisation(forms.ModelChoiceField):
    iterator = OrganisationsParType


class ConsentementForm(forms.Form):
    """Le choix d'une organisation parmi celles du département du carnet qui ne le voient pas encore."""

    organisation = ChoixOrganisation(
        label="Organisation à qui vous permettez de lire votre carnet",
        queryset=None,
        to_field_name="uuid",
        empty_label="Choisissez une organisation",
        help_text="Elle pourra lire votre carnet, jamais le modifier. Vous pourrez retirer votre accord à tout moment.",
        error_messages={
            "required": "Choisissez une organisation.",
            "invalid_choice": "Choisissez une organisation de la liste.",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    @property
    def a_des_organisations(self) -> bool:
        """Lit la liste une fois (la vue le demande) ; le menu déroulant la réutilise sans nouvelle requête."""
        return bool(self.fields["organisation"].queryset)


class OppositionForm(forms.Form):
    motif = forms.CharField(
        label="À quoi vous opposez-vous, et pourquoi ?",
        help_text="Par exemple : je ne veux plus que telle information soit utilisée, pour telle raison.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MOTIF_OPPOSITION_MAX,
        error_messages={"required": "Écrivez à quoi vous vous opposez, et pourquoi."},
    )


class ReponseOppositionForm(forms.Form):
    statut = forms.ChoiceField(
        label="Réponse",
        choices=[
            (DemandeOpposition.Statut.ACCEPTEE.value, DemandeOpposition.Statut.ACCEPTEE.label),
            (DemandeOpposition.Statut.REFUSEE.value, DemandeOpposition.Statut.REFUSEE.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Dites si la demande est acceptée ou refusée."},
    )
    reponse = forms.CharField(
        label="Réponse motivée",
        help_text="La personne la lira dans son espace : écrivez simplement, sans sigle.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Motivez la réponse : la personne la lira."},
    )
