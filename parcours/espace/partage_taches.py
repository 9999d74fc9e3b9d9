"""Courriels des demandes d'opposition, envoyés après la validation de la transaction (tâches qui prennent des id)."""

from celery import shared_task
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from spie.liens import lien_absolu


def destinataires_opposition(demande) -> list[str]:
    """Ceux qui peuvent répondre, et eux seuls : le référent du carnet s'il est de l'organisation saisie ; à défaut
    les membres actifs de cette organisation qui peuvent modifier le carnet (ses intervenants, ses administrateurs).
    Jamais une boîte de contact partagée, jamais des administrateurs qui ne verraient pas le carnet."""
    from parcours.espace.partage import peut_repondre
    from parcours.models import Intervenant
    from partenaires.choix import Role
    from partenaires.models import Membre, Utilisateur

    referent = (
        Intervenant.objects.referents()
        .filter(carnet_id=demande.carnet_id, organisation_id=demande.organisation_id)
        .select_related("utilisateur")
        .first()
    )
    if referent is not None and referent.utilisateur.email and peut_repondre(referent.utilisateur, demande):
        return [referent.utilisateur.email]
    membres = Membre.objects.actifs().filter(organisation_id=demande.organisation_id)
    intervenants = Intervenant.objects.actifs().filter(carnet_id=demande.carnet_id).values("utilisateur")
    candidats = Utilisateur.objects.filter(
        Q(pk__in=membres.filter(utilisateur__in=intervenants).values("utilisateur"))
        | Q(pk__in=membres.filter(role=Role.ADMINISTRATEUR).values("utilisateur"))
    )
    # La règle de la page de réponse tranche pour chacun (quelques comptes : les intervenants et administrateurs).
    return sorted(
        {
            utilisateur.email
            for utilisateur in candidats.filter(email__isnull=False).exclude(email="").distinct()
            if peut_repondre(utilisateur, demande)
        }
    )


def adresse_de_la_personne(carnet) -> str:
    """L'adresse de connexion de son espace, à défaut celle de sa fiche ; vide : on ne peut pas la prévenir."""
    from parcours.models import EspacePersonne

    espace = EspacePersonne.objects.filter(personne_id=carnet.personne_id).select_related("compte").first()
    if espace is not None and espace.compte.email:
        return espace.compte.email
    return carnet.personne.email


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def prevenir_opposition(demande_id: int) -> None:
    """Prévient l'organisation saisie qu'une personne s'oppose au traitement de ses données (délai d'un mois)."""
    from parcours.models import DemandeOpposition

    demande = DemandeOpposition.objects.select_related("carnet", "organisation").filter(pk=demande_id).first()
    if demande is None or demande.statut != DemandeOpposition.Statut.EN_ATTENTE:
        return
    destinataires = destinataires_opposition(demande)
    if not destinataires:
        return
    # Pas le nom de la personne : le lien mène au carnet, à qui peut le lire.
    contexte = {
        "demande": demande,
        "lien": lien_absolu(reverse("parcours:espace_opposition_repondre", args=[demande.carnet.uuid, demande.uuid])),
    }
    send_mail(
        subject=render_to_string("parcours/emails/opposition_objet.txt", contexte).strip(),
        message=render_to_string("parcours/emails/opposition_demandee.txt", contexte),
        from_email=None,
        recipient_list=destinataires,
    )


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def prevenir_reponse_opposition(demande_id: int) -> None:
    """Prévient la personne que sa demande d'opposition a reçu une réponse, à lire dans son espace (le courriel ne
    dit ni la réponse ni le motif)."""
    from parcours.models import DemandeOpposition

    demande = DemandeOpposition.objects.select_related("carnet__personne").filter(pk=demande_id).first()
    if demande is None or demande.repondu_le is None:
        return
    adresse = adresse_de_la_personne(demande.carnet)
    if not adresse:
        return
    contexte = {"lien": lien_absolu(reverse("parcours:espace_opposition"))}
    send_mail(
        subject=render_to_string("parcours/emails/opposition_repondue_objet.txt", contexte).strip(),
        message=render_to_string("parcours/emails/opposition_repondue.txt", contexte),
        from_email=None,
        recipient_list=[adresse],
    )
