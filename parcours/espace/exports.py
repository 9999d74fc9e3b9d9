"""Les deux documents que la personne télécharge depuis son espace, produits en arrière-plan (`spie.documents`) :

- `parcours.espace_carnet` : le PDF de son carnet (identité, référent et groupe de suivi avec leurs contacts, plan
  d'action, rendez-vous à venir et des douze derniers mois, orientations, contrat, date de production). Jamais une
  note d'entretien ;
- `parcours.espace_donnees` : toutes les données personnelles que la plateforme détient sur elle (droit d'accès,
  RGPD article 15), en JSON.

Chaque producteur revérifie au moment de produire que le demandeur est le compte de la personne, espace ouvert, et
que le carnet demandé est le sien (sinon 404 : le document échoue, comme pour les autres producteurs).

Ce que lit tout le groupe de suivi est dans l'export, y compris ce que l'espace de la personne ne lui montre pas à
l'écran (comptes rendus des rendez-vous, commentaires des professionnels dans le diagnostic et ses parties
sensibles, motifs des décisions, message envoyé à une structure) : le droit d'accès porte sur toutes ses données.

Les notes d'entretien dans l'export : **seules les notes visibles par tout le groupe de suivi y sont**. Ce sont des
données sur la personne que tous les professionnels qui l'accompagnent lisent ; le droit d'accès les couvre. Les notes
réservées à une organisation ou à leur auteur sont des notes de travail qu'aucun autre partenaire ne lit : la
plateforme ne les met pas dans un export en libre-service (un export volé ou partagé ne doit pas les livrer) ; la
personne peut les demander à l'organisation qui les a écrites, responsable de leur traitement, par une demande
d'accès (l'export le lui dit dans `a_propos`).

Les avis que la personne donne sur son accompagnement (`Evaluation`) sont enregistrés sans nom ni lien avec le
carnet : rien ne permet de les retrouver, ils ne sont donc pas dans l'export (seul le fait qu'une étape a reçu un
avis, `EtapeEvaluee`, y est).

L'export comprend aussi son compte de connexion (section `compte` : adresse, identifiant, dates, second facteur oui
ou non, ses demandes de documents sans leur contenu) et son espace personnel (ouverture, fermeture, invitations à
l'activer, jamais l'empreinte d'un jeton).

`MODELES_EXPORTES`, `MODELES_DU_COMPTE` et `MODELES_NON_EXPORTES` (avec leur raison) couvrent chaque modèle lié à un
carnet ou à une personne, chaque ligne enfant d'un modèle exporté et chaque modèle où le compte de la personne
apparaît : un test échoue si un nouveau modèle n'est dans aucun des trois.
"""

import json

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from parcours.choix import VOIR_CARNET
from parcours.espace import libelles, parole
from parcours.espace.acces import espace_de
from parcours.espace.partage import debut_fenetre_consultations
from parcours.models import (
    ActivationEspace,
    Carnet,
    ConsultationCarnet,
    ContratEngagement,
    EspacePersonne,
    EvenementCarnet,
    Intervenant,
    Note,
    Objectif,
    OrientationService,
    Personne,
    RendezVous,
)
from partenaires import permissions
from spie.documents import producteur
from spie.models import DocumentGenere
from spie.pdf import rendre_pdf

GABARIT_PDF = "parcours/espace/documents/carnet_pdf.html"
# Les champs techniques jamais exportés : l'identifiant interne, l'empreinte d'un jeton d'activation (secret).
CHAMPS_TECHNIQUES = {"id", "empreinte"}

# Section de l'export → (modèle, champ qui le lie au carnet ou à la personne, relations exportées avec chaque ligne).
SECTIONS = {
    "statuts": ("parcours.Statut", "personne", ()),
    "groupe_de_suivi": ("parcours.Intervenant", "carnet", ()),
    "rendez_vous": ("parcours.RendezVous", "carnet", ()),
    "plan_d_action": ("parcours.Objectif", "carnet", ("actions",)),
    "contrats": ("parcours.ContratEngagement", "carnet", ()),
    "diagnostics": ("parcours.Diagnostic", "carnet", ("projets", "evaluations")),
    "demandes_d_orientation": ("parcours.DemandeOrientation", "carnet", ()),
    "decisions_d_orientation": ("parcours.DecisionOrientation", "carnet", ()),
    "transferts_de_territoire": ("parcours.TransfertTerritoire", "carnet", ()),
    "orientations_vers_un_service": ("parcours.OrientationService", "carnet", ("transitions",)),
    "sorties_du_parcours": ("parcours.SortieParcours", "carnet", ("points_suivi",)),
    "vos_messages": ("parcours.ExpressionPersonne", "carnet", ()),
    "consentements": ("parcours.Consentement", "carnet", ()),
    "demandes_d_opposition": ("parcours.DemandeOpposition", "carnet", ()),
    "oppositions_au_partage": ("parcours.OppositionPartage", "carnet", ()),
    "gels_legaux": ("parcours.GelLegal", "carnet", ()),
    "manquements_et_sanctions": ("parcours.Manquement", "carnet", ()),
    "equipe_pluridisciplinaire": ("parcours.DossierEquipe", "carnet", ()),
    "etudes_en_comite_technique": ("gouvernance.EtudeSituation", "carnet", ()),
    "etapes_ayant_recu_votre_avis": ("parcours.EtapeEvaluee", "carnet", ()),
}
MODELES_EXPORTES = {
    "parcours.Personne",  # identite
    "parcours.Carnet",  # carnet
    "parcours.CarnetPermissionGroupe",  # organisations_qui_voient_le_carnet
    "parcours.Note",  # notes_du_groupe_de_suivi (visibles par tout le groupe seulement)
    "parcours.EvenementCarnet",  # historique
    "parcours.ConsultationCarnet",  # consultations
    "parcours.EspacePersonne",  # espace_personnel
    "parcours.ActivationEspace",  # espace_personnel.activations
    *(modele for modele, _, _ in SECTIONS.values()),
    # Les lignes enfants, exportées avec leur ligne parente (troisième élément de SECTIONS).
    "parcours.Action",
    "parcours.ProjetProfessionnel",
    "parcours.EvaluationDomaine",
    "parcours.TransitionOrientationService",
    "parcours.PointSuiviEmploi",
}
# Les modèles liés au compte de la personne (et pas à son carnet), dans la section `compte`.
MODELES_DU_COMPTE = {
    "partenaires.Utilisateur",  # compte
    "account.EmailAddress",  # compte.adresses_email
    "mfa.Authenticator",  # compte.second_facteur (oui ou non, jamais le secret)
    "spie.DocumentGenere",  # compte.documents_demandes (jamais le contenu du fichier)
}
MODELES_NON_EXPORTES = {
    "parcours.AnonymisationCarnet": (
        "La trace de l'anonymisation d'un carnet : écrite quand l'espace personnel est fermé et le compte désactivé "
        "(plus personne à qui l'exporter), et elle ne contient aucune donnée personnelle."
    ),
    "parcours.ElementATraiter": (
        "La liste de travail calculée chaque jour pour les professionnels (alertes de délais) : elle se déduit des "
        "données déjà exportées et ne contient rien d'autre."
    ),
}

A_PROPOS = {
    "objet": (
        "Toutes les données personnelles que la plateforme SPIE détient sur vous (droit d'accès, article 15 du "
        "règlement général sur la protection des données)."
    ),
    "contenu": (
        "Tout ce que les professionnels qui vous accompagnent peuvent lire sur vous est ici, y compris les comptes "
        "rendus de vos rendez-vous, leurs commentaires dans votre diagnostic et les motifs des décisions."
    ),
    "notes_d_entretien": (
        "Seules les notes d'entretien que tout votre groupe de suivi peut lire sont ici. Les notes qu'un "
        "professionnel réserve à son organisation ou à lui-même n'y sont pas : demandez-les à l'organisation qui "
        "les a écrites (une demande d'accès, à laquelle elle répond dans un délai d'un mois)."
    ),
    "avis": (
        "Vos avis sur votre accompagnement sont enregistrés sans votre nom ni lien avec votre carnet : ils ne sont "
        "donc pas ici. "
        "« etapes_ayant_recu_votre_avis » dit seulement que vous avez donné votre avis (ou préféré ne pas répondre)."
    ),
    "historique": "Pour chaque événement de votre carnet : sa nature, sa date, l'organisation, un résumé et son "
    "origine : la commande ou la tâche automatique de la plateforme qui l'a écrit (vide quand c'est une personne).",
    "consultations": "Qui a ouvert votre carnet : la date, l'organisation, la personne, la partie consultée et les "
    "informations sensibles vues (RQTH, santé).",
    "format": "Dates au format AAAA-MM-JJ, heures en temps universel (UTC).",
    "questions": (
        "Une question, une erreur à corriger ? Adressez-vous à votre référent ou à l'organisation qui vous accompagne."
    ),
}


def _carnet_de_la_personne(demandeur, carnet_uuid: str) -> Carnet:
    """Le carnet de la personne qui demande, relu au moment de produire : son compte, son espace ouvert, son carnet.
    Tout autre cas : 404 (le document échoue)."""
    espace = espace_de(demandeur)
    if espace is None or str(espace.personne.carnet.uuid) != str(carnet_uuid):
        raise Http404("Carnet introuvable.")
    return espace.personne.carnet


# --- Le PDF du carnet ---------------------------------------------------------------------------------------


def contexte_carnet(carnet, maintenant=None) -> dict:
    """Ce que montre le PDF du carnet de la personne (jamais une note d'entretien), avec les mêmes règles et les
    mêmes mots que son espace : les décisions qui lui ont été notifiées, ses rendez-vous annulés marqués
    « annulé », les rendez-vous passés des 12 derniers mois (la fenêtre du journal des consultations)."""
    maintenant = maintenant or timezone.now()
    rendez_vous = (
        RendezVous.objects.filter(carnet=carnet).select_related("organisation", "intervenant").order_by("date_heure")
    )
    debut = debut_fenetre_consultations(timezone.localdate(maintenant))
    objectifs = (
        Objectif.objects.filter(carnet=carnet)
        .select_related("axe", "referentiel")
        .prefetch_related(Prefetch("actions", queryset=_avec_relations("parcours.Action", "objectif")))
    )
    return {
        "personne": carnet.personne,
        "carnet": carnet,
        "intervenants": list(
            Intervenant.objects.actifs().filter(carnet=carnet).select_related("utilisateur", "organisation")
        ),
        "objectifs": [
            {
                "objectif": objectif,
                "statut": libelles.statut_objectif(objectif),
                "actions": [(action, libelles.statut_action(action)) for action in objectif.actions.all()],
            }
            for objectif in objectifs
        ],
        "rendez_vous_a_venir": [
            libelles.rendez_vous_lu(r, maintenant) for r in rendez_vous.filter(date_heure__gte=maintenant)
        ],
        "rendez_vous_passes": [
            libelles.rendez_vous_lu(r, maintenant)
            for r in rendez_vous.filter(date_heure__lt=maintenant, date_heure__gte=debut).reverse()
        ],
        "decisions": list(parole.decisions_montrees_a_la_personne(carnet)),
        "orientations_service": [
            (orientation, libelles.statut_orientation_service(orientation))
            for orientation in OrientationService.objects.filter(carnet=carnet)
            .select_related("service__structure")
            .order_by("-envoyee_le")
        ],
        "contrat": ContratEngagement.objects.filter(carnet=carnet).order_by("-date_debut", "-pk").first(),
        "produit_le": maintenant,
    }


@producteur("parcours.espace_carnet")
def carnet_pdf(demandeur, *, carnet) -> bytes:
    return rendre_pdf(GABARIT_PDF, contexte_carnet(_carnet_de_la_personne(demandeur, carnet)))


# --- L'export de toutes ses données -------------------------------------------------------------------------


def _est_lien_vers_la_personne(champ) -> bool:
    return champ.related_model in (Carnet, Personne)


def _avec_relations(label: str, lien_parent: str | None = None):
    """Le queryset d'un modèle avec ses clés étrangères jointes et ses relations multiples préchargées (une ou deux
    requêtes par section, quel que soit le nombre de lignes)."""
    modele = apps.get_model(label)
    jointes = [
        champ.name
        for champ in modele._meta.concrete_fields
        if champ.is_relation and not _est_lien_vers_la_personne(champ) and champ.name != lien_parent
    ]
    multiples = [champ.name for champ in modele._meta.many_to_many]
    return modele.objects.select_related(*jointes).prefetch_related(*multiples)


def _valeur(objet, champ):
    if champ.many_to_many:
        return [str(lie) for lie in getattr(objet, champ.name).all()]
    if champ.is_relation:
        lie = getattr(objet, champ.name)
        return None if lie is None else str(lie)
    valeur = getattr(objet, champ.attname)
    if champ.choices and valeur not in (None, ""):
        return str(dict(champ.flatchoices).get(valeur, valeur))
    return valeur


def ligne(objet, *, exclure=(), enfants=()) -> dict:
    """Une ligne de l'export : chaque champ (libellés des choix en clair, objets liés par leur nom), sans l'identifiant
    interne ni le lien vers la personne, avec ses lignes enfants."""
    modele = objet._meta
    donnees = {
        champ.name: _valeur(objet, champ)
        for champ in [*modele.concrete_fields, *modele.many_to_many]
        if champ.name not in CHAMPS_TECHNIQUES
        and champ.name not in exclure
        and not (champ.is_relation and _est_lien_vers_la_personne(champ))
    }
    for nom in enfants:
        relation = modele.get_field(nom)
        donnees[nom] = [ligne(enfant, exclure=(relation.field.name,)) for enfant in getattr(objet, nom).all()]
    return donnees


def _section(carnet, label, lien, enfants) -> list[dict]:
    filtre = {lien: carnet.personne if lien == "personne" else carnet}
    requete = _avec_relations(label).filter(**filtre)
    for nom in enfants:
        relation = apps.get_model(label)._meta.get_field(nom)
        requete = requete.prefetch_related(
            Prefetch(nom, queryset=_avec_relations(relation.related_model._meta.label, relation.field.name))
        )
    return [ligne(objet, enfants=enfants) for objet in requete.order_by("pk")]


def _compte(compte) -> dict | None:
    """Le compte de connexion de la personne : ses identifiants, ses dates, s'il a un second facteur (oui ou non,
    jamais le secret), ses demandes de documents (titre, dates, statut ; jamais le contenu du fichier)."""
    if compte is None:
        return None
    return {
        "email": compte.email,
        "identifiant": compte.identifiant,
        "date_joined": compte.date_joined,
        "last_login": compte.last_login,
        "is_active": compte.is_active,
        "adresses_email": [
            {"email": adresse.email, "verifiee": adresse.verified, "principale": adresse.primary}
            for adresse in EmailAddress.objects.filter(user=compte).order_by("pk")
        ],
        "second_facteur": Authenticator.objects.filter(user=compte).exists(),
        "documents_demandes": [
            {
                "titre": document.titre,
                "demande_le": document.date_demande,
                "termine_le": document.date_fin,
                "expire_le": document.expire_le,
                "statut": document.get_statut_display(),
            }
            for document in DocumentGenere.objects.filter(demandeur=compte).order_by("date_demande", "pk")
        ],
    }


def _espace(personne, espace) -> dict:
    """Son espace personnel (ouvert, fermé) et chaque invitation à l'activer : le canal, l'adresse ou l'identifiant,
    les dates, qui l'a remise ; jamais l'empreinte du jeton."""
    return {
        "ouvert_le": espace.ouvert_le if espace else None,
        "ferme_le": espace.ferme_le if espace else None,
        "activations": [
            ligne(activation)
            for activation in ActivationEspace.objects.filter(personne=personne)
            .select_related("cree_par", "organisation")
            .order_by("cree_le", "pk")
        ],
    }


def donnees_de_la_personne(carnet, maintenant=None) -> dict:
    """Tout ce que la plateforme détient sur la personne du carnet (voir le docstring du module)."""
    maintenant = maintenant or timezone.now()
    espace = EspacePersonne.objects.select_related("compte").filter(personne=carnet.personne).first()
    donnees = {
        "a_propos": {"produit_le": maintenant, **A_PROPOS},
        "identite": ligne(carnet.personne),
        "carnet": ligne(Carnet.objects.select_related("cree_par", "organisation_creatrice").get(pk=carnet.pk)),
        "organisations_qui_voient_le_carnet": sorted(
            permissions.organisations_partageant(carnet, VOIR_CARNET).values_list("nom", flat=True)
        ),
        "compte": _compte(espace.compte if espace else None),
        "espace_personnel": _espace(carnet.personne, espace),
    }
    for cle, (label, lien, enfants) in SECTIONS.items():
        donnees[cle] = _section(carnet, label, lien, enfants)
    donnees["notes_du_groupe_de_suivi"] = [
        ligne(note, exclure=("visibilite",))
        for note in Note.objects.filter(carnet=carnet, visibilite=Note.Visibilite.GROUPE)
        .select_related("auteur", "organisation")
        .order_by("date", "pk")
    ]
    donnees["historique"] = [
        {
            "type": evenement.get_type_display(),
            "date": evenement.date,
            "organisation": evenement.organisation.nom if evenement.organisation else None,
            "resume": evenement.resume,
            "origine": evenement.origine or None,
        }
        for evenement in EvenementCarnet.objects.filter(carnet=carnet).select_related("organisation").order_by("date")
    ]
    donnees["consultations"] = [
        {
            "date": consultation.date,
            "organisation": consultation.organisation.nom if consultation.organisation else None,
            "lecteur": str(consultation.utilisateur) if consultation.utilisateur else consultation.lecteur,
            "partie_consultee": consultation.onglet,
            "sections_sensibles": consultation.liste_sections_sensibles,
        }
        for consultation in ConsultationCarnet.objects.filter(carnet=carnet)
        .select_related("utilisateur", "organisation")
        .order_by("date")
    ]
    return donnees


@producteur("parcours.espace_donnees")
def donnees_json(demandeur, *, carnet) -> bytes:
    donnees = donnees_de_la_personne(_carnet_de_la_personne(demandeur, carnet))
    return json.dumps(donnees, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
