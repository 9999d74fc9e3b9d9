"""Activation de l'espace personnel : déclarations de la matrice des URL.

Le décor : la personne du carnet visé (déjà un espace ouvert, identifiant sans e-mail) reçoit une adresse e-mail
dans son carnet et un lien d'activation en attente ; une autre personne (Jo Morel, sans compte) a un code en attente.

- Les pages d'activation sont publiques : un visiteur anonyme active (302 vers son espace) ; tout compte connecté
  (professionnel, personne) voit une page qui l'invite à se déconnecter d'abord (200, rien n'est écrit).
- Les pages du professionnel suivent les droits du carnet (voir : 404 sinon ; modifier : 403 sinon) ; une personne
  connectée n'y entre pas (404, `ComptesSeparesMiddleware`).
- L'espace de la personne du carnet est ouvert : envoyer un lien ou remettre un code réinitialise son accès, ce que
  seul le référent (le professionnel) peut faire ; les autres professionnels qui modifient le carnet reçoivent 403.
- Remettre un code redirige (302) vers la feuille à imprimer (GET), qui montre le code une seule fois ; sans code en
  session (ici : toujours), elle dit que le code a déjà été affiché (200, rien n'est écrit).
"""

from datetime import date, timedelta

from django.utils import timezone

from parcours import services as parcours_services
from parcours.espace.activation import empreinte
from parcours.models import ActivationEspace, EspacePersonne
from partenaires.models import Utilisateur
from tests.matrice.acteurs import MODIFIER_CARNET, POST_SANS_GET, VOIR_CARNET, apres_succes, tous

GET_QUI_ECRIVENT = set()
POST_ANONYMES_QUI_ECRIVENT = {"parcours:espace_activer", "parcours:espace_activer_lien"}

JETON = "jeton-de-la-matrice-des-url-0123456789abcdef"
CODE = "ABCD-EFGH-JKMN"
IDENTIFIANT = "jo.morel0042"
MOT_DE_PASSE = "une phrase assez longue pour passer"

PERSONNES_404 = {"personne": 404, "autre_personne": 404}
# Public : anonyme comme connectés voient la page (les connectés, celle qui les invite à se déconnecter).
PUBLIQUE = {**tous(200), "personne": 200, "autre_personne": 200}
ACTIVER = {**PUBLIQUE, "anonyme": 302}


def _decor(c):
    c["activation_lien"]  # le décor existe avant l'état de la base pris par la matrice
    return c


def fabriques(contexte):
    def decor():
        referent = contexte["acteurs"]["professionnel"]
        organisation = contexte["organisation"]
        personne = contexte["carnet"].personne
        personne.email = "alex.durand@exemple.fr"
        personne.save(update_fields=["email"])
        maintenant = timezone.now()
        commun = {"cree_par": referent, "organisation": organisation, "expire_le": maintenant + timedelta(days=7)}
        lien = ActivationEspace.objects.create(
            personne=personne, canal="lien", empreinte=empreinte(JETON), email=personne.email, **commun
        )
        autre = parcours_services.ouvrir_carnet(
            acteur=referent, organisation=organisation, nom="Morel", prenom="Jo", date_naissance=date(1970, 2, 3)
        )
        code = ActivationEspace.objects.create(
            personne=autre.personne,
            canal="code",
            empreinte=empreinte(CODE.replace("-", "")),
            identifiant=IDENTIFIANT,
            **commun,
        )
        return {"activation_lien": lien, "activation_code": code}

    return dict.fromkeys(("activation_lien", "activation_code"), decor)


def _sans_argument(c):
    _decor(c)
    return []


def _jeton(c):
    _decor(c)
    return [JETON]


def _carnet(c):
    return [_decor(c)["carnet"].uuid]


MOTS_DE_PASSE = {"password1": MOT_DE_PASSE, "password2": MOT_DE_PASSE}
# Réinitialiser l'accès d'un espace ouvert : le référent seul ; les autres qui modifient le carnet, 403.
REINITIALISER = {
    **apres_succes(MODIFIER_CARNET),
    "administrateur": 403,
    "accompagnateur": 403,
    **PERSONNES_404,
}

MATRICE = {
    "parcours:espace_activer": (
        _sans_argument,
        {
            "GET": (PUBLIQUE, None),
            "POST": (ACTIVER, lambda c: {"identifiant": IDENTIFIANT, "code": CODE.lower(), **MOTS_DE_PASSE}),
        },
    ),
    "parcours:espace_activer_lien": (
        _jeton,
        {"GET": (PUBLIQUE, None), "POST": (ACTIVER, lambda c: MOTS_DE_PASSE)},
    ),
    "parcours:espace_gerer": (_carnet, {"GET": ({**VOIR_CARNET, **PERSONNES_404}, None)}),
    "parcours:espace_envoyer_lien": (
        _carnet,
        {"GET": ({**POST_SANS_GET, **PERSONNES_404}, None), "POST": (REINITIALISER, lambda c: {})},
    ),
    "parcours:espace_remettre_code": (
        _carnet,
        {"GET": ({**POST_SANS_GET, **PERSONNES_404}, None), "POST": (REINITIALISER, lambda c: {})},
    ),
    "parcours:espace_feuille_code": (
        _carnet,
        {
            "GET": ({**MODIFIER_CARNET, **PERSONNES_404}, None),
            "POST": ({**POST_SANS_GET, **PERSONNES_404}, lambda c: {}),
        },
    ),
    "parcours:espace_fermer": (
        _carnet,
        {
            "GET": ({**POST_SANS_GET, **PERSONNES_404}, None),
            "POST": ({**apres_succes(MODIFIER_CARNET), **PERSONNES_404}, lambda c: {}),
        },
    ),
}


def etat():
    return [
        list(ActivationEspace.objects.order_by("pk").values_list("pk", "utilisee_le", "annulee_le")),
        list(EspacePersonne.objects.order_by("pk").values_list("pk", "ferme_le")),
        list(
            Utilisateur.objects.filter(est_personne=True)
            .order_by("pk")
            .values_list("pk", "is_active", "password", "email", "identifiant")
        ),
    ]
