"""Carnets de démonstration : une cinquantaine de personnes fictives accompagnées par les partenaires des Landes.

Déterministe (graine fixe) et idempotent : les personnes sont repérées par leur identifiant « DEMO-0… » ; les
parcours de l'orientation au suivi dans l'emploi (« DEMO-P… ») viennent ensuite, de `parcours.demo_parcours`.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from parcours import services
from parcours.diagnostic import services as diagnostic_services
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
# (situation actuelle, niveau, fin du dernier emploi il y a N jours, métiers ROME, domaines en besoin)
DIAGNOSTICS = [
    ("recherche_emploi", "NV5", 200, ["J1501.aide_soignant_aide_soignante"],
     {"mobilite": ("fort", ["mobilite.aucun_moyen_de_transport_a_disposition"], "J'aimerais passer le permis.")}),
    ("recherche_emploi", "NV4", 90, ["N1103.magasinier_magasiniere", "D1507.employe_employee_de_rayon"], {}),
    ("au_foyer", "C3A", 1500, [],
     {"contraintes_familiales": ("fort", ["contraintes_familiales.enfant_s_de_moins_de_3_ans_sans_solution_de_garde"],
                                 "Je ne peux pas travailler tant que je n'ai pas de place en crèche."),
      "logement": ("fort", ["logement.heberge_chez_un_tiers"], "Je dors chez ma sœur avec mes deux enfants.")}),
    ("iae", "CFG", 0, ["F1703.macon_maconne"],
     {"difficulte_financiere": ("moyen", ["difficulte_financiere.difficulte_dans_la_gestion_dun_budget"], "")}),
    ("construction_projet", "NV3", 800, [],
     {"numerique": ("moyen", ["numerique.absence_dequipement"], "Je n'ai pas d'ordinateur.")}),
]  # fmt: skip


def charger_carnets_demo(sender=None, organisations=None, **kwargs) -> str:
    from parcours import (  # qui réutilisent les carnets de ce module
        demo_espace,
        demo_orientations_service,
        demo_parcours,
        demo_procedures,
    )

    resumes = [
        _carnets(organisations),
        demo_parcours.charger(organisations),
        demo_orientations_service.charger(),
        demo_procedures.charger(organisations),
        demo_espace.charger(organisations),
    ]
    return " ".join(resume for resume in resumes if resume)


def _carnets(organisations) -> str:
    if Personne.objects.filter(identifiant_departement__startswith="DEMO-0").exists():
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
    if numero % 3:
        _diagnostic(
            carnet, referent.utilisateur, DIAGNOSTICS[numero % len(DIAGNOSTICS)], version_suivante=numero % 7 == 1
        )
    visibilite, texte = hasard.choice(NOTES)
    services.ajouter_note(
        carnet, acteur=referent.utilisateur, organisation=referent.organisation, texte=texte, visibilite=visibilite
    )


def _diagnostic(carnet, acteur, modele, *, version_suivante):
    situation, niveau, jours, metiers, besoins = modele
    diagnostic = diagnostic_services.commencer(carnet, acteur=acteur)
    evaluations = {
        code: {"appreciation": "non_aborde"} for code in diagnostic.evaluations.values_list("domaine", flat=True)
    }
    evaluations["emploi"] = {
        "appreciation": "point_fort" if metiers else "besoin",
        "impact": "" if metiers else "moyen",
    }
    for domaine, (impact, situations, paroles) in besoins.items():
        evaluations[domaine] = {
            "appreciation": "besoin",
            "impact": impact,
            "situations": situations,
            "paroles_personne": paroles,
            "priorite": "haute" if impact == "fort" else "moyenne",
        }
    diagnostic_services.enregistrer(
        diagnostic,
        acteur=acteur,
        evaluations=evaluations,
        situation_actuelle=situation,
        type_contrat="insertion" if situation == "iae" else "",
        niveau_formation=niveau,
        date_fin_dernier_emploi=timezone.localdate() - timedelta(days=jours) if jours else None,
        projet_non_defini=not metiers,
        permis=["B"] if "mobilite" not in besoins else [],
    )
    for metier in metiers:
        diagnostic_services.ajouter_projet(diagnostic, acteur=acteur, appellation=metier, rayon_mobilite_km=30)
    diagnostic_services.valider(diagnostic, acteur=acteur)
    if version_suivante:
        suivante = diagnostic_services.commencer(carnet, acteur=acteur)
        evaluations["logement"] = {
            "appreciation": "besoin",
            "impact": "moyen",
            "situations": ["logement.difficulte_a_payer_le_loyer"],
        }
        diagnostic_services.enregistrer(suivante, acteur=acteur, evaluations=evaluations)
        diagnostic_services.valider(suivante, acteur=acteur)
