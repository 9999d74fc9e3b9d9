"""Orientations de démonstration vers l'offre des Landes : la boîte de réception de France Travail et de
l'association Mobilité Landes, un lien signé envoyé à la crèche (hors plateforme), une orientation acceptée dont les
heures comptent au carnet. Idempotent : un carnet qui a déjà des orientations vers un service est laissé tel quel."""

from django.db import transaction

from offre.models import Service
from parcours.models import Carnet, Intervenant, OrientationService
from parcours.orientation_service import regles, services

Statut = OrientationService.Statut

# (carnet de démonstration, identifiant du service de l'offre de démonstration, besoin, session ?, suite)
ORIENTATIONS = [
    ("DEMO-0003", "Atelier CV", "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation", True, []),
    ("DEMO-0005", "Auto-école sociale", "mobilite--preparer-un-permis", False, [Statut.A_L_ETUDE, Statut.ACCEPTEE]),
    ("DEMO-0007", "Places en crèche à vocation d'insertion professionnelle", "famille--garde-denfants", False, []),
    ("DEMO-0009", "Club de recherche d'emploi", "trouver-un-emploi--faire-des-candidatures-spontanees", True, []),
]


@transaction.atomic
def charger() -> str:
    envoyees = 0
    for identifiant, nom_service, besoin, avec_session, suite in ORIENTATIONS:
        carnet = Carnet.objects.filter(personne__identifiant_departement=identifiant).first()
        service = Service.objects.filter(source="demo", nom=nom_service).first()
        if carnet is None or service is None or carnet.orientations_service.exists():
            continue
        referent = Intervenant.objects.referents().filter(carnet=carnet).select_related("utilisateur").first()
        if referent is None:
            continue
        orientation = services.orienter(
            carnet,
            service,
            acteur=referent.utilisateur,
            session=service.sessions.filter(annulee=False).order_by("debut").first() if avec_session else None,
            besoin=besoin,
            message="Personne motivée, disponible en semaine ; merci de la contacter par téléphone.",
            consentement=True,
        )
        for statut in suite:  # la réponse d'une conseillère de la structure (partenaire)
            membre = service.structure.organisation.membres.actifs().first()
            services.changer_statut(orientation, vers=statut, acteur=membre.utilisateur, cote=regles.STRUCTURE)
        envoyees += 1
    return f"{envoyees} orientation(s) vers un service." if envoyees else ""
