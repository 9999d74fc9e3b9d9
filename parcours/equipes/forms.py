"""Les formulaires des équipes pluridisciplinaires : ils lisent la saisie ; les règles (nom unique dans le
département, une qualité de chaque membre pour tenir séance, séance à venir, manquement à présenter…) sont vérifiées
par `parcours.equipes.services`."""

from django import forms
from django.utils import timezone

from parcours.equipes.services import RESUME_MAX
from parcours.models import DossierEquipe, MembreEquipe
from spie.forms import ChampDate, ChampDateHeure

Motif = DossierEquipe.Motif
Decision = DossierEquipe.Decision


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ChoixParUuid(forms.ChoiceField):
    """Un objet choisi par son uuid dans une liste fournie par la vue (jamais d'identifiant séquentiel)."""

    def definir(self, objets, *, libelle=str, vide="Choisir") -> None:
        self.objets = {str(o.uuid): o for o in objets}
        self.choices = [("", vide)] + [(cle, libelle(o)) for cle, o in self.objets.items()]

    def clean(self, valeur):
        return self.objets.get(super().clean(valeur))


class EquipeForm(forms.Form):
    nom = forms.CharField(label="Nom de l'équipe", max_length=150, help_text="Par exemple « EP du Pays dacquois ».")
    secteur = forms.CharField(
        label="Secteur couvert",
        max_length=250,
        required=False,
        help_text="Les communes, cantons ou EPCI dont l'équipe examine les dossiers.",
    )
    organisation = _ChoixParUuid(
        label="Département porteur",
        help_text="Il réunit l'équipe ; son président (ou son délégataire) décide après l'avis.",
    )
    active = forms.BooleanField(
        label="Équipe active",
        required=False,
        help_text="Une équipe désactivée ne tient plus de séance et ne reçoit plus de dossier.",
    )

    def __init__(self, *args, organisations=None, equipe=None, **kwargs):
        if equipe is not None:
            kwargs.setdefault("initial", {"nom": equipe.nom, "secteur": equipe.secteur, "active": equipe.active})
        super().__init__(*args, **kwargs)
        if equipe is None:
            del self.fields["active"]
            self.fields["organisation"].definir(
                organisations or [], libelle=lambda o: f"{o.nom} ({o.departement})", vide="Choisir le Département"
            )
        else:
            del self.fields["organisation"]


class MembreForm(forms.Form):
    qualite = forms.ChoiceField(label="Qualité", choices=MembreEquipe.Qualite.choices, widget=forms.RadioSelect)
    nom_complet = forms.CharField(label="Nom et prénom", max_length=200)
    structure = forms.CharField(
        label="Organisation ou collectif",
        max_length=200,
        required=False,
        help_text="Pour un représentant des bénéficiaires, son collectif ou son association, s'il en a un.",
    )
    email_compte = forms.EmailField(
        label="Adresse électronique de son compte sur la plateforme (facultatif)",
        required=False,
        help_text="Un professionnel actif d'une organisation du département de l'équipe : il verra alors les "
        "séances tenues pendant son mandat et le résumé des dossiers, jamais les carnets.",
    )
    date_debut = ChampDate(label="Membre depuis", initial=timezone.localdate, widget=_date())


class FinMembreForm(forms.Form):
    date_fin = ChampDate(label="Fin du mandat le", initial=timezone.localdate, widget=_date())


class SeanceForm(forms.Form):
    date_heure = ChampDateHeure(
        label="Date et heure",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    lieu = forms.CharField(
        label="Lieu", max_length=250, required=False, help_text="Par exemple « Maison du Département, Dax »."
    )


class InscriptionForm(forms.Form):
    seance = _ChoixParUuid(label="Séance", help_text="Les séances à venir des équipes du territoire du carnet.")
    motif = forms.ChoiceField(label="Motif", choices=Motif.choices, widget=forms.RadioSelect)
    demande_orientation = _ChoixParUuid(
        label="Demande de réorientation liée (facultatif)",
        required=False,
        help_text="Pour une réorientation : la demande en attente dans la file d'orientation, s'il y en a une.",
    )
    manquement = _ChoixParUuid(
        label="Manquement présenté",
        required=False,
        help_text="Pour un manquement présumé : un manquement dont l'avis a été envoyé à la personne.",
    )
    resume = forms.CharField(
        label="Résumé partagé avec l'équipe",
        max_length=RESUME_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="L'équipe ne voit que ce texte et le nom de la personne : rien d'autre du carnet. N'y mettez que ce "
        f"qui est utile à l'avis ({RESUME_MAX} caractères au plus).",
    )

    def __init__(self, *args, seances=(), demandes=(), manquements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seance"].definir(
            seances,
            libelle=lambda s: f"{s.equipe.nom} – {timezone.localtime(s.date_heure):%d/%m/%Y à %H:%M}",
            vide="Choisir la séance",
        )
        self.fields["demande_orientation"].definir(
            demandes, libelle=lambda d: f"Demande du {d.date_demande:%d/%m/%Y}", vide="Aucune"
        )
        self.fields["manquement"].definir(
            manquements,
            libelle=lambda m: f"{m.get_type_display()} (faits du {m.date_faits:%d/%m/%Y})",
            vide="Choisir le manquement",
        )


class AvisForm(forms.Form):
    avis = forms.ChoiceField(label="Avis de l'équipe", choices=DossierEquipe.Avis.choices, widget=forms.RadioSelect)
    motif_avis = forms.CharField(label="Motif de l'avis", widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[(d.value, d.label) for d in DossierEquipe.DECISIONS_PAR_MOTIF[Motif.REORIENTATION]],
        widget=forms.RadioSelect,
    )
    motif_decision = forms.CharField(label="Motif de la décision", widget=forms.Textarea(attrs={"rows": 4}))
