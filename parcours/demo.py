"""Carnets de démonstration : une cinquantaine de personnes fictives accompagnées par les partenaires des Landes.

Déterministe (graine fixe) et idempotent : les personnes sont repérées par leur identifiant « DEMO-… ».
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from parcours import services
from parcours.models import Personne
from partenaires import permissions

PRENOMS = [
    "Léa", "Hugo", "Manon", "Lucas", "Chloé", "Nathan", "Inès", "Enzo", "Camille", "Louis", "Sarah", "Yanis",
    "Emma", "Théo", "Jade", "Rayan", "Louise", "Adam", "Lina", "Mathis", "Nora", "Samir", "Julie", "Karim",
]  # fmt: skip
NOMS = [
    "Dupouy", "Lafargue", "Castets", "Labadie", "Darriet", "Lalanne", "Ducos", "Bordes", "Capdeville", "Saint-Martin",
    "Lacoste", "Dufau", "Barrère", "Pédelucq", "Lescoute", "Garcia", "Martin", "Benali", "Nguyen", "Diallo",
]  # fmt: skip
COMMUNES = [
    ("Mont-de-Marsan", "40000", "40192"), ("Dax", "40100", "40088"), ("Saint-Paul-lès-Dax", "40990", "40279"),
    ("Biscarrosse", "40600", "40046"), ("Aire-sur-l'Adour", "40800", "40001"), ("Mimizan", "40200", "40184"),
]  # fmt: skip
OBJETS_RDV = ["Premier entretien", "Point d'étape", "Préparation d'un entretien d'embauche", "Bilan de l'immersion"]
NOTES = [
    ("groupe", "Personne motivée, cherche un emploi dans la logistique ; pas de véhicule."),
    ("organisation", "Dossier d'aide au permis à monter avec le service mobilité."),
    ("groupe", "A participé à l'atelier CV ; CV à jour transmis au conseiller."),
]
NOMBRE = 50


def charger_carnets_demo(sender=None, organisations=None, **kwargs) -> str:
    if Personne.objects.filter(identifiant_departement__startswith="DEMO-").exists():
        return ""
    hasard = random.Random(40)
    professionnels = [
        membre
        for organisation in organisations.values()
        for membre in organisation.membres.filter(
            is_active=True, role__in=["professionnel", "administrateur"]
        ).select_related("utilisateur", "organisation")
    ]
    with transaction.atomic():
        for numero in range(1, NOMBRE + 1):
            _carnet(numero, hasard, professionnels)
    return f"{NOMBRE} carnets de démonstration créés."


def _carnet(numero, hasard, professionnels):
    referent = hasard.choice(professionnels)
    commune, code_postal, code_commune = hasard.choice(COMMUNES)
    age = hasard.choice([19, 22, 24, 31, 38, 45, 52, 58])
    carnet = services.ouvrir_carnet(
        acteur=referent.utilisateur,
        organisation=referent.organisation,
        ignorer_doublons=True,
        nom=hasard.choice(NOMS),
        prenom=hasard.choice(PRENOMS),
        date_naissance=date(2026 - age, hasard.randint(1, 12), hasard.randint(1, 28)),
        commune=commune,
        code_postal=code_postal,
        code_commune=code_commune,
        adresse=f"{hasard.randint(1, 90)} rue des Pins",
        identifiant_departement=f"DEMO-{numero:04d}",
        numero_caf_msa=f"{hasard.randint(1000000, 9999999)}",
    )
    autres = [p for p in professionnels if p.organisation_id != referent.organisation_id]
    for accompagnateur in hasard.sample(autres, k=hasard.choice([0, 1, 1, 2])):
        deja = carnet.intervenants.actifs().filter(utilisateur=accompagnateur.utilisateur).exists()
        if not deja and permissions.membres_actifs(accompagnateur.utilisateur).exists():
            services.ajouter_intervenant(
                carnet,
                acteur=referent.utilisateur,
                utilisateur=accompagnateur.utilisateur,
                organisation=accompagnateur.organisation,
            )
    jour = timezone.localdate() + timedelta(days=hasard.randint(-60, 30))
    quand = timezone.make_aware(datetime.combine(jour, time(hasard.choice([9, 10, 14, 16]), 0)))
    rendez_vous = services.prevoir_rendez_vous(
        carnet,
        acteur=referent.utilisateur,
        intervenant=referent.utilisateur,
        date_heure=quand,
        objet=hasard.choice(OBJETS_RDV),
        lieu=f"{referent.organisation.nom}, {referent.organisation.commune}",
    )
    if quand < timezone.now():
        services.mettre_a_jour_rendez_vous(
            rendez_vous, acteur=referent.utilisateur, statut=hasard.choice(["honore", "honore", "absent", "excuse"])
        )
    visibilite, texte = hasard.choice(NOTES)
    services.ajouter_note(
        carnet, acteur=referent.utilisateur, organisation=referent.organisation, texte=texte, visibilite=visibilite
    )
