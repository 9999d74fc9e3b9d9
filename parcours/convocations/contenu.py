"""Ce que disent la lettre et les courriels de convocation : un seul endroit, en français simple et court."""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from parcours.models import Intervenant, RendezVous

# Ce que la personne apporte à un rendez-vous d'accompagnement (le même texte dans la lettre et les courriels).
A_APPORTER = [
    "une pièce d'identité",
    "cette convocation",
    "vos papiers récents : CV, courriers de la CAF ou de France Travail",
]


def responsable(rendez_vous):
    """Qui la personne joint pour cette convocation, et au nom de qui la plateforme agit quand la personne répond
    ou qu'un rappel part : le référent actif du carnet, sinon le professionnel qui a prévu le rendez-vous."""
    referent = (
        Intervenant.objects.referents().filter(carnet_id=rendez_vous.carnet_id).select_related("utilisateur").first()
    )
    return referent.utilisateur if referent else rendez_vous.cree_par


def annoter_responsable(rendez_vous):
    """La même règle que `responsable`, en une requête pour tout un ensemble de rendez-vous."""
    referents = Intervenant.objects.referents().filter(carnet=OuterRef("carnet"))
    referent = Subquery(referents.values("utilisateur")[:1])
    return rendez_vous.annotate(
        responsable_id=Coalesce(referent, "cree_par", output_field=RendezVous._meta.get_field("cree_par").target_field)
    )


def contexte(rendez_vous) -> dict:
    """Le rendez-vous (date, lieu ou distance, objet, avec qui), la personne à joindre et son téléphone
    (le sien, sinon celui de son organisation), ce qu'il faut apporter."""
    contact = responsable(rendez_vous)
    organisation = rendez_vous.organisation
    return {
        "rendez_vous": rendez_vous,
        "personne": rendez_vous.carnet.personne,
        "organisation": organisation,
        "contact": contact,
        "telephone": contact.telephone or organisation.telephone,
        "a_apporter": A_APPORTER,
    }
